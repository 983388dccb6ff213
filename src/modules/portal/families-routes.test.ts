import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { LANG_COOKIE_NAME } from '../../platform/http/navigation.js';
import { translate } from '../../platform/i18n/index.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { addGuardian, addMonths, chooseService, registerChild, type FamilyChild, type ReserveChoice } from './families.js';
import { admissionRoutes, familyAdmissionRoutes } from './routes-admissions.js';
import { familyRoutes, publicServiceRoutes, reserveRoutes } from './routes-families.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { startInterestReminders } from './jobs.js';
import { family, familyChild, familyGuardian, reserveChoice } from './schema.js';
import { citizenCtx, createProvider, portalUser, publishedProvider } from './test-support.js';

let t: TestApp;
let rsge: Awaited<ReturnType<typeof publishedProvider>>;
let cpe: Awaited<ReturnType<typeof publishedProvider>>;
let parent: TestAccount;
let client: TestClient;

before(async () => {
  t = await buildTestApp();
  rsge = await publishedProvider(t.db, 'home_provider');
  cpe = await publishedProvider(t.db, 'cpe');
  parent = await createTestAccount(t.db, 'citizen');
  client = t.client();
  assert.equal((await signInAs(client, parent)).statusCode, 303);
});
after(async () => t?.close());

