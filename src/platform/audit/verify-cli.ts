import fs from 'node:fs';
import path from 'node:path';
import { cliConfig, stop } from '../cli.js';
import { openDatabase } from '../db/index.js';
import { DataDirLockedError } from '../db/lock.js';
import { verifyAuditChain, type ChainReport } from './service.js';

/**
 * `npm run audit:verify`: walks the audit chain of the configured database (DATABASE_URL, else
 * the PGlite data in DATA_DIR) and names the first event that does not match. Exit 0 when intact,
 * 1 when broken, 2 when the database cannot be opened.
 */
const config = cliConfig();
// Opening a PGlite directory that holds no database would create an empty one: a wrong DATA_DIR
// must not be reported as a broken log, nor leave a database behind.
if (!config.DATABASE_URL && !fs.existsSync(path.join(config.DATA_DIR, 'pglite'))) {
  stop(`Aucune base de données dans ${path.resolve(config.DATA_DIR)} (DATA_DIR). / No database in ${path.resolve(config.DATA_DIR)} (DATA_DIR).`);
}
let database;
try {
  database = config.DATABASE_URL
    ? await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, max: 1 })
    : await openDatabase({ kind: 'pglite', dataDir: config.DATA_DIR });
} catch (error) {
  console.error(error instanceof DataDirLockedError ? error.message : `Cannot open the database: ${(error as Error).message}`);
  process.exit(2);
}
let report: ChainReport;
try {
  report = await verifyAuditChain(database.db);
} catch (error) {
  await database.close();
  stop(`Cannot read the audit log: ${(error as Error).message}`);
}
await database.close();
if (report.ok) {
  console.log(`Journal d'audit intact : ${report.count} événements vérifiés. / Audit log intact: ${report.count} events verified.`);
  process.exit(0);
}
const why = report.reason === 'hash' ? 'son contenu a été modifié / its content was altered' : 'le chaînage est rompu / the chain link is broken';
console.error(`Journal d'audit ROMPU à l'événement #${report.brokenEventId} (${why}). ${report.count} événements valides avant lui. / Audit log BROKEN at event #${report.brokenEventId}.`);
process.exit(1);
