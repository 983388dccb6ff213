import { randomUUID } from 'node:crypto';
import { transaction } from '../src/platform/db/index.js';
import { TestClient } from '../src/platform/testing/app.js';
import { createTestAccount, signInAs } from '../src/platform/testing/accounts.js';
import { siteById, todayInQuebec } from '../src/modules/childcare/service.js';
import { addMonths, newRegistrationNumber } from '../src/modules/portal/families.js';
import { coordinatingOfficeOf, publishedProvider } from '../src/modules/portal/test-support.js';
import { insertInBatches } from './childcare-data.js';
import type { BenchApp } from './lib.js';
import type { RegistryBenchHooks } from './registry.js';

/**
 * The bench's `bc` group (issue 8, item 4): a BC with 150 RSGE — a third with a sheet, half of those
 * published — and 600 admissions at them waiting for its confirmation, children of 50 families
 * (12 each, the most a family holds) named from a list of common surnames. Its user holding « Gérer la réserve et les admissions » is
 * signed in; measured: its list of RSGE, and « Confirmer une admission » searched by a child's name
 * and by RSGE.
 */

const RSGE = 150;
const ADMISSIONS = 600;
const lastNames = ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné'];

export async function measureBc(bench: BenchApp, hooks: RegistryBenchHooks): Promise<void> {
  console.log(`- BC: ${RSGE} RSGE, ${ADMISSIONS} admissions to confirm`);
  const first = await publishedProvider(bench.db, 'home_provider');
  const bc = await coordinatingOfficeOf(bench.db, first);
  const site = await siteById(bench.db, first.siteId);
  if (!site) throw new Error('the first RSGE has no site');
  const today = todayInQuebec();
  // A family holds at most 12 children: 50 families of 12.
  const parents = [];
  for (let i = 0; i < ADMISSIONS / 12; i++) parents.push(await createTestAccount(bench.db, 'citizen'));

  const sites = Array.from({ length: RSGE - 1 }, (_, i) => ({
    id: randomUUID(),
    service_id: site.serviceId,
    kind: 'home_provider',
    number: `RSGE-B${String(i).padStart(6, '0')}`,
    name: `${lastNames[i % lastNames.length]} RSGE ${i + 2}`,
    address: `${i + 1}, rue des Érables`,
    municipality: 'Rimouski',
    postal_code: 'G5L 1A1',
    region: '01',
    directorate_code: '11',
    provider_neq: `2${String(i).padStart(9, '0')}`,
    places_total: 6,
    places_under_18_months: 2,
  }));
  const sheets = sites.filter((_, i) => i % 3 === 0).map((s, i) => ({ id: randomUUID(), installation_id: s.id, opening_days: ['mon', 'tue', 'wed', 'thu', 'fri'], opens_at: '07:00', closes_at: '17:00', published_at: i % 2 === 0 ? new Date().toISOString() : null }));
  const families = parents.map((p) => ({ id: randomUUID(), account_id: p.account.id }));
  const children = Array.from({ length: ADMISSIONS }, (_, i) => ({ id: randomUUID(), family_id: families[i % families.length]?.id, registration_number: newRegistrationNumber(), first_name: `Enfant${i}`, last_name: lastNames[i % lastNames.length], birth_date: addMonths(today, -24) }));
  const siteIds = [first.siteId, ...sites.map((s) => s.id)];
  const admissions = children.map((c, i) => ({ id: randomUUID(), installation_id: siteIds[i % siteIds.length], child_id: c.id, planned_start: addMonths(today, 1 + (i % 6)), age_group: 'toddler', state: 'admitted', admitted_by: first.reserveUser.account.id }));
  await transaction(bench.db, async (tx) => {
    await insertInBatches(tx, 'installation', sites, 1000);
    await insertInBatches(tx, 'service_sheet', sheets, 1000);
    await insertInBatches(tx, 'family', families, 1000);
    await insertInBatches(tx, 'family_child', children, 1000);
    await insertInBatches(tx, 'admission', admissions, 1000);
  });

  const client = new TestClient(bench.app);
  const signedIn = await signInAs(client, bc.reserveUser);
  if (signedIn.statusCode !== 303) throw new Error(`the BC's user could not sign in (status ${signedIn.statusCode})`);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const headers = { ...hooks.headers, cookie };
  const rowsOf = (body: string) => (body.match(/<th scope="row">/g) ?? []).length;
  await hooks.measureChecked(`GET /entreprise/bc (${RSGE} RSGE) ∆`, RSGE, { url: `${bench.baseUrl}/entreprise/bc`, headers, warmupRequests: 20 }, (status, body) => status === 200 && rowsOf(body) === RSGE);
  const byName = '/entreprise/bc/admissions?enfant=gagnon';
  await hooks.measureChecked(`GET ${byName} ∆`, ADMISSIONS, { url: `${bench.baseUrl}${byName}`, headers, warmupRequests: 20 }, (status, body) => status === 200 && (body.match(/\/confirmer"/g) ?? []).length === ADMISSIONS / lastNames.length);
  const byRsge = `/entreprise/bc/admissions?rsge=${first.siteId}`;
  await hooks.measureChecked('GET /entreprise/bc/admissions?rsge=:siteId ∆', ADMISSIONS, { url: `${bench.baseUrl}${byRsge}`, headers, warmupRequests: 20 }, (status, body) => status === 200 && (body.match(/\/confirmer"/g) ?? []).length === ADMISSIONS / RSGE);
  hooks.notes.push(
    `∆ rows: a BC's RSGE (${RSGE}: a third with a sheet, half of those published) or the admissions waiting for its confirmation (${ADMISSIONS}, 4 per RSGE); ` +
      `its user with « Gérer la réserve et les admissions » signed in; the search by name finds ${ADMISSIONS / lastNames.length} children (one surname in ten), by RSGE ${ADMISSIONS / RSGE}.`,
  );
}
