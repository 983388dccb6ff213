import { inArray } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import type { Ctx } from '../../platform/context.js';
import { decodeCsvBytes, parseCsv } from '../../platform/csv/parse.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { normalizePostalCode } from '../enterprises/index.js';
import { isIsoDate, todayInQuebec } from '../../platform/time/index.js';
import { normalizeChildNumber } from './identifiers.js';
import { child, childcareService, childcareServiceKind, installation, regionalDirectorate, siteKind } from './schema.js';
import {
  normalizePermitNumber,
  recordMesFunding,
  upsertAttendance,
  upsertChild,
  upsertChildcareService,
  upsertIntegrationAllowance,
  upsertSite,
  type ChildcareServiceKind,
  type NewChild,
  type SiteKind,
} from './service.js';

/**
 * `npm run childcare:import FILE.csv`: loads or updates the local CSG/CAFE records from one CSV
 * file whose `record` column says what each line is. All or nothing: every bad line is reported
 * (line, column, reason in French and English) and then nothing is imported. The CSV reader is the
 * enterprise registry's (same tolerances, same UTF-8 check).
 */

export const recordKinds = ['service', 'site', 'child', 'attendance', 'allowance', 'funding'] as const;
export type RecordKind = (typeof recordKinds)[number];

export const childcareColumns = [
  'record',
  'permit_number',
  'service_kind',
  'neq',
  'division_number',
  'site_number',
  'site_kind',
  'name',
  'address',
  'municipality',
  'postal_code',
  'region',
  'directorate',
  'places_total',
  'places_under_18_months',
  'latitude',
  'longitude',
  'nirec',
  'necsg',
  'last_name',
  'first_name',
  'birth_date',
  'parent_name',
  'other_parent_name',
  'home_address',
  'home_postal_code',
  'parent_email',
  'home_phone',
  'mobile_phone',
  'start_date',
  'end_date',
  'reference_year',
] as const;
export type ChildcareColumn = (typeof childcareColumns)[number];

/** The columns each kind of line fills; every other column of the line stays empty. */
export const columnsOfRecord: Record<RecordKind, { required: readonly ChildcareColumn[]; optional: readonly ChildcareColumn[] }> = {
  service: { required: ['permit_number', 'service_kind', 'name', 'neq'], optional: ['division_number'] },
  site: {
    required: ['site_number', 'permit_number', 'site_kind', 'name', 'address', 'municipality', 'postal_code', 'region', 'directorate', 'places_total', 'places_under_18_months', 'latitude', 'longitude'],
    // An RSGE's own enterprise (its NEQ), which manages its sheet; an installation's is its service's.
    optional: ['neq'],
  },
  child: {
    required: ['nirec', 'necsg', 'last_name', 'first_name', 'birth_date', 'parent_name', 'home_address', 'home_postal_code'],
    optional: ['other_parent_name', 'parent_email', 'home_phone', 'mobile_phone'],
  },
  attendance: { required: ['nirec', 'site_number', 'start_date'], optional: ['end_date'] },
  allowance: { required: ['nirec', 'site_number', 'start_date'], optional: ['end_date'] },
  funding: { required: ['nirec', 'site_number', 'reference_year'], optional: [] },
};

export type ImportError = { line: number; column: ChildcareColumn | null; fr: string; en: string };

type PeriodLine = { nirec: string; siteNumber: string; startDate: string; endDate: string | null };

/** A checked line of the file. */
export type ChildcareLine = { line: number } & (
  | { kind: 'service'; permitNumber: string; serviceKind: ChildcareServiceKind; name: string; neq: string; divisionNumber: string | null }
  | {
      kind: 'site';
      number: string;
      permitNumber: string;
      siteKind: SiteKind;
      name: string;
      address: string;
      municipality: string;
      postalCode: string;
      region: string;
      directorateCode: string;
      providerNeq: string | null;
      placesTotal: number;
      placesUnder18Months: number;
      latitude: number;
      longitude: number;
    }
  | ({ kind: 'child' } & NewChild)
  | ({ kind: 'attendance' } & PeriodLine)
  | ({ kind: 'allowance' } & PeriodLine)
  | { kind: 'funding'; nirec: string; siteNumber: string; referenceYear: number }
);

