import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../src/platform/context.js';
import { TestClient } from '../src/platform/testing/app.js';
import { signInAs } from '../src/platform/testing/accounts.js';
import { choicesOfFamily, exactRank, RESERVE_PAGE_SIZE } from '../src/modules/portal/families.js';
import { reserveChoice } from '../src/modules/portal/schema.js';
import { publishedProvider } from '../src/modules/portal/test-support.js';
import { MAP_PAGE_SIZE, searchMap, type MapFilters } from '../src/modules/portal/map.js';
import { postalArea } from '../src/modules/places/schema.js';
import type { Place } from '../src/modules/places/geocoder.js';
import { anonymous } from '../src/platform/context.js';
import type { BenchApp, Measured } from './lib.js';
import type { RegistryBenchHooks } from './registry.js';
import { insertPortalBenchData } from './portal-data.js';

/**
 * The bench's `portal` group (issue 7 at Quebec scale, bench/portal-data.ts: 20,000 sites, 250,000
 * entries in réserves):
 * - a large provider's réserve page (2,000 entries), GET /entreprise/reserves/:siteId as a user of
 *   the provider holding « Gérer la réserve et les admissions », at 1 client and at BENCH_CONNECTIONS;
 * - the rank of a child: `exactRank` on random entries of that réserve, and `choicesOfFamily` (what
 *   the family page /famille computes: every choice of the family with its rank bracket), in-process;
 * - the map search (`searchMap`, in-process) of 10 km and of 50 km with filters, centred on the
 *   postal areas of the gazetteer taken at random, and on Montréal's Plateau (the densest case);
 * - the map page and its JSON as a whole under load (GET /carte, /carte.json: geocoding, search,
 *   rendering), at 1 client and at BENCH_CONNECTIONS.
 */

const SAMPLES = 5_000;
const WARMUP = 200;
/** Fewer for the map: a 50 km search around Montréal reads thousands of sites, and 1,000 calls settle its p95. */
const MAP_SAMPLES = 1_000;

/** Filter sets a visitor would combine, used in turn. */
const mapFilterSets: MapFilters[] = [
  { kinds: ['cpe'], subsidized: null, ageGroup: 'under_18_months', days: [], periods: [], language: null },
  { kinds: [], subsidized: true, ageGroup: 'from_18_months', days: ['mon', 'tue', 'wed', 'thu', 'fri'], periods: [], language: null },
  { kinds: ['home_provider'], subsidized: null, ageGroup: null, days: [], periods: ['part_time'], language: null },
  { kinds: [], subsidized: false, ageGroup: null, days: [], periods: [], language: 'en' },
];

async function measureMapSearch(bench: BenchApp, hooks: RegistryBenchHooks, sites: number): Promise<void> {
  const areas = await bench.db.select().from(postalArea);
  const places: Place[] = areas.map((a) => ({ label: a.fsa, precision: 'postal_area', latitude: a.latitude, longitude: a.longitude }));
  const plateau = places.find((p) => p.label === 'H2X');
  if (!plateau) throw new Error('the gazetteer has no H2X');
  const ctx: Ctx = { actor: anonymous, lang: 'fr', requestId: null, ip: null };
  for (const radiusKm of [10, 50]) {
    let n = 0;
    let found = 0;
    const search = async (place: Place) => {
      const result = await searchMap(bench.db, ctx, place, radiusKm, mapFilterSets[n++ % mapFilterSets.length] as MapFilters);
      found += result.total;
    };
    console.log(`- searchMap ${radiusKm} km with filters: ${MAP_SAMPLES} calls on random postal areas, then on H2X`);
    hooks.record(await timeCalls('searchMap', places, search, MAP_SAMPLES), sites, `searchMap ${radiusKm} km, filters, random postal area (in-process) ¶`);
    if (found === 0) throw new Error(`searchMap ${radiusKm} km found nothing around the postal areas`);
    found = 0;
    hooks.record(await timeCalls('searchMap', [plateau], search, MAP_SAMPLES), sites, `searchMap ${radiusKm} km, filters, Montréal H2X (in-process) ¶`);
    hooks.notes.push(`¶ searchMap ${radiusKm} km around H2X: ${Math.round(found / (WARMUP + MAP_SAMPLES)).toLocaleString('en')} sites found per search on average (over the filter sets).`);
  }

  const page = '/carte?lieu=H2X&rayon=10&type=cpe&age=under_18_months';
  await hooks.measureChecked(`GET ${page} ¶`, sites, { url: `${bench.baseUrl}${page}`, headers: hooks.headers, warmupRequests: 20 }, (status, body) => status === 200 && (body.match(/class="map-entry"/g) ?? []).length === MAP_PAGE_SIZE);
  const json = '/carte.json?lieu=H2X&rayon=50&subventionne=oui&jours=mon&jours=tue&jours=wed&jours=thu&jours=fri';
  await hooks.measureChecked(`GET ${json} ¶`, sites, { url: `${bench.baseUrl}${json}`, headers: hooks.headers, warmupRequests: 20 }, (status, body) => status === 200 && (JSON.parse(body) as { results: unknown[] }).results.length === MAP_PAGE_SIZE);
}

/** Sequential calls of `call` on items drawn at random (deterministically), timed one by one. */
async function timeCalls<T>(operation: string, items: T[], call: (item: T) => Promise<unknown>, samples = SAMPLES): Promise<Measured> {
  let state = 11;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return items[state % items.length] as T;
  };
  for (let i = 0; i < WARMUP; i++) await call(next());
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < samples; i++) {
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

  await measureMapSearch(bench, hooks, c.sites);

  hooks.notes.push(
    `¶ rows: reserve_choice entries (${c.choices.toLocaleString('en')}, ${c.inReserve.toLocaleString('en')} counted in a réserve) over ${c.sites.toLocaleString('en')} sites ` +
      `(${(c.sites - c.rsge).toLocaleString('en')} installations of ${(c.services - 160).toLocaleString('en')} CPE and garderies, ${c.rsge.toLocaleString('en')} RSGE of 160 BCs; ${c.sheets.toLocaleString('en')} sheets, ${c.published.toLocaleString('en')} published), ` +
      `${c.families.toLocaleString('en')} families, ${c.children.toLocaleString('en')} children. Réserve page: a CPE installation with ${c.largeEntries.toLocaleString('en')} entries, ` +
      `its user holding « Gérer la réserve et les admissions » signed in; first page of ${RESERVE_PAGE_SIZE}. exactRank: ${SAMPLES.toLocaleString('en')} sequential calls on random entries of that réserve; ` +
      `choicesOfFamily: ${SAMPLES.toLocaleString('en')} calls for random families of that réserve (1–2 children, 1–4 choices), each choice ranked; in the server's process, p50/p95 per call, req/s = calls/s.`,
  );
}
