import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { loadDemoDataIfEmpty } from './demo.js';
import { signInAs, type TestAccount } from './platform/testing/accounts.js';
import { buildTestApp, type TestApp } from './platform/testing/app.js';
import { DEMO_PASSWORD } from './modules/identity/demo.js';
import { account } from './modules/identity/schema.js';
import { demoTotpSecret } from './modules/identity/totp.js';

/** The demo data set as a person trying `npm start` meets it: every page has something to show. */
let t: TestApp;
before(async () => {
  t = await buildTestApp();
  assert.ok(await loadDemoDataIfEmpty(t.db, t.config));
});
after(async () => t?.close());

async function demoLogin(identifier: string): Promise<TestAccount> {
  const [row] = await t.db.select().from(account).where(identifier.includes('@') ? eq(account.email, identifier) : eq(account.userCode, identifier));
  assert.ok(row, identifier);
  return { account: row, identifier, password: DEMO_PASSWORD, totpSecret: demoTotpSecret(identifier) };
}

describe('demo data', () => {
  test('a second load does nothing', async () => {
    assert.equal(await loadDemoDataIfEmpty(t.db, t.config), null);
  });

  test('CPE0001 is the RSE of CPE Soleil: enrolled, active in the Famille e-services, with a user and rights', async () => {
    const client = t.client();
    const signedIn = await signInAs(client, await demoLogin('CPE0001'));
    assert.equal(signedIn.statusCode, 303);
    const workspace = await client.get('/entreprise');
    assert.equal(workspace.statusCode, 200);
    assert.ok(workspace.body.includes('Centre de la petite enfance Soleil'), workspace.body);
    for (const link of ['/entreprise/services-en-ligne', '/entreprise/utilisateurs']) assert.ok(workspace.body.includes(`href="${link}"`), link);

    const users = await client.get('/entreprise/utilisateurs');
    assert.equal(users.statusCode, 200);
    assert.ok(users.body.includes('Julien Caron'));
    const eservices = await client.get('/entreprise/services-en-ligne');
    assert.equal(eservices.statusCode, 200);
    // Famille: Actif (the CPE's permit number); MAMH: En traitement.
    assert.ok(eservices.body.includes('data-state="active"'), eservices.body);
    assert.ok(eservices.body.includes('data-state="processing"'), eservices.body);
    const rights = await client.get('/entreprise/droits');
    assert.equal(rights.statusCode, 200);
    assert.equal((rights.body.match(/<input[^>]*type="checkbox"[^>]*checked/g) ?? []).length, 5, 'three rights for the RSE, two for the user');
  });

  test('an agent finds a deferred enrolment under verification and an e-service enrolment in processing', async () => {
    const client = t.client();
    await signInAs(client, await demoLogin('agente@guichet.test'));
    const enrolments = await client.get('/agent/inscriptions');
    assert.equal(enrolments.statusCode, 200);
    assert.ok(enrolments.body.includes('Bureau coordonnateur Les Moussaillons'), enrolments.body);
    const eservices = await client.get('/agent/services-en-ligne');
    assert.equal(eservices.statusCode, 200);
    assert.ok(eservices.body.includes('Centre de la petite enfance Soleil'), eservices.body);
    assert.ok(eservices.body.includes('MAMH48213'), 'the MAMH number, normalized');
  });
});
