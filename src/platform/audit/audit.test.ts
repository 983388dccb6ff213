import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { systemCtx, type Ctx } from '../context.js';
import { migrateDatabase, openDatabase, queryRows, transaction, type Database, type Db } from '../db/index.js';
import { openTestDatabase } from '../testing/database.js';
import { GENESIS_HASH, hashEvent, recordAudit, verifyAuditChain } from './service.js';

const root = path.resolve(import.meta.dirname, '../../..');

type Row = { id: string | number; action: string; previous_hash: string; hash: string };

async function chain(db: Db): Promise<Row[]> {
  return queryRows<Row>(db, sql`select id, action, previous_hash, hash from audit_event order by id`);
}

async function record(db: Db, action: string, ctx: Ctx = systemCtx('audit-test')): Promise<void> {
  await transaction(db, (tx) => recordAudit(tx, ctx, { action, subjectType: 'test', subjectId: action, details: { b: 2, a: [1, { z: true, y: null }] } }));
}

/** The messages of an error and of its causes (drizzle wraps the driver's error). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' | ');
}

/** Alters one event behind the trigger's back, as someone with owner rights on the table could. */
async function tamper(db: Db, id: number, newAction: string): Promise<void> {
  await db.execute(sql`alter table audit_event disable trigger audit_event_no_update_delete`);
  await db.execute(sql`update audit_event set action = ${newAction} where id = ${id}`);
  await db.execute(sql`alter table audit_event enable trigger audit_event_no_update_delete`);
}

