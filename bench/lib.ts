import { fork } from 'node:child_process';
import path from 'node:path';
import { count } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { parseConfig, type Config } from '../src/config.js';
import { migrateDatabase, openDatabase, type Database } from '../src/platform/db/index.js';
import { TEST_SECRET } from '../src/platform/testing/app.js';
import { createServerDatabase } from '../src/platform/testing/database.js';
import { account } from '../src/modules/identity/schema.js';

/** One line of the results table. Latencies in milliseconds; rows is the data size it ran against. */
export type BenchRow = {
  operation: string;
  p50: number;
  p95: number;
  /** Operations per second over the measured period (HTTP requests, or flows for a flow row). */
  rps: number;
  /** Accounts in the database during the measurement, or null when not meaningful. */
  rows: number | null;
  requests: number;
  /** Socket errors, timeouts and responses outside 2xx/3xx (or an unexpected status in a flow). */
  errors: number;
};

// --- Settings -------------------------------------------------------------------------------------

export type BenchSettings = {
  /** Seconds per autocannon run. */
  durationS: number;
  connections: number;
  signIns: number;
  signInConcurrency: number;
};

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function benchSettings(): BenchSettings {
  return {
    durationS: positiveIntFromEnv('BENCH_DURATION', 5),
    connections: positiveIntFromEnv('BENCH_CONNECTIONS', 10),
    signIns: positiveIntFromEnv('BENCH_SIGNINS', 200),
    signInConcurrency: positiveIntFromEnv('BENCH_SIGNIN_CONCURRENCY', 4),
  };
}

// --- The app under test ---------------------------------------------------------------------------

/** The database a run measures against, as the output names it. */
export function benchDatabaseName(): string {
  return process.env.BENCH_DATABASE_URL ? `PostgreSQL at ${new URL(process.env.BENCH_DATABASE_URL).host}` : 'in-memory PGlite';
}

/** In-memory PGlite, or a new database `guichet_bench_<pid>` on BENCH_DATABASE_URL's server, dropped at close. */
async function openBenchDatabase(): Promise<Database> {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) return openDatabase({ kind: 'pglite-memory' });
  const server = await createServerDatabase(serverUrl, `guichet_bench_${process.pid}`);
  const database = await openDatabase({ kind: 'postgres', url: server.url });
  return {
    ...database,
    async close() {
      await database.close();
      await server.drop();
    },
  };
}

export type BenchApp = {
  app: FastifyInstance;
  database: Database;
  db: Database['db'];
  config: Config;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  countAccounts(): Promise<number>;
  close(): Promise<void>;
};

/**
 * The whole app on a fresh, migrated in-memory PGlite (nothing written to disk), or with
 * BENCH_DATABASE_URL on a database of its own created on that PostgreSQL server (dropped at close),
 * listening on a random port of 127.0.0.1. The secret is the tests' one, so createTestAccount's MFA secrets open.
 */
export async function startBenchApp(): Promise<BenchApp> {
  const config = parseConfig(
    {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SECRET: TEST_SECRET,
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
      // The API's limits are still counted on every call, never reached.
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      API_TOKEN_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_FAILURE_DELAY_MS: '0',
      DEMO_DATA: 'false',
    },
    () => TEST_SECRET,
  );
  const database = await openBenchDatabase();
  try {
    await migrateDatabase(database);
    // The outbox worker would only add noise: mails queued during the run are never sent.
    const app = await buildApp({ config, database, outboxIntervalMs: 3_600_000 });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      app,
      database,
      db: database.db,
      config,
      baseUrl: address,
      async countAccounts() {
        const [row] = await database.db.select({ n: count() }).from(account);
        return row?.n ?? 0;
      },
      async close() {
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

// --- The load generator (bench/client.ts, a separate process) -------------------------------------

export type SignInCredentials = { identifier: string; password: string; totpSecret: string };

export type HttpJob = {
  kind: 'http';
  url: string;
  /** A form POST instead of a GET: the same body every time. */
  form?: string;
  /**
   * Form POSTs each sent once, in order (a write that cannot be repeated, such as an autosave at
   * version 0): paths relative to `url`'s origin. The run ends with the last one.
   */
  writes?: { path: string; form: string }[];
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  /** Sequential requests sent first and not measured. */
  warmupRequests: number;
};

export type SignInJob = {
  kind: 'signin';
  baseUrl: string;
  concurrency: number;
  accounts: SignInCredentials[];
};

export type ClientJob = HttpJob | SignInJob;

/** Raw measurements of one operation. */
export type Measured = {
  operation: string;
  latenciesMs: number[];
  durationMs: number;
  requests: number;
  errors: number;
  /** A few error descriptions, to tell what went wrong. */
  errorSamples: string[];
};

export type ClientReply = { ok: true; measured: Measured[] } | { ok: false; error: string };

const clientScript = path.join(import.meta.dirname, 'client.ts');

/**
 * Runs a job in a child process, so that the load generator does not share the server's event
 * loop (on a small machine that would halve the server's throughput).
 */
export function runClientJob(job: ClientJob): Promise<Measured[]> {
  return new Promise((resolve, reject) => {
    const child = fork(clientScript, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: ClientReply | null = null;
    child.on('message', (message) => {
      reply = message as ClientReply;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const got = reply as ClientReply | null;
      if (got?.ok) resolve(got.measured);
      else if (got) reject(new Error(`load generator failed: ${got.error}`));
      else reject(new Error(`load generator exited without a result (code ${code}, signal ${signal})`));
    });
    child.send(job);
  });
}

// --- Statistics and the table ---------------------------------------------------------------------

/** Nearest-rank percentile of ascending values (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function toRow(measured: Measured, rows: number | null, operation = measured.operation): BenchRow {
  const sorted = [...measured.latenciesMs].sort((a, b) => a - b);
  return {
    operation,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    rps: measured.durationMs > 0 ? (measured.latenciesMs.length * 1000) / measured.durationMs : 0,
    rows,
    requests: measured.requests,
    errors: measured.errors,
  };
}

const columns: { title: string; align: 'left' | 'right'; cell(row: BenchRow): string }[] = [
  { title: 'operation', align: 'left', cell: (r) => r.operation },
  { title: 'p50 (ms)', align: 'right', cell: (r) => formatMs(r.p50) },
  { title: 'p95 (ms)', align: 'right', cell: (r) => formatMs(r.p95) },
  { title: 'req/s', align: 'right', cell: (r) => r.rps.toFixed(r.rps < 100 ? 1 : 0) },
  { title: 'rows', align: 'right', cell: (r) => (r.rows === null ? '-' : String(r.rows)) },
  { title: 'requests', align: 'right', cell: (r) => String(r.requests) },
  { title: 'errors', align: 'right', cell: (r) => String(r.errors) },
];

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const pad = (text: string, i: number) => {
    const width = widths[i] ?? 0;
    return columns[i]?.align === 'left' ? text.padEnd(width) : text.padStart(width);
  };
  const line = (texts: string[]) => `| ${texts.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (columns[i]?.align === 'left' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...cells.map(line)].join('\n');
}