type LineOf<K extends RecordKind> = Extract<ChildcareLine, { kind: K }>;
type LineValues<K extends RecordKind> = Omit<LineOf<K>, 'line'>;

export type ParsedChildcareFile = { ok: true; lines: ChildcareLine[] } | { ok: false; errors: ImportError[] };

export function formatImportError(error: ImportError): string {
  const fr = error.column ? `Ligne ${error.line}, colonne « ${error.column} » : ${error.fr}` : `Ligne ${error.line} : ${error.fr}`;
  const en = error.column ? `line ${error.line}, column "${error.column}": ${error.en}` : `line ${error.line}: ${error.en}`;
  return `${fr} / ${en}`;
}

// ---------------------------------------------------------------------------------------------
// One line

type Cells = Record<ChildcareColumn, string>;
type Fail = (column: ChildcareColumn, fr: string, en: string) => void;

/** One line of text: runs of spaces and line breaks become one space. */
const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9 ()+.-]{7,30}$/;

/**
 * Readers of the cells of one line. Values of children are not repeated in messages: the report
 * is shown on a terminal and may be pasted anywhere.
 */
function cellReader(cells: Cells, fail: Fail) {
  const text = (column: ChildcareColumn, max: number): string => {
    const value = oneLine(cells[column]);
    if (value.length > max) fail(column, `${max} caractères au plus`, `${max} characters at most`);
    return value;
  };
  const date = (column: ChildcareColumn): string => {
    const value = cells[column];
    if (!isIsoDate(value)) fail(column, `« ${value} » : date AAAA-MM-JJ attendue`, `"${value}": date YYYY-MM-DD expected`);
    return value;
  };
  return {
    text,
    date,
    optionalText: (column: ChildcareColumn, max: number): string | null => text(column, max) || null,
    digits(column: ChildcareColumn, count: number): string {
      const value = normalizeChildNumber(cells[column]);
      if (!new RegExp(`^\\d{${count}}$`).test(value)) fail(column, `${count} chiffres attendus`, `${count} digits expected`);
      return value;
    },
    optionalDigits(column: ChildcareColumn, count: number): string | null {
      if (cells[column] === '') return null;
      const value = normalizeChildNumber(cells[column]);
      if (!new RegExp(`^\\d{${count}}$`).test(value)) fail(column, `${count} chiffres attendus`, `${count} digits expected`);
      return value;
    },
    oneOf<T extends string>(column: ChildcareColumn, values: readonly T[]): T {
      const value = cells[column].toLowerCase();
      if (!(values as readonly string[]).includes(value)) fail(column, `« ${cells[column]} » : ${values.join(', ')} attendu`, `"${cells[column]}": ${values.join(', ')} expected`);
      return value as T;
    },
    optionalDate: (column: ChildcareColumn): string | null => (cells[column] === '' ? null : date(column)),
    postalCode(column: ChildcareColumn): string {
      const value = normalizePostalCode(cells[column]);
      if (!value) fail(column, 'code postal canadien attendu (A1A 1A1)', 'Canadian postal code expected (A1A 1A1)');
      return value ?? '';
    },
    email(column: ChildcareColumn): string | null {
      const value = cells[column];
      if (value === '') return null;
      if (value.length > 254 || !EMAIL.test(value)) fail(column, 'adresse courriel invalide', 'invalid e-mail address');
      return value;
    },
    phone(column: ChildcareColumn): string | null {
      const value = oneLine(cells[column]);
      if (value === '') return null;
      if (!PHONE.test(value)) fail(column, 'numéro de téléphone invalide (chiffres, espaces, tirets, parenthèses)', 'invalid phone number (digits, spaces, dashes, parentheses)');
      return value;
    },
    permitNumber(column: ChildcareColumn): string {
      const value = normalizePermitNumber(cells[column]);
      if (!/^[A-Z0-9]{1,20}$/.test(value)) fail(column, `« ${cells[column]} » : lettres et chiffres attendus (20 au plus)`, `"${cells[column]}": letters and digits expected (20 at most)`);
      return value;
    },
    siteNumber(column: ChildcareColumn): string {
      const value = cells[column];
      if (!/^[A-Za-z0-9-]{1,30}$/.test(value)) fail(column, `« ${value} » : lettres, chiffres et tirets attendus (30 au plus)`, `"${value}": letters, digits and dashes expected (30 at most)`);
      return value;
    },
    region(column: ChildcareColumn): string {
      const value = cells[column].padStart(2, '0');
      if (!/^(0[1-9]|1[0-7])$/.test(value)) fail(column, `« ${cells[column]} » : région administrative de 01 à 17 attendue`, `"${cells[column]}": administrative region 01 to 17 expected`);
      return value;
    },
    places(column: ChildcareColumn): number {
      const value = Number(cells[column]);
      if (!/^\d{1,4}$/.test(cells[column])) fail(column, `« ${cells[column]} » : nombre entier de places attendu (0 à 9999)`, `"${cells[column]}": whole number of places expected (0 to 9999)`);
      return value;
    },
    coordinate(column: ChildcareColumn, min: number, max: number): number {
      const value = Number(cells[column]);
      if (!/^-?\d{1,3}(\.\d{1,7})?$/.test(cells[column]) || value < min || value > max) {
        fail(column, `« ${cells[column]} » : degrés décimaux de ${min} à ${max} attendus (point décimal)`, `"${cells[column]}": decimal degrees from ${min} to ${max} expected (decimal point)`);
      }
      return value;
    },
    year(column: ChildcareColumn): number {
      const value = Number(cells[column]);
      if (!/^\d{4}$/.test(cells[column]) || value < 2000 || value > 2099) fail(column, `« ${cells[column]} » : année de 2000 à 2099 attendue`, `"${cells[column]}": year 2000 to 2099 expected`);
      return value;
    },
  };
}

