import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { asc, sql } from 'drizzle-orm';
import * as tar from 'tar';
import { loadDemoDataIfEmpty } from '../../demo.js';
import { auditEvent } from '../audit/schema.js';
import { migrateDatabase, openDatabase, queryRows, type OpenOptions } from '../db/index.js';
import { localFileStore } from '../files/store.js';
import { storedFile } from '../files/schema.js';
import { secretFromDataDir } from '../secret.js';
import { testConfig } from '../testing/app.js';
import { runCli, type CliResult } from '../testing/cli.js';
import { withAdminClient } from '../testing/database.js';
import { BACKUP_FORMAT, type DatabaseKind, type Manifest } from './backup.js';

function run(mode: 'backup' | 'restore', file: string, env: Record<string, string>): Promise<CliResult> {
  return runCli('src/platform/backup/cli.ts', [mode, file], env);
}

/** A source data directory with its secret, the database migrated and the demo data (with documents in DATA_DIR/files). */
async function loadDemo(options: OpenOptions, dataDir: string): Promise<void> {
  secretFromDataDir(dataDir);
  const database = await openDatabase(options);
  try {
    await migrateDatabase(database);
    await loadDemoDataIfEmpty(database.db, testConfig({ DATA_DIR: dataDir }), localFileStore(path.join(dataDir, 'files')));
  } finally {
    await database.close();
  }
}

/** Every request, document (with its body's checksum) and audit event of a database and its DATA_DIR/files. */
async function contentsOf(options: OpenOptions, dataDir: string) {
  const database = await openDatabase(options);
  try {
    const files = localFileStore(path.join(dataDir, 'files'));
    const documents = [];
    for (const row of await database.db.select().from(storedFile).orderBy(asc(storedFile.id))) {
      const hash = createHash('sha256');
      for await (const chunk of files.get(row.storageKey)) hash.update(chunk as Buffer);
      documents.push({ id: row.id, sha256: row.sha256, body: hash.digest('hex') });
    }
    return {
      // By its table's name: platform imports no module, and a backup restores every table alike.
      requests: await queryRows<{ id: string; number: string; state: string }>(database.db, sql`select id, number, state from request order by id`),
      documents,
      audit: await database.db.select({ id: auditEvent.id, hash: auditEvent.hash }).from(auditEvent).orderBy(asc(auditEvent.id)),
    };
  } finally {
    await database.close();
  }
}

/** The restored copy holds the same requests, documents (bodies included) and audit events, and the secret. */
async function assertSameContents(source: { options: OpenOptions; dataDir: string }, restored: { options: OpenOptions; dataDir: string }): Promise<void> {
  const before = await contentsOf(source.options, source.dataDir);
  const after = await contentsOf(restored.options, restored.dataDir);
  assert.ok(before.requests.length > 0 && before.documents.length > 0 && before.audit.length > 0, 'the demo data has all three');
  assert.deepEqual(after, before);
  for (const document of after.documents) assert.equal(document.body, document.sha256, `the body of ${document.id}`);
  assert.equal(fs.readFileSync(path.join(restored.dataDir, 'secret'), 'utf8'), fs.readFileSync(path.join(source.dataDir, 'secret'), 'utf8'), 'the secret that reads the TOTP secrets');
}

/** A backup of the other kind of database: its manifest is enough, the kind is checked before anything else is read. */
async function manifestOnlyBackup(dir: string, database: DatabaseKind): Promise<string> {
  const staging = fs.mkdtempSync(path.join(dir, 'staging-'));
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    database,
    documentBodies: 'included',
    counts: { accounts: 0, requests: 0, documents: 0, auditEvents: 0 },
  };
  fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest));
  const file = path.join(dir, `${database}-only-manifest.backup`);
  await tar.create({ gzip: true, file, cwd: staging }, ['manifest.json']);
  return file;
}

