import { and, asc, desc, eq, gte, ilike, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, authorizeOn, catalogue, filter as filterRows, isSignedIn, permittedActions, rowColumn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { pgErrorCode, transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, type FieldErrors } from '../../platform/errors.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { isIsoDate } from '../../platform/time/index.js';
import { siteById, todayInQuebec, type Site } from '../childcare/service.js';
import { mailFamily, type Admission, type AdmissionSettings } from './admissions.js';
import { addMonths, familyActions, MAX_START_YEARS, type FamilyChild } from './families.js';
import { admission, family, familyChild, serviceAgreement, serviceAgreementVersion } from './schema.js';
import { carePeriods, clientEnterprise, parseDailyRate, portalEnterprise, siteFor, weekdays, type CarePeriod, type Weekday } from './service.js';
import { siteActions, siteRules } from './site-actions.js';
import { installation } from '../childcare/schema.js';

/**
 * Service agreements (issue 8, item 5; seed 003: « Consigner les renseignements de l'entente de
 * services pour chaque enfant admis et la cessation de leurs services », GES). Rules in the
 * README, « Service agreements ».
 */

export type Agreement = typeof serviceAgreement.$inferSelect;
export type AgreementVersion = typeof serviceAgreementVersion.$inferSelect;

export const contributions = ['reduced', 'other_rate'] as const;
export type Contribution = (typeof contributions)[number];
export const endReasons = ['parent_decision', 'school', 'moved', 'provider_decision', 'other'] as const;
export type EndReason = (typeof endReasons)[number];

export const AGREEMENT_TEXT_MAX = 500;
/** An agreement is recorded at most this long after it started (a late record), and ended at most this far ahead (a notice). */
const LATE_RECORD_MONTHS = 12;
const NOTICE_MONTHS = 12;

export type TermsInput = { startDate: string; days: string[]; periods: string[]; contribution: string; dailyRate: string; signedOn: string };
export type ChangeInput = TermsInput & { version: number; changeReason: string };
export type CessationInput = { endDate: string; reason: string; details: string };

type Terms = { startDate: string; days: Weekday[]; periods: CarePeriod[]; contribution: Contribution; dailyRateCents: number | null; signedOn: string };

// ---------------------------------------------------------------------------------------------
// Authorization

const ofSite = siteRules(rowColumn(serviceAgreement.installationId));

/**
 * An agreement follows its site's rules (site-actions.ts): who records agreements there — for an
 * RSGE its BC (seed 003: the BC « consigne » the agreements, as with CSG), never the RSGE itself;
 * for a CPE or a garderie its own enterprise — changes and ends it; they and the RSGE read it.
 */
export const agreementActions = catalogue('service agreement', serviceAgreement, serviceAgreement.id, {
  read: ofSite.readAgreements,
  record: ofSite.recordAgreement,
});

const listsOwnEnterprise: Rule<{ enterpriseId: string }> = async (actor, resource, db) => (await portalEnterprise(actor, db, 'manage_reserve'))?.id === resource.enterpriseId;
const clientListsOwnEnterprise: Rule<{ enterpriseId: string }> = async (actor, resource, db) => (await clientEnterprise(actor, db, 'agreements:read'))?.id === resource.enterpriseId;

/** An enterprise's lists of agreements; what they show is `agreementActions.read`. */
export const agreementListActions = {
  list: action<{ enterpriseId: string }>('portal.agreements', listsOwnEnterprise, clientListsOwnEnterprise),
};

/** The account a record is made in the name of: the person, or the RSE who registered the management software that calls. */
function authorAccount(ctx: Ctx): string {
  if (isSignedIn(ctx.actor)) return ctx.actor.accountId;
  if (ctx.actor.type === 'client') return ctx.actor.registeredBy;
  throw new ForbiddenError();
}

// ---------------------------------------------------------------------------------------------
// Validation

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

/** The terms: a real start date not before the birth, within a year back and three years ahead; days and periods; the contribution, with its rate when it is not the reduced one; a signature date not in the future. */
export function validateTerms(input: TermsInput, today: string, birthDate: string): { ok: true; terms: Terms } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!isIsoDate(input.startDate)) errors.startDate = 'portal.agreement.startDate.invalid';
  else if (input.startDate < birthDate) errors.startDate = 'portal.agreement.startDate.beforeBirth';
  else if (input.startDate < addMonths(today, -LATE_RECORD_MONTHS)) errors.startDate = 'portal.agreement.startDate.tooOld';
  else if (input.startDate > addMonths(today, 12 * MAX_START_YEARS)) errors.startDate = 'portal.agreement.startDate.tooFar';
  const days = input.days.filter((d): d is Weekday => isOneOf(weekdays, d));
  if (days.length === 0 || days.length !== input.days.length) errors.days = 'portal.agreement.days.required';
  const periods = input.periods.filter((p): p is CarePeriod => isOneOf(carePeriods, p));
  if (periods.length === 0 || periods.length !== input.periods.length) errors.periods = 'portal.agreement.periods.required';
  let dailyRateCents: number | null = null;
  if (!isOneOf(contributions, input.contribution)) errors.contribution = 'portal.agreement.contribution.required';
  else if (input.contribution === 'other_rate') {
    const rate = input.dailyRate.trim() === '' ? { error: 'portal.agreement.dailyRate.required' as MessageKey } : parseDailyRate(input.dailyRate);
    if (typeof rate === 'number' && rate > 0) dailyRateCents = rate;
    else errors.dailyRate = typeof rate === 'number' ? 'portal.agreement.dailyRate.required' : rate.error;
  }
  if (!isIsoDate(input.signedOn)) errors.signedOn = 'portal.agreement.signedOn.invalid';
  else if (input.signedOn > today) errors.signedOn = 'portal.agreement.signedOn.future';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, terms: { startDate: input.startDate, days: [...new Set(days)], periods: [...new Set(periods)], contribution: input.contribution as Contribution, dailyRateCents, signedOn: input.signedOn } };
}