const today = todayInQuebec();
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const fr = (key: Parameters<typeof translate>[1]) => translate('fr', key);
/** The page's text as HTML escapes it (apostrophes and quotes aside, which the tests avoid). */
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('the parent’s pages', () => {
  test('family file, a child registered with its printable number, field errors in French and English with values kept', async () => {
    assert.ok((await client.get('/compte')).body.includes('href="/famille"'), 'the account page links to the family file');
    assert.equal((await client.get('/famille')).statusCode, 200);
    await client.get('/famille/parents/nouveau');
    const bad = await client.post('/famille/parents/nouveau', { role: 'parent', name: 'Nadia <b>Tremblay</b>', email: 'nadia@', phone: '555' });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.body.includes('id="error-summary"') && bad.body.includes(fr('portal.family.phone.invalid')) && bad.body.includes(fr('field.email.invalid')));
    assert.ok(bad.body.includes('value="nadia@"') && bad.body.includes('Nadia &lt;b>Tremblay&lt;/b>') && !bad.body.includes('<b>Tremblay'), 'values kept, as text');
    const saved = await client.post('/famille/parents/nouveau', { role: 'parent', name: 'Nadia <b>Tremblay</b>', email: 'nadia@example.com', phone: '418 555-0123' });
    assert.equal(saved.statusCode, 303);
    const file = await client.follow(saved);
    assert.ok(file.body.includes('Nadia &lt;b') && !file.body.includes('<b>Tremblay'), 'an injection is just text');

    await client.get('/famille/enfants/nouveau');
    const tooFar = addMonths(today, 11);
    const future = await client.post('/famille/enfants/nouveau', { firstName: 'Léa', lastName: 'Tremblay', birthDate: tooFar });
    assert.equal(future.statusCode, 400);
    assert.ok(future.body.includes(fr('portal.child.birthDate.tooFar')) && future.body.includes(`value="${tooFar}"`) && future.body.includes('value="Léa"'));
    client.cookies.set(LANG_COOKIE_NAME, 'en');
    const english = await client.post('/famille/enfants/nouveau', { firstName: 'Léa', lastName: 'Tremblay', birthDate: '2025-13-01' });
    assert.equal(english.statusCode, 400);
    assert.ok(english.body.includes(translate('en', 'portal.child.birthDate.invalid')) && english.body.includes('value="2025-13-01"'));
    client.cookies.set(LANG_COOKIE_NAME, 'fr');

    const registered = await client.post('/famille/enfants/nouveau', { firstName: 'Léa', lastName: 'Tremblay', birthDate: addMonths(today, -14) });
    assert.equal(registered.statusCode, 303);
    const confirmation = await client.follow(registered);
    const [child] = await t.db.select().from(familyChild).where(eq(familyChild.firstName, 'Léa'));
    assert.ok(child && confirmation.body.includes(child.registrationNumber) && confirmation.body.includes(fr('portal.child.registered')));
  });

  test('a published service’s public page, « Inscrire mon enfant », the choice with its rank; the same child twice and a past date are field errors', async () => {
    const anonymous = await t.client().get(`/services/${rsge.siteId}`);
    assert.equal(anonymous.statusCode, 200);
    assert.ok(anonymous.body.includes(fr('portal.public.signIn')) && !anonymous.body.includes('/inscrire"'));
    const unpublished = await createProvider(t.db, 'cpe');
    const notice = await t.client().get(`/services/${unpublished.siteId}`);
    assert.equal(notice.statusCode, 404);
    assert.ok(notice.body.includes(escaped(fr('portal.public.notPublished'))));

    const publicPage = await client.get(`/services/${rsge.siteId}`);
    assert.ok(publicPage.body.includes(`href="/services/${rsge.siteId}/inscrire"`));
    const form = await client.get(`/services/${rsge.siteId}/inscrire`);
    assert.equal(form.statusCode, 200);
    const [child] = await t.db.select().from(familyChild).where(eq(familyChild.firstName, 'Léa'));
    assert.ok(child);
    const past = await client.post(`/services/${rsge.siteId}/inscrire`, { childId: child.id, desiredStart: '2020-01-01', days: 'mon', periods: 'full_time' });
    assert.equal(past.statusCode, 400);
    assert.ok(past.body.includes(fr('portal.choice.start.past')) && past.body.includes('value="2020-01-01"'));
    const chosen = await client.post(`/services/${rsge.siteId}/inscrire`, { childId: child.id, desiredStart: inDays(30), days: 'mon', periods: 'full_time', flexibility: 'partial' });
    assert.equal(chosen.statusCode, 303);
    const again = await client.post(`/services/${rsge.siteId}/inscrire`, { childId: child.id, desiredStart: inDays(30), days: 'mon', periods: 'full_time' });
    assert.equal(again.statusCode, 400);
    assert.ok(again.body.includes(fr('portal.choice.duplicate')));
    const family = await client.get('/famille');
    assert.ok(family.body.includes('Entre le 1er et le 5e') && family.body.includes(fr('portal.choiceState.waiting')));
  });

  test('download the data, delete the family file with its consequences stated', async () => {
    const other = await createTestAccount(t.db, 'citizen');
    const c = t.client();
    await signInAs(c, other);
    const child = await registerChild(t.db, citizenCtx(other), { firstName: 'Eliott', lastName: 'Bérubé', birthDate: addMonths(today, -7) });
    await chooseService(t.db, citizenCtx(other), child.id, cpe.siteId, { desiredStart: inDays(20), days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });
    const data = await c.get('/famille/donnees');
    assert.equal(data.statusCode, 200);
    assert.match(String(data.headers['content-disposition']), /attachment/);
    assert.equal((JSON.parse(data.body) as { children: { registrationNumber: string }[] }).children[0]?.registrationNumber, child.registrationNumber);
    const confirm = await c.get('/famille/supprimer');
    assert.ok(confirm.body.includes(escaped(fr('portal.family.delete.consequences')).replace(/’/g, '’')));
    const deleted = await c.post('/famille/supprimer', {});
    assert.equal(deleted.statusCode, 303);
    assert.deepEqual(await t.db.select().from(familyChild).where(eq(familyChild.id, child.id)), []);
  });
});

