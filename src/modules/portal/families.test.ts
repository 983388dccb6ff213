import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { Database, Db } from '../../platform/db/index.js';
import { ForbiddenError } from '../../platform/errors.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { createTestAccount } from '../../platform/testing/accounts.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import {
  addGuardian,
  addMonths,
  ageInMonths,
  changeChoice,
  choicesOfFamily,
  chooseService,
  confirmInterest,
  deleteFamily,
  exportFamily,
  familyFile,
  rankBracket,
  registerChild,
  REGISTRATION_NUMBER,
  reserveChildFile,
  reserveOf,
  runInterestReminders,
  withdrawChoice,
} from './families.js';
import { family, familyChild, reserveChoice } from './schema.js';
import { ordinal } from './views/families.js';
import { citizenCtx, createProvider, fieldErrors, portalUser, publishedProvider, wishes } from './test-support.js';

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

const today = todayInQuebec();
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);



async function newParent(): Promise<Ctx> {
  return citizenCtx(await createTestAccount(db, 'citizen'));
}

describe('dates and ranks', () => {
  test('months are added on calendar days, ages counted in whole months', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2026-05-15', -6), '2025-11-15');
    assert.equal(ageInMonths('2025-03-14', '2026-03-13'), 11);
    assert.equal(ageInMonths('2025-03-14', '2026-03-14'), 12);
  });

  test('ordinals in French and English', () => {
    assert.deepEqual([1, 5, 21].map((n) => ordinal('fr', n)), ['1er', '5e', '21e']);
    assert.deepEqual([1, 2, 3, 11, 12, 13, 21, 101, 151].map((n) => ordinal('en', n)), ['1st', '2nd', '3rd', '11th', '12th', '13th', '21st', '101st', '151st']);
  });

  test('a rank is shown as a bracket', () => {
    assert.deepEqual(rankBracket(1), { from: 1, to: 5 });
    assert.deepEqual(rankBracket(7), { from: 6, to: 10 });
    assert.deepEqual(rankBracket(15), { from: 11, to: 20 });
    assert.deepEqual(rankBracket(100), { from: 91, to: 100 });
    assert.deepEqual(rankBracket(101), { from: 101, to: 150 });
    assert.deepEqual(rankBracket(1234), { from: 1201, to: 1300 });
  });
});

describe('the family file', () => {
  test('guardians and children: field errors, registration numbers that are not a sequence', async () => {
    const parent = await newParent();
    assert.deepEqual(await fieldErrors(addGuardian(db, parent, { role: 'parent', name: '', email: 'pas-un-courriel', phone: '12' })), {
      name: 'field.required',
      email: 'field.email.invalid',
      phone: 'portal.family.phone.invalid',
    });
    await addGuardian(db, parent, { role: 'parent', name: 'Marie Gagnon', email: 'marie@example.com', phone: '418 555-0123' });
    const errors = await fieldErrors(registerChild(db, parent, { firstName: 'Léa', lastName: 'Gagnon', birthDate: addMonths(today, 10) }));
    assert.deepEqual(errors, { birthDate: 'portal.child.birthDate.tooFar' });
    assert.deepEqual(await fieldErrors(registerChild(db, parent, { firstName: 'Léa', lastName: 'Gagnon', birthDate: '2025-02-30' })), { birthDate: 'portal.child.birthDate.invalid' });
    const unborn = await registerChild(db, parent, { firstName: 'Bébé', lastName: 'Gagnon', birthDate: addMonths(today, 8) });
    assert.equal(unborn.expected, true);
    const born = await registerChild(db, parent, { firstName: 'Léa', lastName: 'Gagnon', birthDate: addMonths(today, -14) });
    assert.match(born.registrationNumber, REGISTRATION_NUMBER);
    assert.notEqual(born.registrationNumber, unborn.registrationNumber);
    const file = await familyFile(db, parent);
    assert.deepEqual([file.guardians.length, file.children.length], [1, 2]);
  });

  test('another citizen, an enterprise user and anonymous cannot reach a family', async () => {
    const parent = await newParent();
    const child = await registerChild(db, parent, { firstName: 'Noé', lastName: 'Roy', birthDate: addMonths(today, -20) });
    const provider = await publishedProvider(db, 'cpe');
    const choice = await chooseService(db, parent, child.id, provider.siteId, wishes());
    const stranger = await newParent();
    await assert.rejects(changeChoice(db, stranger, choice.id, wishes()), ForbiddenError);
    await assert.rejects(withdrawChoice(db, stranger, choice.id), ForbiddenError);
    await assert.rejects(chooseService(db, stranger, child.id, provider.siteId, wishes()), ForbiddenError);
    await addGuardian(db, stranger, { role: 'parent', name: 'Voisin', email: '', phone: '418 555-0000' });
    await assert.rejects(changeChoice(db, stranger, choice.id, wishes()), ForbiddenError, 'with a family of its own too');
    assert.deepEqual((await familyFile(db, stranger)).children, []);
    await assert.rejects(familyFile(db, ctxOf(provider.reserveUser)), ForbiddenError);
    await assert.rejects(familyFile(db, systemCtx('test')), ForbiddenError);
    const [row] = await db.select().from(reserveChoice).where(eq(reserveChoice.id, choice.id));
    assert.equal(row?.state, 'waiting');
  });
});

