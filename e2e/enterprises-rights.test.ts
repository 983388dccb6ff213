import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { upsertChildcareService } from '../src/modules/childcare/service.js';
import { hasRight } from '../src/modules/access/service.js';
import { createTestEnterprise, type TestEnterprise } from '../src/modules/enterprises/members-test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, withPage, type E2E } from './support.js';

/**
 * The continuation of the enterprise enrolment (e2e/enterprises.test.ts): its RSE enrols the
 * enterprise into the Famille e-services, an agent accepts, the RSE adds a user and grants them
 * "Saisir dans les formulaires – Signature". Every page is scanned with axe-core.
 */
describe('e-services and rights in the browser', () => {
  let env: E2E;
  let enterprise: TestEnterprise;
  before(async () => {
    env = await startE2E();
    enterprise = await createTestEnterprise(env.t.db);
  });
  after(async () => {
    await env?.close();
  });

  async function submit(page: Page, key: Parameters<typeof button>[1]): Promise<void> {
    await navigating(page, () => button(page, key).click());
    await expectAccessible(page);
  }

  test('the RSE enrols into the Famille e-services, an agent accepts, the RSE adds a user and grants the signature', async () => {
    // A permit held by a service of another NEQ: the enrolment goes to the agents.
    const permit = 'GAR-77001';
    await upsertChildcareService(env.t.db, { permitNumber: permit, kind: 'subsidized_daycare', name: 'Garderie du Vieux-Port', enterpriseNeq: '9999999999' });
    const famille = fr('eservices.ministry.famille');

    // One browser for the RSE throughout: a TOTP code is accepted once, so the RSE signs in once.
    const page = await env.newPage();
    try {
      await submitPassword(page, enterprise.rse);
      await submitTotp(page, enterprise.rse);
      await visit(page, '/entreprise/services-en-ligne');
      await navigating(page, () => page.getByRole('link', { name: fr('eservices.enrol', { ministry: famille }) }).click());
      await expectAccessible(page);
      assert.equal(pathOf(page), '/entreprise/services-en-ligne/famille');
      await field(page, 'eservices.number.famille').fill(permit);
      await field(page, 'eservices.otherInformation').fill('Une installation à Québec');
      await submit(page, 'eservices.continue');
      assertIncludes(await page.locator('main').innerText(), permit);
      await page.getByLabel(fr('eservices.consent')).check();
      await submit(page, 'eservices.transmit');
      assertIncludes(await page.locator('main').innerText(), fr('eservices.transmitted.processing', { ministry: famille }));
      assert.equal(await page.locator('[data-state]').first().getAttribute('data-state'), 'processing');
      // Before the decision, no right can be granted.
      await visit(page, '/entreprise/droits');
      assertIncludes(await page.locator('main').innerText(), fr('rights.none'));

      // An agent accepts, in another browser.
      const agent = await env.account('agent');
      await withPage(env, async (agentPage) => {
        await submitPassword(agentPage, agent);
        await submitTotp(agentPage, agent);
        await visit(agentPage, '/agent/services-en-ligne');
        await navigating(agentPage, () => agentPage.getByRole('link', { name: fr('eservices.queue.open', { name: enterprise.legalName }) }).click());
        await expectAccessible(agentPage);
        assertIncludes(await agentPage.locator('main').innerText(), fr('eservices.check.other_enterprise'));
        await submit(agentPage, 'eservices.file.accept');
        assertIncludes(await agentPage.locator('main').innerText(), fr('eservices.file.decided'));
      });
      const mail = await env.mails.waitFor(enterprise.rse.account.email ?? '', (m) => m.subject === fr('eservices.mail.accepted.subject'));
      assertIncludes(mail.text, enterprise.legalName);

      await visit(page, '/entreprise/services-en-ligne');
      assert.equal(await page.locator('[data-state]').first().getAttribute('data-state'), 'active');

      // The RSE adds a user: user code and temporary password shown once.
      await visit(page, '/entreprise/utilisateurs');
      await field(page, 'members.firstName').fill('Gabrielle');
      await field(page, 'members.lastName').fill('Signataire');
      await field(page, 'members.email').fill('gabrielle.signataire@garderie.test');
      await submit(page, 'members.add.submit');
      assertIncludes(await page.locator('main').innerText(), fr('members.added.title', { name: 'Gabrielle Signataire' }));
      const userCode = ((await page.locator('[data-user-code]').textContent()) ?? '').trim();
      assert.match(userCode, /^[A-Z0-9]{7}$/);

      // The matrix: one box, saved.
      await visit(page, '/entreprise/droits');
      const box = page.getByLabel(
        fr('rights.checkbox', { right: fr('rights.right.sign'), eservice: fr('eservices.eservice.mes'), name: 'Gabrielle Signataire' }),
      );
      await box.check();
      await submit(page, 'rights.save');
      assertIncludes(await page.locator('main').innerText(), fr('rights.saved', { granted: 1, revoked: 0 }));
      assert.equal(await box.isChecked(), true);
      const userId = await page.locator('input[type="checkbox"][value="mes:sign"]:checked').first().getAttribute('name');
      assert.ok(userId && userId.startsWith('u_'), 'the checked box names the user');
      assert.equal(await hasRight(env.t.db, userId.slice(2), 'mes', 'sign'), true);

      await visit(page, '/entreprise/mes-droits');
    } finally {
      await page.context().close();
    }
  });
});
