import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { hmacHex } from '../../platform/crypto.js';
import { formatDateTime } from '../../platform/i18n/format.js';
import { buildTestApp, TEST_SECRET, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { createTestAccount, signInAs, type TestAccount, tryPassword } from '../../platform/testing/accounts.js';
import { loginThrottle, session } from './schema.js';
import { LOCK_AFTER_FAILURES } from './service.js';
import {
  SESSION_COOKIE,
  assertHasText,
  assertLacksText,
  assertRedirect,
  auditActionsFor,
  auditEventsFor,
  auditEventsSince,
  clearsSessionCookie,
  inputValue,
  lastAuditId,
  sessionCount,
  sessionOfCookie,
  stablePage,
} from './test-support.js';
import { currentTotp } from './totp.js';

function passwordThrottleKey(identifier: string): string {
  return hmacHex(TEST_SECRET, 'throttle-password', identifier.trim().toLowerCase());
}

async function throttleOf(t: TestApp, identifier: string) {
  const [row] = await t.db.select().from(loginThrottle).where(eq(loginThrottle.identifierHash, passwordThrottleKey(identifier)));
  return row;
}

// One app and database for the whole file; every test uses its own accounts.
let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t.close());

describe('sign-in', () => {

  test('an enterprise user signs in with user code, password then TOTP, and gets a new session id at each step', async () => {
    const who = await createTestAccount(t.db, 'enterprise');
    const client = t.client();
    await client.get('/connexion');
    // The user code is accepted in lower case too.
    const first = await client.post('/connexion', { identifier: who.identifier.toLowerCase(), password: who.password });
    assertRedirect(first, '/connexion/mfa');
    const halfway = client.cookies.get(SESSION_COOKIE);
    assert.ok(halfway);
    assert.equal((await sessionOfCookie(t.db, halfway))?.stage, 'mfa');
    // Half signed in: the account page is not reachable yet.
    assertRedirect(await client.get('/compte'), '/connexion/mfa');
    await client.get('/connexion/mfa');
    const second = await client.post('/connexion/mfa', { code: currentTotp(who.totpSecret!) });
    assertRedirect(second, '/compte');
    const full = client.cookies.get(SESSION_COOKIE);
    assert.ok(full && full !== halfway);
    // The half-way id is gone: it cannot be promoted by whoever knew it.
    assert.equal(await sessionOfCookie(t.db, halfway), undefined);
    assert.equal((await sessionOfCookie(t.db, full))?.stage, 'full');
    const page = await client.get('/compte');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(who.account.userCode!));
    const actions = await auditActionsFor(t.db, who.account.id);
    assert.ok(actions.includes('signin.password-accepted'));
    const [succeeded] = await auditEventsFor(t.db, who.account.id, 'signin.succeeded');
    assert.deepEqual(succeeded?.details, { method: 'totp' });
  });

  test('an agent signs in with e-mail (any case), password then TOTP', async () => {
    const who = await createTestAccount(t.db, 'agent');
    const client = t.client();
    await client.get('/connexion');
    const first = await client.post('/connexion', { identifier: `  ${who.identifier.toUpperCase()} `, password: who.password });
    assertRedirect(first, '/connexion/mfa');
    assertRedirect(await client.get('/compte'), '/connexion/mfa');
    await client.get('/connexion/mfa');
    assertRedirect(await client.post('/connexion/mfa', { code: currentTotp(who.totpSecret!) }), '/compte');
    const page = await client.get('/compte');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(who.identifier));
  });

  test('a citizen without MFA is signed in after the password', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    const response = await signInAs(client, who);
    assertRedirect(response, '/compte');
    assert.equal((await sessionOfCookie(t.db, client.cookies.get(SESSION_COOKIE)))?.stage, 'full');
    const page = await client.get('/compte');
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'account.mfa.off');
    const [succeeded] = await auditEventsFor(t.db, who.account.id, 'signin.succeeded');
    assert.deepEqual(succeeded?.details, { stage: 'full' });
    // A signed-in visitor sent to the sign-in page goes to the account page.
    assertRedirect(await client.get('/connexion'), '/compte');
  });

  test('the second factor is only asked of a session at that stage', async () => {
    const client = t.client();
    assertRedirect(await client.get('/connexion/mfa'), '/connexion');
    const citizen = await createTestAccount(t.db, 'citizen');
    await signInAs(client, citizen);
    await client.get('/compte');
    assertRedirect(await client.post('/connexion/mfa', { code: '123456' }), '/connexion');
  });

  test('a wrong password and an unknown identifier get the same 401 page', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const unknown = `personne-${randomBytes(4).toString('hex')}@guichet.test`;
    const client = t.client();
    const wrong = await tryPassword(client, who.identifier, 'Pas-le-bon-mot-de-passe');
    const nobody = await tryPassword(client, unknown, 'Pas-le-bon-mot-de-passe');
    for (const response of [wrong, nobody]) {
      assert.equal(response.statusCode, 401);
      assertHasText(response.body, 'signin.invalid');
      assert.equal(client.cookies.get(SESSION_COOKIE), undefined);
      // The password typed is never sent back.
      assert.ok(!response.body.includes('Pas-le-bon-mot-de-passe'));
      assert.equal(inputValue(response.body, 'password'), '');
    }
    // The identifier is kept; apart from it, the pages are the same.
    assert.equal(inputValue(wrong.body, 'identifier'), who.identifier);
    assert.equal(inputValue(nobody.body, 'identifier'), unknown);
    assert.equal(stablePage(wrong.body).replace(who.identifier, 'X'), stablePage(nobody.body).replace(unknown, 'X'));
    const [failed] = await auditEventsFor(t.db, who.account.id, 'signin.failed');
    assert.deepEqual(failed?.details, { failures: 1 });
  });

  test('an enterprise user code is not an e-mail, and an e-mail does not find an enterprise user', async () => {
    const enterprise = await createTestAccount(t.db, 'enterprise');
    const client = t.client();
    // Enterprise users sign in with the user code only; their e-mail is a contact address.
    const byEmail = await tryPassword(client, enterprise.account.email!, enterprise.password);
    assert.equal(byEmail.statusCode, 401);
    assertHasText(byEmail.body, 'signin.invalid');
  });

  test('missing fields re-render the form with 400 and an error summary', async () => {
    const client = t.client();
    await client.get('/connexion');
    const response = await client.post('/connexion', { identifier: '  ', password: '' });
    assert.equal(response.statusCode, 400);
    assert.ok(response.body.includes('href="#identifier"'));
    assert.ok(response.body.includes('href="#password"'));
    assertHasText(response.body, 'signin.identifier.required');
    assertHasText(response.body, 'signin.password.required');
  });

  test('a session cookie from an earlier sign-in is replaced, not reused', async () => {
    const first = await createTestAccount(t.db, 'citizen');
    const second = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, first);
    const earlier = client.cookies.get(SESSION_COOKIE);
    assert.ok(earlier);
    await client.get('/compte');
    // Signing in again on the same browser (here as someone else) from the account page's token.
    const again = await client.post('/connexion', { identifier: second.identifier, password: second.password });
    assertRedirect(again, '/compte');
    const later = client.cookies.get(SESSION_COOKIE);
    assert.ok(later && later !== earlier);
    assert.equal(await sessionOfCookie(t.db, earlier), undefined);
    assert.equal(await sessionCount(t.db, first.account.id), 0);
    assert.equal((await sessionOfCookie(t.db, later))?.accountId, second.account.id);
    // Whoever kept the earlier cookie is signed out.
    const stale = t.client();
    stale.cookies.set(SESSION_COOKIE, earlier);
    assertRedirect(await stale.get('/compte'), '/connexion?retour=%2Fcompte');
  });

  test('the return path after sign-in stays on this site', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await client.get('/connexion?retour=%2Finscription');
    assertRedirect(await client.post('/connexion?retour=%2Finscription', { identifier: who.identifier, password: who.password }), '/inscription');
    for (const retour of ['https://ailleurs.example/', '//ailleurs.example/', '/\\ailleurs.example/', '/\t/ailleurs.example/']) {
      const other = t.client();
      await other.get('/connexion');
      const response = await other.post(`/connexion?retour=${encodeURIComponent(retour)}`, { identifier: who.identifier, password: who.password });
      assertRedirect(response, '/');
    }
  });
});

