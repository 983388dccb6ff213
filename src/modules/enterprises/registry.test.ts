import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { eq, inArray } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { systemCtx } from '../../platform/context.js';
import { openDatabase, transaction, type Database, type Db } from '../../platform/db/index.js';
import { lockDataDir } from '../../platform/db/lock.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { TEST_SECRET } from '../../platform/testing/app.js';
import { runCli, type CliResult } from '../../platform/testing/cli.js';
import { demoEnterprises, demoRegistryLines, seedEnterprisesDemo } from './demo.js';
import { importRegistry, importRegistryRecords, parseRegistryCsv, registryColumns, type ImportResult } from './import.js';
import { localRegistry, type RegistryRecord } from './registry.js';
import { corporationOfficerFunctions, type CorporationOfficerFunction, type LegalType } from './rules.js';
import { requestInvitationNumber } from './service.js';
import { registryEnterprise, registryOfficer } from './schema.js';

const root = path.resolve(import.meta.dirname, '../../..');
const samplePath = path.join(root, 'db/samples/registry-sample.csv');
const ctx = systemCtx('test-registry-import');

const HEADER = registryColumns.join(',');

/** A data line from defaults and overrides, quoted where needed. */
function csvLine(values: Partial<Record<(typeof registryColumns)[number], string>>): string {
  const defaults: Record<(typeof registryColumns)[number], string> = {
    rq_id: '1170009001',
    neq: '3370009001',
    legal_name: 'Garderie Essai inc.',
    legal_type: 'corporation',
    address_line: '1, rue Essai',
    municipality: 'Montréal',
    postal_code: 'H2X 1Y4',
    return_filed: 'oui',
    mailing_address_ok: 'oui',
    file_in_good_standing: 'oui',
    officers_up_to_date: 'oui',
    assessment_number: '',
    owner_sin: '',
    impotnet_code: '',
    officers: '',
  };
  const row = { ...defaults, ...values };
  return registryColumns.map((column) => quote(row[column])).join(',');
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(...lines: string[]): Buffer {
  return Buffer.from(`${[HEADER, ...lines].join('\n')}\n`);
}

function assertImported(result: ImportResult): asserts result is Extract<ImportResult, { ok: true }> {
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors, null, 2));
}

// ---------------------------------------------------------------------------------------------

