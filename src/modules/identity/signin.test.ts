import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { createTestAccount, signInAs } from '../../platform/testing/accounts.js';
import { currentTotp } from './totp.js';

describe('sign-in', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  test('an enterprise user signs in with password then TOTP, and gets a new session id at each step', async () => {
    const who = await createTestAccount(t.db, 'enterprise');
    const client = t.client();
    await client.get('/connexion');
    const first = await client.post('/connexion', { identifier: who.identifier, password: who.password });
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, '/connexion/mfa');
    const halfway = client.cookies.get('guichet_session');
    assert.ok(halfway);
    // Half signed in: the account page is not reachable yet.
    const blocked = await client.get('/compte');
    assert.equal(blocked.headers.location, '/connexion/mfa');
    await client.get('/connexion/mfa');
    const second = await client.post('/connexion/mfa', { code: currentTotp(who.totpSecret!) });
    assert.equal(second.statusCode, 303);
    const full = client.cookies.get('guichet_session');
    assert.ok(full && full !== halfway);
    const account = await client.get('/compte');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, new RegExp(who.account.userCode!));
  });

  test('a citizen without MFA is signed in after the password', async () => {
    const who = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    const response = await signInAs(client, who);
    assert.equal(response.headers.location, '/compte');
  });
});
