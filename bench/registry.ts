import { performance } from 'node:perf_hooks';
import { TestClient } from '../src/platform/testing/app.js';
import { createTestAccount, signInAs } from '../src/platform/testing/accounts.js';
import { effectiveAccess } from '../src/modules/access/registry.js';
import { REGISTER_PAGE_SIZE } from '../src/modules/access/grants.js';
import type { BenchApp, HttpJob, Measured } from './lib.js';
import { BENCH_PROGRAM, insertRegistryBenchData } from './registry-data.js';

/**
 * The bench's `registry` group (seed 004 at the scale, bench/registry-data.ts):
 * - the effective-access check every request of the aid program runs (`effectiveAccess`), called
 *   in-process on random grants, current and ended, some behind a revoked mandate;
 * - the register page of a large organization (Québec: 2,000 current grants, 500 ended), as its
 *   local manager signed in, at 1 client and at BENCH_CONNECTIONS clients.
 */

/** What the entry point lends the group: its table, its checked HTTP runs and its notes. */
export type RegistryBenchHooks = {
  headers: Record<string, string>;
  record(measured: Measured, rows: number | null, operation?: string): void;
  measureChecked(operation: string, rows: number, job: Omit<HttpJob, 'kind' | 'connections' | 'durationS'>, check: (status: number, body: string) => boolean): Promise<void>;
  notes: string[];
};

const SAMPLES = 20_000;
const WARMUP = 500;

/** Sequential calls of effectiveAccess on grants drawn at random (deterministically), timed one by one. */
async function measureEffectiveAccess(bench: BenchApp, grants: { accountId: string; organizationId: string }[]): Promise<Measured> {
  let state = 7;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return grants[state % grants.length];
  };
  for (let i = 0; i < WARMUP; i++) {
    const g = next();
    if (g) await effectiveAccess(bench.db, g.accountId, BENCH_PROGRAM, g.organizationId);
  }
  const latenciesMs: number[] = [];
  let granted = 0;
  const started = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    const g = next();
    if (!g) break;
    const t0 = performance.now();
    const access = await effectiveAccess(bench.db, g.accountId, BENCH_PROGRAM, g.organizationId);
    latenciesMs.push(performance.now() - t0);
    if (access) granted++;
  }
  const durationMs = performance.now() - started;
  console.log(`  ${granted} of ${latenciesMs.length} sampled grants give access today`);
  return { operation: 'effectiveAccess (in-process)', latenciesMs, durationMs, requests: latenciesMs.length, errors: 0, errorSamples: [] };
}

export async function measureRegistry(bench: BenchApp, hooks: RegistryBenchHooks): Promise<void> {
  console.log('- registry: 1,100 municipalities, 5,000 organisms, 2,000 firms, 100,000 grants');
  const insertStarted = performance.now();
  const agent = await createTestAccount(bench.db, 'agent', { agentRoles: [{ role: 'support', directorateCode: null }] });
  const data = await insertRegistryBenchData(bench.db, agent.account.id);
  const c = data.counts;
  console.log(
    `  inserted in ${((performance.now() - insertStarted) / 1000).toFixed(1)} s: ${c.municipalities} municipalities, ${c.organisms} organisms, ${c.firms} firms, ` +
      `${c.accounts} accounts, ${c.mandates} mandates (${c.revokedMandates} revoked), ${c.grants} grants`,
  );

  console.log(`- effectiveAccess: ${SAMPLES} calls on random grants`);
  hooks.record(await measureEffectiveAccess(bench, data.grants), c.grants, 'effectiveAccess, random grants (in-process) ‖');

  const client = new TestClient(bench.app);
  const signedIn = await signInAs(client, data.largeManager);
  if (signedIn.statusCode !== 303) throw new Error(`the large organization's manager could not sign in (status ${signedIn.statusCode})`);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const path = `/aide/${BENCH_PROGRAM}/registre`;
  await hooks.measureChecked(
    `GET ${path} (${data.largeGrants.current.toLocaleString('en')} current grants) ‖`,
    c.grants,
    { url: `${bench.baseUrl}${path}`, headers: { ...hooks.headers, cookie }, warmupRequests: 20 },
    (status, body) => status === 200 && (body.match(/data-grant=/g) ?? []).length === REGISTER_PAGE_SIZE,
  );
  hooks.notes.push(
    `‖ rows: profile grants (${c.grants.toLocaleString('en')}, ended ones included) over ${c.municipalities.toLocaleString('en')} real municipalities of the gazetteer, ` +
      `${c.organisms.toLocaleString('en')} organisms and ${c.firms.toLocaleString('en')} firms (one service point each, 5 staff attached); ${c.revokedMandates} of ${c.mandates} mandates revoked. ` +
      `effectiveAccess: ${SAMPLES.toLocaleString('en')} sequential calls in the server's process, each timed (p50/p95 per call, req/s = calls/s). ` +
      `Register: Québec (23027), ${data.largeGrants.current.toLocaleString('en')} current and ${data.largeGrants.ended} ended grants, its local manager signed in; first page of ${REGISTER_PAGE_SIZE}.`,
  );
}
