import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { check, filter, permittedActions, type Catalogue } from '../../platform/authz.js';
import type { Actor } from '../../platform/context.js';
import type { Database, Db } from '../../platform/db/index.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { agreementActions, recordAgreement } from './agreements.js';
import { admitFromReserve } from './admissions.js';
import { addMonths } from './families.js';
import { threadActions } from './messaging.js';
import { messageThread } from './schema.js';
import { siteActions } from './site-actions.js';
import { childInReserve, citizenCtx, coordinatingOfficeOf, portalUser, publishedProvider } from './test-support.js';

/**
 * Every action of every catalogue, with an actor it allows and one it refuses, run on both forms:
 * the check on one row and the filter of a list. A new action without its line fails to compile.
 */

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

type Case = { allowed: Actor; refused: Actor };

async function listed<A extends string>(cat: Catalogue<A>, actor: Actor, act: A, id: string): Promise<boolean> {
  const rows = await db.select({ id: cat.id }).from(cat.table).where(and(eq(cat.id, id), filter(cat, actor, act)));
  return rows.length === 1;
}

async function assertBothForms<A extends string>(cat: Catalogue<A>, id: string, cases: { [K in A]: Case }): Promise<void> {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(cat.actions).sort());
  for (const act of Object.keys(cat.actions) as A[]) {
    const { allowed, refused } = cases[act];
    assert.equal(await check(db, cat, allowed, act, id), true, `${cat.resource} ${act}: check allows`);
    assert.equal(await listed(cat, allowed, act, id), true, `${cat.resource} ${act}: filter lists`);
    assert.equal(await check(db, cat, refused, act, id), false, `${cat.resource} ${act}: check refuses`);
    assert.equal(await listed(cat, refused, act, id), false, `${cat.resource} ${act}: filter hides`);
    assert.equal((await permittedActions(db, cat, allowed, [id])).get(id)?.has(act), true, `${cat.resource} ${act}: permitted`);
    assert.equal((await permittedActions(db, cat, refused, [id])).get(id)?.has(act), false, `${cat.resource} ${act}: not permitted`);
  }
}

const actor = (who: Parameters<typeof ctxOf>[0]): Actor => ctxOf(who).actor;
const today = todayInQuebec();

describe('the portal catalogues', () => {
  test('sites: every action, allowed and refused', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const other = await publishedProvider(db, 'home_provider');
    const sheetUser = actor(await portalUser(db, rsge, ['manage_sheet'], 'Fiche'));
    const own = actor(rsge.reserveUser);
    const theBc = actor(bc.reserveUser);
    const stranger = actor(other.reserveUser);
    await assertBothForms(siteActions, rsge.siteId, {
      manageSheet: { allowed: sheetUser, refused: own },
      readReserve: { allowed: own, refused: theBc },
      readPlaces: { allowed: own, refused: stranger },
      admit: { allowed: own, refused: theBc },
      contactParent: { allowed: own, refused: sheetUser },
      manageDelegation: { allowed: own, refused: theBc },
      confirmAdmission: { allowed: theBc, refused: own },
      rsgeAdmissions: { allowed: theBc, refused: own },
      keepRegistry: { allowed: theBc, refused: own },
      writeBcRsge: { allowed: theBc, refused: stranger },
      recordAgreement: { allowed: theBc, refused: own },
      readAgreements: { allowed: own, refused: stranger },
    });
  });

  test('message threads and agreements: every action, allowed and refused', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const other = await publishedProvider(db, 'cpe');
    const entry = await childInReserve(db, cpe.siteId);
    const [thread] = await db.insert(messageThread).values({ kind: 'registration', installationId: cpe.siteId, choiceId: entry.choice.id, subject: 'Une place', createdBy: cpe.reserveUser.account.id }).returning();
    assert.ok(thread);
    const parent = citizenCtx(entry.parent).actor;
    await assertBothForms(threadActions, thread.id, {
      read: { allowed: parent, refused: actor(other.reserveUser) },
      write: { allowed: actor(cpe.reserveUser), refused: actor(other.reserveUser) },
    });
    const settings = { publicUrl: 'http://localhost:3000' };
    const admitted = await admitFromReserve(db, ctxOf(cpe.reserveUser), cpe.siteId, entry.choice.id, { plannedStart: addMonths(today, 1), override: false, overrideReason: '' }, settings);
    const agreement = await recordAgreement(db, ctxOf(cpe.reserveUser), admitted.id, { startDate: addMonths(today, 1), days: ['mon'], periods: ['full_time'], contribution: 'reduced', dailyRate: '', signedOn: today }, settings);
    await assertBothForms(agreementActions, agreement.id, {
      read: { allowed: actor(cpe.reserveUser), refused: parent },
      record: { allowed: actor(cpe.reserveUser), refused: actor(other.reserveUser) },
    });
  });
});