describe('audit log', () => {
  let database: Database;
  let db: Db;
  before(async () => {
    database = await openTestDatabase();
    db = database.db;
  });
  after(async () => database.close());

  test('recordAudit links each event to the previous one, from a genesis of 64 zeros', async () => {
    const ctx: Ctx = { actor: { type: 'anonymous' }, lang: 'fr', requestId: 'req-12345678', ip: '203.0.113.9' };
    await record(db, 'test.first', ctx);
    await record(db, 'test.second');
    await record(db, 'test.third');
    const rows = await chain(db);
    assert.equal(rows.length, 3);
    assert.equal(GENESIS_HASH, '0'.repeat(64));
    assert.equal(rows[0]!.previous_hash, GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.previous_hash, rows[i - 1]!.hash);
    for (const row of rows) assert.match(row.hash, /^[0-9a-f]{64}$/);
    assert.equal(new Set(rows.map((r) => r.hash)).size, 3);

    // The stored hash is the hash of the stored fields (jsonb reorders keys; the hash must not care).
    const [first] = await queryRows<{
      occurred_at: Date | string;
      actor_kind: string;
      actor_id: string | null;
      request_id: string | null;
      ip: string | null;
      details: Record<string, unknown>;
    }>(db, sql`select occurred_at, actor_kind, actor_id, request_id, ip, details from audit_event order by id limit 1`);
    assert.equal(first!.actor_kind, 'anonymous');
    assert.equal(first!.request_id, 'req-12345678');
    assert.equal(first!.ip, '203.0.113.9');
    assert.equal(
      hashEvent({
        previousHash: GENESIS_HASH,
        occurredAt: new Date(first!.occurred_at),
        actorKind: first!.actor_kind,
        actorId: first!.actor_id,
        action: 'test.first',
        subjectType: 'test',
        subjectId: 'test.first',
        requestId: first!.request_id,
        ip: first!.ip,
        details: first!.details,
      }),
      rows[0]!.hash,
    );
    assert.deepEqual(await verifyAuditChain(db), { ok: true, count: 3 });
  });

  test('details that jsonb stores differently (a date, undefined values) still verify', async () => {
    const at = new Date('2026-05-04T03:02:01.123Z');
    await transaction(db, (tx) =>
      recordAudit(tx, systemCtx('audit-test'), { action: 'test.details', details: { at, gone: undefined, list: [1, undefined, 'é'], nested: { z: 1, a: 2 } } }),
    );
    const [row] = await queryRows<{ details: Record<string, unknown> }>(db, sql`select details from audit_event where action = 'test.details'`);
    assert.deepEqual(row!.details, { at: '2026-05-04T03:02:01.123Z', list: [1, null, 'é'], nested: { a: 2, z: 1 } });
    assert.equal((await verifyAuditChain(db)).ok, true);
  });

  test('an audit event written in a transaction that rolls back leaves no trace and no gap in the chain', async () => {
    const before = await chain(db);
    await assert.rejects(
      transaction(db, async (tx) => {
        await recordAudit(tx, systemCtx('audit-test'), { action: 'test.rolledBack' });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await record(db, 'test.afterRollback');
    const rows = await chain(db);
    assert.equal(rows.length, before.length + 1);
    assert.ok(!rows.some((r) => r.action === 'test.rolledBack'));
    assert.equal(rows.at(-1)!.previous_hash, before.at(-1)!.hash);
    assert.equal((await verifyAuditChain(db)).ok, true);
  });

  test('the database refuses UPDATE, DELETE and TRUNCATE on audit_event', async () => {
    const rows = await chain(db);
    assert.ok(rows.length > 0, 'the triggers fire per row: there must be rows to change');
    const id = Number(rows[0]!.id);
    for (const statement of [
      sql`update audit_event set action = 'changed' where id = ${id}`,
      sql`update audit_event set details = '{}'::jsonb`,
      sql`delete from audit_event where id = ${id}`,
      sql`delete from audit_event`,
      sql`truncate audit_event`,
    ]) {
      const error = await db.execute(statement).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(error, 'the statement must be refused');
      assert.match(messages(error), /append-only/);
    }
    // Refused inside a transaction too, and nothing changed.
    await assert.rejects(transaction(db, (tx) => tx.execute(sql`delete from audit_event`)));
    assert.deepEqual(await chain(db), rows);
  });

  test('verifyAuditChain names the first altered event, and the chain is whole again once restored', async () => {
    await record(db, 'test.tail1');
    await record(db, 'test.tail2');
    const rows = await chain(db);
    const target = rows[rows.length - 3]!;
    const id = Number(target.id);
    await tamper(db, id, 'x');
    const report = await verifyAuditChain(db);
    assert.deepEqual(report, { ok: false, count: rows.length - 3, brokenEventId: id, reason: 'hash' });
    // Small batches: the walk carries the previous hash across batch boundaries.
    assert.deepEqual(await verifyAuditChain(db, 2), report);
    await tamper(db, id, target.action);
    assert.deepEqual(await verifyAuditChain(db), { ok: true, count: rows.length });
    assert.deepEqual(await verifyAuditChain(db, 1), { ok: true, count: rows.length });
  });

  test('an event that no longer points at its predecessor is reported as a broken link', async () => {
    const rows = await chain(db);
    const last = rows.at(-1)!;
    await db.execute(sql`alter table audit_event disable trigger audit_event_no_update_delete`);
    try {
      // As if an event had been removed before this one: its previous_hash matches nothing.
      await db.execute(sql`update audit_event set previous_hash = ${'f'.repeat(64)} where id = ${Number(last.id)}`);
      const report = await verifyAuditChain(db);
      assert.deepEqual(report, { ok: false, count: rows.length - 1, brokenEventId: Number(last.id), reason: 'link' });
      await db.execute(sql`update audit_event set previous_hash = ${last.previous_hash} where id = ${Number(last.id)}`);
    } finally {
      await db.execute(sql`alter table audit_event enable trigger audit_event_no_update_delete`);
    }
    assert.equal((await verifyAuditChain(db)).ok, true);
  });

  test('concurrent appends in separate transactions still form one valid chain', async () => {
    const before = await chain(db);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        transaction(db, async (tx) => {
          // Some work in the transaction before the append, as a real change would do.
          await tx.execute(sql`select pg_sleep(0.01)`);
          await recordAudit(tx, systemCtx(`worker-${i}`), { action: `test.concurrent.${i}` });
        }),
      ),
    );
    const rows = await chain(db);
    assert.equal(rows.length, before.length + 10);
    assert.equal(new Set(rows.map((r) => r.previous_hash)).size, rows.length, 'no two events share a predecessor');
    assert.deepEqual(await verifyAuditChain(db), { ok: true, count: rows.length });
  });
});

function runVerifyCli(dataDir: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/platform/audit/verify-cli.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run audit:verify', { timeout: 180_000 }, () => {
  let dataDir: string;
  let tamperedId = 0;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-audit-'));
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      await migrateDatabase(database);
      for (const action of ['cli.one', 'cli.two', 'cli.three', 'cli.four']) await record(database.db, action);
      const rows = await chain(database.db);
      tamperedId = Number(rows[2]!.id);
    } finally {
      await database.close();
    }
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('exits 2, creating nothing, when DATA_DIR holds no database', { timeout: 60_000 }, async () => {
    const missing = path.join(dataDir, 'not-here');
    const { code, output } = await runVerifyCli(missing);
    assert.equal(code, 2, output);
    assert.match(output, /DATA_DIR/);
    assert.ok(!fs.existsSync(missing));
  });

  test('exits 0 on an intact chain', { timeout: 60_000 }, async () => {
    const { code, output } = await runVerifyCli(dataDir);
    assert.equal(code, 0, output);
    assert.match(output, /intact/i);
    assert.match(output, /\b4\b/);
  });

  test('exits 1 and names the first altered event', { timeout: 60_000 }, async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      await tamper(database.db, tamperedId, 'cli.forged');
    } finally {
      await database.close();
    }
    const { code, output } = await runVerifyCli(dataDir);
    assert.equal(code, 1, output);
    assert.match(output, new RegExp(`#${tamperedId}\\b`));
    assert.match(output, /BROKEN|ROMPU/);
  });
});
