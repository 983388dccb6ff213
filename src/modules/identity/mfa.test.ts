import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { formatDateTime } from '../../platform/i18n/format.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { recoveryCode } from './schema.js';
import { RECOVERY_CODE_COUNT } from './service.js';
import {
  SESSION_COOKIE,
  accountRow,
  assertHasText,
  assertRedirect,
  auditActionsFor,
  auditEventsFor,
  clearsSessionCookie,
  enrolFromPage,
  errorSummaryLinks,
  mailsTo,
  nextStepTotp,
  sessionCount,
  sessionOfCookie,
  shownTotpSecret,
  wrongTotp,
} from './test-support.js';
import { currentTotp, matchingTotpStep, newTotpSecret } from './totp.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

/** Password step only; returns where it sent the visitor. */
async function passwordStep(client: TestClient, who: TestAccount): Promise<string> {
  await client.get('/connexion');
  const response = await client.post('/connexion', { identifier: who.identifier, password: who.password });
  assert.equal(response.statusCode, 303);
  return String(response.headers.location);
}

describe('MFA enrolment', () => {
  test('an enterprise user without MFA must enrol after the password and cannot reach the account page before', async () => {
    const who = await createTestAccount(t.db, 'enterprise', { mfa: false });
    const client = t.client();
    assert.equal(await passwordStep(client, who), '/connexion/mfa/inscription');
    const enrolCookie = client.cookies.get(SESSION_COOKIE);
    assert.equal((await sessionOfCookie(t.db, enrolCookie))?.stage, 'mfa_enrol');
    assertRedirect(await client.get('/compte'), '/connexion/mfa/inscription');
    assertRedirect(await client.get('/agent/journal'), '/connexion/mfa/inscription');
    // Not a second-factor session: that page sends back to sign-in.
    assertRedirect(await client.get('/connexion/mfa'), '/connexion');

    const page = await client.get('/connexion/mfa/inscription');
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'mfaEnrol.intro');
    assert.ok(page.body.includes('src="/connexion/mfa/qr.svg"'));
    const secret = shownTotpSecret(page.body);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    // The key stays the same while the enrolment is pending (page reloads, QR code).
    assert.equal(shownTotpSecret((await client.get('/connexion/mfa/inscription')).body), secret);
    const qr = await client.get('/connexion/mfa/qr.svg');
    assert.equal(qr.statusCode, 200);
    assert.match(String(qr.headers['content-type']), /^image\/svg\+xml/);
    assert.equal(qr.headers['cache-control'], 'no-store');
    assert.match(qr.body, /<svg[\s>]/);
    await client.get('/connexion/mfa/inscription');

    // A wrong code: the page again, with the error linked to the field, and no enrolment.
    const wrong = await client.post('/connexion/mfa/inscription', { code: wrongTotp(secret) });
    assert.equal(wrong.statusCode, 400);
    assertHasText(wrong.body, 'mfa.code.invalid');
    assert.deepEqual(errorSummaryLinks(wrong.body), ['#code']);
    assert.equal(shownTotpSecret(wrong.body), secret);
    assert.equal((await accountRow(t.db, who.account.id)).mfaEnabledAt, null);

    const done = await client.post('/connexion/mfa/inscription', { code: currentTotp(secret) });
    assert.equal(done.statusCode, 200);
    assertHasText(done.body, 'mfaEnrol.done');
    assertHasText(done.body, 'recovery.once');
    const fullCookie = client.cookies.get(SESSION_COOKIE);
    assert.ok(fullCookie && fullCookie !== enrolCookie);
    assert.equal(await sessionOfCookie(t.db, enrolCookie), undefined);
    assert.equal((await sessionOfCookie(t.db, fullCookie))?.stage, 'full');

    const row = await accountRow(t.db, who.account.id);
    assert.ok(row.mfaEnabledAt);
    // Stored encrypted, never as the key itself.
    assert.ok(row.mfaSecret && !row.mfaSecret.includes(secret));
    assert.ok((await auditActionsFor(t.db, who.account.id)).includes('mfa.enabled'));
    const mails = await mailsTo(t.db, who.account.email!);
    assert.deepEqual(mails.map((m) => m.subject), ['Vérification en deux étapes activée']);

    const account = await client.get('/compte');
    assert.equal(account.statusCode, 200);
    assertHasText(account.body, 'account.mfa.on', { date: formatDateTime('fr', row.mfaEnabledAt), codes: RECOVERY_CODE_COUNT });
    assert.ok(!account.body.includes('href="/connexion/mfa/inscription"'));

    // From now on the second factor is asked at sign-in, with the enrolled key.
    const later = t.client();
    assert.equal(await passwordStep(later, who), '/connexion/mfa');
    await later.get('/connexion/mfa');
    assertRedirect(await later.post('/connexion/mfa', { code: nextStepTotp(secret) }), '/compte');
  });

  test('ten recovery codes are shown once, stored only as hashes', async () => {
    const who = await createTestAccount(t.db, 'agent', { mfa: false });
    const client = t.client();
    assert.equal(await passwordStep(client, who), '/connexion/mfa/inscription');
    const { codes, response } = await enrolFromPage(client);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
    assert.ok(response.body.includes('href="/compte"'));
    const stored = await t.db.select().from(recoveryCode).where(eq(recoveryCode.accountId, who.account.id));
    assert.equal(stored.length, 10);
    for (const row of stored) {
      assert.equal(row.usedAt, null);
      assert.ok(codes.every((code) => !row.codeHash.includes(code) && !row.codeHash.includes(code.replace('-', ''))));
    }
    // The enrolment pages are closed once MFA is on: the codes cannot be shown again.
    assertRedirect(await client.get('/connexion/mfa/inscription'), '/compte');
    const again = await client.get('/compte');
    assert.equal(again.statusCode, 200);
    assertRedirect(await client.post('/connexion/mfa/inscription', { code: '123456' }), '/compte');
    assert.equal((await client.get('/connexion/mfa/qr.svg')).statusCode, 404);
    for (const code of codes) assert.ok(!again.body.includes(code));
  });

  test('an agent without MFA is sent to enrolment too', async () => {
    const who = await createTestAccount(t.db, 'agent', { mfa: false });
    const client = t.client();
    assert.equal(await passwordStep(client, who), '/connexion/mfa/inscription');
    assertRedirect(await client.get('/compte'), '/connexion/mfa/inscription');
    await enrolFromPage(client);
    assert.equal((await client.get('/compte')).statusCode, 200);
  });

  test('a citizen may enrol from the account page, and is then asked for a code at sign-in', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    assertRedirect(await signInAs(client, who), '/compte');
    const account = await client.get('/compte');
    assertHasText(account.body, 'account.mfa.off');
    assert.ok(account.body.includes('href="/connexion/mfa/inscription"'));
    const before = client.cookies.get(SESSION_COOKIE);
    const { secret, codes, response } = await enrolFromPage(client);
    assert.equal(codes.length, 10);
    assert.ok(response.body.includes('href="/compte"'));
    assert.notEqual(client.cookies.get(SESSION_COOKIE), before);
    assert.ok((await accountRow(t.db, who.account.id)).mfaEnabledAt);
    const [enabled] = await auditEventsFor(t.db, who.account.id, 'mfa.enabled');
    // Done while signed in: the citizen is the actor.
    assert.equal(enabled?.actorId, who.account.id);

    const later = t.client();
    assert.equal(await passwordStep(later, who), '/connexion/mfa');
    assertRedirect(await later.get('/compte'), '/connexion/mfa');
    await later.get('/connexion/mfa');
    assertRedirect(await later.post('/connexion/mfa', { code: nextStepTotp(secret) }), '/compte');
  });

  test('an anonymous visitor cannot enrol or fetch a QR code', async () => {
    const client = t.client();
    assertRedirect(await client.get('/connexion/mfa/inscription'), '/connexion');
    assert.equal((await client.get('/connexion/mfa/qr.svg')).statusCode, 404);
    await client.get('/connexion');
    assertRedirect(await client.post('/connexion/mfa/inscription', { code: '123456' }), '/connexion');
  });
});