describe('registry file checks', () => {
  test('the sample file is valid; values are normalised', () => {
    const parsed = parseRegistryCsv(fs.readFileSync(samplePath, 'utf8'));
    assert.ok(parsed.ok, JSON.stringify(parsed));
    const byRqId = new Map(parsed.records.map((r) => [r.record.rqId, r.record]));
    const copains = byRqId.get('1170000101');
    assert.equal(copains?.legalName, 'Garderie Les Copains, inc.');
    assert.equal(copains?.postalCode, 'H3B 1X9');
    assert.deepEqual(copains?.officers.map((o) => `${o.function}:${o.firstName} ${o.lastName}`), [
      'president:Geneviève Boucher',
      'vice_president:Éric Lafleur',
      'treasurer:Nathalie Dubé',
    ]);
    assert.equal(byRqId.get('1170000102')?.postalCode, 'G2B 1E5');
    assert.equal(byRqId.get('1170000102')?.mailingAddressOk, false);
    const sophie = byRqId.get('1170000103');
    assert.equal(sophie?.ownerSin, '046454302');
    assert.equal(sophie?.impotnetCode, 'SOPHIE2026');
    assert.deepEqual(sophie?.officers, []);
    assert.deepEqual(byRqId.get('1170000104')?.officers[1], { function: 'secretary', firstName: 'Jean', lastName: 'De La Fontaine' });
    assert.equal(byRqId.get('1170000105')?.legalName, 'Garderie Les Trois "P" S.E.N.C.');
  });

  test('every bad line is reported with its column, in French and English, and no record is returned', () => {
    const parsed = parseRegistryCsv(
      csv(
        csvLine({ rq_id: '1170009001', neq: '3370009001' }),
        csvLine({ rq_id: '1170009002', neq: '3370009002', postal_code: 'H2X 1Y', owner_sin: '046454286' }),
        csvLine({ rq_id: '1170009003', neq: '3370009003' }),
        csvLine({ rq_id: '117000900', neq: '3370009004', return_filed: 'peut-être', officers: 'president:Marie Tremblay;chef:Luc Gagnon' }),
      ).toString(),
    );
    assert.equal(parsed.ok, false);
    const errors = parsed.ok ? [] : parsed.errors;
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [3, 'postal_code'],
        [3, 'owner_sin'],
        [5, 'rq_id'],
        [5, 'return_filed'],
        [5, 'officers'],
      ],
    );
    for (const error of errors) assert.ok(error.fr && error.en && error.fr !== error.en);
    assert.match(errors.find((e) => e.column === 'owner_sin')?.en ?? '', /only for a sole proprietor/);
  });

  test('a secret is never repeated in an error message', () => {
    const parsed = parseRegistryCsv(csv(csvLine({ legal_type: 'sole_proprietor', owner_sin: '046454287', impotnet_code: 'x!', assessment_number: 'abc' })).toString());
    assert.equal(parsed.ok, false);
    const text = JSON.stringify(parsed);
    for (const value of ['046454287', 'x!', 'ABC', 'abc']) assert.ok(!text.includes(value), value);
    assert.deepEqual(parsed.ok ? [] : parsed.errors.map((e) => e.column), ['assessment_number', 'owner_sin', 'impotnet_code']);
  });

  test('impôtNET code only for a sole proprietor', () => {
    const parsed = parseRegistryCsv(csv(csvLine({ legal_type: 'partnership', impotnet_code: 'ABCDEF12' })).toString());
    assert.deepEqual(parsed.ok ? [] : parsed.errors.map((e) => [e.line, e.column]), [[2, 'impotnet_code']]);
  });

  test('an RQ ID or NEQ twice in the file is reported on the later line, naming the first', () => {
    const parsed = parseRegistryCsv(
      csv(
        csvLine({ rq_id: '1170009001', neq: '3370009001' }),
        csvLine({ rq_id: '1170009002', neq: '3370009001' }),
        csvLine({ rq_id: '1170009001', neq: '3370009003' }),
      ).toString(),
    );
    const errors = parsed.ok ? [] : parsed.errors;
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [3, 'neq'],
        [4, 'rq_id'],
      ],
    );
    assert.match(errors[0]?.en ?? '', /line 2/);
    assert.match(errors[1]?.fr ?? '', /ligne 2/);
  });

  test('header: missing, unknown and repeated columns; empty file; wrong number of fields', () => {
    const missing = parseRegistryCsv('rq_id,neq,colour\n1,2,3\n');
    assert.equal(missing.ok, false);
    const missingText = JSON.stringify(missing);
    assert.match(missingText, /columns missing from the header: legal_name/);
    assert.match(missingText, /unknown column \\"colour\\"/);
    const repeated = parseRegistryCsv(`${HEADER},neq\n`);
    assert.deepEqual(repeated.ok ? [] : repeated.errors.map((e) => [e.line, e.column]), [[1, 'neq']]);
    for (const empty of ['', '\uFEFF', '\n\n']) {
      const parsed = parseRegistryCsv(empty);
      assert.match(parsed.ok ? '' : (parsed.errors[0]?.en ?? ''), /header row is missing/);
    }
    const headerOnly = parseRegistryCsv(`${HEADER}\n`);
    assert.match(headerOnly.ok ? '' : (headerOnly.errors[0]?.en ?? ''), /holds no enterprise/);
    const short = parseRegistryCsv(`${HEADER}\n1170009001,3370009001\n`);
    assert.deepEqual(short.ok ? [] : short.errors.map((e) => [e.line, e.en]), [[2, `2 fields instead of ${registryColumns.length}`]]);
  });

  test('columns may come in any order; booleans and postal codes in any case', () => {
    const columns = [...registryColumns].reverse();
    const values: Record<string, string> = { rq_id: '1170009001', neq: '3370009001', legal_name: 'X inc.', legal_type: 'corporation', address_line: '1 rue A', municipality: 'Laval', postal_code: 'h7n4c2', return_filed: 'TRUE', mailing_address_ok: 'Non', file_in_good_standing: 'false', officers_up_to_date: 'OUI' };
    const parsed = parseRegistryCsv(`${columns.join(',')}\n${columns.map((c) => values[c] ?? '').join(',')}\n`);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(
      (({ postalCode, returnFiled, mailingAddressOk, fileInGoodStanding, officersUpToDate }) => ({ postalCode, returnFiled, mailingAddressOk, fileInGoodStanding, officersUpToDate }))(parsed.records[0]!.record),
      { postalCode: 'H7N 4C2', returnFiled: true, mailingAddressOk: false, fileInGoodStanding: false, officersUpToDate: true },
    );
  });

  test('postal codes follow the Canadian format', () => {
    for (const bad of ['H2X1Y', 'D2X 1Y4', 'W2X 1Y4', 'H2O 1Y4', '12345', 'H2X-1Y4']) {
      const parsed = parseRegistryCsv(csv(csvLine({ postal_code: bad })).toString());
      assert.deepEqual(parsed.ok ? [] : parsed.errors.map((e) => e.column), ['postal_code'], bad);
    }
  });

  test('the demo enterprises pass the same checks, through the CSV format', () => {
    const lines = demoEnterprises.map((e) =>
      csvLine({
        rq_id: e.rqId,
        neq: e.neq,
        legal_name: e.legalName,
        legal_type: e.legalType,
        address_line: e.addressLine,
        municipality: e.municipality,
        postal_code: e.postalCode,
        return_filed: String(e.returnFiled),
        mailing_address_ok: String(e.mailingAddressOk),
        file_in_good_standing: String(e.fileInGoodStanding),
        officers_up_to_date: String(e.officersUpToDate),
        assessment_number: e.assessmentNumber ?? '',
        owner_sin: e.ownerSin ?? '',
        impotnet_code: e.impotnetCode ?? '',
        officers: e.officers.map((o) => `${o.function}:${o.firstName} ${o.lastName}`).join(';'),
      }),
    );
    const parsed = parseRegistryCsv(csv(...lines).toString());
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(
      parsed.records.map((r) => r.record),
      demoEnterprises.map(({ case: _case, ...record }): RegistryRecord => record),
    );
  });

  test('the demo covers every legal type and every invitation condition', () => {
    const types = new Set(demoEnterprises.map((e) => e.legalType));
    assert.deepEqual([...types].sort(), ['corporation', 'nonprofit', 'partnership', 'sole_proprietor']);
    const corporations = demoEnterprises.filter((e) => e.legalType === 'corporation');
    const flags = ['returnFiled', 'mailingAddressOk', 'fileInGoodStanding', 'officersUpToDate'] as const;
    assert.ok(corporations.some((e) => flags.every((flag) => e[flag]) && e.officers.some((o) => o.function === 'president')));
    for (const flag of flags) {
      const failing = corporations.filter((e) => !e[flag]);
      assert.equal(failing.length, 1, flag);
      assert.deepEqual(
        flags.filter((other) => !failing[0]![other]),
        [flag],
        `a corporation failing only ${flag}`,
      );
    }
    const proprietors = demoEnterprises.filter((e) => e.legalType === 'sole_proprietor');
    assert.ok(proprietors.some((e) => e.ownerSin && e.impotnetCode && e.assessmentNumber));
    assert.ok(proprietors.some((e) => e.ownerSin && !e.impotnetCode));
    const lines = demoRegistryLines();
    assert.ok(lines.length >= 2 && lines.length <= 4);
    assert.match(lines.join('\n'), /1170000001.*Marie Tremblay/);
    assert.match(lines.join('\n'), /1170000007.*046 454 286.*IMPOTNET26/);
  });
});

