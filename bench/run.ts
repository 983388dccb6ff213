import { performance } from 'node:perf_hooks';
import { createTestAccount } from '../src/platform/testing/accounts.js';
import {
  benchSettings,
  formatTable,
  runClientJob,
  startBenchApp,
  toRow,
  type BenchApp,
  type BenchRow,
  type Measured,
  type SignInCredentials,
} from './lib.js';
import { rightsMatrixFixture } from './rights.js';
import { verificationQueueFixture } from './verification-queue.js';

/**
 * npm run bench — latency and throughput of a few operations against the whole app on a fresh
 * in-memory database. The load comes from a separate process (bench/client.ts).
 *   BENCH_DURATION            seconds per autocannon run (5)
 *   BENCH_CONNECTIONS         autocannon connections (10)
 *   BENCH_SIGNINS             full sign-ins, each with its own enterprise account (200)
 *   BENCH_SIGNIN_CONCURRENCY  sign-ins in flight at once (4)
 * Exits with 1 when a request failed.
 */

const FRENCH = { 'accept-language': 'fr-CA,fr;q=0.9' };

const settings = benchSettings();
const table: BenchRow[] = [];
const problems: string[] = [];
const notes: string[] = [];

function record(measured: Measured, rows: number | null, operation?: string): void {
  table.push(toRow(measured, rows, operation));
  for (const sample of measured.errorSamples) problems.push(`${measured.operation}: ${sample}`);
}

async function measureGet(bench: BenchApp, operation: string, path: string): Promise<void> {
  console.log(`- ${operation}: ${settings.durationS} s, ${settings.connections} connections`);
  const rows = await bench.countAccounts();
  const [measured] = await runClientJob({
    kind: 'http',
    url: `${bench.baseUrl}${path}`,
    connections: settings.connections,
    durationS: settings.durationS,
    headers: FRENCH,
    warmupRequests: 50,
  });
  if (!measured) throw new Error(`no measurement for ${operation}`);
  record(measured, rows, operation);
}

async function measureSignIn(bench: BenchApp): Promise<void> {
  console.log(`- sign-in: creating ${settings.signIns} enterprise accounts with MFA`);
  const createStarted = performance.now();
  const accounts: SignInCredentials[] = [];
  // One at a time: createAccount hashes the password inside its transaction.
  for (let i = 0; i < settings.signIns; i++) {
    const created = await createTestAccount(bench.db, 'enterprise');
    if (!created.totpSecret) throw new Error('an enterprise test account has no TOTP secret');
    accounts.push({ identifier: created.identifier, password: created.password, totpSecret: created.totpSecret });
  }
  console.log(`  created in ${((performance.now() - createStarted) / 1000).toFixed(1)} s`);
  console.log(`- sign-in: ${settings.signIns} flows, ${settings.signInConcurrency} at a time`);
  const rows = await bench.countAccounts();
  const measured = await runClientJob({
    kind: 'signin',
    baseUrl: bench.baseUrl,
    concurrency: settings.signInConcurrency,
    accounts,
  });
  for (const m of measured) {
    if (m.operation === 'sign-in flow') {
      record(m, rows, 'sign-in flow (5 requests) *');
      notes.push(
        `* one full sign-in: GET /connexion, POST /connexion, GET /connexion/mfa, POST /connexion/mfa (TOTP), GET /compte;` +
          ` its p50/p95 are per flow and req/s counts flows (${m.latenciesMs.length} completed in ${(m.durationMs / 1000).toFixed(1)} s).`,
      );
    } else {
      record(m, rows, `  ${m.operation}`);
    }
  }
}