describe('npm run backup and npm run restore (embedded database)', { timeout: 300_000 }, () => {
  let dir: string;
  let source: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-backup-test-'));
    source = path.join(dir, 'source');
    await loadDemo({ kind: 'pglite', dataDir: source }, source);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a backup restored into a fresh data directory has every request, document and audit event, and the chain verifies', async () => {
    const file = path.join(dir, 'guichet.backup');
    const backup = await run('backup', file, { DATA_DIR: source });
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(fs.statSync(file).mode & 0o077, 0, 'readable by its owner only');

    const target = path.join(dir, 'restored');
    const restore = await run('restore', file, { DATA_DIR: target });
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /Documents intacts : \d+ contenus relus/);
    assert.match(restore.stdout, /Journal d’audit intact : \d+ événements vérifiés/);
    await assertSameContents({ options: { kind: 'pglite', dataDir: source }, dataDir: source }, { options: { kind: 'pglite', dataDir: target }, dataDir: target });
  });

  test('refusals: a data directory that holds a database already, a file that is not a backup, a server’s backup, a server still running', async () => {
    const file = path.join(dir, 'guichet.backup');
    const again = await run('restore', file, { DATA_DIR: path.join(dir, 'restored') });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /contient déjà une base de données/);

    const notABackup = path.join(dir, 'notes.txt');
    fs.writeFileSync(notABackup, 'bonjour');
    const wrong = await run('restore', notABackup, { DATA_DIR: path.join(dir, 'elsewhere') });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /n’est pas une sauvegarde/);
    assert.ok(!fs.existsSync(path.join(dir, 'elsewhere', 'pglite')), 'nothing restored');

    const ofAServer = await run('restore', await manifestOnlyBackup(dir, 'postgres'), { DATA_DIR: path.join(dir, 'elsewhere') });
    assert.equal(ofAServer.code, 2);
    assert.match(ofAServer.stderr, /celle d’un serveur PostgreSQL : restaurez-la avec DATABASE_URL/);
    assert.ok(!fs.existsSync(path.join(dir, 'elsewhere')), 'nothing restored');

    const running = await openDatabase({ kind: 'pglite', dataDir: source });
    try {
      const locked = await run('backup', path.join(dir, 'second.backup'), { DATA_DIR: source });
      assert.equal(locked.code, 2);
      assert.match(locked.stderr, /déjà utilisé par le processus/);
      assert.ok(!fs.existsSync(path.join(dir, 'second.backup')));
    } finally {
      await running.close();
    }
  });
});

const serverUrl = process.env.TEST_DATABASE_URL;
// Skipped test by test, not as a suite: the runner's summary counts skipped tests, not skipped suites.
const skip = serverUrl ? false : 'needs the PostgreSQL server (TEST_DATABASE_URL); on PGlite only the embedded database is backed up';

