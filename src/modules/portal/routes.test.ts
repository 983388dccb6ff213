import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { LANG_COOKIE_NAME } from '../../platform/http/navigation.js';
import { translate } from '../../platform/i18n/index.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { portalRoutes } from './routes.js';
import { serviceSheet } from './schema.js';
import { createProvider, homeAddress, portalUser, type PortalProvider } from './test-support.js';

let t: TestApp;
let rsge: PortalProvider;
let owner: TestAccount;
let client: TestClient;

before(async () => {
  t = await buildTestApp();
  rsge = await createProvider(t.db, 'home_provider');
  owner = await portalUser(t.db, rsge, ['manage_sheet'], 'Julie');
  client = t.client();
  assert.equal((await signInAs(client, owner)).statusCode, 303);
});
after(async () => t?.close());

const sheetUrl = () => `/entreprise/fiches/${rsge.siteId}`;

function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  assert.ok(match?.[1] !== undefined, name);
  return match[1];
}

/** The form as the browser sends it: the boxes checked as repeated names are sent by URLSearchParams one at a time, so one value each here. */
function sheetBody(html: string, values: Record<string, string>): Record<string, string> {
  return { version: hiddenValue(html, 'version'), openingDays: 'mon', opensAt: '07:00', closesAt: '17:00', presentation: '', groupComposition: '', rateDetails: '', otherLanguages: '', ...values };
}

describe('the provider’s sheet, page by page', () => {
  test('workspace link, list, first visit (adhesion), field errors in French and English with values kept, save, publish, unpublish', async () => {
    const workspace = await client.get('/entreprise');
    assert.ok(workspace.body.includes('href="/entreprise/fiches"'));
    const list = await client.get('/entreprise/fiches');
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(rsge.siteName) && list.body.includes('Adhésion à faire'));

    const first = await client.get(sheetUrl());
    assert.equal(first.statusCode, 200);
    assert.ok(first.body.includes('Votre adhésion au Portail d’inscription est enregistrée'));
    assert.ok(first.body.includes('Nombre d’enfants') && first.body.includes('Au plus 2 enfants de moins de 18 mois'), 'places from the recognition');
    assert.ok(!/name="places/.test(first.body), 'places are not a field');
    assert.ok(first.body.includes('Votre adresse n’est jamais publiée'));
    assert.ok(!first.body.includes('name="dailyRate"'), 'an RSGE’s places are at the reduced contribution');
    const adhesions = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.adhered'), eq(auditEvent.subjectId, rsge.siteId)));
    assert.equal(adhesions.length, 1);
    const second = await client.get(sheetUrl());
    assert.ok(!second.body.includes('Votre adhésion au Portail d’inscription est enregistrée'), 'only the first visit is the adhesion');

    const bad = await client.post(sheetUrl(), sheetBody(second.body, { opensAt: '25:00', closesAt: '06:00', presentation: 'Texte gardé', groupComposition: 'x'.repeat(1001) }));
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.body.includes('id="error-summary"'));
    assert.ok(bad.body.includes(translate('fr', 'portal.sheet.hours.outOfRange')) && bad.body.includes(translate('fr', 'field.tooLong')));
    assert.ok(bad.body.includes('value="25:00"') && bad.body.includes('Texte gardé'), 'values kept');
    const closing = await client.post(sheetUrl(), sheetBody(second.body, { opensAt: '18:00', closesAt: '07:00' }));
    assert.ok(closing.body.includes(translate('fr', 'portal.sheet.hours.closeBeforeOpen')));

    client.cookies.set(LANG_COOKIE_NAME, 'en');
    const english = await client.post(sheetUrl(), sheetBody(second.body, { opensAt: '18:00', closesAt: '07:00' }));
    assert.equal(english.statusCode, 400);
    assert.ok(english.body.includes(translate('en', 'portal.sheet.hours.closeBeforeOpen')) && english.body.includes('value="18:00"'));
    client.cookies.set(LANG_COOKIE_NAME, 'fr');

    const saved = await client.post(sheetUrl(), sheetBody(second.body, { presentation: 'Un milieu chaleureux.', publicSections: 'presentation' }));
    assert.equal(saved.statusCode, 303);
    const after = await client.follow(saved);
    assert.ok(after.body.includes('Votre fiche est enregistrée.') && after.body.includes('Un milieu chaleureux.'));
    assert.ok(after.body.includes('n’est pas publiée'));

    const confirm = await client.get(`${sheetUrl()}/publier`);
    assert.equal(confirm.statusCode, 200);
    assert.equal((await t.db.select().from(serviceSheet).where(eq(serviceSheet.installationId, rsge.siteId)))[0]?.publishedAt, null, 'the confirmation page publishes nothing');
    const published = await client.post(`${sheetUrl()}/publier`, {});
    assert.equal(published.statusCode, 303);
    const shown = await client.follow(published);
    assert.ok(shown.body.includes('Votre fiche est publiée : les parents la voient sur la carte.'));
    assert.ok(shown.body.includes(`${sheetUrl()}/retirer`));
    const removed = await client.post(`${sheetUrl()}/retirer`, {}, { csrf: hiddenValue((await client.get(`${sheetUrl()}/retirer`)).body, '_csrf') });
    assert.equal(removed.statusCode, 303);
    assert.ok((await client.follow(removed)).body.includes('Votre fiche est retirée de la carte.'));
  });

  test('a sheet saved in two tabs: the later save is refused with a message, nothing merged', async () => {
    const tabA = await client.get(sheetUrl());
    const tabB = await client.get(sheetUrl());
    const a = await client.post(sheetUrl(), sheetBody(tabA.body, { presentation: 'Onglet A' }));
    assert.equal(a.statusCode, 303);
    const b = await client.post(sheetUrl(), sheetBody(tabB.body, { presentation: 'Onglet B', groupComposition: 'Composition B' }));
    assert.equal(b.statusCode, 409);
    assert.ok(b.body.includes('Vos changements n’ont pas été enregistrés'));
    assert.ok(b.body.includes('Onglet A') && !b.body.includes('Composition B'), 'the page shows what is saved');
    const [row] = await t.db.select().from(serviceSheet).where(eq(serviceSheet.installationId, rsge.siteId));
    assert.deepEqual([row?.presentation, row?.groupComposition], ['Onglet A', null]);
  });

  test('publishing without days and hours says what is missing and publishes nothing', async () => {
    const page = await client.get(sheetUrl());
    // No box checked: the browser sends no openingDays at all.
    const { openingDays: _none, ...noDays } = sheetBody(page.body, { opensAt: '', closesAt: '' });
    assert.equal((await client.post(sheetUrl(), noDays)).statusCode, 303);
    const confirm = await client.get(`${sheetUrl()}/publier`);
    assert.ok(confirm.body.includes('Les jours d’ouverture ne sont pas indiqués.') && !confirm.body.includes(`action="${sheetUrl()}/publier"`));
    const forced = await client.post(`${sheetUrl()}/publier`, {}, { csrf: hiddenValue(page.body, '_csrf') });
    assert.equal(forced.statusCode, 409);
    assert.ok(forced.body.includes(translate('fr', 'portal.publish.incomplete')));
  });
});

