import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.js';
import { todayInQuebec } from './dates.js';
import { childSearchKey } from './identifiers.js';
import { publicPosition } from './position.js';
import { localChildRecords, type ChildAtSites, type ChildQuery, type ChildRecords, type MesFundingRecord, type RecognitionStatus, type Site } from './records.js';
import { child, childAttendance, childcareService, installation, integrationAllowance, mesFunding, recognitionChange, regionalDirectorate } from './schema.js';

export { referenceYearOf, referenceYearPeriod, todayInQuebec, workingDaysOf } from './dates.js';
export { childSearchKey, validateNecsg, validateNirec } from './identifiers.js';
export { GRID_LATITUDE_DEGREES, GRID_LONGITUDE_DEGREES, publicPosition, type Position } from './position.js';
export type { ChildAtSites, ChildQuery, ChildRecord, MesFundingRecord, RecognitionStatus, Site } from './records.js';
export { recognitionStatuses } from './records.js';

/** The CSG/CAFE records this deployment reads: the local tables (see records.ts). */
const records: ChildRecords = localChildRecords;

export type ChildcareService = typeof childcareService.$inferSelect;
export type ChildcareServiceKind = ChildcareService['kind'];
export type SiteKind = Site['kind'];

// ---------------------------------------------------------------------------------------------
// Services and regional directorates

/** Permit numbers are compared without spaces or dashes, in capitals. */
export function normalizePermitNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** The childcare service holding this permit or recognition number, if any. */
export async function findServiceByPermit(db: Db, number: string): Promise<ChildcareService | undefined> {
  const [row] = await db.select().from(childcareService).where(eq(childcareService.permitNumber, normalizePermitNumber(number)));
  return row;
}

/** The childcare services (CPE, garderies, bureau coordonnateur) held by the enterprise of this NEQ. */
export function servicesOfEnterprise(db: Db, neq: string): Promise<ChildcareService[]> {
  return db.select().from(childcareService).where(eq(childcareService.enterpriseNeq, neq)).orderBy(asc(childcareService.name));
}

export type Directorate = { code: string; nameFr: string; nameEn: string; phone: string; tollFreePhone: string; email: string };

const directorateColumns = {
  code: regionalDirectorate.code,
  nameFr: regionalDirectorate.nameFr,
  nameEn: regionalDirectorate.nameEn,
  phone: regionalDirectorate.phone,
  tollFreePhone: regionalDirectorate.tollFreePhone,
  email: regionalDirectorate.email,
};

/** Famille's regional directorates (Directions des services à la clientèle), or MAMH's branch, by code. */
export function directorates(db: Db, ministry: 'famille' | 'mamh' = 'famille'): Promise<Directorate[]> {
  return db.select(directorateColumns).from(regionalDirectorate).where(eq(regionalDirectorate.ministry, ministry)).orderBy(asc(regionalDirectorate.code));
}

/** One directorate by its two-digit code (the RR of request numbers), with its phones and e-mail. */
export async function directorateByCode(db: Db, code: string): Promise<Directorate | undefined> {
  const [row] = await db.select(directorateColumns).from(regionalDirectorate).where(eq(regionalDirectorate.code, code));
  return row;
}

// ---------------------------------------------------------------------------------------------
// Sites and children (through the CSG/CAFE adapter)

/** The enterprise's sites: its installations, and for a BC the RSGE it recognizes. */
export function sitesOfEnterprise(db: Db, neq: string): Promise<Site[]> {
  return records.sitesOfEnterprise(db, neq);
}

/**
 * The sites whose descriptive sheet the enterprise manages: the installations of the services it
 * holds, and the RSGE sites whose own enterprise it is (not the RSGE a BC recognizes).
 */
export function sitesHeldBy(db: Db, neq: string): Promise<Site[]> {
  return records.sitesHeldBy(db, neq);
}

/** Off the public map and its pages: an RSGE suspended (until a few days before its return), revoked or ended. */
export function isHiddenFromPublic(site: Pick<Site, 'hiddenUntil'>, today: string): boolean {
  return site.hiddenUntil !== null && (site.hiddenUntil === 'infinity' || site.hiddenUntil > today);
}

