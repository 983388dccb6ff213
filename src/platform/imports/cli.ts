import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { callerPath, cliConfig, stop } from '../cli.js';
import { migrateDatabase, openDatabase, ping, type Database, type Db } from '../db/index.js';
import { DataDirLockedError } from '../db/lock.js';
import { secretFromDataDir } from '../secret.js';

/**
 * The shape every `npm run …:import FILE.csv` shares: read the file given (relative to the caller's
 * directory), check it before opening anything, open the configured database (DATABASE_URL, else
 * the PGlite data in DATA_DIR, created and migrated when new), import in one transaction, report.
 * Exit 0 when imported, 1 when the file has bad lines (each one is listed and nothing is imported),
 * 2 when the file or the database cannot be used.
 */
export type CsvImport<Parsed, Problem> = {
  /** The npm script, for the usage line. */
  script: string;
  parse(bytes: Buffer): { ok: true; value: Parsed } | { ok: false; errors: Problem[] };
  formatError(problem: Problem): string;
  /** Imports in one transaction; on success, the line that says what was imported. */
  run(db: Db, config: Config, parsed: Parsed, fileName: string): Promise<{ ok: true; summary: string } | { ok: false; errors: Problem[] }>;
};

/** Drizzle wraps the driver's error; the driver's says what went wrong. */
function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function reportErrors<Problem>(file: string, errors: Problem[], format: (problem: Problem) => string): never {
  console.error(`${file} : ${errors.length} erreur(s), rien n'a été importé / ${errors.length} error(s), nothing was imported.`);
  for (const error of errors) console.error(`  ${format(error)}`);
  process.exit(1);
}

async function openConfigured(config: Config): Promise<Database> {
  let database: Database;
  try {
    database = config.DATABASE_URL
      ? await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, max: 1 })
      : await openDatabase({ kind: 'pglite', dataDir: config.DATA_DIR });
  } catch (error) {
    stop(error instanceof DataDirLockedError ? error.message : `Impossible d'ouvrir la base de données / Cannot open the database: ${reason(error)}`);
  }
  try {
    // A server connection is only made by the first query.
    await ping(database.db);
  } catch (error) {
    await database.close().catch(() => undefined);
    stop(`Impossible d'ouvrir la base de données / Cannot open the database: ${reason(error)}`);
  }
  return database;
}

export async function runCsvImportCli<Parsed, Problem>(spec: CsvImport<Parsed, Problem>): Promise<never> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  if (args.length !== 1 || !args[0]) stop(`Usage : npm run ${spec.script} FICHIER.csv / Usage: npm run ${spec.script} FILE.csv`);
  const file = callerPath(args[0]);
  // The server's settings: its DATA_DIR, and its secret (the HMACs of identifiers depend on it).
  const config = cliConfig(secretFromDataDir);

  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    stop(`Impossible de lire ${file} / Cannot read ${file}: ${(error as Error).message}`);
  }

  // The file is checked before the database is opened: a bad file needs neither.
  const parsed = spec.parse(bytes);
  if (!parsed.ok) reportErrors(file, parsed.errors, spec.formatError);

  const database = await openConfigured(config);
  let result: Awaited<ReturnType<CsvImport<Parsed, Problem>['run']>>;
  try {
    await migrateDatabase(database);
    result = await spec.run(database.db, config, parsed.value, path.basename(file));
  } catch (error) {
    await database.close().catch(() => undefined);
    stop(`Échec de l'importation, rien n'a été importé / Import failed, nothing was imported: ${reason(error)}`);
  }
  await database.close();
  if (!result.ok) reportErrors(file, result.errors, spec.formatError);
  console.log(result.summary);
  process.exit(0);
}