describe('choices, ranks and the réserve', () => {
  test('the same child twice in a réserve, a past date: field errors; the rank follows the réserve’s order', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const parent = await newParent();
    const child = await registerChild(db, parent, { firstName: 'Léo', lastName: 'Côté', birthDate: addMonths(today, -10) });
    assert.deepEqual(await fieldErrors(chooseService(db, parent, child.id, rsge.siteId, wishes({ desiredStart: '2020-01-01', days: [], periods: [] }))), {
      desiredStart: 'portal.choice.start.past',
      days: 'portal.choice.days.required',
      periods: 'portal.choice.periods.required',
    });
    const mine = await chooseService(db, parent, child.id, rsge.siteId, wishes({ desiredStart: inDays(90) }));
    assert.deepEqual(await fieldErrors(chooseService(db, parent, child.id, rsge.siteId, wishes())), { childId: 'portal.choice.duplicate' });

    // Twelve other families wanting an earlier date come before; later ones do not.
    for (let i = 0; i < 12; i++) {
      const other = await newParent();
      const c = await registerChild(db, other, { firstName: `Autre${i}`, lastName: 'Famille', birthDate: addMonths(today, -12) });
      await chooseService(db, other, c.id, rsge.siteId, wishes({ desiredStart: inDays(i < 7 ? 30 : 120) }));
    }
    const [view] = await choicesOfFamily(db, parent);
    assert.deepEqual(view?.rank, { from: 6, to: 10 }, 'eighth: seven earlier dates');
    await changeChoice(db, parent, mine.id, wishes({ desiredStart: inDays(10) }));
    assert.deepEqual((await choicesOfFamily(db, parent))[0]?.rank, { from: 1, to: 5 }, 'first once its date is the earliest');

    const page = await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {});
    assert.equal(page.total, 13);
    const dates = page.entries.map((e) => e.desiredStart);
    assert.deepEqual(dates, [...dates].sort());
    assert.equal(page.entries[0]?.registrationNumber, child.registrationNumber);
    assert.equal(page.entries[0]?.ageMonths, 10);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, { startFrom: inDays(100) })).total, 5);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, { ageGroup: 'infant' })).total, 13);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, { acceptsPartial: true })).total, 0);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, { day: 'sat' })).total, 0);

    await withdrawChoice(db, parent, mine.id);
    assert.equal((await choicesOfFamily(db, parent))[0]?.rank, null);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {})).total, 12);
    // Withdrawn, the child may be chosen again (last for its date).
    await chooseService(db, parent, child.id, rsge.siteId, wishes());
  });

  test('siblings are flagged; the child’s file is audited; a provider sees no other réserve and no child outside its own', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const cpe = await publishedProvider(db, 'cpe');
    const parent = await newParent();
    await addGuardian(db, parent, { role: 'parent', name: 'Paul Morin', email: 'paul@example.com', phone: '514 555-0199' });
    const first = await registerChild(db, parent, { firstName: 'Alice', lastName: 'Morin', birthDate: addMonths(today, -30) });
    const second = await registerChild(db, parent, { firstName: 'Bruno', lastName: 'Morin', birthDate: addMonths(today, -8) });
    const a = await chooseService(db, parent, first.id, rsge.siteId, wishes({ desiredStart: inDays(40) }));
    await chooseService(db, parent, second.id, rsge.siteId, wishes({ desiredStart: inDays(20) }));
    const atCpe = await chooseService(db, parent, second.id, cpe.siteId, wishes());

    const page = await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {});
    assert.deepEqual(
      page.entries.map((e) => [e.childName, e.siblings]),
      [
        ['Bruno Morin', 1],
        ['Alice Morin', 1],
      ],
    );
    const file = await reserveChildFile(db, ctxOf(rsge.reserveUser), rsge.siteId, a.id);
    assert.equal(file.guardians[0]?.phone, '514 555-0199');
    assert.deepEqual(file.siblings.map((s) => s.name), ['Bruno Morin']);
    const views = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.reserve.childViewed'), eq(auditEvent.subjectId, first.id)));
    assert.equal(views.length, 1);
    assert.equal(views[0]?.actorId, rsge.reserveUser.account.id);

    await assert.rejects(reserveOf(db, ctxOf(rsge.reserveUser), cpe.siteId, {}), ForbiddenError);
    await assert.rejects(reserveChildFile(db, ctxOf(rsge.reserveUser), rsge.siteId, atCpe.id), ForbiddenError, 'a choice of another réserve');
    await assert.rejects(reserveChildFile(db, ctxOf(rsge.reserveUser), cpe.siteId, atCpe.id), ForbiddenError);
    const sheetOnly = await portalUser(db, rsge, ['manage_sheet'], 'Fiche');
    await assert.rejects(reserveOf(db, ctxOf(sheetOnly), rsge.siteId, {}), ForbiddenError, 'the sheet right is not the réserve right');
    await assert.rejects(reserveOf(db, parent, rsge.siteId, {}), ForbiddenError);
    const unpublished = await createProvider(db, 'cpe');
    await assert.rejects(chooseService(db, parent, first.id, unpublished.siteId, wishes()), 'an unpublished service cannot be chosen');
  });
});

