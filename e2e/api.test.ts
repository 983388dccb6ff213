import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { publishedProvider } from '../src/modules/portal/test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, navigating, startE2E, submitPassword, submitTotp, visit, type E2E } from './support.js';

/**
 * Issue 8, item 7, in the browser: the RSE registers its management software's client (an error
 * first), sees the secret once, the software gets a token with it and reads; the documentation
 * page; the RSE revokes the client after a confirmation, and the token stops working. Every page
 * is scanned with axe.
 */
describe('an RSE registers a management software and revokes it', () => {
  let env: E2E;
  before(async () => {
    env = await startE2E();
  });
  after(async () => env?.close());

  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  async function token(clientId: string, secret: string): Promise<Response> {
    return fetch(`${env.baseUrl}/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
  }

  test('registers a client, sees its secret once, the software reads with it; the documentation; revoked after a confirmation', async () => {
    const cpe = await publishedProvider(env.t.db, 'cpe');
    const page = await env.newPage();
    try {
      await submitPassword(page, cpe.rse);
      await submitTotp(page, cpe.rse);
      await visit(page, '/entreprise');
      await go(page, () => page.getByRole('link', { name: fr('api.clients.title'), exact: true }).click());
      await go(page, () => button(page, 'api.clients.register.submit').click());
      assert.ok((await page.locator('#error-summary li').count()) >= 1, 'the missing name and scopes are said');
      await field(page, 'api.clients.name').fill('Logiciel de gestion Soleil');
      await page.getByRole('checkbox', { name: /\(reserve:read\)$/ }).check();
      await go(page, () => button(page, 'api.clients.register.submit').click());
      assertIncludes(await page.locator('main').innerText(), fr('api.clients.secret.once'));
      const [clientId, secret] = await page.locator('main dd code').allInnerTexts();
      assert.ok(clientId && secret);

      const issued = await token(clientId, secret);
      assert.equal(issued.status, 200);
      const { access_token: accessToken } = (await issued.json()) as { access_token: string };
      const sites = await fetch(`${env.baseUrl}/api/v1/sites`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(sites.status, 200);
      assertIncludes(await sites.text(), cpe.siteId);

      // The list shows the client, never its secret again.
      await visit(page, '/entreprise/api');
      const list = await page.locator('main').innerText();
      assertIncludes(list, 'Logiciel de gestion Soleil');
      assert.ok(!list.includes(secret), 'the secret is shown once');

      await go(page, () => page.getByRole('link', { name: fr('api.clients.docsLink'), exact: true }).click());
      assertIncludes(await page.locator('main').innerText(), '/oauth/token');

      await visit(page, '/entreprise/api');
      await go(page, () => page.getByRole('link', { name: fr('api.clients.revoke'), exact: true }).click());
      assertIncludes(await page.locator('main').innerText(), fr('api.clients.revoke.confirm', { name: 'Logiciel de gestion Soleil' }));
      await go(page, () => button(page, 'api.clients.revoke').click());
      const refused = await fetch(`${env.baseUrl}/api/v1/sites`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(refused.status, 401, 'a revoked client’s token stops working');
      assert.equal((await token(clientId, secret)).status, 401, 'and it gets no other');
    } finally {
      await page.context().close();
    }
  });
});
