import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, time, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { installation } from '../childcare/schema.js';
import { account } from '../identity/schema.js';

/**
 * The descriptive sheet (fiche descriptive) of a site: an installation or an RSGE. The row is
 * created at the provider's first visit, which is its adhesion to the portal; nothing of it is
 * public until `published_at` is set. The places come from the permit or recognition
 * (childcare), not from here.
 */
export const serviceSheet = pgTable(
  'service_sheet',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    /** Raised by every save: a form saved from an older version is refused (two tabs). */
    version: integer('version').notNull().default(1),
    adheredAt: timestamp('adhered_at', { withTimezone: true }).notNull().defaultNow(),
    adheredBy: uuid('adhered_by')
      .notNull()
      .references(() => account.id),
    /** Null: not public. Set by « Publier ma fiche », cleared when the provider unpublishes. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    groupComposition: text('group_composition'),
    /** A daily rate in cents, for places that are not subsidized. */
    dailyRateCents: integer('daily_rate_cents'),
    rateDetails: text('rate_details'),
    /** `mon` … `sun`. */
    openingDays: text('opening_days').array().notNull().default(sql`'{}'::text[]`),
    opensAt: time('opens_at'),
    closesAt: time('closes_at'),
    /** `full_time`, `part_time`, `half_days`, `atypical` (see service.ts). */
    carePeriods: text('care_periods').array().notNull().default(sql`'{}'::text[]`),
    presentation: text('presentation'),
    /** `fr`, `en`, `es`, `ar`, `zh`. */
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    otherLanguages: text('other_languages'),
    /** The optional sections the provider shows to the public (see service.ts `optionalSections`). */
    publicSections: text('public_sections').array().notNull().default(sql`'{}'::text[]`),
    updatedBy: uuid('updated_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('service_sheet_installation_key').on(t.installationId),
    index('service_sheet_adhered_by_idx').on(t.adheredBy),
    index('service_sheet_updated_by_idx').on(t.updatedBy),
    check('service_sheet_rate_check', sql`${t.dailyRateCents} is null or ${t.dailyRateCents} >= 0`),
    check('service_sheet_hours_check', sql`${t.opensAt} is null or ${t.closesAt} is null or ${t.closesAt} > ${t.opensAt}`),
    check('service_sheet_version_check', sql`${t.version} >= 1`),
  ],
);