// ---------------------------------------------------------------------------------------------

async function rowsOf(db: Db, rqIds: string[]) {
  const enterprises = await db.select().from(registryEnterprise).where(inArray(registryEnterprise.rqId, rqIds));
  const ids = enterprises.map((e) => e.id);
  const officers = ids.length > 0 ? await db.select().from(registryOfficer).where(inArray(registryOfficer.enterpriseId, ids)) : [];
  return { enterprises, officers };
}

describe('import into the database', { timeout: 120_000 }, () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  test('a good file creates the enterprises and their officers, keeping identifiers only as HMACs', async () => {
    const result = await importRegistry(database.db, ctx, TEST_SECRET, fs.readFileSync(samplePath), 'registry-sample.csv');
    assertImported(result);
    assert.deepEqual(result, { ok: true, created: 5, updated: 0 });
    const rqIds = ['1170000101', '1170000102', '1170000103', '1170000104', '1170000105'];
    const { enterprises, officers } = await rowsOf(database.db, rqIds);
    assert.equal(enterprises.length, 5);
    assert.equal(officers.length, 8);
    const sophie = enterprises.find((e) => e.rqId === '1170000103');
    assert.ok(sophie?.ownerSinHash && sophie.impotnetCodeHash && sophie.assessmentNumberHash);
    assert.match(sophie.ownerSinHash, /^[0-9a-f]{64}$/);
    assert.equal(sophie.postalCode, 'J6A 2P4');
    const registry = localRegistry(TEST_SECRET);
    assert.equal(registry.matchesSecret(sophie, 'sin', '046 454 302'), true);
    assert.equal(registry.matchesSecret(sophie, 'impotnetCode', 'sophie2026'), true);
    assert.equal(registry.matchesSecret(sophie, 'assessmentNumber', 'VQ24000103'), true);

    // No identifier in clear anywhere in the rows, nor in the audit event of the import.
    const audit = await database.db.select().from(auditEvent).where(eq(auditEvent.action, 'registry.imported'));
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0]?.details, { source: 'registry-sample.csv', created: 5, updated: 0 });
    const stored = JSON.stringify({ enterprises, officers, audit });
    for (const secret of ['046454302', '046 454 302', 'SOPHIE2026', 'sophie2026', 'VQ24000101', 'VQ24000102', 'VQ24000103']) {
      assert.ok(!stored.includes(secret), `${secret} stored in clear`);
    }
  });

  test('a second import updates by RQ ID and replaces only the officers that changed', async () => {
    const first = await importRegistry(
      database.db,
      ctx,
      TEST_SECRET,
      csv(csvLine({ rq_id: '1170009101', neq: '3370009101', officers: 'president:Marie Tremblay;treasurer:Luc Gagnon' })),
      'first.csv',
    );
    assertImported(first);
    const before = await rowsOf(database.db, ['1170009101']);
    const president = before.officers.find((o) => o.function === 'president');

    const second = await importRegistry(
      database.db,
      ctx,
      TEST_SECRET,
      csv(
        csvLine({ rq_id: '1170009101', neq: '3370009101', legal_name: 'Garderie Renommée inc.', officers_up_to_date: 'non', officers: 'president:Marie Tremblay;secretary:Anne Roy' }),
        csvLine({ rq_id: '1170009102', neq: '3370009102' }),
      ),
      'second.csv',
    );
    assert.deepEqual(second, { ok: true, created: 1, updated: 1 });
    const afterwards = await rowsOf(database.db, ['1170009101']);
    assert.equal(afterwards.enterprises.length, 1);
    assert.equal(afterwards.enterprises[0]?.id, before.enterprises[0]?.id);
    assert.equal(afterwards.enterprises[0]?.legalName, 'Garderie Renommée inc.');
    assert.equal(afterwards.enterprises[0]?.officersUpToDate, false);
    assert.deepEqual(afterwards.officers.map((o) => `${o.function}:${o.firstName} ${o.lastName}`).sort(), ['president:Marie Tremblay', 'secretary:Anne Roy']);
    assert.equal(afterwards.officers.find((o) => o.function === 'president')?.id, president?.id, 'an unchanged officer keeps its row');
  });

  test('a file with two bad lines imports nothing and reports both lines', async () => {
    const rqIds = ['1170009201', '1170009202', '1170009203', '1170009204'];
    const result = await importRegistry(
      database.db,
      ctx,
      TEST_SECRET,
      csv(
        csvLine({ rq_id: rqIds[0], neq: '3370009201' }),
        csvLine({ rq_id: rqIds[1], neq: '3370009202', legal_type: 'cooperative' }),
        csvLine({ rq_id: rqIds[2], neq: '3370009203' }),
        csvLine({ rq_id: rqIds[3], neq: '3370009204', owner_sin: '123456789', legal_type: 'sole_proprietor' }),
      ),
      'bad.csv',
    );
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : [...new Set(result.errors.map((e) => e.line))], [3, 5]);
    assert.equal((await rowsOf(database.db, rqIds)).enterprises.length, 0);
  });

  test('an NEQ the registry already gives to another enterprise is refused, and nothing is imported', async () => {
    assertImported(await importRegistry(database.db, ctx, TEST_SECRET, csv(csvLine({ rq_id: '1170009301', neq: '3370009301' })), 'a.csv'));
    const result = await importRegistry(
      database.db,
      ctx,
      TEST_SECRET,
      csv(csvLine({ rq_id: '1170009302', neq: '3370009302' }), csvLine({ rq_id: '1170009303', neq: '3370009301' })),
      'b.csv',
    );
    assert.deepEqual(result.ok ? [] : result.errors.map((e) => [e.line, e.column]), [[3, 'neq']]);
    assert.match(result.ok ? '' : (result.errors[0]?.en ?? ''), /1170009301/);
    assert.equal((await rowsOf(database.db, ['1170009302', '1170009303'])).enterprises.length, 0);
  });

  test('a failure while loading rolls back the lines already written', async () => {
    const parsed = parseRegistryCsv(csv(csvLine({ rq_id: '1170009351', neq: '3370009351' }), csvLine({ rq_id: '1170009352', neq: '3370009352' })).toString());
    assert.ok(parsed.ok);
    const [good, second] = parsed.records;
    assert.ok(good && second);
    // A value the database refuses (not a legal_type), on the second record.
    const broken = { ...second, record: { ...second.record, legalType: 'cooperative' as LegalType } };
    await assert.rejects(importRegistryRecords(database.db, ctx, TEST_SECRET, [good, broken], 'broken'));
    assert.equal((await rowsOf(database.db, ['1170009351', '1170009352'])).enterprises.length, 0);
  });

  test('the demo registry loads in the caller\'s transaction', async () => {
    await transaction(database.db, (tx) => seedEnterprisesDemo(tx, ctx, { secret: TEST_SECRET }));
    const { enterprises, officers } = await rowsOf(
      database.db,
      demoEnterprises.map((e) => e.rqId),
    );
    assert.equal(enterprises.length, demoEnterprises.length);
    assert.equal(officers.length, demoEnterprises.reduce((n, e) => n + e.officers.length, 0));
    const registry = localRegistry(TEST_SECRET);
    const julie = enterprises.find((e) => e.rqId === '1170000007');
    assert.ok(julie);
    assert.equal(registry.matchesSecret(julie, 'sin', '046 454 286'), true);
    assert.equal(registry.matchesSecret(julie, 'impotnetCode', 'IMPOTNET26'), true);
    const marc = enterprises.find((e) => e.rqId === '1170000008');
    assert.equal(marc?.impotnetCodeHash, null);
  });

  test('the demo corporations give the invitation-number outcome they are documented for', async () => {
    // Loaded by the previous test.
    const settings = { secret: TEST_SECRET, publicUrl: 'http://localhost:3000', failureDelayMs: 0 };
    const expected: Record<string, string> = {
      '1170000001': 'issued',
      '1170000002': 'mailingAddressOk',
      '1170000003': 'officersUpToDate',
      '1170000004': 'returnFiled',
      '1170000005': 'fileInGoodStanding',
      '1170000006': 'issued',
    };
    for (const e of demoEnterprises.filter((d) => d.legalType === 'corporation')) {
      const officer = e.officers[0];
      assert.ok(officer && (corporationOfficerFunctions as readonly string[]).includes(officer.function));
      const result = await requestInvitationNumber(database.db, ctx, settings, {
        rqId: e.rqId,
        firstName: officer.firstName,
        lastName: officer.lastName,
        officerFunction: officer.function as CorporationOfficerFunction,
      });
      const got = result.outcome === 'conditions-unmet' ? result.failing.join(',') : result.outcome;
      assert.equal(got, expected[e.rqId], e.rqId);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('localRegistry().matchesSecret', { timeout: 60_000 }, () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  test('true for the stored value, false otherwise, compared in constant time', async () => {
    assertImported(
      await importRegistry(
        database.db,
        ctx,
        TEST_SECRET,
        csv(csvLine({ rq_id: '1170009401', neq: '3370009401', legal_type: 'sole_proprietor', owner_sin: '046454286', assessment_number: 'VQ24009401' })),
        'm.csv',
      ),
    );
    const registry = localRegistry(TEST_SECRET);
    const enterprise = await registry.findByRqId(database.db, '1170009401');
    assert.ok(enterprise);

    const compare = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    try {
      assert.equal(registry.matchesSecret(enterprise, 'sin', '046454286'), true);
      assert.equal(registry.matchesSecret(enterprise, 'sin', '046-454-286'), true);
      assert.equal(registry.matchesSecret(enterprise, 'sin', '046454294'), false);
      assert.equal(registry.matchesSecret(enterprise, 'assessmentNumber', '046454286'), false, 'a value is bound to its kind');
      assert.equal(compare.mock.callCount(), 4, 'every comparison goes through crypto.timingSafeEqual');
    } finally {
      compare.mock.restore();
      syncBuiltinESMExports();
    }
    assert.equal(registry.matchesSecret(enterprise, 'impotnetCode', 'ANYCODE1'), false, 'nothing stored: false');
    assert.equal(localRegistry('another-secret-of-at-least-32-characters!').matchesSecret(enterprise, 'sin', '046454286'), false, 'another secret: false');
  });
});

// ---------------------------------------------------------------------------------------------

const CLI_SECRET = 'cli-test-secret-that-is-long-enough-0123456789';

function runImportCli(file: string, env: Record<string, string>): Promise<CliResult> {
  return runCli('src/modules/enterprises/import-cli.ts', [file], env);
}

async function withDataDir<T>(dataDir: string, work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ kind: 'pglite', dataDir });
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

describe('npm run registry:import', { timeout: 240_000 }, () => {
  let workDir: string;
  let dataDir: string;
  let badFile: string;
  before(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-registry-'));
    dataDir = path.join(workDir, 'data');
    badFile = path.join(workDir, 'bad.csv');
    fs.writeFileSync(
      badFile,
      csv(
        csvLine({ rq_id: '1170000101', neq: '3370000101', legal_name: 'Should not be imported' }),
        csvLine({ rq_id: '1170009502', neq: '3370009502', postal_code: '00000' }),
        csvLine({ rq_id: '1170009503', neq: '3370009503', officers: 'boss:Someone Else' }),
      ),
    );
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  test('exits 0 on a good file, on a fresh data directory, and says how many were created', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runImportCli(samplePath, { DATA_DIR: dataDir, SECRET: CLI_SECRET });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /5 créée\(s\), 0 mise\(s\) à jour/);
    assert.match(stdout, /5 created, 0 updated/);
    await withDataDir(dataDir, async (db) => {
      const { enterprises } = await rowsOf(db, ['1170000101', '1170000103']);
      assert.equal(enterprises.length, 2);
      const sophie = enterprises.find((e) => e.rqId === '1170000103');
      assert.ok(sophie);
      assert.equal(localRegistry(CLI_SECRET).matchesSecret(sophie, 'sin', '046454302'), true, 'hashed with the configured SECRET');
    });
  });

  test('exits 1 on a bad file, listing the bad lines, and imports nothing', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runImportCli(badFile, { DATA_DIR: dataDir, SECRET: CLI_SECRET });
    assert.equal(code, 1, stdout + stderr);
    assert.match(stderr, /Ligne 3, colonne « postal_code »/);
    assert.match(stderr, /line 3, column "postal_code"/);
    assert.match(stderr, /Ligne 4, colonne « officers »/);
    assert.doesNotMatch(stderr, /Ligne 2\b/);
    assert.match(stderr, /rien n'a été importé \/ 2 error\(s\), nothing was imported/);
    await withDataDir(dataDir, async (db) => {
      const { enterprises } = await rowsOf(db, ['1170000101', '1170009502', '1170009503']);
      assert.deepEqual(
        enterprises.map((e) => e.legalName),
        ['Garderie Les Copains, inc.'],
      );
    });
  });

  test('exits 2 when another process holds the data directory', { timeout: 90_000 }, async () => {
    const release = lockDataDir(dataDir);
    try {
      const { code, stdout, stderr } = await runImportCli(samplePath, { DATA_DIR: dataDir, SECRET: CLI_SECRET });
      assert.equal(code, 2, stdout + stderr);
      assert.match(stderr, /DATA_DIR/);
      assert.match(stderr, new RegExp(`\\b${process.pid}\\b`));
    } finally {
      release();
    }
  });

  test('a second run updates', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runImportCli(samplePath, { DATA_DIR: dataDir, SECRET: CLI_SECRET });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /0 created, 5 updated/);
  });

  test('without SECRET, uses the secret kept in DATA_DIR, as the server does', { timeout: 90_000 }, async () => {
    const freshDir = path.join(workDir, 'no-secret');
    const { code, stderr } = await runImportCli(samplePath, { DATA_DIR: freshDir });
    assert.equal(code, 0, stderr);
    const secret = fs.readFileSync(path.join(freshDir, 'secret'), 'utf8').trim();
    await withDataDir(freshDir, async (db) => {
      const enterprise = await localRegistry(secret).findByRqId(db, '1170000103');
      assert.ok(enterprise);
      assert.equal(localRegistry(secret).matchesSecret(enterprise, 'impotnetCode', 'SOPHIE2026'), true);
    });
  });

  test('exits 2 when the file cannot be read', { timeout: 90_000 }, async () => {
    const missing = await runImportCli(path.join(workDir, 'absent.csv'), { DATA_DIR: dataDir, SECRET: CLI_SECRET });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read/);
  });
});
