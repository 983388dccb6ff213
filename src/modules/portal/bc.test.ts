import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { transaction, type Database, type Db } from '../../platform/db/index.js';
import { AppError, ForbiddenError } from '../../platform/errors.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { siteById, todayInQuebec, upsertChildcareService, upsertSite } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from './admissions.js';
import { admissionsToConfirm, childrenOfRsge, confirmAdmission, remindNotAdhered, rsgeOfBc } from './bc.js';
import { setDelegation } from './delegation.js';
import { addMonths } from './families.js';
import { admission } from './schema.js';
import { childInReserve, coordinatingOfficeOf, createProvider, portalUser, publishedProvider, type PortalProvider } from './test-support.js';

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

const today = todayInQuebec();
const settings = { publicUrl: 'http://localhost:3000' };
const start = { plannedStart: addMonths(today, 1), override: false, overrideReason: '' };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  assert.fail('not refused');
}

/** Puts another RSGE's recognition under this BC (a BC holds one permit per territory; two here). */
async function recognizeToo(bcNeq: string, rsge: PortalProvider): Promise<void> {
  const site = await siteById(db, rsge.siteId);
  assert.ok(site);
  await transaction(db, (tx) => upsertChildcareService(tx, { permitNumber: site.permitNumber, kind: 'coordinating_office', name: site.serviceName, enterpriseNeq: bcNeq }));
}

describe('the BC’s list of its RSGE', () => {
  test('each RSGE with its account, sheet opened, completed and published, its authorization and admissions; a reminder to those who have not adhered, once a day', async () => {
    const published = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, published);
    const silent = await createProvider(db, 'home_provider');
    await recognizeToo(bc.neq, silent);
    const site = await siteById(db, published.siteId);
    assert.ok(site);
    // An RSGE without any account in guichet: only the registry knows it.
    const unknownId = await transaction(db, (tx) =>
      upsertSite(tx, { serviceId: site.serviceId, kind: 'home_provider', number: `RSGE-${Date.now() % 10_000_000}`, name: 'Aline Sansportail', address: '1, rue Principale', municipality: 'Rimouski', postalCode: 'G5L 1B1', region: '01', directorateCode: '11', providerNeq: '1999999999', placesTotal: 6, placesUnder18Months: 2 }),
    );
    await setDelegation(db, ctxOf(published.reserveUser), published.siteId, true);
    const { choice } = await childInReserve(db, published.siteId);
    await admitFromReserve(db, ctxOf(published.reserveUser), published.siteId, choice.id, start, settings);

    const rows = await rsgeOfBc(db, ctxOf(bc.reserveUser), bc.enterpriseId);
    const byId = new Map(rows.map((r) => [r.siteId, r]));
    assert.equal(rows.length, 3);
    assert.deepEqual(
      (({ hasAccount, adhered, completed, published: p, delegated, admissions, toConfirm }) => ({ hasAccount, adhered, completed, published: p, delegated, admissions, toConfirm }))(byId.get(published.siteId) as (typeof rows)[0]),
      { hasAccount: true, adhered: true, completed: true, published: true, delegated: true, admissions: 1, toConfirm: 1 },
    );
    assert.deepEqual([byId.get(silent.siteId)?.hasAccount, byId.get(silent.siteId)?.adhered, byId.get(silent.siteId)?.published], [true, false, false]);
    assert.deepEqual([byId.get(unknownId)?.hasAccount, byId.get(unknownId)?.adhered], [false, false]);

    const first = await remindNotAdhered(db, ctxOf(bc.reserveUser), bc.enterpriseId, settings);
    assert.deepEqual(first, { mailed: 1, withoutAddress: 1, alreadyToday: 0 });
    const mails = await db.select().from(outboxMail).where(and(eq(outboxMail.recipient, silent.rse.account.email ?? ''), eq(outboxMail.subject, 'Rappel : adhérez au Portail d’inscription')));
    assert.equal(mails.length, 1);
    const again = await remindNotAdhered(db, ctxOf(bc.reserveUser), bc.enterpriseId, settings);
    assert.deepEqual(again, { mailed: 0, withoutAddress: 1, alreadyToday: 1 }, 'a second click the same day mails nobody');
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.bc.reminded'), eq(auditEvent.subjectId, bc.enterpriseId)))).length, 2);
    assert.ok((await rsgeOfBc(db, ctxOf(bc.reserveUser), bc.enterpriseId)).find((r) => r.siteId === silent.siteId)?.remindedAt);
  });

  test('refused to a CPE with « Gérer la réserve », to a BC user without it, and to another BC for this one', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const cpe = await publishedProvider(db, 'cpe');
    assert.ok((await refusal(rsgeOfBc(db, ctxOf(cpe.reserveUser), cpe.enterpriseId))) instanceof ForbiddenError);
    const noRight = await portalUser(db, bc, ['manage_sheet'], 'Sansdroit');
    assert.ok((await refusal(rsgeOfBc(db, ctxOf(noRight), bc.enterpriseId))) instanceof ForbiddenError);
    const other = await coordinatingOfficeOf(db, await publishedProvider(db, 'home_provider'));
    assert.ok((await refusal(rsgeOfBc(db, ctxOf(other.reserveUser), bc.enterpriseId))) instanceof ForbiddenError);
    assert.ok((await refusal(remindNotAdhered(db, ctxOf(other.reserveUser), bc.enterpriseId, settings))) instanceof ForbiddenError);
  });
});

