import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Ctx } from '../../platform/context.js';
import type { Database, Db } from '../../platform/db/index.js';
import { createTestAccount } from '../../platform/testing/accounts.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { addCriterion, criteriaList, criteriaSettings, MAX_SITE_CRITERIA, publishCriteria, retireCriterion, type PriorityCriterion } from './criteria.js';
import { addMonths, changeChoice, choiceOfFamily, choicesOfFamily, chooseService, exactRank, exportFamily, registerChild, reserveOf, verifyDeclaration } from './families.js';
import { choiceCriterion, priorityCriterion, reserveChoice } from './schema.js';
import { agentCtx, citizenCtx, fieldErrors, portalUser, publishedProvider, refusal, wishes } from './test-support.js';

let database: Database;
let db: Db;
let agent: Ctx;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
  agent = agentCtx(await createTestAccount(db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] }));
});
after(async () => database?.close());

const today = todayInQuebec();
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);



async function seeded(code: string): Promise<PriorityCriterion> {
  const [row] = await db.select().from(priorityCriterion).where(eq(priorityCriterion.code, code));
  assert.ok(row, `the migration seeds ${code}`);
  return row;
}

type Provider = Awaited<ReturnType<typeof publishedProvider>>;

async function sheetCtx(provider: Provider): Promise<Ctx> {
  return ctxOf(await portalUser(db, provider, ['manage_sheet'], 'Fiche'));
}

/** A family whose child is in the site's réserve, wanting `start` and declaring `criteria`. */
async function entry(siteId: string, name: string, start: string, criteria: string[] = []): Promise<{ parent: Ctx; choiceId: string }> {
  const parent = citizenCtx(await createTestAccount(db, 'citizen'));
  const child = await registerChild(db, parent, { firstName: name, lastName: 'Test', birthDate: addMonths(today, -20) });
  const choice = await chooseService(db, parent, child.id, siteId, wishes({ desiredStart: start, criteria }));
  return { parent, choiceId: choice.id };
}

/** The réserve's names in its order, checked against each entry's exact rank: the two can never disagree. */
async function orderOf(provider: Provider, names: Map<string, string>): Promise<string[]> {
  const page = await reserveOf(db, ctxOf(provider.reserveUser), provider.siteId, {});
  for (const [index, e] of page.entries.entries()) {
    const [choice] = await db.select().from(reserveChoice).where(eq(reserveChoice.id, e.choiceId));
    assert.ok(choice);
    assert.equal(await exactRank(db, choice), index + 1, `rank of ${names.get(e.choiceId)}`);
  }
  return page.entries.map((e) => names.get(e.choiceId) ?? '?');
}

describe('the ministry’s list', () => {
  test('the migration seeds the initial list; a Famille agent adds and retires; codes are checked; others are refused', async () => {
    const list = await criteriaList(db, agent);
    for (const code of ['sibling', 'staff_child', 'special_needs_cisss', 'health_agreement', 'territory', 'precarious']) assert.ok(list.some((c) => c.code === code && c.retiredAt === null), code);

    assert.deepEqual(await fieldErrors(addCriterion(db, agent, { code: 'Fratrie!', labelFr: '', labelEn: 'x'.repeat(201) })), { code: 'portal.criteria.code.invalid', labelFr: 'field.required', labelEn: 'field.tooLong' });
    assert.deepEqual(await fieldErrors(addCriterion(db, agent, { code: 'sibling', labelFr: 'Fratrie', labelEn: 'Sibling' })), { code: 'portal.criteria.code.taken' });
    const added = await addCriterion(db, agent, { code: 'twins', labelFr: 'Jumeaux inscrits ensemble', labelEn: 'Twins registered together' });
    await retireCriterion(db, agent, added.id);
    assert.ok((await criteriaList(db, agent)).find((c) => c.id === added.id)?.retiredAt);
    assert.equal((await refusal(retireCriterion(db, agent, added.id))).status, 403, 'retired once');
    const events = await db.select().from(auditEvent).where(eq(auditEvent.subjectId, added.id));
    assert.deepEqual(events.map((e) => e.action).sort(), ['portal.criteria.added', 'portal.criteria.retired']);

    const registry = await createTestAccount(db, 'agent', { agentRoles: [{ role: 'registry', directorateCode: null }] });
    const registryCtx = agentCtx(registry);
    const provider = await publishedProvider(db);
    for (const ctx of [registryCtx, citizenCtx(await createTestAccount(db, 'citizen')), await sheetCtx(provider)]) {
      assert.equal((await refusal(criteriaList(db, ctx))).status, 403);
      assert.equal((await refusal(addCriterion(db, ctx, { code: 'other', labelFr: 'Autre', labelEn: 'Other' }))).status, 403);
      assert.equal((await refusal(retireCriterion(db, ctx, (await seeded('sibling')).id))).status, 403);
    }
  });
});

