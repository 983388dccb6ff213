import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';

/**
 * The gazetteer of Quebec municipalities, shipped with the code (see the module README for its
 * source and licence): the 5-digit geographic code identifies a municipality in the financial-aid
 * registry, and the coordinates place services on the map without a geocoder.
 */
export const municipality = pgTable(
  'municipality',
  {
    geographicCode: text('geographic_code').primaryKey(),
    name: text('name').notNull(),
    /** Administrative region, 01 to 17. */
    regionCode: text('region_code').notNull(),
    regionName: text('region_name').notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    ...timestamps,
  },
  (t) => [
    check('municipality_geographic_code_check', sql`${t.geographicCode} ~ '^[0-9]{5}$'`),
    check('municipality_region_code_check', sql`${t.regionCode} ~ '^(0[1-9]|1[0-7])$'`),
    index('municipality_name_idx').on(sql`lower(${t.name})`),
  ],
);

/**
 * Postal-code areas (forward sortation areas, the first three characters of a postal code) of
 * Quebec with a representative point: a postal code is placed at its area's point, to within a few
 * kilometres in towns (see the module README for the source and licence).
 */
export const postalArea = pgTable(
  'postal_area',
  {
    fsa: text('fsa').primaryKey(),
    /** The place the source names for the area (a municipality or a borough). */
    placeName: text('place_name').notNull(),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    ...timestamps,
  },
  (t) => [
    check('postal_area_fsa_check', sql`${t.fsa} ~ '^[GHJ][0-9][A-Z]$'`),
    check('postal_area_position_check', sql`${t.latitude} between 44 and 63 and ${t.longitude} between -80 and -57`),
  ],
);
