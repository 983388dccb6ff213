import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { authorize, isSignedIn, permittedActions } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { pgErrorCode, queryRows, transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, type FieldErrors } from '../../platform/errors.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { isIsoDate } from '../../platform/time/index.js';
import { siteById, todayInQuebec, type Site } from '../childcare/service.js';
import { addMonths, familyActions, familyContacts, familyRecipients, inReserve, MAX_START_YEARS, siteNameFor, type AgeGroup, type FamilyChild, type Guardian, type ReserveChoice } from './families.js';
import { admission, family, familyChild, reserveChoice, serviceAgreement } from './schema.js';
import { siteFor } from './service.js';
import { siteActions, type SiteAction } from './site-actions.js';

/**
 * Admissions (issue 8, item 2; seed 003 « Admission d'un enfant »): a provider — or the BC of an
 * RSGE that authorized it — admits a child from the site's réserve, or with the registration
 * number the parent gave, with the planned start date. Rules in the README, « Admissions ».
 */

export type Admission = typeof admission.$inferSelect;
export type AdmissionState = 'admitted' | 'confirmed' | 'cancelled' | 'ended';
const inProgress: AdmissionState[] = ['admitted', 'confirmed'];

export const OVERRIDE_REASON_MAX = 500;

export type AdmissionInput = { plannedStart: string; override: boolean; overrideReason: string };
export type AdmissionSettings = { publicUrl: string };

/** Places of a site and the admissions in progress that take them, per age group. */
export type Places = { total: number | null; infants: number | null; admitted: number; admittedInfants: number };

/** The planned start would take more places than the permit or recognition has for the child's age group. */
export class PlacesFullError extends ConflictError {
  constructor(readonly places: Places, readonly ageGroup: AgeGroup) {
    super(ageGroup === 'infant' ? 'portal.admission.error.infantPlacesFull' : 'portal.admission.error.placesFull', {
      total: places.total ?? 0,
      infants: places.infants ?? 0,
    });
  }
}

/** Under 18 months on the planned start: the permit's infant places (poupons), as the réserve's filter counts them. */
export function ageGroupOn(birthDate: string, on: string): AgeGroup {
  return birthDate > addMonths(on, -18) ? 'infant' : 'toddler';
}

/** The planned start: a real date, from today, not before the birth, at most 3 years ahead; a reason when overriding. */
export function validateAdmission(input: AdmissionInput, today: string, birthDate: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!isIsoDate(input.plannedStart)) errors.plannedStart = 'portal.admission.plannedStart.invalid';
  else if (input.plannedStart < today) errors.plannedStart = 'portal.admission.plannedStart.past';
  else if (input.plannedStart < birthDate) errors.plannedStart = 'portal.admission.plannedStart.beforeBirth';
  else if (input.plannedStart > addMonths(today, 12 * MAX_START_YEARS)) errors.plannedStart = 'portal.admission.plannedStart.tooFar';
  const reason = input.overrideReason.trim();
  if (input.override && (reason.length === 0 || reason.length > OVERRIDE_REASON_MAX)) errors.overrideReason = 'portal.admission.overrideReason.required';
  return errors;
}

export async function placesOf(db: Db, site: Site): Promise<Places> {
  const [row] = await queryRows<{ admitted: number; infants: number }>(
    db,
    sql`select count(*)::int as admitted, (count(*) filter (where age_group = 'infant'))::int as infants
        from admission where installation_id = ${site.id} and state in ('admitted', 'confirmed')`,
  );
  return { total: site.placesTotal, infants: site.placesUnder18Months, admitted: row?.admitted ?? 0, admittedInfants: row?.infants ?? 0 };
}

/** A site's places and the admissions in progress that take them, for whom may read them (`siteActions.readPlaces`). */
export async function placesOfSite(db: Db, ctx: Ctx, siteId: string): Promise<{ site: Site; places: Places }> {
  const site = await siteFor(db, ctx, siteId, 'readPlaces');
  return { site, places: await placesOf(db, site) };
}

/** Would one more child of this age group go past the places? Unknown places (null) limit nothing. */
function overPlaces(places: Places, ageGroup: AgeGroup): boolean {
  if (places.total !== null && places.admitted + 1 > places.total) return true;
  return ageGroup === 'infant' && places.infants !== null && places.admittedInfants + 1 > places.infants;
}

