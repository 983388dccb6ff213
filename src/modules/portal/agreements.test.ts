import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, inArray } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Database, Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError } from '../../platform/errors.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { agreementPdf } from './agreement-pdf.js';
import { agreementOf, agreementsOf, agreementsOfFamily, changeAgreement, endAgreement, recordAgreement, validateTerms, type TermsInput } from './agreements.js';
import { admitFromReserve, placesOf } from './admissions.js';
import { confirmAdmission } from './bc.js';
import { addMonths } from './families.js';
import { admission, serviceAgreementVersion } from './schema.js';
import { childInReserve, citizenCtx, coordinatingOfficeOf, portalUser, publishedProvider, refusal } from './test-support.js';
import { siteById } from '../childcare/service.js';

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
const terms: TermsInput = { startDate: addMonths(today, 1), days: ['mon', 'tue', 'wed'], periods: ['full_time'], contribution: 'reduced', dailyRate: '', signedOn: today };

async function mailsTo(email: string | null): Promise<string[]> {
  if (!email) return [];
  const rows = await db.select({ subject: outboxMail.subject }).from(outboxMail).where(eq(outboxMail.recipient, email));
  return rows.map((r) => r.subject);
}

/** A CPE child admitted, ready for its agreement. */
async function cpeAdmission(firstName = 'Léa') {
  const cpe = await publishedProvider(db, 'cpe');
  const family = await childInReserve(db, cpe.siteId, { firstName });
  const row = await admitFromReserve(db, ctxOf(cpe.reserveUser), cpe.siteId, family.choice.id, start, settings);
  return { cpe, family, admissionId: row.id };
}

describe('the terms of an agreement', () => {
  test('every rule gives its message; the other rate needs its daily rate; the reduced one ignores it', () => {
    const birth = addMonths(today, -24);
    const errors = (input: Partial<TermsInput>) => {
      const checked = validateTerms({ ...terms, ...input }, today, birth);
      return checked.ok ? {} : checked.errors;
    };
    assert.deepEqual(errors({}), {});
    assert.equal(errors({ startDate: '2026-02-30' }).startDate, 'portal.agreement.startDate.invalid');
    assert.equal(errors({ startDate: addMonths(birth, -1) }).startDate, 'portal.agreement.startDate.beforeBirth');
    assert.equal(errors({ startDate: addMonths(today, 40) }).startDate, 'portal.agreement.startDate.tooFar');
    assert.equal(errors({ days: [] }).days, 'portal.agreement.days.required');
    assert.equal(errors({ days: ['mon', 'someday'] }).days, 'portal.agreement.days.required');
    assert.equal(errors({ periods: [] }).periods, 'portal.agreement.periods.required');
    assert.equal(errors({ contribution: 'free' }).contribution, 'portal.agreement.contribution.required');
    assert.equal(errors({ contribution: 'other_rate', dailyRate: '' }).dailyRate, 'portal.agreement.dailyRate.required');
    assert.equal(errors({ contribution: 'other_rate', dailyRate: '0' }).dailyRate, 'portal.agreement.dailyRate.required');
    assert.equal(errors({ contribution: 'other_rate', dailyRate: 'abc' }).dailyRate, 'portal.sheet.rate.invalid');
    assert.equal(errors({ signedOn: addMonths(today, 1) }).signedOn, 'portal.agreement.signedOn.future');
    const other = validateTerms({ ...terms, contribution: 'other_rate', dailyRate: '52,50' }, today, birth);
    assert.ok(other.ok && other.terms.dailyRateCents === 5250);
    const reduced = validateTerms({ ...terms, dailyRate: '52,50' }, today, birth);
    assert.ok(reduced.ok && reduced.terms.dailyRateCents === null);
  });
});