describe('lockout', () => {

  async function tenWrongPasswords(client: TestClient, identifier: string) {
    const responses = [];
    for (let i = 0; i < 10; i++) responses.push(await tryPassword(client, identifier, `Mauvais-mot-de-passe-${i}`));
    return responses;
  }

  test('ten wrong passwords: locked after the fifth, with the time to try again; the right password is refused meanwhile', async () => {
    const who = await createTestAccount(t.db, 'enterprise');
    const client = t.client();
    const responses = await tenWrongPasswords(client, who.identifier);
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [401, 401, 401, 401, 429, 429, 429, 429, 429, 429],
    );
    const throttle = await throttleOf(t, who.identifier);
    assert.equal(throttle?.failures, LOCK_AFTER_FAILURES);
    assert.ok(throttle?.lockedUntil && throttle.lockedUntil.getTime() > Date.now());
    const time = formatDateTime('fr', throttle.lockedUntil);
    for (const locked of responses.slice(4)) {
      assertHasText(locked.body, 'signin.locked', { time });
      assertLacksText(locked.body, 'signin.invalid');
    }
    const right = await tryPassword(client, who.identifier, who.password);
    assert.equal(right.statusCode, 429);
    assertHasText(right.body, 'signin.locked', { time });
    assert.equal(client.cookies.get(SESSION_COOKIE), undefined);
    assert.equal(await sessionCount(t.db, who.account.id), 0);

    const actions = await auditActionsFor(t.db, who.account.id);
    assert.equal(actions.filter((a) => a === 'signin.failed').length, 5);
    assert.equal(actions.filter((a) => a === 'account.locked').length, 1);
    assert.equal(actions.filter((a) => a === 'signin.refused-locked').length, 6);
    const [locked] = await auditEventsFor(t.db, who.account.id, 'account.locked');
    assert.equal(locked?.details.until, throttle.lockedUntil.toISOString());
  });

  test('the lock ends by itself; counting then starts again', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    for (let i = 0; i < 5; i++) await tryPassword(client, who.identifier, `Mauvais-mot-de-passe-${i}`);
    assert.equal((await tryPassword(client, who.identifier, who.password)).statusCode, 429);
    await t.db
      .update(loginThrottle)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(loginThrottle.identifierHash, passwordThrottleKey(who.identifier)));
    // One failure after the lock is the first of a new count, not a new lock.
    assert.equal((await tryPassword(client, who.identifier, 'Encore-un-mauvais')).statusCode, 401);
    assert.equal((await throttleOf(t, who.identifier))?.failures, 1);
    assertRedirect(await tryPassword(client, who.identifier, who.password), '/compte');
    // A success clears the count.
    assert.equal(await throttleOf(t, who.identifier), undefined);
  });

  test('failures are counted for unknown identifiers too, with the same lock', async () => {
    const unknown = `inconnu-${randomBytes(4).toString('hex')}@guichet.test`;
    const client = t.client();
    const before = await lastAuditId(t.db);
    const responses = await tenWrongPasswords(client, unknown);
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [401, 401, 401, 401, 429, 429, 429, 429, 429, 429],
    );
    const throttle = await throttleOf(t, unknown);
    assert.ok(throttle?.lockedUntil);
    assertHasText(responses[9]!.body, 'signin.locked', { time: formatDateTime('fr', throttle.lockedUntil) });
    const events = await auditEventsSince(t.db, before);
    const locks = events.filter((e) => e.action === 'account.locked');
    assert.equal(locks.length, 1);
    assert.equal(locks[0]?.subjectId, null);
  });

  test('a locked identifier does not lock another account', async () => {
    const locked = await createTestAccount(t.db, 'citizen');
    const other = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    for (let i = 0; i < 5; i++) await tryPassword(client, locked.identifier, `Mauvais-mot-de-passe-${i}`);
    assertRedirect(await tryPassword(t.client(), other.identifier, other.password), '/compte');
  });
});