describe('second factor at sign-in', () => {
  test('a recovery code signs in once, and not twice', async () => {
    const who = await createTestAccount(t.db, 'enterprise', { mfa: false });
    const enrolling = t.client();
    await passwordStep(enrolling, who);
    const { codes } = await enrolFromPage(enrolling);
    const [first, second] = codes;
    assert.ok(first && second);

    const client = t.client();
    assert.equal(await passwordStep(client, who), '/connexion/mfa');
    await client.get('/connexion/mfa');
    assertRedirect(await client.post('/connexion/mfa', { code: first }), '/compte');
    const [used] = await auditEventsFor(t.db, who.account.id, 'signin.succeeded');
    assert.deepEqual(used?.details, { method: 'recovery-code' });
    const account = await client.get('/compte');
    const row = await accountRow(t.db, who.account.id);
    assertHasText(account.body, 'account.mfa.on', { date: formatDateTime('fr', row.mfaEnabledAt!), codes: 9 });

    const replay = t.client();
    assert.equal(await passwordStep(replay, who), '/connexion/mfa');
    await replay.get('/connexion/mfa');
    const refused = await replay.post('/connexion/mfa', { code: first });
    assert.equal(refused.statusCode, 401);
    assertHasText(refused.body, 'mfa.code.invalid');
    assert.deepEqual(errorSummaryLinks(refused.body), ['#code']);
    assert.equal((await sessionOfCookie(t.db, replay.cookies.get(SESSION_COOKIE)))?.stage, 'mfa');
    // Another code, typed in capitals with a space, works.
    assertRedirect(await replay.post('/connexion/mfa', { code: second.toUpperCase().replace('-', ' ') }), '/compte');
  });

  test('a TOTP code is accepted only once: its replay in a second sign-in is refused', async () => {
    const who = await createTestAccount(t.db, 'enterprise');
    const now = Date.now();
    const code = currentTotp(who.totpSecret!, now);
    const first = t.client();
    await passwordStep(first, who);
    await first.get('/connexion/mfa');
    assertRedirect(await first.post('/connexion/mfa', { code }), '/compte');

    const second = t.client();
    assert.equal(await passwordStep(second, who), '/connexion/mfa');
    await second.get('/connexion/mfa');
    const replayed = await second.post('/connexion/mfa', { code });
    assert.equal(replayed.statusCode, 401);
    assertHasText(replayed.body, 'mfa.code.invalid');
    assertRedirect(await second.get('/compte'), '/connexion/mfa');
    const [failed] = await auditEventsFor(t.db, who.account.id, 'mfa.failed');
    assert.deepEqual(failed?.details, { failures: 1 });
    assert.equal((await accountRow(t.db, who.account.id)).mfaLastStep, Math.floor(now / 30_000));
    // The next step's code is new, so it is accepted, and recorded as of its own step.
    const later = now + 30_000;
    assertRedirect(await second.post('/connexion/mfa', { code: currentTotp(who.totpSecret!, later) }), '/compte');
    assert.equal((await accountRow(t.db, who.account.id)).mfaLastStep, Math.floor(later / 30_000));
    // The first step's code is now older than the last one used: refused too, from a fresh sign-in.
    const third = t.client();
    await passwordStep(third, who);
    await third.get('/connexion/mfa');
    assert.equal((await third.post('/connexion/mfa', { code })).statusCode, 401);
  });

  test('five wrong codes lock the second factor; the right code is then refused', async () => {
    const who = await createTestAccount(t.db, 'agent');
    const client = t.client();
    await passwordStep(client, who);
    const halfway = client.cookies.get(SESSION_COOKIE);
    await client.get('/connexion/mfa');
    for (let i = 0; i < 4; i++) {
      const wrong = await client.post('/connexion/mfa', { code: wrongTotp(who.totpSecret!) });
      assert.equal(wrong.statusCode, 401);
    }
    const locked = await client.post('/connexion/mfa', { code: wrongTotp(who.totpSecret!) });
    assert.equal(locked.statusCode, 429);
    const [lockEvent] = await auditEventsFor(t.db, who.account.id, 'account.locked');
    assert.equal(lockEvent?.details.factor, 'mfa');
    const until = new Date(String(lockEvent?.details.until));
    assertHasText(locked.body, 'signin.locked', { time: formatDateTime('fr', until) });
    assert.ok(clearsSessionCookie(locked));
    assert.equal(client.cookies.get(SESSION_COOKIE), undefined);
    assert.equal(await sessionOfCookie(t.db, halfway), undefined);
    assert.equal((await auditActionsFor(t.db, who.account.id)).filter((a) => a === 'mfa.failed').length, 5);

    // The page shown is a working sign-in form; the password still works, the second factor does not.
    const again = await client.post('/connexion', { identifier: who.identifier, password: who.password });
    assertRedirect(again, '/connexion/mfa');
    await client.get('/connexion/mfa');
    const refused = await client.post('/connexion/mfa', { code: currentTotp(who.totpSecret!) });
    assert.equal(refused.statusCode, 429);
    assertHasText(refused.body, 'signin.locked', { time: formatDateTime('fr', until) });
    assert.equal(await sessionCount(t.db, who.account.id), 0);
    assert.equal((await accountRow(t.db, who.account.id)).mfaLastStep, null);
  });

  test('an empty code re-renders the page with 400', async () => {
    const who = await createTestAccount(t.db, 'enterprise');
    const client = t.client();
    await passwordStep(client, who);
    await client.get('/connexion/mfa');
    const response = await client.post('/connexion/mfa', { code: ' ' });
    assert.equal(response.statusCode, 400);
    assertHasText(response.body, 'mfa.code.required');
    assert.deepEqual(errorSummaryLinks(response.body), ['#code']);
  });
});