type Reader = ReturnType<typeof cellReader>;

function readPeriod(read: Reader, fail: Fail): PeriodLine {
  const period = { nirec: read.digits('nirec', 10), siteNumber: read.siteNumber('site_number'), startDate: read.date('start_date'), endDate: read.optionalDate('end_date') };
  if (period.endDate && isIsoDate(period.startDate) && period.endDate < period.startDate) fail('end_date', 'la fin précède le début', 'the end comes before the start');
  return period;
}

/** Quebec's extent, a little wider: a coordinate outside it is a typo or swapped columns. */
const QUEBEC_BOUNDS = { south: 44.9, north: 62.7, west: -79.8, east: -57 };

/**
 * What a recognition allows an RSGE (Règlement sur les services de garde éducatifs à l'enfance,
 * art. 53): 6 children of whom at most 2 under 18 months, or 9 of whom 4 with an assistant.
 */
const HOME_PROVIDER_MAX = { total: 9, under18Months: 4 };

/** Rules of a site line across its cells: places that add up, and what only an RSGE has. */
function checkSite(site: LineValues<'site'>, fail: Fail): void {
  if (site.placesUnder18Months > site.placesTotal) fail('places_under_18_months', 'plus de places de moins de 18 mois que de places en tout', 'more places under 18 months than places in all');
  if (site.siteKind === 'installation' && site.providerNeq !== null) fail('neq', "ne s'applique qu'à une RSGE (son entreprise) : laissez-la vide pour une installation", 'applies only to an RSGE (its enterprise): leave it empty for an installation');
  if (site.siteKind === 'home_provider') {
    if (site.placesTotal > HOME_PROVIDER_MAX.total) fail('places_total', `une RSGE est reconnue pour ${HOME_PROVIDER_MAX.total} enfants au plus`, `an RSGE is recognized for ${HOME_PROVIDER_MAX.total} children at most`);
    if (site.placesUnder18Months > HOME_PROVIDER_MAX.under18Months) fail('places_under_18_months', `une RSGE reçoit ${HOME_PROVIDER_MAX.under18Months} enfants de moins de 18 mois au plus`, `an RSGE takes ${HOME_PROVIDER_MAX.under18Months} children under 18 months at most`);
  }
}

