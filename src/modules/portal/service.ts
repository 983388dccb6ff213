import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, authorizeOn, isClientWithScope, isSignedIn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { AppError, ConflictError, FieldValidationError, ForbiddenError, NotFoundError, type FieldErrors } from '../../platform/errors.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { heldRights } from '../access/service.js';
import { isHiddenFromPublic, siteById, sitesHeldBy, todayInQuebec, type ChildcareServiceKind, type Site } from '../childcare/service.js';
import { enterpriseOf, membershipOf } from '../enterprises/members.js';
import type { ApiScope } from './scopes.js';
import { serviceSheet } from './schema.js';
import { siteActions, type SiteAction } from './site-actions.js';

export type ServiceSheet = typeof serviceSheet.$inferSelect;

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
/** Temps plein, temps partiel, demi-journées, horaires atypiques (soir, nuit, fin de semaine). */
export const carePeriods = ['full_time', 'part_time', 'half_days', 'atypical'] as const;
export type CarePeriod = (typeof carePeriods)[number];
export const sheetLanguages = ['fr', 'en', 'es', 'ar', 'zh'] as const;
export type SheetLanguage = (typeof sheetLanguages)[number];

/**
 * The sections the provider chooses to show or not. The location (approximate for an RSGE), the
 * opening days and hours and the places are always public once the sheet is published (seed 003);
 * an installation's name is public too, an RSGE's name (a person's) only when it allows it.
 */
export const optionalSections = ['name', 'group', 'rates', 'periods', 'presentation', 'languages'] as const;
export type OptionalSection = (typeof optionalSections)[number];

/** The sections offered on this kind of site: an installation's name is always public. */
export function sectionsOffered(kind: Site['kind']): readonly OptionalSection[] {
  return kind === 'home_provider' ? optionalSections : optionalSections.filter((s) => s !== 'name');
}

/** Places of a CPE, a subsidized garderie and an RSGE recognized by a BC are at the reduced contribution. */
export function isSubsidized(kind: ChildcareServiceKind): boolean {
  return kind !== 'daycare';
}

export const SHEET_LIMITS = { groupComposition: 1000, rateDetails: 500, presentation: 2000, otherLanguages: 200, maxDailyRateCents: 50_000 } as const;

// ---------------------------------------------------------------------------------------------
// Authorization

/** The enterprise whose users manage the site's sheet: the RSGE's own for an RSGE, else the permit holder. */
export function holderNeqOf(site: Site): string | null {
  return site.kind === 'home_provider' ? site.providerNeq : site.enterpriseNeq;
}

/**
 * The actor's enterprise when the actor is one of its users holding this right in the portal
 * e-service: « Gérer la fiche » (`manage_sheet`) or « Gérer la réserve et les admissions » (`manage_reserve`).
 */
export async function portalEnterprise(actor: Ctx['actor'], db: Db, right: 'manage_sheet' | 'manage_reserve'): Promise<{ id: string; neq: string } | null> {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return null;
  const membership = await membershipOf(db, actor.accountId);
  if (!membership) return null;
  if (!(await heldRights(db, actor.accountId, membership.enterpriseId, 'portal')).includes(right)) return null;
  const enterprise = await enterpriseOf(db, membership.enterpriseId);
  return enterprise ? { id: enterprise.id, neq: enterprise.neq } : null;
}

/**
 * The enterprise an API client acts for, when its token holds this scope and the enterprise's
 * enrolment is still active: the API's counterpart of `portalEnterprise` (modules/api).
 */
export async function clientEnterprise(actor: Ctx['actor'], db: Db, scope: ApiScope): Promise<{ id: string; neq: string } | null> {
  if (!isClientWithScope(actor, scope)) return null;
  const enterprise = await enterpriseOf(db, actor.enterpriseId);
  return enterprise?.active ? { id: enterprise.id, neq: enterprise.neq } : null;
}

