import { recordAudit } from '../../platform/audit/service.js';
import type { Ctx } from '../../platform/context.js';
import { decodeCsvBytes, parseCsv } from '../../platform/csv/parse.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { isAssessmentNumber, isImpotnetCode, isTenDigits, isValidSin, normalizeIdentifier } from './identifiers.js';
import { upsertRegistryRecord, type RegistryRecord } from './registry.js';
import { legalTypes, officerFunctions, type LegalType, type OfficerFunction } from './rules.js';
import { registryEnterprise } from './schema.js';

/**
 * `npm run registry:import FILE.csv`: loads or updates the local registry from a CSV file, all or
 * nothing. Every bad line is reported (line, column, reason in French and English) and then
 * nothing is imported.
 */

// ---------------------------------------------------------------------------------------------
// Registry file

export const registryColumns = [
  'rq_id',
  'neq',
  'legal_name',
  'legal_type',
  'address_line',
  'municipality',
  'postal_code',
  'return_filed',
  'mailing_address_ok',
  'file_in_good_standing',
  'officers_up_to_date',
  'assessment_number',
  'owner_sin',
  'impotnet_code',
  'officers',
] as const;
export type RegistryColumn = (typeof registryColumns)[number];

export type ImportError = { line: number; column: RegistryColumn | null; fr: string; en: string };
export type NumberedRecord = { line: number; record: RegistryRecord };
export type ParsedRegistryFile = { ok: true; records: NumberedRecord[] } | { ok: false; errors: ImportError[] };

export function formatImportError(error: ImportError): string {
  const fr = error.column ? `Ligne ${error.line}, colonne « ${error.column} » : ${error.fr}` : `Ligne ${error.line} : ${error.fr}`;
  const en = error.column ? `line ${error.line}, column "${error.column}": ${error.en}` : `line ${error.line}: ${error.en}`;
  return `${fr} / ${en}`;
}

/** Canada Post: no D, F, I, O, Q or U; no W or Z as the first letter. */
const POSTAL_CODE = /^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$/;

export function normalizePostalCode(value: string): string | null {
  const match = POSTAL_CODE.exec(value.trim().toUpperCase());
  return match ? `${match[1]} ${match[2]}` : null;
}

const BOOLEANS = new Map([
  ['true', true],
  ['oui', true],
  ['false', false],
  ['non', false],
]);

/** One line of text: runs of spaces and line breaks become one space. */
const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

type Officer = RegistryRecord['officers'][number];

/**
 * `function:First Last` entries separated by semicolons. The last word is the last name; a `|`
 * separates them explicitly when the last name has several words (`president:Jean|De La Fontaine`).
 */
export function parseOfficers(value: string): { officers: Officer[]; problems: { fr: string; en: string }[] } {
  const officers: Officer[] = [];
  const problems: { fr: string; en: string }[] = [];
  const entries = value
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const fn = (colon < 0 ? '' : entry.slice(0, colon)).trim();
    const name = oneLine(colon < 0 ? entry : entry.slice(colon + 1));
    if (colon < 0) {
      problems.push({ fr: `« ${entry} » : attendu fonction:Prénom Nom`, en: `"${entry}": expected function:First Last` });
      continue;
    }
    if (!(officerFunctions as readonly string[]).includes(fn)) {
      problems.push({ fr: `fonction « ${fn} » inconnue (${officerFunctions.join(', ')})`, en: `unknown function "${fn}" (${officerFunctions.join(', ')})` });
      continue;
    }
    const bar = name.indexOf('|');
    const space = name.lastIndexOf(' ');
    const [firstName, lastName] = bar >= 0 ? [name.slice(0, bar).trim(), name.slice(bar + 1).trim()] : space > 0 ? [name.slice(0, space), name.slice(space + 1)] : ['', name];
    if (firstName === '' || lastName === '' || lastName.includes('|')) {
      problems.push({ fr: `« ${entry} » : il faut un prénom et un nom`, en: `"${entry}": a first and a last name are required` });
      continue;
    }
    if (firstName.length > 100 || lastName.length > 100) {
      problems.push({ fr: `« ${entry} » : nom trop long (100 caractères au plus)`, en: `"${entry}": name too long (100 characters at most)` });
      continue;
    }
    const officer = { firstName, lastName, function: fn as OfficerFunction };
    if (officers.some((o) => o.function === officer.function && o.firstName === firstName && o.lastName === lastName)) {
      problems.push({ fr: `« ${entry} » est en double`, en: `"${entry}" appears twice` });
      continue;
    }
    officers.push(officer);
  }
  return { officers, problems };
}

type Cells = Record<RegistryColumn, string>;