/** A site with its service (kind, name, permit and division numbers, NEQ). */
export function siteById(db: Db, id: string): Promise<Site | undefined> {
  return records.siteById(db, id);
}

/**
 * The children matching the query who attend one of the enterprise's sites today (Quebec time),
 * each with those sites only. A child who attends elsewhere, who has left, or who does not exist
 * gives the same empty list: the search tells nothing about children of other enterprises.
 */
export function findChildrenForEnterprise(db: Db, neq: string, query: ChildQuery, onDate: string = todayInQuebec()): Promise<ChildAtSites[]> {
  return records.findChildren(db, neq, query, onDate);
}

/** A child by id with the enterprise's sites it attends today; null when it attends none of them. */
export function childForEnterprise(db: Db, neq: string, childId: string, onDate: string = todayInQuebec()): Promise<ChildAtSites | null> {
  return records.childForEnterprise(db, neq, childId, onDate);
}

/** Whether the child has an AIEH at that site whose period covers the date (the MES precondition). */
export function hasIntegrationAllowance(db: Db, childId: string, installationId: string, onDate: string): Promise<boolean> {
  return records.hasIntegrationAllowance(db, childId, installationId, onDate);
}

/** The MES funding granted to the child, latest reference year first, with each site's service. */
export function mesFundingHistory(db: Db, childId: string): Promise<MesFundingRecord[]> {
  return records.mesFundingHistory(db, childId);
}

/**
 * The RSGE site of this recognition number, typed with or without spaces and dashes (as permit
 * numbers are): the enrolment of an RSGE's own enterprise into the Famille e-services names it.
 */
export function findHomeProviderByNumber(db: Db, number: string): Promise<Site | undefined> {
  return records.homeProviderByNumber(db, normalizePermitNumber(number));
}

// ---------------------------------------------------------------------------------------------
// Changes (the import, the demo data, tests, and the MES module for funding)

export type NewChildcareService = { permitNumber: string; kind: ChildcareServiceKind; name: string; enterpriseNeq: string; divisionNumber?: string | null };