describe('the periodic job', () => {
  test('started beside the outbox worker, it mails a family whose interest is 6 months old, once', async () => {
    const owner = await createTestAccount(t.db, 'citizen');
    const ctx = citizenCtx(owner);
    const child = await registerChild(t.db, ctx, { firstName: 'Rappel', lastName: 'Famille', birthDate: addMonths(today, -4) });
    await chooseService(t.db, ctx, child.id, cpe.siteId, { desiredStart: inDays(30), days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });
    await t.db.update(family).set({ interestConfirmedAt: new Date(Date.now() - 200 * 86_400_000) }).where(eq(family.id, child.familyId));
    const job = startInterestReminders(t.db, t.app.log, { publicUrl: 'http://localhost:3000', intervalMs: 3_600_000 });
    try {
      await job.runNow();
      await job.runNow();
    } finally {
      await job.stop();
    }
    const mails = await t.db.select().from(outboxMail).where(eq(outboxMail.recipient, owner.account.email ?? ''));
    assert.deepEqual(mails.map((m) => m.subject), [fr('portal.mail.interest.subject')]);
  });

  test('the choice form’s errors in English, values kept', async () => {
    const [child] = await t.db.select().from(familyChild).where(eq(familyChild.firstName, 'Léa'));
    assert.ok(child);
    client.cookies.set(LANG_COOKIE_NAME, 'en');
    try {
      await client.get(`/services/${cpe.siteId}/inscrire`);
      const bad = await client.post(`/services/${cpe.siteId}/inscrire`, { childId: child.id, desiredStart: '2026-02-30', days: 'mon', periods: 'part_time', flexibility: 'substitute' });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes(translate('en', 'portal.choice.start.invalid')) && bad.body.includes('value="2026-02-30"'));
      assert.match(bad.body, /value="substitute"\s+checked|checked[^>]*value="substitute"/);
    } finally {
      client.cookies.set(LANG_COOKIE_NAME, 'fr');
    }
  });
});

describe('the provider’s réserve pages', () => {
  test('siblings flagged, ordered by desired date; the child’s file shows the parent’s contacts and is audited; a bad filter is a message', async () => {
    const owner = await createTestAccount(t.db, 'citizen');
    const ctx = citizenCtx(owner);
    await addGuardian(t.db, ctx, { role: 'parent', name: 'Sophie Lavoie', email: 'sophie@example.com', phone: '581 555-0177' });
    const older = await registerChild(t.db, ctx, { firstName: 'Jade', lastName: 'Lavoie', birthDate: addMonths(today, -30) });
    const younger = await registerChild(t.db, ctx, { firstName: 'Émile', lastName: 'Lavoie', birthDate: addMonths(today, -6) });
    const wishes = (start: string) => ({ desiredStart: start, days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });
    const first = await chooseService(t.db, ctx, younger.id, rsge.siteId, wishes(inDays(10)));
    await chooseService(t.db, ctx, older.id, rsge.siteId, wishes(inDays(45)));

    const provider = t.client();
    assert.equal((await signInAs(provider, rsge.reserveUser)).statusCode, 303);
    assert.ok((await provider.get('/entreprise')).body.includes('href="/entreprise/reserves"'), 'the workspace links to the réserves');
    const list = await provider.get('/entreprise/reserves');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(`href="/entreprise/reserves/${rsge.siteId}"`));
    const reserve = await provider.get(`/entreprise/reserves/${rsge.siteId}`);
    assert.equal(reserve.statusCode, 200);
    const positions = [younger.registrationNumber, older.registrationNumber].map((n) => reserve.body.indexOf(n));
    assert.ok(positions.every((p) => p > 0) && positions[0]! < positions[1]!, 'ordered by desired date');
    assert.equal(reserve.body.split('Oui (1)').length - 1, 2, 'both flagged as siblings');
    const filtered = await provider.get(`/entreprise/reserves/${rsge.siteId}?du=${inDays(30)}`);
    assert.ok(!filtered.body.includes(younger.registrationNumber) && filtered.body.includes(older.registrationNumber));
    const badFilter = await provider.get(`/entreprise/reserves/${rsge.siteId}?age=%27%20OR%201%3D1--&du=demain`);
    assert.equal(badFilter.statusCode, 200);
    assert.ok(badFilter.body.includes(escaped(fr('portal.reserve.filter.invalid'))));

    const opened = await provider.get(`/entreprise/reserves/${rsge.siteId}/enfants/${first.id}`);
    assert.equal(opened.statusCode, 200);
    assert.ok(opened.body.includes('581 555-0177') && opened.body.includes('Jade Lavoie'));
    const views = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.reserve.childViewed'), eq(auditEvent.subjectId, younger.id)));
    assert.deepEqual(
      views.map((v) => v.actorId),
      [rsge.reserveUser.account.id],
    );
  });
});

