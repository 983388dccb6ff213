import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { todayInQuebec } from '../src/modules/childcare/service.js';
import { addMonths } from '../src/modules/portal/families.js';
import { publishedProvider } from '../src/modules/portal/test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, linksOf, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, type E2E } from './support.js';

/**
 * Seed 003, « Réserve de clientèle »: a parent creates an account, registers two siblings, chooses
 * a published RSGE and a CPE from their public pages and sees each choice with its rank; the RSGE
 * sees the siblings in its réserve, flagged as siblings, ordered by desired date, and opens one
 * child's file. Every page is scanned with axe.
 */
describe('a family and a réserve in the browser', () => {
  let env: E2E;
  let rsge: Awaited<ReturnType<typeof publishedProvider>>;
  let cpe: Awaited<ReturnType<typeof publishedProvider>>;

  before(async () => {
    env = await startE2E();
    rsge = await publishedProvider(env.t.db, 'home_provider');
    cpe = await publishedProvider(env.t.db, 'cpe');
  });
  after(async () => env?.close());

  /** Clicks a button or link that navigates, then scans the page reached. */
  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  const today = todayInQuebec();

  async function registerChild(page: Page, firstName: string, birthDate: string): Promise<string> {
    await go(page, () => page.getByRole('link', { name: fr('portal.family.children.add'), exact: true }).click());
    await field(page, 'portal.child.firstName').fill(firstName);
    await field(page, 'portal.child.lastName').fill('Bouchard');
    await field(page, 'portal.child.birthDate').fill(birthDate);
    await go(page, () => button(page, 'portal.child.register').click());
    const confirmation = await page.locator('main').innerText();
    assertIncludes(confirmation, fr('portal.child.registered'));
    const number = /P-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}/.exec(confirmation)?.[0];
    assert.ok(number, 'the printable registration number');
    await go(page, () => page.getByRole('link', { name: fr('portal.family.cancel'), exact: true }).click());
    return number;
  }

  async function choose(page: Page, siteId: string, child: string, desiredStart: string): Promise<void> {
    await visit(page, `/services/${siteId}`);
    await go(page, () => page.getByRole('link', { name: fr('portal.public.register'), exact: true }).click());
    await page.getByLabel(new RegExp(`^${fr('portal.choice.child')}`)).selectOption({ label: child });
    await field(page, 'portal.choice.desiredStart').fill(desiredStart);
    await go(page, () => button(page, 'portal.choice.submit').click());
    assertIncludes(await page.locator('main').innerText(), fr('portal.choice.made'));
  }

  test('a parent registers two siblings and chooses an RSGE and a CPE; the RSGE sees the siblings in its réserve', async () => {
    const email = `famille.${Date.now()}@example.com`;
    const password = 'Une-phrase-de-passe-solide-2026';
    const parent = await env.newPage();
    let olderNumber = '';
    let youngerNumber = '';
    try {
      await visit(parent, '/inscription');
      await parent.locator('#displayName').fill('Émilie Bouchard');
      await parent.locator('#email').fill(email);
      await parent.locator('#password').fill(password);
      await parent.locator('#confirmPassword').fill(password);
      await go(parent, () => button(parent, 'register.submit').click());
      const mail = await env.mails.waitFor(email, (m) => m.subject === fr('mail.verifyEmail.subject'));
      const link = linksOf(mail).find((l) => l.includes('/inscription/confirmer/'));
      assert.ok(link, 'the confirmation link');
      await visit(parent, new URL(link).pathname);
      await go(parent, () => button(parent, 'confirm.submit').click());

      await submitPassword(parent, { account: { id: '', displayName: '' } as never, identifier: email, password, totpSecret: null });
      await visit(parent, '/compte');
      await go(parent, () => parent.getByRole('link', { name: fr('portal.family.link'), exact: true }).click());
      assert.equal(pathOf(parent), '/famille');

      await go(parent, () => parent.getByRole('link', { name: fr('portal.family.guardians.add'), exact: true }).click());
      await field(parent, 'portal.family.name').fill('Émilie Bouchard');
      await field(parent, 'portal.family.phone').fill('418 555-0188');
      await go(parent, () => button(parent, 'portal.family.save').click());
      assertIncludes(await parent.locator('main').innerText(), fr('portal.family.saved'));

      olderNumber = await registerChild(parent, 'Rosalie', addMonths(today, -26));
      youngerNumber = await registerChild(parent, 'Mathis', addMonths(today, -9));

      // The younger wants to start first: the réserve's order is the desired date.
      await choose(parent, rsge.siteId, `Rosalie Bouchard (${olderNumber})`, addMonths(today, 4));
      await choose(parent, rsge.siteId, `Mathis Bouchard (${youngerNumber})`, addMonths(today, 2));
      await choose(parent, cpe.siteId, `Rosalie Bouchard (${olderNumber})`, addMonths(today, 3));

      const family = await parent.locator('main').innerText();
      assert.equal((family.match(new RegExp(fr('portal.family.rank', { from: '1er', to: '5e' }), 'g')) ?? []).length, 3, 'each choice with its rank');
      assert.equal((family.match(new RegExp(fr('portal.choiceState.waiting'), 'g')) ?? []).length, 3);
    } finally {
      await parent.context().close();
    }

    const provider = await env.newPage();
    try {
      await submitPassword(provider, rsge.reserveUser);
      await submitTotp(provider, rsge.reserveUser);
      await visit(provider, '/entreprise');
      await go(provider, () => provider.getByRole('link', { name: fr('portal.reserves.link'), exact: true }).click());
      await go(provider, () => provider.getByRole('link', { name: fr('portal.reserves.open', { name: rsge.siteName }), exact: true }).click());
      const rows = await provider.locator('table.data-table tbody tr').allInnerTexts();
      assert.equal(rows.length, 2);
      assertIncludes(rows[0] ?? '', youngerNumber);
      assertIncludes(rows[1] ?? '', olderNumber);
      for (const row of rows) assertIncludes(row, fr('portal.reserve.siblings.yes', { count: 1 }));

      await go(provider, () => provider.getByRole('link', { name: fr('portal.reserve.openChild', { name: 'Rosalie Bouchard' }), exact: true }).click());
      const file = await provider.locator('main').innerText();
      assertIncludes(file, '418 555-0188');
      assertIncludes(file, `Mathis Bouchard (${youngerNumber})`);
    } finally {
      await provider.context().close();
    }
  });
});
