import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { systemCtx } from '../../platform/context.js';
import type { Database, Db } from '../../platform/db/index.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { runCli } from '../../platform/testing/cli.js';
import { childcareColumns, formatImportError, importChildcare, parseChildcareCsv, parseChildcareFile, type ChildcareColumn, type ImportError, type ImportResult, type ParsedChildcareFile } from './import.js';
import { child, childAttendance, installation, integrationAllowance, mesFunding } from './schema.js';
import { findChildrenForEnterprise, findServiceByPermit, hasIntegrationAllowance, mesFundingHistory, sitesHeldBy, sitesOfEnterprise } from './service.js';

const root = path.resolve(import.meta.dirname, '../../..');
const samplePath = path.join(root, 'db/samples/childcare-sample.csv');
const ctx = systemCtx('test-childcare-import');

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A data line: the record kind and its cells, every other column empty. */
function line(record: string, values: Partial<Record<ChildcareColumn, string>>): string {
  const row: Partial<Record<ChildcareColumn, string>> = { ...values, record };
  return childcareColumns.map((column) => quote(row[column] ?? '')).join(',');
}

function csv(...lines: string[]): Buffer {
  return Buffer.from(`${[childcareColumns.join(','), ...lines].join('\n')}\n`);
}

const service = (values: Partial<Record<ChildcareColumn, string>> = {}) => line('service', { permit_number: 'CPE-7001', service_kind: 'cpe', name: 'CPE Essai', neq: '3370070001', ...values });
const site = (values: Partial<Record<ChildcareColumn, string>> = {}) =>
  line('site', { site_number: '7001-01', permit_number: 'CPE-7001', site_kind: 'installation', name: 'Installation Essai', address: '1, rue Essai', municipality: 'Québec', postal_code: 'G1K 1A1', region: '03', directorate: '11', places_total: '60', places_under_18_months: '10', latitude: '46.81', longitude: '-71.22', ...values });
const kid = (values: Partial<Record<ChildcareColumn, string>> = {}) =>
  line('child', { nirec: '4000000001', necsg: '400000001', last_name: 'Essai', first_name: 'Éva', birth_date: '2022-01-01', parent_name: 'Parent Essai', home_address: '2, rue Essai', home_postal_code: 'G1K 1A2', ...values });

function assertImported(result: ImportResult): asserts result is Extract<ImportResult, { ok: true }> {
  assert.ok(result.ok, result.ok ? '' : result.errors.map(formatImportError).join('\n'));
}

function errorsOf(result: ImportResult | ParsedChildcareFile): Pick<ImportError, 'line' | 'column'>[] {
  assert.equal(result.ok, false);
  return result.ok ? [] : result.errors.map(({ line, column }) => ({ line, column }));
}

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

const count = async (table: typeof child | typeof installation | typeof childAttendance | typeof integrationAllowance | typeof mesFunding) => (await db.select().from(table)).length;

