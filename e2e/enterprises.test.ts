import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { transaction } from '../src/platform/db/index.js';
import { TEST_SECRET } from '../src/platform/testing/app.js';
import { currentTotp } from '../src/modules/identity/totp.js';
import { upsertRegistryRecord, type RegistryRecord } from '../src/modules/enterprises/registry.js';
import { normalizePermitNumber, upsertChildcareService } from '../src/modules/childcare/service.js';
import { hasRight } from '../src/modules/access/service.js';
import type { LegalType } from '../src/modules/enterprises/rules.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, withPage, type E2E } from './support.js';
import { testRegistryRecord } from '../src/modules/enterprises/registry-fixture.js';

const ASSESSMENT = 'AV20240001';

let serial = 0;
function tenDigits(): string {
  serial++;
  return `${randomInt(100_000, 999_999)}${String(serial).padStart(4, '0')}`;
}

describe('enterprise enrolment in the browser', () => {
  let env: E2E;
  before(async () => {
    env = await startE2E();
  });
  after(async () => {
    await env?.close();
  });

  async function registryEnterprise(legalType: LegalType, legalName: string): Promise<RegistryRecord> {
    const record = testRegistryRecord({
      rqId: tenDigits(),
      neq: tenDigits(),
      legalName,
      legalType,
      assessmentNumber: legalType === 'corporation' ? ASSESSMENT : null,
      officers: legalType === 'corporation' ? [{ firstName: 'Éloïse', lastName: 'Tremblay', function: 'president' }] : [],
    });
    await transaction(env.t.db, (tx) => upsertRegistryRecord(tx, TEST_SECRET, record));
    return record;
  }

  /** Submits the page's form with its button and checks the page reached. */
  async function submit(page: Page, key: Parameters<typeof button>[1]): Promise<void> {
    await navigating(page, () => button(page, key).click());
    await expectAccessible(page);
  }

  /** Follows a link of the page's main content and checks the page reached. */
  async function follow(page: Page, name: string): Promise<void> {
    await navigating(page, () => page.getByRole('main').getByRole('link', { name, exact: true }).click());
    await expectAccessible(page);
  }

  async function chooseLegalType(page: Page, legalType: LegalType): Promise<void> {
    await visit(page, '/entreprises/inscription');
    await page.getByLabel(fr(`legalType.${legalType}.long`)).check();
    await submit(page, 'form.continue');
    assert.equal(pathOf(page), `/entreprises/inscription/${legalType}`);
  }

  async function fillEnroller(page: Page, email: string): Promise<void> {
    await field(page, 'person.firstName').fill('Éloïse');
    await field(page, 'person.lastName').fill('Tremblay');
    await field(page, 'register.email').fill(email);
  }

  async function transmit(page: Page): Promise<void> {
    assert.equal(pathOf(page), '/entreprises/inscription/verification');
    await page.getByLabel(fr('enrolment.consent')).check();
    await submit(page, 'enrolment.transmit');
  }

  test('a corporation\'s president enrols with an invitation number, sets up her account, enrols into the Famille e-services and grants a user the signature', async () => {
    const enterprise = await registryEnterprise('corporation', 'Garderie Les Petits Pas inc.');
    const email = `presidente-${serial}@garderie.test`;
    // A permit held by a childcare service of another NEQ: the Famille enrolment goes to the agents.
    const permit = 'GAR-77001';
    await upsertChildcareService(env.t.db, { permitNumber: permit, kind: 'subsidized_daycare', name: 'Garderie du Vieux-Port', enterpriseNeq: '9999999999' });
    const famille = fr('eservices.ministry.famille');
    // One browser for the president throughout; the agent uses another.
    await withPage(env, async (page) => {
      // The invitation number, asked for by the president and sent by post.
      await visit(page, '/entreprises/numero-invitation');
      await field(page, 'enterprise.rqId').fill(enterprise.rqId);
      await field(page, 'person.firstName').fill('Éloïse');
      await field(page, 'person.lastName').fill('Tremblay');
      await field(page, 'invitation.function').selectOption('president');
      await submit(page, 'invitation.submit');
      assertIncludes(await page.locator('main').innerText(), fr('invitation.issued.title'));

      await visit(page, '/dev/lettres');
      const letter = page.locator('article.letter', { hasText: enterprise.rqId });
      const invitation = ((await letter.locator('[data-invitation-number]').textContent()) ?? '').trim();
      assert.match(invitation, /^[A-Z2-9]{8}$/);

      // The wizard: legal type, details, review, transmission.
      await chooseLegalType(page, 'corporation');
      await fillEnroller(page, email);
      await page.getByLabel(fr('role.officer')).check();
      await field(page, 'invitation.function').selectOption('president');
      await field(page, 'enterprise.rqId').fill(enterprise.rqId);
      await field(page, 'enrolment.assessmentNumber').fill(ASSESSMENT);
      await field(page, 'enrolment.invitationNumber').fill(invitation);
      await submit(page, 'enrolment.toReview');
      const review = await page.locator('main').innerText();
      assertIncludes(review, fr('enrolment.given'));
      assert.ok(!review.includes(invitation) && !review.includes(ASSESSMENT), 'the review does not show the numbers');
      await transmit(page);

      const main = await page.locator('main').innerText();
      assertIncludes(main, fr('ackPage.activated'));
      const userCode = ((await page.locator('[data-user-code]').textContent()) ?? '').trim();
      const temporaryPassword = ((await page.locator('[data-temporary-password]').textContent()) ?? '').trim();
      assert.match(userCode, /^[A-Z0-9]{7}$/);
      assert.ok(temporaryPassword.length >= 10);

      // First sign-in: the temporary password must be changed, then MFA set up.
      await navigating(page, () => page.getByRole('main').getByRole('link', { name: fr('nav.signIn') }).click());
      assert.equal(pathOf(page), '/connexion');
      await expectAccessible(page);
      await field(page, 'signin.identifier').fill(userCode);
      await field(page, 'signin.password').fill(temporaryPassword);
      await submit(page, 'signin.submit');
      assert.equal(pathOf(page), '/mot-de-passe/changer');
      assert.equal(await page.locator('h1').textContent(), fr('password.title'));

      const newPassword = `Phrase de passe ${Date.now().toString(36)} des petits pas`;
      await field(page, 'password.new').fill(newPassword);
      await field(page, 'password.confirm').fill(newPassword);
      await submit(page, 'password.submit');
      assert.equal(pathOf(page), '/connexion/mfa/inscription');
      assert.equal(await page.locator('h1').textContent(), fr('mfaEnrol.title'));

      const secret = ((await page.locator('code.totp-secret').textContent()) ?? '').replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      await field(page, 'mfa.code').fill(currentTotp(secret));
      await submit(page, 'mfaEnrol.submit');
      assert.equal(await page.locator('h1').textContent(), fr('recovery.title'));

      await navigating(page, () => page.getByRole('link', { name: fr('recovery.continue') }).click());
      assert.equal(pathOf(page), '/compte');
      await expectAccessible(page);
      assert.equal(await page.locator('h1').textContent(), fr('account.title'));
      assertIncludes(await page.locator('main').innerText(), userCode);
      // The enroller is told by mail too.
      assertIncludes((await env.mails.waitFor(email, (m) => m.subject.includes(enterprise.legalName))).subject, enterprise.legalName);

      // Her enterprise's workspace, from the account page: she is its RSE.
      await follow(page, fr('workspace.title'));
      assert.equal(pathOf(page), '/entreprise');
      const workspace = await page.locator('main').innerText();
      assertIncludes(workspace, enterprise.legalName);
      assertIncludes(workspace, fr('workspace.role.rse'));

      // Enrolment into the Famille e-services with the permit number.
      await follow(page, fr('workspace.link.eservices'));
      assert.equal(pathOf(page), '/entreprise/services-en-ligne');
      await follow(page, fr('eservices.enrol', { ministry: famille }));
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
      await follow(page, fr('members.rightsLink'));
      assert.equal(pathOf(page), '/entreprise/droits');
      assertIncludes(await page.locator('main').innerText(), fr('rights.none'));

      // An agent accepts, in another browser: the number belongs to another enterprise's service.
      const agent = await env.account('agent');
      await withPage(env, async (agentPage) => {
        await submitPassword(agentPage, agent);
        await submitTotp(agentPage, agent);
        await follow(agentPage, fr('agentHome.title'));
        assert.equal(pathOf(agentPage), '/agent');
        await follow(agentPage, fr('agentHome.eservices'));
        assert.equal(pathOf(agentPage), '/agent/services-en-ligne');
        await follow(agentPage, fr('eservices.queue.open', { name: enterprise.legalName }));
        const file = await agentPage.locator('main').innerText();
        assertIncludes(file, normalizePermitNumber(permit));
        assertIncludes(file, fr('eservices.check.other_enterprise'));
        await submit(agentPage, 'eservices.file.accept');
        assertIncludes(await agentPage.locator('main').innerText(), fr('eservices.file.decided'));
      });
      const accepted = await env.mails.waitFor(email, (m) => m.subject === fr('eservices.mail.accepted.subject'));
      assertIncludes(accepted.text, enterprise.legalName);

      await follow(page, fr('rights.enrolLink'));
      assert.equal(pathOf(page), '/entreprise/services-en-ligne');
      assert.equal(await page.locator('[data-state]').first().getAttribute('data-state'), 'active');

      // She adds a user: user code and temporary password shown once.
      await follow(page, fr('members.rightsLink'));
      await follow(page, fr('rights.usersLink'));
      assert.equal(pathOf(page), '/entreprise/utilisateurs');
      await field(page, 'members.firstName').fill('Gabrielle');
      await field(page, 'members.lastName').fill('Signataire');
      await field(page, 'members.email').fill(`gabrielle.signataire-${serial}@garderie.test`);
      await submit(page, 'members.add.submit');
      assertIncludes(await page.locator('main').innerText(), fr('members.added.title', { name: 'Gabrielle Signataire' }));
      assert.match(((await page.locator('[data-user-code]').textContent()) ?? '').trim(), /^[A-Z0-9]{7}$/);

      // The rights matrix: one box, "Saisir dans les formulaires – Signature", saved.
      await follow(page, fr('members.back'));
      await follow(page, fr('members.rightsLink'));
      assert.equal(pathOf(page), '/entreprise/droits');
      const box = page.getByLabel(fr('rights.checkbox', { right: fr('rights.right.sign'), eservice: fr('eservices.eservice.mes'), name: 'Gabrielle Signataire' }));
      await box.check();
      await submit(page, 'rights.save');
      assertIncludes(await page.locator('main').innerText(), fr('rights.saved', { granted: 1, revoked: 0 }));
      assert.equal(await box.isChecked(), true);
      const userId = await page.locator('input[type="checkbox"][value="mes:sign"]:checked').first().getAttribute('name');
      assert.ok(userId && userId.startsWith('u_'), 'the checked box names the user');
      assert.equal(await hasRight(env.t.db, userId.slice(2), 'mes', 'sign'), true);

      await visit(page, '/entreprise/mes-droits');
      assertIncludes(await page.locator('main').innerText(), fr('rights.mine.rse'));
    });
  });

  test('a nonprofit enrols with its RQ ID only; activation waits for the board resolution', async () => {
    const enterprise = await registryEnterprise('nonprofit', 'Centre de la petite enfance Les Lucioles');
    await withPage(env, async (page) => {
      await chooseLegalType(page, 'nonprofit');
      await fillEnroller(page, `cpe-${serial}@garderie.test`);
      await page.getByLabel(fr('role.designated_by_resolution')).check();
      await field(page, 'enterprise.rqId').fill(enterprise.rqId);
      await submit(page, 'enrolment.toReview');
      await transmit(page);

      const main = await page.locator('main').innerText();
      assertIncludes(main, fr('ackPage.deferred'));
      assertIncludes(main, fr('ackPage.documents'));
      assertIncludes(main, fr('document.board_resolution'));
      assertIncludes(main, fr('document.signed_forms'));
      assert.ok(!main.includes(fr('document.proof_of_authority')));
      assert.ok(((await page.locator('[data-user-code]').textContent()) ?? '').trim().length > 0);
    });
  });
});
