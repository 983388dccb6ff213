import path from 'node:path';
import { ConfigError, parseConfig, type Config } from './config.js';
import { buildApp } from './app.js';
import { loadDemoDataIfEmpty } from './demo.js';
import { DataDirLockedError } from './platform/db/lock.js';
import { migrateDatabase, openDatabase } from './platform/db/index.js';
import { configuredFileStore } from './platform/files/store.js';
import { demoLogins, DEMO_PASSWORD } from './modules/identity/demo.js';
import { demoRegistryLines } from './modules/enterprises/demo.js';
import { registryDemoLines } from './modules/access/registry-demo.js';
import { secretFromDataDir } from './platform/secret.js';

function banner(config: Config, address: string, demo: boolean): string {
  const lines = [
    '',
    `  guichet — ${address}`,
    `  Base de données / database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite, ${path.resolve(config.DATA_DIR)}`}`,
  ];
  if (demo) {
    lines.push('', `  Comptes de démonstration / demo logins (mot de passe / password: ${DEMO_PASSWORD})`);
    for (const login of demoLogins()) {
      lines.push(`    ${login.identifier.padEnd(22)} ${login.role}${login.mfa ? `  — code MFA : npm run mfa:code -- ${login.identifier}` : ''}`);
    }
    lines.push('    CPE0001 : RSE du CPE Soleil, inscrit et actif aux services en ligne Famille / RSE of an enrolled enterprise, active in the Famille e-services');
    lines.push('    CPE0001 : demandes MES dans chaque état / MES requests in every state — /entreprise/mes ; agents : /agent/mes');
    lines.push('', ...demoRegistryLines().map((line) => `  ${line}`));
    lines.push('', ...registryDemoLines().map((line) => `  ${line}`));
    lines.push('', '  Courriels / mails: /dev/courriels (aucun SMTP_URL / no SMTP_URL)');
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.env, secretFromDataDir);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  let database;
  try {
    database = config.DATABASE_URL
      ? await openDatabase({ kind: 'postgres', url: config.DATABASE_URL })
      : await openDatabase({ kind: 'pglite', dataDir: config.DATA_DIR });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await migrateDatabase(database);
  // One store for the demo's documents and the app's uploads.
  const files = configuredFileStore(config);
  const loaded = config.DEMO_DATA ? await loadDemoDataIfEmpty(database.db, config, files) : null;

  const app = await buildApp({ config, database, files });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  const shownAddress = address.replace('127.0.0.1', 'localhost');
  process.stdout.write(banner(config, shownAddress, config.DEMO_DATA && (loaded !== null || config.NODE_ENV !== 'production')));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Stops accepting connections, lets in-flight requests finish, stops the outbox worker.
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
