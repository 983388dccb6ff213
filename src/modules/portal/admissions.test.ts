import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Database, Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError, type AppError } from '../../platform/errors.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import {
  admissionsOf,
  admissionsOfFamily,
  admitByRegistrationNumber,
  admitFromReserve,
  ageGroupOn,
  decideOtherChoices,
  findByRegistrationNumber,
  normalizeRegistrationNumber,
  PlacesFullError,
  type AdmissionInput,
} from './admissions.js';
import { setDelegation } from './delegation.js';
import { addMonths, chooseService, reserveOf, reserveSites } from './families.js';
import { admission, reserveChoice } from './schema.js';
import { childInReserve, citizenCtx, coordinatingOfficeOf, portalUser, publishedProvider, refusal } from './test-support.js';

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

const today = todayInQuebec();
const settings = { publicUrl: 'http://localhost:3000' };
const start = (values: Partial<AdmissionInput> = {}): AdmissionInput => ({ plannedStart: addMonths(today, 1), override: false, overrideReason: '', ...values });

describe('admitting from the réserve', () => {
  test('the child leaves the réserve, the admission is recorded with its audit event, and the family is mailed and asked about its other choices', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const other = await publishedProvider(db, 'cpe');
    const { parent, child, choice } = await childInReserve(db, cpe.siteId);
    // The same child in another réserve too: the family will be asked about it.
    await chooseService(db, citizenCtx(parent), child.id, other.siteId, { desiredStart: addMonths(today, 3), days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });

    const ctx = ctxOf(cpe.reserveUser);
    const before = (await reserveOf(db, ctx, cpe.siteId, {})).total;
    const row = await admitFromReserve(db, ctx, cpe.siteId, choice.id, start(), settings);
    assert.equal(row.state, 'admitted');
    assert.equal(row.ageGroup, 'toddler');
    assert.equal(row.overrideReason, null);
    assert.equal((await reserveOf(db, ctx, cpe.siteId, {})).total, before - 1, 'out of the réserve');
    const [updated] = await db.select().from(reserveChoice).where(eq(reserveChoice.id, choice.id));
    assert.equal(updated?.state, 'admitted');
    const [audit] = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.admission.admitted'), eq(auditEvent.subjectId, child.id)));
    assert.equal(audit?.details.via, 'reserve');
    const mails = await db.select().from(outboxMail).where(eq(outboxMail.subject, 'Votre enfant est admis dans un service de garde'));
    const recipients = mails.map((m) => m.recipient);
    assert.ok(recipients.includes(parent.account.email ?? '') && recipients.some((r) => r.startsWith('nadia.')), recipients.join(', '));
    assert.ok(mails.every((m) => m.textBody.includes(row.plannedStart)));

    const [seen] = await admissionsOfFamily(db, citizenCtx(parent));
    assert.equal(seen?.admission.id, row.id);
    assert.equal(seen?.otherChoices, 1);
    const listed = await admissionsOf(db, ctx, cpe.siteId);
    assert.deepEqual(listed.rows.map((r) => r.admission.id), [row.id]);
    assert.equal(listed.places.admitted, 1);
  });

  test('the planned start: a real date, not past, not before the birth, within 3 years; each a field error', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const unborn = addMonths(today, 4);
    const { choice } = await childInReserve(db, cpe.siteId, { birthDate: unborn, desiredStart: addMonths(today, 8) });
    const ctx = ctxOf(cpe.reserveUser);
    const cases: [string, string][] = [
      ['2026-02-30', 'portal.admission.plannedStart.invalid'],
      ['demain', 'portal.admission.plannedStart.invalid'],
      [addMonths(today, -1), 'portal.admission.plannedStart.past'],
      [addMonths(today, 2), 'portal.admission.plannedStart.beforeBirth'],
      [addMonths(today, 37), 'portal.admission.plannedStart.tooFar'],
    ];
    for (const [plannedStart, key] of cases) {
      const error = await refusal(admitFromReserve(db, ctx, cpe.siteId, choice.id, start({ plannedStart }), settings));
      assert.ok(error instanceof FieldValidationError, plannedStart);
      assert.equal(error.fields.plannedStart, key, plannedStart);
    }
    assert.equal((await db.select().from(admission).where(eq(admission.installationId, cpe.siteId))).length, 0, 'nothing saved');
  });
});