describe('interest every 6 months, inactive after 30 days', () => {
  test('the job mails once, makes the choices inactive 30 days later; the parent reactivates them', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const owner = await createTestAccount(db, 'citizen');
    const parent = citizenCtx(owner);
    await addGuardian(db, parent, { role: 'guardian', name: 'Jeanne Roy', email: 'jeanne@example.com', phone: '819 555-0101' });
    const child = await registerChild(db, parent, { firstName: 'Zoé', lastName: 'Roy', birthDate: addMonths(today, -5) });
    await chooseService(db, parent, child.id, rsge.siteId, wishes());
    const job = systemCtx('portal.interest');
    const run = (now: Date) => runInterestReminders(db, job, { now, publicUrl: 'http://localhost:3000' });
    const mailsTo = async (to: string) => (await db.select().from(outboxMail).where(eq(outboxMail.recipient, to))).length;

    await run(new Date(Date.now() + 150 * 86_400_000));
    assert.equal(await mailsTo('jeanne@example.com'), 0, 'not before 6 months');
    const sixMonths = new Date(Date.now() + 186 * 86_400_000);
    await run(sixMonths);
    await run(sixMonths);
    assert.equal(await mailsTo('jeanne@example.com'), 1, 'one mail, to each address');
    assert.equal(await mailsTo(owner.account.email ?? ''), 1);
    await run(new Date(sixMonths.getTime() + 29 * 86_400_000));
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {})).total, 1, 'still active within 30 days');
    await run(new Date(sixMonths.getTime() + 31 * 86_400_000));
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {})).total, 0, 'inactive: out of the réserve');
    assert.equal((await choicesOfFamily(db, parent))[0]?.rank, null);

    assert.equal(await confirmInterest(db, parent), 1);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {})).total, 1, 'reactivated');
    await assert.rejects(runInterestReminders(db, parent, { now: new Date(), publicUrl: 'x' }), ForbiddenError, 'only the system runs the job');
  });
});

describe('the parent’s data', () => {
  test('download everything, then delete the family file: the children leave every réserve', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const parent = await newParent();
    await addGuardian(db, parent, { role: 'parent', name: 'Luc <script>alert(1)</script>', email: '', phone: '450 555-0100' });
    const child = await registerChild(db, parent, { firstName: "Robert'); DROP TABLE family;--", lastName: 'Tables', birthDate: addMonths(today, -3) });
    await chooseService(db, parent, child.id, rsge.siteId, wishes());
    const data = await exportFamily(db, parent);
    assert.equal((data.children as { firstName: string }[])[0]?.firstName, "Robert'); DROP TABLE family;--", 'injection is just text');
    assert.equal((data.guardians as { name: string }[])[0]?.name, 'Luc <script>alert(1)</script>');
    assert.equal((data.choices as unknown[]).length, 1);

    await deleteFamily(db, parent);
    assert.deepEqual(await db.select().from(familyChild).where(eq(familyChild.id, child.id)), []);
    assert.equal((await reserveOf(db, ctxOf(rsge.reserveUser), rsge.siteId, {})).total, 0);
    assert.equal((await familyFile(db, parent)).family, null);
    assert.ok((await db.select().from(family)).length > 0, 'other families stay');
  });
});