const managesSheetsOf: Rule<{ enterpriseId: string }> = async (actor, resource, db) => (await portalEnterprise(actor, db, 'manage_sheet'))?.id === resource.enterpriseId;

/** What the public may read: anyone, signed in or not. */
const anyone: Rule<unknown> = () => true;

export const portalActions = {
  listSheets: action<{ enterpriseId: string }>('portal.listSheets', managesSheetsOf),
  readPublished: action<undefined>('portal.readPublished', anyone),
};

/** The site, after checking that the actor may take this action on it (site-actions.ts); an unknown site is refused the same way as another's, so ids cannot be probed. */
export async function siteFor(db: Db, ctx: Ctx, siteId: string, act: SiteAction): Promise<Site> {
  const site = await siteById(db, siteId);
  if (!site) throw new ForbiddenError();
  await authorizeOn(db, siteActions, ctx.actor, act, site.id);
  return site;
}

function authorizedSite(db: Db, ctx: Ctx, siteId: string): Promise<Site> {
  return siteFor(db, ctx, siteId, 'manageSheet');
}

// ---------------------------------------------------------------------------------------------
// The provider's sheets

export type SheetState = 'not_adhered' | 'draft' | 'published';

export type SheetSummary = { site: Site; state: SheetState; publishedAt: Date | null };

function stateOf(sheet: Pick<ServiceSheet, 'publishedAt'> | undefined): SheetState {
  if (!sheet) return 'not_adhered';
  return sheet.publishedAt ? 'published' : 'draft';
}

/** The sites whose sheet the actor's enterprise manages, with where each sheet stands. */
export async function sheetsOfEnterprise(db: Db, ctx: Ctx, enterpriseId: string): Promise<SheetSummary[]> {
  await authorize(db, ctx.actor, portalActions.listSheets, { enterpriseId });
  const enterprise = await enterpriseOf(db, enterpriseId);
  if (!enterprise) throw new NotFoundError();
  const sites = await sitesHeldBy(db, enterprise.neq);
  const sheets =
    sites.length === 0
      ? []
      : await db.select({ installationId: serviceSheet.installationId, publishedAt: serviceSheet.publishedAt }).from(serviceSheet).where(inArray(serviceSheet.installationId, sites.map((s) => s.id)));
  const bySite = new Map(sheets.map((s) => [s.installationId, s]));
  return sites.map((site) => {
    const sheet = bySite.get(site.id);
    return { site, state: stateOf(sheet), publishedAt: sheet?.publishedAt ?? null };
  });
}

export type SheetPage = { site: Site; sheet: ServiceSheet; firstVisit: boolean; subsidized: boolean };

/**
 * The provider's sheet of a site. The first visit creates it: that is the provider's adhesion to
 * the portal (seed 003: « la RSGE termine son adhésion en complétant sa fiche descriptive »),
 * audited once. Two first visits at once create one row (the unique index decides).
 */
export async function openSheet(db: Db, ctx: Ctx, siteId: string): Promise<SheetPage> {
  return transaction(db, async (tx) => {
    const site = await authorizedSite(tx, ctx, siteId);
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const optional = sectionsOffered(site.kind);
    const [created] = await tx
      .insert(serviceSheet)
      // An installation shows every section unless it hides some; an RSGE shows only what it chooses.
      .values({ installationId: site.id, adheredBy: ctx.actor.accountId, publicSections: site.kind === 'home_provider' ? [] : [...optional] })
      .onConflictDoNothing({ target: serviceSheet.installationId })
      .returning();
    if (created) {
      await recordAudit(tx, ctx, { action: 'portal.adhered', subjectType: 'installation', subjectId: site.id, details: { siteNumber: site.number, kind: site.kind } });
      return { site, sheet: created, firstVisit: true, subsidized: isSubsidized(site.serviceKind) };
    }
    const [sheet] = await tx.select().from(serviceSheet).where(eq(serviceSheet.installationId, site.id));
    if (!sheet) throw new Error('the sheet vanished');
    return { site, sheet, firstVisit: false, subsidized: isSubsidized(site.serviceKind) };
  });
}

