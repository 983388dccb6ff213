import { randomInt } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { accountOfKind, action, authorize, isSignedIn, system, type Rule } from '../../platform/authz.js';
import { anonymous, type Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError, NotFoundError, type FieldErrors } from '../../platform/errors.js';
import { translate, type Lang } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { siteById, sitesHeldBy, sitesOfEnterprise, todayInQuebec, type Site } from '../childcare/service.js';
import { enterpriseOf } from '../enterprises/members.js';
import { accountSummaries } from '../identity/service.js';
import { family, familyChild, familyGuardian, reserveChoice } from './schema.js';
import { criteriaOfSite, declareCriteria, declaredCodes, declaredCriteria, setVerification, type Declaration, type PublishedCriterion, type Verification } from './criteria.js';
import { delegatedAmong } from './delegation.js';
import { carePeriods, clientEnterprise, holderNeqOf, portalEnterprise, publishedSheet, siteFor, weekdays, type CarePeriod, type Weekday } from './service.js';

export type Family = typeof family.$inferSelect;
export type Guardian = typeof familyGuardian.$inferSelect;
export type FamilyChild = typeof familyChild.$inferSelect;
export type ReserveChoice = typeof reserveChoice.$inferSelect;

export const choiceStates = ['waiting', 'contacted', 'offered', 'admitted', 'withdrawn'] as const;
export type ChoiceState = (typeof choiceStates)[number];

export const FAMILY_LIMITS = { name: 100, email: 254, phone: 30, guardians: 4, children: 12 } as const;
/** Interest is confirmed every 6 months; without an answer within 30 days the choices become inactive. */
export const INTEREST_MONTHS = 6;
export const ANSWER_DAYS = 30;
/** An expected birth date is at most this many months ahead (a pregnancy); a child is at most 6 years old. */
export const PREGNANCY_MONTHS = 9;
export const MAX_AGE_YEARS = 6;
/** A desired start date at most this many years ahead. */
export const MAX_START_YEARS = 3;

// ---------------------------------------------------------------------------------------------
// Dates (ISO calendar dates in Quebec time)

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The ISO date `months` months after `iso` (negative: before), clamped to the month's last day. */
export function addMonths(iso: string, months: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(day, last));
  return first.toISOString().slice(0, 10);
}

/** Whole months from `birth` to `on` (negative before birth). */
export function ageInMonths(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
}

/** The name a parent sees for a site (pages and mails): an RSGE is a person; its sheet may hide its name, its number never identifies a home. */
export function siteNameFor(lang: Lang, site: Site): string {
  return site.kind === 'home_provider' ? `${translate(lang, 'portal.public.unnamedHome')} ${site.number}` : site.name;
}

// ---------------------------------------------------------------------------------------------
// Authorization

const citizen = accountOfKind('citizen');

const managesReservesOf: Rule<{ enterpriseId: string }> = async (actor, resource, db) => (await portalEnterprise(actor, db, 'manage_reserve'))?.id === resource.enterpriseId;
const clientReadsReservesOf: Rule<{ enterpriseId: string }> = async (actor, resource, db) => (await clientEnterprise(actor, db, 'reserve:read'))?.id === resource.enterpriseId;

export const familyActions = {
  /** A citizen acts only on its own family file: every function finds it from the actor, never from an id given. */
  ownFamily: action<undefined>('portal.family', citizen),
  listReserves: action<{ enterpriseId: string }>('portal.reserves', managesReservesOf, clientReadsReservesOf),
  remindInterest: action<undefined>('portal.interestReminders', system),
};

function accountOf(ctx: Ctx): string {
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  return ctx.actor.accountId;
}

async function familyOf(db: Db, ctx: Ctx): Promise<Family | null> {
  await authorize(db, ctx.actor, familyActions.ownFamily, undefined);
  const [row] = await db.select().from(family).where(eq(family.accountId, accountOf(ctx)));
  return row ?? null;
}

/** The actor's family; a citizen without one is refused as for another's (nothing of it to act on). */
async function requireFamily(db: Db, ctx: Ctx): Promise<Family> {
  const row = await familyOf(db, ctx);
  if (!row) throw new ForbiddenError();
  return row;
}

/** A child of the actor's family; another family's child is refused exactly as an unknown one. */
async function ownChild(db: Db, ctx: Ctx, childId: string): Promise<{ family: Family; child: FamilyChild }> {
  const own = await requireFamily(db, ctx);
  const [child] = await db.select().from(familyChild).where(and(eq(familyChild.id, childId), eq(familyChild.familyId, own.id)));
  if (!child) throw new ForbiddenError();
  return { family: own, child };
}

async function ownChoice(db: Db, ctx: Ctx, choiceId: string): Promise<{ family: Family; child: FamilyChild; choice: ReserveChoice }> {
  const own = await requireFamily(db, ctx);
  const [row] = await db
    .select({ child: familyChild, choice: reserveChoice })
    .from(reserveChoice)
    .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
    .where(and(eq(reserveChoice.id, choiceId), eq(familyChild.familyId, own.id)));
  if (!row) throw new ForbiddenError();
  return { family: own, ...row };
}