describe('places', () => {
  test('an RSGE’s 2 infant places: the third infant is refused unless the override is confirmed with a reason, which is recorded', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const ctx = ctxOf(rsge.reserveUser);
    const infantBirth = addMonths(today, -6);
    const infants = [];
    for (const name of ['Un', 'Deux', 'Trois']) infants.push(await childInReserve(db, rsge.siteId, { birthDate: infantBirth, firstName: name }));
    const [first, second, third] = infants as [(typeof infants)[0], (typeof infants)[0], (typeof infants)[0]];
    assert.equal(ageGroupOn(infantBirth, addMonths(today, 1)), 'infant');
    await admitFromReserve(db, ctx, rsge.siteId, first.choice.id, start(), settings);
    await admitFromReserve(db, ctx, rsge.siteId, second.choice.id, start(), settings);

    const full = await refusal(admitFromReserve(db, ctx, rsge.siteId, third.choice.id, start(), settings));
    assert.ok(full instanceof PlacesFullError);
    assert.equal(full.messageKey, 'portal.admission.error.infantPlacesFull');
    const noReason = await refusal(admitFromReserve(db, ctx, rsge.siteId, third.choice.id, start({ override: true, overrideReason: '  ' }), settings));
    assert.ok(noReason instanceof FieldValidationError && noReason.fields.overrideReason === 'portal.admission.overrideReason.required');

    const forced = await admitFromReserve(db, ctx, rsge.siteId, third.choice.id, start({ override: true, overrideReason: 'Jumeaux d’une famille déjà admise' }), settings);
    assert.equal(forced.overrideReason, 'Jumeaux d’une famille déjà admise');
    const [audit] = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.admission.admitted'), eq(auditEvent.subjectId, third.child.id)));
    assert.equal(audit?.details.placesOverride, 'Jumeaux d’une famille déjà admise');
  });

  test('two people admitting the last place at once: one is admitted, the other told the places are full', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const ctxA = ctxOf(rsge.reserveUser);
    const ctxB = ctxOf(await portalUser(db, rsge, ['manage_reserve'], 'Collègue'));
    const children = [];
    for (let i = 0; i < 7; i++) children.push(await childInReserve(db, rsge.siteId, { firstName: `Enfant${i}` }));
    for (const c of children.slice(0, 5)) await admitFromReserve(db, ctxA, rsge.siteId, c.choice.id, start(), settings);
    const [a, b] = children.slice(5) as [(typeof children)[0], (typeof children)[0]];
    const results = await Promise.allSettled([admitFromReserve(db, ctxA, rsge.siteId, a.choice.id, start(), settings), admitFromReserve(db, ctxB, rsge.siteId, b.choice.id, start(), settings)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected');
    assert.ok(refused && refused.reason instanceof PlacesFullError, String(refused && (refused as PromiseRejectedResult).reason));
    assert.equal((await admissionsOf(db, ctxA, rsge.siteId)).places.admitted, 6);
  });
});

describe('one admission in progress per child', () => {
  test('admitted twice at one site, or at another site (the same dates), or at two sites at once: refused with a clear message', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const other = await publishedProvider(db, 'cpe');
    const { child, choice } = await childInReserve(db, cpe.siteId);
    await admitFromReserve(db, ctxOf(cpe.reserveUser), cpe.siteId, choice.id, start(), settings);
    const again = await refusal(admitByRegistrationNumber(db, ctxOf(cpe.reserveUser), cpe.siteId, child.registrationNumber, start(), settings));
    assert.equal(again.messageKey, 'portal.admission.error.alreadyHere');
    const elsewhere = await refusal(admitByRegistrationNumber(db, ctxOf(other.reserveUser), other.siteId, child.registrationNumber, start(), settings));
    assert.equal(elsewhere.messageKey, 'portal.admission.error.elsewhere');
    const stale = await refusal(admitFromReserve(db, ctxOf(cpe.reserveUser), cpe.siteId, choice.id, start(), settings));
    assert.equal(stale.messageKey, 'portal.admission.error.notInReserve');

    const { child: twin } = await childInReserve(db, cpe.siteId, { firstName: 'Jumelle' });
    const both = await Promise.allSettled([
      admitByRegistrationNumber(db, ctxOf(cpe.reserveUser), cpe.siteId, twin.registrationNumber, start(), settings),
      admitByRegistrationNumber(db, ctxOf(other.reserveUser), other.siteId, twin.registrationNumber, start(), settings),
    ]);
    assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = both.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    assert.equal((lost?.reason as AppError).messageKey, 'portal.admission.error.elsewhere');
  });
});

