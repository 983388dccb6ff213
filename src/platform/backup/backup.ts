import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { asc, sql } from 'drizzle-orm';
import * as tar from 'tar';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { verifyAuditChain } from '../audit/service.js';
import { openDatabase, pgErrorCode, ping, queryRows, type Database, type Db } from '../db/index.js';
import { DamagedDocumentError } from '../errors.js';
import { storedFile } from '../files/schema.js';
import { readVerifiedBody } from '../files/service.js';
import { localFileStore } from '../files/store.js';

/**
 * Backup and restore of an instance's data (issue 9, item 3). A backup is one gzip'd tar:
 * `manifest.json`, the database's dump, `files/` (the documents' bodies, when they are in
 * DATA_DIR/files rather than an S3 bucket) and `secret` when DATA_DIR holds the generated one
 * (without it the restored TOTP secrets could not be read). The dump is PGlite's own dump of its
 * data directory (`pglite.tar.gz`) or, with DATABASE_URL, `pg_dump --format=custom`
 * (`postgres.dump`); everything else is the same for both. It holds everything DATA_DIR holds:
 * keep it as safe as DATA_DIR itself.
 */
export const BACKUP_FORMAT = 1;

export type DatabaseKind = Database['kind'];

const countsSchema = z.object({
  accounts: z.number().int(),
  requests: z.number().int(),
  documents: z.number().int(),
  auditEvents: z.number().int(),
});
export type Counts = z.infer<typeof countsSchema>;

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.string(),
  // Backups written before the server path existed carry neither field: they were all of the
  // embedded database with the bodies in files/.
  database: z.enum(['pglite', 'postgres']).default('pglite'),
  /** `s3`: the bodies stayed in the bucket (its own versioning keeps them), this backup has none. */
  documentBodies: z.enum(['included', 's3']).default('included'),
  counts: countsSchema,
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The settings that say where an instance's data is. */
export type BackupSettings = Pick<Config, 'DATA_DIR' | 'DATABASE_URL' | 'S3_URL'>;

export class BackupError extends Error {}

const DUMP_ENTRY: Record<DatabaseKind, string> = { pglite: 'pglite.tar.gz', postgres: 'postgres.dump' };

/** What differs between the embedded database and a server; the archive around the dump is shared. */
type DatabaseBackend = {
  kind: DatabaseKind;
  /** The database, for messages: a directory, or host, port and database (never the password). */
  label: string;
  /**
   * Writes the dump to `file` and returns the counts of what it holds. `alongside` runs while the
   * database is still held (the lock of PGlite's directory, the server's snapshot).
   */
  dump(file: string, alongside: () => void): Promise<Counts>;
  /** Refuses a target that already holds a database: a restore never merges. */
  assertEmpty(): Promise<void>;
  load(file: string): Promise<void>;
  open(): Promise<Database>;
};

async function countsOf(db: Db, label: string): Promise<Counts> {
  let row: Counts | undefined;
  try {
    [row] = await queryRows<Counts>(
      db,
      sql`select (select count(*)::int from account) as "accounts", (select count(*)::int from request) as "requests",
                 (select count(*)::int from stored_file) as "documents", (select count(*)::int from audit_event) as "auditEvents"`,
    );
  } catch (error) {
    // 42P01, undefined table: a database that guichet never migrated (a wrong DATABASE_URL).
    if (pgErrorCode(error) === '42P01') throw new BackupError(`${label} ne contient pas les tables de guichet. / ${label} does not hold guichet’s tables.`);
    throw error;
  }
  if (!row) throw new Error('no counts');
  return row;
}

function backendOf(settings: BackupSettings): DatabaseBackend {
  return settings.DATABASE_URL ? postgresBackend(settings.DATABASE_URL) : pgliteBackend(settings.DATA_DIR);
}

function pgliteBackend(dataDir: string): DatabaseBackend {
  const directory = path.join(dataDir, 'pglite');
  const label = path.resolve(dataDir);
  return {
    kind: 'pglite',
    label,
    async dump(file, alongside) {
      if (!fs.existsSync(directory)) throw new BackupError(`Aucune base de données dans ${label} (DATA_DIR). / No database in ${label} (DATA_DIR).`);
      // Opening takes the data directory's lock: a running server makes this fail (DataDirLockedError).
      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        const counts = await countsOf(database.db, label);
        const dump = await (database.db as unknown as { $client: PGlite }).$client.dumpDataDir('gzip');
        fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
        alongside();
        return counts;
      } finally {
        await database.close();
      }
    },
    async assertEmpty() {
      if (fs.existsSync(directory)) {
        throw new BackupError(`${label} contient déjà une base de données : restaurez dans un répertoire vide. / ${label} already holds a database: restore into an empty directory.`);
      }
    },
    async load(file) {
      const loaded = await PGlite.create(directory, { loadDataDir: new Blob([fs.readFileSync(file)]) });
      await loaded.close();
    },
    open: () => openDatabase({ kind: 'pglite', dataDir }),
  };
}

