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
});
