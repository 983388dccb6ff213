import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../testing/database.js';
import { queryRows, type Database } from './index.js';

/**
 * Conventions every table of the migrated schema follows, checked on the database itself (as
 * eVaka's SchemaConventionsTest does), on PGlite and on PostgreSQL.
 */
describe('schema conventions', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(async () => database.close());

  async function publicTables(): Promise<string[]> {
    const rows = await queryRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    return rows.map((r) => r.table_name);
  }

  test('the schema has the expected tables, and drizzle keeps its own out of public', async () => {
    const tables = await publicTables();
    for (const table of ['account', 'audit_event', 'outbox_mail', 'session']) assert.ok(tables.includes(table), table);
    assert.ok(!tables.some((t) => t.includes('migrations')), tables.join(', '));
    const [migrations] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.tables where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`,
    );
    assert.equal(migrations!.n, 1);
  });

  test('every table has created_at and updated_at, timestamp with time zone not null, defaulting to now()', async () => {
    const rows = await queryRows<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      database.db,
      sql`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
          where table_schema = 'public' and column_name in ('created_at', 'updated_at')`,
    );
    const problems: string[] = [];
    for (const table of await publicTables()) {
      for (const column of ['created_at', 'updated_at']) {
        const found = rows.find((r) => r.table_name === table && r.column_name === column);
        if (!found) problems.push(`${table}.${column} is missing`);
        else if (found.data_type !== 'timestamp with time zone' || found.is_nullable !== 'NO') {
          problems.push(`${table}.${column} is ${found.data_type}${found.is_nullable === 'YES' ? ' null' : ''}`);
        } else if (!/now\(\)|current_timestamp/i.test(found.column_default ?? '')) {
          problems.push(`${table}.${column} has no default now()`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  test('every timestamp column is with time zone', async () => {
    const rows = await queryRows<{ table_name: string; column_name: string }>(
      database.db,
      sql`select table_name, column_name from information_schema.columns
          where table_schema = 'public' and data_type = 'timestamp without time zone'`,
    );
    assert.deepEqual(rows, []);
  });

  test('every table has a primary key', async () => {
    const rows = await queryRows<{ table_name: string }>(
      database.db,
      sql`select c.relname as table_name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r'
            and not exists (select 1 from pg_constraint p where p.conrelid = c.oid and p.contype = 'p')`,
    );
    assert.deepEqual(rows, []);
  });

  test('every foreign key has an index whose leading columns are the key columns', async () => {
    const foreignKeys = await queryRows<{ name: string; table_name: string; columns: string }>(
      database.db,
      sql`select con.conname as name, rel.relname as table_name,
                 array_to_string(array(select attname from unnest(con.conkey) with ordinality k(attnum, ord)
                   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord), ',') as columns
          from pg_constraint con
          join pg_class rel on rel.oid = con.conrelid
          join pg_namespace n on n.oid = rel.relnamespace
          where con.contype = 'f' and n.nspname = 'public'`,
    );
    assert.ok(foreignKeys.length > 0, 'the schema has foreign keys to check');
    const unindexed = await queryRows<{ name: string; table_name: string; columns: string }>(
      database.db,
      sql`select con.conname as name, rel.relname as table_name
          from pg_constraint con
          join pg_class rel on rel.oid = con.conrelid
          join pg_namespace n on n.oid = rel.relnamespace
          where con.contype = 'f' and n.nspname = 'public'
            and not exists (
              select 1 from pg_index i
              where i.indrelid = con.conrelid
                and i.indpred is null
                and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] = con.conkey
            )`,
    );
    assert.deepEqual(
      unindexed.map((fk) => `${fk.table_name}.${fk.name}`),
      [],
      `foreign keys: ${foreignKeys.map((fk) => `${fk.table_name}(${fk.columns})`).join(', ')}`,
    );
  });
});