const readers: { [K in RecordKind]: (read: Reader, fail: Fail) => LineValues<K> } = {
  service: (read) => ({
    kind: 'service',
    permitNumber: read.permitNumber('permit_number'),
    serviceKind: read.oneOf('service_kind', childcareServiceKind.enumValues),
    name: read.text('name', 200),
    neq: read.digits('neq', 10),
    divisionNumber: read.optionalText('division_number', 30),
  }),
  site: (read, fail) => {
    const site: LineValues<'site'> = {
      kind: 'site',
      number: read.siteNumber('site_number'),
      permitNumber: read.permitNumber('permit_number'),
      siteKind: read.oneOf('site_kind', siteKind.enumValues),
      name: read.text('name', 200),
      address: read.text('address', 200),
      municipality: read.text('municipality', 100),
      postalCode: read.postalCode('postal_code'),
      region: read.region('region'),
      directorateCode: read.digits('directorate', 2),
      providerNeq: read.optionalDigits('neq', 10),
      placesTotal: read.places('places_total'),
      placesUnder18Months: read.places('places_under_18_months'),
      latitude: read.coordinate('latitude', QUEBEC_BOUNDS.south, QUEBEC_BOUNDS.north),
      longitude: read.coordinate('longitude', QUEBEC_BOUNDS.west, QUEBEC_BOUNDS.east),
    };
    checkSite(site, fail);
    return site;
  },
  child: (read, fail) => {
    const record = {
      kind: 'child' as const,
      nirec: read.digits('nirec', 10),
      necsg: read.digits('necsg', 9),
      lastName: read.text('last_name', 100),
      firstName: read.text('first_name', 100),
      birthDate: read.date('birth_date'),
      parentName: read.text('parent_name', 200),
      otherParentName: read.optionalText('other_parent_name', 200),
      homeAddress: read.text('home_address', 200),
      homePostalCode: read.postalCode('home_postal_code'),
      parentEmail: read.email('parent_email'),
      homePhone: read.phone('home_phone'),
      mobilePhone: read.phone('mobile_phone'),
    };
    if (isIsoDate(record.birthDate) && record.birthDate > todayInQuebec()) fail('birth_date', 'date de naissance dans le futur', 'birth date in the future');
    return record;
  },
  attendance: (read, fail) => ({ kind: 'attendance', ...readPeriod(read, fail) }),
  allowance: (read, fail) => ({ kind: 'allowance', ...readPeriod(read, fail) }),
  funding: (read) => ({ kind: 'funding', nirec: read.digits('nirec', 10), siteNumber: read.siteNumber('site_number'), referenceYear: read.year('reference_year') }),
};

const isRecordKind = (value: string): value is RecordKind => (recordKinds as readonly string[]).includes(value);

/** Required columns filled, the others empty: a value in a column a line does not use is a shifted line. */
function checkColumnsUsed(kind: RecordKind, cells: Cells, fail: Fail): void {
  const { required, optional } = columnsOfRecord[kind];
  for (const column of childcareColumns) {
    if (column === 'record') continue;
    const filled = cells[column] !== '';
    if (required.includes(column) && !filled) fail(column, `valeur obligatoire pour une ligne « ${kind} »`, `value required on a "${kind}" line`);
    if (!required.includes(column) && !optional.includes(column) && filled) fail(column, `ne s'applique pas à une ligne « ${kind} » : laissez-la vide`, `does not apply to a "${kind}" line: leave it empty`);
  }
}

/** Checks one data row; the line when it is good, else its errors. */
function readLine(line: number, cells: Cells): { record: ChildcareLine | null; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const fail: Fail = (column, fr, en) => errors.push({ line, column, fr, en });
  const kind = cells.record.toLowerCase();
  if (!isRecordKind(kind)) {
    fail('record', `« ${cells.record} » : ${recordKinds.join(', ')} attendu`, `"${cells.record}": ${recordKinds.join(', ')} expected`);
    return { record: null, errors };
  }
  checkColumnsUsed(kind, cells, fail);
  // An empty column was reported just above; the readers judge the form of what is there.
  const failIfFilled: Fail = (column, fr, en) => {
    if (cells[column] !== '') fail(column, fr, en);
  };
  const values = readers[kind](cellReader(cells, failIfFilled), failIfFilled);
  return errors.length > 0 ? { record: null, errors } : { record: { line, ...values } as ChildcareLine, errors };
}

// ---------------------------------------------------------------------------------------------
// The whole file

