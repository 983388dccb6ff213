// Test accounts and message catalogues, as in every test process (src/test-setup.ts).
import '../src/test-setup.js';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createTestAccount } from '../src/platform/testing/accounts.js';
import {
  benchDatabaseName,
  benchSettings,
  formatTable,
  runClientJob,
  startBenchApp,
  toRow,
  type BenchApp,
  type BenchRow,
  type HttpJob,
  type Measured,
  type SignInCredentials,
} from './lib.js';
import { rightsMatrixFixture } from './rights.js';
import { verificationQueueFixture } from './verification-queue.js';
import { mesFixture } from './mes.js';
import { measureRegistry } from './registry.js';
import { measurePortal } from './portal.js';
import { measureBc } from './bc.js';
import { measureApi } from './api.js';

/**
 * npm run bench — latency and throughput of a few operations against the whole app on a fresh
 * in-memory database. The load comes from a separate process (bench/client.ts).
 *   BENCH_DURATION            seconds per autocannon run (5)
 *   BENCH_CONNECTIONS         autocannon connections (10)
 *   BENCH_SIGNINS             full sign-ins, each with its own enterprise account (200)
 *   BENCH_SIGNIN_CONCURRENCY  sign-ins in flight at once (4)
 *   BENCH_ONLY                some groups only, comma-separated: pages, signin, rights, enrolments, mes, registry, portal, bc, api
 *   BENCH_DATABASE_URL        a PostgreSQL server to run on instead of in-memory PGlite: the run
 *                             creates its own database there (guichet_bench_<pid>) and drops it
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
  // One e-service and 50 users a page (RIGHTS_PAGE_SIZE): the MES tab, 3 rights a user.
  const path = '/entreprise/droits?service=mes&page=2';
  const boxes = 50 * 3;
  console.log(`- GET ${path}: an enterprise with ${users} users`);
  const fixture = await rightsMatrixFixture(bench, users);
  await measureChecked(`GET ${path} (${users} users) †`, fixture.members, { url: `${bench.baseUrl}${path}`, headers: { ...FRENCH, cookie: fixture.cookie }, warmupRequests: 20 }, (status, body) => status === 200 && (body.match(/type="checkbox"/g) ?? []).length === boxes);
  notes.push('† rows: members of the enterprise; the RSE signed in, Famille e-services active, 1 to 3 rights per user; a page shows one e-service and 50 users.');
}

/** The page `pages - 1` "next" links after `path`, as an agent reaches it (keyset paging has no page numbers). */
async function queuePageAfter(bench: BenchApp, cookie: string, path: string, pages: number): Promise<string> {
  let current = path;
  for (let page = 1; page < pages; page++) {
    const response = await fetch(`${bench.baseUrl}${current}`, { headers: { ...FRENCH, cookie }, redirect: 'manual' });
    const next = /<a href="([^"]+)" rel="next"/.exec(await response.text())?.[1];
    if (!next) throw new Error(`GET ${current} has no "next" link (page ${page})`);
    current = next.replaceAll('&amp;', '&');
  }
  return current;
}

async function measureVerificationQueue(bench: BenchApp): Promise<void> {
  const enrolments = 20_000;
  console.log(`- GET /agent/inscriptions: ${enrolments} enrolments`);
  const fixture = await verificationQueueFixture(bench, enrolments);
  const page20 = await queuePageAfter(bench, fixture.cookie, '/agent/inscriptions?type=nonprofit&etat=under_verification', 20);
  for (const [operation, path] of [
    ['GET /agent/inscriptions (20,000 enrolments) ‡', '/agent/inscriptions'],
    ['GET /agent/inscriptions?type&etat&apres (page 20) ‡', page20],
  ] as const) {
    await measureChecked(operation, enrolments, { url: `${bench.baseUrl}${path}`, headers: { ...FRENCH, cookie: fixture.cookie }, warmupRequests: 20 }, (status, body) => status === 200 && (body.match(/data-enrolment=/g) ?? []).length === 50);
  }
  notes.push(
    `‡ rows: enrolments (${fixture.underVerification} under verification, the default filter); an agent signed in; pages of 50, oldest first, ` +
      'keyset paging (page 20: reached through 19 "next" links).',
  );
}

/**
 * One request on a connection of its own. fetch would reuse a pooled keep-alive socket, and after
 * minutes of in-process measurements that socket was found reset by the server (ECONNRESET).
 */
