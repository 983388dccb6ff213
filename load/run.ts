// Test accounts and message catalogues, as in every test process (src/test-setup.ts).
import '../src/test-setup.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { referenceYearOf, todayInQuebec } from '../src/modules/childcare/dates.js';
import { titledPdf } from '../src/modules/mes/fixtures.js';
import { openDatabase, queryRows, type Database } from '../src/platform/db/index.js';
import { TEST_SECRET } from '../src/platform/testing/app.js';
import { createServerDatabase } from '../src/platform/testing/database.js';
import { formatTable, toRow, type Measured } from '../bench/lib.js';
import { auditCheck, mailCheck, numbersCheck, responsesCheck, transitionsCheck, type Check } from './checks.js';
import { createLoadFixtures, type LoadScale } from './fixtures.js';
import { freePort, startInstance, tail, waitUntilReady, type Instance } from './instances.js';
import { startMailSink } from './mail.js';
import { startProxy } from './proxy.js';
import { mapVisitor, mesProvider, Recorder, reserveReader, signInUser, type Outcome, type Workload } from './workload.js';

/**
 * npm run test:load [-- --short] — issue 9's load and fault test. Two instances (`src/main.ts`, as
 * `npm start` runs it) on a database of their own on the PostgreSQL server, behind a round-robin
 * proxy on loopback, sending mail to a local SMTP server. A mixed workload runs for LOAD_DURATION
 * seconds; halfway, one instance is killed with SIGKILL and the other carries on. Then the other
 * drains its outbox and stops (SIGTERM), and the checks run on the database. Prints the requests
 * served, the statuses, p50/p95 per operation and each check; exits 1 if a check fails.
 *   LOAD_DATABASE_URL  the server (postgres://postgres@127.0.0.1:5432/postgres); the run creates
 *                      guichet_load_<pid> there and drops it
 *   LOAD_DURATION      seconds of load (60; 20 with --short)
 *   --short            the form CI runs: a smaller province and 20 s
 */

const short = process.argv.includes('--short');
const adminUrl = process.env.LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const durationS = Number(process.env.LOAD_DURATION ?? (short ? 20 : 60));
if (!Number.isInteger(durationS) || durationS < 10) throw new Error(`LOAD_DURATION must be an integer of at least 10 seconds, got ${process.env.LOAD_DURATION}`);

const scale: LoadScale = short
  ? { providers: 3, childrenPerProvider: 40, signInAccounts: 30, sites: 7_000, families: 5_000, choices: 20_000, largeEntries: 500 }
  : { providers: 4, childrenPerProvider: 120, signInAccounts: 60, sites: 20_000, families: 60_000, choices: 250_000, largeEntries: 2_000 };
const VISITORS = 3;

const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

/** Waits until every mail is marked sent (the survivor retakes the dead instance's claims when they expire). */
async function drainOutbox(db: Database['db'], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await queryRows<{ pending: number }>(db, sql`select count(*)::int as pending from outbox_mail where sent_at is null`);
    const pending = row?.pending ?? 0;
    if (pending === 0 || Date.now() > deadline) return pending;
    await sleep(500);
  }
}

function operationsTable(outcomes: readonly Outcome[], durationMs: number): string {
  const byOperation = new Map<string, Outcome[]>();
  for (const o of outcomes) byOperation.set(o.operation, [...(byOperation.get(o.operation) ?? []), o]);
  const rows = [...byOperation].map(([operation, list]): Measured => {
    const answered = list.filter((o) => o.status !== 0);
    return { operation, latenciesMs: answered.map((o) => o.ms), durationMs, requests: list.length, errors: list.filter((o) => o.status === 0 || o.status >= 400).length, errorSamples: [] };
  });
  return formatTable(rows.map((m) => toRow(m, null)));
}

function statusTable(outcomes: readonly Outcome[]): string {
  const counts = new Map<number, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `  ${status === 0 ? 'no answer' : status}: ${n}`)
    .join('\n');
}