/** Checks one data row; the record when it is good, else its errors. */
function readRecord(line: number, cells: Cells): { record: RegistryRecord | null; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const fail = (column: RegistryColumn, fr: string, en: string) => errors.push({ line, column, fr, en });

  const tenDigits = (column: 'rq_id' | 'neq'): string => {
    const value = normalizeIdentifier(cells[column]);
    if (value === '') fail(column, 'valeur obligatoire', 'value required');
    else if (!isTenDigits(value)) fail(column, `« ${cells[column]} » : 10 chiffres attendus`, `"${cells[column]}": 10 digits expected`);
    return value;
  };
  const text = (column: 'legal_name' | 'address_line' | 'municipality', max: number): string => {
    const value = oneLine(cells[column]);
    if (value === '') fail(column, 'valeur obligatoire', 'value required');
    else if (value.length > max) fail(column, `${max} caractères au plus`, `${max} characters at most`);
    return value;
  };
  const flag = (column: 'return_filed' | 'mailing_address_ok' | 'file_in_good_standing' | 'officers_up_to_date'): boolean => {
    const value = BOOLEANS.get(cells[column].toLowerCase());
    if (value === undefined) fail(column, `« ${cells[column]} » : true, false, oui ou non attendu`, `"${cells[column]}": true, false, oui or non expected`);
    return value ?? false;
  };
  const secret = (column: 'assessment_number' | 'owner_sin' | 'impotnet_code', valid: (v: string) => boolean, fr: string, en: string): string | null => {
    const value = normalizeIdentifier(cells[column]);
    if (value === '') return null;
    // The value itself is not repeated in the message: it is a secret.
    if (!valid(value)) fail(column, fr, en);
    return value;
  };

  const rqId = tenDigits('rq_id');
  const neq = tenDigits('neq');
  const legalName = text('legal_name', 200);
  const legalType = cells.legal_type as LegalType;
  if (!(legalTypes as readonly string[]).includes(legalType)) {
    fail('legal_type', `« ${cells.legal_type} » : ${legalTypes.join(', ')} attendu`, `"${cells.legal_type}": ${legalTypes.join(', ')} expected`);
  }
  const addressLine = text('address_line', 200);
  const municipality = text('municipality', 100);
  const postalCode = normalizePostalCode(cells.postal_code);
  if (!postalCode) fail('postal_code', `« ${cells.postal_code} » : code postal canadien attendu (A1A 1A1)`, `"${cells.postal_code}": Canadian postal code expected (A1A 1A1)`);
  const returnFiled = flag('return_filed');
  const mailingAddressOk = flag('mailing_address_ok');
  const fileInGoodStanding = flag('file_in_good_standing');
  const officersUpToDate = flag('officers_up_to_date');
  const assessmentNumber = secret('assessment_number', isAssessmentNumber, 'numéro d\'avis de cotisation invalide (6 à 15 lettres ou chiffres)', 'invalid assessment number (6 to 15 letters or digits)');
  const ownerSin = secret('owner_sin', isValidSin, 'numéro d\'assurance sociale invalide (9 chiffres, clé de contrôle)', 'invalid social insurance number (9 digits, check digit)');
  const impotnetCode = secret('impotnet_code', isImpotnetCode, 'code d\'accès impôtNET invalide (6 à 12 lettres ou chiffres)', 'invalid impôtNET access code (6 to 12 letters or digits)');
  if (legalType !== 'sole_proprietor' && (legalTypes as readonly string[]).includes(legalType)) {
    if (ownerSin) fail('owner_sin', 'permis seulement pour un particulier en affaires (sole_proprietor)', 'allowed only for a sole proprietor');
    if (impotnetCode) fail('impotnet_code', 'permis seulement pour un particulier en affaires (sole_proprietor)', 'allowed only for a sole proprietor');
  }
  const { officers, problems } = parseOfficers(cells.officers);
  for (const p of problems) fail('officers', p.fr, p.en);

  if (errors.length > 0) return { record: null, errors };
  return {
    record: {
      rqId,
      neq,
      legalName,
      legalType,
      addressLine,
      municipality,
      postalCode: postalCode ?? '',
      returnFiled,
      mailingAddressOk,
      fileInGoodStanding,
      officersUpToDate,
      assessmentNumber,
      ownerSin,
      impotnetCode,
      officers,
    },
    errors,
  };
}

