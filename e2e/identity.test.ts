import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { currentTotp } from '../src/modules/identity/totp.js';
import {
  assertIncludes,
  button,
  expectAccessible,
  field,
  fr,
  isFocused,
  linksOf,
  navigating,
  pathOf,
  startE2E,
  submitPassword,
  submitTotp,
  visit,
  waitForFocus,
  withPage,
  type E2E,
} from './support.js';

describe('identity in the browser', () => {
  let env: E2E;
  before(async () => {
    env = await startE2E();
  });
  after(async () => {
    await env?.close();
  });

  test('an enterprise user signs in with a password and a TOTP code, then signs out', async () => {
    const who = await env.account('enterprise');
    const userCode = who.account.userCode;
    assert.ok(userCode);
    await withPage(env, async (page) => {
      await visit(page, '/connexion');
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

      // Keyboard: the first Tab reaches the skip link, and following it puts the focus on main.
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: fr('nav.skip') });
      assert.ok(await isFocused(skip), 'the first Tab should focus the skip link');
      await page.keyboard.press('Enter');
      await waitForFocus(page, 'main#main');

      await field(page, 'signin.identifier').fill(who.identifier);
      await field(page, 'signin.password').fill(who.password);
      await navigating(page, () => button(page, 'signin.submit').click());
      assert.equal(pathOf(page), '/connexion/mfa');
      await expectAccessible(page);
      assert.equal(await page.locator('h1').textContent(), fr('mfa.title'));

      await submitTotp(page, who);
      assert.equal(pathOf(page), '/compte');
      assert.equal(await page.locator('h1').textContent(), fr('account.title'));
      assertIncludes(await page.locator('main').innerText(), userCode);

      const signOut = page.getByRole('banner').getByRole('button', { name: fr('nav.signOut') });
      assert.ok(await signOut.isVisible(), 'the header should show the sign-out button');
      await navigating(page, () => signOut.click());
      assert.equal(pathOf(page), '/');
      await expectAccessible(page);
      assert.equal(await page.getByRole('button', { name: fr('nav.signOut') }).count(), 0);
      assert.ok(await page.getByRole('banner').getByRole('link', { name: fr('nav.signIn') }).isVisible());

      // The session is over: the account page sends back to sign-in.
      await page.goto('/compte');
      assert.equal(pathOf(page), '/connexion');
    });
  });

  test('a temporary password must be changed after signing in', async () => {
    const who = await env.account('enterprise', { temporary: true });
    await withPage(env, async (page) => {
      await submitPassword(page, who);
      await submitTotp(page, who);
      assert.equal(pathOf(page), '/mot-de-passe/changer');
      assert.equal(await page.locator('h1').textContent(), fr('password.title'));

      // Too short: the error summary takes the focus and links to the field.
      await field(page, 'password.new').fill('court');
      await field(page, 'password.confirm').fill('court');
      await navigating(page, () => button(page, 'password.submit').click());
      assert.equal(pathOf(page), '/mot-de-passe/changer');
      await waitForFocus(page, '#error-summary');
      const summary = page.locator('#error-summary');
      assertIncludes(await summary.innerText(), fr('password.tooShort'));
      const toField = summary.getByRole('link', { name: fr('password.tooShort') });
      assert.equal(await toField.getAttribute('href'), '#newPassword');
      assert.equal(await field(page, 'password.new').getAttribute('aria-invalid'), 'true');
      await expectAccessible(page);
      await toField.click();
      await waitForFocus(page, '#newPassword');

      const newPassword = `Nouvelle phrase ${Date.now().toString(36)} du printemps`;
      await field(page, 'password.new').fill(newPassword);
      await field(page, 'password.confirm').fill(newPassword);
      await navigating(page, () => button(page, 'password.submit').click());
      assert.equal(pathOf(page), '/compte');
      await expectAccessible(page);
      assertIncludes(await page.locator('main').innerText(), fr('password.changed'));
    });
  });

  test('a citizen resets a forgotten password with the link received by mail', async () => {
    const who = await env.account('citizen');
    const email = who.account.email;
    assert.ok(email);
    await withPage(env, async (page) => {
      await visit(page, '/connexion');
      await navigating(page, () => page.getByRole('link', { name: fr('signin.forgot') }).click());
      assert.equal(pathOf(page), '/mot-de-passe/oubli');
      await expectAccessible(page);
      await field(page, 'signin.identifier').fill(email);
      await navigating(page, () => button(page, 'forgot.submit').click());
      await expectAccessible(page);
      assertIncludes(await page.locator('main').innerText(), fr('forgot.sentTitle'));

      const mail = await env.mails.waitFor(email, (m) => m.subject === fr('mail.resetPassword.subject'));
      const link = linksOf(mail).find((l) => l.includes('/mot-de-passe/reinitialiser/'));
      assert.ok(link, `no reset link in the mail:\n${mail.text}`);
      // The link names the configured public address; the test server listens on another port.
      assert.ok(link.startsWith(`${env.t.config.publicUrl}/`), link);
      const url = new URL(link);
      await visit(page, url.pathname + url.search);
      assert.equal(await page.locator('h1').textContent(), fr('reset.title'));

      const newPassword = `Nouvelle phrase ${Date.now().toString(36)} de la rentrée`;
      await field(page, 'password.new').fill(newPassword);
      await field(page, 'password.confirm').fill(newPassword);
      await navigating(page, () => button(page, 'reset.submit').click());
      await expectAccessible(page);
      assertIncludes(await page.locator('main').innerText(), fr('reset.done'));

      // The old password no longer works; the new one does (a citizen has no second step).
      await submitPassword(page, who);
      assert.equal(pathOf(page), '/connexion');
      assertIncludes(await page.locator('main').innerText(), fr('signin.invalid'));
      await submitPassword(page, who, newPassword);
      assert.equal(pathOf(page), '/compte');
      assertIncludes(await page.locator('main').innerText(), email);
    });
  });

  test('an agent without a second factor enrols an authenticator app', async () => {
    const who = await env.account('agent', { mfa: false });
    await withPage(env, async (page) => {
      await submitPassword(page, who);
      assert.equal(pathOf(page), '/connexion/mfa/inscription');
      assert.equal(await page.locator('h1').textContent(), fr('mfaEnrol.title'));

      const shown = await page.locator('code.totp-secret').textContent();
      const secret = (shown ?? '').replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      await field(page, 'mfa.code').fill(currentTotp(secret));
      await navigating(page, () => button(page, 'mfaEnrol.submit').click());
      await expectAccessible(page);
      assert.equal(await page.locator('h1').textContent(), fr('recovery.title'));
      assert.ok((await page.locator('ul.recovery-codes li').count()) > 0);

      await navigating(page, () => page.getByRole('link', { name: fr('recovery.continue') }).click());
      assert.equal(pathOf(page), '/compte');
      await expectAccessible(page);
      assert.equal(await page.getByRole('link', { name: fr('account.enableMfa') }).count(), 0);
    });
  });
});
