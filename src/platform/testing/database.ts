import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/index.js';

/**
 * Each test file gets its own database cloned from a template that scripts/test.ts migrated once:
 * a PGlite data-directory dump (GUICHET_TEST_TEMPLATE_FILE) or, with TEST_DATABASE_URL, a server
 * database used as TEMPLATE (GUICHET_TEST_TEMPLATE_DB).
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = process.env.GUICHET_TEST_TEMPLATE_DB;
    if (!template) throw new Error('GUICHET_TEST_TEMPLATE_DB is not set: run the tests with npm test');
    const name = `${template}_c${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdminClient(serverUrl, (c) => c.query(`create database "${name}" template "${template}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ kind: 'postgres', url: url.toString(), max: 5 });
    return {
      ...database,
      async close() {
        await database.close();
        await withAdminClient(serverUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
      },
    };
  }
  const file = process.env.GUICHET_TEST_TEMPLATE_FILE;
  if (!file) throw new Error('GUICHET_TEST_TEMPLATE_FILE is not set: run the tests with npm test');
  return openDatabase({ kind: 'pglite-memory', loadDataDir: new Blob([fs.readFileSync(file)]) });
}

export async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new database `name` on the server of `adminUrl` (a bench's, the load test's): its URL, and how to drop it. */
export async function createServerDatabase(adminUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  await withAdminClient(adminUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withAdminClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