/** The form as typed: every value a string, lists as the boxes checked. */
export type SheetInput = {
  version: number;
  groupComposition: string;
  dailyRate: string;
  rateDetails: string;
  openingDays: string[];
  opensAt: string;
  closesAt: string;
  carePeriods: string[];
  presentation: string;
  languages: string[];
  otherLanguages: string;
  publicSections: string[];
};

type SheetValues = Pick<
  ServiceSheet,
  'groupComposition' | 'dailyRateCents' | 'rateDetails' | 'openingDays' | 'opensAt' | 'closesAt' | 'carePeriods' | 'presentation' | 'languages' | 'otherLanguages' | 'publicSections'
>;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOOKS_LIKE_TIME = /^\d{1,2}:\d{2}$/;
const RATE = /^\d{1,4}([.,]\d{1,2})?$/;

/** A daily rate typed in dollars (`45`, `45,50`, `45.5`) in cents, or why it is refused (the sheet's and the agreement's). */
export function parseDailyRate(typed: string): number | { error: MessageKey } {
  const rate = typed.trim();
  if (rate.startsWith('-')) return { error: 'portal.sheet.rate.negative' };
  if (!RATE.test(rate)) return { error: 'portal.sheet.rate.invalid' };
  const cents = Math.round(Number(rate.replace(',', '.')) * 100);
  return cents > SHEET_LIMITS.maxDailyRateCents ? { error: 'portal.sheet.rate.tooHigh' } : cents;
}

function textValue(value: string, max: number, field: string, errors: FieldErrors): string | null {
  const trimmed = value.trim();
  if (trimmed.length > max) errors[field] = 'field.tooLong';
  return trimmed === '' ? null : trimmed;
}

function timeValue(value: string, field: string, errors: FieldErrors): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (!TIME.test(trimmed)) errors[field] = LOOKS_LIKE_TIME.test(trimmed) ? 'portal.sheet.hours.outOfRange' : 'portal.sheet.hours.invalid';
  return trimmed;
}

function listValue<T extends string>(values: string[], allowed: readonly T[]): T[] {
  // Boxes only ever send the catalogue's values; anything else is not from our form.
  if (!values.every((v) => (allowed as readonly string[]).includes(v))) throw new AppError(400, 'error.badRequest');
  return allowed.filter((a) => values.includes(a));
}

