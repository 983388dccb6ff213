import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { transaction } from '../src/platform/db/index.js';
import { TEST_SECRET } from '../src/platform/testing/app.js';
import { upsertRegistryRecord, type RegistryRecord } from '../src/modules/enterprises/registry.js';
import { testRegistryRecord } from '../src/modules/enterprises/registry-fixture.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, withPage, type E2E } from './support.js';

/**
 * The pages the other browser tests do not reach, scanned with axe-core: the agents' letters and
 * each refusal of the invitation-number page (conditions unmet, details not recognised, locked).
 */

let serial = 0;
function tenDigits(): string {
  serial++;
  return `${randomInt(100_000, 999_999)}${String(serial).padStart(4, '0')}`;
}

const officer = { firstName: 'Béatrice', lastName: 'Doucet', function: 'president' } as const;

describe('invitation-number notices and the agents’ letters in the browser', () => {
  let env: E2E;
  before(async () => {
    env = await startE2E();
  });
  after(async () => {
    await env?.close();
  });

  async function corporation(legalName: string, standing: Partial<RegistryRecord> = {}): Promise<RegistryRecord> {
    const record = testRegistryRecord({ rqId: tenDigits(), neq: tenDigits(), legalName, legalType: 'corporation', officers: [officer], ...standing });
    await transaction(env.t.db, (tx) => upsertRegistryRecord(tx, TEST_SECRET, record));
    return record;
  }

  /** Fills the invitation-number form, sends it and scans the page answered. */
  async function askInvitation(page: Page, rqId: string, lastName: string = officer.lastName): Promise<string> {
    await visit(page, '/entreprises/numero-invitation');
    await field(page, 'enterprise.rqId').fill(rqId);
    await field(page, 'person.firstName').fill(officer.firstName);
    await field(page, 'person.lastName').fill(lastName);
    await field(page, 'invitation.function').selectOption(officer.function);
    await navigating(page, () => button(page, 'invitation.submit').click());
    await expectAccessible(page);
    return page.locator('main').innerText();
  }

  test('an agent reads the letters sent, the invitation number masked', async () => {
    const agent = await env.account('agent');
    const enterprise = await corporation('Garderie La Boussole inc.');
    await withPage(env, async (page) => {
      await submitPassword(page, agent);
      await submitTotp(page, agent);
      // Before any letter: the empty page.
      await visit(page, '/agent/lettres');
      assertIncludes(await page.locator('main').innerText(), fr('letters.none'));

      assertIncludes(await askInvitation(page, enterprise.rqId), fr('invitation.issued.title'));
      await visit(page, '/agent');
      await navigating(page, () => page.getByRole('main').getByRole('link', { name: fr('letters.title'), exact: true }).click());
      await expectAccessible(page);
      assert.equal(pathOf(page), '/agent/lettres');
      const letter = page.locator('article.letter', { hasText: enterprise.rqId });
      assertIncludes(await letter.innerText(), fr('letters.invitation.subject', { name: enterprise.legalName }));
      assert.equal(((await letter.locator('[data-invitation-number]').textContent()) ?? '').trim(), '••••••••', 'the number is masked');
    });
  });

  test('the page names each condition the corporation does not meet', async () => {
    const enterprise = await corporation('Garderie Les Cerfs-Volants inc.', { returnFiled: false, mailingAddressOk: false });
    await withPage(env, async (page) => {
      const main = await askInvitation(page, enterprise.rqId);
      assertIncludes(main, fr('invitation.unmet.title'));
      assertIncludes(main, fr('invitation.condition.returnFiled'));
      assertIncludes(main, fr('invitation.condition.mailingAddressOk'));
      assert.ok(!main.includes(fr('invitation.condition.fileInGoodStanding')), 'a condition met is not named');
    });
  });

  // Last: the lock also holds this browser's IP address.
  test('details that do not match an officer are refused, then the RQ ID is locked', async () => {
    const enterprise = await corporation('Garderie Le Phare inc.');
    const locked = new RegExp(escapeRegExp(fr('enterprise.locked', { time: '\u0000' })).replace('\u0000', '.+'));
    await withPage(env, async (page) => {
      assertIncludes(await askInvitation(page, enterprise.rqId, 'Inconnue'), fr('invitation.notRecognised'));
      // Five failures lock it (the identity module's throttle); the first was above.
      let main = '';
      for (let attempt = 0; attempt < 5 && !locked.test(main); attempt++) main = await askInvitation(page, enterprise.rqId, 'Inconnue');
      assert.match(main, locked);
      // Even the right details are refused while the lock lasts.
      assert.match(await askInvitation(page, enterprise.rqId), locked);
    });
  });
});

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
