import { sql, type SQL } from 'drizzle-orm';
import { authorize } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { todayInQuebec } from '../childcare/service.js';
import type { Place } from '../places/geocoder.js';
import { carePeriods, portalActions, sheetLanguages, weekdays, type CarePeriod, type SheetLanguage, type Weekday } from './service.js';

/**
 * The public map's search (issue 7, item 2): the sites within a radius of a place, nearest first.
 * Every site of the childcare records with a position is on the map, published or not: a site
 * that has not published its sheet shows the seed's notice (and a BC sees which RSGE have not
 * adhered). What a result shows follows `publishedSheet`'s rules: an RSGE's position is its public
 * grid-cell centre — the distance too is measured from it, so distances cannot be used to close in
 * on a home — and its name only when its published sheet shows it.
 */
export const mapKinds = ['cpe', 'subsidized_daycare', 'daycare', 'home_provider'] as const;
export type MapKind = (typeof mapKinds)[number];
/** Poupons (0–17 months) or 18 months and more: the two age groups of a permit's places. */
export const ageGroups = ['under_18_months', 'from_18_months'] as const;
export type AgeGroup = (typeof ageGroups)[number];

export type MapFilters = {
  kinds: MapKind[];
  subsidized: boolean | null;
  ageGroup: AgeGroup | null;
  /** Open every one of these days. */
  days: Weekday[];
  /** Offers at least one of these care periods (as its published sheet shows them). */
  periods: CarePeriod[];
  language: SheetLanguage | null;
};

export const noFilters: MapFilters = { kinds: [], subsidized: null, ageGroup: null, days: [], periods: [], language: null };

export const MAP_RADIUS_KM = { min: 1, max: 50 } as const;
export const MAP_PAGE_SIZE = 20;

export type MapEntry = {
  siteId: string;
  kind: MapKind;
  subsidized: boolean;
  /** An installation's name; an RSGE's only when its published sheet shows it. */
  name: string | null;
  /** An installation's street address and postal code; never an RSGE's. */
  address: { street: string; postalCode: string } | null;
  municipality: string;
  /** Exact for an installation, the grid-cell centre for an RSGE. */
  position: { latitude: number; longitude: number };
  distanceKm: number;
  places: { total: number; under18Months: number } | null;
  published: boolean;
  openingDays: Weekday[];
  opensAt: string | null;
  closesAt: string | null;
};

export type MapSearch = { place: Place; radiusKm: number; filters: MapFilters; page: number; pageCount: number; total: number; entries: MapEntry[] };

type Row = {
  id: string;
  kind: MapKind;
  name: string | null;
  street: string | null;
  postal_code: string | null;
  municipality: string;
  latitude: number;
  longitude: number;
  distance: number;
  places_total: number | null;
  places_under_18_months: number | null;
  published: boolean;
  opening_days: string[] | null;
  opens_at: string | null;
  closes_at: string | null;
  total: number;
};

/** The mean Earth radius (6,371.0088 km) × π / 180. */
const KM_PER_DEGREE = 111.19508;
/** A number as a double: left to itself, `$1 * 2` would make PostgreSQL read the parameter as an integer. */
const float = (value: number): SQL => sql`${value}::float8`;
const textArray = (values: readonly string[]): SQL => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;

/** A site's kind on the map: an RSGE's service is its BC, so its own kind says it is a home. */
const kindOnMap = sql`case when i.kind = 'home_provider' then 'home_provider' else s.kind::text end`;

/**
 * The kinds filter, written so that the planner estimates it from the columns' statistics (a
 * condition on `kindOnMap` is a guess, and a wrong one made it pick a slow nested loop).
 */