describe('childcare import: a good file', () => {
  test('the sample loads services, sites, children, attendance, AIEH and funding', async () => {
    const result = await importChildcare(db, ctx, fs.readFileSync(samplePath), 'childcare-sample.csv');
    assertImported(result);
    assert.deepEqual(result.counts, { service: 4, site: 5, child: 4, attendance: 5, allowance: 3, funding: 2 });

    const sites = await sitesOfEnterprise(db, '3370000104');
    assert.deepEqual(
      sites.map((s) => [s.number, s.postalCode, s.region, s.directorateCode, s.divisionNumber]),
      [
        ['4104-02', 'G6V 4E2', '12', '14', '3000-4104'],
        ['4104-01', 'G1K 2X1', '03', '11', '3000-4104'],
      ],
    );
    const [maika] = await findChildrenForEnterprise(db, '3370000104', { lastName: 'lefebvre-ethier', firstName: 'MAIKA', birthDate: '2022-04-18' });
    assert.equal(maika?.child.nirec, '2100000001');
    assert.equal(maika.child.otherParentName, 'Benoît Éthier');
    assert.equal(await hasIntegrationAllowance(db, maika.child.id, maika.sites[0]?.id ?? '', '2025-01-15'), true);

    const [antoine] = await findChildrenForEnterprise(db, '3370000104', { nirec: '2100000002' });
    assert.deepEqual(
      antoine?.sites.map((s) => s.number),
      ['4104-02'],
      'the ended attendance at 4104-01 is not shown',
    );
    assert.deepEqual(
      (await mesFundingHistory(db, antoine.child.id)).map((f) => [f.siteNumber, f.referenceYear]),
      [['4104-01', 2023]],
    );
    const [audit] = await db.select().from(auditEvent).where(eq(auditEvent.action, 'childcare.imported'));
    assert.deepEqual(audit?.details, { source: 'childcare-sample.csv', service: 4, site: 5, child: 4, attendance: 5, allowance: 3, funding: 2 });

    // Every kind of provider, with its places and position; an RSGE's own enterprise manages its site.
    const kinds = await Promise.all(['CPE-4104', 'GAR-4101', 'GAR-4102', 'BC-4201'].map(async (permit) => (await findServiceByPermit(db, permit))?.kind));
    assert.deepEqual(kinds, ['cpe', 'subsidized_daycare', 'daycare', 'coordinating_office']);
    const [saintRoch] = await db.select().from(installation).where(eq(installation.number, '4104-01'));
    assert.deepEqual([saintRoch?.placesTotal, saintRoch?.placesUnder18Months, saintRoch?.latitude, saintRoch?.longitude], [60, 10, 46.8128, -71.2253]);
    assert.deepEqual([saintRoch?.publicLatitude, saintRoch?.publicLongitude], [46.8128, -71.2253], 'an installation is shown where it is');
    const [home] = await sitesHeldBy(db, '3370004201');
    assert.equal(home?.number, 'RSGE-4201-01');
    assert.deepEqual([home.providerNeq, home.placesTotal, home.placesUnder18Months], ['3370004201', 6, 2]);
    assert.deepEqual([home.publicLatitude, home.publicLongitude], [45.49, -75.705], 'an RSGE is shown at the centre of its grid cell');
    assert.deepEqual((await sitesHeldBy(db, '3370000201')).map((s) => s.number), [], 'the BC does not hold its RSGE’s sheets');
  });

  test('importing again updates rows by their natural keys and duplicates none', async () => {
    const before = await Promise.all([count(child), count(installation), count(childAttendance), count(integrationAllowance), count(mesFunding)]);
    assertImported(await importChildcare(db, ctx, fs.readFileSync(samplePath), 'again.csv'));
    assert.deepEqual(await Promise.all([count(child), count(installation), count(childAttendance), count(integrationAllowance), count(mesFunding)]), before);

    // Maïka leaves Saint-Roch, her parent's phone changes, the service changes its name.
    const update = csv(
      service({ permit_number: 'CPE-4104', neq: '3370000104', name: 'CPE Les Pommettes' }),
      line('child', { nirec: '2100000001', necsg: '210000001', last_name: 'Lefebvre-Éthier', first_name: 'Maïka', birth_date: '2022-04-18', parent_name: 'Josée Lefebvre', home_address: '1, rue Neuve, Québec (Québec)', home_postal_code: 'G1K 6E6', home_phone: '418 555-0199' }),
      line('attendance', { nirec: '2100000001', site_number: '4104-01', start_date: '2024-09-03', end_date: '2025-06-30' }),
    );
    assertImported(await importChildcare(db, ctx, update, 'update.csv'));
    assert.equal((await findServiceByPermit(db, 'CPE-4104'))?.name, 'CPE Les Pommettes');
    assert.equal((await findServiceByPermit(db, 'CPE-4104'))?.divisionNumber, null, 'an empty division number is imported as none');
    const [row] = await db.select().from(child).where(eq(child.nirec, '2100000001'));
    assert.equal(row?.homePhone, '418 555-0199');
    assert.equal(row.otherParentName, null);
    assert.deepEqual(await findChildrenForEnterprise(db, '3370000104', { nirec: '2100000001' }, '2025-07-01'), []);
    assert.equal(await count(childAttendance), before[2]);
  });

  test('lines may come in any order and refer to rows already in the database', async () => {
    const file = csv(
      line('allowance', { nirec: '4000000001', site_number: '4104-01', start_date: '2025-01-01' }),
      line('attendance', { nirec: '4000000001', site_number: '4104-01', start_date: '2025-01-01' }),
      kid(),
    );
    assertImported(await importChildcare(db, ctx, file, 'order.csv'));
    const [eva] = await findChildrenForEnterprise(db, '3370000104', { necsg: '400000001' }, '2025-02-01');
    assert.equal(eva?.sites[0]?.number, '4104-01');
  });
});