function postgresBackend(url: string): DatabaseBackend {
  const parsed = new URL(url);
  // pg_dump and pg_restore get the password in their environment, not on their command line
  // (which every local user can read in the process list) nor in any message.
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const withoutPassword = parsed.toString();
  const label = `${parsed.host}${parsed.pathname}`;
  const connect = async (): Promise<Database> => {
    const database = await openDatabase({ kind: 'postgres', url, max: 1 });
    try {
      await ping(database.db);
      return database;
    } catch (error) {
      await database.close();
      throw new BackupError(`Connexion impossible à ${label} (DATABASE_URL) : ${driverMessage(error)}. / Cannot connect to ${label}.`);
    }
  };
  const run = (tool: PgTool, args: string[]) => runPgTool(tool, [...args, `--dbname=${withoutPassword}`], password);
  return {
    kind: 'postgres',
    label,
    async dump(file, alongside) {
      const database = await connect();
      try {
        // pg_dump reads this transaction's exported snapshot: the manifest's counts are those of
        // the dump even while instances keep writing.
        return await database.db.transaction(
          async (tx) => {
            const [exported] = await queryRows<{ snapshot: string }>(tx, sql`select pg_export_snapshot() as "snapshot"`);
            if (!exported) throw new Error('no snapshot');
            const counts = await countsOf(tx, label);
            await run('pg_dump', ['--format=custom', `--snapshot=${exported.snapshot}`, `--file=${file}`]);
            alongside();
            return counts;
          },
          { isolationLevel: 'repeatable read', accessMode: 'read only' },
        );
      } finally {
        await database.close();
      }
    },
    async assertEmpty() {
      const database = await connect();
      try {
        const [row] = await queryRows<{ tables: number }>(
          database.db,
          sql`select count(*)::int as "tables" from pg_catalog.pg_tables where schemaname not in ('pg_catalog', 'information_schema')`,
        );
        if (row?.tables) {
          throw new BackupError(
            `La base ${label} (DATABASE_URL) contient déjà des tables : restaurez dans une base vide (createdb). / ` +
              `The database ${label} (DATABASE_URL) already holds tables: restore into an empty database (createdb).`,
          );
        }
      } finally {
        await database.close();
      }
    },
    load: (file) => run('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', file]),
    open: connect,
  };
}

/** The driver's own words (« database "x" does not exist »), under the query wrapper of the ORM. */
function driverMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

type PgTool = 'pg_dump' | 'pg_restore';

/**
 * Runs a PostgreSQL client tool from PATH; its failure is a BackupError with its own message (the
 * tool never saw the password but in PGPASSWORD, so its messages cannot hold it).
 */
function runPgTool(tool: PgTool, args: string[], password: string): Promise<void> {
  const env = password ? { ...process.env, PGPASSWORD: password } : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') return reject(error);
      reject(
        new BackupError(
          `${tool} introuvable : installez le client PostgreSQL (de la version majeure du serveur ou plus récente) dans le PATH. / ` +
            `${tool} not found: install the PostgreSQL client (the server's major version or newer) in PATH.`,
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) return resolve();
      reject(new BackupError(`${tool} a échoué / failed (code ${code}) :\n${stderr.trim()}`));
    });
  });
}

function stagingDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-backup-'));
}

/** Copies what DATA_DIR holds besides the database into the staging directory; returns the entries added. */
function stageDataDir(dataDir: string, staging: string, bodiesIncluded: boolean): string[] {
  const entries: string[] = [];
  const files = path.join(dataDir, 'files');
  if (bodiesIncluded && fs.existsSync(files)) {
    fs.cpSync(files, path.join(staging, 'files'), { recursive: true, filter: (source) => !source.endsWith('.part') });
    entries.push('files');
  }
  if (fs.existsSync(path.join(dataDir, 'secret'))) {
    fs.copyFileSync(path.join(dataDir, 'secret'), path.join(staging, 'secret'));
    entries.push('secret');
  }
  return entries;
}

export async function backup(settings: BackupSettings, file: string): Promise<Manifest> {
  const backend = backendOf(settings);
  const bodiesIncluded = !settings.S3_URL;
  const staging = stagingDir();
  try {
    const entries = ['manifest.json', DUMP_ENTRY[backend.kind]];
    // The bodies are copied after the dump: one uploaded meanwhile is only an extra file, whereas
    // copying first would leave rows of the dump without their bodies.
    const counts = await backend.dump(path.join(staging, DUMP_ENTRY[backend.kind]), () => entries.push(...stageDataDir(settings.DATA_DIR, staging, bodiesIncluded)));
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      database: backend.kind,
      documentBodies: bodiesIncluded ? 'included' : 's3',
      counts,
    };
    fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    // Written beside the target, then renamed: a backup that stops halfway leaves no file that looks whole.
    const partial = `${file}.part`;
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, entries);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, file);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** `included`: every body restored was read back and matched its size and SHA-256; `s3`: not in this backup, not checked. */
export type BodiesCheck = { kind: 'included'; checked: number; damaged: string[] } | { kind: 's3' };

