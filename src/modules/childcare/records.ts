import { and, asc, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.js';
import { childSearchKey, isNecsg, isNirec, normalizeChildNumber, type ChildName } from './identifiers.js';
import { child, childAttendance, childcareService, installation, integrationAllowance, mesFunding } from './schema.js';

/**
 * The boundary with the ministry's systems: CAFE (services and their sites) and CSG (children,
 * attendance, AIEH, MES funding). `localChildRecords` is the implementation on our own tables,
 * loaded by `npm run childcare:import` and the demo data; the rest of the app goes through the
 * functions of service.ts.
 */
export type ChildRecords = {
  sitesOfEnterprise(db: Db, neq: string): Promise<Site[]>;
  /** The sites whose descriptive sheet and réserve the enterprise manages: its installations and the RSGE it is. */
  sitesHeldBy(db: Db, neq: string): Promise<Site[]>;
  siteById(db: Db, id: string): Promise<Site | undefined>;
  /** The RSGE of this recognition number, given without spaces or dashes, in capitals. */
  homeProviderByNumber(db: Db, number: string): Promise<Site | undefined>;
  /** Only children attending one of the enterprise's sites on `onDate`, with those sites only. */
  findChildren(db: Db, neq: string, query: ChildQuery, onDate: string): Promise<ChildAtSites[]>;
  childForEnterprise(db: Db, neq: string, childId: string, onDate: string): Promise<ChildAtSites | null>;
  hasIntegrationAllowance(db: Db, childId: string, installationId: string, onDate: string): Promise<boolean>;
  mesFundingHistory(db: Db, childId: string): Promise<MesFundingRecord[]>;
};

/** An installation of a CPE or garderie, or an RSGE recognized by a bureau coordonnateur. */
export type Site = {
  id: string;
  kind: 'installation' | 'home_provider';
  /** Installation number, or the RSGE's recognition number. */
  number: string;
  name: string;
  address: string;
  municipality: string;
  postalCode: string;
  region: string;
  directorateCode: string;
  serviceId: string;
  serviceKind: 'cpe' | 'subsidized_daycare' | 'daycare' | 'coordinating_office';
  serviceName: string;
  permitNumber: string;
  divisionNumber: string | null;
  enterpriseNeq: string;
  /** An RSGE's own enterprise; null for an installation. */
  providerNeq: string | null;
  placesTotal: number | null;
  placesUnder18Months: number | null;
  /** The exact position: never for the public when the site is an RSGE. */
  latitude: number | null;
  longitude: number | null;
  /** The position the public may see (position.ts). */
  publicLatitude: number | null;
  publicLongitude: number | null;
  /** An RSGE's contact details and recognition, kept by its BC in the Registre des RSGE. */
  contactEmail: string | null;
  contactPhone: string | null;
  recognitionStatus: RecognitionStatus;
  /** Off the public map until this date (`infinity` when revoked or ended); null: on it. */
  hiddenUntil: string | null;
};

export const recognitionStatuses = ['active', 'suspended', 'revoked', 'ended'] as const;
export type RecognitionStatus = (typeof recognitionStatuses)[number];

/** What the ministry knows of a child, parents' details included (the MES form shows them). */
export type ChildRecord = {
  id: string;
  nirec: string;
  necsg: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  parentName: string;
  otherParentName: string | null;
  homeAddress: string;
  homePostalCode: string;
  parentEmail: string | null;
  homePhone: string | null;
  mobilePhone: string | null;
};

export type ChildAtSites = { child: ChildRecord; sites: Site[] };

/** One of the three searches of the MES form: by NIREC, by NECSG, or by name and birth date. */
export type ChildQuery = { nirec: string } | { necsg: string } | ChildName;

export type MesFundingRecord = {
  installationId: string;
  siteNumber: string;
  siteName: string;
  serviceId: string;
  divisionNumber: string | null;
  referenceYear: number;
};

const siteColumns = {
  id: installation.id,
  kind: installation.kind,
  number: installation.number,
  name: installation.name,
  address: installation.address,
  municipality: installation.municipality,
  postalCode: installation.postalCode,
  region: installation.region,
  directorateCode: installation.directorateCode,
  serviceId: childcareService.id,
  serviceKind: childcareService.kind,
  serviceName: childcareService.name,
  permitNumber: childcareService.permitNumber,
  divisionNumber: childcareService.divisionNumber,
  enterpriseNeq: childcareService.enterpriseNeq,
  providerNeq: installation.providerNeq,
  placesTotal: installation.placesTotal,
  placesUnder18Months: installation.placesUnder18Months,
  latitude: installation.latitude,
  longitude: installation.longitude,
  publicLatitude: installation.publicLatitude,
  publicLongitude: installation.publicLongitude,
  contactEmail: installation.contactEmail,
  contactPhone: installation.contactPhone,
  recognitionStatus: sql<RecognitionStatus>`${installation.recognitionStatus}`,
  hiddenUntil: installation.hiddenUntil,
};

const childColumns = {
  id: child.id,
  nirec: child.nirec,
  necsg: child.necsg,
  lastName: child.lastName,
  firstName: child.firstName,
  birthDate: child.birthDate,
  parentName: child.parentName,
  otherParentName: child.otherParentName,
  homeAddress: child.homeAddress,
  homePostalCode: child.homePostalCode,
  parentEmail: child.parentEmail,
  homePhone: child.homePhone,
  mobilePhone: child.mobilePhone,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL that is not a UUID names nothing (and must not reach the uuid column). */
const isUuid = (value: string): boolean => UUID.test(value);

/** The condition selecting the searched child, or null when the query cannot match anyone. */
function childMatching(query: ChildQuery): SQL | null {
  if ('nirec' in query) {
    const nirec = normalizeChildNumber(query.nirec);
    return isNirec(nirec) ? eq(child.nirec, nirec) : null;
  }
  if ('necsg' in query) {
    const necsg = normalizeChildNumber(query.necsg);
    return isNecsg(necsg) ? eq(child.necsg, necsg) : null;
  }
  if (query.lastName.trim() === '' || query.firstName.trim() === '' || query.birthDate.trim() === '') return null;
  return eq(child.searchKey, childSearchKey(query));
}

/** An attendance period covering the date. */
function attendingOn(onDate: string): SQL | undefined {
  return and(lte(childAttendance.startDate, onDate), or(isNull(childAttendance.endDate), gte(childAttendance.endDate, onDate)));
}

/**
 * Children matching `condition` who attend the enterprise's sites on the date, each with those
 * sites. The enterprise is part of the query itself: a child elsewhere gives no row at all, the
 * same as a child who does not exist.
 *
 * The matching children are read first (an index lookup) and the join starts from their ids: a
 * planner without statistics (PGlite has no autovacuum) would otherwise walk every child of a
 * large enterprise. The join runs even when nobody matches, so that an unknown child and another
 * enterprise's child cost the same two queries.
 */
async function childrenAtEnterpriseSites(db: Db, neq: string, condition: SQL, onDate: string): Promise<ChildAtSites[]> {
  const matching = (await db.select({ id: child.id }).from(child).where(condition)).map((row) => row.id);
  const rows = await db
    .select({ child: childColumns, site: siteColumns })
    .from(child)
    .innerJoin(childAttendance, eq(childAttendance.childId, child.id))
    .innerJoin(installation, eq(installation.id, childAttendance.installationId))
    .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
    .where(and(inArray(child.id, matching), eq(childcareService.enterpriseNeq, neq), attendingOn(onDate)))
    .orderBy(asc(child.lastName), asc(child.firstName), asc(child.id), asc(installation.name));
  const found = new Map<string, ChildAtSites>();
  for (const row of rows) {
    const entry = found.get(row.child.id) ?? { child: row.child, sites: [] };
    // Two attendance periods at one site covering the date would show the site twice.
    if (!entry.sites.some((site) => site.id === row.site.id)) entry.sites.push(row.site);
    found.set(row.child.id, entry);
  }
  return [...found.values()];
}

export const localChildRecords: ChildRecords = {
  sitesOfEnterprise(db, neq) {
    return db
      .select(siteColumns)
      .from(installation)
      .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
      .where(eq(childcareService.enterpriseNeq, neq))
      .orderBy(asc(childcareService.name), asc(installation.name));
  },

  sitesHeldBy(db, neq) {
    return db
      .select(siteColumns)
      .from(installation)
      .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
      .where(or(and(eq(installation.kind, 'installation'), eq(childcareService.enterpriseNeq, neq)), and(eq(installation.kind, 'home_provider'), eq(installation.providerNeq, neq))))
      .orderBy(asc(childcareService.name), asc(installation.name));
  },

  async siteById(db, id) {
    if (!isUuid(id)) return undefined;
    const [row] = await db.select(siteColumns).from(installation).innerJoin(childcareService, eq(childcareService.id, installation.serviceId)).where(eq(installation.id, id));
    return row;
  },

  async homeProviderByNumber(db, number) {
    if (number === '') return undefined;
    // Recognition numbers are stored as the registry writes them (« RSGE-3001-01 »): compared as permit numbers are.
    const [row] = await db
      .select(siteColumns)
      .from(installation)
      .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
      .where(and(eq(installation.kind, 'home_provider'), sql`upper(regexp_replace(${installation.number}, '[[:space:]-]', '', 'g')) = ${number}`))
      .limit(1);
    return row;
  },

  async findChildren(db, neq, query, onDate) {
    const condition = childMatching(query);
    return condition ? childrenAtEnterpriseSites(db, neq, condition, onDate) : [];
  },

  async childForEnterprise(db, neq, childId, onDate) {
    if (!isUuid(childId)) return null;
    const [found] = await childrenAtEnterpriseSites(db, neq, eq(child.id, childId), onDate);
    return found ?? null;
  },

  async hasIntegrationAllowance(db, childId, installationId, onDate) {
    if (!isUuid(childId) || !isUuid(installationId)) return false;
    const [row] = await db
      .select({ id: integrationAllowance.id })
      .from(integrationAllowance)
      .where(
        and(
          eq(integrationAllowance.childId, childId),
          eq(integrationAllowance.installationId, installationId),
          lte(integrationAllowance.startDate, onDate),
          or(isNull(integrationAllowance.endDate), gte(integrationAllowance.endDate, onDate)),
        ),
      )
      .limit(1);
    return row !== undefined;
  },

  async mesFundingHistory(db, childId) {
    if (!isUuid(childId)) return [];
    return db
      .select({
        installationId: mesFunding.installationId,
        siteNumber: installation.number,
        siteName: installation.name,
        serviceId: installation.serviceId,
        divisionNumber: childcareService.divisionNumber,
        referenceYear: mesFunding.referenceYear,
      })
      .from(mesFunding)
      .innerJoin(installation, eq(installation.id, mesFunding.installationId))
      .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
      .where(eq(mesFunding.childId, childId))
      .orderBy(desc(mesFunding.referenceYear), asc(installation.number));
  },
};