describe('TOTP codes', () => {
  // The middle of a 30-second step, so that ±30 s are the neighbouring steps.
  const at = 1_800_000_015_000;
  const step = Math.floor(at / 30_000);
  const secret = newTotpSecret();

  test('a code counts for its own step, one step either side of now', () => {
    for (const offset of [-1, 0, 1]) {
      assert.equal(matchingTotpStep(secret, currentTotp(secret, at + offset * 30_000), at), step + offset);
    }
  });

  test('a code used in one step is still the same step in the next one (so it cannot be replayed there)', () => {
    const code = currentTotp(secret, at);
    assert.equal(matchingTotpStep(secret, code, at + 30_000), step);
    assert.equal(matchingTotpStep(secret, code, at + 60_000), null);
  });

  test('codes two steps away and malformed codes are refused', () => {
    assert.equal(matchingTotpStep(secret, currentTotp(secret, at + 60_000), at), null);
    assert.equal(matchingTotpStep(secret, currentTotp(secret, at - 60_000), at), null);
    const code = currentTotp(secret, at);
    for (const bad of [code.slice(1), `${code}0`, ` ${code}`, 'abcdef', '']) assert.equal(matchingTotpStep(secret, bad, at), null);
    assert.equal(matchingTotpStep(newTotpSecret(), code, at) === step, false);
  });
});
