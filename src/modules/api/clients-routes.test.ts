import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { translate, type MessageKey } from '../../platform/i18n/index.js';
import { createTestAccount, signedInClient } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { addTestMember, createTestEnterprise } from '../enterprises/members-test-support.js';
import { clientRoutes } from './routes-clients.js';
import { apiClient } from './schema.js';
import { requestToken } from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

const shown = (body: string, key: MessageKey, params?: Record<string, string | number>) => {
  const text = translate('fr', key, params);
  return body.includes(text) || body.includes(text.replace(/’/g, '&#x27;')) || body.includes(text.replace(/"/g, '&quot;'));
};


describe('the RSE’s page of management software', () => {
  test('registers a client, shows its secret once, which gets a token, and revokes it', async () => {
    const e = await createTestEnterprise(t.db);
    const rse = await signedInClient(t, e.rse);
    assert.ok((await rse.get('/entreprise')).body.includes('href="/entreprise/api"'), 'the workspace links to it');
    const list = await rse.get('/entreprise/api');
    assert.equal(list.statusCode, 200);
    assert.ok(shown(list.body, 'api.clients.none'));
    assert.ok(!/<script[^>]*>[^<]/.test(list.body), 'no inline script');

    const missing = await rse.post('/entreprise/api', { name: 'ACCÉO' });
    assert.equal(missing.statusCode, 400);
    assert.ok(shown(missing.body, 'api.clients.scopes.required') && missing.body.includes('value="ACCÉO"'));
    assert.equal((await rse.post('/entreprise/api', { name: 'ACCÉO', scopes: 'everything' })).statusCode, 400, 'a scope no box offers');

    await rse.get('/entreprise/api');
    const body = new URLSearchParams([['name', 'ACCÉO'], ['scopes', 'reserve:read'], ['scopes', 'admissions:read'], ['_csrf', rse.csrf()]]).toString();
    const registered = await t.app.inject({ method: 'POST', url: '/entreprise/api', headers: { cookie: [...rse.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    assert.equal(registered.statusCode, 200, registered.body);
    const clientId = /<code>([0-9a-f-]{36})<\/code>/.exec(registered.body)?.[1];
    const clientSecret = /<code>([A-Za-z0-9_-]{43})<\/code>/.exec(registered.body)?.[1];
    assert.ok(clientId && clientSecret);
    const [row] = await t.db.select().from(apiClient).where(eq(apiClient.id, clientId));
    assert.deepEqual(row?.scopes, ['reserve:read', 'admissions:read']);
    assert.ok(row && !row.secretHash.includes(clientSecret), 'only a hash is kept');
    const again = await rse.get('/entreprise/api');
    assert.ok(again.body.includes(clientId) && !again.body.includes(clientSecret), 'the secret is shown once');
    assert.equal((await requestToken(t, { clientId, clientSecret })).statusCode, 200);
    assert.equal((await rse.get('/api/v1/sites')).statusCode, 401, 'a session cookie does not authenticate an API call');

    assert.equal((await rse.get(`/entreprise/api/${clientId}/revoquer`)).statusCode, 200);
    const revoked = await rse.post(`/entreprise/api/${clientId}/revoquer`, {});
    assert.equal(revoked.statusCode, 303);
    assert.ok(shown((await rse.follow(revoked)).body, 'api.clients.revoked'));
    assert.equal((await requestToken(t, { clientId, clientSecret })).statusCode, 401);
    await rse.get('/entreprise/api');
    assert.equal((await rse.post(`/entreprise/api/${clientId}/revoquer`, {})).statusCode, 409);
    const events = await t.db.select().from(auditEvent).where(eq(auditEvent.subjectId, clientId));
    assert.deepEqual(events.map((ev) => ev.action).sort(), ['api.client.registered', 'api.client.revoked', 'api.token.issued']);
  });

  test('only the enterprise’s RSE reaches the pages', async () => {
    const e = await createTestEnterprise(t.db);
    const other = await createTestEnterprise(t.db);
    const rse = await signedInClient(t, e.rse);
    await rse.get('/entreprise/api');
    await rse.post('/entreprise/api', { name: 'Enfantin', scopes: 'reserve:read' });
    const [client] = await t.db.select().from(apiClient).where(eq(apiClient.enterpriseId, e.enterpriseId));
    assert.ok(client);

    const anonymous = await t.client().get('/entreprise/api');
    assert.equal(anonymous.statusCode, 303);
    assert.match(String(anonymous.headers.location), /^\/connexion/);
    const citizen = await signedInClient(t, await createTestAccount(t.db, 'citizen'));
    const user = await signedInClient(t, await addTestMember(t.db, e));
    const otherRse = await signedInClient(t, other.rse);
    for (const [who, c] of [['citizen', citizen], ['a user who is not the RSE', user]] as const) {
      assert.equal((await c.get('/entreprise/api')).statusCode, 403, who);
    }
    assert.equal((await user.get(`/entreprise/api/${client.id}/revoquer`)).statusCode, 403);
    assert.equal((await otherRse.get(`/entreprise/api/${client.id}/revoquer`)).statusCode, 403, 'another enterprise’s client');
    await otherRse.get('/entreprise/api');
    assert.equal((await otherRse.post(`/entreprise/api/${client.id}/revoquer`, {})).statusCode, 403);
    const [still] = await t.db.select().from(apiClient).where(eq(apiClient.id, client.id));
    assert.equal(still?.revokedAt, null);
  });

  test('the routes are the ones listed, and the documentation page has no script', async () => {
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/entreprise/api'))), new Set(clientRoutes));
    for (const lang of ['fr', 'en'] as const) {
      const docs = await t.app.inject({ method: 'GET', url: '/api/v1/docs', headers: { cookie: `guichet_langue=${lang}` } });
      assert.equal(docs.statusCode, 200);
      assert.ok(docs.body.includes(translate(lang, 'api.docs.title')));
      assert.ok(!/<script[^>]*>[^<]/.test(docs.body) && !/ on\w+=/.test(docs.body), 'no inline script');
    }
  });
});
