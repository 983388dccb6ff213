import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { migrationsFolder, openDatabase, queryRows } from './index.js';
import { sql } from 'drizzle-orm';
import { withAdminClient } from '../testing/database.js';

const serverUrl = process.env.TEST_DATABASE_URL;

test(
  'instances starting at once on one server migrate one after the other: every migration applied once, none fails',
  // PGlite serves one process: there is no second instance to race with.
  { skip: serverUrl ? false : 'needs the PostgreSQL server (TEST_DATABASE_URL); PGlite serves one process' },
  async () => {
    if (!serverUrl) return;
    const name = `guichet_migrate_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdminClient(serverUrl, (c) => c.query(`create database "${name}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const instances = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: url.toString(), max: 2 })));
    try {
      await Promise.all(instances.map((instance) => instance.migrate()));
      const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const [applied] = await queryRows<{ n: number }>(instances[0]!.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      assert.equal(applied?.n, journal.entries.length);
      const [postal] = await queryRows<{ n: number }>(instances[1]!.db, sql`select count(*)::int as n from postal_area`);
      assert.equal(postal?.n, 418, 'the last migrations ran whole');
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
      await withAdminClient(serverUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
    }
  },
);
