import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../src/platform/context.js';
import { TestClient } from '../src/platform/testing/app.js';
import { signInAs } from '../src/platform/testing/accounts.js';
import { choicesOfFamily, exactRank, RESERVE_PAGE_SIZE } from '../src/modules/portal/families.js';
import { reserveChoice } from '../src/modules/portal/schema.js';
import { publishedProvider } from '../src/modules/portal/test-support.js';
import type { BenchApp, Measured } from './lib.js';
import type { RegistryBenchHooks } from './registry.js';
import { insertPortalBenchData } from './portal-data.js';

/**
 * The bench's `portal` group (issue 7 at Quebec scale, bench/portal-data.ts: 20,000 sites, 250,000
 * entries in réserves):
 * - a large provider's réserve page (2,000 entries), GET /entreprise/reserves/:siteId as a user of
 *   the provider holding « Gérer la réserve et les admissions », at 1 client and at BENCH_CONNECTIONS;
 * - the rank of a child: `exactRank` on random entries of that réserve, and `choicesOfFamily` (what
 *   the family page /famille computes: every choice of the family with its rank bracket), in-process.
 */

const SAMPLES = 5_000;
const WARMUP = 200;

/** Sequential calls of `call` on items drawn at random (deterministically), timed one by one. */
async function timeCalls<T>(operation: string, items: T[], call: (item: T) => Promise<unknown>): Promise<Measured> {
  let state = 11;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return items[state % items.length] as T;
  };
  for (let i = 0; i < WARMUP; i++) await call(next());
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    const item = next();
    const t0 = performance.now();
    await call(item);
    latenciesMs.push(performance.now() - t0);
  }
  return { operation, latenciesMs, durationMs: performance.now() - started, requests: latenciesMs.length, errors: 0, errorSamples: [] };
}

export async function measurePortal(bench: BenchApp, hooks: RegistryBenchHooks): Promise<void> {
  console.log('- portal: 20,000 sites, 250,000 entries in réserves (2,000 in one)');
  const insertStarted = performance.now();
  const provider = await publishedProvider(bench.db, 'cpe');
  const data = await insertPortalBenchData(bench.db, { largeSiteId: provider.siteId, adheredBy: provider.reserveUser.account.id });
  // The provider's own service, site and published sheet count too (data.counts has its site only).
  const c = { ...data.counts, services: data.counts.services + 1, sheets: data.counts.sheets + 1, published: data.counts.published + 1 };
  console.log(
    `  inserted in ${((performance.now() - insertStarted) / 1000).toFixed(1)} s: ${c.services} services, ${c.sites} sites (${c.rsge} RSGE), ${c.sheets} sheets (${c.published} published), ` +
      `${c.families} families, ${c.children} children, ${c.choices} entries (${c.inReserve} in a réserve, ${c.largeEntries} in the large one)`,
  );

  const client = new TestClient(bench.app);
  const signedIn = await signInAs(client, provider.reserveUser);
  if (signedIn.statusCode !== 303) throw new Error(`the provider's réserve user could not sign in (status ${signedIn.statusCode})`);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const path = `/entreprise/reserves/${provider.siteId}`;
  await hooks.measureChecked(
    `GET /entreprise/reserves/:siteId (${c.largeEntries.toLocaleString('en')} entries) ¶`,
    c.choices,
    { url: `${bench.baseUrl}${path}`, headers: { ...hooks.headers, cookie }, warmupRequests: 20 },
    (status, body) => status === 200 && (body.match(/<td>P-[2-9A-HJKMNP-Z]{4}-/g) ?? []).length === RESERVE_PAGE_SIZE,
  );

  const large = await bench.db.select().from(reserveChoice).where(eq(reserveChoice.installationId, provider.siteId));
  console.log(`- exactRank: ${SAMPLES} calls on random entries of the large réserve`);
  let last: number | null = null;
  hooks.record(
    await timeCalls('exactRank', large, async (choice) => {
      last = await exactRank(bench.db, choice);
    }),
    c.choices,
    'exactRank, large réserve (in-process) ¶',
  );
  if (last === null) throw new Error('exactRank gave no rank for an entry of the large réserve');

  console.log(`- choicesOfFamily: ${SAMPLES} calls for random families with a child in the large réserve`);
  const ctxOf = (accountId: string): Ctx => ({ actor: { type: 'account', accountId, accountKind: 'citizen', displayName: 'Parent' }, lang: 'fr', requestId: null, ip: null });
  const sample = await choicesOfFamily(bench.db, ctxOf(data.largeFamilies[0]?.accountId ?? ''));
  if (!sample.some((view) => view.site.id === provider.siteId && view.rank !== null)) throw new Error('choicesOfFamily does not rank the large réserve');
  hooks.record(
    await timeCalls('choicesOfFamily', data.largeFamilies, (f) => choicesOfFamily(bench.db, ctxOf(f.accountId))),
    c.choices,
    'choicesOfFamily, /famille ranks (in-process) ¶',
  );

  hooks.notes.push(
    `¶ rows: reserve_choice entries (${c.choices.toLocaleString('en')}, ${c.inReserve.toLocaleString('en')} counted in a réserve) over ${c.sites.toLocaleString('en')} sites ` +
      `(${(c.sites - c.rsge).toLocaleString('en')} installations of ${(c.services - 160).toLocaleString('en')} CPE and garderies, ${c.rsge.toLocaleString('en')} RSGE of 160 BCs; ${c.sheets.toLocaleString('en')} sheets, ${c.published.toLocaleString('en')} published), ` +
      `${c.families.toLocaleString('en')} families, ${c.children.toLocaleString('en')} children. Réserve page: a CPE installation with ${c.largeEntries.toLocaleString('en')} entries, ` +
      `its user holding « Gérer la réserve et les admissions » signed in; first page of ${RESERVE_PAGE_SIZE}. exactRank: ${SAMPLES.toLocaleString('en')} sequential calls on random entries of that réserve; ` +
      `choicesOfFamily: ${SAMPLES.toLocaleString('en')} calls for random families of that réserve (1–2 children, 1–4 choices), each choice ranked; in the server's process, p50/p95 per call, req/s = calls/s.`,
  );
}