// ---------------------------------------------------------------------------------------------
// The family file: parents or guardians

export type GuardianInput = { role: string; name: string; email: string; phone: string };

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
/** Digits with the usual separators; 10 digits at least (a North American number), an extension allowed. */
const PHONE = /^\+?[\d\s().-]{10,25}(\s*(poste|ext\.?|x)\s*\d{1,6})?$/i;

function required(value: string, max: number, field: string, errors: FieldErrors): string {
  const trimmed = value.trim();
  if (trimmed === '') errors[field] = 'field.required';
  else if (trimmed.length > max) errors[field] = 'field.tooLong';
  return trimmed;
}

export function validateGuardian(input: GuardianInput): { ok: true; values: Omit<Guardian, 'id' | 'familyId' | 'createdAt' | 'updatedAt'> } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (input.role !== 'parent' && input.role !== 'guardian') errors.role = 'field.required';
  const name = required(input.name, FAMILY_LIMITS.name, 'name', errors);
  const phone = required(input.phone, FAMILY_LIMITS.phone, 'phone', errors);
  if (!errors.phone && !(PHONE.test(phone) && phone.replace(/\D/g, '').length >= 10)) errors.phone = 'portal.family.phone.invalid';
  const email = input.email.trim();
  if (email.length > FAMILY_LIMITS.email) errors.email = 'field.tooLong';
  else if (email !== '' && !EMAIL.test(email)) errors.email = 'field.email.invalid';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, values: { role: input.role, name, phone, email: email === '' ? null : email } };
}

export type FamilyFile = { family: Family | null; guardians: Guardian[]; children: FamilyChild[] };

/** The actor's family file, empty when it has none yet. */
export async function familyFile(db: Db, ctx: Ctx): Promise<FamilyFile> {
  const own = await familyOf(db, ctx);
  if (!own) return { family: null, guardians: [], children: [] };
  const [guardians, children] = await Promise.all([
    db.select().from(familyGuardian).where(eq(familyGuardian.familyId, own.id)).orderBy(asc(familyGuardian.createdAt), asc(familyGuardian.id)),
    db.select().from(familyChild).where(eq(familyChild.familyId, own.id)).orderBy(asc(familyChild.birthDate), asc(familyChild.id)),
  ]);
  return { family: own, guardians, children };
}

/** The family row, created with the first guardian or child (its creation is the first confirmation of interest). */
async function familyForWrite(tx: Db, ctx: Ctx, now: Date): Promise<Family> {
  const accountId = accountOf(ctx);
  const [created] = await tx.insert(family).values({ accountId, interestConfirmedAt: now }).onConflictDoNothing({ target: family.accountId }).returning();
  if (created) {
    await recordAudit(tx, ctx, { action: 'portal.family.created', subjectType: 'family', subjectId: created.id });
    return created;
  }
  const [row] = await tx.select().from(family).where(eq(family.accountId, accountId));
  if (!row) throw new Error('the family vanished');
  return row;
}

/** Adds a parent or guardian to the family file (created at the first one). */
export async function addGuardian(db: Db, ctx: Ctx, input: GuardianInput, now: Date = new Date()): Promise<Guardian> {
  await authorize(db, ctx.actor, familyActions.ownFamily, undefined);
  const checked = validateGuardian(input);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  return transaction(db, async (tx) => {
    const own = await familyForWrite(tx, ctx, now);
    const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(familyGuardian).where(eq(familyGuardian.familyId, own.id));
    if (count >= FAMILY_LIMITS.guardians) throw new FieldValidationError({ name: 'portal.family.guardians.tooMany' });
    const [row] = await tx.insert(familyGuardian).values({ familyId: own.id, ...checked.values }).returning();
    if (!row) throw new Error('no guardian inserted');
    await recordAudit(tx, ctx, { action: 'portal.family.guardianAdded', subjectType: 'family', subjectId: own.id, details: { guardianId: row.id } });
    return row;
  });
}

/** Changes a parent's or guardian's details. */
export async function updateGuardian(db: Db, ctx: Ctx, guardianId: string, input: GuardianInput): Promise<void> {
  const own = await requireFamily(db, ctx);
  const checked = validateGuardian(input);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  await transaction(db, async (tx) => {
    const [row] = await tx.update(familyGuardian).set(checked.values).where(and(eq(familyGuardian.id, guardianId), eq(familyGuardian.familyId, own.id))).returning({ id: familyGuardian.id });
    if (!row) throw new ForbiddenError();
    await recordAudit(tx, ctx, { action: 'portal.family.guardianChanged', subjectType: 'family', subjectId: own.id, details: { guardianId } });
  });
}

export async function guardianOf(db: Db, ctx: Ctx, guardianId: string): Promise<Guardian> {
  const own = await requireFamily(db, ctx);
  const [row] = await db.select().from(familyGuardian).where(and(eq(familyGuardian.id, guardianId), eq(familyGuardian.familyId, own.id)));
  if (!row) throw new ForbiddenError();
  return row;
}

