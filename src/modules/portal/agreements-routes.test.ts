import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { translate } from '../../platform/i18n/index.js';
import { createTestAccount, pageShows, signedInClient, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from './admissions.js';
import { recordAgreement } from './agreements.js';
import { confirmAdmission } from './bc.js';
import { addMonths } from './families.js';
import { agreementRoutes } from './routes-agreements.js';
import { serviceAgreement } from './schema.js';
import { childInReserve, coordinatingOfficeOf, portalUser, publishedProvider } from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

const today = todayInQuebec();
const settings = () => ({ publicUrl: t.config.publicUrl });
const start = { plannedStart: addMonths(today, 1), override: false, overrideReason: '' };
const terms = { startDate: addMonths(today, 1), days: ['mon', 'wed'], periods: ['full_time'], contribution: 'reduced', dailyRate: '', signedOn: today };
/** The form as a browser sends it, one box checked in each group (the service tests check several). */
const typed = { startDate: terms.startDate, days: 'mon', periods: 'full_time', contribution: 'reduced', dailyRate: '', signedOn: today };


describe('service agreements through the pages', () => {
  test('the BC records an RSGE child’s agreement from the RSGE’s page, changes it, ends it after its confirmation page; the PDF downloads; the parent sees it', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const family = await childInReserve(t.db, rsge.siteId, { firstName: 'Éloïse' });
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, family.choice.id, start, settings());
    await confirmAdmission(t.db, ctxOf(bc.reserveUser), row.id, settings());

    const office = await signedInClient(t, bc.reserveUser);
    assert.ok((await office.get('/entreprise')).body.includes('href="/entreprise/ententes"'));
    const rsgePage = await office.get(`/entreprise/bc/rsge/${rsge.siteId}`);
    assert.ok(rsgePage.body.includes(`href="/entreprise/ententes/nouvelle/${row.id}"`));
    const formUrl = `/entreprise/ententes/nouvelle/${row.id}`;
    assert.equal((await office.get(formUrl)).statusCode, 200);
    const bad = await office.post(formUrl, { ...typed, contribution: 'other_rate', dailyRate: '' });
    assert.equal(bad.statusCode, 400);
    assert.ok(pageShows(bad.body, 'portal.agreement.dailyRate.required'));
    assert.ok(bad.body.includes('value="other_rate" checked'), 'what was typed is kept');
    const recorded = await office.post(formUrl, typed);
    assert.equal(recorded.statusCode, 303);
    const detail = await office.follow(recorded);
    assert.ok(pageShows(detail.body, 'portal.agreement.recorded'));
    const [agreement] = await t.db.select().from(serviceAgreement).where(eq(serviceAgreement.admissionId, row.id));
    assert.ok(agreement);
    const twice = await office.post(formUrl, typed);
    assert.equal(twice.statusCode, 409);
    assert.ok(pageShows(twice.body, 'portal.agreement.error.alreadyRecorded'));

    const changeUrl = `/entreprise/ententes/${agreement.id}/modifier`;
    assert.ok((await office.get(changeUrl)).body.includes('name="version" value="1"'));
    const changed = await office.post(changeUrl, { ...typed, days: 'tue', version: '1', changeReason: 'Le mardi plutôt' });
    assert.equal(changed.statusCode, 303);
    assert.ok((await office.follow(changed)).body.includes('Le mardi plutôt'));
    const stale = await office.post(changeUrl, { ...typed, days: 'fri', version: '1', changeReason: 'Ancien onglet' });
    assert.equal(stale.statusCode, 409);
    assert.ok(pageShows(stale.body, 'portal.agreement.error.stale') && stale.body.includes('name="version" value="2"'), 'the form is drawn again from the current version');

    const pdf = await office.get(`/entreprise/ententes/${agreement.id}/pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.ok(pdf.rawPayload.subarray(0, 5).toString() === '%PDF-');

    const endUrl = `/entreprise/ententes/${agreement.id}/cessation`;
    const confirmPage = await office.get(endUrl);
    assert.ok(pageShows(confirmPage.body, 'portal.agreement.end.warning'), 'the cessation asks first and says it cannot be undone');
    const ended = await office.post(endUrl, { endDate: addMonths(today, 6), reason: 'school', details: '', version: '2' });
    assert.equal(ended.statusCode, 303);
    assert.ok(pageShows((await office.follow(ended)).body, 'portal.agreement.ended'));
    const again = await office.post(endUrl, { endDate: addMonths(today, 6), reason: 'school', details: '', version: '2' });
    assert.equal(again.statusCode, 409);
    assert.ok(pageShows(again.body, 'portal.agreement.error.ended'));
    const endedList = await office.get('/entreprise/ententes?etat=terminee&enfant=%C3%A9lo');
    assert.ok(endedList.body.includes(`/entreprise/ententes/${agreement.id}`));
    const badFilter = await office.get('/entreprise/ententes?debutDu=demain');
    assert.equal(badFilter.statusCode, 200);
    assert.ok(pageShows(badFilter.body, 'portal.agreement.list.badFilter'));

    const parent = await signedInClient(t, family.parent);
    const space = await parent.get('/famille');
    assert.ok(pageShows(space.body, 'portal.agreement.family.ended', { date: addMonths(today, 6), reason: translate('fr', 'portal.agreement.endReason.school') }));
  });
});

describe('authorization on every agreement route', () => {
  test('anonymous visitors go to sign-in; a citizen, another provider, a user without the right are refused; the RSGE only reads', async () => {
    const cpe = await publishedProvider(t.db, 'cpe');
    const family = await childInReserve(t.db, cpe.siteId, { firstName: 'Confidentielle' });
    const row = await admitFromReserve(t.db, ctxOf(cpe.reserveUser), cpe.siteId, family.choice.id, start, settings());
    const second = await childInReserve(t.db, cpe.siteId, { firstName: 'Confidentielle' });
    const open = await admitFromReserve(t.db, ctxOf(cpe.reserveUser), cpe.siteId, second.choice.id, start, settings());
    const agreement = await recordAgreement(t.db, ctxOf(cpe.reserveUser), row.id, terms, settings());

    type Route = { method: 'GET' | 'POST'; url: string; own?: boolean };
    const routes: Route[] = [
      { method: 'GET', url: '/entreprise/ententes', own: true },
      { method: 'GET', url: `/entreprise/ententes/nouvelle/${open.id}` },
      { method: 'POST', url: `/entreprise/ententes/nouvelle/${open.id}` },
      { method: 'GET', url: `/entreprise/ententes/${agreement.id}` },
      { method: 'GET', url: `/entreprise/ententes/${agreement.id}/pdf` },
      { method: 'GET', url: `/entreprise/ententes/${agreement.id}/modifier` },
      { method: 'POST', url: `/entreprise/ententes/${agreement.id}/modifier` },
      { method: 'GET', url: `/entreprise/ententes/${agreement.id}/cessation` },
      { method: 'POST', url: `/entreprise/ententes/${agreement.id}/cessation` },
    ];
    const pattern = (url: string) => url.replace(open.id, ':admissionId').replace(agreement.id, ':agreementId');
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(agreementRoutes));
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/entreprise/ententes'))), new Set(agreementRoutes));

    const other = await publishedProvider(t.db, 'subsidized_daycare');
    const actors: { name: string; who: TestAccount | null; ownList?: boolean }[] = [
      { name: 'anonymous', who: null },
      { name: 'a citizen (the parent)', who: family.parent },
      { name: 'another garderie with « Gérer la réserve »', who: other.reserveUser, ownList: true },
      { name: 'a CPE user without « Gérer la réserve »', who: await portalUser(t.db, cpe, ['manage_sheet'], 'Sansdroit') },
      { name: 'an agent of the ministry', who: await createTestAccount(t.db, 'agent') },
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
        else if (actor.ownList && route.own) assert.equal(response.statusCode, 200, label);
        else assert.equal(response.statusCode, 403, `${label}: ${response.statusCode}`);
        for (const secret of ['Confidentielle', family.child.registrationNumber]) assert.ok(!response.body.includes(secret), `${label} shows nothing of this CPE’s agreements`);
      }
    }
    const [still] = await t.db.select().from(serviceAgreement).where(eq(serviceAgreement.id, agreement.id));
    assert.deepEqual([still?.state, still?.version], ['active', 1], 'nobody else changed or ended it');
    const [none] = await t.db.select().from(serviceAgreement).where(eq(serviceAgreement.admissionId, open.id));
    assert.equal(none, undefined, 'nobody else recorded one');

    // The RSGE reads its children's agreements, but the forms are its BC's.
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const child = await childInReserve(t.db, rsge.siteId);
    const admitted = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, child.choice.id, start, settings());
    await confirmAdmission(t.db, ctxOf(bc.reserveUser), admitted.id, settings());
    const rsgeAgreement = await recordAgreement(t.db, ctxOf(bc.reserveUser), admitted.id, terms, settings());
    const own = await signedInClient(t, rsge.reserveUser);
    const read = await own.get(`/entreprise/ententes/${rsgeAgreement.id}`);
    assert.equal(read.statusCode, 200);
    assert.ok(!read.body.includes('/modifier') && !read.body.includes('/cessation'), 'no change or cessation link for the RSGE');
    assert.equal((await own.get(`/entreprise/ententes/${rsgeAgreement.id}/modifier`)).statusCode, 403);
    assert.equal((await own.get(`/entreprise/ententes/${rsgeAgreement.id}/cessation`)).statusCode, 403);
  });
});