// ---------------------------------------------------------------------------------------------
// Finding the child

/** What the provider sees once a registration number is validated, or from a réserve entry: the child's full file. */
export type ChildFile = { child: FamilyChild; guardians: Guardian[]; accountEmail: string | null; choice: ReserveChoice | null };

async function fileOf(tx: Db, child: FamilyChild, site: Site): Promise<ChildFile> {
  const contacts = await familyContacts(tx, child.familyId);
  const [choice] = await tx.select().from(reserveChoice).where(and(eq(reserveChoice.childId, child.id), eq(reserveChoice.installationId, site.id), inReserve()));
  return { child, ...contacts, choice: choice ?? null };
}

/** `p-abcd efgh 23` → `P-ABCD-EFGH-23`: what a person types from a printed confirmation. */
export function normalizeRegistrationNumber(typed: string): string {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '');
  return /^P[2-9A-HJKMNP-Z]{10}$/.test(compact) ? `P-${compact.slice(1, 5)}-${compact.slice(5, 9)}-${compact.slice(9)}` : '';
}

/**
 * The child with this registration number, for an admission at the site; each validated number
 * is audited (the provider sees the full file). An unknown, malformed or deleted number gives one
 * message that says nothing more; the route limits the attempts.
 */
export async function findByRegistrationNumber(db: Db, ctx: Ctx, siteId: string, typed: string): Promise<{ site: Site; file: ChildFile }> {
  const site = await admissionSite(db, ctx, siteId);
  const number = normalizeRegistrationNumber(typed);
  return transaction(db, async (tx) => {
    const [child] = number ? await tx.select().from(familyChild).where(eq(familyChild.registrationNumber, number)) : [];
    if (!child) throw new FieldValidationError({ registrationNumber: 'portal.admission.number.unknown' });
    await recordAudit(tx, ctx, { action: 'portal.admission.childFound', subjectType: 'family_child', subjectId: child.id, details: { siteId: site.id } });
    return { site, file: await fileOf(tx, child, site) };
  });
}

function admissionSite(db: Db, ctx: Ctx, siteId: string): Promise<Site> {
  return siteFor(db, ctx, siteId, 'admit');
}

// ---------------------------------------------------------------------------------------------
// Admitting

type Source = { kind: 'reserve'; choiceId: string } | { kind: 'number'; registrationNumber: string };

async function childOf(tx: Db, site: Site, source: Source): Promise<{ child: FamilyChild; choice: ReserveChoice | null }> {
  if (source.kind === 'reserve') {
    const [row] = await tx
      .select({ child: familyChild, choice: reserveChoice })
      .from(reserveChoice)
      .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
      .where(and(eq(reserveChoice.id, source.choiceId), eq(reserveChoice.installationId, site.id), inReserve()));
    // Gone from the réserve (admitted meanwhile, withdrawn, inactive) or another site's entry.
    if (!row) throw new ConflictError('portal.admission.error.notInReserve');
    return row;
  }
  const number = normalizeRegistrationNumber(source.registrationNumber);
  const [child] = number ? await tx.select().from(familyChild).where(eq(familyChild.registrationNumber, number)) : [];
  if (!child) throw new FieldValidationError({ registrationNumber: 'portal.admission.number.unknown' });
  const [choice] = await tx.select().from(reserveChoice).where(and(eq(reserveChoice.childId, child.id), eq(reserveChoice.installationId, site.id), inReserve()));
  return { child, choice: choice ?? null };
}

/** The family's mail about its child's admission (`content`: admitted, confirmed…), to the account's address and each guardian's, in the account's language. */
export async function mailFamily(tx: Db, child: FamilyChild, site: Site, plannedStart: string, settings: AdmissionSettings, content: { subject: MessageKey; paragraphs: MessageKey[] }): Promise<void> {
  const [own] = await tx.select().from(family).where(eq(family.id, child.familyId));
  if (!own) return;
  const { lang, recipients } = await familyRecipients(tx, own);
  const params = { child: child.firstName, service: siteNameFor(lang, site), date: plannedStart };
  for (const to of recipients) {
    await enqueueMail(tx, composeMail(lang, to, { ...content, link: { label: 'portal.mail.admitted.link', url: `${settings.publicUrl}/famille` } }, params));
  }
}

