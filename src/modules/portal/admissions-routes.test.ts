import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { translate, type MessageKey } from '../../platform/i18n/index.js';
import { createTestAccount, signedInClient, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from './admissions.js';
import { addMonths, chooseService } from './families.js';
import { admissionRoutes, familyAdmissionRoutes } from './routes-admissions.js';
import { admission } from './schema.js';
import { childInReserve, citizenCtx, coordinatingOfficeOf, portalUser, publishedProvider } from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

const today = todayInQuebec();
const fr = (key: MessageKey, params?: Record<string, string | number>) => translate('fr', key, params).replace(/’/g, '&#x27;').replace(/'/g, '&#x27;');
const has = (body: string, key: MessageKey, params?: Record<string, string | number>) => body.includes(translate('fr', key, params)) || body.includes(fr(key, params));


describe('admitting through the pages', () => {
  test('from the réserve: the link on the child’s file, a field error, the admission; the parent sees it and keeps the other choices', async () => {
    const cpe = await publishedProvider(t.db, 'cpe');
    const other = await publishedProvider(t.db, 'cpe');
    const { parent, child, choice } = await childInReserve(t.db, cpe.siteId);
    await chooseService(t.db, citizenCtx(parent), child.id, other.siteId, { desiredStart: addMonths(today, 3), days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });

    const provider = await signedInClient(t, cpe.reserveUser);
    const file = await provider.get(`/entreprise/reserves/${cpe.siteId}/enfants/${choice.id}`);
    const formUrl = `/entreprise/reserves/${cpe.siteId}/enfants/${choice.id}/admettre`;
    assert.ok(file.body.includes(`href="${formUrl}"`));
    const form = await provider.get(formUrl);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(`value="${choice.desiredStart}"`), 'the wished date is proposed');
    const bad = await provider.post(formUrl, { plannedStart: addMonths(today, -1) });
    assert.equal(bad.statusCode, 400);
    assert.ok(has(bad.body, 'portal.admission.plannedStart.past') && bad.body.includes('id="error-summary"'));
    const done = await provider.post(formUrl, { plannedStart: addMonths(today, 1) });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/entreprise/admissions/${cpe.siteId}?fait=admis`);
    const list = await provider.follow(done);
    assert.ok(has(list.body, 'portal.admission.done') && list.body.includes(child.registrationNumber));

    const family = await signedInClient(t, parent);
    const page = await family.get('/famille');
    assert.ok(has(page.body, 'portal.family.admission.question', { count: 1 }), 'the family is asked about its other choice');
    const [row] = await t.db.select().from(admission).where(eq(admission.childId, child.id));
    assert.ok(row);
    const confirm = await family.get(`/famille/admissions/${row.id}/retirer`);
    assert.equal(confirm.statusCode, 200, 'withdrawing asks for a confirmation first');
    const kept = await family.post(`/famille/admissions/${row.id}/garder`, {});
    assert.equal(kept.headers.location, '/famille?fait=choixGardes');
    const after = await family.follow(kept);
    assert.ok(has(after.body, 'portal.family.admission.kept') && !has(after.body, 'portal.family.admission.question', { count: 1 }));
    const twice = await family.post(`/famille/admissions/${row.id}/retirer`, {});
    assert.equal(twice.statusCode, 409, 'answered once');
  });

  test('full places: the form says so and offers the override; with a reason the child is admitted', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const entries = [];
    for (let i = 0; i < 7; i++) entries.push(await childInReserve(t.db, rsge.siteId, { firstName: `Enfant${i}` }));
    for (const e of entries.slice(0, 6)) await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, e.choice.id, { plannedStart: addMonths(today, 1), override: false, overrideReason: '' }, { publicUrl: t.config.publicUrl });
    const last = entries[6];
    assert.ok(last);
    const provider = await signedInClient(t, rsge.reserveUser);
    const url = `/entreprise/reserves/${rsge.siteId}/enfants/${last.choice.id}/admettre`;
    await provider.get(url);
    const full = await provider.post(url, { plannedStart: addMonths(today, 1) });
    assert.equal(full.statusCode, 409);
    assert.ok(has(full.body, 'portal.admission.error.placesFull', { total: 6, infants: 2 }) && full.body.includes('name="overrideReason"'));
    const forced = await provider.post(url, { plannedStart: addMonths(today, 1), override: 'oui', overrideReason: 'Remplacement d’un départ prévu' });
    assert.equal(forced.statusCode, 303);
  });

  test('with a registration number: one message for a wrong number, the file for a right one, then the admission', async () => {
    const cpe = await publishedProvider(t.db, 'cpe');
    const other = await publishedProvider(t.db, 'cpe');
    const { child } = await childInReserve(t.db, other.siteId);
    const provider = await signedInClient(t, cpe.reserveUser);
    const search = `/entreprise/admissions/${cpe.siteId}/numero`;
    assert.equal((await provider.get(search)).statusCode, 200);
    const wrong = await provider.post(search, { registrationNumber: 'P-2222-3333-44' });
    assert.equal(wrong.statusCode, 400);
    assert.ok(has(wrong.body, 'portal.admission.number.unknown') && wrong.body.includes('value="P-2222-3333-44"'));
    const found = await provider.post(search, { registrationNumber: child.registrationNumber.toLowerCase() });
    assert.equal(found.statusCode, 200);
    assert.ok(found.body.includes('Nadia Tremblay') && found.body.includes(child.registrationNumber));
    const admitted = await provider.post(`${search}/admettre`, { registrationNumber: child.registrationNumber, plannedStart: addMonths(today, 2) });
    assert.equal(admitted.statusCode, 303);
    const again = await provider.post(`${search}/admettre`, { registrationNumber: child.registrationNumber, plannedStart: addMonths(today, 2) });
    assert.equal(again.statusCode, 409);
    assert.ok(has(again.body, 'portal.admission.error.alreadyHere'));
  });
});

describe('the registration-number attempts are limited', () => {
  let limited: TestApp;
  before(async () => {
    limited = await buildTestApp({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  after(async () => limited?.close());

  test('the fourth number posted in a minute from one address is refused (429)', async () => {
    const cpe = await publishedProvider(limited.db, 'cpe');
    const c = limited.client();
    assert.equal((await signInAs(c, cpe.reserveUser)).statusCode, 303);
    const url = `/entreprise/admissions/${cpe.siteId}/numero`;
    await c.get(url);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await c.post(url, { registrationNumber: `P-2222-3333-4${i + 2}` })).statusCode);
    assert.deepEqual(statuses, [400, 400, 400, 429]);
  });
});

describe('the RSGE’s authorization of its BC, through the pages', () => {
  test('the RSGE grants it; its BC then finds the réserve in its list and the admissions page', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const own = await signedInClient(t, rsge.reserveUser);
    const page = await own.get(`/entreprise/reserves/${rsge.siteId}/bc`);
    assert.ok(page.statusCode === 200 && has(page.body, 'portal.bc.notGranted'));
    const granted = await own.post(`/entreprise/reserves/${rsge.siteId}/bc`, { autoriser: 'oui' });
    assert.equal(granted.statusCode, 303);
    assert.ok(has((await own.follow(granted)).body, 'portal.bc.granted'));
    const office = await signedInClient(t, bc.reserveUser);
    assert.ok((await office.get('/entreprise/reserves')).body.includes(`/entreprise/admissions/${rsge.siteId}`));
    assert.equal((await office.get(`/entreprise/admissions/${rsge.siteId}`)).statusCode, 200);
    assert.equal((await office.get(`/entreprise/reserves/${rsge.siteId}/bc`)).statusCode, 403, 'only the RSGE decides');
  });
});

describe('authorization on every admission route', () => {
  test('anonymous visitors go to sign-in; a citizen, another provider, a user without the right and an unauthorized BC are refused; a parent’s answer is its own', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const { parent, child, choice } = await childInReserve(t.db, rsge.siteId, { firstName: 'Secrète' });
    const { choice: second } = await childInReserve(t.db, rsge.siteId, { firstName: 'Seconde' });
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, { plannedStart: addMonths(today, 1), override: false, overrideReason: '' }, { publicUrl: t.config.publicUrl });

    type Route = { method: 'GET' | 'POST'; url: string; body?: Record<string, string> };
    const providerRoutes: Route[] = [
      { method: 'GET', url: `/entreprise/reserves/${rsge.siteId}/enfants/${second.id}/admettre` },
      { method: 'POST', url: `/entreprise/reserves/${rsge.siteId}/enfants/${second.id}/admettre`, body: { plannedStart: addMonths(today, 1) } },
      { method: 'GET', url: `/entreprise/admissions/${rsge.siteId}` },
      { method: 'GET', url: `/entreprise/admissions/${rsge.siteId}/numero` },
      { method: 'POST', url: `/entreprise/admissions/${rsge.siteId}/numero`, body: { registrationNumber: child.registrationNumber } },
      { method: 'POST', url: `/entreprise/admissions/${rsge.siteId}/numero/admettre`, body: { registrationNumber: child.registrationNumber, plannedStart: addMonths(today, 1) } },
      { method: 'GET', url: `/entreprise/reserves/${rsge.siteId}/bc` },
      { method: 'POST', url: `/entreprise/reserves/${rsge.siteId}/bc`, body: { autoriser: 'oui' } },
    ];
    const pattern = (url: string) => url.replace(rsge.siteId, ':siteId').replace(second.id, ':choiceId').replace(row.id, ':admissionId');
    assert.deepEqual(new Set(providerRoutes.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(admissionRoutes));
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/entreprise/admissions') || r.includes('/admettre') || r.endsWith('/:siteId/bc'))), new Set(admissionRoutes));
    const familyRoutesTried: Route[] = [
      { method: 'POST', url: `/famille/admissions/${row.id}/garder`, body: {} },
      { method: 'GET', url: `/famille/admissions/${row.id}/retirer` },
      { method: 'POST', url: `/famille/admissions/${row.id}/retirer`, body: {} },
    ];
    assert.deepEqual(new Set(familyRoutesTried.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(familyAdmissionRoutes));
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/famille/admissions'))), new Set(familyAdmissionRoutes));

    const otherProvider = await publishedProvider(t.db, 'cpe');
    const actors: { name: string; who: TestAccount | null; routes: Route[] }[] = [
      { name: 'anonymous', who: null, routes: [...providerRoutes, ...familyRoutesTried] },
      { name: 'a citizen', who: await createTestAccount(t.db, 'citizen'), routes: [...providerRoutes, ...familyRoutesTried] },
      { name: 'another provider with « Gérer la réserve »', who: otherProvider.reserveUser, routes: [...providerRoutes, ...familyRoutesTried] },
      { name: 'a user of the RSGE without « Gérer la réserve »', who: await portalUser(t.db, rsge, ['manage_sheet'], 'Sansreserve'), routes: providerRoutes },
      { name: 'its BC, not authorized', who: bc.reserveUser, routes: providerRoutes },
    ];
    for (const actor of actors) {
      const c = t.client();
      if (actor.who) assert.equal((await signInAs(c, actor.who)).statusCode, 303, actor.name);
      // A valid CSRF token: the refusal must come from the right, not from a missing token.
      await c.get(actor.who ? '/compte' : '/connexion');
      const csrf = c.csrf();
      for (const route of actor.routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response = route.method === 'GET' ? await c.get(route.url) : await c.post(route.url, route.body ?? {}, { csrf });
        if (!actor.who) assert.equal(response.statusCode, 303, label);
        else assert.equal(response.statusCode, 403, `${label}: ${response.statusCode}`);
        for (const secret of ['Secrète', 'Seconde', child.registrationNumber, '418 555-0123']) assert.ok(!response.body.includes(secret), `${label} shows nothing of the children`);
      }
    }
    assert.equal((await t.db.select().from(admission).where(eq(admission.installationId, rsge.siteId))).length, 1, 'nothing was admitted by them');
    const own = await signedInClient(t, parent);
    assert.equal((await own.get(`/famille/admissions/${row.id}/retirer`)).statusCode, 200, 'the parent’s own');
  });
});