describe('a site’s published criteria', () => {
  test('at most 6, each once, from the active list; a retired one stays where published; audited; another provider is refused', async () => {
    const provider = await publishedProvider(db);
    const ctx = await sheetCtx(provider);
    const all = (await criteriaSettings(db, ctx, provider.siteId)).choosable;
    const extra = await addCriterion(db, agent, { code: 'seventh', labelFr: 'Septième', labelEn: 'Seventh' });
    const seven = [...all.slice(0, 6).map((c) => c.id), extra.id];
    assert.ok(seven.length > MAX_SITE_CRITERIA);
    assert.deepEqual(await fieldErrors(publishCriteria(db, ctx, provider.siteId, seven)), { criteria: 'portal.criteria.tooMany' });
    const sibling = await seeded('sibling');
    const staff = await seeded('staff_child');
    assert.deepEqual(await fieldErrors(publishCriteria(db, ctx, provider.siteId, [sibling.id, sibling.id])), { criteria: 'portal.criteria.duplicate' });
    assert.deepEqual(await fieldErrors(publishCriteria(db, ctx, provider.siteId, [sibling.id, '00000000-0000-4000-8000-000000000000'])), { criteria: 'portal.criteria.unknown' });
    assert.deepEqual(await fieldErrors(publishCriteria(db, ctx, provider.siteId, ['fratrie'])), { criteria: 'portal.criteria.unknown' });

    const published = await publishCriteria(db, ctx, provider.siteId, [staff.id, extra.id]);
    assert.deepEqual(published.map((c) => [c.code, c.position]), [['staff_child', 1], ['seventh', 2]]);
    const [event] = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.criteria.published'), eq(auditEvent.subjectId, provider.siteId)));
    assert.deepEqual(event?.details, { criteria: ['staff_child', 'seventh'], before: [] });

    // Retired: this site keeps it and may reorder it; another site cannot add it.
    await retireCriterion(db, agent, extra.id);
    assert.deepEqual((await publishCriteria(db, ctx, provider.siteId, [extra.id, staff.id])).map((c) => c.code), ['seventh', 'staff_child']);
    assert.ok((await criteriaSettings(db, ctx, provider.siteId)).choosable.some((c) => c.id === extra.id), 'offered to the site that keeps it');
    const other = await publishedProvider(db, 'cpe');
    const otherCtx = await sheetCtx(other);
    assert.ok(!(await criteriaSettings(db, otherCtx, other.siteId)).choosable.some((c) => c.id === extra.id), 'not offered to others');
    assert.deepEqual(await fieldErrors(publishCriteria(db, otherCtx, other.siteId, [extra.id])), { criteria: 'portal.criteria.retired' });
    // Dropped once, it cannot come back.
    await publishCriteria(db, ctx, provider.siteId, [staff.id]);
    assert.deepEqual(await fieldErrors(publishCriteria(db, ctx, provider.siteId, [staff.id, extra.id])), { criteria: 'portal.criteria.retired' });

    // Another provider, the réserve right alone, a citizen: refused.
    for (const refused of [otherCtx, ctxOf(provider.reserveUser), citizenCtx(await createTestAccount(db, 'citizen'))]) {
      assert.equal((await refusal(publishCriteria(db, refused, provider.siteId, [sibling.id]))).status, 403);
      assert.equal((await refusal(criteriaSettings(db, refused, provider.siteId))).status, 403);
    }
  });
});