// ---------------------------------------------------------------------------------------------
// Children and their registration number

export type ChildInput = { firstName: string; lastName: string; birthDate: string };

/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
const NUMBER_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A registration number such as `P-7KQ4-M2XH-9C`: 10 random characters (about 50 bits), never a sequence. */
export function newRegistrationNumber(): string {
  const chars = Array.from({ length: 10 }, () => NUMBER_ALPHABET[randomInt(NUMBER_ALPHABET.length)]).join('');
  return `P-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

export const REGISTRATION_NUMBER = /^P-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/;

export function validateChild(input: ChildInput, today: string): { ok: true; values: { firstName: string; lastName: string; birthDate: string; expected: boolean } } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const firstName = required(input.firstName, FAMILY_LIMITS.name, 'firstName', errors);
  const lastName = required(input.lastName, FAMILY_LIMITS.name, 'lastName', errors);
  const birthDate = input.birthDate.trim();
  if (birthDate === '') errors.birthDate = 'field.required';
  else if (!isIsoDate(birthDate)) errors.birthDate = 'portal.child.birthDate.invalid';
  else if (birthDate > addMonths(today, PREGNANCY_MONTHS)) errors.birthDate = 'portal.child.birthDate.tooFar';
  else if (birthDate < addMonths(today, -12 * MAX_AGE_YEARS)) errors.birthDate = 'portal.child.birthDate.tooOld';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, values: { firstName, lastName, birthDate, expected: birthDate > today } };
}

/** Registers a child: it gets its registration number, the one the parent gives a provider. */
export async function registerChild(db: Db, ctx: Ctx, input: ChildInput, now: Date = new Date()): Promise<FamilyChild> {
  await authorize(db, ctx.actor, familyActions.ownFamily, undefined);
  const checked = validateChild(input, todayInQuebec(now));
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  return transaction(db, async (tx) => {
    const own = await familyForWrite(tx, ctx, now);
    const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(familyChild).where(eq(familyChild.familyId, own.id));
    if (count >= FAMILY_LIMITS.children) throw new FieldValidationError({ firstName: 'portal.child.tooMany' });
    // 50 random bits: a collision is rare enough that a few tries always find a free number.
    for (let attempt = 0; attempt < 5; attempt++) {
      const [row] = await tx
        .insert(familyChild)
        .values({ familyId: own.id, registrationNumber: newRegistrationNumber(), ...checked.values })
        .onConflictDoNothing({ target: familyChild.registrationNumber })
        .returning();
      if (row) {
        await recordAudit(tx, ctx, { action: 'portal.child.registered', subjectType: 'family_child', subjectId: row.id, details: { registrationNumber: row.registrationNumber } });
        return row;
      }
    }
    throw new Error('no free registration number');
  });
}

/** A child of the actor's family (the confirmation page). */
export async function childOfFamily(db: Db, ctx: Ctx, childId: string): Promise<FamilyChild> {
  return (await ownChild(db, ctx, childId)).child;
}

// ---------------------------------------------------------------------------------------------
// Choices: a child in a site's réserve

/** `criteria`: the ids of the site's published criteria the parent declares the child meets (others are ignored). */
export type ChoiceInput = { desiredStart: string; days: string[]; periods: string[]; acceptsPartial: boolean; acceptsSubstitute: boolean; criteria?: string[] };

type ChoiceValues = { desiredStart: string; days: Weekday[]; periods: CarePeriod[]; acceptsPartial: boolean; acceptsSubstitute: boolean };

export function validateChoice(input: ChoiceInput, today: string, birthDate: string): { ok: true; values: ChoiceValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const desiredStart = input.desiredStart.trim();
  if (desiredStart === '') errors.desiredStart = 'field.required';
  else if (!isIsoDate(desiredStart)) errors.desiredStart = 'portal.choice.start.invalid';
  else if (desiredStart < today) errors.desiredStart = 'portal.choice.start.past';
  else if (desiredStart < birthDate) errors.desiredStart = 'portal.choice.start.beforeBirth';
  else if (desiredStart > addMonths(today, 12 * MAX_START_YEARS)) errors.desiredStart = 'portal.choice.start.tooFar';
  // Boxes send only the catalogue's values; anything else is dropped and then counted as none.
  const days = weekdays.filter((d) => input.days.includes(d));
  const periods = carePeriods.filter((p) => input.periods.includes(p));
  if (days.length === 0) errors.days = 'portal.choice.days.required';
  if (periods.length === 0) errors.periods = 'portal.choice.periods.required';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, values: { desiredStart, days, periods, acceptsPartial: input.acceptsPartial, acceptsSubstitute: input.acceptsSubstitute } };
}

/** A service a parent may choose: a site with a published sheet (the public page offers « Inscrire mon enfant »). */
async function choosableSite(db: Db, siteId: string): Promise<Site> {
  const site = await siteById(db, siteId);
  if (!site) throw new NotFoundError();
  const sheet = await publishedSheet(db, { actor: anonymous, lang: 'fr', requestId: null, ip: null }, siteId);
  if (!sheet) throw new NotFoundError();
  return site;
}

/** Puts a child of the family in a site's réserve. The same child twice in one réserve is a field error. */
export async function chooseService(db: Db, ctx: Ctx, childId: string, siteId: string, input: ChoiceInput, now: Date = new Date()): Promise<ReserveChoice> {
  const { child } = await ownChild(db, ctx, childId);
  const site = await choosableSite(db, siteId);
  const checked = validateChoice(input, todayInQuebec(now), child.birthDate);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  return transaction(db, async (tx) => {
    const [row] = await tx
      .insert(reserveChoice)
      .values({ childId: child.id, installationId: site.id, ...checked.values })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new FieldValidationError({ childId: 'portal.choice.duplicate' });
    const criteria = await declareCriteria(tx, row, input.criteria ?? []);
    await recordAudit(tx, ctx, { action: 'portal.choice.made', subjectType: 'family_child', subjectId: child.id, details: { choiceId: row.id, siteId: site.id, criteria } });
    const [keyed] = await tx.select().from(reserveChoice).where(eq(reserveChoice.id, row.id));
    return keyed ?? row;
  });
}

/** Changes a choice's wishes; a withdrawn or admitted choice is not changed. */
export async function changeChoice(db: Db, ctx: Ctx, choiceId: string, input: ChoiceInput, now: Date = new Date()): Promise<void> {
  const { child, choice } = await ownChoice(db, ctx, choiceId);
  if (choice.state === 'withdrawn' || choice.state === 'admitted') throw new ForbiddenError();
  const checked = validateChoice(input, todayInQuebec(now), child.birthDate);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  await transaction(db, async (tx) => {
    await tx.update(reserveChoice).set(checked.values).where(eq(reserveChoice.id, choice.id));
    const criteria = await declareCriteria(tx, choice, input.criteria ?? []);
    await recordAudit(tx, ctx, { action: 'portal.choice.changed', subjectType: 'family_child', subjectId: child.id, details: { choiceId: choice.id, criteria } });
  });
}

/** Withdraws the child from that réserve. The row stays (the parent sees it withdrawn); a new choice of the same service is allowed. */
export async function withdrawChoice(db: Db, ctx: Ctx, choiceId: string): Promise<void> {
  const { child, choice } = await ownChoice(db, ctx, choiceId);
  if (choice.state === 'withdrawn') return;
  await transaction(db, async (tx) => {
    await tx.update(reserveChoice).set({ state: 'withdrawn' }).where(eq(reserveChoice.id, choice.id));
    await recordAudit(tx, ctx, { action: 'portal.choice.withdrawn', subjectType: 'family_child', subjectId: child.id, details: { choiceId: choice.id } });
  });
}

/** Whether an entry counts in its réserve: not withdrawn, not admitted, not inactive. */
export function inReserve(): SQL {
  return and(inArray(reserveChoice.state, ['waiting', 'contacted', 'offered']), isNull(reserveChoice.inactiveSince)) as SQL;
}

/**
 * The réserve's order, the one rule behind the listing and the ranks (README « How ranks are
 * computed »): the criteria key (published criteria not met, position 1 weighing most), the
 * desired start date, the registration time, the id. All ascending, in the columns of
 * `reserve_choice_installation_idx`, so a page or a rank reads the index in order.
 */
const reserveOrder = [reserveChoice.criteriaKey, reserveChoice.desiredStart, reserveChoice.createdAt, reserveChoice.id] as const;

/** Entries before this one in the réserve's order: one row comparison on the same columns as `reserveOrder`. */
function before(choice: Pick<ReserveChoice, 'criteriaKey' | 'desiredStart' | 'createdAt' | 'id'>): SQL {
  const [key, start, created, id] = reserveOrder;
  return sql`(${key}, ${start}, ${created}, ${id}) < (${choice.criteriaKey}::smallint, ${choice.desiredStart}::date, ${choice.createdAt.toISOString()}::timestamptz, ${choice.id}::uuid)`;
}

/** The exact rank (1 = first) of an entry in its réserve, or null when it is not in it. */
export async function exactRank(db: Db, choice: ReserveChoice): Promise<number | null> {
  if (!['waiting', 'contacted', 'offered'].includes(choice.state) || choice.inactiveSince) return null;
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(reserveChoice)
    .where(and(eq(reserveChoice.installationId, choice.installationId), inReserve(), before(choice)));
  return (row?.count ?? 0) + 1;
}

/**
 * The rank a parent sees: a bracket, not the exact place (which would tell it when another family
 * withdraws or registers): 1–5, then by tens to 100, by fifties to 500, by hundreds beyond.
 */
export function rankBracket(rank: number): { from: number; to: number } {
  if (rank <= 5) return { from: 1, to: 5 };
  const width = rank <= 100 ? 10 : rank <= 500 ? 50 : 100;
  const to = Math.ceil(rank / width) * width;
  const from = rank <= 10 ? 6 : to - width + 1;
  return { from, to };
}

export type ChoiceView = { choice: ReserveChoice; child: FamilyChild; site: Site; rank: { from: number; to: number } | null };

/** The family's choices, each with its state and its rank bracket, as the réserve stands now. */
export async function choicesOfFamily(db: Db, ctx: Ctx): Promise<ChoiceView[]> {
  const own = await familyOf(db, ctx);
  if (!own) return [];
  const rows = await db
    .select({ child: familyChild, choice: reserveChoice })
    .from(reserveChoice)
    .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
    .where(eq(familyChild.familyId, own.id))
    .orderBy(asc(familyChild.birthDate), asc(reserveChoice.createdAt));
  const views: ChoiceView[] = [];
  for (const row of rows) {
    const site = await siteById(db, row.choice.installationId);
    if (!site) continue;
    const rank = await exactRank(db, row.choice);
    views.push({ ...row, site, rank: rank === null ? null : rankBracket(rank) });
  }
  return views;
}

export type FamilyChoice = { choice: ReserveChoice; child: FamilyChild; site: Site; criteria: PublishedCriterion[]; declared: Declaration[] };

/** One choice of the family, for its change form: with the site's published criteria and those declared. */
export async function choiceOfFamily(db: Db, ctx: Ctx, choiceId: string): Promise<FamilyChoice> {
  const { child, choice } = await ownChoice(db, ctx, choiceId);
  const site = await siteById(db, choice.installationId);
  if (!site) throw new NotFoundError();
  const [criteria, declared] = await Promise.all([criteriaOfSite(db, site.id), declaredCriteria(db, [choice.id])]);
  return { choice, child, site, criteria, declared: declared.get(choice.id) ?? [] };
}

// ---------------------------------------------------------------------------------------------
// Interest: a reminder every 6 months, inactive after 30 days without an answer

/** The parent confirms its interest: the 6 months start again and inactive choices come back, at their place. */
export async function confirmInterest(db: Db, ctx: Ctx, now: Date = new Date()): Promise<number> {
  const own = await requireFamily(db, ctx);
  return transaction(db, async (tx) => {
    await tx.update(family).set({ interestConfirmedAt: now, reminderSentAt: null }).where(eq(family.id, own.id));
    const children = tx.select({ id: familyChild.id }).from(familyChild).where(eq(familyChild.familyId, own.id));
    const reactivated = await tx.update(reserveChoice).set({ inactiveSince: null }).where(and(inArray(reserveChoice.childId, children), sql`${reserveChoice.inactiveSince} is not null`)).returning({ id: reserveChoice.id });
    await recordAudit(tx, ctx, { action: 'portal.family.interestConfirmed', subjectType: 'family', subjectId: own.id, details: { reactivated: reactivated.length } });
    return reactivated.length;
  });
}

/** What a run of the job did: families mailed, choices made inactive. */
/** Where a family's mails go: the account's address and each guardian's, once each, in the account's language. */
export async function familyRecipients(db: Db, own: Pick<Family, 'id' | 'accountId'>): Promise<{ lang: Lang; recipients: string[] }> {
  const [owner] = await accountSummaries(db, [own.accountId]);
  const guardians = await db.select({ email: familyGuardian.email }).from(familyGuardian).where(eq(familyGuardian.familyId, own.id));
  return { lang: owner?.language === 'en' ? 'en' : 'fr', recipients: [...new Set([owner?.email, ...guardians.map((g) => g.email)].filter((e): e is string => !!e))] };
}

export type ReminderRun = { reminded: number; deactivated: number };

/**
 * The periodic job (started with the outbox worker, see app.ts): mails the families whose last
 * confirmation is 6 months old, and makes inactive the choices of those reminded 30 days ago
 * without an answer. Each family is one transaction with its audit event and its mail. `now` is
 * given so that tests can move time.
 */
export async function runInterestReminders(db: Db, ctx: Ctx, options: { now: Date; publicUrl: string; batchSize?: number }): Promise<ReminderRun> {
  await authorize(db, ctx.actor, familyActions.remindInterest, undefined);
  const { now } = options;
  const remindBefore = new Date(now);
  remindBefore.setUTCMonth(remindBefore.getUTCMonth() - INTEREST_MONTHS);
  const answerBefore = new Date(now.getTime() - ANSWER_DAYS * 86_400_000);
  const limit = options.batchSize ?? 200;
  const activeChoices = sql`exists (select 1 from ${reserveChoice} join ${familyChild} on ${familyChild.id} = ${reserveChoice.childId}
    where ${familyChild.familyId} = ${family.id} and ${reserveChoice.state} in ('waiting', 'contacted', 'offered') and ${reserveChoice.inactiveSince} is null)`;

  let reminded = 0;
  const due = await db.select().from(family).where(and(isNull(family.reminderSentAt), lte(family.interestConfirmedAt, remindBefore), activeChoices)).limit(limit);
  for (const row of due) {
    const { lang, recipients } = await familyRecipients(db, row);
    await transaction(db, async (tx) => {
      // Claimed by the update: two instances running the job at once mail a family once.
      const [claimed] = await tx.update(family).set({ reminderSentAt: now }).where(and(eq(family.id, row.id), isNull(family.reminderSentAt))).returning({ id: family.id });
      if (!claimed) return;
      for (const to of recipients) {
        await enqueueMail(tx, composeMail(lang, to, { subject: 'portal.mail.interest.subject', paragraphs: ['portal.mail.interest.body'], link: { label: 'portal.mail.interest.link', url: `${options.publicUrl}/famille` } }, { days: ANSWER_DAYS }));
      }
      await recordAudit(tx, ctx, { action: 'portal.family.interestReminded', subjectType: 'family', subjectId: row.id, details: { recipients: recipients.length } });
      reminded++;
    });
  }

  let deactivated = 0;
  const unanswered = await db.select().from(family).where(and(lte(family.reminderSentAt, answerBefore), activeChoices)).limit(limit);
  for (const row of unanswered) {
    await transaction(db, async (tx) => {
      const children = tx.select({ id: familyChild.id }).from(familyChild).where(eq(familyChild.familyId, row.id));
      const changed = await tx
        .update(reserveChoice)
        .set({ inactiveSince: now })
        .where(and(inArray(reserveChoice.childId, children), inArray(reserveChoice.state, ['waiting', 'contacted', 'offered']), isNull(reserveChoice.inactiveSince)))
        .returning({ id: reserveChoice.id });
      if (changed.length === 0) return;
      await recordAudit(tx, ctx, { action: 'portal.family.choicesInactive', subjectType: 'family', subjectId: row.id, details: { choices: changed.length } });
      deactivated += changed.length;
    });
  }
  return { reminded, deactivated };
}

// ---------------------------------------------------------------------------------------------
// The parent's data: download, delete

/** Everything the portal keeps of the family, as the parent downloads it (JSON). */
export async function exportFamily(db: Db, ctx: Ctx): Promise<Record<string, unknown>> {
  const file = await familyFile(db, ctx);
  const choices = await choicesOfFamily(db, ctx);
  const declared = await declaredCodes(db, choices.map((c) => c.choice.id));
  const own = file.family;
  // In a transaction: the audit chain's lock is held until the event is written.
  if (own) await transaction(db, (tx) => recordAudit(tx, ctx, { action: 'portal.family.exported', subjectType: 'family', subjectId: own.id }));
  return {
    exportedAt: new Date().toISOString(),
    family: file.family ? { createdAt: file.family.createdAt, interestConfirmedAt: file.family.interestConfirmedAt, reminderSentAt: file.family.reminderSentAt } : null,
    guardians: file.guardians.map((g) => ({ role: g.role, name: g.name, email: g.email, phone: g.phone })),
    children: file.children.map((c) => ({ registrationNumber: c.registrationNumber, firstName: c.firstName, lastName: c.lastName, birthDate: c.birthDate, expected: c.expected, registeredAt: c.createdAt })),
    choices: choices.map(({ choice, child, site }) => ({
      registrationNumber: child.registrationNumber,
      service: site.kind === 'home_provider' ? site.number : site.name,
      desiredStart: choice.desiredStart,
      days: choice.days,
      periods: choice.periods,
      acceptsPartial: choice.acceptsPartial,
      acceptsSubstitute: choice.acceptsSubstitute,
      state: choice.state,
      inactiveSince: choice.inactiveSince,
      chosenAt: choice.createdAt,
      priorityCriteria: declared.get(choice.id) ?? [],
    })),
  };
}

/**
 * Deletes the family file: its guardians, its children and all their choices (the children leave
 * every réserve at once; an admitted child's service agreement is not kept here). The audit log
 * keeps that it was deleted, and the ids of past events, not the data.
 */
export async function deleteFamily(db: Db, ctx: Ctx): Promise<void> {
  const own = await requireFamily(db, ctx);
  await transaction(db, async (tx) => {
    const children = await tx.select({ id: familyChild.id }).from(familyChild).where(eq(familyChild.familyId, own.id));
    if (children.length > 0) await tx.delete(reserveChoice).where(inArray(reserveChoice.childId, children.map((c) => c.id)));
    await tx.delete(family).where(eq(family.id, own.id));
    await recordAudit(tx, ctx, { action: 'portal.family.deleted', subjectType: 'family', subjectId: own.id, details: { children: children.length } });
  });
}

// ---------------------------------------------------------------------------------------------
// The provider's réserve

export const ageGroups = ['infant', 'toddler'] as const;
export type AgeGroup = (typeof ageGroups)[number];
/** A page of the réserve; the offset is capped so that a page is never a scan of a whole réserve. */
export const RESERVE_PAGE_SIZE = 50;
export const RESERVE_MAX_OFFSET = 5_000;
/** The most entries one call returns (the API's `limit`). */
export const RESERVE_MAX_PAGE_SIZE = 100;

/**
 * `afterChoiceId`: the page starts after this entry of the site in the réserve's order (the API's
 * cursor, instead of `offset`), wherever that entry is now: a page is never a scan of a whole réserve.
 */
export type ReserveFilter = {
  ageGroup?: AgeGroup;
  startFrom?: string;
  startTo?: string;
  day?: Weekday;
  period?: CarePeriod;
  acceptsPartial?: boolean;
  offset?: number;
  afterChoiceId?: string;
  pageSize?: number;
};

export type ReserveEntry = {
  choiceId: string;
  registrationNumber: string;
  childName: string;
  ageMonths: number;
  desiredStart: string;
  siblings: number;
  acceptsPartial: boolean;
  acceptsSubstitute: boolean;
  days: string[];
  periods: string[];
  /** The site's published criteria the parent declares the child meets, in the site's order, with the provider's check. */
  criteria: Declaration[];
};

/** `more`: entries follow this page (in the filtered réserve). */
export type ReservePage = { site: Site; criteria: PublishedCriterion[]; entries: ReserveEntry[]; total: number; offset: number; pageSize: number; maxOffset: number; more: boolean };

function reserveSite(db: Db, ctx: Ctx, siteId: string): Promise<Site> {
  return siteFor(db, ctx, siteId, 'readReserve');
}

/**
 * The sites whose réserve the actor's enterprise manages (refused without « Gérer la réserve et
 * les admissions »): those it holds, and for a BC the RSGE that authorized it.
 */
export async function reserveSites(db: Db, ctx: Ctx, enterpriseId: string): Promise<Site[]> {
  await authorize(db, ctx.actor, familyActions.listReserves, { enterpriseId });
  const enterprise = await enterpriseOf(db, enterpriseId);
  if (!enterprise) throw new ForbiddenError();
  const held = (await sitesHeldBy(db, enterprise.neq)).filter((s) => holderNeqOf(s) === enterprise.neq);
  const recognized = (await sitesOfEnterprise(db, enterprise.neq)).filter((s) => s.kind === 'home_provider' && s.providerNeq !== enterprise.neq);
  const delegated = await delegatedAmong(db, recognized.map((s) => s.id));
  return [...held, ...recognized.filter((s) => delegated.has(s.id))];
}

/** A site's réserve, in its order (`reserveOrder`: criteria met, desired start date, registration time), filtered, one page. */
export async function reserveOf(db: Db, ctx: Ctx, siteId: string, filter: ReserveFilter, now: Date = new Date()): Promise<ReservePage> {
  const site = await reserveSite(db, ctx, siteId);
  const today = todayInQuebec(now);
  // Under 18 months on the desired start date: the permit's infant places (poupons).
  const infantLimit = sql`(${reserveChoice.desiredStart} - interval '18 months')::date`;
  const conditions: SQL[] = [eq(reserveChoice.installationId, site.id), inReserve()];
  if (filter.ageGroup === 'infant') conditions.push(sql`${familyChild.birthDate} > ${infantLimit}`);
  if (filter.ageGroup === 'toddler') conditions.push(sql`${familyChild.birthDate} <= ${infantLimit}`);
  if (filter.startFrom) conditions.push(sql`${reserveChoice.desiredStart} >= ${filter.startFrom}`);
  if (filter.startTo) conditions.push(sql`${reserveChoice.desiredStart} <= ${filter.startTo}`);
  if (filter.day) conditions.push(sql`${filter.day} = any(${reserveChoice.days})`);
  if (filter.period) conditions.push(sql`${filter.period} = any(${reserveChoice.periods})`);
  if (filter.acceptsPartial !== undefined) conditions.push(eq(reserveChoice.acceptsPartial, filter.acceptsPartial));
  const where = and(...conditions);
  const offset = filter.afterChoiceId ? 0 : Math.min(Math.max(0, filter.offset ?? 0), RESERVE_MAX_OFFSET);
  const pageSize = Math.min(Math.max(1, filter.pageSize ?? RESERVE_PAGE_SIZE), RESERVE_MAX_PAGE_SIZE);
  // The total counts the whole filtered réserve; the cursor only moves the page.
  const pageWhere = filter.afterChoiceId
    ? and(where, sql`(${sql.join([...reserveOrder], sql`, `)}) > (select c.criteria_key, c.desired_start, c.created_at, c.id from reserve_choice c where c.id = ${filter.afterChoiceId} and c.installation_id = ${site.id})`)
    : where;
  const siblingCount = sql<number>`(select count(*)::int from ${reserveChoice} rc2 join ${familyChild} fc2 on fc2.id = rc2.child_id
    where rc2.installation_id = ${site.id} and fc2.family_id = ${familyChild.familyId} and fc2.id <> ${familyChild.id}
    and rc2.state in ('waiting', 'contacted', 'offered') and rc2.inactive_since is null)`;
  const [rows, [counted]] = await Promise.all([
    db
      .select({ choice: reserveChoice, child: familyChild, siblings: siblingCount })
      .from(reserveChoice)
      .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
      .where(pageWhere)
      .orderBy(...reserveOrder.map((column) => asc(column)))
      // One more than the page: whether entries follow it.
      .limit(pageSize + 1)
      .offset(offset),
    db.select({ count: sql<number>`count(*)::int` }).from(reserveChoice).innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId)).where(where),
  ]);
  const [criteria, declared] = await Promise.all([criteriaOfSite(db, site.id), declaredCriteria(db, rows.map((r) => r.choice.id))]);
  return {
    site,
    criteria,
    total: counted?.count ?? 0,
    offset,
    pageSize,
    maxOffset: RESERVE_MAX_OFFSET,
    more: rows.length > pageSize,
    entries: rows.slice(0, pageSize).map(({ choice, child, siblings }) => ({
      choiceId: choice.id,
      registrationNumber: child.registrationNumber,
      childName: `${child.firstName} ${child.lastName}`,
      ageMonths: ageInMonths(child.birthDate, today),
      desiredStart: choice.desiredStart,
      siblings,
      acceptsPartial: choice.acceptsPartial,
      acceptsSubstitute: choice.acceptsSubstitute,
      days: choice.days,
      periods: choice.periods,
      criteria: criteria.flatMap((c) => declared.get(choice.id)?.filter((d) => d.criterionId === c.id) ?? []),
    })),
  };
}

export type ReserveChildFile = {
  site: Site;
  choice: ReserveChoice;
  child: FamilyChild;
  guardians: Guardian[];
  accountEmail: string | null;
  siblings: { registrationNumber: string; name: string }[];
  /** The site's published criteria, and the parent's declarations with the provider's check. */
  criteria: PublishedCriterion[];
  declared: Declaration[];
};

/** How a provider reaches a child's family: its guardians and the account's e-mail (the child's full file). */
export async function familyContacts(db: Db, familyId: string): Promise<{ guardians: Guardian[]; accountEmail: string | null }> {
  const [own] = await db.select().from(family).where(eq(family.id, familyId));
  const guardians = await db.select().from(familyGuardian).where(eq(familyGuardian.familyId, familyId)).orderBy(asc(familyGuardian.createdAt), asc(familyGuardian.id));
  const [owner] = own ? await accountSummaries(db, [own.accountId]) : [];
  return { guardians, accountEmail: owner?.email ?? null };
}

/**
 * The child's full file, from the site's réserve: only a child that is in it. Each opening is an
 * audit event (who saw which child, when), in the same transaction as the read.
 */
export async function reserveChildFile(db: Db, ctx: Ctx, siteId: string, choiceId: string): Promise<ReserveChildFile> {
  const site = await reserveSite(db, ctx, siteId);
  return transaction(db, async (tx) => {
    const [row] = await tx
      .select({ choice: reserveChoice, child: familyChild })
      .from(reserveChoice)
      .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
      .where(and(eq(reserveChoice.id, choiceId), eq(reserveChoice.installationId, site.id), inReserve()));
    if (!row) throw new ForbiddenError();
    const contacts = await familyContacts(tx, row.child.familyId);
    const siblings = await tx
      .select({ registrationNumber: familyChild.registrationNumber, firstName: familyChild.firstName, lastName: familyChild.lastName })
      .from(reserveChoice)
      .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
      .where(and(eq(reserveChoice.installationId, site.id), inReserve(), eq(familyChild.familyId, row.child.familyId), ne(familyChild.id, row.child.id)));
    const [criteria, declared] = await Promise.all([criteriaOfSite(tx, site.id), declaredCriteria(tx, [row.choice.id])]);
    await recordAudit(tx, ctx, { action: 'portal.reserve.childViewed', subjectType: 'family_child', subjectId: row.child.id, details: { siteId: site.id, choiceId: row.choice.id } });
    return {
      site,
      ...row,
      ...contacts,
      siblings: siblings.map((s) => ({ registrationNumber: s.registrationNumber, name: `${s.firstName} ${s.lastName}` })),
      criteria,
      declared: declared.get(row.choice.id) ?? [],
    };
  });
}

/**
 * The provider checks a criterion the parent declared for a child of its réserve: `confirmed`, or
 * `rejected` (the criterion then no longer counts in the child's rank). Only an entry of that
 * site's réserve; audited.
 */
export async function verifyDeclaration(db: Db, ctx: Ctx, siteId: string, choiceId: string, criterionId: string, verification: Verification, now: Date = new Date()): Promise<void> {
  const site = await reserveSite(db, ctx, siteId);
  await transaction(db, async (tx) => {
    const [choice] = await tx.select().from(reserveChoice).where(and(eq(reserveChoice.id, choiceId), eq(reserveChoice.installationId, site.id), inReserve()));
    if (!choice) throw new ForbiddenError();
    if (!(await setVerification(tx, choice, criterionId, verification, now))) throw new ForbiddenError();
    await recordAudit(tx, ctx, { action: 'portal.reserve.criterionVerified', subjectType: 'family_child', subjectId: choice.childId, details: { siteId: site.id, choiceId, criterionId, verification } });
  });
}