/**
 * Admits the child at the site, in one transaction with its audit event and the family's mail.
 * The site's row is locked first, so that two people admitting the last place at once are served
 * one after the other: the second finds it taken. A child with an admission in progress anywhere is
 * refused (and the database's unique index refuses it too, for two sites at once).
 */
async function admit(db: Db, ctx: Ctx, siteId: string, source: Source, input: AdmissionInput, settings: AdmissionSettings, now: Date): Promise<Admission> {
  const site = await admissionSite(db, ctx, siteId);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const actorId = ctx.actor.accountId;
  const today = todayInQuebec(now);
  try {
    return await transaction(db, async (tx) => {
      await tx.execute(sql`select id from installation where id = ${site.id} for update`);
      const { child, choice } = await childOf(tx, site, source);
      const errors = validateAdmission(input, today, child.birthDate);
      if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
      const [current] = await tx.select().from(admission).where(and(eq(admission.childId, child.id), inArray(admission.state, inProgress)));
      if (current) throw new ConflictError(current.installationId === site.id ? 'portal.admission.error.alreadyHere' : 'portal.admission.error.elsewhere');
      const ageGroup = ageGroupOn(child.birthDate, input.plannedStart);
      const places = await placesOf(tx, site);
      const over = overPlaces(places, ageGroup);
      if (over && !input.override) throw new PlacesFullError(places, ageGroup);
      const [row] = await tx
        .insert(admission)
        .values({ installationId: site.id, childId: child.id, choiceId: choice?.id ?? null, plannedStart: input.plannedStart, ageGroup, overrideReason: over ? input.overrideReason.trim() : null, admittedBy: actorId })
        .returning();
      if (!row) throw new Error('the admission was not inserted');
      if (choice) await tx.update(reserveChoice).set({ state: 'admitted', updatedAt: now }).where(eq(reserveChoice.id, choice.id));
      await recordAudit(tx, ctx, {
        action: 'portal.admission.admitted',
        subjectType: 'family_child',
        subjectId: child.id,
        details: { siteId: site.id, admissionId: row.id, plannedStart: input.plannedStart, ageGroup, via: source.kind, ...(over ? { placesOverride: input.overrideReason.trim() } : {}) },
      });
      await mailFamily(tx, child, site, input.plannedStart, settings, { subject: 'portal.mail.admitted.subject', paragraphs: ['portal.mail.admitted.body', 'portal.mail.admitted.next'] });
      return row;
    });
  } catch (error) {
    // Two admissions of one child at two sites at once: the unique index lets one through.
    if (pgErrorCode(error) === '23505') throw new ConflictError('portal.admission.error.elsewhere');
    throw error;
  }
}

export function admitFromReserve(db: Db, ctx: Ctx, siteId: string, choiceId: string, input: AdmissionInput, settings: AdmissionSettings, now: Date = new Date()): Promise<Admission> {
  return admit(db, ctx, siteId, { kind: 'reserve', choiceId }, input, settings, now);
}

export function admitByRegistrationNumber(db: Db, ctx: Ctx, siteId: string, registrationNumber: string, input: AdmissionInput, settings: AdmissionSettings, now: Date = new Date()): Promise<Admission> {
  return admit(db, ctx, siteId, { kind: 'number', registrationNumber }, input, settings, now);
}

/** The réserve entry about to be admitted and the site's places (for the form; the full file is its own audited page). */
export async function admissionForm(db: Db, ctx: Ctx, siteId: string, choiceId: string): Promise<{ site: Site; child: FamilyChild; choice: ReserveChoice; places: Places }> {
  const site = await admissionSite(db, ctx, siteId);
  const [row] = await db
    .select({ child: familyChild, choice: reserveChoice })
    .from(reserveChoice)
    .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
    .where(and(eq(reserveChoice.id, choiceId), eq(reserveChoice.installationId, site.id), inReserve()));
  if (!row) throw new ForbiddenError();
  return { site, ...row, places: await placesOf(db, site) };
}

/** An admission with its child, and its service agreement once recorded. */
export type AdmissionRow = { admission: Admission; child: FamilyChild; agreementId: string | null };