describe('recording, changing and ending an agreement', () => {
  test('a CPE records its own: version 1, audited, the parent mailed and shown it; a second record is refused', async () => {
    const { cpe, family, admissionId } = await cpeAdmission();
    const recorded = await recordAgreement(db, ctxOf(cpe.reserveUser), admissionId, terms, settings);
    assert.equal(recorded.state, 'active');
    assert.equal(recorded.version, 1);
    const events = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.agreement.recorded'), eq(auditEvent.subjectId, family.child.id)));
    assert.equal(events.length, 1);
    assert.ok((await mailsTo(family.parent.account.email)).includes('L’entente de services de votre enfant est consignée'));
    const seen = await agreementsOfFamily(db, citizenCtx(family.parent));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.current.startDate, terms.startDate);
    const twice = await refusal(recordAgreement(db, ctxOf(cpe.reserveUser), admissionId, terms, settings));
    assert.equal(twice.messageKey, 'portal.agreement.error.alreadyRecorded');
  });

  test('two records at once make one agreement', async () => {
    const { cpe, admissionId } = await cpeAdmission('Double');
    const results = await Promise.allSettled([recordAgreement(db, ctxOf(cpe.reserveUser), admissionId, terms, settings), recordAgreement(db, ctxOf(cpe.reserveUser), admissionId, terms, settings)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.equal((rejected as PromiseRejectedResult).reason.messageKey, 'portal.agreement.error.alreadyRecorded');
  });

  test('a change is a new version with its reason, the old one kept; a stale form, an unchanged one and a change after the end are refused', async () => {
    const { cpe, family, admissionId } = await cpeAdmission('Versions');
    const ctx = ctxOf(cpe.reserveUser);
    const recorded = await recordAgreement(db, ctx, admissionId, terms, settings);
    const unchanged = await refusal(changeAgreement(db, ctx, recorded.id, { ...terms, version: 1, changeReason: 'Rien' }, settings));
    assert.equal(unchanged.messageKey, 'portal.agreement.error.unchanged');
    const noReason = await refusal(changeAgreement(db, ctx, recorded.id, { ...terms, days: ['mon'], version: 1, changeReason: ' ' }, settings));
    assert.ok(noReason instanceof FieldValidationError && noReason.fields.changeReason === 'portal.agreement.changeReason.required');
    const changed = await changeAgreement(db, ctx, recorded.id, { ...terms, days: ['mon', 'tue'], contribution: 'other_rate', dailyRate: '48', version: 1, changeReason: 'Deux jours par semaine' }, settings);
    assert.equal(changed.version, 2);
    const stale = await refusal(changeAgreement(db, ctx, recorded.id, { ...terms, days: ['fri'], version: 1, changeReason: 'Onglet ancien' }, settings));
    assert.equal(stale.messageKey, 'portal.agreement.error.stale');
    const view = await agreementOf(db, ctx, recorded.id);
    assert.deepEqual(
      view.versions.map((v) => [v.version, v.days.join(','), v.dailyRateCents, v.changeReason]),
      [
        [2, 'mon,tue', 4800, 'Deux jours par semaine'],
        [1, 'mon,tue,wed', null, null],
      ],
    );
    assert.ok((await mailsTo(family.parent.account.email)).includes('L’entente de services de votre enfant a été modifiée'));
    await endAgreement(db, ctx, recorded.id, 2, { endDate: terms.startDate, reason: 'moved', details: '' }, settings);
    const afterEnd = await refusal(changeAgreement(db, ctx, recorded.id, { ...terms, days: ['thu'], version: 2, changeReason: 'Trop tard' }, settings));
    assert.equal(afterEnd.messageKey, 'portal.agreement.error.ended');
  });

  test('the cessation checks its date and reason, ends the admission and frees the place, once', async () => {
    const { cpe, family, admissionId } = await cpeAdmission('Cessation');
    const ctx = ctxOf(cpe.reserveUser);
    const recorded = await recordAgreement(db, ctx, admissionId, terms, settings);
    const site = await siteById(db, cpe.siteId);
    assert.ok(site);
    const takenBefore = (await placesOf(db, site)).admitted;
    const bad = await refusal(endAgreement(db, ctx, recorded.id, 1, { endDate: addMonths(terms.startDate, -1), reason: 'other', details: '' }, settings));
    assert.ok(bad instanceof FieldValidationError);
    assert.deepEqual(bad.fields, { endDate: 'portal.agreement.endDate.beforeStart', details: 'portal.agreement.endDetails.required' });
    const unknownReason = await refusal(endAgreement(db, ctx, recorded.id, 1, { endDate: terms.startDate, reason: 'bored', details: '' }, settings));
    assert.ok(unknownReason instanceof FieldValidationError && unknownReason.fields.reason === 'portal.agreement.endReason.required');
    const ended = await endAgreement(db, ctx, recorded.id, 1, { endDate: addMonths(terms.startDate, 2), reason: 'school', details: '' }, settings);
    assert.equal(ended.state, 'ended');
    assert.equal(ended.endReason, 'school');
    const [row] = await db.select().from(admission).where(eq(admission.id, admissionId));
    assert.equal(row?.state, 'ended');
    assert.equal((await placesOf(db, site)).admitted, takenBefore - 1, 'the place is free again');
    const again = await refusal(endAgreement(db, ctx, recorded.id, 1, { endDate: terms.startDate, reason: 'school', details: '' }, settings));
    assert.equal(again.messageKey, 'portal.agreement.error.ended');
    assert.ok((await mailsTo(family.parent.account.email)).includes('Fin de l’entente de services de votre enfant'));
    const seen = await agreementsOfFamily(db, citizenCtx(family.parent));
    assert.equal(seen[0]?.agreement.state, 'ended');
  });
});

describe('agreements of an RSGE', () => {
  test('the BC records them once it confirmed the admission; the RSGE reads them but cannot record', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const family = await childInReserve(db, rsge.siteId, { firstName: 'Rsgé' });
    const row = await admitFromReserve(db, ctxOf(rsge.reserveUser), rsge.siteId, family.choice.id, start, settings);
    const notYet = await refusal(recordAgreement(db, ctxOf(bc.reserveUser), row.id, terms, settings));
    assert.equal(notYet.messageKey, 'portal.agreement.error.notConfirmed');
    assert.ok((await refusal(recordAgreement(db, ctxOf(rsge.reserveUser), row.id, terms, settings))) instanceof ForbiddenError);
    await confirmAdmission(db, ctxOf(bc.reserveUser), row.id, settings);
    const recorded = await recordAgreement(db, ctxOf(bc.reserveUser), row.id, terms, settings);
    const read = await agreementOf(db, ctxOf(rsge.reserveUser), recorded.id);
    assert.equal(read.canRecord, false);
    assert.ok((await refusal(endAgreement(db, ctxOf(rsge.reserveUser), recorded.id, 1, { endDate: terms.startDate, reason: 'moved', details: '' }, settings))) instanceof ForbiddenError);
    const bcList = await agreementsOf(db, ctxOf(bc.reserveUser), bc.enterpriseId, { state: 'active' });
    assert.deepEqual(
      bcList.rows.map((r) => r.agreement.id),
      [recorded.id],
    );
    const rsgeList = await agreementsOf(db, ctxOf(rsge.reserveUser), rsge.enterpriseId, { state: 'active' });
    assert.deepEqual(
      rsgeList.rows.map((r) => r.agreement.id),
      [recorded.id],
    );
  });
});