/** Checks the form; every rule gives a message next to its field. */
export function validateSheet(site: Site, input: SheetInput): { ok: true; values: SheetValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const subsidized = isSubsidized(site.serviceKind);
  let dailyRateCents: number | null = null;
  const rate = input.dailyRate.trim();
  if (!subsidized && rate !== '') {
    const parsed = parseDailyRate(rate);
    if (typeof parsed === 'number') dailyRateCents = parsed;
    else errors.dailyRate = parsed.error;
  }
  const opensAt = timeValue(input.opensAt, 'opensAt', errors);
  const closesAt = timeValue(input.closesAt, 'closesAt', errors);
  if (!errors.opensAt && !errors.closesAt) {
    if ((opensAt === null) !== (closesAt === null)) errors[opensAt === null ? 'opensAt' : 'closesAt'] = 'portal.sheet.hours.both';
    else if (opensAt !== null && closesAt !== null && closesAt <= opensAt) errors.closesAt = 'portal.sheet.hours.closeBeforeOpen';
  }
  const values: SheetValues = {
    groupComposition: textValue(input.groupComposition, SHEET_LIMITS.groupComposition, 'groupComposition', errors),
    dailyRateCents,
    rateDetails: textValue(input.rateDetails, SHEET_LIMITS.rateDetails, 'rateDetails', errors),
    openingDays: listValue(input.openingDays, weekdays),
    opensAt,
    closesAt,
    carePeriods: listValue(input.carePeriods, carePeriods),
    presentation: textValue(input.presentation, SHEET_LIMITS.presentation, 'presentation', errors),
    languages: listValue(input.languages, sheetLanguages),
    otherLanguages: textValue(input.otherLanguages, SHEET_LIMITS.otherLanguages, 'otherLanguages', errors),
    publicSections: listValue(input.publicSections, sectionsOffered(site.kind)),
  };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

/** The sheet was saved elsewhere (another tab, another user) since this form was loaded. */
export class StaleSheetError extends ConflictError {
  constructor() {
    super('portal.sheet.stale');
  }
}

/**
 * Saves the form. It carries the version it was loaded with: a save from an older version (the
 * sheet saved meanwhile in another tab) is refused whole, nothing merged. A published sheet's
 * changes are public at once (the provider unpublishes to work out of sight).
 */
export async function saveSheet(db: Db, ctx: Ctx, siteId: string, input: SheetInput): Promise<ServiceSheet> {
  const site = await authorizedSite(db, ctx, siteId);
  const checked = validateSheet(site, input);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  return transaction(db, async (tx) => {
    await authorizedSite(tx, ctx, siteId);
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const [row] = await tx
      .update(serviceSheet)
      .set({ ...checked.values, version: sql`${serviceSheet.version} + 1`, updatedBy: ctx.actor.accountId })
      .where(and(eq(serviceSheet.installationId, site.id), eq(serviceSheet.version, input.version)))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ id: serviceSheet.id }).from(serviceSheet).where(eq(serviceSheet.installationId, site.id));
      if (!exists) throw new NotFoundError();
      throw new StaleSheetError();
    }
    await recordAudit(tx, ctx, { action: 'portal.sheet.saved', subjectType: 'service_sheet', subjectId: row.id, details: { siteNumber: site.number, version: row.version } });
    return row;
  });
}

/** What a sheet needs before it is published: what the public always sees of it. */
export function missingForPublication(sheet: ServiceSheet): MessageKey[] {
  const missing: MessageKey[] = [];
  if (sheet.openingDays.length === 0) missing.push('portal.publish.missing.days');
  if (!sheet.opensAt || !sheet.closesAt) missing.push('portal.publish.missing.hours');
  return missing;
}

async function sheetForUpdate(tx: Db, siteId: string): Promise<ServiceSheet> {
  const [sheet] = await tx.select().from(serviceSheet).where(eq(serviceSheet.installationId, siteId)).for('update');
  if (!sheet) throw new ConflictError('portal.publish.notAdhered');
  return sheet;
}

/** « Publier ma fiche »: from now on the public sees what the sheet allows. */
export async function publishSheet(db: Db, ctx: Ctx, siteId: string): Promise<ServiceSheet> {
  return transaction(db, async (tx) => {
    const site = await authorizedSite(tx, ctx, siteId);
    const sheet = await sheetForUpdate(tx, site.id);
    if (sheet.publishedAt) throw new ConflictError('portal.publish.already');
    if (missingForPublication(sheet).length > 0) throw new ConflictError('portal.publish.incomplete');
    const [row] = await tx.update(serviceSheet).set({ publishedAt: new Date() }).where(eq(serviceSheet.id, sheet.id)).returning();
    if (!row) throw new Error('publication returned nothing');
    await recordAudit(tx, ctx, { action: 'portal.sheet.published', subjectType: 'service_sheet', subjectId: row.id, details: { siteNumber: site.number } });
    return row;
  });
}

