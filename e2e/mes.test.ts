import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { todayInQuebec } from '../src/platform/time/index.js';
import { titledPdf } from '../src/modules/mes/fixtures.js';
import { createChild, createMesEnterprise, mesUser, type MesEnterprise, type TestChild } from '../src/modules/mes/test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, withPage, type E2E } from './support.js';

/**
 * The seed's story (001): a user with entry rights finds a child by NIREC, creates a new request,
 * fills the form, prints it, attaches the plan and the signatures; a user with the signature right
 * signs and transmits; the agent of the regional directorate comments on two fields; the provider
 * corrects both with the comment bar and transmits again; the agent declares it compliant; the
 * provider declares the departure and it is closed. Every page is scanned with axe.
 */
describe('MES in the browser', () => {
  let env: E2E;
  let enterprise: MesEnterprise;
  let child: TestChild;
  let enterer: TestAccount;
  let signer: TestAccount;
  let agent: TestAccount;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-e2e-'));

  before(async () => {
    env = await startE2E();
    enterprise = await createMesEnterprise(env.t.db);
    child = await createChild(env.t.db, [enterprise.siteIds[0]!], { lastName: 'Bélanger-Côté', firstName: 'Éloïse' });
    enterer = await mesUser(env.t.db, enterprise, ['enter'], 'Éducatrice');
    signer = await mesUser(env.t.db, enterprise, ['sign'], 'Directrice');
    agent = await env.account('agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] });
  });
  after(async () => {
    await env?.close();
    fs.rmSync(workDir, { recursive: true, force: true });
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

  async function attach(page: Page, documentType: string, title: string): Promise<void> {
    const section = page.locator(`section[aria-labelledby="type-${documentType}"]`);
    await section.locator('input[type="file"]').setInputFiles({ name: `${documentType}.pdf`, mimeType: 'application/pdf', buffer: await titledPdf(title) });
    await go(page, () => section.getByRole('button', { name: fr('mes.documents.submit'), exact: true }).click());
    assertIncludes(await page.locator('main').innerText(), `${documentType}.pdf`);
  }

  async function signAndTransmit(page: Page, requestId: string): Promise<void> {
    await visit(page, `/entreprise/mes/demandes/${requestId}/modifier?etape=verification`);
    await field(page, 'mes.sign.firstName').fill('Sylvie');
    await field(page, 'mes.sign.lastName').fill('Fortin');
    await field(page, 'mes.sign.function').fill('Directrice générale');
    await page.getByLabel(fr('mes.sign.attestation')).check();
    await go(page, () => button(page, 'mes.sign.submit').click());
    await go(page, () => page.getByRole('link', { name: fr('mes.transmit.submit'), exact: true }).click());
    await go(page, () => button(page, 'mes.transmit.submit').click());
    assertIncludes(await page.locator('main').innerText(), fr('mes.transmitted.state'));
  }

  /** The agent comments on one field of the request. */
  async function comment(page: Page, fieldLabel: string, body: string): Promise<void> {
    await page.getByLabel(fr('mes.review.comment.target')).selectOption({ label: `${fr('mes.review.target.field')} ${fieldLabel}` });
    await field(page, 'mes.review.comment.body').fill(body);
    await go(page, () => button(page, 'mes.review.comment.submit').click());
    assertIncludes(await page.locator('main').innerText(), fr('mes.review.comment.added'));
  }

  test('from the child search to a closed request, through comments and Conforme', async () => {
    const providerPage = await env.newPage();
    const signerPage = await env.newPage();
    const agentPage = await env.newPage();
    try {
      // 1. The user with entry rights finds the child by NIREC and creates a new request.
      await signIn(providerPage, enterer);
      await visit(providerPage, '/entreprise/mes');
      await go(providerPage, () => providerPage.getByRole('link', { name: fr('mes.menu.create'), exact: true }).first().click());
      await field(providerPage, 'mes.search.nirec').fill(child.nirec);
      await go(providerPage, () => button(providerPage, 'mes.search.submit').click());
      await go(providerPage, () => providerPage.getByRole('link', { name: `${fr('mes.search.select')} Éloïse Bélanger-Côté` }).click());
      await providerPage.getByLabel(new RegExp(`^${fr('mes.type.new')}`)).check();
      await go(providerPage, () => button(providerPage, 'mes.next').click());
      const requestId = /\/entreprise\/mes\/demandes\/([0-9a-f-]{36})\/modifier/.exec(providerPage.url())?.[1];
      assert.ok(requestId, providerPage.url());
      const heading = await providerPage.locator('.mes-request-heading').innerText();
      const number = /\d{4}-11-\d{3}/.exec(heading)?.[0];
      assert.ok(number, heading);

      // 2. « Demande de soutien »: autosave on change, then Suivant.
      await field(providerPage, 'mes.field.hoursPerDay').fill('4.5');
      await field(providerPage, 'mes.field.hoursPerDay').blur();
      await providerPage.locator('#mes-save-status').filter({ hasText: fr('mes.autosave.saved', { time: '' }).trim() }).waitFor();
      const values: [Parameters<typeof field>[1], string][] = [
        ['mes.field.daysPerWeek', '5'],
        ['mes.field.plannedDays', '200'],
        ['mes.field.startDate', `${new Date().getUTCFullYear() + (new Date().getUTCMonth() < 3 ? 0 : 1)}-01-15`],
        ['mes.field.needs', 'Accompagnement constant lors des transitions.'],
        ['mes.field.measures', 'Une éducatrice dédiée quatre heures et demie par jour.'],
        ['mes.field.professionalName', 'Dre Julie Roy'],
        ['mes.field.professionalTitle', 'Pédiatre'],
        ['mes.field.contactName', 'Sylvie Fortin'],
        ['mes.field.contactPhone', '418 555-0199'],
      ];
      for (const [key, value] of values) await field(providerPage, key).fill(value);

      // 3. Imprimer: the PDF opens and carries the child's name and the signature blocks of a CPE's new request.
      const printed = await providerPage.request.get(`/entreprise/mes/demandes/${requestId}/imprimer`);
      assert.equal(printed.status(), 200);
      const pdfFile = path.join(workDir, 'demande.pdf');
      fs.writeFileSync(pdfFile, await printed.body());
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      assertIncludes(text, 'Éloïse');
      assertIncludes(text, 'Bélanger-Côté');
      assertIncludes(text, fr('mes.pdf.sign.parents'));
      assertIncludes(text, fr('mes.pdf.sign.professional'));
      assert.ok(!text.includes(fr('mes.pdf.sign.homeProvider')), 'no RSG block for a CPE');

      await go(providerPage, () => button(providerPage, 'mes.next').click());
      assert.match(providerPage.url(), /etape=documents/, await providerPage.locator('main').innerText());

      // 4. « Documents à joindre »: the plan and the signatures.
      await attach(providerPage, 'integration_plan', 'Plan d’intégration');
      await attach(providerPage, 'signatures', 'Signatures MES');
      await go(providerPage, () => providerPage.getByRole('link', { name: fr('mes.next'), exact: true }).click());
      // 5. « Vérification »: without the signature right, the seed's message instead of the form.
      assertIncludes(await providerPage.locator('main').innerText(), fr('mes.sign.noRight'));

      // The user with the signature right signs and transmits.
      await signIn(signerPage, signer);
      await signAndTransmit(signerPage, requestId);

      // 6. The directorate's agent finds it in the queue and comments on two fields.
      await signIn(agentPage, agent);
      await visit(agentPage, '/agent/mes');
      await go(agentPage, () => agentPage.getByRole('link', { name: number, exact: true }).click());
      await comment(agentPage, fr('mes.field.hoursPerDay'), 'Précisez les heures d’accompagnement.');
      await comment(agentPage, fr('mes.field.plannedDays'), 'Le nombre de jours dépasse la fréquentation prévue.');
      const mail = await env.mails.waitFor(enterer.account.email ?? '', (m) => m.text.includes(number));
      assertIncludes(mail.text, `/entreprise/mes/demandes/${requestId}`);

      // 7. The provider follows the comment bar, corrects both and the request goes back.
      await visit(providerPage, `/entreprise/mes/demandes/${requestId}/modifier?etape=support`);
      assertIncludes(await providerPage.locator('.mes-comment-bar').innerText(), fr('mes.comments.count', { corrected: 0, total: 2 }));
      await providerPage.locator('.mes-comment-bar').getByRole('link', { name: fr('mes.comments.next') }).click();
      await field(providerPage, 'mes.field.hoursPerDay').fill('5');
      await field(providerPage, 'mes.field.plannedDays').fill('180');
      await field(providerPage, 'mes.field.plannedDays').blur();
      await providerPage.locator('#mes-save-status').filter({ hasText: fr('mes.autosave.saved', { time: '' }).trim() }).waitFor();
      // Checking « Corrigé » saves it (the box submits its own form; without script its button does).
      for (const index of [0, 1]) {
        await go(providerPage, () => providerPage.locator('aside.mes-comment').nth(index).getByLabel(fr('mes.comments.corrected')).check());
      }
      assertIncludes(await providerPage.locator('.mes-comment-bar').innerText(), fr('mes.comments.count', { corrected: 2, total: 2 }));
      await signAndTransmit(signerPage, requestId);

      // 8. The agent sees what changed since the comments and declares the request compliant.
      await visit(agentPage, `/agent/mes/demandes/${requestId}`);
      const review = await agentPage.locator('main').innerText();
      assertIncludes(review, fr('mes.review.changes'));
      assert.match(review, /4\.5\s+5/);
      await go(agentPage, () => agentPage.getByRole('link', { name: fr('mes.review.compliant'), exact: true }).click());
      await go(agentPage, () => button(agentPage, 'mes.review.compliant.confirm').click());
      assertIncludes(await agentPage.locator('main').innerText(), fr('mes.review.compliant.done'));

      // 9. Later the child leaves: the provider declares the departure and the request is closed.
      await visit(providerPage, `/entreprise/mes/demandes/${requestId}`);
      await go(providerPage, () => providerPage.getByRole('link', { name: fr('mes.detail.departure'), exact: true }).click());
      // Today in Quebec, as the service counts it (the UTC date is already tomorrow each evening).
      await field(providerPage, 'mes.departure.date').fill(todayInQuebec());
      await go(providerPage, () => button(providerPage, 'mes.departure.submit').click());
      assertIncludes(await providerPage.locator('main').innerText(), fr('mes.departure.done'));
      await visit(providerPage, '/entreprise/mes/listes/terminees');
      assertIncludes(await providerPage.locator('main').innerText(), number);
      assert.equal(pathOf(providerPage), '/entreprise/mes/listes/terminees');
    } finally {
      for (const page of [providerPage, signerPage, agentPage]) await page.context().close();
    }
  });

  test('a child of another enterprise is not found, as a child who does not exist', async () => {
    const other = await createMesEnterprise(env.t.db);
    const stranger = await createChild(env.t.db, [other.siteIds[0]!]);
    // A person of its own: a TOTP code is accepted once, and the story's people just used theirs.
    const searcher = await mesUser(env.t.db, enterprise, ['enter'], 'Adjointe');
    await withPage(env, async (page) => {
      await signIn(page, searcher);
      for (const nirec of [stranger.nirec, '1999999999']) {
        await visit(page, '/entreprise/mes/creer');
        await field(page, 'mes.search.nirec').fill(nirec);
        await go(page, () => button(page, 'mes.search.submit').click());
        assertIncludes(await page.locator('main').innerText(), fr('mes.search.none'));
      }
    });
  });
});
