import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { createTestOrganization, grantTestProfile, type TestOrganization } from '../src/modules/access/registry-test-support.js';
import { titledPdf } from '../src/modules/mes/fixtures.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, startE2E, submitPassword, submitTotp, visit, type E2E } from './support.js';

/**
 * The second aid program, PRIMEAU, written only as a definition (src/modules/aid/programs): a
 * municipality's Requérant – Rédaction drafts a drinking-water request and transmits it; a MAMH
 * agent comments on the population served; the municipality corrects, signs again and transmits
 * again; the agent declares it compliant. Every page is scanned with axe.
 */
describe('a PRIMEAU drinking-water request in the browser', () => {
  let env: E2E;
  let town: TestOrganization;
  let requester: TestAccount;
  let agent: TestAccount;
  const base = '/aide/primeau/demandes';

  before(async () => {
    env = await startE2E();
    const registryAgent = await env.account('agent', { agentRoles: [{ role: 'support', directorateCode: null }] });
    town = await createTestOrganization(env.t.db, registryAgent.account.id, { members: 1, program: 'primeau' });
    requester = town.members[0] as TestAccount;
    await grantTestProfile(env.t.db, town, requester, 'requester_write', null, 'primeau');
    agent = await env.account('agent', { agentRoles: [{ role: 'mamh', directorateCode: null }] });
  });
  after(async () => {
    await env?.close();
  });

  async function signIn(page: Page, who: TestAccount): Promise<void> {
    await submitPassword(page, who);
    await submitTotp(page, who);
  }

  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  async function mainText(page: Page): Promise<string> {
    return page.locator('main').innerText();
  }

  async function signAndTransmit(page: Page, requestPath: string): Promise<void> {
    await visit(page, `${requestPath}/etapes/verification`);
    await field(page, 'aid.sign.firstName').fill('Josée');
    await field(page, 'aid.sign.lastName').fill('Lavoie');
    await field(page, 'aid.sign.function').fill('Directrice générale');
    await page.getByLabel(fr('aid.sign.attestation')).check();
    await go(page, () => button(page, 'aid.sign.submit').click());
    await go(page, () => page.getByRole('link', { name: fr('aid.transmit.submit'), exact: true }).click());
    await go(page, () => button(page, 'aid.transmit.submit').click());
    assertIncludes(await mainText(page), fr('aid.transmit.done'));
  }

  test('drafted and transmitted by the municipality, commented, corrected, found compliant', async () => {
    const townPage = await env.newPage();
    const agentPage = await env.newPage();
    try {
      // 1. The requester creates the request from the program's list.
      await signIn(townPage, requester);
      await visit(townPage, base);
      assertIncludes(await mainText(townPage), fr('aid.list.empty'));
      await go(townPage, () => townPage.getByRole('link', { name: fr('aid.menu.new'), exact: true }).click());
      await field(townPage, 'aid.create.organization').selectOption({ index: 1 });
      await go(townPage, () => button(townPage, 'aid.create.submit').click());
      const requestId = /demandes\/([0-9a-f-]{36})\/etapes\/organisation/.exec(townPage.url())?.[1];
      assert.ok(requestId, townPage.url());
      const requestPath = `${base}/${requestId}`;
      const number = /\d{4}-91-\d{3}/.exec(await mainText(townPage))?.[0];
      assert.ok(number, 'numbered in PRIMEAU’s own series (directorate 91)');

      // 2. The structure: a bad population is refused with what was typed kept, then corrected.
      await go(townPage, () => townPage.getByRole('link', { name: fr('aid.next'), exact: true }).click());
      await field(townPage, 'aid.primeau.field.title').fill('Mise aux normes du poste de traitement');
      await field(townPage, 'aid.primeau.field.kind').selectOption('treatment');
      await field(townPage, 'aid.primeau.field.population').fill('beaucoup');
      await field(townPage, 'aid.primeau.field.description').fill('Filtration membranaire et désinfection aux ultraviolets.');
      await field(townPage, 'aid.primeau.field.startDate').fill('2027-06-01');
      await field(townPage, 'aid.primeau.field.endDate').fill('2028-03-31');
      await go(townPage, () => button(townPage, 'aid.next').click());
      assert.equal(await townPage.locator('#error-summary').count(), 1, 'the bad population is refused');
      assert.equal(await field(townPage, 'aid.primeau.field.title').inputValue(), 'Mise aux normes du poste de traitement');
      await field(townPage, 'aid.primeau.field.population').fill('4200');
      await go(townPage, () => button(townPage, 'aid.next').click());

      // 3. The works' costs and their funding, equal in total.
      await townPage.locator('[name="items.description.0"]').fill('Travaux de construction');
      await townPage.locator('[name="items.amount.0"]').fill('1 050 000');
      await townPage.locator('[name="items.description.1"]').fill('Ingénierie');
      await townPage.locator('[name="items.amount.1"]').fill('150000');
      await go(townPage, () => button(townPage, 'aid.next').click());
      await townPage.locator('[name="funding.source.0"]').selectOption('requested');
      await townPage.locator('[name="funding.amount.0"]').fill('900000');
      await townPage.locator('[name="funding.source.1"]').selectOption('municipal');
      await townPage.locator('[name="funding.amount.1"]').fill('300000');
      await go(townPage, () => button(townPage, 'aid.next').click());

      // 4. The program's own documents.
      for (const type of ['council_resolution', 'engineering_study'] as const) {
        const section = townPage.locator(`section[aria-labelledby="type-${type}"]`);
        await section.locator('input[type="file"]').setInputFiles({ name: `${type}.pdf`, mimeType: 'application/pdf', buffer: await titledPdf(type) });
        await go(townPage, () => section.getByRole('button', { name: fr('aid.documents.submit'), exact: true }).click());
      }
      await visit(townPage, `${requestPath}/etapes/verification`);
      assertIncludes(await mainText(townPage), fr('aid.primeau.check.fundingEqualsCosts'));

      // 5. Signed and transmitted.
      await signAndTransmit(townPage, requestPath);
      assertIncludes(await mainText(townPage), fr('requests.state.submitted'));

      // 6. The MAMH agent finds it in the PRIMEAU queue and comments on the population served.
      await signIn(agentPage, agent);
      await visit(agentPage, '/agent/aide');
      await go(agentPage, () => agentPage.getByRole('link', { name: fr('aid.primeau.title'), exact: true }).click());
      await go(agentPage, () => agentPage.getByRole('link', { name: number, exact: true }).click());
      assertIncludes(await mainText(agentPage), fr('aid.primeau.kind.treatment'));
      await field(agentPage, 'aid.review.comment.target').selectOption('field:works.population');
      await agentPage.getByRole('textbox', { name: new RegExp(`^${fr('aid.review.comment.body')}`) }).fill('Indiquez la population du dernier décret, pas celle du recensement.');
      await go(agentPage, () => button(agentPage, 'aid.review.comment.submit').click());
      assertIncludes(await mainText(agentPage), fr('requests.state.commented'));

      // 7. The municipality corrects the value where the comment shows, marks it corrected, transmits again.
      await visit(townPage, requestPath);
      await go(townPage, () => townPage.getByRole('link', { name: fr('aid.detail.edit'), exact: true }).click());
      assertIncludes(await mainText(townPage), 'Indiquez la population du dernier décret');
      await field(townPage, 'aid.primeau.field.population').fill('4350');
      await go(townPage, () => button(townPage, 'aid.save').click());
      await go(townPage, () => button(townPage, 'aid.comments.markCorrected').click());
      assertIncludes(await mainText(townPage), fr('aid.comments.isCorrected'));
      await signAndTransmit(townPage, requestPath);

      // 8. The agent declares it compliant.
      await visit(agentPage, `/agent/aide/demandes/${requestId}`);
      assertIncludes(await mainText(agentPage), '4350');
      await go(agentPage, () => agentPage.getByRole('link', { name: fr('aid.review.compliant'), exact: true }).click());
      await go(agentPage, () => button(agentPage, 'aid.review.compliant').click());
      assertIncludes(await mainText(agentPage), fr('aid.review.compliant.done'));
      await visit(townPage, requestPath);
      assertIncludes(await mainText(townPage), fr('requests.state.compliant'));
    } finally {
      for (const page of [townPage, agentPage]) await page.context().close();
    }
  });
});