describe('with a registration number', () => {
  test('typed loosely it is found and the finding is audited; unknown, malformed or deleted numbers give one message', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const other = await publishedProvider(db, 'cpe');
    // The child is in another provider's réserve only: the parent gave the number directly.
    const { child } = await childInReserve(db, other.siteId);
    const loose = child.registrationNumber.toLowerCase().replace(/-/g, ' ');
    assert.equal(normalizeRegistrationNumber(loose), child.registrationNumber);
    const { file } = await findByRegistrationNumber(db, ctxOf(cpe.reserveUser), cpe.siteId, loose);
    assert.equal(file.child.id, child.id);
    assert.equal(file.choice, null, 'not in this réserve');
    assert.ok(file.guardians.length === 1);
    const audits = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.admission.childFound'), eq(auditEvent.subjectId, child.id)));
    assert.equal(audits.length, 1);

    for (const typed of ['P-2222-2222-22', 'P-ABCD', '', "P-ABCD-EFGH-2' or 1=1", child.registrationNumber.replace('P-', 'Q-')]) {
      const error = await refusal(findByRegistrationNumber(db, ctxOf(cpe.reserveUser), cpe.siteId, typed));
      assert.ok(error instanceof FieldValidationError, typed);
      assert.equal(error.fields.registrationNumber, 'portal.admission.number.unknown', typed);
    }
    const admitted = await admitByRegistrationNumber(db, ctxOf(cpe.reserveUser), cpe.siteId, loose, start(), settings);
    assert.equal(admitted.choiceId, null);
  });
});

describe('the RSGE authorizes its BC', () => {
  test('before: the BC is refused; after: it lists the RSGE’s réserve and admits; withdrawn: refused again; another BC and a CPE’s site never', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const bcCtx = ctxOf(bc.reserveUser);
    const { choice } = await childInReserve(db, rsge.siteId);
    assert.ok((await refusal(reserveOf(db, bcCtx, rsge.siteId, {}))) instanceof ForbiddenError);
    assert.deepEqual((await reserveSites(db, bcCtx, bc.enterpriseId)).map((s) => s.id), []);

    const noRight = await portalUser(db, rsge, ['manage_sheet'], 'Fiche seulement');
    assert.ok((await refusal(setDelegation(db, ctxOf(noRight), rsge.siteId, true))) instanceof ForbiddenError);
    assert.ok((await refusal(setDelegation(db, bcCtx, rsge.siteId, true))) instanceof ForbiddenError, 'the BC cannot authorize itself');
    const cpe = await publishedProvider(db, 'cpe');
    assert.ok((await refusal(setDelegation(db, ctxOf(cpe.reserveUser), cpe.siteId, true))) instanceof ForbiddenError, 'an installation has no BC');

    await setDelegation(db, ctxOf(rsge.reserveUser), rsge.siteId, true);
    await setDelegation(db, ctxOf(rsge.reserveUser), rsge.siteId, true);
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.bcDelegation.granted'), eq(auditEvent.subjectId, rsge.siteId)))).length, 1, 'granting twice records once');
    assert.deepEqual((await reserveSites(db, bcCtx, bc.enterpriseId)).map((s) => s.id), [rsge.siteId]);
    assert.equal((await reserveOf(db, bcCtx, rsge.siteId, {})).total, 1);

    const otherRsge = await publishedProvider(db, 'home_provider');
    const otherBc = await coordinatingOfficeOf(db, otherRsge);
    assert.ok((await refusal(reserveOf(db, ctxOf(otherBc.reserveUser), rsge.siteId, {}))) instanceof ForbiddenError, 'another BC');

    const admitted = await admitFromReserve(db, bcCtx, rsge.siteId, choice.id, start(), settings);
    assert.equal(admitted.admittedBy, bc.reserveUser.account.id);

    await setDelegation(db, ctxOf(rsge.reserveUser), rsge.siteId, false);
    assert.ok((await refusal(admissionsOf(db, bcCtx, rsge.siteId))) instanceof ForbiddenError);
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.bcDelegation.withdrawn'), eq(auditEvent.subjectId, rsge.siteId)))).length, 1);
  });
});

describe('the parent’s answer about the other choices', () => {
  test('withdrawn: the other choices leave their réserves; answered once; another family is refused', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const other = await publishedProvider(db, 'cpe');
    const { parent, child, choice } = await childInReserve(db, cpe.siteId);
    const elsewhere = await chooseService(db, citizenCtx(parent), child.id, other.siteId, { desiredStart: addMonths(today, 3), days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });
    const row = await admitFromReserve(db, ctxOf(cpe.reserveUser), cpe.siteId, choice.id, start(), settings);

    const stranger = (await childInReserve(db, other.siteId)).parent;
    assert.ok((await refusal(decideOtherChoices(db, citizenCtx(stranger), row.id, 'withdrawn'))) instanceof ForbiddenError);
    assert.equal(await decideOtherChoices(db, citizenCtx(parent), row.id, 'withdrawn'), 1);
    const [gone] = await db.select().from(reserveChoice).where(eq(reserveChoice.id, elsewhere.id));
    assert.equal(gone?.state, 'withdrawn');
    const [kept] = await db.select().from(reserveChoice).where(eq(reserveChoice.id, choice.id));
    assert.equal(kept?.state, 'admitted', 'the admitted choice stays');
    assert.equal((await refusal(decideOtherChoices(db, citizenCtx(parent), row.id, 'kept'))).messageKey, 'portal.admission.error.alreadyDecided');
  });
});