export type RestoreReport = {
  manifest: Manifest;
  /** Where it was restored, for messages (never the password). */
  restoredInto: string;
  counts: Counts;
  auditChain: { ok: boolean; count: number };
  bodies: BodiesCheck;
};

async function extract(file: string, staging: string): Promise<void> {
  try {
    await tar.extract({ file, cwd: staging, strict: true });
  } catch (error) {
    throw new BackupError(`Ce fichier n’est pas une sauvegarde lisible (${(error as Error).message}). / This file is not a readable backup.`);
  }
}

const notOurs = () => new BackupError('Ce fichier n’est pas une sauvegarde de guichet. / This file is not a guichet backup.');

function readManifest(staging: string): Manifest {
  const manifestPath = path.join(staging, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw notOurs();
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    throw notOurs();
  }
  const format = typeof raw === 'object' && raw !== null ? (raw as { format?: unknown }).format : undefined;
  if (format !== BACKUP_FORMAT) throw new BackupError(`Format de sauvegarde ${String(format)} inconnu. / Unknown backup format ${String(format)}.`);
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw notOurs();
  return parsed.data;
}

const otherKind: Record<DatabaseKind, string> = {
  pglite:
    'Cette sauvegarde est celle de la base intégrée (PGlite) : restaurez-la sans DATABASE_URL. / ' +
    'This backup holds the embedded database (PGlite): restore it without DATABASE_URL.',
  postgres:
    'Cette sauvegarde est celle d’un serveur PostgreSQL : restaurez-la avec DATABASE_URL. / ' +
    'This backup holds a PostgreSQL server’s database: restore it with DATABASE_URL.',
};

/** A dump loads only into its own kind of database (PGlite's directory dump is no SQL a server reads, and back). */
function assertSameKind(manifest: Manifest, backend: DatabaseBackend): void {
  if (manifest.database !== backend.kind) throw new BackupError(otherKind[manifest.database]);
}

/** Reads every document's body back from DATA_DIR/files, as a download would. */
async function checkBodies(db: Db, filesDir: string): Promise<BodiesCheck> {
  const store = localFileStore(filesDir);
  const rows = await db
    .select({ id: storedFile.id, storageKey: storedFile.storageKey, size: storedFile.size, sha256: storedFile.sha256 })
    .from(storedFile)
    .orderBy(asc(storedFile.id));
  const damaged: string[] = [];
  for (const row of rows) {
    try {
      await readVerifiedBody(store, row);
    } catch (error) {
      if (!(error instanceof DamagedDocumentError)) throw error;
      damaged.push(row.id);
    }
  }
  return { kind: 'included', checked: rows.length, damaged };
}

/**
 * Restores into a target that holds no database yet (DATA_DIR, or the database of DATABASE_URL),
 * the documents' bodies into DATA_DIR/files, then checks the counts, the audit chain and the bodies.
 */
export async function restore(file: string, settings: BackupSettings): Promise<RestoreReport> {
  if (!fs.existsSync(file)) throw new BackupError(`Fichier introuvable : ${file}. / File not found: ${file}.`);
  const backend = backendOf(settings);
  const staging = stagingDir();
  try {
    await extract(file, staging);
    const manifest = readManifest(staging);
    assertSameKind(manifest, backend);
    const dump = path.join(staging, DUMP_ENTRY[manifest.database]);
    if (!fs.existsSync(dump)) throw notOurs();
    await backend.assertEmpty();

    fs.mkdirSync(settings.DATA_DIR, { recursive: true });
    if (fs.existsSync(path.join(staging, 'files'))) fs.cpSync(path.join(staging, 'files'), path.join(settings.DATA_DIR, 'files'), { recursive: true });
    if (fs.existsSync(path.join(staging, 'secret'))) fs.copyFileSync(path.join(staging, 'secret'), path.join(settings.DATA_DIR, 'secret'));
    await backend.load(dump);

    const database = await backend.open();
    try {
      const counts = await countsOf(database.db, backend.label);
      const chain = await verifyAuditChain(database.db);
      const bodies: BodiesCheck = manifest.documentBodies === 'included' ? await checkBodies(database.db, path.join(settings.DATA_DIR, 'files')) : { kind: 's3' };
      return { manifest, restoredInto: backend.label, counts, auditChain: { ok: chain.ok, count: chain.count }, bodies };
    } finally {
      await database.close();
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