describe('authorization', () => {
  let owner: TestAccount;
  let child: FamilyChild;
  let choice: ReserveChoice;
  let guardianId: string;
  before(async () => {
    owner = await createTestAccount(t.db, 'citizen');
    const ctx = citizenCtx(owner);
    guardianId = (await addGuardian(t.db, ctx, { role: 'parent', name: 'Propriétaire Secret', email: '', phone: '418 555-0999' })).id;
    child = await registerChild(t.db, ctx, { firstName: 'Secret', lastName: 'Enfant', birthDate: addMonths(today, -12) });
    choice = await chooseService(t.db, ctx, child.id, cpe.siteId, { desiredStart: inDays(15), days: ['mon'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });
  });

  type Route = { method: 'GET' | 'POST'; url: string; body?: Record<string, string>; /** Scoped to the actor's own data: reachable, showing nothing of the owner. */ own?: boolean };

  test('a parent cannot see or change another family: every parent route tried by another citizen, an enterprise user and anonymous', async () => {
    const routes: Route[] = [
      { method: 'GET', url: '/famille', own: true },
      { method: 'GET', url: '/famille/parents/nouveau', own: true },
      { method: 'POST', url: '/famille/parents/nouveau', body: { role: 'parent', name: '', phone: '' }, own: true },
      { method: 'GET', url: `/famille/parents/${guardianId}` },
      { method: 'POST', url: `/famille/parents/${guardianId}`, body: { role: 'parent', name: 'Pirate', phone: '418 555-0000' } },
      { method: 'GET', url: '/famille/enfants/nouveau', own: true },
      { method: 'POST', url: '/famille/enfants/nouveau', body: { firstName: '', lastName: '', birthDate: '' }, own: true },
      { method: 'GET', url: `/famille/enfants/${child.id}` },
      { method: 'GET', url: `/famille/choix/${choice.id}` },
      { method: 'POST', url: `/famille/choix/${choice.id}`, body: { desiredStart: inDays(400), days: 'sat', periods: 'atypical' } },
      { method: 'GET', url: `/famille/choix/${choice.id}/retirer` },
      { method: 'POST', url: `/famille/choix/${choice.id}/retirer` },
      { method: 'POST', url: '/famille/interet', own: true },
      { method: 'GET', url: '/famille/donnees', own: true },
      { method: 'GET', url: '/famille/supprimer', own: true },
      { method: 'POST', url: '/famille/supprimer', own: true },
      { method: 'GET', url: `/services/${cpe.siteId}/inscrire`, own: true },
      { method: 'POST', url: `/services/${cpe.siteId}/inscrire`, body: { childId: child.id, desiredStart: inDays(20), days: 'mon', periods: 'full_time' } },
    ];
    const pattern = (url: string) => url.replace(guardianId, ':guardianId').replace(child.id, ':childId').replace(choice.id, ':choiceId').replace(cpe.siteId, ':siteId');
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(familyRoutes), 'every parent route is tried');
    // The answers about other choices once admitted are tried in admissions-routes.test.ts.
    const registered = new Set(t.app.routeList.filter((r) => / \/famille|\/inscrire$/.test(r) && !(familyAdmissionRoutes as readonly string[]).includes(r)));
    assert.deepEqual(registered, new Set(familyRoutes), 'the module registers no other parent route');

    const stranger = await createTestAccount(t.db, 'citizen');
    await addGuardian(t.db, citizenCtx(stranger), { role: 'parent', name: 'Voisine', email: '', phone: '418 555-0001' });
    const actors: { name: string; who: TestAccount | null; citizen?: boolean }[] = [
      { name: 'anonymous', who: null },
      { name: 'another citizen', who: stranger, citizen: true },
      { name: 'an enterprise user with « Gérer la réserve »', who: cpe.reserveUser },
    ];
    for (const actor of actors) {
      const c = t.client();
      if (actor.who) assert.equal((await signInAs(c, actor.who)).statusCode, 303, actor.name);
      await c.get(actor.who ? '/compte' : '/connexion');
      const csrf = c.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response = route.method === 'GET' ? await c.get(route.url) : await c.post(route.url, route.body ?? {}, { csrf });
        if (!actor.who) {
          assert.equal(response.statusCode, 303, label);
          assert.match(String(response.headers.location), /^\/connexion\?retour=/, label);
          continue;
        }
        if (actor.citizen && route.own) assert.ok([200, 303, 400].includes(response.statusCode), `${label}: ${response.statusCode}`);
        else assert.ok(response.statusCode === 403 || response.statusCode === 404, `${label}: ${response.statusCode}`);
        for (const secret of ['Secret', child.registrationNumber, '418 555-0999']) assert.ok(!response.body.includes(secret), `${label} shows nothing of the family`);
      }
    }
    const [stillThere] = await t.db.select().from(reserveChoice).where(eq(reserveChoice.id, choice.id));
    assert.deepEqual([stillThere?.state, stillThere?.desiredStart, stillThere?.days], ['waiting', inDays(15), ['mon']], 'nothing changed');
    assert.equal((await t.db.select().from(familyGuardian).where(eq(familyGuardian.id, guardianId)))[0]?.name, 'Propriétaire Secret');
    assert.equal((await t.db.select().from(familyChild).where(eq(familyChild.familyId, child.familyId))).length, 1);
    assert.equal((await t.db.select().from(reserveChoice).where(eq(reserveChoice.childId, child.id))).length, 1, 'no choice made for the child by another');
  });

  test('a provider cannot see another réserve or a child outside its own: every réserve route tried', async () => {
    const anyCriterion = '00000000-0000-4000-8000-000000000000';
    const routes: Route[] = [
      { method: 'GET', url: '/entreprise/reserves', own: true },
      { method: 'GET', url: `/entreprise/reserves/${cpe.siteId}` },
      { method: 'GET', url: `/entreprise/reserves/${cpe.siteId}/enfants/${choice.id}` },
      { method: 'POST', url: `/entreprise/reserves/${cpe.siteId}/enfants/${choice.id}/criteres/${anyCriterion}`, body: { verification: 'rejected' } },
    ];
    const pattern = (url: string) => url.replace(choice.id, ':choiceId').replace(cpe.siteId, ':siteId').replace(anyCriterion, ':criterionId');
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(reserveRoutes));
    // Admitting and the BC's authorization are tried in admissions-routes.test.ts.
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/entreprise/reserves') && !(admissionRoutes as readonly string[]).includes(r))), new Set(reserveRoutes));
    assert.deepEqual(new Set(t.app.routeList.filter((r) => /^GET \/services\/:siteId$/.test(r))), new Set(publicServiceRoutes));

    const sameEnterpriseNoRight = await portalUser(t.db, cpe, ['manage_sheet'], 'Sansreserve');
    const citizen = await createTestAccount(t.db, 'citizen');
    const actors: { name: string; who: TestAccount | null; provider?: boolean }[] = [
      { name: 'anonymous', who: null },
      { name: 'a citizen', who: citizen },
      // A TOTP code is accepted once per 30 s per account: a user of its own for this test.
      { name: 'another provider with « Gérer la réserve »', who: await portalUser(t.db, rsge, ['manage_reserve'], 'Autre'), provider: true },
      { name: 'a user of the same enterprise without « Gérer la réserve »', who: sameEnterpriseNoRight },
    ];
    for (const actor of actors) {
      const c = t.client();
      if (actor.who) assert.equal((await signInAs(c, actor.who)).statusCode, 303, actor.name);
      await c.get(actor.who ? '/compte' : '/connexion');
      const csrf = c.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.url}`;
        const response = route.method === 'GET' ? await c.get(route.url) : await c.post(route.url, route.body ?? {}, { csrf });
        if (!actor.who) {
          assert.equal(response.statusCode, 303, label);
          continue;
        }
        if (route.own && actor.provider) assert.equal(response.statusCode, 200, label);
        else assert.ok(response.statusCode === 403 || response.statusCode === 404, `${label}: ${response.statusCode}`);
        for (const secret of ['Secret Enfant', child.registrationNumber, '418 555-0999']) assert.ok(!response.body.includes(secret), `${label} shows nothing of the child`);
      }
    }
    // Its own site in the URL and a choice of another réserve: refused.
    const c = t.client();
    await signInAs(c, await portalUser(t.db, rsge, ['manage_reserve'], 'Croisee'));
    const crossed = await c.get(`/entreprise/reserves/${rsge.siteId}/enfants/${choice.id}`);
    assert.equal(crossed.statusCode, 403);
    assert.ok(!crossed.body.includes(child.registrationNumber));
  });
});