/** What makes a line unique in a file: its natural key, and the column that shows it. */
function keysOf(record: ChildcareLine): { column: ChildcareColumn; key: string }[] {
  switch (record.kind) {
    case 'service':
      return [{ column: 'permit_number', key: record.permitNumber }];
    case 'site':
      return [{ column: 'site_number', key: record.number }];
    case 'child':
      return [
        { column: 'nirec', key: record.nirec },
        { column: 'necsg', key: `necsg ${record.necsg}` },
      ];
    case 'attendance':
    case 'allowance':
      return [{ column: 'start_date', key: `${record.nirec} ${record.siteNumber} ${record.startDate}` }];
    case 'funding':
      return [{ column: 'reference_year', key: `${record.nirec} ${record.siteNumber} ${record.referenceYear}` }];
  }
}

/** A line that repeats another's natural key (same kind) is reported with the first one's line. */
function duplicateErrors(records: ChildcareLine[]): ImportError[] {
  const firstLine = new Map<string, number>();
  const errors: ImportError[] = [];
  for (const record of records) {
    for (const { column, key } of keysOf(record)) {
      const id = `${record.kind} ${key}`;
      const first = firstLine.get(id);
      if (first === undefined) firstLine.set(id, record.line);
      else errors.push({ line: record.line, column, fr: `ligne « ${record.kind} » déjà donnée à la ligne ${first}`, en: `"${record.kind}" line already given on line ${first}` });
    }
  }
  return errors;
}

function headerErrors(line: number, names: string[]): ImportError[] {
  const errors: ImportError[] = [];
  const known = childcareColumns as readonly string[];
  const missing = childcareColumns.filter((column) => !names.includes(column));
  if (missing.length > 0) errors.push({ line, column: null, fr: `colonnes manquantes dans l'en-tête : ${missing.join(', ')}`, en: `columns missing from the header: ${missing.join(', ')}` });
  names.forEach((name, index) => {
    if (!known.includes(name)) errors.push({ line, column: null, fr: `colonne inconnue « ${name} »`, en: `unknown column "${name}"` });
    else if (names.indexOf(name) !== index) errors.push({ line, column: name as ChildcareColumn, fr: "colonne en double dans l'en-tête", en: 'column appears twice in the header' });
  });
  return errors;
}

/** Parses and checks a whole file: its lines only when every one is good. */
export function parseChildcareCsv(text: string): ParsedChildcareFile {
  const { rows, problems } = parseCsv(text);
  const errors: ImportError[] = problems.map((p) => ({ line: p.line, column: null, fr: p.fr, en: p.en }));
  const [header, ...data] = rows;
  if (!header) return { ok: false, errors: [...errors, { line: 1, column: null, fr: "fichier vide : la ligne d'en-tête manque", en: 'empty file: the header row is missing' }] };
  const names = header.fields.map((name) => name.trim());
  const badHeader = headerErrors(header.line, names);
  // Without a sound header no line can be read.
  if (badHeader.length > 0 || header.malformed) return { ok: false, errors: [...errors, ...badHeader] };

  const records: ChildcareLine[] = [];
  for (const row of data) {
    if (row.malformed) continue;
    if (row.fields.length !== names.length) {
      errors.push({ line: row.line, column: null, fr: `${row.fields.length} champs au lieu de ${names.length}`, en: `${row.fields.length} fields instead of ${names.length}` });
      continue;
    }
    const cells = Object.fromEntries(names.map((name, index) => [name, (row.fields[index] ?? '').trim()])) as Cells;
    const { record, errors: lineErrors } = readLine(row.line, cells);
    errors.push(...lineErrors);
    if (record) records.push(record);
  }
  errors.push(...duplicateErrors(records));
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  if (records.length === 0) return { ok: false, errors: [{ line: header.line, column: null, fr: 'le fichier ne contient aucune ligne de données', en: 'the file holds no data line' }] };
  return { ok: true, lines: records };
}

export function parseChildcareFile(bytes: Uint8Array): ParsedChildcareFile {
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) return { ok: false, errors: decoded.errors.map((e) => ({ ...e, column: null })) };
  return parseChildcareCsv(decoded.text);
}

// ---------------------------------------------------------------------------------------------
// Loading

export type ImportCounts = Record<RecordKind, number>;
export type ImportResult = { ok: true; counts: ImportCounts } | { ok: false; errors: ImportError[] };