function checkRequest(job: Omit<HttpJob, 'kind' | 'connections' | 'durationS'>): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = job.form ? { ...job.headers, 'content-type': 'application/x-www-form-urlencoded' } : { ...job.headers };
  return new Promise((resolve, reject) => {
    const request = httpRequest(job.url, { method: job.form ? 'POST' : 'GET', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(job.form);
  });
}

/**
 * Runs one operation after checking, with one request, that it answers what the row claims: once
 * with a single client (the latency a person meets, which the targets speak of) and once with
 * BENCH_CONNECTIONS clients (the load one instance takes). Writes are split between the two runs.
 */
async function measureChecked(operation: string, rows: number, job: Omit<HttpJob, 'kind' | 'connections' | 'durationS'>, check: (status: number, body: string) => boolean): Promise<void> {
  const first = await checkRequest(job);
  const body = first.body;
  if (!check(first.status, body)) throw new Error(`${operation}: unexpected answer (status ${first.status})`);
  const half = job.writes ? Math.floor(job.writes.length / 2) : 0;
  const runs = [
    { connections: 1, writes: job.writes?.slice(0, half) },
    { connections: settings.connections, writes: job.writes?.slice(half) },
  ];
  for (const run of runs) {
    console.log(`- ${operation}, ${run.connections} client(s)`);
    const [measured] = await runClientJob({ ...job, kind: 'http', connections: run.connections, durationS: settings.durationS, writes: run.writes, warmupRequests: run.connections === 1 ? job.warmupRequests : 0 });
    if (!measured) throw new Error(`no measurement for ${operation}`);
    record(measured, rows, `${operation} [${run.connections}]`);
  }
}

async function measureMes(bench: BenchApp): Promise<void> {
  const children = 100_000;
  const requests = 10_000;
  console.log(`- MES: ${children} children and ${requests} requests`);
  const fixture = await mesFixture(bench, { children, requests });
  const provider = { ...FRENCH, cookie: fixture.providerCookie };
  const { lastName, firstName, birthDate } = fixture.searched;
  const search = new URLSearchParams({ nirec: '', necsg: '', lastName, firstName, birthDate, _csrf: fixture.providerCsrf }).toString();
  await measureChecked('POST /entreprise/mes/creer (child search by name) §', children, { url: `${bench.baseUrl}/entreprise/mes/creer`, headers: provider, form: search, warmupRequests: 20 }, (status, body) => status === 200 && body.includes(`${firstName} ${lastName}`));
  const requestRows = (body: string) => (body.match(/\d{4}-1\d-\d{3}/g) ?? []).length;
  await measureChecked('GET /entreprise/mes/listes/en-cours §', requests, { url: `${bench.baseUrl}/entreprise/mes/listes/en-cours`, headers: provider, warmupRequests: 20 }, (status, body) => status === 200 && requestRows(body) >= 50);
  await measureChecked('GET /agent/mes (directorate queue) §', requests, { url: `${bench.baseUrl}/agent/mes`, headers: { ...FRENCH, cookie: fixture.agentCookie }, warmupRequests: 20 }, (status, body) => status === 200 && requestRows(body) >= 50);
  const [firstDraft, ...drafts] = fixture.draftIds;
  if (!firstDraft) throw new Error('the bench enterprise has no draft');
  const autosave = (id: string) => ({ path: `/entreprise/mes/demandes/${id}/champ`, form: new URLSearchParams({ fieldId: 'contact.name', value: 'Sylvie Fortin', version: '0', _csrf: fixture.providerCsrf }).toString() });
  const check = autosave(firstDraft);
  await measureChecked('POST /entreprise/mes/demandes/:id/champ (autosave) §', requests, { url: `${bench.baseUrl}${check.path}`, headers: provider, form: check.form, warmupRequests: 0, writes: drafts.map(autosave) }, (status, body) => status === 200 && body.includes('"ok":true'));
  notes.push(
    `§ ${children.toLocaleString('en')} children, ${fixture.requests.toLocaleString('en')} MES requests (4,000 of the measured enterprise in every state); the director signed in with MES rights, ` +
      `an agent of directorate 11; lists and queue show 50 a page; each autosave writes a field of a different draft (${drafts.length} writes, the run ends with the last).`,
  );
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
console.log(`app on ${bench.baseUrl} (${benchDatabaseName()}, node ${process.version})`);
try {
  await checkHomeIsFrench(bench);
  const groups: Record<string, () => Promise<void>> = {
    pages: async () => {
      await measureGet(bench, 'GET /healthz', '/healthz');
      await measureGet(bench, 'GET / (fr)', '/');
    },
    signin: () => measureSignIn(bench),
    rights: () => measureRightsMatrix(bench),
    enrolments: () => measureVerificationQueue(bench),
    mes: () => measureMes(bench),
    registry: () => measureRegistry(bench, { headers: FRENCH, record, measureChecked, notes }),
    portal: () => measurePortal(bench, { headers: FRENCH, record, measureChecked, notes }),
    bc: () => measureBc(bench, { headers: FRENCH, record, measureChecked, notes }),
    api: () => measureApi(bench, { headers: FRENCH, record, measureChecked, notes }),
  };
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  for (const [name, measure] of Object.entries(groups)) if (!only || only.includes(name)) await measure();
} finally {
  await bench.close();
}

console.log('');
console.log(formatTable(table));
console.log(`[n]: n clients at once. [1] is the latency one person meets, what the issues' p95 targets speak of; [${settings.connections}] queues ${settings.connections} requests on one process (and, on PGlite, one connection).`);
for (const note of notes) console.log(note);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);

const errors = table.reduce((n, row) => n + row.errors, 0);
if (errors > 0) {
  console.error(`\n${errors} request(s) failed, for example:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exitCode = 1;
}
