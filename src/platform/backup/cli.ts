import path from 'node:path';
import { callerPath, cliConfig, stop } from '../cli.js';
import { DataDirLockedError } from '../db/lock.js';
import { backupDataDir, BackupError, restoreDataDir, type Counts } from './backup.js';

/**
 * `npm run backup -- FILE` and `npm run restore -- FILE`, for the embedded database of DATA_DIR
 * (stop the server first). Exit 0 when done; 1 when a restore finds the data different from the
 * backup's manifest or the audit chain broken; 2 when it cannot be done.
 */
const [mode, file] = process.argv.slice(2);
if ((mode !== 'backup' && mode !== 'restore') || !file) stop('Usage : npm run backup -- FICHIER | npm run restore -- FICHIER');

const config = cliConfig();
const target = callerPath(file);
if (config.DATABASE_URL) {
  stop(
    'DATABASE_URL désigne un serveur PostgreSQL : sauvegardez-le avec pg_dump (voir README, « Running in production »). / ' +
      'DATABASE_URL names a PostgreSQL server: back it up with pg_dump (see the README, « Running in production »).',
  );
}

const describe = (c: Counts) => `${c.accounts} comptes, ${c.requests} demandes, ${c.documents} documents, ${c.auditEvents} événements d’audit`;
const same = (a: Counts, b: Counts) => a.accounts === b.accounts && a.requests === b.requests && a.documents === b.documents && a.auditEvents === b.auditEvents;

try {
  if (mode === 'backup') {
    const manifest = await backupDataDir(config.DATA_DIR, target);
    console.log(`Sauvegarde écrite dans ${target} : ${describe(manifest.counts)}. / Backup written.`);
    process.exit(0);
  }
  const report = await restoreDataDir(target, config.DATA_DIR);
  const intact = report.auditChain.ok && same(report.counts, report.manifest.counts);
  console.log(`Restauré dans ${path.resolve(config.DATA_DIR)} : ${describe(report.counts)} (sauvegarde du ${report.manifest.createdAt}).`);
  console.log(report.auditChain.ok ? `Journal d’audit intact : ${report.auditChain.count} événements vérifiés. / Audit log intact.` : 'Journal d’audit ROMPU. / Audit log BROKEN.');
  if (!same(report.counts, report.manifest.counts)) console.error(`Attendu / expected: ${describe(report.manifest.counts)}.`);
  process.exit(intact ? 0 : 1);
} catch (error) {
  if (error instanceof BackupError || error instanceof DataDirLockedError) stop(error.message);
  throw error;
}
