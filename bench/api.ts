import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { transaction } from '../src/platform/db/index.js';
import { createTestAccount } from '../src/platform/testing/accounts.js';
import { ctxOf } from '../src/modules/enterprises/members-test-support.js';
import { todayInQuebec } from '../src/modules/childcare/service.js';
import { addMonths, newRegistrationNumber } from '../src/modules/portal/families.js';
import { coordinatingOfficeOf, publishedProvider } from '../src/modules/portal/test-support.js';
import { apiScopes } from '../src/modules/api/scopes.js';
import { registerClient } from '../src/modules/api/service.js';
import { insertInBatches } from './childcare-data.js';
import type { BenchApp } from './lib.js';
import { insertPortalBenchData } from './portal-data.js';
import type { RegistryBenchHooks } from './registry.js';

/**
 * The bench's `api` group (issue 8, item 7): the management-software API under load.
 * - the token endpoint (client credentials by HTTP Basic: HMAC check, a token row, an audit event);
 * - a large réserve read by its provider's software (the portal data at Quebec scale,
 *   bench/portal-data.ts, the large réserve holding 2,000 entries): the first page of 50, a page
 *   deep in it by cursor, and the site's places;
 * - a BC's software listing the admissions waiting for its confirmation (600 at its RSGE).
 * Each call is authenticated by its Bearer token, counted against the client's limit and audited.
 */

const ADMISSIONS = 600;

export async function measureApi(bench: BenchApp, hooks: RegistryBenchHooks): Promise<void> {
  const provider = await publishedProvider(bench.db, 'home_provider');
  const insertStarted = performance.now();
  const data = await insertPortalBenchData(bench.db, { largeSiteId: provider.siteId, adheredBy: provider.reserveUser.account.id });
  const c = data.counts;
  console.log(`- API: ${c.choices} entries in réserves (${c.largeEntries} in the large one), inserted in ${((performance.now() - insertStarted) / 1000).toFixed(1)} s`);

  const settings = { secret: bench.config.secret };
  const { client, clientSecret } = await registerClient(bench.db, ctxOf(provider.rse), settings, provider.enterpriseId, { name: 'Bench', scopes: [...apiScopes] });
  const basic = `Basic ${Buffer.from(`${client.id}:${clientSecret}`).toString('base64')}`;
  const tokenAnswer = async (): Promise<string> => {
    const response = await fetch(`${bench.baseUrl}/api/v1/oauth/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token (status ${response.status})`);
    return body.access_token;
  };

  await hooks.measureChecked('POST /api/v1/oauth/token ◊', 1, { url: `${bench.baseUrl}/api/v1/oauth/token`, headers: { authorization: basic }, form: 'grant_type=client_credentials', warmupRequests: 20 }, (status, body) => status === 200 && body.includes('"access_token"'));

  const bearer = { authorization: `Bearer ${await tokenAnswer()}`, 'accept-language': 'fr-CA' };
  const reserve = `/api/v1/sites/${provider.siteId}/reserve`;
  const entries = (body: string) => (body.match(/"choice_id"/g) ?? []).length;
  await hooks.measureChecked(`GET ${reserve.replace(provider.siteId, ':siteId')}?limit=50 ◊`, c.largeEntries, { url: `${bench.baseUrl}${reserve}?limit=50`, headers: bearer, warmupRequests: 20 }, (status, body) => status === 200 && entries(body) === 50);
  // The cursor of the 20th page: the réserve read through, as a synchronisation would.
  let cursor = '';
  for (let page = 1; page < 20; page++) {
    const response = await fetch(`${bench.baseUrl}${reserve}?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer });
    const body = (await response.json()) as { next_cursor: string | null };
    if (!body.next_cursor) throw new Error(`the réserve ends before page ${page + 1}`);
    cursor = body.next_cursor;
  }
  await hooks.measureChecked('GET /api/v1/sites/:siteId/reserve?limit=50&cursor= (page 20) ◊', c.largeEntries, { url: `${bench.baseUrl}${reserve}?limit=50&cursor=${cursor}`, headers: bearer, warmupRequests: 20 }, (status, body) => status === 200 && entries(body) === 50);
  await hooks.measureChecked('GET /api/v1/sites/:siteId/places ◊', 1, { url: `${bench.baseUrl}/api/v1/sites/${provider.siteId}/places`, headers: bearer, warmupRequests: 20 }, (status, body) => status === 200 && body.includes('"taken"'));

  // A BC with ADMISSIONS admissions to confirm at one of its RSGE, children of families of 12 (the most a family holds).
  const rsge = await publishedProvider(bench.db, 'home_provider');
  const bc = await coordinatingOfficeOf(bench.db, rsge);
  const today = todayInQuebec();
  const families: { id: string; account_id: string }[] = [];
  for (let i = 0; i < ADMISSIONS / 12; i++) families.push({ id: randomUUID(), account_id: (await createTestAccount(bench.db, 'citizen')).account.id });
  const children = Array.from({ length: ADMISSIONS }, (_, i) => ({ id: randomUUID(), family_id: families[i % families.length]?.id, registration_number: newRegistrationNumber(), first_name: `Enfant${i}`, last_name: 'Gagnon', birth_date: addMonths(today, -24) }));
  const admissions = children.map((child, i) => ({ id: randomUUID(), installation_id: rsge.siteId, child_id: child.id, planned_start: addMonths(today, 1 + (i % 6)), age_group: 'toddler', state: 'admitted', admitted_by: rsge.reserveUser.account.id }));
  await transaction(bench.db, async (tx) => {
    await insertInBatches(tx, 'family', families, 1000);
    await insertInBatches(tx, 'family_child', children, 1000);
    await insertInBatches(tx, 'admission', admissions, 1000);
  });
  const bcClient = await registerClient(bench.db, ctxOf(bc.rse), settings, bc.enterpriseId, { name: 'Bench BC', scopes: ['admissions:read'] });
  const bcToken = await fetch(`${bench.baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${bcClient.client.id}:${bcClient.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  await hooks.measureChecked('GET /api/v1/admissions-to-confirm?limit=100 ◊', ADMISSIONS, { url: `${bench.baseUrl}/api/v1/admissions-to-confirm?limit=100`, headers: { authorization: `Bearer ${bcToken}` }, warmupRequests: 20 }, (status, body) => status === 200 && (body.match(/"admission_id"/g) ?? []).length === 100);

  hooks.notes.push(
    `◊ the management-software API: each call checks its Bearer token (one indexed read), counts against its client's limit (rate_limit_counter) and is audited (one hash-chained event); ` +
      `rows: the large réserve's entries (${c.largeEntries.toLocaleString('en')} of ${c.choices.toLocaleString('en')} in ${c.sites.toLocaleString('en')} sites), a BC's admissions to confirm (${ADMISSIONS}); a token request issues a token and audits it.`,
  );
}