describe('childcare import: bad files import nothing and name every bad line', () => {
  test('bad values: line, column, French and English reason', () => {
    const result = parseChildcareCsv(
      csv(
        service({ service_kind: 'creche', neq: '33700' }),
        site({ postal_code: 'ZZZ', region: '18', site_kind: '' }),
        kid({ nirec: '123', necsg: 'abcdefghi', birth_date: '2022-02-30', parent_email: 'pas-un-courriel', home_phone: 'appelez-moi' }),
        line('attendance', { nirec: '4000000001', site_number: '7001-01', start_date: '2025-05-01', end_date: '2025-04-01' }),
        line('funding', { nirec: '4000000001', site_number: '7001-01', reference_year: '25' }),
        line('visit', {}),
      ).toString(),
    );
    assert.deepEqual(errorsOf(result), [
      { line: 2, column: 'service_kind' },
      { line: 2, column: 'neq' },
      { line: 3, column: 'site_kind' },
      { line: 3, column: 'postal_code' },
      { line: 3, column: 'region' },
      { line: 4, column: 'nirec' },
      { line: 4, column: 'necsg' },
      { line: 4, column: 'birth_date' },
      { line: 4, column: 'parent_email' },
      { line: 4, column: 'home_phone' },
      { line: 5, column: 'end_date' },
      { line: 6, column: 'reference_year' },
      { line: 7, column: 'record' },
    ]);
    assert.ok(!result.ok && result.errors.every((e) => e.fr.length > 0 && e.en.length > 0));
  });

  test('places, coordinates and the RSGE’s enterprise: checked on the line', () => {
    const home = { site_kind: 'home_provider', permit_number: 'BC-7001', site_number: 'RSGE-7001-01' };
    const result = parseChildcareCsv(
      csv(
        site({ places_total: 'soixante', places_under_18_months: '-1', latitude: '146.8', longitude: '-71,22' }),
        site({ site_number: '7001-02', places_total: '10', places_under_18_months: '12', neq: '3370070001' }),
        site({ ...home, places_total: '10', places_under_18_months: '5', neq: '33700' }),
        site({ ...home, site_number: 'RSGE-7001-02', places_total: '6', places_under_18_months: '2', latitude: '48.85', longitude: '2.35' }),
        site({ site_number: '7001-03', latitude: '', longitude: '' }),
      ).toString(),
    );
    assert.deepEqual(errorsOf(result), [
      { line: 2, column: 'places_total' },
      { line: 2, column: 'places_under_18_months' },
      { line: 2, column: 'latitude' },
      { line: 2, column: 'longitude' },
      { line: 3, column: 'places_under_18_months' },
      { line: 3, column: 'neq' },
      { line: 4, column: 'neq' },
      { line: 4, column: 'places_total' },
      { line: 4, column: 'places_under_18_months' },
      { line: 5, column: 'longitude' },
      { line: 6, column: 'latitude' },
      { line: 6, column: 'longitude' },
    ]);
  });

  test("a child's values are not repeated in the report", () => {
    const result = parseChildcareCsv(csv(kid({ nirec: '12345', parent_email: 'secret@' })).toString());
    assert.ok(!result.ok);
    for (const error of result.errors) assert.ok(!formatImportError(error).includes('12345') && !formatImportError(error).includes('secret@'), formatImportError(error));
  });

  test('a missing required value and a value in a column the line does not use', () => {
    assert.deepEqual(errorsOf(parseChildcareCsv(csv(service({ name: '', nirec: '4000000001' })).toString())), [
      { line: 2, column: 'name' },
      { line: 2, column: 'nirec' },
    ]);
  });

  test('a line given twice, header problems, wrong field counts, an empty file', () => {
    assert.deepEqual(errorsOf(parseChildcareCsv(csv(service(), service({ name: 'Autre' }), kid(), kid({ nirec: '4000000002' })).toString())), [
      { line: 3, column: 'permit_number' },
      { line: 5, column: 'necsg' },
    ]);
    assert.deepEqual(errorsOf(parseChildcareCsv('record,permit_number,oops\n')), [
      { line: 1, column: null },
      { line: 1, column: null },
    ]);
    assert.deepEqual(errorsOf(parseChildcareCsv(`${childcareColumns.join(',')}\nservice,CPE-1\n`)), [{ line: 2, column: null }]);
    assert.deepEqual(errorsOf(parseChildcareCsv('')), [{ line: 1, column: null }]);
    assert.deepEqual(errorsOf(parseChildcareCsv(`${childcareColumns.join(',')}\n`)), [{ line: 1, column: null }]);
  });

  test('unknown references and conflicts are found before anything is written', async () => {
    const before = await count(child);
    const result = await importChildcare(
      db,
      ctx,
      csv(
        kid({ nirec: '4000000009', necsg: '400000009' }),
        site({ site_number: '7009-01', permit_number: 'CPE-7999' }),
        site({ site_number: '7009-02', permit_number: 'CPE-4104', site_kind: 'home_provider', places_total: '6', places_under_18_months: '2' }),
        site({ site_number: '7009-03', permit_number: 'CPE-4104', directorate: '19' }),
        kid({ nirec: '4000000010', necsg: '210000002' }),
        line('attendance', { nirec: '4999999999', site_number: 'NULLE-PART', start_date: '2025-01-01' }),
      ),
      'refs.csv',
    );
    assert.deepEqual(errorsOf(result), [
      { line: 3, column: 'permit_number' },
      { line: 4, column: 'site_kind' },
      { line: 5, column: 'directorate' },
      { line: 6, column: 'necsg' },
      { line: 7, column: 'nirec' },
      { line: 7, column: 'site_number' },
    ]);
    assert.equal(await count(child), before, 'the good child line was not imported either');
  });

  test('a file that is not UTF-8 is refused', () => {
    const latin1 = Buffer.concat([Buffer.from(`${childcareColumns.join(',')}\n`), Buffer.from([0x73, 0xe9, 0x0a])]);
    assert.deepEqual(errorsOf(parseChildcareFile(latin1)), [{ line: 2, column: null }]);
  });
});

describe('npm run childcare:import', { timeout: 120_000 }, () => {
  test('a bad file: every error listed, exit 1, no database opened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-childcare-'));
    try {
      const file = path.join(dir, 'bad.csv');
      fs.writeFileSync(file, csv(service({ neq: '1' }), kid({ birth_date: 'hier' })));
      const { code, stderr } = await runCli('src/modules/childcare/import-cli.ts', [file], { DATA_DIR: path.join(dir, 'data') });
      assert.equal(code, 1, stderr);
      assert.match(stderr, /2 erreur\(s\), rien n'a été importé/);
      assert.match(stderr, /Ligne 2, colonne « neq »/);
      assert.match(stderr, /line 3, column "birth_date"/);
      assert.ok(!fs.existsSync(path.join(dir, 'data', 'pglite')), 'the database was not created');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