async function main(): Promise<number> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-load-'));
  const database = await createServerDatabase(adminUrl, `guichet_load_${process.pid}`);
  const mail = await startMailSink();
  const instances: Instance[] = [];
  let proxyClose: (() => Promise<void>) | null = null;
  let runner: Database | null = null;
  let passed = false;
  try {
    log(`database ${new URL(database.url).pathname.slice(1)} on ${new URL(adminUrl).host}; instances' logs and files in ${logDir}`);
    const settings = (publicUrl: string): Record<string, string> => ({
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      SECRET: TEST_SECRET,
      SMTP_URL: mail.url,
      PUBLIC_URL: publicUrl,
      TRUST_PROXY: 'true',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      MAP_TILE_URL: 'none',
      // Every virtual person comes from 127.0.0.1: the per-address limit would stop the sign-ins.
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
      DATA_DIR: path.join(logDir, 'data'),
      OUTBOX_CLAIM_SECONDS: '10',
    });
    // The proxy's address is the public one (links in mails): its port is chosen before the instances start.
    const proxyPort = await freePort();
    const publicUrl = `http://127.0.0.1:${proxyPort}`;
    log('starting instances A and B together on the empty database (they migrate under the advisory lock)');
    instances.push(await startInstance('A', settings(publicUrl), logDir), await startInstance('B', settings(publicUrl), logDir));
    await Promise.all(instances.map((i) => waitUntilReady(i)));
    const [a, b] = instances as [Instance, Instance];
    log(`A on port ${a.port}, B on port ${b.port}: ready`);

    runner = await openDatabase({ kind: 'postgres', url: database.url, max: 4 });
    log(`writing the data: ${scale.providers} providers × ${scale.childrenPerProvider} children, ${scale.signInAccounts} accounts, ${scale.sites.toLocaleString('en')} sites, ${scale.choices.toLocaleString('en')} réserve entries`);
    const fixtures = await createLoadFixtures(runner.db, scale);

    const proxy = await startProxy([{ name: 'A', port: a.port }, { name: 'B', port: b.port }], proxyPort);
    proxyClose = proxy.close;
    const recorder = new Recorder();
    const w: Workload = { baseUrl: proxy.url, deadline: Date.now() + durationS * 1000, recorder, year: referenceYearOf(todayInQuebec()), pdf: await titledPdf('Plan d’intégration') };
    log(`load for ${durationS} s through the proxy (${proxy.url}): ${VISITORS} map visitors, 1 sign-in user, ${scale.providers} MES providers, 1 réserve reader`);
    const loadStarted = performance.now();
    const killAfterMs = (durationS * 1000) / 2;
    let killedAt = 0;
    const kill = sleep(killAfterMs).then(() => {
      killedAt = Date.now();
      b.process.kill('SIGKILL');
      log('B killed with SIGKILL');
    });
    const [providers] = await Promise.all([
      Promise.all(fixtures.providers.map((p) => mesProvider(w, p.user, p.siteId, p.childIds))),
      ...Array.from({ length: VISITORS }, () => mapVisitor(w, fixtures.postalAreas)),
      signInUser(w, fixtures.signInAccounts),
      reserveReader(w, fixtures.reserve.user, fixtures.reserve.siteId),
    ]);
    await kill;
    const loadMs = performance.now() - loadStarted;
    log(`load done: ${recorder.outcomes.length} requests in ${(loadMs / 1000).toFixed(1)} s`);
    const killed = await b.exited;

    const pending = await drainOutbox(runner.db, 60_000);
    log(pending === 0 ? 'outbox drained by A' : `${pending} mails still pending after 60 s`);
    a.process.kill('SIGTERM');
    const stopped = await a.exited;
    log(`A stopped on SIGTERM (exit code ${stopped.code})`);

    const checks: Check[] = [
      responsesCheck(recorder.outcomes, killedAt),
      await transitionsCheck(runner.db, recorder.made),
      await numbersCheck(runner.db),
      await mailCheck(runner.db, mail.received, new URL(proxy.url).hostname, killedAt),
      await auditCheck(runner.db),
      { name: 'B was killed, A carried on and stopped cleanly', ok: killed.signal === 'SIGKILL' && stopped.code === 0, detail: `B: ${killed.signal ?? `exit ${killed.code}`}; A: exit ${stopped.code}` },
    ];

    console.log(`\n## Load and fault test (${short ? 'short form' : 'full'}): ${durationS} s, two instances on PostgreSQL ${new URL(adminUrl).host}, B killed at ${(killAfterMs / 1000).toFixed(0)} s\n`);
    console.log(`Data: ${fixtures.counts.sites.toLocaleString('en')} sites, ${fixtures.counts.reserveEntries.toLocaleString('en')} réserve entries, ${scale.providers} providers (children left unused: ${providers.map((p) => p.unused).join(', ')}), ${scale.signInAccounts} sign-in accounts.`);
    console.log(`Requests served: ${recorder.outcomes.filter((o) => o.status !== 0).length} (${(recorder.outcomes.length / (loadMs / 1000)).toFixed(0)} req/s)\n`);
    console.log('Statuses:');
    console.log(statusTable(recorder.outcomes));
    console.log('');
    console.log(operationsTable(recorder.outcomes, loadMs));
    if (recorder.flowErrors.length > 0) console.log(`\nInterrupted flows (first ${recorder.flowErrors.length}):\n${recorder.flowErrors.map((e) => `  ${e}`).join('\n')}`);
    console.log('\nChecks:');
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    const failed = checks.filter((c) => !c.ok).length;
    if (failed > 0) for (const i of instances) console.log(`\nLast lines of ${i.name}'s log:\n${tail(i.logFile)}`);
    console.log(`\nload: ${checks.length - failed} checks passed, ${failed} failed`);
    passed = failed === 0;
    return passed ? 0 : 1;
  } finally {
    for (const i of instances) if (i.process.exitCode === null && i.process.signalCode === null) i.process.kill('SIGKILL');
    await proxyClose?.();
    await runner?.close();
    await mail.close();
    // The database and the instances' logs stay when something failed, to be looked at.
    if (passed) {
      await database.drop();
      fs.rmSync(logDir, { recursive: true, force: true });
    } else {
      console.log(`Kept for inspection: the database ${database.url} and ${logDir}.`);
    }
  }
}

process.exit(await main());