/** The site's admissions, in progress first, by planned start. */
/** `permitted`: what else the actor may do on the site, for the page's links (delegating, recording agreements). */
export async function admissionsOf(db: Db, ctx: Ctx, siteId: string): Promise<{ site: Site; rows: AdmissionRow[]; places: Places; permitted: ReadonlySet<SiteAction> }> {
  const site = await admissionSite(db, ctx, siteId);
  const rows = await db
    .select({ admission, child: familyChild, agreementId: serviceAgreement.id })
    .from(admission)
    .innerJoin(familyChild, eq(familyChild.id, admission.childId))
    .leftJoin(serviceAgreement, eq(serviceAgreement.admissionId, admission.id))
    .where(eq(admission.installationId, site.id))
    .orderBy(sql`${admission.state} in ('admitted', 'confirmed') desc`, asc(admission.plannedStart), asc(admission.id));
  const permitted = (await permittedActions(db, siteActions, ctx.actor, [site.id])).get(site.id) ?? new Set<SiteAction>();
  return { site, rows, places: await placesOf(db, site), permitted };
}

// ---------------------------------------------------------------------------------------------
// The parent's side

export type FamilyAdmission = { admission: Admission; child: FamilyChild; site: Site; otherChoices: number };

/** The family's admissions in progress, each with the number of its child's other choices still in a réserve. */
export async function admissionsOfFamily(db: Db, ctx: Ctx): Promise<FamilyAdmission[]> {
  await authorize(db, ctx.actor, familyActions.ownFamily, undefined);
  if (!isSignedIn(ctx.actor)) return [];
  const rows = await db
    .select({ admission, child: familyChild })
    .from(admission)
    .innerJoin(familyChild, eq(familyChild.id, admission.childId))
    .innerJoin(family, eq(family.id, familyChild.familyId))
    .where(and(eq(family.accountId, ctx.actor.accountId), inArray(admission.state, inProgress)))
    .orderBy(desc(admission.createdAt));
  const result: FamilyAdmission[] = [];
  for (const row of rows) {
    const site = await siteById(db, row.admission.installationId);
    if (!site) continue;
    const others = await db.select({ id: reserveChoice.id }).from(reserveChoice).where(and(eq(reserveChoice.childId, row.child.id), ne(reserveChoice.installationId, site.id), inReserve()));
    result.push({ ...row, site, otherChoices: others.length });
  }
  return result;
}

/**
 * The parent's answer about the child's other choices once admitted: keep them, or withdraw them
 * all (their ranks are lost). Given once; a second answer is a conflict.
 */
export async function decideOtherChoices(db: Db, ctx: Ctx, admissionId: string, decision: 'kept' | 'withdrawn', now: Date = new Date()): Promise<number> {
  await authorize(db, ctx.actor, familyActions.ownFamily, undefined);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const accountId = ctx.actor.accountId;
  return transaction(db, async (tx) => {
    const [row] = await tx
      .select({ admission, child: familyChild })
      .from(admission)
      .innerJoin(familyChild, eq(familyChild.id, admission.childId))
      .innerJoin(family, eq(family.id, familyChild.familyId))
      .where(and(eq(admission.id, admissionId), eq(family.accountId, accountId), inArray(admission.state, inProgress)));
    // Another family's admission is refused as an unknown one.
    if (!row) throw new ForbiddenError();
    const [claimed] = await tx
      .update(admission)
      .set({ otherChoices: decision, updatedAt: now })
      .where(and(eq(admission.id, admissionId), sql`${admission.otherChoices} is null`))
      .returning({ id: admission.id });
    if (!claimed) throw new ConflictError('portal.admission.error.alreadyDecided');
    const withdrawn =
      decision === 'withdrawn'
        ? await tx
            .update(reserveChoice)
            .set({ state: 'withdrawn', updatedAt: now })
            .where(and(eq(reserveChoice.childId, row.child.id), ne(reserveChoice.installationId, row.admission.installationId), inArray(reserveChoice.state, ['waiting', 'contacted', 'offered'])))
            .returning({ id: reserveChoice.id })
        : [];
    await recordAudit(tx, ctx, { action: 'portal.admission.otherChoices', subjectType: 'family_child', subjectId: row.child.id, details: { admissionId, decision, withdrawn: withdrawn.length } });
    return withdrawn.length;
  });
}