type Lines = { [K in RecordKind]: LineOf<K>[] };

function byKind(records: ChildcareLine[]): Lines {
  const lines: Lines = { service: [], site: [], child: [], attendance: [], allowance: [], funding: [] };
  for (const record of records) (lines[record.kind] as ChildcareLine[]).push(record);
  return lines;
}

/** `in (…)` lists are cut so that no query carries more parameters than the drivers take. */
async function selectIn<T>(values: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += 5000) rows.push(...(await query(unique.slice(i, i + 5000))));
  return rows;
}

/** What the database already holds of the services, sites and children the file names. */
async function existingRecords(tx: Db, lines: Lines) {
  const references = [...lines.attendance, ...lines.allowance, ...lines.funding];
  const services = await selectIn(
    lines.site.map((l) => l.permitNumber),
    (chunk) => tx.select({ id: childcareService.id, permitNumber: childcareService.permitNumber, kind: childcareService.kind }).from(childcareService).where(inArray(childcareService.permitNumber, chunk)),
  );
  const sites = await selectIn(
    references.map((l) => l.siteNumber),
    (chunk) => tx.select({ id: installation.id, number: installation.number }).from(installation).where(inArray(installation.number, chunk)),
  );
  const children = await selectIn(
    references.map((l) => l.nirec),
    (chunk) => tx.select({ id: child.id, nirec: child.nirec }).from(child).where(inArray(child.nirec, chunk)),
  );
  const necsgOwners = await selectIn(
    lines.child.map((l) => l.necsg),
    (chunk) => tx.select({ nirec: child.nirec, necsg: child.necsg }).from(child).where(inArray(child.necsg, chunk)),
  );
  const directorateCodes = (await tx.select({ code: regionalDirectorate.code }).from(regionalDirectorate)).map((row) => row.code);
  return {
    serviceByPermit: new Map(services.map((s) => [s.permitNumber, s])),
    siteIdByNumber: new Map(sites.map((s) => [s.number, s.id])),
    childIdByNirec: new Map(children.map((c) => [c.nirec, c.id])),
    nirecOfNecsg: new Map(necsgOwners.map((c) => [c.necsg, c.nirec])),
    directorateCodes: new Set(directorateCodes),
  };
}

type Existing = Awaited<ReturnType<typeof existingRecords>>;

/** A bureau coordonnateur recognizes RSGE; the other services have installations. */
const siteKindOf = (serviceKind: ChildcareServiceKind): SiteKind => (serviceKind === 'coordinating_office' ? 'home_provider' : 'installation');

/** Lines naming a service, site or child that neither the file nor the database holds, and other conflicts. */
function referenceErrors(lines: Lines, existing: Existing): ImportError[] {
  const errors: ImportError[] = [];
  const serviceKinds = new Map([...[...existing.serviceByPermit].map(([permit, s]) => [permit, s.kind] as const), ...lines.service.map((l) => [l.permitNumber, l.serviceKind] as const)]);
  const siteNumbers = new Set([...existing.siteIdByNumber.keys(), ...lines.site.map((l) => l.number)]);
  const nirecs = new Set([...existing.childIdByNirec.keys(), ...lines.child.map((l) => l.nirec)]);
  for (const site of lines.site) {
    const kind = serviceKinds.get(site.permitNumber);
    if (!kind) errors.push({ line: site.line, column: 'permit_number', fr: `aucun service ne porte le numéro ${site.permitNumber} (ni dans le fichier ni dans la base)`, en: `no service holds number ${site.permitNumber} (neither in the file nor in the database)` });
    else if (siteKindOf(kind) !== site.siteKind) errors.push({ line: site.line, column: 'site_kind', fr: `un service « ${kind} » a des sites « ${siteKindOf(kind)} »`, en: `a "${kind}" service has "${siteKindOf(kind)}" sites` });
    if (!existing.directorateCodes.has(site.directorateCode)) errors.push({ line: site.line, column: 'directorate', fr: `direction régionale ${site.directorateCode} inconnue (${[...existing.directorateCodes].join(', ')})`, en: `unknown regional directorate ${site.directorateCode} (${[...existing.directorateCodes].join(', ')})` });
  }
  for (const record of lines.child) {
    const owner = existing.nirecOfNecsg.get(record.necsg);
    if (owner !== undefined && owner !== record.nirec) errors.push({ line: record.line, column: 'necsg', fr: 'ce NECSG appartient déjà à un autre enfant', en: 'this NECSG already belongs to another child' });
  }
  for (const record of [...lines.attendance, ...lines.allowance, ...lines.funding]) {
    if (!nirecs.has(record.nirec)) errors.push({ line: record.line, column: 'nirec', fr: 'aucun enfant ne porte ce NIREC (ni dans le fichier ni dans la base)', en: 'no child holds this NIREC (neither in the file nor in the database)' });
    if (!siteNumbers.has(record.siteNumber)) errors.push({ line: record.line, column: 'site_number', fr: `aucun site ne porte le numéro ${record.siteNumber} (ni dans le fichier ni dans la base)`, en: `no site holds number ${record.siteNumber} (neither in the file nor in the database)` });
  }
  return errors.sort((a, b) => a.line - b.line);
}

