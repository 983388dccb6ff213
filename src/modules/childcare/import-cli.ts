import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfig, type Config } from '../../config.js';
import { systemCtx } from '../../platform/context.js';
import { migrateDatabase, openDatabase, ping, type Database } from '../../platform/db/index.js';
import { DataDirLockedError } from '../../platform/db/lock.js';
import { secretFromDataDir } from '../../platform/secret.js';
import { formatImportError, importChildcareLines, parseChildcareFile, type ImportError, type ImportResult } from './import.js';

/**
 * `npm run childcare:import FILE.csv`: loads or updates the childcare records (services, sites,
 * children, attendance, AIEH, MES funding) of the configured database (DATABASE_URL, else the
 * PGlite data in DATA_DIR, created and migrated when new) from a CSV file, in one transaction.
 * Exit 0 when imported, 1 when the file has bad lines (each one is listed and nothing is imported),
 * 2 when the file or the database cannot be used.
 */

/** Drizzle wraps the driver's error; the driver's says what went wrong. */
function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function stop(message: string): never {
  console.error(message);
  process.exit(2);
}

const args = process.argv.slice(2).filter((arg) => arg !== '--');
if (args.length !== 1 || !args[0]) {
  stop('Usage : npm run childcare:import FICHIER.csv / Usage: npm run childcare:import FILE.csv');
}
// npm runs scripts from the package's directory; a relative path is the caller's.
const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), args[0]);

let config: Config;
try {
  // The same settings as the server's (its DATA_DIR, its secret file).
  config = parseConfig(process.env, secretFromDataDir);
} catch (error) {
  if (error instanceof ConfigError) stop(error.message);
  throw error;
}

let bytes: Buffer;
try {
  bytes = fs.readFileSync(file);
} catch (error) {
  stop(`Impossible de lire ${file} / Cannot read ${file}: ${(error as Error).message}`);
}

function reportErrors(errors: ImportError[]): never {
  console.error(`${file} : ${errors.length} erreur(s), rien n'a été importé / ${errors.length} error(s), nothing was imported.`);
  for (const error of errors) console.error(`  ${formatImportError(error)}`);
  process.exit(1);
}

// The file is checked before the database is opened: a bad file needs neither.
const parsed = parseChildcareFile(bytes);
if (!parsed.ok) reportErrors(parsed.errors);

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

let result: ImportResult;
try {
  await migrateDatabase(database);
  result = await importChildcareLines(database.db, systemCtx('childcare-import'), parsed.lines, path.basename(file));
} catch (error) {
  await database.close().catch(() => undefined);
  stop(`Échec de l'importation, rien n'a été importé / Import failed, nothing was imported: ${reason(error)}`);
}
await database.close();

if (!result.ok) reportErrors(result.errors);
const { service, site, child, attendance, allowance, funding } = result.counts;
console.log(
  `Dossiers des services de garde : ${service} service(s), ${site} site(s), ${child} enfant(s), ${attendance} fréquentation(s), ${allowance} AIEH, ${funding} financement(s) MES importés (créés ou mis à jour). / ` +
    `Childcare records: ${service} service(s), ${site} site(s), ${child} child(ren), ${attendance} attendance period(s), ${allowance} AIEH, ${funding} MES funding row(s) imported (created or updated).`,
);
process.exit(0);
