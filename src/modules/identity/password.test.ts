import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { sha256Hex } from '../../platform/crypto.js';
import { translate } from '../../platform/i18n/index.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { createTestAccount, signInAs, type TestAccount, tryPassword } from '../../platform/testing/accounts.js';
import { accountToken } from './schema.js';
import { verifyPassword } from './passwords.js';
import {
  SESSION_COOKIE,
  accountRow,
  assertHasText,
  assertLacksText,
  assertRedirect,
  auditActionsFor,
  auditEventsFor,
  enrolFromPage,
  errorSummaryLinks,
  inputValue,
  linkIn,
  mailsTo,
  sessionCount,
  stablePage,
} from './test-support.js';
import { currentTotp } from './totp.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const NEW_PASSWORD = 'Nouvelle-phrase-de-passe-solide';

describe('temporary password', () => {
  test('an enterprise user with a temporary password changes it after the second factor, before reaching the account page', async () => {
    const who = await createTestAccount(t.db, 'enterprise', { temporary: true });
    const client = t.client();
    assertRedirect(await tryPassword(client, who.identifier, who.password), '/connexion/mfa');
    await client.get('/connexion/mfa');
    assertRedirect(await client.post('/connexion/mfa', { code: currentTotp(who.totpSecret!) }), '/mot-de-passe/changer');
    assertRedirect(await client.get('/compte'), '/mot-de-passe/changer');
    assertRedirect(await client.get('/agent/journal'), '/mot-de-passe/changer');

    const page = await client.get('/mot-de-passe/changer');
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'password.forcedIntro');
    // A forced change does not ask for the (temporary) current password.
    assert.equal(inputValue(page.body, 'currentPassword'), null);

    const before = client.cookies.get(SESSION_COOKIE);
    const done = await client.post('/mot-de-passe/changer', { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assertRedirect(done, '/compte?avis=mot-de-passe');
    assert.notEqual(client.cookies.get(SESSION_COOKIE), before);
    const account = await client.follow(done);
    assert.equal(account.statusCode, 200);
    assertHasText(account.body, 'password.changed');

    const row = await accountRow(t.db, who.account.id);
    assert.equal(row.passwordIsTemporary, false);
    assert.ok(await verifyPassword(row.passwordHash, NEW_PASSWORD));
    const [changed] = await auditEventsFor(t.db, who.account.id, 'password.changed');
    assert.deepEqual(changed?.details, { forced: true });
    const mails = await mailsTo(t.db, who.account.email!);
    assert.deepEqual(mails.map((m) => m.subject), [translate('fr', 'mail.passwordChanged.subject')]);

    // The old password no longer works, the new one does.
    assert.equal((await tryPassword(t.client(), who.identifier, who.password)).statusCode, 401);
    assertRedirect(await tryPassword(t.client(), who.identifier, NEW_PASSWORD), '/connexion/mfa');
  });

  test('an agent with a temporary password and no MFA changes the password, then enrols', async () => {
    const who = await createTestAccount(t.db, 'agent', { temporary: true, mfa: false });
    const client = t.client();
    assertRedirect(await tryPassword(client, who.identifier, who.password), '/mot-de-passe/changer');
    await client.get('/mot-de-passe/changer');
    assertRedirect(await client.post('/mot-de-passe/changer', { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }), '/connexion/mfa/inscription');
    assertRedirect(await client.get('/compte'), '/connexion/mfa/inscription');
    await enrolFromPage(client);
    assert.equal((await client.get('/compte')).statusCode, 200);
  });

  test('the new password must satisfy the policy; errors link to the field and passwords are never sent back', async () => {
    const who = await createTestAccount(t.db, 'enterprise', { temporary: true });
    const client = await signedInAt(who, '/mot-de-passe/changer');
    const cases = [
      { newPassword: 'Court-123', confirmPassword: 'Court-123', field: 'newPassword', key: 'password.tooShort' },
      { newPassword: 'password1234', confirmPassword: 'password1234', field: 'newPassword', key: 'password.common' },
      { newPassword: 'Password2024!', confirmPassword: 'Password2024!', field: 'newPassword', key: 'password.common' },
      { newPassword: `${who.account.userCode}-phrase-longue`, confirmPassword: `${who.account.userCode}-phrase-longue`, field: 'newPassword', key: 'password.containsIdentifier' },
      { newPassword: who.password, confirmPassword: who.password, field: 'newPassword', key: 'password.sameAsOld' },
      { newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}x`, field: 'confirmPassword', key: 'password.mismatch' },
      { newPassword: '', confirmPassword: '', field: 'newPassword', key: 'password.required' },
    ] as const;
    for (const c of cases) {
      await client.get('/mot-de-passe/changer');
      const response = await client.post('/mot-de-passe/changer', { newPassword: c.newPassword, confirmPassword: c.confirmPassword });
      assert.equal(response.statusCode, 400, c.key);
      assert.ok(errorSummaryLinks(response.body).includes(`#${c.field}`), `${c.key} links to #${c.field}`);
      assertHasText(response.body, c.key);
      assertHasText(response.body, 'password.forcedIntro');
      if (c.newPassword) assert.ok(!response.body.includes(c.newPassword), 'the password is not echoed back');
      assert.equal(inputValue(response.body, 'newPassword'), '');
      assert.equal(inputValue(response.body, 'confirmPassword'), '');
    }
    assert.equal((await accountRow(t.db, who.account.id)).passwordIsTemporary, true);
    assert.ok(!(await auditActionsFor(t.db, who.account.id)).includes('password.changed'));
    assertRedirect(await client.get('/compte'), '/mot-de-passe/changer');
  });

  test('changing the password ends the other sessions of the account', async () => {
    const who = await createTestAccount(t.db, 'citizen', { temporary: true });
    const bystander = await createTestAccount(t.db, 'citizen');
    const here = t.client();
    const there = t.client();
    const elsewhere = t.client();
    assertRedirect(await signInAs(here, who), '/mot-de-passe/changer');
    assertRedirect(await signInAs(there, who), '/mot-de-passe/changer');
    await signInAs(elsewhere, bystander);
    assert.equal(await sessionCount(t.db, who.account.id), 2);
    await here.get('/mot-de-passe/changer');
    assertRedirect(await here.post('/mot-de-passe/changer', { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }), '/compte?avis=mot-de-passe');
    assert.equal(await sessionCount(t.db, who.account.id), 1);
    assert.equal((await here.get('/compte')).statusCode, 200);
    assertRedirect(await there.get('/mot-de-passe/changer'), '/connexion?retour=%2Fmot-de-passe%2Fchanger');
    assertRedirect(await there.get('/compte'), '/connexion?retour=%2Fcompte');
    assert.equal((await elsewhere.get('/compte')).statusCode, 200);
  });

  test('a voluntary change from the account page asks for the current password', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, who);
    const page = await client.get('/mot-de-passe/changer');
    assertHasText(page.body, 'password.changeIntro');
    assert.equal(inputValue(page.body, 'currentPassword'), '');
    const wrong = await client.post('/mot-de-passe/changer', { currentPassword: 'Pas-le-bon-mot-de-passe', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(wrong.body), ['#currentPassword']);
    assertHasText(wrong.body, 'password.currentWrong');
    assert.ok(!wrong.body.includes('Pas-le-bon-mot-de-passe'));
    const done = await client.post('/mot-de-passe/changer', { currentPassword: who.password, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assertRedirect(done, '/compte?avis=mot-de-passe');
    const [changed] = await auditEventsFor(t.db, who.account.id, 'password.changed');
    assert.deepEqual(changed?.details, { forced: false });
    assert.equal(changed?.actorId, who.account.id);
  });

  test('the change page needs a session', async () => {
    const client = t.client();
    assertRedirect(await client.get('/mot-de-passe/changer'), '/connexion?retour=%2Fmot-de-passe%2Fchanger');
    await client.get('/connexion');
    assertRedirect(await client.post('/mot-de-passe/changer', { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }), '/connexion');
  });
});

/** Signs in (second factor included) and checks where the visitor lands. */
async function signedInAt(who: TestAccount, landing: string): Promise<TestClient> {
  const client = t.client();
  assertRedirect(await signInAs(client, who), landing);
  return client;
}

async function requestReset(client: TestClient, identifier: string) {
  await client.get('/mot-de-passe/oubli');
  return client.post('/mot-de-passe/oubli', { identifier });
}

/** The link of the newest reset mail to this address. */
async function lastResetLink(email: string): Promise<string> {
  const mails = await mailsTo(t.db, email);
  const last = mails.at(-1);
  assert.ok(last, 'a mail was sent');
  return linkIn(last.textBody, '/mot-de-passe/reinitialiser/');
}

/** Posts a new password to a reset link (with a form token from another page: the link may be dead). */
async function resetWith(client: TestClient, link: string, password: string) {
  await client.get('/mot-de-passe/oubli');
  return client.post(link, { newPassword: password, confirmPassword: password });
}

describe('password reset', () => {
  test('the same page answers known and unknown identifiers; only a known one gets a mail, in its language', async () => {
    const who = await createTestAccount(t.db, 'citizen', { language: 'en' });
    const unknown = `inconnu-${randomBytes(4).toString('hex')}@guichet.test`;
    const client = t.client();
    const known = await requestReset(client, who.identifier);
    const nobody = await requestReset(client, unknown);
    assert.equal(known.statusCode, 200);
    assert.equal(nobody.statusCode, 200);
    assertHasText(known.body, 'forgot.sent');
    assert.equal(stablePage(known.body), stablePage(nobody.body));
    assert.deepEqual(await mailsTo(t.db, unknown), []);

    const mails = await mailsTo(t.db, who.identifier);
    assert.equal(mails.length, 1);
    const [mail] = mails;
    assert.equal(mail?.language, 'en');
    assert.equal(mail?.subject, translate('en', 'mail.resetPassword.subject'));
    assert.ok(mail?.textBody.includes(translate('en', 'mail.resetPassword.body', { minutes: 30 })));
    const link = linkIn(mail!.textBody, '/mot-de-passe/reinitialiser/');
    assert.ok(mail?.htmlBody.includes(`href="http://localhost:3000${link}"`));
    // Only a hash of the token is stored.
    const token = link.split('/').at(-1)!;
    const [row] = await t.db.select().from(accountToken).where(eq(accountToken.tokenHash, sha256Hex(token)));
    assert.equal(row?.accountId, who.account.id);
    assert.equal(row?.purpose, 'reset_password');
    const [known1] = await auditEventsFor(t.db, who.account.id, 'password.reset-requested');
    assert.deepEqual(known1?.details, { known: true });
  });

  test('an enterprise user asks with the user code; the link goes to the account e-mail, in French by default', async () => {
    const who = await createTestAccount(t.db, 'enterprise');
    await requestReset(t.client(), who.identifier.toLowerCase());
    const [mail] = await mailsTo(t.db, who.account.email!);
    assert.equal(mail?.language, 'fr');
    assert.equal(mail?.subject, translate('fr', 'mail.resetPassword.subject'));
  });

  test('the link works once; the password changes and the old one stops working', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    await requestReset(t.client(), who.identifier);
    const link = await lastResetLink(who.identifier);
    const client = t.client();
    const form = await client.get(link);
    assert.equal(form.statusCode, 200);
    assertHasText(form.body, 'reset.intro');
    // Opening the link does not use it.
    assert.equal((await client.get(link)).statusCode, 200);
    const done = await client.post(link, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.equal(done.statusCode, 200);
    assertHasText(done.body, 'reset.done');
    assert.ok((await auditActionsFor(t.db, who.account.id)).includes('password.reset'));
    const mails = await mailsTo(t.db, who.identifier);
    assert.equal(mails.at(-1)?.subject, translate('fr', 'mail.passwordChanged.subject'));

    const again = await client.get(link);
    assert.equal(again.statusCode, 410);
    assertHasText(again.body, 'link.invalid');
    assert.ok(again.body.includes('href="/mot-de-passe/oubli"'));
    const reuse = await resetWith(t.client(), link, 'Une-autre-phrase-de-passe');
    assert.equal(reuse.statusCode, 410);
    assertHasText(reuse.body, 'link.invalid');

    assert.equal((await tryPassword(t.client(), who.identifier, who.password)).statusCode, 401);
    assertRedirect(await tryPassword(t.client(), who.identifier, NEW_PASSWORD), '/compte');
  });

  test('a weak password is refused without using the link', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    await requestReset(t.client(), who.identifier);
    const link = await lastResetLink(who.identifier);
    const client = t.client();
    await client.get(link);
    const weak = await client.post(link, { newPassword: 'password1234', confirmPassword: 'password1234' });
    assert.equal(weak.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(weak.body), ['#newPassword']);
    assertHasText(weak.body, 'password.common');
    assert.ok(!weak.body.includes('password1234'));
    const mismatch = await client.post(link, { newPassword: NEW_PASSWORD, confirmPassword: 'Autre-phrase-de-passe' });
    assert.equal(mismatch.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(mismatch.body), ['#confirmPassword']);
    assert.equal((await client.get(link)).statusCode, 200);
    assert.equal((await client.post(link, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).statusCode, 200);
  });

  test('an expired link is refused with 410', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    await requestReset(t.client(), who.identifier);
    const link = await lastResetLink(who.identifier);
    await t.db
      .update(accountToken)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(and(eq(accountToken.accountId, who.account.id), eq(accountToken.purpose, 'reset_password')));
    const client = t.client();
    const page = await client.get(link);
    assert.equal(page.statusCode, 410);
    assertHasText(page.body, 'link.invalid');
    await client.get('/mot-de-passe/oubli');
    const post = await client.post(link, { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.equal(post.statusCode, 410);
    assert.equal((await tryPassword(t.client(), who.identifier, NEW_PASSWORD)).statusCode, 401);
  });

  test('a newer link replaces the older one', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await requestReset(client, who.identifier);
    const older = await lastResetLink(who.identifier);
    await requestReset(client, who.identifier);
    const newer = await lastResetLink(who.identifier);
    assert.notEqual(older, newer);
    assert.equal((await t.client().get(older)).statusCode, 410);
    assert.equal((await resetWith(t.client(), older, NEW_PASSWORD)).statusCode, 410);
    assert.equal((await resetWith(t.client(), newer, NEW_PASSWORD)).statusCode, 200);
  });

  test('a reset ends every session and lifts a lock', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const signedIn = t.client();
    const other = t.client();
    await signInAs(signedIn, who);
    await signInAs(other, who);
    const attacker = t.client();
    for (let i = 0; i < 5; i++) await tryPassword(attacker, who.identifier, `Mauvais-mot-de-passe-${i}`);
    const locked = await tryPassword(t.client(), who.identifier, who.password);
    assert.equal(locked.statusCode, 429);

    // Asked and done in the browser where the person is signed in.
    await signedIn.get('/compte');
    await requestReset(signedIn, who.identifier);
    const link = await lastResetLink(who.identifier);
    const done = await resetWith(signedIn, link, NEW_PASSWORD);
    assert.equal(done.statusCode, 200);
    assertHasText(done.body, 'reset.done');
    assert.equal(signedIn.cookies.get(SESSION_COOKIE), undefined);
    assert.equal(await sessionCount(t.db, who.account.id), 0);
    assertRedirect(await other.get('/compte'), '/connexion?retour=%2Fcompte');
    // The page shown is for a signed-out visitor, and its sign-in form works.
    assertLacksText(done.body, 'nav.signOut');
    assertRedirect(await signedIn.post('/connexion', { identifier: who.identifier, password: NEW_PASSWORD }), '/compte');
    assert.equal((await signedIn.get('/compte')).statusCode, 200);
  });

  test('an empty identifier re-renders the form with 400', async () => {
    const client = t.client();
    await client.get('/mot-de-passe/oubli');
    const response = await client.post('/mot-de-passe/oubli', { identifier: ' ' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(response.body), ['#identifier']);
    assertHasText(response.body, 'signin.identifier.required');
  });
});