/** Writes checked lines in the order their references need: services, sites, children, then the rest. */
async function writeLines(tx: Db, lines: Lines, existing: Existing): Promise<void> {
  const serviceIds = new Map([...existing.serviceByPermit].map(([permit, s]) => [permit, s.id]));
  for (const { permitNumber, serviceKind, name, neq, divisionNumber } of lines.service) {
    const row = await upsertChildcareService(tx, { permitNumber, kind: serviceKind, name, enterpriseNeq: neq, divisionNumber });
    serviceIds.set(permitNumber, row.id);
  }
  const siteIds = new Map(existing.siteIdByNumber);
  for (const { line: _line, kind: _kind, permitNumber, siteKind: kind, ...site } of lines.site) {
    const serviceId = serviceIds.get(permitNumber);
    if (!serviceId) throw new Error('site without its service after the checks');
    siteIds.set(site.number, await upsertSite(tx, { ...site, kind, serviceId }));
  }
  const childIds = new Map(existing.childIdByNirec);
  for (const { line: _line, kind: _kind, ...record } of lines.child) childIds.set(record.nirec, await upsertChild(tx, record));

  const idsOf = (record: { nirec: string; siteNumber: string }) => {
    const childId = childIds.get(record.nirec);
    const installationId = siteIds.get(record.siteNumber);
    if (!childId || !installationId) throw new Error('reference without its row after the checks');
    return { childId, installationId };
  };
  for (const period of lines.attendance) await upsertAttendance(tx, { ...idsOf(period), startDate: period.startDate, endDate: period.endDate });
  for (const period of lines.allowance) await upsertIntegrationAllowance(tx, { ...idsOf(period), startDate: period.startDate, endDate: period.endDate });
  for (const funding of lines.funding) {
    const { childId, installationId } = idsOf(funding);
    await recordMesFunding(tx, childId, installationId, funding.referenceYear);
  }
}

/** Loads checked lines in the caller's transaction; references are checked before anything is written. */
export async function applyChildcareLines(tx: Db, ctx: Ctx, records: ChildcareLine[], source: string): Promise<ImportResult> {
  const lines = byKind(records);
  const existing = await existingRecords(tx, lines);
  const errors = referenceErrors(lines, existing);
  if (errors.length > 0) return { ok: false, errors };
  await writeLines(tx, lines, existing);
  const counts = Object.fromEntries(recordKinds.map((kind) => [kind, lines[kind].length])) as ImportCounts;
  await recordAudit(tx, ctx, { action: 'childcare.imported', details: { source, ...counts } });
  return { ok: true, counts };
}

/** Loads checked lines in one transaction: all of them or none. */
export function importChildcareLines(db: Db, ctx: Ctx, records: ChildcareLine[], source: string): Promise<ImportResult> {
  return transaction(db, (tx) => applyChildcareLines(tx, ctx, records, source));
}

/** Parses, checks and loads a whole file in one transaction: all of it or nothing. */
export async function importChildcare(db: Db, ctx: Ctx, bytes: Uint8Array, source: string): Promise<ImportResult> {
  const parsed = parseChildcareFile(bytes);
  if (!parsed.ok) return parsed;
  return importChildcareLines(db, ctx, parsed.lines, source);
}