describe('lists, filters and refusals', () => {
  test('active and ended lists filtered by site, name and start dates; another provider, a user without the right and a citizen are refused', async () => {
    const { cpe, admissionId } = await cpeAdmission('Filtrée');
    const ctx = ctxOf(cpe.reserveUser);
    const recorded = await recordAgreement(db, ctx, admissionId, terms, settings);
    const second = await childInReserve(db, cpe.siteId, { firstName: 'Autre' });
    const secondAdmission = await admitFromReserve(db, ctx, cpe.siteId, second.choice.id, start, settings);
    const other = await recordAgreement(db, ctx, secondAdmission.id, { ...terms, startDate: addMonths(today, 2) }, settings);
    await endAgreement(db, ctx, other.id, 1, { endDate: addMonths(today, 3), reason: 'parent_decision', details: '' }, settings);

    const ids = async (filter: Parameters<typeof agreementsOf>[3]) => (await agreementsOf(db, ctx, cpe.enterpriseId, filter)).rows.map((r) => r.agreement.id);
    assert.deepEqual(await ids({ state: 'active' }), [recorded.id]);
    assert.deepEqual(await ids({ state: 'ended' }), [other.id]);
    assert.deepEqual(await ids({ state: 'active', childName: 'filtr' }), [recorded.id]);
    assert.deepEqual(await ids({ state: 'active', childName: 'Autre' }), []);
    assert.deepEqual(await ids({ state: 'active', startFrom: addMonths(today, 2) }), []);
    assert.deepEqual(await ids({ state: 'ended', startFrom: addMonths(today, 2), startTo: addMonths(today, 2) }), [other.id]);
    assert.deepEqual(await ids({ state: 'active', siteId: cpe.siteId }), [recorded.id]);
    const limited = await agreementsOf(db, ctx, cpe.enterpriseId, { state: 'active' }, 0);
    assert.deepEqual([limited.rows.length, limited.more], [0, true]);

    const stranger = await publishedProvider(db, 'subsidized_daycare');
    assert.ok((await refusal(agreementOf(db, ctxOf(stranger.reserveUser), recorded.id))) instanceof ForbiddenError);
    assert.ok((await refusal(agreementsOf(db, ctxOf(stranger.reserveUser), cpe.enterpriseId, { state: 'active' }))) instanceof ForbiddenError);
    assert.deepEqual((await agreementsOf(db, ctxOf(stranger.reserveUser), stranger.enterpriseId, { state: 'active' })).rows, []);
    const sheetOnly = await portalUser(db, cpe, ['manage_sheet'], 'Fiche');
    assert.ok((await refusal(agreementOf(db, ctxOf(sheetOnly), recorded.id))) instanceof ForbiddenError);
    assert.ok((await refusal(changeAgreement(db, ctxOf(stranger.reserveUser), recorded.id, { ...terms, days: ['fri'], version: 1, changeReason: 'x' }, settings))) instanceof ForbiddenError);
    const family = await childInReserve(db, cpe.siteId, { firstName: 'Parent' });
    assert.ok((await refusal(agreementOf(db, citizenCtx(family.parent), recorded.id))) instanceof ForbiddenError);
    assert.ok((await refusal(recordAgreement(db, citizenCtx(family.parent), admissionId, terms, settings))) instanceof ForbiddenError);
    const versions = await db.select().from(serviceAgreementVersion).where(inArray(serviceAgreementVersion.agreementId, [recorded.id]));
    assert.equal(versions.length, 1, 'nothing was changed by the refused calls');
  });

  test('the PDF is a real PDF with the child, the terms and the versions, in French and English', async () => {
    const { cpe, family, admissionId } = await cpeAdmission('Pdfée');
    const ctx = ctxOf(cpe.reserveUser);
    const recorded = await recordAgreement(db, ctx, admissionId, terms, settings);
    await changeAgreement(db, ctx, recorded.id, { ...terms, periods: ['part_time'], version: 1, changeReason: 'Temps partiel' }, settings);
    const view = await agreementOf(db, ctx, recorded.id);
    for (const lang of ['fr', 'en'] as const) {
      const bytes = await agreementPdf(view, lang);
      assert.equal(Buffer.from(bytes.slice(0, 5)).toString(), '%PDF-');
      const doc = await PDFDocument.load(bytes);
      assert.ok(doc.getPageCount() >= 1);
      assert.ok(doc.getTitle()?.includes(family.child.firstName.normalize('NFC')));
    }
  });
});
