import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { asc } from 'drizzle-orm';
import { loadDemoDataIfEmpty } from '../../demo.js';
import { request } from '../../modules/requests/schema.js';
import { auditEvent } from '../audit/schema.js';
import { migrateDatabase, openDatabase, type Database } from '../db/index.js';
import { localFileStore } from '../files/store.js';
import { storedFile } from '../files/schema.js';
import { secretFromDataDir } from '../secret.js';
import { testConfig } from '../testing/app.js';
import { runCli, type CliResult } from '../testing/cli.js';

function run(mode: 'backup' | 'restore', file: string, dataDir: string): Promise<CliResult> {
  return runCli('src/platform/backup/cli.ts', [mode, file], { DATA_DIR: dataDir });
}

/** Every request, document (with its body's checksum) and audit event of a data directory. */
async function contentsOf(dataDir: string) {
  const database: Database = await openDatabase({ kind: 'pglite', dataDir });
  try {
    const files = localFileStore(path.join(dataDir, 'files'));
    const documents = [];
    for (const row of await database.db.select().from(storedFile).orderBy(asc(storedFile.id))) {
      const hash = createHash('sha256');
      for await (const chunk of files.get(row.storageKey)) hash.update(chunk as Buffer);
      documents.push({ id: row.id, sha256: row.sha256, body: hash.digest('hex') });
    }
    return {
      requests: (await database.db.select({ id: request.id, number: request.number, state: request.state }).from(request).orderBy(asc(request.id))),
      documents,
      audit: (await database.db.select({ id: auditEvent.id, hash: auditEvent.hash }).from(auditEvent).orderBy(asc(auditEvent.id))),
    };
  } finally {
    await database.close();
  }
}

describe('npm run backup and npm run restore (embedded database)', { timeout: 300_000 }, () => {
  let dir: string;
  let source: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-backup-test-'));
    source = path.join(dir, 'source');
    secretFromDataDir(source);
    const database = await openDatabase({ kind: 'pglite', dataDir: source });
    try {
      await migrateDatabase(database);
      await loadDemoDataIfEmpty(database.db, testConfig({ DATA_DIR: source }), localFileStore(path.join(source, 'files')));
    } finally {
      await database.close();
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a backup restored into a fresh data directory has every request, document and audit event, and the chain verifies', async () => {
    const file = path.join(dir, 'guichet.backup');
    const backup = await run('backup', file, source);
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(fs.statSync(file).mode & 0o077, 0, 'readable by its owner only');

    const target = path.join(dir, 'restored');
    const restore = await run('restore', file, target);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /Journal d’audit intact : \d+ événements vérifiés/);

    const before = await contentsOf(source);
    const after = await contentsOf(target);
    assert.ok(before.requests.length > 0 && before.documents.length > 0 && before.audit.length > 0, 'the demo data has all three');
    assert.deepEqual(after, before);
    for (const document of after.documents) assert.equal(document.body, document.sha256, `the body of ${document.id}`);
    assert.equal(fs.readFileSync(path.join(target, 'secret'), 'utf8'), fs.readFileSync(path.join(source, 'secret'), 'utf8'), 'the secret that reads the TOTP secrets');
  });

  test('refusals: a data directory that holds a database already, a file that is not a backup, a server still running', async () => {
    const file = path.join(dir, 'guichet.backup');
    const again = await run('restore', file, path.join(dir, 'restored'));
    assert.equal(again.code, 2);
    assert.match(again.stderr, /contient déjà une base de données/);

    const notABackup = path.join(dir, 'notes.txt');
    fs.writeFileSync(notABackup, 'bonjour');
    const wrong = await run('restore', notABackup, path.join(dir, 'elsewhere'));
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /n’est pas une sauvegarde/);
    assert.ok(!fs.existsSync(path.join(dir, 'elsewhere', 'pglite')), 'nothing restored');

    const running = await openDatabase({ kind: 'pglite', dataDir: source });
    try {
      const locked = await run('backup', path.join(dir, 'second.backup'), source);
      assert.equal(locked.code, 2);
      assert.match(locked.stderr, /déjà utilisé par le processus/);
      assert.ok(!fs.existsSync(path.join(dir, 'second.backup')));
    } finally {
      await running.close();
    }
  });
});
