import { callerPath, cliConfig, stop } from '../cli.js';
import { DataDirLockedError } from '../db/lock.js';
import { backup, BackupError, restore, type BodiesCheck, type Counts, type RestoreReport } from './backup.js';

/**
 * `npm run backup -- FILE` and `npm run restore -- FILE`: the embedded database of DATA_DIR (stop
 * the server first), or with DATABASE_URL the server's database through pg_dump and pg_restore;
 * either way with the documents' bodies of DATA_DIR/files and its secret. Exit 0 when done; 1 when
 * a restore finds the data different from the backup's manifest, a body damaged or the audit chain
 * broken; 2 when it cannot be done.
 */
const [mode, file] = process.argv.slice(2);
if ((mode !== 'backup' && mode !== 'restore') || !file) stop('Usage : npm run backup -- FICHIER | npm run restore -- FICHIER');

const config = cliConfig();
const target = callerPath(file);

const describe = (c: Counts) => `${c.accounts} comptes, ${c.requests} demandes, ${c.documents} documents, ${c.auditEvents} événements d’audit`;
const same = (a: Counts, b: Counts) => a.accounts === b.accounts && a.requests === b.requests && a.documents === b.documents && a.auditEvents === b.auditEvents;
const bodiesInBucket = (bucket: string | undefined) =>
  `Les contenus des documents restent dans le compartiment S3 « ${bucket} », pas dans cette sauvegarde : gardez-les par les versions du compartiment. / ` +
  `The documents’ bodies stay in the S3 bucket « ${bucket} », not in this backup: keep them with the bucket’s versioning.`;

function bodiesIntact(bodies: BodiesCheck): boolean {
  return bodies.kind === 's3' || bodies.damaged.length === 0;
}

function printBodies(bodies: BodiesCheck): void {
  if (bodies.kind === 's3') console.log('Contenus des documents : dans le compartiment S3, pas dans cette sauvegarde ; non vérifiés. / Document bodies: in the S3 bucket, not in this backup; not checked.');
  else if (bodies.damaged.length === 0) console.log(`Documents intacts : ${bodies.checked} contenus relus (taille et SHA-256). / Document bodies intact.`);
  else console.error(`Documents ABSENTS ou ALTÉRÉS / missing or altered: ${bodies.damaged.join(', ')}.`);
}

function printRestore(report: RestoreReport): boolean {
  const countsMatch = same(report.counts, report.manifest.counts);
  console.log(`Restauré dans ${report.restoredInto} : ${describe(report.counts)} (sauvegarde du ${report.manifest.createdAt}).`);
  if (!countsMatch) console.error(`Attendu / expected: ${describe(report.manifest.counts)}.`);
  printBodies(report.bodies);
  console.log(report.auditChain.ok ? `Journal d’audit intact : ${report.auditChain.count} événements vérifiés. / Audit log intact.` : 'Journal d’audit ROMPU. / Audit log BROKEN.');
  return countsMatch && bodiesIntact(report.bodies) && report.auditChain.ok;
}

try {
  if (mode === 'backup') {
    const manifest = await backup(config, target);
    console.log(`Sauvegarde écrite dans ${target} : ${describe(manifest.counts)}. / Backup written.`);
    if (manifest.documentBodies === 's3') console.log(bodiesInBucket(config.S3_BUCKET));
    process.exit(0);
  }
  process.exit(printRestore(await restore(target, config)) ? 0 : 1);
} catch (error) {
  if (error instanceof BackupError || error instanceof DataDirLockedError) stop(error.message);
  throw error;
}
