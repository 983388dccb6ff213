import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { todayInQuebec } from '../src/modules/childcare/service.js';
import { addMonths, registerChild } from '../src/modules/portal/families.js';
import { priorityCriterion } from '../src/modules/portal/schema.js';
import { citizenCtx, portalUser, publishedProvider } from '../src/modules/portal/test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, startE2E, submitPassword, submitTotp, visit, type E2E } from './support.js';

/**
 * Issue 8, item 3, page by page: a ministry agent adds a criterion to the list; a provider
 * publishes its criteria in its order (an error first); a parent sees them on the public page and
 * declares one on the choice form; the provider's réserve shows it. Every page is scanned with axe.
 */
describe('admission priority criteria', () => {
  let env: E2E;
  let provider: Awaited<ReturnType<typeof publishedProvider>>;
  let sheetUser: TestAccount;

  before(async () => {
    env = await startE2E();
    provider = await publishedProvider(env.t.db, 'cpe');
    sheetUser = await portalUser(env.t.db, provider, ['manage_sheet'], 'Fiche');
  });
  after(async () => env?.close());

  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  async function signIn(page: Page, who: TestAccount): Promise<void> {
    await submitPassword(page, who);
    if (who.totpSecret) await submitTotp(page, who);
  }

  test('an agent adds a criterion; the provider publishes its criteria; a parent declares one; the réserve shows it', async () => {
    const agent = await env.account('agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] });
    const agentPage = await env.newPage();
    try {
      await signIn(agentPage, agent);
      await visit(agentPage, '/agent');
      await go(agentPage, () => agentPage.getByRole('link', { name: fr('agentHome.criteria'), exact: true }).click());
      await field(agentPage, 'portal.criteria.list.code').fill('Pas bon');
      await go(agentPage, () => button(agentPage, 'portal.criteria.list.add').click());
      assertIncludes(await agentPage.locator('#error-summary').innerText(), fr('portal.criteria.code.invalid'));
      await field(agentPage, 'portal.criteria.list.code').fill('twins');
      await field(agentPage, 'portal.criteria.list.labelFr').fill('Jumeaux inscrits ensemble');
      await field(agentPage, 'portal.criteria.list.labelEn').fill('Twins registered together');
      await go(agentPage, () => button(agentPage, 'portal.criteria.list.add').click());
      assertIncludes(await agentPage.locator('main').innerText(), fr('portal.criteria.list.added'));
    } finally {
      await agentPage.context().close();
    }

    const [sibling] = await env.t.db.select().from(priorityCriterion).where(eq(priorityCriterion.code, 'sibling'));
    const [twins] = await env.t.db.select().from(priorityCriterion).where(eq(priorityCriterion.code, 'twins'));
    assert.ok(sibling && twins);
    const providerPage = await env.newPage();
    try {
      await signIn(providerPage, sheetUser);
      await visit(providerPage, `/entreprise/fiches/${provider.siteId}`);
      await go(providerPage, () => providerPage.getByRole('link', { name: fr('portal.criteria.link'), exact: true }).click());
      await providerPage.locator('#position1').selectOption(twins.id);
      await providerPage.locator('#position2').selectOption(twins.id);
      await go(providerPage, () => button(providerPage, 'portal.criteria.publish').click());
      assertIncludes(await providerPage.locator('#error-summary').innerText(), fr('portal.criteria.duplicate'));
      await providerPage.locator('#position2').selectOption(sibling.id);
      await go(providerPage, () => button(providerPage, 'portal.criteria.publish').click());
      assertIncludes(await providerPage.locator('main').innerText(), fr('portal.criteria.published'));
    } finally {
      await providerPage.context().close();
    }

    const parent = await env.account('citizen');
    const child = await registerChild(env.t.db, citizenCtx(parent), { firstName: 'Alice', lastName: 'Roy', birthDate: addMonths(todayInQuebec(), -20) });
    const parentPage = await env.newPage();
    try {
      await signIn(parentPage, parent);
      await visit(parentPage, `/services/${provider.siteId}`);
      const sheet = await parentPage.locator('main').innerText();
      assert.ok(sheet.indexOf('Jumeaux inscrits ensemble') < sheet.indexOf(sibling.labelFr), 'the provider’s order');
      await go(parentPage, () => parentPage.getByRole('link', { name: fr('portal.public.register'), exact: true }).click());
      await parentPage.locator('#childId').selectOption(child.id);
      await field(parentPage, 'portal.choice.desiredStart').fill(addMonths(todayInQuebec(), 3));
      await parentPage.getByLabel(sibling.labelFr, { exact: true }).check();
      await go(parentPage, () => button(parentPage, 'portal.choice.submit').click());
      assertIncludes(await parentPage.locator('main').innerText(), fr('portal.choice.made'));
    } finally {
      await parentPage.context().close();
    }

    const reservePage = await env.newPage();
    try {
      await signIn(reservePage, provider.reserveUser);
      await visit(reservePage, `/entreprise/reserves/${provider.siteId}`);
      const rows = await reservePage.locator('table.data-table tbody tr').allInnerTexts();
      assert.equal(rows.length, 1);
      assertIncludes(rows[0] ?? '', 'Alice Roy');
      assertIncludes(rows[0] ?? '', fr('portal.criteria.reserve.item', { position: 2, state: fr('portal.criteria.verification.pending') }));
      await go(reservePage, () => reservePage.getByRole('link', { name: fr('portal.reserve.openChild', { name: 'Alice Roy' }), exact: true }).click());
      await go(reservePage, () => reservePage.getByRole('button', { name: fr('portal.criteria.verify.confirmed.label', { position: 2 }), exact: true }).click());
      assertIncludes(await reservePage.locator('main').innerText(), fr('portal.criteria.verify.done'));
    } finally {
      await reservePage.context().close();
    }
  });
});
