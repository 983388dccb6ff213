import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { createMamhEnterprise, testMunicipality } from '../src/modules/access/registry-test-support.js';
import type { TestEnterprise } from '../src/modules/enterprises/members-test-support.js';
import { titledPdf } from '../src/modules/mes/fixtures.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, startE2E, submitPassword, submitTotp, visit, type E2E } from './support.js';

/**
 * The issue's story (seed 004): a municipality designates its local manager and the support desk
 * approves; the manager names a deputy; a firm's service point gets its mandatary manager, who
 * attaches an employee; the deputy mandates the service point and gives the employee Mandataire –
 * Rédaction; the employee drafts an aid request; the municipality's Requérant – Rédaction transmits
 * it; the manager revokes the mandate and the employee can no longer open the file. Every page is
 * scanned with axe.
 */
describe('the access-rights registry and an aid request in the browser', () => {
  let env: E2E;
  let municipality: TestEnterprise;
  let geographicCode: string;
  let deputy: TestAccount;
  let requester: TestAccount;
  let firm: TestEnterprise;
  let employee: TestAccount;
  let agent: TestAccount;
  const program = '/aide/prabam';

  before(async () => {
    env = await startE2E();
    const town = await createMamhEnterprise(env.t.db, 2);
    municipality = town.enterprise;
    [deputy, requester] = town.members as [TestAccount, TestAccount];
    geographicCode = await testMunicipality(env.t.db, 'Saint-Essai-des-Monts');
    const consultants = await createMamhEnterprise(env.t.db, 1);
    firm = consultants.enterprise;
    [employee] = consultants.members as [TestAccount];
    agent = await env.account('agent', { agentRoles: [{ role: 'support', directorateCode: null }] });
  });
  after(async () => {
    await env?.close();
  });

  async function signIn(page: Page, who: TestAccount): Promise<void> {
    await submitPassword(page, who);
    await submitTotp(page, who);
  }

  /** Clicks a button or link that navigates, then scans the page reached. */
  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  async function mainText(page: Page): Promise<string> {
    return page.locator('main').innerText();
  }

  /** The designation form, its review step with the names filled in, and the confirmation. */
  async function designate(page: Page, kind: 'municipality' | 'service_point', fill: Record<string, string>, designated: TestAccount, shownOnReview: string): Promise<void> {
    await visit(page, `${program}/designation`);
    await page.getByLabel(fr(`designation.targetKind.${kind}`), { exact: true }).check();
    for (const [name, value] of Object.entries(fill)) await page.locator(`[name="${name}"]`).fill(value);
    await field(page, 'designation.userCode').fill(designated.identifier);
    await field(page, 'designation.requesterName').fill('Louise Tremblay');
    await field(page, 'designation.requesterFunction').fill('Directrice générale');
    await go(page, () => button(page, 'designation.next').click());
    const review = await mainText(page);
    assertIncludes(review, designated.account.displayName);
    assertIncludes(review, shownOnReview);
    await go(page, () => button(page, 'designation.confirm').click());
  }

  /** The support desk opens the oldest pending form naming this target and approves it. */
  async function approve(page: Page, targetName: string): Promise<void> {
    await visit(page, '/agent/registre');
    await go(page, () => page.getByRole('link', { name: fr('designation.queue.open', { name: targetName }) }).click());
    await go(page, () => button(page, 'designation.file.approve').click());
  }

  async function grant(page: Page, who: TestAccount, profile: 'requester_write' | 'mandatary_write'): Promise<void> {
    await visit(page, `${program}/registre`);
    await field(page, 'registry.grant.userCode').fill(who.identifier);
    await page.getByLabel(new RegExp(`^${fr(`registry.profile.${profile}`)} —`)).check();
    await go(page, () => button(page, 'registry.grant.submit').click());
    assertIncludes(await mainText(page), who.account.displayName);
  }

  test('from the designation of a local manager to the revocation of a mandate', async () => {
    const managerPage = await env.newPage();
    const agentPage = await env.newPage();
    const deputyPage = await env.newPage();
    const firmPage = await env.newPage();
    const employeePage = await env.newPage();
    const requesterPage = await env.newPage();
    try {
      // 1. The municipality designates its local manager (its RSE, here) by form; the support desk approves.
      await signIn(managerPage, municipality.rse);
      await designate(managerPage, 'municipality', { geographicCode }, municipality.rse, `Saint-Essai-des-Monts ${geographicCode}`);
      await signIn(agentPage, agent);
      await approve(agentPage, `Saint-Essai-des-Monts ${geographicCode}`);

      // 2. The manager names a deputy.
      await visit(managerPage, `${program}/adjoints`);
      await field(managerPage, 'designation.deputies.userCode').fill(deputy.identifier);
      await go(managerPage, () => button(managerPage, 'designation.deputies.add').click());
      assertIncludes(await mainText(managerPage), deputy.account.displayName);

      // 3. The firm designates the mandatary manager of a new service point; the support desk approves.
      await signIn(firmPage, firm.rse);
      await designate(firmPage, 'service_point', { neq: firm.neq, servicePointName: 'Bureau de Rimouski', servicePointAddress: '12, rue de la Gare, Rimouski (Québec) G5L 1A1' }, firm.rse, 'Bureau de Rimouski');
      await approve(agentPage, firm.legalName);

      // 4. The mandatary manager attaches an employee to the service point.
      await visit(firmPage, `${program}/point-de-service`);
      await field(firmPage, 'registry.grant.userCode').fill(employee.identifier);
      await go(firmPage, () => button(firmPage, 'registry.staff.submit').click());
      assertIncludes(await mainText(firmPage), employee.account.displayName);

      // 5. The deputy mandates the service point and gives the employee Mandataire – Rédaction, and the
      //    municipality's own employee Requérant – Rédaction.
      await signIn(deputyPage, deputy);
      await visit(deputyPage, `${program}/registre/mandats`);
      await field(deputyPage, 'registry.mandates.neq').fill(firm.neq);
      await go(deputyPage, () => button(deputyPage, 'registry.mandates.find').click());
      await deputyPage.getByLabel(/^Bureau de Rimouski/).check();
      await go(deputyPage, () => button(deputyPage, 'registry.mandates.submit').click());
      assertIncludes(await mainText(deputyPage), 'Bureau de Rimouski');
      await grant(deputyPage, employee, 'mandatary_write');
      await grant(deputyPage, requester, 'requester_write');

      // 6. The employee drafts an aid request for the municipality.
      await signIn(employeePage, employee);
      await visit(employeePage, `${program}/demandes/nouvelle`);
      await field(employeePage, 'aid.create.organization').selectOption({ label: `Saint-Essai-des-Monts ${geographicCode} (${geographicCode})` });
      await go(employeePage, () => button(employeePage, 'aid.create.submit').click());
      const requestId = /demandes\/([0-9a-f-]{36})\/etapes\/organisation/.exec(employeePage.url())?.[1];
      assert.ok(requestId, employeePage.url());
      const requestPath = `${program}/demandes/${requestId}`;
      await visit(employeePage, `${requestPath}/etapes/projet`);
      await field(employeePage, 'aid.field.title').fill('Réfection de la toiture de l’hôtel de ville');
      await field(employeePage, 'aid.field.description').fill('Remplacement complet de la membrane et de l’isolation.');
      await field(employeePage, 'aid.field.address').fill('1, place de l’Hôtel-de-Ville');
      await field(employeePage, 'aid.field.startDate').fill('2027-05-01');
      await field(employeePage, 'aid.field.endDate').fill('2027-09-30');
      await go(employeePage, () => button(employeePage, 'aid.next').click());
      await employeePage.locator('[name="costs.description.0"]').fill('Toiture');
      await employeePage.locator('[name="costs.amount.0"]').fill('80000');
      await go(employeePage, () => button(employeePage, 'aid.next').click());
      await employeePage.locator('[name="financing.source.0"]').selectOption('municipal');
      await employeePage.locator('[name="financing.amount.0"]').fill('30000');
      await employeePage.locator('[name="financing.source.1"]').selectOption('requested');
      await employeePage.locator('[name="financing.amount.1"]').fill('50000');
      await go(employeePage, () => button(employeePage, 'aid.next').click());
      for (const [type, title] of [
        ['council_resolution', 'Résolution du conseil'],
        ['cost_estimate', 'Estimation détaillée des coûts'],
      ] as const) {
        const section = employeePage.locator(`section[aria-labelledby="type-${type}"]`);
        await section.locator('input[type="file"]').setInputFiles({ name: `${type}.pdf`, mimeType: 'application/pdf', buffer: await titledPdf(title) });
        await go(employeePage, () => section.getByRole('button', { name: fr('aid.documents.submit'), exact: true }).click());
      }
      // A mandatary drafts; the organization transmits (the program's rule), and the page says so.
      await visit(employeePage, `${requestPath}/etapes/verification`);
      assertIncludes(await mainText(employeePage), fr('aid.sign.mandatary'));

      // 7. The municipality's Requérant – Rédaction signs and transmits.
      await signIn(requesterPage, requester);
      await visit(requesterPage, `${requestPath}/etapes/verification`);
      await field(requesterPage, 'aid.sign.firstName').fill('Josée');
      await field(requesterPage, 'aid.sign.lastName').fill('Lavoie');
      await field(requesterPage, 'aid.sign.function').fill('Directrice générale');
      await requesterPage.getByLabel(fr('aid.sign.attestation')).check();
      await go(requesterPage, () => button(requesterPage, 'aid.sign.submit').click());
      await go(requesterPage, () => requesterPage.getByRole('link', { name: fr('aid.transmit.submit'), exact: true }).click());
      await go(requesterPage, () => button(requesterPage, 'aid.transmit.submit').click());
      assertIncludes(await mainText(requesterPage), fr('requests.state.submitted'));

      // The employee still reads the file while the mandate runs.
      const before = await employeePage.goto(requestPath);
      assert.equal(before?.status(), 200);

      // 8. The manager revokes the mandate: the employee's next request for the file is refused.
      await visit(managerPage, `${program}/registre/mandats`);
      await go(managerPage, () => managerPage.getByRole('link', { name: fr('registry.mandates.revokeOf', { servicePoint: 'Bureau de Rimouski' }) }).click());
      await go(managerPage, () => button(managerPage, 'registry.revoke.submit').click());
      const refused = await employeePage.goto(requestPath);
      assert.equal(refused?.status(), 403);
      await expectAccessible(employeePage);
    } finally {
      for (const page of [managerPage, agentPage, deputyPage, firmPage, employeePage, requesterPage]) await page.context().close();
    }
  });
});