function validateText(value: string, field: string, key: MessageKey, errors: FieldErrors): string {
  const text = value.trim();
  if (text.length === 0 || text.length > AGREEMENT_TEXT_MAX) errors[field] = key;
  return text;
}

function sameTerms(a: Terms, b: AgreementVersion): boolean {
  const sameList = (x: string[], y: string[]) => x.length === y.length && x.every((item) => y.includes(item));
  return a.startDate === b.startDate && sameList(a.days, b.days) && sameList(a.periods, b.periods) && a.contribution === b.contribution && a.dailyRateCents === b.dailyRateCents && a.signedOn === b.signedOn;
}

// ---------------------------------------------------------------------------------------------
// Reading

export type AgreementView = { agreement: Agreement; current: AgreementVersion; versions: AgreementVersion[]; child: FamilyChild; site: Site; admission: Admission };

async function loadAgreement(db: Db, agreementId: string): Promise<AgreementView | null> {
  const [row] = await db
    .select({ agreement: serviceAgreement, child: familyChild, admission })
    .from(serviceAgreement)
    .innerJoin(familyChild, eq(familyChild.id, serviceAgreement.childId))
    .innerJoin(admission, eq(admission.id, serviceAgreement.admissionId))
    .where(eq(serviceAgreement.id, agreementId));
  const site = row ? await siteById(db, row.agreement.installationId) : undefined;
  if (!row || !site) return null;
  const versions = await db.select().from(serviceAgreementVersion).where(eq(serviceAgreementVersion.agreementId, agreementId)).orderBy(desc(serviceAgreementVersion.version));
  const current = versions.find((v) => v.version === row.agreement.version);
  if (!current) throw new Error('an agreement without its current version');
  return { ...row, site, current, versions };
}

/** An agreement with its versions, newest first; another provider's is refused as an unknown one. */
export async function agreementOf(db: Db, ctx: Ctx, agreementId: string): Promise<AgreementView & { canRecord: boolean }> {
  const allowed = (await permittedActions(db, agreementActions, ctx.actor, [agreementId])).get(agreementId);
  const view = allowed?.has('read') ? await loadAgreement(db, agreementId) : null;
  if (!view || !allowed) throw new ForbiddenError();
  return { ...view, canRecord: allowed.has('record') };
}

