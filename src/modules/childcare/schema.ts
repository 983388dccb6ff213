import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';

export const childcareServiceKind = pgEnum('childcare_service_kind', ['cpe', 'subsidized_daycare', 'daycare', 'coordinating_office']);

/**
 * The ministry's regional directorates (Directions des services à la clientèle). Their two-digit
 * code is the `RR` of request numbers; MES agents are assigned to one.
 */
export const regionalDirectorate = pgTable('regional_directorate', {
  code: text('code').primaryKey(),
  nameFr: text('name_fr').notNull(),
  nameEn: text('name_en').notNull(),
  phone: text('phone').notNull(),
  tollFreePhone: text('toll_free_phone').notNull(),
  /** Where the directorate's notifications (a request transmitted) are sent. */
  email: text('email').notNull(),
  /** The ministry it belongs to: Famille's regional directorates, or MAMH's infrastructure branch (aid requests). */
  ministry: text('ministry').notNull().default('famille'),
  ...timestamps,
}, (t) => [check('regional_directorate_ministry_check', sql`${t.ministry} in ('famille', 'mamh')`)]);

/** A childcare service holding a permit (CPE, garderie) or a recognition (bureau coordonnateur). */
export const childcareService = pgTable(
  'childcare_service',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Permit or recognition number, as the ministry writes it. */
    permitNumber: text('permit_number').notNull(),
    kind: childcareServiceKind('kind').notNull(),
    name: text('name').notNull(),
    /** The NEQ of the enterprise holding the permit. */
    enterpriseNeq: text('enterprise_neq').notNull(),
    /** The ministry's division number of the service (« No. de division 3000-2000 »). */
    divisionNumber: text('division_number'),
    ...timestamps,
  },
  (t) => [uniqueIndex('childcare_service_permit_number_key').on(t.permitNumber), index('childcare_service_enterprise_neq_idx').on(t.enterpriseNeq)],
);

export const siteKind = pgEnum('childcare_site_kind', ['installation', 'home_provider']);

/**
 * Where children are cared for: an installation of a CPE or garderie, or, for a bureau
 * coordonnateur, a home-based provider (RSGE) it recognizes. Both are "sites" so that attendance,
 * the AIEH and MES requests point at one table.
 */
export const installation = pgTable(
  'installation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => childcareService.id),
    kind: siteKind('kind').notNull(),
    /** Installation number, or the RSGE's recognition number. */
    number: text('number').notNull(),
    /** The installation's name, or the RSGE's full name. */
    name: text('name').notNull(),
    address: text('address').notNull(),
    municipality: text('municipality').notNull(),
    postalCode: text('postal_code').notNull(),
    /** Administrative region of Quebec, 01 to 17. */
    region: text('region').notNull(),
    directorateCode: text('directorate_code')
      .notNull()
      .references(() => regionalDirectorate.code),
    /**
     * An RSGE's own enterprise (its NEQ): the BC holds the recognition (`service_id`), but the
     * RSGE manages its own descriptive sheet and réserve. Null for installations.
     */
    providerNeq: text('provider_neq'),
    /**
     * Places of the permit or recognition. An installation: its places, of which
     * `places_under_18_months` are for poupons (0–17 months), the rest for 18 months and more.
     * An RSGE: the number of children it is recognized for, and at most this many under 18 months.
     */
    placesTotal: integer('places_total'),
    placesUnder18Months: integer('places_under_18_months'),
    /** The exact position of the site. An RSGE's is private: it never leaves the server for the public. */
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /**
     * What the public may see of the position: the exact one for an installation, the centre of a
     * coarse grid cell for an RSGE (see position.ts). Computed on every write of the site.
     */
    publicLatitude: doublePrecision('public_latitude'),
    publicLongitude: doublePrecision('public_longitude'),
    /** An RSGE's contact details in the Registre des RSGE, kept by its BC. */
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    /** An RSGE's recognition: `active`, `suspended`, `revoked`, `ended` (its history: `recognition_change`). */
    recognitionStatus: text('recognition_status').notNull().default('active'),
    /**
     * Off the public map until this date (`infinity` for a recognition revoked or ended; null: on
     * it): a suspended RSGE shows again a few days before its planned return.
     */
    hiddenUntil: date('hidden_until', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('installation_number_key').on(t.number),
    index('installation_service_idx').on(t.serviceId),
    index('installation_directorate_idx').on(t.directorateCode),
    index('installation_provider_neq_idx').on(t.providerNeq),
    // The map's radius search narrows to a box of latitudes first (portal/map.ts).
    index('installation_public_position_idx').on(t.publicLatitude, t.publicLongitude),
    check('installation_region_check', sql`${t.region} ~ '^(0[1-9]|1[0-7])$'`),
    check('installation_recognition_status_check', sql`${t.recognitionStatus} in ('active', 'suspended', 'revoked', 'ended') and (${t.recognitionStatus} = 'active' or ${t.kind} = 'home_provider')`),
    check('installation_provider_neq_check', sql`${t.providerNeq} is null or (${t.kind} = 'home_provider' and ${t.providerNeq} ~ '^[0-9]{10}$')`),
    check(
      'installation_places_check',
      sql`(${t.placesTotal} is null and ${t.placesUnder18Months} is null) or (${t.placesTotal} >= 0 and ${t.placesUnder18Months} >= 0 and ${t.placesUnder18Months} <= ${t.placesTotal})`,
    ),
    check(
      'installation_position_check',
      sql`(${t.latitude} is null and ${t.longitude} is null and ${t.publicLatitude} is null and ${t.publicLongitude} is null) or (${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180 and ${t.publicLatitude} is not null and ${t.publicLongitude} is not null)`,
    ),
  ],
);

