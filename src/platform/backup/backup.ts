import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import * as tar from 'tar';
import { verifyAuditChain } from '../audit/service.js';
import { openDatabase, queryRows, type Database } from '../db/index.js';

/**
 * Backup and restore of the embedded database with its documents (issue 9, item 3). A backup is
 * one gzip'd tar: `manifest.json`, `pglite.tar.gz` (PGlite's own dump of its data directory),
 * `files/` (the documents' bodies) and `secret` when DATA_DIR holds the generated one (without it
 * the restored TOTP secrets could not be read). It holds everything DATA_DIR holds: keep it as
 * safe as DATA_DIR itself. The server must be stopped: PGlite serves one process, and the data
 * directory's lock says so.
 */
export const BACKUP_FORMAT = 1;

export type Manifest = { format: number; createdAt: string; counts: Counts };
export type Counts = { accounts: number; requests: number; documents: number; auditEvents: number };

export class BackupError extends Error {}

async function countsOf(database: Database): Promise<Counts> {
  const [row] = await queryRows<Counts>(
    database.db,
    sql`select (select count(*)::int from account) as "accounts", (select count(*)::int from request) as "requests",
               (select count(*)::int from stored_file) as "documents", (select count(*)::int from audit_event) as "auditEvents"`,
  );
  if (!row) throw new Error('no counts');
  return row;
}

function stagingDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-backup-'));
}

export async function backupDataDir(dataDir: string, file: string): Promise<Manifest> {
  if (!fs.existsSync(path.join(dataDir, 'pglite'))) {
    throw new BackupError(`Aucune base de données dans ${path.resolve(dataDir)} (DATA_DIR). / No database in ${path.resolve(dataDir)} (DATA_DIR).`);
  }
  // Opening takes the data directory's lock: a running server makes this fail (DataDirLockedError).
  const database = await openDatabase({ kind: 'pglite', dataDir });
  const staging = stagingDir();
  try {
    const counts = await countsOf(database);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir('gzip');
    fs.writeFileSync(path.join(staging, 'pglite.tar.gz'), Buffer.from(await dump.arrayBuffer()));
    const entries = ['manifest.json', 'pglite.tar.gz'];
    const files = path.join(dataDir, 'files');
    if (fs.existsSync(files)) {
      fs.cpSync(files, path.join(staging, 'files'), { recursive: true, filter: (source) => !source.endsWith('.part') });
      entries.push('files');
    }
    if (fs.existsSync(path.join(dataDir, 'secret'))) {
      fs.copyFileSync(path.join(dataDir, 'secret'), path.join(staging, 'secret'));
      entries.push('secret');
    }
    const manifest: Manifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), counts };
    fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    // Written beside the target, then renamed: a backup that stops halfway leaves no file that looks whole.
    const partial = `${file}.part`;
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, entries);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, file);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    await database.close();
  }
}

export type RestoreReport = { manifest: Manifest; counts: Counts; auditChain: { ok: boolean; count: number } };

/** Restores into a DATA_DIR that holds no database yet, then checks the counts and the audit chain. */
export async function restoreDataDir(file: string, dataDir: string): Promise<RestoreReport> {
  if (!fs.existsSync(file)) throw new BackupError(`Fichier introuvable : ${file}. / File not found: ${file}.`);
  if (fs.existsSync(path.join(dataDir, 'pglite'))) {
    throw new BackupError(
      `${path.resolve(dataDir)} contient déjà une base de données : restaurez dans un répertoire vide. / ` +
        `${path.resolve(dataDir)} already holds a database: restore into an empty directory.`,
    );
  }
  const staging = stagingDir();
  try {
    try {
      await tar.extract({ file, cwd: staging, strict: true });
    } catch (error) {
      throw new BackupError(`Ce fichier n’est pas une sauvegarde lisible (${(error as Error).message}). / This file is not a readable backup.`);
    }
    const manifestPath = path.join(staging, 'manifest.json');
    if (!fs.existsSync(manifestPath) || !fs.existsSync(path.join(staging, 'pglite.tar.gz'))) {
      throw new BackupError('Ce fichier n’est pas une sauvegarde de guichet. / This file is not a guichet backup.');
    }
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`Format de sauvegarde ${manifest.format} inconnu. / Unknown backup format ${manifest.format}.`);

    fs.mkdirSync(dataDir, { recursive: true });
    if (fs.existsSync(path.join(staging, 'files'))) fs.cpSync(path.join(staging, 'files'), path.join(dataDir, 'files'), { recursive: true });
    if (fs.existsSync(path.join(staging, 'secret'))) fs.copyFileSync(path.join(staging, 'secret'), path.join(dataDir, 'secret'));
    const dump = new Blob([fs.readFileSync(path.join(staging, 'pglite.tar.gz'))]);
    const loaded = await PGlite.create(path.join(dataDir, 'pglite'), { loadDataDir: dump });
    await loaded.close();

    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const counts = await countsOf(database);
      const chain = await verifyAuditChain(database.db);
      return { manifest, counts, auditChain: { ok: chain.ok, count: chain.count } };
    } finally {
      await database.close();
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