describe('how ranks are computed', () => {
  test('without criteria: desired start date, then registration time', async () => {
    const provider = await publishedProvider(db);
    const names = new Map<string, string>();
    for (const [name, start] of [
      ['late', inDays(90)],
      ['early', inDays(30)],
      ['tieFirst', inDays(60)],
      ['tieSecond', inDays(60)],
    ] as const) {
      names.set((await entry(provider.siteId, name, start)).choiceId, name);
    }
    assert.deepEqual(await orderOf(provider, names), ['early', 'tieFirst', 'tieSecond', 'late']);
  });

  test('lexicographic on the published positions, then the date; reordering the criteria changes the ranks; a removed criterion’s declarations are erased', async () => {
    const provider = await publishedProvider(db);
    const ctx = await sheetCtx(provider);
    const [sibling, staff, territory] = [await seeded('sibling'), await seeded('staff_child'), await seeded('territory')];
    await publishCriteria(db, ctx, provider.siteId, [sibling.id, staff.id]);

    const names = new Map<string, string>();
    const add = async (name: string, start: string, criteria: string[]) => {
      const e = await entry(provider.siteId, name, start, criteria);
      names.set(e.choiceId, name);
      return e;
    };
    await add('none', inDays(10), []);
    await add('staffOnly', inDays(20), [staff.id]);
    await add('siblingLate', inDays(90), [sibling.id]);
    const both = await add('both', inDays(120), [sibling.id, staff.id]);
    // A criterion the site does not publish counts for nothing (and is not kept).
    const unpublished = await add('unpublished', inDays(5), [territory.id]);
    await add('siblingEarly', inDays(30), [sibling.id]);

    assert.deepEqual(await orderOf(provider, names), ['both', 'siblingEarly', 'siblingLate', 'staffOnly', 'unpublished', 'none']);
    assert.equal((await db.select().from(choiceCriterion).where(eq(choiceCriterion.choiceId, unpublished.choiceId))).length, 0);
    const [parentView] = await choicesOfFamily(db, both.parent);
    assert.deepEqual(parentView?.rank, { from: 1, to: 5 });

    // The provider puts « staff » first: the ranks follow at once.
    await publishCriteria(db, ctx, provider.siteId, [staff.id, sibling.id]);
    assert.deepEqual(await orderOf(provider, names), ['both', 'staffOnly', 'siblingEarly', 'siblingLate', 'unpublished', 'none']);

    // The parent changes its declaration on its choice.
    const form = await choiceOfFamily(db, both.parent, both.choiceId);
    assert.deepEqual(form.criteria.map((c) => c.code), ['staff_child', 'sibling']);
    assert.deepEqual(form.declared.map((d) => d.criterionId).sort(), [sibling.id, staff.id].sort());
    await changeChoice(db, both.parent, both.choiceId, wishes({ desiredStart: inDays(120), criteria: [sibling.id] }));
    assert.deepEqual(await orderOf(provider, names), ['staffOnly', 'siblingEarly', 'siblingLate', 'both', 'unpublished', 'none']);
    assert.deepEqual(((await exportFamily(db, both.parent)).choices as { priorityCriteria: string[] }[])[0]?.priorityCriteria, ['sibling'], 'in the family’s download');

    // « sibling » removed: its declarations go, and the order is staff, then the date.
    await publishCriteria(db, ctx, provider.siteId, [staff.id]);
    assert.equal((await db.select().from(choiceCriterion).where(eq(choiceCriterion.criterionId, sibling.id))).filter((d) => names.has(d.choiceId)).length, 0);
    assert.deepEqual(await orderOf(provider, names), ['staffOnly', 'unpublished', 'none', 'siblingEarly', 'siblingLate', 'both']);
    const page = await reserveOf(db, ctxOf(provider.reserveUser), provider.siteId, {});
    assert.deepEqual(page.criteria.map((c) => c.code), ['staff_child']);
    assert.deepEqual(page.entries[0]?.criteria, [{ criterionId: staff.id, verification: null }]);

    // No criteria at all: back to the date.
    await publishCriteria(db, ctx, provider.siteId, []);
    assert.deepEqual(await orderOf(provider, names), ['unpublished', 'none', 'staffOnly', 'siblingEarly', 'siblingLate', 'both']);
  });

  test('the provider checks a declaration: a rejected criterion no longer counts, a confirmed one does; only in its own réserve', async () => {
    const provider = await publishedProvider(db);
    const [sibling, staff] = [await seeded('sibling'), await seeded('staff_child')];
    await publishCriteria(db, await sheetCtx(provider), provider.siteId, [sibling.id]);
    const names = new Map<string, string>();
    const claimed = await entry(provider.siteId, 'claimed', inDays(90), [sibling.id]);
    names.set(claimed.choiceId, 'claimed');
    names.set((await entry(provider.siteId, 'early', inDays(10))).choiceId, 'early');
    assert.deepEqual(await orderOf(provider, names), ['claimed', 'early']);

    const reserveCtx = ctxOf(provider.reserveUser);
    await verifyDeclaration(db, reserveCtx, provider.siteId, claimed.choiceId, sibling.id, 'rejected');
    assert.deepEqual(await orderOf(provider, names), ['early', 'claimed'], 'rejected: back to its date');
    assert.deepEqual((await reserveOf(db, reserveCtx, provider.siteId, {})).entries[1]?.criteria, [{ criterionId: sibling.id, verification: 'rejected' }]);
    // The parent saving its choice again does not undo the provider's check.
    await changeChoice(db, claimed.parent, claimed.choiceId, wishes({ desiredStart: inDays(90), criteria: [sibling.id] }));
    assert.deepEqual(await orderOf(provider, names), ['early', 'claimed']);
    await verifyDeclaration(db, reserveCtx, provider.siteId, claimed.choiceId, sibling.id, 'confirmed');
    assert.deepEqual(await orderOf(provider, names), ['claimed', 'early'], 'confirmed: it counts');
    const events = await db.select().from(auditEvent).where(eq(auditEvent.action, 'portal.reserve.criterionVerified'));
    assert.deepEqual(events.filter((e) => (e.details as { choiceId?: string }).choiceId === claimed.choiceId).map((e) => (e.details as { verification: string }).verification).sort(), ['confirmed', 'rejected']);

    // A criterion not declared, another provider, the sheet right alone, the parent: refused.
    assert.equal((await refusal(verifyDeclaration(db, reserveCtx, provider.siteId, claimed.choiceId, staff.id, 'confirmed'))).status, 403);
    const other = await publishedProvider(db, 'cpe');
    for (const refused of [ctxOf(other.reserveUser), await sheetCtx(provider), claimed.parent]) {
      assert.equal((await refusal(verifyDeclaration(db, refused, provider.siteId, claimed.choiceId, sibling.id, 'rejected'))).status, 403);
    }
    assert.equal((await refusal(verifyDeclaration(db, ctxOf(other.reserveUser), other.siteId, claimed.choiceId, sibling.id, 'rejected'))).status, 403, 'not in that réserve');
    assert.deepEqual(await orderOf(provider, names), ['claimed', 'early']);
  });
});
