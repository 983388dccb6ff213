import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { createTestAccount, pageShows, signedInClient, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from './admissions.js';
import { addMonths } from './families.js';
import { bcRoutes } from './routes-bc.js';
import { admission } from './schema.js';
import { childInReserve, coordinatingOfficeOf, portalUser, publishedProvider } from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

const today = todayInQuebec();
const start = { plannedStart: addMonths(today, 1), override: false, overrideReason: '' };


describe('the BC’s workspace through the pages', () => {
  test('from the workspace link to the list, the reminder after its confirmation page, and an admission confirmed once', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const { child, choice } = await childInReserve(t.db, rsge.siteId, { firstName: 'Maëlle' });
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, start, { publicUrl: t.config.publicUrl });

    const office = await signedInClient(t, bc.reserveUser);
    assert.ok((await office.get('/entreprise')).body.includes('href="/entreprise/bc"'));
    const list = await office.get('/entreprise/bc');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(rsge.siteName));
    const search = await office.get(`/entreprise/bc/admissions?rsge=${rsge.siteId}&enfant=ma%C3%ABlle`);
    assert.ok(search.body.includes(child.registrationNumber));
    const done = await office.post(`/entreprise/bc/admissions/${row.id}/confirmer`, {});
    assert.equal(done.statusCode, 303);
    assert.ok(pageShows((await office.follow(done)).body, 'portal.bcSpace.confirm.done'));
    const [confirmed] = await t.db.select().from(admission).where(eq(admission.id, row.id));
    assert.equal(confirmed?.state, 'confirmed');
    await office.get('/entreprise/bc/admissions');
    const twice = await office.post(`/entreprise/bc/admissions/${row.id}/confirmer`, {});
    assert.equal(twice.statusCode, 409);
    assert.ok(pageShows(twice.body, 'portal.bc.error.notToConfirm'));
    assert.ok((await office.get(`/entreprise/bc/rsge/${rsge.siteId}`)).body.includes(child.registrationNumber));

    // The Registre: a field error, the record saved; a suspension recorded, shown in the history.
    const recordUrl = `/entreprise/bc/rsge/${rsge.siteId}/dossier`;
    await office.get(recordUrl);
    const record = { name: 'Julie Tremblay', address: '12, rue des Pins', municipality: 'Rimouski', postalCode: 'G5L 2B3', email: '', phone: '', placesTotal: '6', placesUnder18Months: '2' };
    const badRecord = await office.post(recordUrl, { ...record, postalCode: '12345' });
    assert.equal(badRecord.statusCode, 400);
    assert.ok(pageShows(badRecord.body, 'portal.registry.postalCode.invalid') && badRecord.body.includes('value="12345"'));
    assert.equal((await office.post(recordUrl, record)).statusCode, 303);
    const statusUrl = `/entreprise/bc/rsge/${rsge.siteId}/reconnaissance`;
    await office.get(statusUrl);
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const suspended = await office.post(statusUrl, { status: 'suspended', effectiveDate: today, plannedReturn: inDays(40), showDaysBefore: '14', reason: 'Congé de maternité' });
    assert.equal(suspended.statusCode, 303);
    const rsgePage = await office.follow(suspended);
    assert.ok(pageShows(rsgePage.body, 'portal.registry.recognition.saved') && rsgePage.body.includes('Congé de maternité'));
    assert.equal((await t.client().get(`/services/${rsge.siteId}`)).statusCode, 404, 'its public page is gone while suspended');

    const confirm = await office.get('/entreprise/bc/rappel');
    assert.equal(confirm.statusCode, 200, 'the reminder asks first');
    const reminded = await office.post('/entreprise/bc/rappel', {});
    assert.equal(reminded.statusCode, 303);
    assert.ok(pageShows((await office.follow(reminded)).body, 'portal.bcSpace.remind.done', { mailed: 0, withoutAddress: 0, alreadyToday: 0 }));
  });
});

describe('authorization on every BC route', () => {
  test('anonymous visitors go to sign-in; a citizen, a CPE, a BC user without the right are refused; another BC sees only its own', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const { child, choice } = await childInReserve(t.db, rsge.siteId, { firstName: 'Secrète' });
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, start, { publicUrl: t.config.publicUrl });

    type Route = { method: 'GET' | 'POST'; url: string; own?: boolean };
    const routes: Route[] = [
      { method: 'GET', url: '/entreprise/bc', own: true },
      { method: 'GET', url: '/entreprise/bc/rappel', own: true },
      { method: 'POST', url: '/entreprise/bc/rappel', own: true },
      { method: 'GET', url: `/entreprise/bc/admissions?rsge=${rsge.siteId}`, own: true },
      { method: 'POST', url: `/entreprise/bc/admissions/${row.id}/confirmer` },
      { method: 'GET', url: `/entreprise/bc/rsge/${rsge.siteId}` },
      { method: 'GET', url: `/entreprise/bc/rsge/${rsge.siteId}/dossier` },
      { method: 'POST', url: `/entreprise/bc/rsge/${rsge.siteId}/dossier` },
      { method: 'GET', url: `/entreprise/bc/rsge/${rsge.siteId}/reconnaissance` },
      { method: 'POST', url: `/entreprise/bc/rsge/${rsge.siteId}/reconnaissance` },
    ];
    const pattern = (url: string) => url.replace(/\?.*$/, '').replace(rsge.siteId, ':siteId').replace(row.id, ':admissionId');
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(bcRoutes));
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/entreprise/bc'))), new Set(bcRoutes));

    const otherBc = await coordinatingOfficeOf(t.db, await publishedProvider(t.db, 'home_provider'));
    const cpe = await publishedProvider(t.db, 'cpe');
    const actors: { name: string; who: TestAccount | null; bc?: boolean }[] = [
      { name: 'anonymous', who: null },
      { name: 'a citizen', who: await createTestAccount(t.db, 'citizen') },
      { name: 'a CPE with « Gérer la réserve »', who: cpe.reserveUser },
      { name: 'a BC user without « Gérer la réserve »', who: await portalUser(t.db, bc, ['manage_sheet'], 'Sansdroit') },
      { name: 'the RSGE itself', who: rsge.reserveUser },
      { name: 'another BC', who: otherBc.reserveUser, bc: true },
    ];
    for (const actor of actors) {
      const c = t.client();
      if (actor.who) assert.equal((await signInAs(c, actor.who)).statusCode, 303, actor.name);
      await c.get(actor.who ? '/compte' : '/connexion');
      const csrf = c.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response = route.method === 'GET' ? await c.get(route.url) : await c.post(route.url, {}, { csrf });
        if (!actor.who) assert.equal(response.statusCode, 303, label);
        else if (actor.bc && route.own) assert.ok(response.statusCode === 200 || response.statusCode === 303, `${label}: ${response.statusCode}`);
        else assert.equal(response.statusCode, 403, `${label}: ${response.statusCode}`);
        for (const secret of ['Secrète', child.registrationNumber, rsge.siteName]) assert.ok(!response.body.includes(secret), `${label} shows nothing of this BC’s RSGE`);
      }
    }
    const [still] = await t.db.select().from(admission).where(eq(admission.id, row.id));
    assert.equal(still?.state, 'admitted', 'nobody but the BC confirmed it');
  });
});