/** The provider withdraws its sheet from the public; it keeps its content and can publish again. */
export async function unpublishSheet(db: Db, ctx: Ctx, siteId: string): Promise<ServiceSheet> {
  return transaction(db, async (tx) => {
    const site = await authorizedSite(tx, ctx, siteId);
    const sheet = await sheetForUpdate(tx, site.id);
    if (!sheet.publishedAt) throw new ConflictError('portal.unpublish.notPublished');
    const [row] = await tx.update(serviceSheet).set({ publishedAt: null }).where(eq(serviceSheet.id, sheet.id)).returning();
    if (!row) throw new Error('unpublication returned nothing');
    await recordAudit(tx, ctx, { action: 'portal.sheet.unpublished', subjectType: 'service_sheet', subjectId: row.id, details: { siteNumber: site.number } });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// What the public sees

/**
 * A published sheet as the public may see it, built field by field from what is allowed: an
 * RSGE's exact address, postal code and position are never read into it, so no page or JSON
 * built from it can leak them.
 */
export type PublicSheet = {
  siteId: string;
  kind: Site['kind'];
  serviceKind: ChildcareServiceKind;
  subsidized: boolean;
  /** An installation's name; an RSGE's only when it shows it. */
  name: string | null;
  /** An installation's street address and postal code; null for an RSGE. */
  address: { street: string; postalCode: string } | null;
  municipality: string;
  region: string;
  /** The public position: exact for an installation, a grid-cell centre for an RSGE. */
  position: { latitude: number; longitude: number } | null;
  places: { total: number; under18Months: number } | null;
  openingDays: Weekday[];
  opensAt: string | null;
  closesAt: string | null;
  /** Each optional section: present only when the provider shows it. */
  groupComposition?: string | null;
  rates?: { reducedContribution: boolean; dailyRateCents: number | null; details: string | null };
  carePeriods?: CarePeriod[];
  presentation?: string | null;
  languages?: { spoken: SheetLanguage[]; other: string | null };
  publishedAt: Date;
};

function hoursOf(value: string | null): string | null {
  return value ? value.slice(0, 5) : null;
}

/** The public view of a published sheet; null when the site has none published. */
export async function publishedSheet(db: Db, ctx: Ctx, siteId: string): Promise<PublicSheet | null> {
  await authorize(db, ctx.actor, portalActions.readPublished, undefined);
  const site = await siteById(db, siteId);
  if (!site || isHiddenFromPublic(site, todayInQuebec())) return null;
  const [sheet] = await db.select().from(serviceSheet).where(eq(serviceSheet.installationId, site.id));
  if (!sheet?.publishedAt) return null;
  const shown = new Set(sheet.publicSections.filter((s): s is OptionalSection => (sectionsOffered(site.kind) as readonly string[]).includes(s)));
  const home = site.kind === 'home_provider';
  const subsidized = isSubsidized(site.serviceKind);
  return {
    siteId: site.id,
    kind: site.kind,
    serviceKind: site.serviceKind,
    subsidized,
    name: !home || shown.has('name') ? site.name : null,
    address: home ? null : { street: site.address, postalCode: site.postalCode },
    municipality: site.municipality,
    region: site.region,
    position: site.publicLatitude !== null && site.publicLongitude !== null ? { latitude: site.publicLatitude, longitude: site.publicLongitude } : null,
    places: site.placesTotal !== null && site.placesUnder18Months !== null ? { total: site.placesTotal, under18Months: site.placesUnder18Months } : null,
    openingDays: weekdays.filter((d) => sheet.openingDays.includes(d)),
    opensAt: hoursOf(sheet.opensAt),
    closesAt: hoursOf(sheet.closesAt),
    ...(shown.has('group') ? { groupComposition: sheet.groupComposition } : {}),
    ...(shown.has('rates') ? { rates: { reducedContribution: subsidized, dailyRateCents: subsidized ? null : sheet.dailyRateCents, details: sheet.rateDetails } } : {}),
    ...(shown.has('periods') ? { carePeriods: carePeriods.filter((p) => sheet.carePeriods.includes(p)) } : {}),
    ...(shown.has('presentation') ? { presentation: sheet.presentation } : {}),
    ...(shown.has('languages') ? { languages: { spoken: sheetLanguages.filter((l) => sheet.languages.includes(l)), other: sheet.otherLanguages } } : {}),
    publishedAt: sheet.publishedAt,
  };
}