describe(
  'npm run backup and npm run restore (PostgreSQL server)',
  { timeout: 300_000 },
  () => {
    const stem = `guichet_backup_${process.pid}_${randomBytes(4).toString('hex')}`;
    const names = { source: `${stem}_source`, target: `${stem}_target`, bucket: `${stem}_bucket` };
    const urlOf = (name: string) => {
      const url = new URL(serverUrl ?? 'postgres://skipped/');
      url.pathname = `/${name}`;
      return url.toString();
    };
    const source = { options: { kind: 'postgres', url: urlOf(names.source), max: 2 } as const, dataDir: '' };
    const target = { options: { kind: 'postgres', url: urlOf(names.target), max: 2 } as const, dataDir: '' };
    let dir: string;

    before(async () => {
      if (skip) return;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-backup-server-test-'));
      source.dataDir = path.join(dir, 'source');
      target.dataDir = path.join(dir, 'restored');
      await withAdminClient(serverUrl ?? '', async (c) => {
        for (const name of Object.values(names)) await c.query(`create database "${name}"`);
      });
      await loadDemo(source.options, source.dataDir);
    });
    after(async () => {
      if (skip) return;
      await withAdminClient(serverUrl ?? '', async (c) => {
        for (const name of Object.values(names)) await c.query(`drop database if exists "${name}" with (force)`);
      });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('a pg_dump backup restored into a fresh database and data directory has every request, document and audit event, and the chain verifies', { skip }, async () => {
      const file = path.join(dir, 'guichet.backup');
      const backup = await run('backup', file, { DATABASE_URL: source.options.url, DATA_DIR: source.dataDir });
      assert.equal(backup.code, 0, backup.stderr);
      assert.equal(fs.statSync(file).mode & 0o077, 0, 'readable by its owner only');

      const restore = await run('restore', file, { DATABASE_URL: target.options.url, DATA_DIR: target.dataDir });
      assert.equal(restore.code, 0, restore.stderr);
      assert.match(restore.stdout, /Documents intacts : \d+ contenus relus/);
      assert.match(restore.stdout, /Journal d’audit intact : \d+ événements vérifiés/);
      await assertSameContents(source, target);
    });

    test('with S3_URL the bodies stay in the bucket: the backup says so and holds none, the restore does not claim them', { skip }, async () => {
      const s3 = { S3_URL: 'http://127.0.0.1:9', S3_BUCKET: 'guichet-documents', S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret' };
      const file = path.join(dir, 'bucket.backup');
      const backup = await run('backup', file, { DATABASE_URL: source.options.url, DATA_DIR: source.dataDir, ...s3 });
      assert.equal(backup.code, 0, backup.stderr);
      assert.match(backup.stdout, /restent dans le compartiment S3 « guichet-documents », pas dans cette sauvegarde/);
      const entries: string[] = [];
      await tar.list({ file, onReadEntry: (entry) => entries.push(entry.path) });
      assert.deepEqual(entries.sort(), ['manifest.json', 'postgres.dump', 'secret']);

      const restored = path.join(dir, 'bucket-restored');
      const restore = await run('restore', file, { DATABASE_URL: urlOf(names.bucket), DATA_DIR: restored, ...s3 });
      assert.equal(restore.code, 0, restore.stderr);
      assert.match(restore.stdout, /Contenus des documents : dans le compartiment S3, pas dans cette sauvegarde ; non vérifiés/);
      assert.doesNotMatch(restore.stdout, /Documents intacts/);
      assert.ok(!fs.existsSync(path.join(restored, 'files')));
    });

    test('refusals: a database that holds tables, a backup of the other kind either way, no pg_dump in PATH (and the password never shown)', { skip }, async () => {
      const file = path.join(dir, 'guichet.backup');
      const again = await run('restore', file, { DATABASE_URL: target.options.url, DATA_DIR: path.join(dir, 'again') });
      assert.equal(again.code, 2);
      assert.match(again.stderr, /contient déjà des tables/);

      const intoPglite = await run('restore', file, { DATA_DIR: path.join(dir, 'embedded') });
      assert.equal(intoPglite.code, 2);
      assert.match(intoPglite.stderr, /celle d’un serveur PostgreSQL : restaurez-la avec DATABASE_URL/);
      assert.ok(!fs.existsSync(path.join(dir, 'embedded')), 'nothing restored');

      const ofPglite = await run('restore', await manifestOnlyBackup(dir, 'pglite'), { DATABASE_URL: target.options.url, DATA_DIR: path.join(dir, 'again') });
      assert.equal(ofPglite.code, 2);
      assert.match(ofPglite.stderr, /celle de la base intégrée \(PGlite\) : restaurez-la sans DATABASE_URL/);

      // A server that trusts the test run ignores a password; one that asks for it already has it in the URL.
      const withPassword = new URL(source.options.url);
      if (!withPassword.password) withPassword.password = 'never-printed-7d1f';
      const noTool = await run('backup', path.join(dir, 'second.backup'), { DATABASE_URL: withPassword.toString(), DATA_DIR: source.dataDir, PATH: '/nonexistent' });
      assert.equal(noTool.code, 2);
      assert.match(noTool.stderr, /pg_dump introuvable/);
      assert.ok(!`${noTool.stdout}${noTool.stderr}`.includes(decodeURIComponent(withPassword.password)), 'the password is not printed');
      assert.ok(!fs.existsSync(path.join(dir, 'second.backup')));
    });
  },
);