function kindCondition(kinds: MapKind[]): SQL {
  const services = kinds.filter((k) => k !== 'home_provider');
  const parts: SQL[] = [];
  if (kinds.includes('home_provider')) parts.push(sql`i.kind = 'home_provider'`);
  if (services.length > 0) parts.push(sql`(i.kind = 'installation' and s.kind in (${sql.join(services.map((k) => sql`${k}`), sql`, `)}))`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

function filterConditions(filters: MapFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.kinds.length > 0) conditions.push(kindCondition(filters.kinds));
  if (filters.subsidized !== null) conditions.push(filters.subsidized ? sql`s.kind <> 'daycare'` : sql`s.kind = 'daycare'`);
  if (filters.ageGroup === 'under_18_months') conditions.push(sql`i.places_under_18_months > 0`);
  if (filters.ageGroup === 'from_18_months') conditions.push(sql`i.places_total > i.places_under_18_months`);
  // Days and hours are public once published; periods and languages only when their section is.
  if (filters.days.length > 0) conditions.push(sql`sh.published_at is not null and sh.opening_days @> ${textArray(filters.days)}`);
  if (filters.periods.length > 0) conditions.push(sql`sh.published_at is not null and 'periods' = any(sh.public_sections) and sh.care_periods && ${textArray(filters.periods)}`);
  if (filters.language) conditions.push(sql`sh.published_at is not null and 'languages' = any(sh.public_sections) and ${filters.language} = any(sh.languages)`);
  return conditions;
}

/**
 * The distance in km from the place to the site's public position, on the plane tangent at their
 * mean latitude: within a few metres of the great-circle distance up to 50 km, for one cosine per
 * row instead of haversine's five trigonometric calls (which took half the scan's time on PGlite).
 */
function distanceFrom(place: Place): SQL {
  const { latitude, longitude } = place;
  return sql`${float(KM_PER_DEGREE)} * sqrt(
    power(i.public_latitude - ${float(latitude)}, 2)
    + power((i.public_longitude - ${float(longitude)}) * cos(radians((i.public_latitude + ${float(latitude)}) / 2)), 2)
  )`;
}

/**
 * The ids and distances of the sites within the circle that pass the filters. A box around the
 * circle narrows through the position index first; only what the filters need is joined, and only
 * ids and distances are kept, so that counting and ordering thousands of sites around Montréal
 * stays cheap: the page's 20 rows are read afterwards.
 */
function sitesWithin(place: Place, radiusKm: number, filters: MapFilters): SQL {
  const { latitude, longitude } = place;
  // The box holds the whole circle as distanceFrom measures it: a degree of longitude is shortest
  // at the box's poleward edge, so its width is taken there.
  const dLatitude = radiusKm / KM_PER_DEGREE;
  const dLongitude = radiusKm / (KM_PER_DEGREE * Math.cos(((Math.abs(latitude) + dLatitude) * Math.PI) / 180));
  const conditions = [
    sql`i.public_latitude between ${float(latitude - dLatitude)} and ${float(latitude + dLatitude)}`,
    sql`i.public_longitude between ${float(longitude - dLongitude)} and ${float(longitude + dLongitude)}`,
    // A suspended RSGE is off the map until a few days before its return; a revoked one for good (childcare README).
    sql`(i.hidden_until is null or i.hidden_until <= ${todayInQuebec()}::date)`,
    ...filterConditions(filters),
  ];
  const needsService = filters.kinds.some((k) => k !== 'home_provider') || filters.subsidized !== null;
  const needsSheet = filters.days.length > 0 || filters.periods.length > 0 || filters.language !== null;
  return sql`
    select id, distance from (
      select i.id, ${distanceFrom(place)} as distance
      from installation i
      ${needsService ? sql`join childcare_service s on s.id = i.service_id` : sql``}
      ${needsSheet ? sql`join service_sheet sh on sh.installation_id = i.id` : sql``}
      where ${sql.join(conditions, sql` and `)}
    ) boxed
    where distance <= ${float(radiusKm)}`;
}

/** The sites within `radiusKm` of the place that pass the filters, nearest first, a page at a time. */
export async function searchMap(db: Db, ctx: Ctx, place: Place, radiusKm: number, filters: MapFilters, page = 1): Promise<MapSearch> {
  await authorize(db, ctx.actor, portalActions.readPublished, undefined);
  const within = sitesWithin(place, radiusKm, filters);
  const rows = await queryRows<Row>(
    db,
    sql`
      with within as materialized (${within}),
      shown as (select id, distance from within order by distance, id limit ${MAP_PAGE_SIZE} offset ${(page - 1) * MAP_PAGE_SIZE})
      select i.id, ${kindOnMap} as kind, i.municipality, i.public_latitude as latitude, i.public_longitude as longitude, shown.distance,
             i.places_total, i.places_under_18_months, sh.published_at is not null as published,
             case when i.kind = 'installation' or (sh.published_at is not null and 'name' = any(sh.public_sections)) then i.name end as name,
             case when i.kind = 'installation' then i.address end as street,
             case when i.kind = 'installation' then i.postal_code end as postal_code,
             case when sh.published_at is not null then sh.opening_days end as opening_days,
             case when sh.published_at is not null then to_char(sh.opens_at, 'HH24:MI') end as opens_at,
             case when sh.published_at is not null then to_char(sh.closes_at, 'HH24:MI') end as closes_at,
             (select count(*)::int from within) as total
      from shown
      join installation i on i.id = shown.id
      join childcare_service s on s.id = i.service_id
      left join service_sheet sh on sh.installation_id = i.id
      order by shown.distance, shown.id`,
  );
  // A page past the end has no row to carry the count: the page still says how many there are.
  const total =
    rows[0]?.total ??
    (page > 1 ? ((await queryRows<{ total: number }>(db, sql`select count(*)::int as total from (${within}) f`))[0]?.total ?? 0) : 0);
  return { place, radiusKm, filters, page, pageCount: Math.max(1, Math.ceil(total / MAP_PAGE_SIZE)), total, entries: rows.map(toEntry) };
}

function toEntry(row: Row): MapEntry {
  const openingDays = row.opening_days ?? [];
  return {
    siteId: row.id,
    kind: row.kind,
    subsidized: row.kind !== 'daycare',
    name: row.name,
    address: row.street !== null && row.postal_code !== null ? { street: row.street, postalCode: row.postal_code } : null,
    municipality: row.municipality,
    position: { latitude: row.latitude, longitude: row.longitude },
    distanceKm: Math.round(row.distance * 10) / 10,
    places: row.places_total !== null && row.places_under_18_months !== null ? { total: row.places_total, under18Months: row.places_under_18_months } : null,
    published: row.published,
    openingDays: weekdays.filter((d) => openingDays.includes(d)),
    opensAt: row.opens_at,
    closesAt: row.closes_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the search from a URL (the page and the JSON share it: a search is a shareable link)

export type MapQueryInput = Partial<Record<'lieu' | 'rayon' | 'page' | 'type' | 'subventionne' | 'age' | 'jours' | 'periodes' | 'langue', string | string[]>>;

export type MapQueryError = 'radius' | 'filter';
export type MapQuery = { place: string; radiusKm: number; filters: MapFilters; page: number };

const DEFAULT_RADIUS_KM = 5;

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

function oneOf<T extends string>(values: readonly T[], given: string[]): T[] | null {
  const known = given.filter((v): v is T => (values as readonly string[]).includes(v));
  return known.length === given.length ? [...new Set(known)] : null;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The search a URL asks for, or what is wrong with it. The radius is a whole number of km from 1
 * to 50 (5 when absent); a filter value that the form never offers is an error, not ignored.
 */
export function parseMapQuery(input: MapQueryInput): { ok: true; query: MapQuery } | { ok: false; error: MapQueryError; place: string } {
  const place = single(input.lieu) ?? '';
  const radiusText = (single(input.rayon) ?? '').trim();
  const radiusKm = radiusText === '' ? DEFAULT_RADIUS_KM : /^[0-9]{1,3}$/.test(radiusText) ? Number(radiusText) : Number.NaN;
  if (!(radiusKm >= MAP_RADIUS_KM.min && radiusKm <= MAP_RADIUS_KM.max)) return { ok: false, error: 'radius', place };
  const pageText = single(input.page) ?? '1';
  const page = /^[0-9]{1,4}$/.test(pageText) && Number(pageText) >= 1 ? Number(pageText) : null;
  const kinds = oneOf(mapKinds, list(input.type));
  const days = oneOf(weekdays, list(input.jours));
  const periods = oneOf(carePeriods, list(input.periodes));
  const subsidizedText = single(input.subventionne) ?? '';
  const subsidized = subsidizedText === '' ? null : subsidizedText === 'oui' ? true : subsidizedText === 'non' ? false : undefined;
  const ageText = single(input.age) ?? '';
  const ageGroup = ageText === '' ? null : (oneOf(ageGroups, [ageText])?.[0] ?? undefined);
  const languageText = single(input.langue) ?? '';
  const language = languageText === '' ? null : (oneOf(sheetLanguages, [languageText])?.[0] ?? undefined);
  if (page === null || !kinds || !days || !periods || subsidized === undefined || ageGroup === undefined || language === undefined) {
    return { ok: false, error: 'filter', place };
  }
  return { ok: true, query: { place, radiusKm, page, filters: { kinds, subsidized, ageGroup, days, periods, language } } };
}

/** The URL's query string of a search (the form's own names), for links to pages and shares. */
export function mapQueryString(query: MapQuery, page = query.page): string {
  const params = new URLSearchParams();
  params.set('lieu', query.place);
  params.set('rayon', String(query.radiusKm));
  for (const kind of query.filters.kinds) params.append('type', kind);
  if (query.filters.subsidized !== null) params.set('subventionne', query.filters.subsidized ? 'oui' : 'non');
  if (query.filters.ageGroup) params.set('age', query.filters.ageGroup);
  for (const day of query.filters.days) params.append('jours', day);
  for (const period of query.filters.periods) params.append('periodes', period);
  if (query.filters.language) params.set('langue', query.filters.language);
  if (page > 1) params.set('page', String(page));
  return params.toString();
}
