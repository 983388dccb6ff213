import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { anonymous } from '../src/platform/context.js';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { publishedSheet } from '../src/modules/portal/service.js';
import { createProvider, homeAddress, portalUser, type PortalProvider } from '../src/modules/portal/test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, startE2E, visit, submitPassword, submitTotp, type E2E } from './support.js';

/**
 * Seed 003, « Comment les RSGE peuvent-elles … compléter la fiche descriptive »: an RSGE signs in,
 * opens its sheet (its adhesion), sees its places already there, makes a mistake in its hours
 * (field errors, values kept), completes the sheet, and publishes it after a confirmation. Every
 * page is scanned with axe.
 */
describe('an RSGE’s descriptive sheet in the browser', () => {
  let env: E2E;
  let rsge: PortalProvider;
  let julie: TestAccount;

  before(async () => {
    env = await startE2E();
    rsge = await createProvider(env.t.db, 'home_provider');
    julie = await portalUser(env.t.db, rsge, ['manage_sheet'], 'Julie');
  });
  after(async () => env?.close());

  /** Clicks a button or link that navigates, then scans the page reached. */
  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  test('completes and publishes its sheet; the public view has no exact address', async () => {
    const page = await env.newPage();
    try {
      await submitPassword(page, julie);
      await submitTotp(page, julie);
      await visit(page, '/entreprise');
      await go(page, () => page.getByRole('link', { name: fr('portal.workspace.link'), exact: true }).click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.state.not_adhered'));
      await go(page, () => page.getByRole('link', { name: fr('portal.sheets.open', { name: rsge.siteName }) }).click());
      const first = await page.locator('main').innerText();
      assertIncludes(first, fr('portal.sheet.adhered'));
      assertIncludes(first, fr('portal.sheet.places.under18', { count: 2 }));

      // A closing time before the opening time: the error, the values kept.
      for (const day of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) await page.getByLabel(fr(`portal.day.${day}`), { exact: true }).check();
      await field(page, 'portal.sheet.opensAt').fill('17:30');
      await field(page, 'portal.sheet.closesAt').fill('07:00');
      await page.getByRole('textbox', { name: fr('portal.sheet.presentation'), exact: true }).fill('Un milieu familial chaleureux, près du parc Beauséjour.');
      await go(page, () => button(page, 'portal.sheet.save').click());
      assertIncludes(await page.locator('#error-summary').innerText(), fr('portal.sheet.hours.closeBeforeOpen'));
      assert.equal(await page.getByRole('textbox', { name: fr('portal.sheet.presentation'), exact: true }).inputValue(), 'Un milieu familial chaleureux, près du parc Beauséjour.');
      assert.ok(await page.getByLabel(fr('portal.day.wed'), { exact: true }).isChecked(), 'the days checked stay checked');

      await field(page, 'portal.sheet.opensAt').fill('07:00');
      await field(page, 'portal.sheet.closesAt').fill('17:30');
      await page.getByRole('textbox', { name: fr('portal.sheet.groupComposition'), exact: true }).fill('Six enfants de 18 mois à 5 ans, dont deux poupons.');
      await page.getByLabel(fr('portal.period.full_time'), { exact: true }).check();
      await page.getByLabel(fr('portal.language.fr'), { exact: true }).check();
      await page.getByLabel(fr('portal.section.presentation'), { exact: true }).check();
      await go(page, () => button(page, 'portal.sheet.save').click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.sheet.saved'));

      await go(page, () => page.getByRole('link', { name: fr('portal.sheet.publishLink'), exact: true }).click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.publish.text'));
      await go(page, () => button(page, 'portal.publish.confirm').click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.publish.done'));

      const view = await publishedSheet(env.t.db, { actor: anonymous, lang: 'fr', requestId: null, ip: null }, rsge.siteId);
      assert.ok(view);
      assert.equal(view.presentation, 'Un milieu familial chaleureux, près du parc Beauséjour.');
      assert.ok(!('groupComposition' in view), 'a section not checked stays private');
      const json = JSON.stringify(view);
      for (const secret of [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude)]) assert.ok(!json.includes(secret), secret);
    } finally {
      await page.context().close();
    }
  });

  /** Tiles come from elsewhere; here they always fail, as when the tile server is unreachable. */
  async function withoutTiles(page: Page): Promise<void> {
    await page.route(/tile\.openstreetmap\.org/, (route) => route.abort());
  }

  const exactValues = [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude)];

  test('a visitor finds it on the map within 5 km of a postal code, at its approximate position only; the page works with the keyboard and without tiles', async () => {
    const page = await env.newPage();
    try {
      await withoutTiles(page);
      await visit(page, '/');
      await go(page, () => page.getByRole('link', { name: fr('portal.map.link'), exact: true }).click());
      // Another postal code of the home's area: the visitor does not know the home's own.
      await field(page, 'portal.map.place').fill('G5L 1A1');
      await field(page, 'portal.map.radius').fill('5');
      await go(page, () => button(page, 'portal.map.search').click());
      assert.match(page.url(), /\/carte\?lieu=G5L\+1A1&rayon=5/, 'the search is a shareable URL');

      const entry = page.locator(`.map-entry[data-site="${rsge.siteId}"]`);
      const text = await entry.innerText();
      assertIncludes(text, fr('portal.map.kind.home_provider'));
      assertIncludes(text, fr('portal.map.approximate'));
      assertIncludes(text, fr('portal.public.placesValue', { total: 6, under18: 2 }));
      await page.locator('.leaflet-marker-icon').first().waitFor();
      assertIncludes(await page.locator('.map-tiles-failed').innerText(), fr('portal.map.tilesFailed'));
      await expectAccessible(page);
      const html = await page.content();
      for (const secret of exactValues) assert.ok(!html.includes(secret), secret);

      // The keyboard alone: to the entry's « Voir sur la carte », Enter opens its marker's summary.
      const show = entry.getByRole('button', { name: fr('portal.map.showOnMap') });
      await show.focus();
      await page.keyboard.press('Enter');
      const popup = page.locator('.leaflet-popup-content');
      await popup.waitFor();
      assertIncludes(await popup.innerText(), fr('portal.map.approximate'));
      await expectAccessible(page);
      await go(page, () => popup.getByRole('link', { name: new RegExp(fr('portal.map.details')) }).click());
      assert.equal(new URL(page.url()).pathname, `/services/${rsge.siteId}`);
      assertIncludes(await page.locator('main').innerText(), fr('portal.public.approximate', { municipality: homeAddress.municipality }));
      const sheet = await page.content();
      for (const secret of exactValues) assert.ok(!sheet.includes(secret), secret);
    } finally {
      await page.context().close();
    }
  });

  test('with the app’s Content-Security-Policy enforced, Leaflet draws the markers and nothing is blocked', async () => {
    const page = await env.newPage({ enforceCsp: true });
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await withoutTiles(page);
      await page.goto('/carte?lieu=G5L&rayon=10');
      await page.locator(`.leaflet-marker-icon[title]`).first().waitFor();
      assert.ok((await page.locator('.leaflet-marker-icon').count()) >= 1);
      assert.ok(await page.locator('#map').isVisible());
      assert.deepEqual(blocked, []);
      assert.deepEqual(errors, []);
    } finally {
      await page.context().close();
    }
  });
});