/**
 * A child known to the ministry (the CSG records), with the parents' details the MES form shows.
 * `search_key` is the last name, first name and birth date lower-cased without accents, so a
 * name search is one index lookup.
 */
export const child = pgTable(
  'child',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Numéro d'inscription au registre de l'état civil: 10 digits. */
    nirec: text('nirec').notNull(),
    /** Numéro d'enfant clientèle service de garde: 9 digits. */
    necsg: text('necsg').notNull(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    searchKey: text('search_key').notNull(),
    parentName: text('parent_name').notNull(),
    otherParentName: text('other_parent_name'),
    homeAddress: text('home_address').notNull(),
    homePostalCode: text('home_postal_code').notNull(),
    parentEmail: text('parent_email'),
    homePhone: text('home_phone'),
    mobilePhone: text('mobile_phone'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('child_nirec_key').on(t.nirec),
    uniqueIndex('child_necsg_key').on(t.necsg),
    index('child_search_key_idx').on(t.searchKey),
    check('child_nirec_check', sql`${t.nirec} ~ '^[0-9]{10}$'`),
    check('child_necsg_check', sql`${t.necsg} ~ '^[0-9]{9}$'`),
  ],
);

/** A child's attendance at a site, from its start to its end (null: still attending). */
export const childAttendance = pgTable(
  'child_attendance',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    index('child_attendance_child_idx').on(t.childId),
    index('child_attendance_installation_idx').on(t.installationId, t.childId),
    check('child_attendance_period_check', sql`${t.endDate} is null or ${t.endDate} >= ${t.startDate}`),
  ],
);

/** The allowance for the integration of a handicapped child (AIEH) at a site, for a period. */
export const integrationAllowance = pgTable(
  'integration_allowance',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    index('integration_allowance_child_idx').on(t.childId, t.installationId),
    index('integration_allowance_installation_idx').on(t.installationId),
    check('integration_allowance_period_check', sql`${t.endDate} is null or ${t.endDate} >= ${t.startDate}`),
  ],
);

/**
 * MES funding the ministry granted a child at a site for a reference year (April to March,
 * named by the year it starts), from the ministry's records before the e-service existed and
 * from compliant requests since. It decides which request type fits.
 */
export const mesFunding = pgTable(
  'mes_funding',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    referenceYear: integer('reference_year').notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('mes_funding_key').on(t.childId, t.installationId, t.referenceYear),
    index('mes_funding_installation_idx').on(t.installationId),
  ],
);

/**
 * The history of an RSGE's recognition status, as its BC records it in the Registre des RSGE: each
 * change with its effective date, for a suspension its planned return and how many days before it
 * the RSGE shows again on the map, and why.
 */
export const recognitionChange = pgTable(
  'recognition_change',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    status: text('status').notNull(),
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    plannedReturn: date('planned_return', { mode: 'string' }),
    showDaysBefore: integer('show_days_before'),
    reason: text('reason').notNull(),
    /** The BC's user who recorded it (the audit event names them too). */
    changedBy: uuid('changed_by').notNull(),
    ...timestamps,
  },
  (t) => [
    index('recognition_change_installation_idx').on(t.installationId, t.createdAt),
    check('recognition_change_status_check', sql`${t.status} in ('active', 'suspended', 'revoked', 'ended')`),
    check('recognition_change_suspension_check', sql`(${t.status} = 'suspended') = (${t.plannedReturn} is not null and ${t.showDaysBefore} is not null)`),
  ],
);
