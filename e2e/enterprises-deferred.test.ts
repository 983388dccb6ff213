import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { transaction } from '../src/platform/db/index.js';
import { TEST_SECRET } from '../src/platform/testing/app.js';
import { currentTotp } from '../src/modules/identity/totp.js';
import { upsertRegistryRecord } from '../src/modules/enterprises/registry.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, withPage, type E2E } from './support.js';
import { testRegistryRecord } from '../src/modules/enterprises/registry-fixture.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

function tenDigits(): string {
  return `${randomInt(100_000, 999_999)}${String(randomInt(0, 9999)).padStart(4, '0')}`;
}

describe('a deferred enrolment in the browser', () => {
  let env: E2E;
  before(async () => {
    env = await startE2E();
  });
  after(async () => {
    await env?.close();
  });

  async function submit(page: Page, key: Parameters<typeof button>[1]): Promise<void> {
    await navigating(page, () => button(page, key).click());
    await expectAccessible(page);
  }

  async function uploadDocument(page: Page, kind: string, name: string): Promise<void> {
    await field(page, 'verification.document.kind').selectOption(kind);
    await field(page, 'verification.upload.file').setInputFiles({ name, mimeType: 'application/pdf', buffer: PDF });
    await submit(page, 'verification.upload.submit');
    assert.equal(pathOf(page), '/entreprise/inscription');
    assertIncludes(await page.locator('main').innerText(), fr('verification.upload.done'));
  }

  test('an OBNL enrols, sends its board resolution and signed forms, submits; an agent activates it', async () => {
    const record = testRegistryRecord({
      rqId: tenDigits(),
      neq: tenDigits(),
      legalName: 'Centre de la petite enfance Les Hirondelles',
      legalType: 'nonprofit',
      addressLine: '45, rue Saint-Jean',
      postalCode: 'G1R 1N8',
    });
    await transaction(env.t.db, (tx) => upsertRegistryRecord(tx, TEST_SECRET, record));
    const email = `hirondelles-${record.rqId}@cpe.test`;

    await withPage(env, async (page) => {
      // The enrolment: deferred, as for every OBNL.
      await visit(page, '/entreprises/inscription');
      await page.getByLabel(fr('legalType.nonprofit.long')).check();
      await submit(page, 'form.continue');
      await field(page, 'person.firstName').fill('Josée');
      await field(page, 'person.lastName').fill('Lavoie');
      await field(page, 'register.email').fill(email);
      await page.getByLabel(fr('role.designated_by_resolution')).check();
      await field(page, 'enterprise.rqId').fill(record.rqId);
      await submit(page, 'enrolment.toReview');
      await page.getByLabel(fr('enrolment.consent')).check();
      await submit(page, 'enrolment.transmit');
      assertIncludes(await page.locator('main').innerText(), fr('ackPage.deferred'));
      const userCode = ((await page.locator('[data-user-code]').textContent()) ?? '').trim();
      const temporaryPassword = ((await page.locator('[data-temporary-password]').textContent()) ?? '').trim();

      // First sign-in of the RSE.
      await visit(page, '/connexion');
      await field(page, 'signin.identifier').fill(userCode);
      await field(page, 'signin.password').fill(temporaryPassword);
      await submit(page, 'signin.submit');
      const newPassword = `Phrase de passe ${Date.now().toString(36)} des hirondelles`;
      await field(page, 'password.new').fill(newPassword);
      await field(page, 'password.confirm').fill(newPassword);
      await submit(page, 'password.submit');
      const secret = ((await page.locator('code.totp-secret').textContent()) ?? '').replace(/\s+/g, '');
      await field(page, 'mfa.code').fill(currentTotp(secret));
      await submit(page, 'mfaEnrol.submit');

      // The enrolment page: state, documents required, forms to sign.
      await visit(page, '/entreprise/inscription');
      const main = await page.locator('main').innerText();
      assertIncludes(main, fr('verification.state.waiting_documents'));
      assertIncludes(main, fr('ack.document.board_resolution'));
      assertIncludes(main, fr('verification.submit.notReady'));
      const forms = await page.request.get('/entreprise/inscription/formulaires.pdf');
      assert.equal(forms.status(), 200);
      assert.equal((await forms.body()).subarray(0, 5).toString('latin1'), '%PDF-');

      // A file that is not a PDF is refused with a clear message.
      await field(page, 'verification.document.kind').selectOption('board_resolution');
      await field(page, 'verification.upload.file').setInputFiles({ name: 'resolution.pdf', mimeType: 'application/pdf', buffer: Buffer.from('pas un PDF') });
      await submit(page, 'verification.upload.submit');
      assertIncludes(await page.locator('main').innerText(), fr('files.upload.notPdf'));

      await uploadDocument(page, 'board_resolution', 'resolution-ca.pdf');
      await uploadDocument(page, 'signed_forms', 'formulaires-signes.pdf');
      const ready = await page.locator('main').innerText();
      assertIncludes(ready, 'resolution-ca.pdf');
      assertIncludes(ready, 'formulaires-signes.pdf');
      await submit(page, 'verification.submit');
      assertIncludes(await page.locator('main').innerText(), fr('verification.state.under_verification'));
    });

    // A registry agent activates it from the queue.
    const agent = await env.account('agent');
    let number = '';
    await withPage(env, async (page) => {
      await submitPassword(page, agent);
      await submitTotp(page, agent);
      await visit(page, `/agent/inscriptions?type=nonprofit&etat=under_verification`);
      const row = page.locator('tr', { hasText: record.legalName });
      await navigating(page, () => row.getByRole('link').click());
      await expectAccessible(page);
      const file = await page.locator('main').innerText();
      assertIncludes(file, 'resolution-ca.pdf');
      number = /INS-\d{4}-\d{6}/.exec(file)?.[0] ?? '';
      assert.ok(number);
      const href = await page.getByRole('link', { name: 'resolution-ca.pdf' }).getAttribute('href');
      assert.ok(href);
      const document = await page.request.get(href);
      assert.equal(document.status(), 200);
      assert.deepEqual(await document.body(), PDF);
      await submit(page, 'verification.activate');
      assertIncludes(await page.locator('main').innerText(), fr('verification.state.active'));
      assertIncludes(await page.locator('main').innerText(), fr('verification.event.activated'));
    });

    const activated = fr('verification.mail.activated', { number, name: record.legalName });
    const mail = await env.mails.waitFor(email, (m) => m.text.includes(activated));
    assert.equal(mail.subject, fr('verification.mail.subject', { number, name: record.legalName }));
  });
});