/** `afterAgreementId`: the page after this agreement, in the lists' order (the API's cursor). */
export type AgreementFilter = { state: 'active' | 'ended'; siteId?: string; childName?: string; startFrom?: string; startTo?: string; afterAgreementId?: string };
export type AgreementRow = { agreement: Agreement; child: Pick<FamilyChild, 'firstName' | 'lastName' | 'registrationNumber'>; site: { id: string; number: string; name: string }; current: AgreementVersion };

/** The lists show this many agreements at most and say when more match. */
export const AGREEMENT_LIST_LIMIT = 200;

/** The sites of the lists' filter, by name: those whose agreements the actor reads (its installations, its own RSGE site, the RSGE its coordinating office recognizes). */
export async function agreementSites(db: Db, ctx: Ctx, enterpriseId: string): Promise<{ id: string; number: string; name: string }[]> {
  await authorize(db, ctx.actor, agreementListActions.list, { enterpriseId });
  return db
    .select({ id: installation.id, number: installation.number, name: installation.name })
    .from(installation)
    .where(filterRows(siteActions, ctx.actor, 'readAgreements'))
    .orderBy(asc(installation.name), asc(installation.number));
}

/** Active or ended agreements of the enterprise's sites, filtered by site, child's name and start dates, by start date. */
export async function agreementsOf(db: Db, ctx: Ctx, enterpriseId: string, filter: AgreementFilter, limit = AGREEMENT_LIST_LIMIT): Promise<{ rows: AgreementRow[]; more: boolean }> {
  await authorize(db, ctx.actor, agreementListActions.list, { enterpriseId });
  const conditions: SQL[] = [filterRows(agreementActions, ctx.actor, 'read'), eq(serviceAgreement.state, filter.state)];
  if (filter.siteId) conditions.push(eq(serviceAgreement.installationId, filter.siteId));
  const name = filter.childName?.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  if (name) conditions.push(ilike(sql`${familyChild.firstName} || ' ' || ${familyChild.lastName}`, `%${name}%`));
  if (filter.startFrom) conditions.push(gte(serviceAgreement.startDate, filter.startFrom));
  if (filter.startTo) conditions.push(lte(serviceAgreement.startDate, filter.startTo));
  if (filter.afterAgreementId) conditions.push(sql`(${serviceAgreement.startDate}, ${serviceAgreement.id}) > (select a.start_date, a.id from service_agreement a where a.id = ${filter.afterAgreementId})`);
  const rows = await db
    .select({
      agreement: serviceAgreement,
      child: { firstName: familyChild.firstName, lastName: familyChild.lastName, registrationNumber: familyChild.registrationNumber },
      site: { id: sql<string>`i.id`, number: sql<string>`i.number`, name: sql<string>`i.name` },
      current: serviceAgreementVersion,
    })
    .from(serviceAgreement)
    .innerJoin(familyChild, eq(familyChild.id, serviceAgreement.childId))
    .innerJoin(sql`installation i`, sql`i.id = ${serviceAgreement.installationId}`)
    .innerJoin(serviceAgreementVersion, and(eq(serviceAgreementVersion.agreementId, serviceAgreement.id), eq(serviceAgreementVersion.version, serviceAgreement.version)))
    .where(and(...conditions))
    .orderBy(asc(serviceAgreement.startDate), asc(serviceAgreement.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

export type FamilyAgreement = { agreement: Agreement; current: AgreementVersion; child: FamilyChild; site: Site };

/** The family's agreements, active and ended, newest first: what the parent sees in its space. */
export async function agreementsOfFamily(db: Db, ctx: Ctx): Promise<FamilyAgreement[]> {
  await authorize(db, ctx.actor, familyActions.ownFamily, undefined);
  const rows = await db
    .select({ agreement: serviceAgreement, current: serviceAgreementVersion, child: familyChild })
    .from(serviceAgreement)
    .innerJoin(serviceAgreementVersion, and(eq(serviceAgreementVersion.agreementId, serviceAgreement.id), eq(serviceAgreementVersion.version, serviceAgreement.version)))
    .innerJoin(familyChild, eq(familyChild.id, serviceAgreement.childId))
    .innerJoin(family, eq(family.id, familyChild.familyId))
    .where(eq(family.accountId, authorAccount(ctx)))
    .orderBy(desc(serviceAgreement.createdAt));
  const result: FamilyAgreement[] = [];
  for (const row of rows) {
    const site = await siteById(db, row.agreement.installationId);
    if (site) result.push({ ...row, site });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Recording, changing, ending

/** The admission an agreement is recorded for: in progress, and confirmed by the BC first at an RSGE. */
export async function agreementFormFor(db: Db, ctx: Ctx, admissionId: string): Promise<{ site: Site; admission: Admission; child: FamilyChild }> {
  const [row] = await db.select({ admission, child: familyChild }).from(admission).innerJoin(familyChild, eq(familyChild.id, admission.childId)).where(eq(admission.id, admissionId));
  if (!row) throw new ForbiddenError();
  const site = await siteFor(db, ctx, row.admission.installationId, 'recordAgreement');
  return { site, ...row };
}

/** Why no agreement can be recorded for the admission yet, or null when it can. */
export function recordableProblem(site: Site, current: Admission): MessageKey | null {
  if (current.state !== 'admitted' && current.state !== 'confirmed') return 'portal.agreement.error.notAdmitted';
  if (site.kind === 'home_provider' && current.state !== 'confirmed') return 'portal.agreement.error.notConfirmed';
  return null;
}

async function mailAgreement(tx: Db, child: FamilyChild, site: Site, date: string, settings: AdmissionSettings, kind: 'recorded' | 'changed' | 'ended'): Promise<void> {
  await mailFamily(tx, child, site, date, settings, { subject: `portal.mail.agreement.${kind}.subject`, paragraphs: [`portal.mail.agreement.${kind}.body`] });
}

/**
 * Records the agreement of an admitted child: its first version, the audit event and the family's
 * mail in one transaction. The admission's row is locked, so that a double submit records once;
 * the unique index on the admission refuses a second agreement too.
 */
export async function recordAgreement(db: Db, ctx: Ctx, admissionId: string, input: TermsInput, settings: AdmissionSettings, now: Date = new Date()): Promise<Agreement> {
  const { site, child } = await agreementFormFor(db, ctx, admissionId);
  const accountId = authorAccount(ctx);
  const checked = validateTerms(input, todayInQuebec(now), child.birthDate);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  const { terms } = checked;
  try {
    return await transaction(db, async (tx) => {
      const [current] = await tx.select().from(admission).where(eq(admission.id, admissionId)).for('update');
      if (!current) throw new ForbiddenError();
      const problem = recordableProblem(site, current);
      if (problem) throw new ConflictError(problem);
      const [existing] = await tx.select({ id: serviceAgreement.id }).from(serviceAgreement).where(eq(serviceAgreement.admissionId, admissionId));
      if (existing) throw new ConflictError('portal.agreement.error.alreadyRecorded');
      const [row] = await tx.insert(serviceAgreement).values({ admissionId, installationId: site.id, childId: child.id, startDate: terms.startDate, createdBy: accountId }).returning();
      if (!row) throw new Error('the agreement was not inserted');
      await tx.insert(serviceAgreementVersion).values({ agreementId: row.id, version: 1, ...terms, recordedBy: accountId });
      await recordAudit(tx, ctx, { action: 'portal.agreement.recorded', subjectType: 'family_child', subjectId: child.id, details: { agreementId: row.id, admissionId, siteId: site.id, startDate: terms.startDate, contribution: terms.contribution } });
      await mailAgreement(tx, child, site, terms.startDate, settings, 'recorded');
      return row;
    });
  } catch (error) {
    if (pgErrorCode(error) === '23505') throw new ConflictError('portal.agreement.error.alreadyRecorded');
    throw error;
  }
}

async function recordableAgreement(db: Db, ctx: Ctx, agreementId: string): Promise<AgreementView> {
  await authorizeOn(db, agreementActions, ctx.actor, 'record', agreementId);
  const view = await loadAgreement(db, agreementId);
  if (!view) throw new ForbiddenError();
  return view;
}

/** Claims the agreement for a change: active and still at the version the form was drawn from. */
async function claimVersion(tx: Db, agreementId: string, expected: number, set: Partial<typeof serviceAgreement.$inferInsert>): Promise<Agreement> {
  const [row] = await tx
    .update(serviceAgreement)
    .set(set)
    .where(and(eq(serviceAgreement.id, agreementId), eq(serviceAgreement.version, expected), eq(serviceAgreement.state, 'active')))
    .returning();
  if (row) return row;
  const [now] = await tx.select({ state: serviceAgreement.state }).from(serviceAgreement).where(eq(serviceAgreement.id, agreementId));
  throw new ConflictError(now?.state === 'ended' ? 'portal.agreement.error.ended' : 'portal.agreement.error.stale');
}

/**
 * Changes the terms: a new version with the reason, in one transaction with its audit event and
 * the family's mail. A form drawn from an older version (two tabs, two people) is refused.
 */
export async function changeAgreement(db: Db, ctx: Ctx, agreementId: string, input: ChangeInput, settings: AdmissionSettings, now: Date = new Date()): Promise<Agreement> {
  const view = await recordableAgreement(db, ctx, agreementId);
  const accountId = authorAccount(ctx);
  const checked = validateTerms(input, todayInQuebec(now), view.child.birthDate);
  const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
  const changeReason = validateText(input.changeReason, 'changeReason', 'portal.agreement.changeReason.required', errors);
  if (!checked.ok || Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  const { terms } = checked;
  if (input.version === view.agreement.version && sameTerms(terms, view.current)) throw new ConflictError('portal.agreement.error.unchanged');
  return transaction(db, async (tx) => {
    const row = await claimVersion(tx, agreementId, input.version, { version: input.version + 1, startDate: terms.startDate, updatedAt: now });
    await tx.insert(serviceAgreementVersion).values({ agreementId, version: row.version, ...terms, changeReason, recordedBy: accountId });
    await recordAudit(tx, ctx, { action: 'portal.agreement.changed', subjectType: 'family_child', subjectId: view.child.id, details: { agreementId, version: row.version } });
    await mailAgreement(tx, view.child, view.site, terms.startDate, settings, 'changed');
    return row;
  });
}

/**
 * The cessation: the end date (not before the start, at most a year ahead) and its reason; the
 * admission ends with it, which frees the place. One transaction with the audit event and the
 * family's mail; a second cessation is a conflict that says it is done.
 */
export async function endAgreement(db: Db, ctx: Ctx, agreementId: string, version: number, input: CessationInput, settings: AdmissionSettings, now: Date = new Date()): Promise<Agreement> {
  const view = await recordableAgreement(db, ctx, agreementId);
  const accountId = authorAccount(ctx);
  const errors: FieldErrors = {};
  const today = todayInQuebec(now);
  if (!isIsoDate(input.endDate)) errors.endDate = 'portal.agreement.endDate.invalid';
  else if (input.endDate < view.current.startDate) errors.endDate = 'portal.agreement.endDate.beforeStart';
  else if (input.endDate > addMonths(today, NOTICE_MONTHS)) errors.endDate = 'portal.agreement.endDate.tooFar';
  if (!isOneOf(endReasons, input.reason)) errors.reason = 'portal.agreement.endReason.required';
  const details = input.details.trim();
  if (input.reason === 'other' && details.length === 0) errors.details = 'portal.agreement.endDetails.required';
  if (details.length > AGREEMENT_TEXT_MAX) errors.details = 'portal.agreement.endDetails.tooLong';
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return transaction(db, async (tx) => {
    const row = await claimVersion(tx, agreementId, version, { state: 'ended', endDate: input.endDate, endReason: input.reason, endDetails: details || null, endedBy: accountId, updatedAt: now });
    await tx.update(admission).set({ state: 'ended', updatedAt: now }).where(and(eq(admission.id, row.admissionId), inArray(admission.state, ['admitted', 'confirmed'])));
    await recordAudit(tx, ctx, { action: 'portal.agreement.ended', subjectType: 'family_child', subjectId: view.child.id, details: { agreementId, endDate: input.endDate, reason: input.reason } });
    await mailAgreement(tx, view.child, view.site, input.endDate, settings, 'ended');
    return row;
  });
}
