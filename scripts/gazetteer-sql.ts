/**
 * Writes the latest gazetteer migration from db/reference/municipalities.csv and
 * db/reference/postal-areas.csv (see src/modules/places/README.md for the sources and licences):
 *
 *   npx tsx scripts/gazetteer-sql.ts                 # writes db/migrations/0019_map_gazetteer.sql
 *   npx tsx scripts/gazetteer-sql.ts --check         # fails if the migration differs from the CSVs
 *
 * Migrations already applied are never rewritten: a corrected CSV goes into a new migration
 * (generate one with drizzle-kit --custom, then point `migrationPath` at it). Every statement
 * upserts, so the new migration corrects rows in place.
 * The rows are checked as the table's constraints would (5-digit code, region 01–17, one row per
 * code) so a bad CSV fails here rather than halfway through a migration.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const csvPath = path.join(root, 'db/reference/municipalities.csv');
const migrationPath = path.join(root, 'db/migrations/0019_map_gazetteer.sql');
const postalCsvPath = path.join(root, 'db/reference/postal-areas.csv');
const POSTAL_HEADER = ['fsa', 'place_name', 'latitude', 'longitude'];
const HEADER = ['geographic_code', 'name', 'region_code', 'region_name', 'latitude', 'longitude'];
const ROWS_PER_STATEMENT = 200;

export type PostalAreaRow = { fsa: string; placeName: string; latitude: number; longitude: number };
export type GazetteerRow = { geographicCode: string; name: string; regionCode: string; regionName: string; latitude: number | null; longitude: number | null };

/** One CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function coordinate(value: string, lineNumber: number): number | null {
  if (value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`line ${lineNumber}: bad coordinate ${value}`);
  return n;
}

export function parseGazetteer(text: string): GazetteerRow[] {
  const lines = text.split('\n').filter((l) => l !== '');
  const [header, ...body] = lines;
  if (header !== HEADER.join(',')) throw new Error(`unexpected header: ${header}`);
  const seen = new Set<string>();
  return body.map((line, index) => {
    const lineNumber = index + 2;
    const fields = parseCsvLine(line);
    if (fields.length !== HEADER.length) throw new Error(`line ${lineNumber}: ${fields.length} fields`);
    const [geographicCode = '', name = '', regionCode = '', regionName = '', latitude = '', longitude = ''] = fields;
    if (!/^[0-9]{5}$/.test(geographicCode)) throw new Error(`line ${lineNumber}: bad geographic code ${geographicCode}`);
    if (!/^(0[1-9]|1[0-7])$/.test(regionCode)) throw new Error(`line ${lineNumber}: bad region code ${regionCode}`);
    if (name.trim() === '' || regionName.trim() === '') throw new Error(`line ${lineNumber}: empty name`);
    if (seen.has(geographicCode)) throw new Error(`line ${lineNumber}: duplicate code ${geographicCode}`);
    seen.add(geographicCode);
    return { geographicCode, name, regionCode, regionName, latitude: coordinate(latitude, lineNumber), longitude: coordinate(longitude, lineNumber) };
  });
}

/** The postal areas, checked as the table's constraints would (Quebec FSA, a point in Quebec, one row each). */
export function parsePostalAreas(text: string): PostalAreaRow[] {
  const [header, ...body] = text.split('\n').filter((l) => l !== '');
  if (header !== POSTAL_HEADER.join(',')) throw new Error(`unexpected header: ${header}`);
  const seen = new Set<string>();
  return body.map((line, index) => {
    const lineNumber = index + 2;
    const [fsa = '', placeName = '', latitude = '', longitude = ''] = parseCsvLine(line);
    if (!/^[GHJ][0-9][A-Z]$/.test(fsa) || seen.has(fsa)) throw new Error(`line ${lineNumber}: bad or repeated FSA ${fsa}`);
    seen.add(fsa);
    const lat = coordinate(latitude, lineNumber);
    const lng = coordinate(longitude, lineNumber);
    if (lat === null || lng === null || lat < 44 || lat > 63 || lng < -80 || lng > -57) throw new Error(`line ${lineNumber}: position outside Quebec`);
    return { fsa, placeName, latitude: lat, longitude: lng };
  });
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const numberOrNull = (value: number | null) => (value === null ? 'NULL' : String(value));

export function gazetteerSql(rows: GazetteerRow[], postalAreas: PostalAreaRow[]): string {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((r) => `  (${literal(r.geographicCode)}, ${literal(r.name)}, ${literal(r.regionCode)}, ${literal(r.regionName)}, ${numberOrNull(r.latitude)}, ${numberOrNull(r.longitude)})`)
      .join(',\n');
    statements.push(
      `INSERT INTO municipality (geographic_code, name, region_code, region_name, latitude, longitude) VALUES\n${values}\n` +
        `ON CONFLICT (geographic_code) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, region_name = excluded.region_name,\n` +
        `  latitude = excluded.latitude, longitude = excluded.longitude, updated_at = now();`,
    );
  }
  for (let i = 0; i < postalAreas.length; i += ROWS_PER_STATEMENT) {
    const values = postalAreas
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((r) => `  (${literal(r.fsa)}, ${literal(r.placeName)}, ${r.latitude}, ${r.longitude})`)
      .join(',\n');
    statements.push(
      `INSERT INTO postal_area (fsa, place_name, latitude, longitude) VALUES\n${values}\n` +
        `ON CONFLICT (fsa) DO UPDATE SET place_name = excluded.place_name, latitude = excluded.latitude, longitude = excluded.longitude, updated_at = now();`,
    );
  }
  const located = rows.filter((r) => r.latitude !== null).length;
  const header = [
    `-- The gazetteer of Quebec municipalities (${rows.length} rows, ${located} with a position) and postal areas (${postalAreas.length} rows),`,
    '-- generated by scripts/gazetteer-sql.ts from db/reference/municipalities.csv (MAMH « Répertoire des municipalités',
    '-- du Québec », CC-BY 4.0; positions from GeoNames, CC BY 4.0) and db/reference/postal-areas.csv (GeoNames postal',
    '-- codes, CC BY 4.0); see src/modules/places/README.md. Do not edit by hand: change the CSVs and run the script.',
  ].join('\n');
  return `${header}\n${statements.join('\n--> statement-breakpoint\n')}\n`;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const generated = gazetteerSql(parseGazetteer(readFileSync(csvPath, 'utf8')), parsePostalAreas(readFileSync(postalCsvPath, 'utf8')));
  if (process.argv.includes('--check')) {
    if (readFileSync(migrationPath, 'utf8') !== generated) {
      console.error(`${path.relative(root, migrationPath)} differs from the CSVs: run npx tsx scripts/gazetteer-sql.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(migrationPath, generated);
    console.log(`wrote ${path.relative(root, migrationPath)}`);
  }
}