describe('authorization on every /entreprise/fiches route', () => {
  test('anonymous, a citizen, another enterprise’s user and a user of the same enterprise without « Gérer la fiche » are refused', async () => {
    const fresh = await createProvider(t.db, 'home_provider');
    const other = await createProvider(t.db, 'cpe');
    const userOfOther = await portalUser(t.db, other, ['manage_sheet', 'manage_reserve'], 'Voisine');
    const noRight = await portalUser(t.db, fresh, ['manage_reserve'], 'Sansdroit');
    const citizen = await createTestAccount(t.db, 'citizen');

    type Route = { method: 'GET' | 'POST'; url: string; /** Scoped to the actor's own enterprise: another enterprise's user reaches its own list. */ own?: boolean };
    const base = `/entreprise/fiches/${fresh.siteId}`;
    const routes: Route[] = [
      { method: 'GET', url: '/entreprise/fiches', own: true },
      { method: 'GET', url: base },
      { method: 'POST', url: base },
      { method: 'GET', url: `${base}/publier` },
      { method: 'POST', url: `${base}/publier` },
      { method: 'GET', url: `${base}/retirer` },
      { method: 'POST', url: `${base}/retirer` },
      { method: 'GET', url: `${base}/criteres` },
      { method: 'POST', url: `${base}/criteres` },
    ];
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${r.url.replace(fresh.siteId, ':siteId')}`)), new Set(portalRoutes), 'every route of the module is tried');
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/entreprise/fiches'))), new Set(portalRoutes), 'the module registers no other route');

    type Actor = { name: string; who: TestAccount | null; otherEnterprise?: boolean };
    const actors: Actor[] = [
      { name: 'an anonymous visitor', who: null },
      { name: 'a citizen', who: citizen },
      { name: 'another enterprise’s user with « Gérer la fiche »', who: userOfOther, otherEnterprise: true },
      { name: 'a user of the same enterprise without « Gérer la fiche »', who: noRight },
    ];
    for (const actor of actors) {
      const c = t.client();
      if (actor.who) assert.equal((await signInAs(c, actor.who)).statusCode, 303, actor.name);
      // A page with a form: its token, so that refusals are not CSRF failures.
      await c.get(actor.who ? '/compte' : '/connexion');
      const csrf = c.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response = route.method === 'GET' ? await c.get(route.url) : await c.post(route.url, { version: '1', openingDays: 'mon', opensAt: '07:00', closesAt: '17:00' }, { csrf });
        if (!actor.who) {
          assert.equal(response.statusCode, 303, label);
          assert.match(String(response.headers.location), /^\/connexion\?retour=/, label);
          continue;
        }
        if (route.own && actor.otherEnterprise) {
          assert.equal(response.statusCode, 200, label);
        } else {
          assert.ok(response.statusCode === 403 || response.statusCode === 404, `${label}: ${response.statusCode}`);
        }
        assert.ok(!response.body.includes(fresh.siteName) && !response.body.includes(homeAddress.address), `${label} shows nothing of the RSGE`);
      }
    }
    // No refused visit was an adhesion, nothing was saved or published.
    assert.deepEqual(await t.db.select().from(serviceSheet).where(eq(serviceSheet.installationId, fresh.siteId)), []);
  });
});