/** Parses and checks a whole file: its records only when every line is good. */
export function parseRegistryCsv(text: string): ParsedRegistryFile {
  const { rows, problems } = parseCsv(text);
  const errors: ImportError[] = problems.map((p) => ({ line: p.line, column: null, fr: p.fr, en: p.en }));
  const [header, ...data] = rows;
  if (!header) return { ok: false, errors: [...errors, { line: 1, column: null, fr: 'fichier vide : la ligne d\'en-tête manque', en: 'empty file: the header row is missing' }] };

  const names = header.fields.map((name) => name.trim());
  const known = registryColumns as readonly string[];
  const headerErrors: ImportError[] = [];
  const missing = registryColumns.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    headerErrors.push({ line: header.line, column: null, fr: `colonnes manquantes dans l'en-tête : ${missing.join(', ')}`, en: `columns missing from the header: ${missing.join(', ')}` });
  }
  names.forEach((name, index) => {
    if (!known.includes(name)) headerErrors.push({ line: header.line, column: null, fr: `colonne inconnue « ${name} » (attendues : ${registryColumns.join(', ')})`, en: `unknown column "${name}" (expected: ${registryColumns.join(', ')})` });
    else if (names.indexOf(name) !== index) headerErrors.push({ line: header.line, column: name as RegistryColumn, fr: 'colonne en double dans l\'en-tête', en: 'column appears twice in the header' });
  });
  // Without a sound header no line can be read.
  if (headerErrors.length > 0 || header.malformed) return { ok: false, errors: [...errors, ...headerErrors] };

  const records: NumberedRecord[] = [];
  const firstLineOf = { rq_id: new Map<string, number>(), neq: new Map<string, number>() };
  for (const row of data) {
    if (row.malformed) continue;
    if (row.fields.length !== names.length) {
      errors.push({ line: row.line, column: null, fr: `${row.fields.length} champs au lieu de ${names.length}`, en: `${row.fields.length} fields instead of ${names.length}` });
      continue;
    }
    const cells = Object.fromEntries(names.map((name, index) => [name, (row.fields[index] ?? '').trim()])) as Cells;
    const { record, errors: lineErrors } = readRecord(row.line, cells);
    errors.push(...lineErrors);
    for (const column of ['rq_id', 'neq'] as const) {
      const value = normalizeIdentifier(cells[column]);
      if (!isTenDigits(value)) continue;
      const first = firstLineOf[column].get(value);
      if (first === undefined) firstLineOf[column].set(value, row.line);
      else errors.push({ line: row.line, column, fr: `${value} figure déjà à la ligne ${first}`, en: `${value} already appears on line ${first}` });
    }
    if (record) records.push({ line: row.line, record });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  if (records.length === 0) return { ok: false, errors: [{ line: header.line, column: null, fr: 'le fichier ne contient aucune entreprise', en: 'the file holds no enterprise' }] };
  return { ok: true, records };
}

/**
 * Decodes a file's bytes as UTF-8 (a byte order mark is allowed). A file saved in another encoding
 * (Windows-1252 from a spreadsheet) is refused with the lines where it shows.
 */
export function parseRegistryFile(bytes: Uint8Array): ParsedRegistryFile {
  const decoded = decodeCsvBytes(bytes);
  return decoded.ok ? parseRegistryCsv(decoded.text) : decoded;
}

// ---------------------------------------------------------------------------------------------
// Loading

export type ImportResult = { ok: true; created: number; updated: number } | { ok: false; errors: ImportError[] };

/**
 * Upserts checked records in the caller's transaction. An NEQ that the registry already gives to
 * another enterprise is reported before anything is written.
 */
export async function applyRegistryRecords(tx: Db, ctx: Ctx, secret: string, records: NumberedRecord[], source: string): Promise<ImportResult> {
  const existing = await tx.select({ rqId: registryEnterprise.rqId, neq: registryEnterprise.neq }).from(registryEnterprise);
  const rqIds = new Set(existing.map((row) => row.rqId));
  const ownerOfNeq = new Map(existing.map((row) => [row.neq, row.rqId]));
  const errors: ImportError[] = [];
  for (const { line, record } of records) {
    const owner = ownerOfNeq.get(record.neq);
    if (owner !== undefined && owner !== record.rqId) {
      errors.push({ line, column: 'neq', fr: `${record.neq} appartient déjà à l'entreprise ${owner} du registre`, en: `${record.neq} already belongs to registry enterprise ${owner}` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  let created = 0;
  for (const { record } of records) {
    if (!rqIds.has(record.rqId)) created++;
    await upsertRegistryRecord(tx, secret, record);
  }
  const updated = records.length - created;
  await recordAudit(tx, ctx, { action: 'registry.imported', details: { source, created, updated } });
  return { ok: true, created, updated };
}

/** Loads checked records in one transaction: all of them or none. */
export function importRegistryRecords(db: Db, ctx: Ctx, secret: string, records: NumberedRecord[], source: string): Promise<ImportResult> {
  return transaction(db, (tx) => applyRegistryRecords(tx, ctx, secret, records, source));
}

/** Parses, checks and loads a whole file in one transaction: all of it or nothing. */
export async function importRegistry(db: Db, ctx: Ctx, secret: string, bytes: Uint8Array, source: string): Promise<ImportResult> {
  const parsed = parseRegistryFile(bytes);
  if (!parsed.ok) return parsed;
  return importRegistryRecords(db, ctx, secret, parsed.records, source);
}