describe('sessions', () => {

  test('a tampered session cookie is treated as signed out and cleared', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, who);
    const real = client.cookies.get(SESSION_COOKIE)!;
    for (const forged of [randomBytes(32).toString('base64url'), `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`]) {
      const visitor = t.client();
      visitor.cookies.set(SESSION_COOKIE, forged);
      const response = await visitor.get('/compte');
      assertRedirect(response, '/connexion?retour=%2Fcompte');
      assert.ok(clearsSessionCookie(response));
      assert.equal(visitor.cookies.get(SESSION_COOKIE), undefined);
    }
    // The real session is untouched.
    assert.equal((await client.get('/compte')).statusCode, 200);
  });

  test('an idle session (31 minutes) is signed out; 29 minutes is not idle', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, who);
    const idHash = (await sessionOfCookie(t.db, client.cookies.get(SESSION_COOKIE)))!.idHash;
    await t.db.update(session).set({ lastSeenAt: sql`now() - interval '29 minutes'` }).where(eq(session.idHash, idHash));
    assert.equal((await client.get('/compte')).statusCode, 200);
    // Activity moves the idle deadline.
    const seen = await sessionOfCookie(t.db, client.cookies.get(SESSION_COOKIE));
    assert.ok(seen && Date.now() - seen.lastSeenAt.getTime() < 5 * 60_000);
    await t.db.update(session).set({ lastSeenAt: sql`now() - interval '31 minutes'` }).where(eq(session.idHash, idHash));
    const response = await client.get('/compte');
    assertRedirect(response, '/connexion?retour=%2Fcompte');
    assert.ok(clearsSessionCookie(response));
    assert.equal(await sessionCount(t.db, who.account.id), 0);
  });

  test('a session past its absolute lifetime is signed out', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, who);
    const row = (await sessionOfCookie(t.db, client.cookies.get(SESSION_COOKIE)))!;
    assert.equal(row.expiresAt.getTime() - row.createdAt.getTime(), 12 * 3600_000);
    await t.db.update(session).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(session.idHash, row.idHash));
    const response = await client.get('/compte');
    assertRedirect(response, '/connexion?retour=%2Fcompte');
    assert.ok(clearsSessionCookie(response));
    assert.equal(await sessionCount(t.db, who.account.id), 0);
  });

  test('the session cookie is HttpOnly and SameSite=Lax', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    const response = await signInAs(client, who);
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
  });

  test('POST /deconnexion ends the session', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, who);
    const token = client.cookies.get(SESSION_COOKIE);
    await client.get('/compte');
    const response = await client.post('/deconnexion', {});
    assertRedirect(response, '/');
    assert.ok(clearsSessionCookie(response));
    assert.equal(await sessionOfCookie(t.db, token), undefined);
    assert.ok((await auditActionsFor(t.db, who.account.id)).includes('signout'));
    // The old cookie, replayed, opens nothing.
    const replay = t.client();
    replay.cookies.set(SESSION_COOKIE, token!);
    assertRedirect(await replay.get('/compte'), '/connexion?retour=%2Fcompte');
  });

  test('POST /deconnexion/partout ends every session of the account, and only of that account', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const bystander = await createTestAccount(t.db, 'citizen');
    const here = t.client();
    const there = t.client();
    const elsewhere = t.client();
    await signInAs(here, who);
    await signInAs(there, who);
    await signInAs(elsewhere, bystander);
    assert.equal(await sessionCount(t.db, who.account.id), 2);
    const page = await here.get('/compte');
    assert.ok(page.body.includes('action="/deconnexion/partout"'));
    const response = await here.post('/deconnexion/partout', {});
    assertRedirect(response, '/connexion');
    assert.ok(clearsSessionCookie(response));
    assert.equal(await sessionCount(t.db, who.account.id), 0);
    assertRedirect(await there.get('/compte'), '/connexion?retour=%2Fcompte');
    assert.equal((await elsewhere.get('/compte')).statusCode, 200);
    const [event] = await auditEventsFor(t.db, who.account.id, 'signout.everywhere');
    assert.deepEqual(event?.details, { sessions: 2 });
  });

  test('closing every session needs a signed-in visitor', async () => {
    const client = t.client();
    await client.get('/connexion');
    assertRedirect(await client.post('/deconnexion/partout', {}), '/connexion?retour=%2Fdeconnexion%2Fpartout');
  });
});

