import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { translate } from '../../platform/i18n/index.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { createTestAccount } from '../../platform/testing/accounts.js';
import { account, accountToken } from './schema.js';
import { verifyPassword } from './passwords.js';
import {
  accountRow,
  assertHasText,
  assertRedirect,
  auditActionsFor,
  errorSummaryLinks,
  inputValue,
  linkIn,
  mailsTo,
  stablePage,
} from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

const PASSWORD = 'Une-phrase-de-passe-pour-parent';

function newEmail(): string {
  return `parent-${randomBytes(4).toString('hex')}@guichet.test`;
}

async function register(client: TestClient, fields: Partial<Record<'displayName' | 'email' | 'password' | 'confirmPassword', string>>) {
  await client.get('/inscription');
  return client.post('/inscription', { displayName: 'Léa Tremblay', password: PASSWORD, confirmPassword: PASSWORD, email: newEmail(), ...fields });
}

async function accountsWithEmail(email: string) {
  return t.db.select().from(account).where(sql`lower(${account.email}) = ${email.toLowerCase()}`);
}

async function signIn(client: TestClient, identifier: string, password: string) {
  await client.get('/connexion');
  return client.post('/connexion', { identifier, password });
}

describe('citizen registration', () => {
  test('creates an unverified account and mails a link; the link opens a button, and only the POST confirms', async () => {
    const email = newEmail();
    const client = t.client();
    const done = await register(client, { email, displayName: 'Léa Tremblay' });
    assert.equal(done.statusCode, 200);
    assertHasText(done.body, 'register.done');

    const [created] = await accountsWithEmail(email);
    assert.ok(created);
    assert.equal(created.kind, 'citizen');
    assert.equal(created.displayName, 'Léa Tremblay');
    assert.equal(created.language, 'fr');
    assert.equal(created.emailVerifiedAt, null);
    assert.equal(created.passwordIsTemporary, false);
    assert.match(created.passwordHash, /^\$argon2id\$/);
    assert.ok(await verifyPassword(created.passwordHash, PASSWORD));
    assert.ok((await auditActionsFor(t.db, created.id)).includes('account.registered'));

    const mails = await mailsTo(t.db, email);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.subject, translate('fr', 'mail.verifyEmail.subject'));
    const link = linkIn(mails[0]!.textBody, '/inscription/confirmer/');

    // Not yet: the password is right but the address is not confirmed.
    const early = await signIn(t.client(), email, PASSWORD);
    assert.equal(early.statusCode, 403);
    assertHasText(early.body, 'signin.unverified');
    assert.ok((await auditActionsFor(t.db, created.id)).includes('signin.unverified'));

    // A mail scanner that opens the link does not confirm the address.
    const visitor = t.client();
    const page = await visitor.get(link);
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'confirm.submit');
    assert.ok(page.body.includes(`action="${link}"`));
    assert.equal((await accountRow(t.db, created.id)).emailVerifiedAt, null);
    const [token] = await t.db.select().from(accountToken).where(and(eq(accountToken.accountId, created.id), eq(accountToken.purpose, 'verify_email')));
    assert.equal(token?.usedAt, null);

    const confirmed = await visitor.post(link, {});
    assert.equal(confirmed.statusCode, 200);
    assertHasText(confirmed.body, 'confirm.done');
    assert.ok((await accountRow(t.db, created.id)).emailVerifiedAt);
    assert.ok((await auditActionsFor(t.db, created.id)).includes('account.email-verified'));

    // Once only.
    await visitor.get(link);
    const again = await visitor.post(link, {});
    assert.equal(again.statusCode, 410);
    assertHasText(again.body, 'link.invalid');
    assert.ok(again.body.includes('href="/inscription"'));

    assertRedirect(await signIn(t.client(), email, PASSWORD), '/compte');
  });

  test('an unknown or expired confirmation link is refused', async () => {
    const client = t.client();
    await client.get('/inscription');
    const unknown = await client.post(`/inscription/confirmer/${randomBytes(32).toString('base64url')}`, {});
    assert.equal(unknown.statusCode, 410);
    assertHasText(unknown.body, 'link.invalid');

    const email = newEmail();
    await register(client, { email });
    const link = linkIn((await mailsTo(t.db, email))[0]!.textBody, '/inscription/confirmer/');
    const [created] = await accountsWithEmail(email);
    await t.db.update(accountToken).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(accountToken.accountId, created!.id));
    await client.get(link);
    assert.equal((await client.post(link, {})).statusCode, 410);
    assert.equal((await accountRow(t.db, created!.id)).emailVerifiedAt, null);
  });

  test('a visitor reading in English gets an English account and mail', async () => {
    const email = newEmail();
    const client = t.client();
    client.cookies.set('guichet_langue', 'en');
    const done = await register(client, { email });
    assertHasText(done.body, 'register.done', {}, 'en');
    const [created] = await accountsWithEmail(email);
    assert.equal(created?.language, 'en');
    const [mail] = await mailsTo(t.db, email);
    assert.equal(mail?.language, 'en');
    assert.equal(mail?.subject, translate('en', 'mail.verifyEmail.subject'));
  });

  test('an e-mail already used gets the same page and an "already registered" mail, not a second account', async () => {
    const email = newEmail();
    const first = await register(t.client(), { email });
    const [original] = await accountsWithEmail(email);
    assert.ok(original);
    const second = await register(t.client(), { email: email.toUpperCase(), displayName: 'Quelqu’un d’autre', password: 'Autre-phrase-de-passe-longue', confirmPassword: 'Autre-phrase-de-passe-longue' });
    assert.equal(second.statusCode, 200);
    assert.equal(stablePage(second.body), stablePage(first.body));
    const accounts = await accountsWithEmail(email);
    assert.equal(accounts.length, 1);
    // The account is unchanged.
    assert.equal(accounts[0]?.displayName, original.displayName);
    assert.equal(accounts[0]?.passwordHash, original.passwordHash);
    const mails = await mailsTo(t.db, email);
    assert.deepEqual(
      mails.map((m) => m.subject),
      [translate('fr', 'mail.verifyEmail.subject'), translate('fr', 'mail.alreadyRegistered.subject')],
    );
    assert.ok(mails[1]?.textBody.includes('http://localhost:3000/connexion'));
    assert.ok(!mails[1]?.textBody.includes('/inscription/confirmer/'));
    assert.ok((await auditActionsFor(t.db, original.id)).includes('account.registration-duplicate'));
  });

  test('the e-mail of an agent cannot be registered again either', async () => {
    const agent = await createTestAccount(t.db, 'agent');
    const response = await register(t.client(), { email: agent.identifier });
    assert.equal(response.statusCode, 200);
    assert.equal((await accountsWithEmail(agent.identifier)).length, 1);
    const mails = await mailsTo(t.db, agent.identifier);
    assert.deepEqual(mails.map((m) => m.subject), [translate('fr', 'mail.alreadyRegistered.subject')]);
  });

  test('field errors re-render the form with 400, the summary, the values kept and no password', async () => {
    const client = t.client();
    const badEmail = await register(client, { email: 'pas-une-adresse', displayName: 'Léa Tremblay' });
    assert.equal(badEmail.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(badEmail.body), ['#email']);
    assertHasText(badEmail.body, 'field.email.invalid');
    assert.equal(inputValue(badEmail.body, 'displayName'), 'Léa Tremblay');
    assert.equal(inputValue(badEmail.body, 'email'), 'pas-une-adresse');
    assert.equal(inputValue(badEmail.body, 'password'), '');
    assert.equal(inputValue(badEmail.body, 'confirmPassword'), '');
    assert.ok(!badEmail.body.includes(PASSWORD));

    const email = newEmail();
    const short = await register(client, { email, password: 'Court-123', confirmPassword: 'Court-123' });
    assert.equal(short.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(short.body), ['#password']);
    assertHasText(short.body, 'password.tooShort');
    assert.equal(inputValue(short.body, 'email'), email);
    assert.equal(inputValue(short.body, 'displayName'), 'Léa Tremblay');
    assert.ok(!short.body.includes('Court-123'));

    const containing = await register(client, { email: 'marie.tremblay@guichet.test', password: 'Marie.Tremblay-2024', confirmPassword: 'Marie.Tremblay-2024' });
    assert.equal(containing.statusCode, 400);
    assertHasText(containing.body, 'password.containsIdentifier');

    const mismatch = await register(client, { email, confirmPassword: `${PASSWORD}!` });
    assert.equal(mismatch.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(mismatch.body), ['#confirmPassword']);
    assertHasText(mismatch.body, 'password.mismatch');

    const empty = await register(client, { email: '', displayName: ' ', password: '', confirmPassword: '' });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(empty.body), ['#displayName', '#email', '#password', '#confirmPassword']);
    assertHasText(empty.body, 'form.errorSummary.many', { count: 4 });

    assert.equal((await accountsWithEmail(email)).length, 0);
    assert.equal((await accountsWithEmail('pas-une-adresse')).length, 0);
    assert.deepEqual(await mailsTo(t.db, email), []);
  });

  test('two registrations at once with the same e-mail create exactly one account', async () => {
    const email = newEmail();
    const a = t.client();
    const b = t.client();
    await a.get('/inscription');
    await b.get('/inscription');
    const form = { displayName: 'Léa Tremblay', email, password: PASSWORD, confirmPassword: PASSWORD };
    const responses = await Promise.all([a.post('/inscription', form), b.post('/inscription', { ...form, email: email.toUpperCase() })]);
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [200, 200],
    );
    for (const r of responses) assertHasText(r.body, 'register.done');
    assert.equal((await accountsWithEmail(email)).length, 1);
    const subjects = (await mailsTo(t.db, email)).map((m) => m.subject).sort();
    assert.deepEqual(subjects, [translate('fr', 'mail.alreadyRegistered.subject'), translate('fr', 'mail.verifyEmail.subject')].sort());
  });
});
