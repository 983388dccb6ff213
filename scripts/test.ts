import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { migrateDatabase, openDatabase } from '../src/platform/db/index.js';
import { withAdminClient } from '../src/platform/testing/database.js';

/**
 * Runs the suite with node's test runner. The database is migrated once into a template, and every
 * test file clones it: a PGlite dump by default, a TEMPLATE database when TEST_DATABASE_URL names a
 * PostgreSQL server (the template and every clone are dropped at the end).
 *   npm test                 unit and integration tests (src/**\/*.test.ts)
 *   npm run test:e2e         browser tests (e2e/*.test.ts)
 *   npm test -- PATH …       only these files, or the test files under these directories
 */
const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const e2e = args.includes('--e2e');
const named = args.filter((a) => !a.startsWith('--'));

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return /\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** A named directory stands for the test files under it (node's runner alone would find none there). */
function expand(named: string): string[] {
  return fs.existsSync(named) && fs.statSync(named).isDirectory() ? findTests(path.resolve(named)).sort() : [named];
}

const files = named.length > 0 ? named.flatMap(expand) : findTests(path.join(root, e2e ? 'e2e' : 'src')).sort();

async function prepareTemplate(): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `guichet_template_${process.pid}`;
    await withAdminClient(serverUrl, (c) => c.query(`create database "${name}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), max: 1 });
    await migrateDatabase(database);
    await database.close();
    return {
      env: { GUICHET_TEST_TEMPLATE_DB: name },
      cleanup: async () => {
        await withAdminClient(serverUrl, async (c) => {
          // Clones left by a test file that crashed are dropped too (they carry the template's name).
          const { rows } = await c.query<{ datname: string }>(
            `select datname from pg_database where datname = $1 or datname like $1 || '\\_c%'`,
            [name],
          );
          for (const row of rows) await c.query(`drop database if exists "${row.datname}" with (force)`);
        });
      },
    };
  }
  const dir = path.join(root, '.test-template');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pglite-${process.pid}.tar.gz`);
  const database = await openDatabase({ kind: 'pglite-memory' });
  await migrateDatabase(database);
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const dump = await client.dumpDataDir('gzip');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  return { env: { GUICHET_TEST_TEMPLATE_FILE: file }, cleanup: async () => fs.rmSync(file, { force: true }) };
}

const started = Date.now();
const template = await prepareTemplate();
console.log(`template ready in ${Date.now() - started} ms (${process.env.TEST_DATABASE_URL ? 'PostgreSQL server' : 'PGlite'}), ${files.length} test files`);
const child = spawn(
  process.execPath,
  // Every test process first registers the message catalogues and the test accounts' identity functions.
  ['--import', 'tsx', '--import', path.join(root, 'src/test-setup.ts'), '--test', '--test-reporter=spec', `--test-concurrency=${e2e ? 1 : 2}`, ...files],
  { stdio: 'inherit', env: { ...process.env, ...template.env, NODE_ENV: 'test' } },
);
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await template.cleanup();
process.exit(code);