/** Inserts or updates a service by its permit number; a division number left out is kept. */
export async function upsertChildcareService(tx: Db, input: NewChildcareService): Promise<ChildcareService> {
  const values = { ...input, permitNumber: normalizePermitNumber(input.permitNumber) };
  const division = input.divisionNumber === undefined ? {} : { divisionNumber: input.divisionNumber };
  const [row] = await tx
    .insert(childcareService)
    .values(values)
    .onConflictDoUpdate({ target: childcareService.permitNumber, set: { kind: values.kind, name: values.name, enterpriseNeq: values.enterpriseNeq, ...division, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error('upsert returned nothing');
  return row;
}

export type NewSite = Omit<typeof installation.$inferInsert, 'id' | 'publicLatitude' | 'publicLongitude' | 'createdAt' | 'updatedAt'>;

/**
 * Inserts or updates a site by its number (installation number or RSGE recognition number);
 * returns its id. The public position is computed here from the exact one, so no write of a site
 * can leave an RSGE's exact position where the public reads.
 */
export async function upsertSite(tx: Db, input: NewSite): Promise<string> {
  const { latitude, longitude } = input;
  const shown = latitude !== null && latitude !== undefined && longitude !== null && longitude !== undefined ? publicPosition(input.kind, { latitude, longitude }) : null;
  const values = { ...input, publicLatitude: shown?.latitude ?? null, publicLongitude: shown?.longitude ?? null };
  const { number: _number, ...changes } = values;
  const [row] = await tx
    .insert(installation)
    .values(values)
    .onConflictDoUpdate({ target: installation.number, set: { ...changes, updatedAt: new Date() } })
    .returning({ id: installation.id });
  if (!row) throw new Error('upsert returned nothing');
  return row.id;
}

export type NewChild = Omit<typeof child.$inferInsert, 'id' | 'searchKey' | 'createdAt' | 'updatedAt'>;

/** Inserts or updates a child by NIREC, with its search key; returns its id. */
export async function upsertChild(tx: Db, input: NewChild): Promise<string> {
  const values = { ...input, searchKey: childSearchKey(input) };
  const { nirec: _nirec, ...changes } = values;
  const [row] = await tx
    .insert(child)
    .values(values)
    .onConflictDoUpdate({ target: child.nirec, set: { ...changes, updatedAt: new Date() } })
    .returning({ id: child.id });
  if (!row) throw new Error('upsert returned nothing');
  return row.id;
}

export type Period = { childId: string; installationId: string; startDate: string; endDate: string | null };

/**
 * Records an attendance period. A period is known by its child, site and start date: recording it
 * again changes its end (a child who leaves).
 */
export async function upsertAttendance(tx: Db, period: Period): Promise<void> {
  const key = and(eq(childAttendance.childId, period.childId), eq(childAttendance.installationId, period.installationId), eq(childAttendance.startDate, period.startDate));
  const updated = await tx.update(childAttendance).set({ endDate: period.endDate, updatedAt: new Date() }).where(key).returning({ id: childAttendance.id });
  if (updated.length === 0) await tx.insert(childAttendance).values(period);
}

/** Records an AIEH period, known like an attendance period by its child, site and start date. */
export async function upsertIntegrationAllowance(tx: Db, period: Period): Promise<void> {
  const key = and(eq(integrationAllowance.childId, period.childId), eq(integrationAllowance.installationId, period.installationId), eq(integrationAllowance.startDate, period.startDate));
  const updated = await tx.update(integrationAllowance).set({ endDate: period.endDate, updatedAt: new Date() }).where(key).returning({ id: integrationAllowance.id });
  if (updated.length === 0) await tx.insert(integrationAllowance).values(period);
}

/** Records MES funding of a child at a site for a reference year; recording it twice changes nothing. */
export async function recordMesFunding(tx: Db, childId: string, installationId: string, referenceYear: number): Promise<void> {
  await tx.insert(mesFunding).values({ childId, installationId, referenceYear }).onConflictDoNothing({ target: [mesFunding.childId, mesFunding.installationId, mesFunding.referenceYear] });
}

// ---------------------------------------------------------------------------------------------
// The Registre des RSGE (kept by each BC; the portal's bc module checks who may write)

export type HomeProviderRecord = Pick<typeof installation.$inferInsert, 'name' | 'address' | 'municipality' | 'postalCode' | 'contactEmail' | 'contactPhone' | 'placesTotal' | 'placesUnder18Months'>;

/** Writes an RSGE's record; its position is not moved (the registry's address is for contact). */
export async function updateHomeProviderRecord(tx: Db, siteId: string, record: HomeProviderRecord): Promise<void> {
  await tx.update(installation).set({ ...record, updatedAt: new Date() }).where(and(eq(installation.id, siteId), eq(installation.kind, 'home_provider')));
}

export type RecognitionChange = {
  status: RecognitionStatus;
  effectiveDate: string;
  plannedReturn: string | null;
  showDaysBefore: number | null;
  reason: string;
  changedBy: string;
};

/**
 * Moves an RSGE's recognition from `from` to the change's status, with its history row, only if it
 * is still `from` (false otherwise: someone changed it meanwhile). `hiddenUntil`: off the public
 * map until then ('infinity': for good; null: on it).
 */
export async function recordRecognitionChange(tx: Db, siteId: string, from: RecognitionStatus, change: RecognitionChange, hiddenUntil: string | null): Promise<boolean> {
  const moved = await tx
    .update(installation)
    .set({ recognitionStatus: change.status, hiddenUntil: hiddenUntil === null ? null : sql`${hiddenUntil}::date`, updatedAt: new Date() })
    .where(and(eq(installation.id, siteId), eq(installation.kind, 'home_provider'), eq(installation.recognitionStatus, from)))
    .returning({ id: installation.id });
  if (moved.length === 0) return false;
  await tx.insert(recognitionChange).values({ installationId: siteId, ...change });
  return true;
}

export async function recognitionHistory(db: Db, siteId: string) {
  return db.select().from(recognitionChange).where(eq(recognitionChange.installationId, siteId)).orderBy(asc(recognitionChange.createdAt), asc(recognitionChange.id));
}