async function measureRightsMatrix(bench: BenchApp): Promise<void> {
  const users = 200;
  console.log(`- GET /entreprise/droits: an enterprise with ${users} users, ${settings.durationS} s, ${settings.connections} connections`);
  const fixture = await rightsMatrixFixture(bench, users);
  const check = await fetch(`${bench.baseUrl}/entreprise/droits`, { headers: { ...FRENCH, cookie: fixture.cookie }, redirect: 'manual' });
  const html = await check.text();
  if (check.status !== 200 || (html.match(/type="checkbox"/g) ?? []).length < users * 5) {
    throw new Error(`GET /entreprise/droits did not return the matrix of ${users} users (status ${check.status})`);
  }
  const [measured] = await runClientJob({
    kind: 'http',
    url: `${bench.baseUrl}/entreprise/droits`,
    connections: settings.connections,
    durationS: settings.durationS,
    headers: { ...FRENCH, cookie: fixture.cookie },
    warmupRequests: 20,
  });
  if (!measured) throw new Error('no measurement for the rights matrix');
  record(measured, fixture.members, `GET /entreprise/droits (${users} users) †`);
  notes.push('† rows: members of the enterprise; the RSE signed in, Famille e-services active, 1 to 3 rights per user.');
}

async function measureVerificationQueue(bench: BenchApp): Promise<void> {
  const enrolments = 20_000;
  console.log(`- GET /agent/inscriptions: ${enrolments} enrolments, ${settings.durationS} s, ${settings.connections} connections`);
  const fixture = await verificationQueueFixture(bench, enrolments);
  for (const [operation, path] of [
    ['GET /agent/inscriptions (20,000 enrolments) ‡', '/agent/inscriptions'],
    ['GET /agent/inscriptions?type&etat&page=20 ‡', '/agent/inscriptions?type=nonprofit&etat=under_verification&page=20'],
  ] as const) {
    const check = await fetch(`${bench.baseUrl}${path}`, { headers: { ...FRENCH, cookie: fixture.cookie }, redirect: 'manual' });
    const html = await check.text();
    if (check.status !== 200 || (html.match(/data-enrolment=/g) ?? []).length !== 50) {
      throw new Error(`GET ${path} did not return a page of 50 enrolments (status ${check.status})`);
    }
    const [measured] = await runClientJob({
      kind: 'http',
      url: `${bench.baseUrl}${path}`,
      connections: settings.connections,
      durationS: settings.durationS,
      headers: { ...FRENCH, cookie: fixture.cookie },
      warmupRequests: 20,
    });
    if (!measured) throw new Error(`no measurement for ${operation}`);
    record(measured, enrolments, operation);
  }
  notes.push(`‡ rows: enrolments (${fixture.underVerification} under verification, the default filter); an agent signed in; pages of 50, oldest first.`);
}

/** The home page must really be the French one, or its row measures something else. */
async function checkHomeIsFrench(bench: BenchApp): Promise<void> {
  const response = await fetch(`${bench.baseUrl}/`, { headers: FRENCH });
  const html = await response.text();
  if (response.status !== 200 || !html.includes('<html lang="fr"')) {
    throw new Error(`GET / did not return the French home page (status ${response.status})`);
  }
}

const started = performance.now();
console.log(
  `guichet bench — ${settings.durationS} s per run, ${settings.connections} connections; ` +
    `${settings.signIns} sign-ins, ${settings.signInConcurrency} at a time`,
);
const bench = await startBenchApp();
console.log(`app on ${bench.baseUrl} (in-memory PGlite, node ${process.version})`);
try {
  await checkHomeIsFrench(bench);
  await measureGet(bench, 'GET /healthz', '/healthz');
  await measureGet(bench, 'GET / (fr)', '/');
  await measureSignIn(bench);
  await measureRightsMatrix(bench);
  await measureVerificationQueue(bench);
} finally {
  await bench.close();
}

console.log('');
console.log(formatTable(table));
for (const note of notes) console.log(note);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);

const errors = table.reduce((n, row) => n + row.errors, 0);
if (errors > 0) {
  console.error(`\n${errors} request(s) failed, for example:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exitCode = 1;
}