describe('CSRF', () => {
  let who: TestAccount;
  before(async () => {
    who = await createTestAccount(t.db, 'citizen');
  });

  test('a form posted without the token, with a wrong one, or without the seed cookie gets the 403 page', async () => {
    const client = t.client();
    await client.get('/connexion');
    const seeded = client.csrf();
    const missing = await client.post('/connexion', { identifier: who.identifier, password: who.password }, { csrf: null });
    const wrong = await client.post('/connexion', { identifier: who.identifier, password: who.password }, { csrf: 'a'.repeat(64) });
    const stranger = t.client();
    const noSeed = await stranger.post('/connexion', { identifier: who.identifier, password: who.password }, { csrf: seeded });
    for (const response of [missing, wrong, noSeed]) {
      assert.equal(response.statusCode, 403);
      assert.match(String(response.headers['content-type']), /text\/html/);
      assertHasText(response.body, 'error.csrf');
      assert.equal(response.headers.location, undefined);
    }
    assert.equal(client.cookies.get(SESSION_COOKIE), undefined);
    assert.equal(await sessionCount(t.db, who.account.id), 0);
    // A refused form does not count as a failed sign-in.
    assert.equal(await throttleOf(t, who.identifier), undefined);
  });

  test('the token from before sign-in no longer works once signed in', async () => {
    const client = t.client();
    await client.get('/connexion');
    const anonymousToken = client.csrf();
    assertRedirect(await client.post('/connexion', { identifier: who.identifier, password: who.password }), '/compte');
    const refused = await client.post('/deconnexion', {}, { csrf: anonymousToken });
    assert.equal(refused.statusCode, 403);
    assertHasText(refused.body, 'error.csrf');
    assert.equal((await client.get('/compte')).statusCode, 200);
    const signedInToken = client.csrf();
    assert.notEqual(signedInToken, anonymousToken);
    // Another visitor's token does not work for this session either.
    const other = t.client();
    await other.get('/connexion');
    assert.equal((await client.post('/deconnexion', {}, { csrf: other.csrf() })).statusCode, 403);
    assertRedirect(await client.post('/deconnexion', {}, { csrf: signedInToken }), '/');
  });
});

describe('rate limit per IP address', () => {
  let limited: TestApp;
  before(async () => {
    limited = await buildTestApp({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  after(async () => limited.close());

  test('past the limit, sign-in posts from one address get a 429 page, whatever the identifier', async () => {
    const client = limited.client();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await tryPassword(client, `inconnu-${i}@guichet.test`, 'mauvais')).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const last = await tryPassword(client, 'autre@guichet.test', 'mauvais');
    assert.match(String(last.headers['content-type']), /text\/html/);
    assertHasText(last.body, 'error.tooMany');
    // Reading the page is not limited.
    assert.equal((await client.get('/connexion')).statusCode, 200);
  });
});