describe('« Confirmer une admission »', () => {
  test('found by RSGE or by the child’s name; confirmed once, with the family’s mail; another BC and the RSGE itself cannot confirm', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const bcCtx = ctxOf(bc.reserveUser);
    const { parent, child, choice } = await childInReserve(db, rsge.siteId, { firstName: 'Maëlle' });
    const { choice: other } = await childInReserve(db, rsge.siteId, { firstName: 'Zoé' });
    const row = await admitFromReserve(db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, start, settings);
    await admitFromReserve(db, ctxOf(rsge.reserveUser), rsge.siteId, other.id, start, settings);

    assert.equal((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, { siteId: rsge.siteId })).length, 2);
    const byName = await admissionsToConfirm(db, bcCtx, bc.enterpriseId, { childName: 'maëlle tremb' });
    assert.deepEqual(byName.map((f) => f.admission.id), [row.id]);
    assert.equal((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, { childName: '%' })).length, 0, 'a % is a character, not a wildcard');

    const otherBc = await coordinatingOfficeOf(db, await publishedProvider(db, 'home_provider'));
    assert.equal((await admissionsToConfirm(db, ctxOf(otherBc.reserveUser), otherBc.enterpriseId, { siteId: rsge.siteId })).length, 0, 'another BC finds nothing of it');
    assert.ok((await refusal(confirmAdmission(db, ctxOf(otherBc.reserveUser), row.id, settings))) instanceof ForbiddenError);
    assert.ok((await refusal(confirmAdmission(db, ctxOf(rsge.reserveUser), row.id, settings))) instanceof ForbiddenError, 'confirming is the BC’s');

    await confirmAdmission(db, bcCtx, row.id, settings);
    const [confirmed] = await db.select().from(admission).where(eq(admission.id, row.id));
    assert.equal(confirmed?.state, 'confirmed');
    assert.equal((await refusal(confirmAdmission(db, bcCtx, row.id, settings))).messageKey, 'portal.bc.error.notToConfirm');
    const mails = await db.select().from(outboxMail).where(and(eq(outboxMail.recipient, parent.account.email ?? ''), eq(outboxMail.subject, 'L’admission de votre enfant est confirmée')));
    assert.equal(mails.length, 1);
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.admission.confirmed'), eq(auditEvent.subjectId, child.id)))).length, 1);
    assert.deepEqual((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, {})).map((f) => f.child.firstName), ['Zoé']);
    const children = await childrenOfRsge(db, bcCtx, bc.enterpriseId, rsge.siteId);
    assert.deepEqual(children.rows.map((r) => r.admission.state).sort(), ['admitted', 'confirmed']);
    assert.ok((await refusal(childrenOfRsge(db, ctxOf(otherBc.reserveUser), otherBc.enterpriseId, rsge.siteId))) instanceof ForbiddenError);
  });
});
