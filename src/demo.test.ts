import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { loadDemoDataIfEmpty } from './demo.js';
import { signInAs, type TestAccount } from './platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from './platform/testing/app.js';
import { DEMO_PASSWORD } from './modules/identity/demo.js';
import { account } from './modules/identity/schema.js';
import { DEMO_DEFERRED_RQ_ID } from './modules/enterprises/demo.js';
import { enrolment, enrolmentDocument, registryEnterprise } from './modules/enterprises/schema.js';
import { storedFile } from './platform/files/schema.js';
import { demoTotpSecret } from './modules/identity/totp.js';
import { installation } from './modules/childcare/schema.js';
import { demoTowns } from './modules/childcare/demo-map.js';

/** The demo data set as a person trying `npm start` meets it: every page has something to show. */
let t: TestApp;
/** Signed in once each: a TOTP code is accepted once. */
let cpe: TestClient;
let agent: TestClient;
before(async () => {
  t = await buildTestApp();
  assert.ok(await loadDemoDataIfEmpty(t.db, t.config, t.app.files));
  cpe = t.client();
  assert.equal((await signInAs(cpe, await demoLogin('CPE0001'))).statusCode, 303);
  agent = t.client();
  assert.equal((await signInAs(agent, await demoLogin('agente@guichet.test'))).statusCode, 303);
});
after(async () => t?.close());

async function demoLogin(identifier: string): Promise<TestAccount> {
  const [row] = await t.db.select().from(account).where(identifier.includes('@') ? eq(account.email, identifier) : eq(account.userCode, identifier));
  assert.ok(row, identifier);
  return { account: row, identifier, password: DEMO_PASSWORD, totpSecret: demoTotpSecret(identifier) };
}

describe('demo data', () => {
  test('CPE0001 manages CPE Soleil’s sheets: two published, one adhered but not published', async () => {
    const page = await cpe.get('/entreprise/fiches');
    assert.equal(page.statusCode, 200);
    assert.equal((page.body.match(/Publiée le/g) ?? []).length, 2, page.body);
    assert.ok(page.body.includes('Non publiée'));
  });

  test('a second load does nothing', async () => {
    assert.equal(await loadDemoDataIfEmpty(t.db, t.config, t.app.files), null);
  });

  test('CPE0001 is the RSE of CPE Soleil: enrolled, active in the Famille e-services, with a user and rights', async () => {
    const client = cpe;
    const workspace = await client.get('/entreprise');
    assert.equal(workspace.statusCode, 200);
    assert.ok(workspace.body.includes('Centre de la petite enfance Soleil'), workspace.body);
    for (const link of ['/entreprise/services-en-ligne', '/entreprise/utilisateurs', '/entreprise/mes']) assert.ok(workspace.body.includes(`href="${link}"`), link);

    const users = await client.get('/entreprise/utilisateurs');
    assert.equal(users.statusCode, 200);
    assert.ok(users.body.includes('Julien Caron'));
    const eservices = await client.get('/entreprise/services-en-ligne');
    assert.equal(eservices.statusCode, 200);
    // Famille: Actif (the CPE's permit number); MAMH: En traitement.
    assert.ok(eservices.body.includes('data-state="active"'), eservices.body);
    assert.ok(eservices.body.includes('data-state="processing"'), eservices.body);
    // The matrix shows one e-service at a time: its boxes checked, over both Famille e-services.
    let checked = 0;
    for (const service of ['mes', 'portal']) {
      const rights = await client.get(`/entreprise/droits?service=${service}`);
      assert.equal(rights.statusCode, 200);
      checked += (rights.body.match(/<input[^>]*type="checkbox"[^>]*checked/g) ?? []).length;
    }
    assert.equal(checked, 6, 'four rights for the RSE, two for the user');
  });

  test('the demo family of parent@guichet.test has a child in the réserve of CPE Soleil’s Rosemont installation, which CPE0001 sees; a message and an agreement', async () => {
    const parent = t.client();
    assert.equal((await signInAs(parent, await demoLogin('parent@guichet.test'))).statusCode, 303);
    const family = await parent.get('/famille');
    assert.equal(family.statusCode, 200);
    assert.ok(family.body.includes('Chloé Démo') && family.body.includes('Entre le 1er et le 5e'), 'the choice with its rank');
    const reserves = await cpe.get('/entreprise/reserves');
    const links = [...reserves.body.matchAll(/href="(\/entreprise\/reserves\/[0-9a-f-]{36})"/g)].map((m) => m[1] ?? '');
    assert.equal(links.length, 3, 'one réserve per installation of CPE Soleil');
    const shown = await Promise.all(links.map(async (link) => (await cpe.get(link)).body.includes('Chloé Démo')));
    assert.deepEqual(shown.filter(Boolean).length, 1, 'in one réserve only');
    // Rosemont publishes priority criteria: Chloé (territory) comes before Félix (none), whose date is earlier.
    const rosemont = (await Promise.all(links.map((link) => cpe.get(link)))).map((r) => r.body).find((body) => body.includes('Chloé Démo')) ?? '';
    assert.ok(rosemont.includes('Critères publiés'), 'the réserve lists its published criteria');
    assert.ok(rosemont.indexOf('Chloé Démo') < rosemont.indexOf('Félix Démo') && rosemont.includes('Félix Démo'), 'the réserve follows the criteria first');
    // The CPE wrote to Félix's parent; Léa is admitted with her service agreement.
    assert.ok(family.body.includes('Messagerie (1 non lu(s))'), 'the unread message');
    assert.ok((await parent.get('/messages')).body.includes('Une place pour Félix'));
    assert.ok(family.body.includes('Entente active depuis'), 'the agreement in the parent’s space');
    assert.ok((await cpe.get('/entreprise/ententes')).body.includes('Léa Démo'), 'the CPE’s list of agreements');
  });

  test('an agent finds a deferred enrolment under verification and an e-service enrolment in processing', async () => {
    const client = agent;
    const enrolments = await client.get('/agent/inscriptions');
    assert.equal(enrolments.statusCode, 200);
    assert.ok(enrolments.body.includes('Bureau coordonnateur Les Moussaillons'), enrolments.body);
    const eservices = await client.get('/agent/services-en-ligne');
    assert.equal(eservices.statusCode, 200);
    assert.ok(eservices.body.includes('Centre de la petite enfance Soleil'), eservices.body);
    assert.ok(eservices.body.includes('MAMH48213'), 'the MAMH number, normalized');
  });

  test('the file under verification has its board resolution and signed forms, their bodies in the store', async () => {
    const [file] = await t.db
      .select({ id: enrolment.id, state: enrolment.state })
      .from(enrolment)
      .innerJoin(registryEnterprise, eq(registryEnterprise.id, enrolment.enterpriseId))
      .where(eq(registryEnterprise.rqId, DEMO_DEFERRED_RQ_ID));
    assert.ok(file, 'the deferred demo enrolment');
    assert.equal(file.state, 'under_verification');
    const documents = await t.db
      .select({ kind: enrolmentDocument.kind, storageKey: storedFile.storageKey, size: storedFile.size, sha256: storedFile.sha256 })
      .from(enrolmentDocument)
      .innerJoin(storedFile, eq(storedFile.id, enrolmentDocument.storedFileId))
      .where(eq(enrolmentDocument.enrolmentId, file.id));
    assert.deepEqual(documents.map((d) => d.kind).sort(), ['board_resolution', 'signed_forms']);
    for (const document of documents) {
      const body = await buffer(t.app.files.get(document.storageKey));
      assert.equal(body.length, document.size);
      assert.equal(createHash('sha256').update(body).digest('hex'), document.sha256);
      assert.ok((await PDFDocument.load(body)).getTitle()?.includes('démonstration'), document.kind);
    }
  });

  test('CPE Soleil has MES requests in every list, and each agent sees its own directorate’s', async () => {
    const provider = cpe;
    const lists: [string, RegExp][] = [
      ['en-cours', /Transmis[\s\S]*Commentaires|Commentaires[\s\S]*Transmis/],
      ['brouillons', /\d{4}-12-\d{3}/],
      ['conformes', /\d{4}-11-\d{3}/],
      ['terminees', /\d{4}-11-\d{3}/],
    ];
    for (const [list, expected] of lists) {
      const page = await provider.get(`/entreprise/mes/listes/${list}`);
      assert.equal(page.statusCode, 200, list);
      assert.match(page.body, expected, list);
    }
    const quebec = agent;
    const montreal = t.client();
    await signInAs(montreal, await demoLogin('agent.montreal@guichet.test'));
    const quebecQueue = await quebec.get('/agent/mes');
    const montrealQueue = await montreal.get('/agent/mes');
    assert.match(quebecQueue.body, /\d{4}-11-\d{3}/);
    assert.doesNotMatch(quebecQueue.body, /\d{4}-12-\d{3}/);
    assert.match(montrealQueue.body, /\d{4}-12-\d{3}/);
    assert.doesNotMatch(montrealQueue.body, /\d{4}-11-\d{3}/);
  });

  test('the map: every public answer over the demo data — pages, JSON, every service page — holds no RSGE’s exact address or position', async () => {
    const homes = await t.db.select().from(installation).where(eq(installation.kind, 'home_provider'));
    assert.ok(homes.length >= 80);
    // A coordinate is looked for as a whole number (-71.86 must not match inside a grid point -71.865),
    // and a position as its two coordinates in one answer: one of them alone can be a town's or a CPE's.
    const whole = (n: number | null) => new RegExp(`(?<![0-9.])${String(n).replace(/[.-]/g, '\\$&')}(?![0-9])`);
    const leaks = homes.map((h) => {
      const latitude = whole(h.latitude);
      const longitude = whole(h.longitude);
      return (body: string) => body.includes(h.address) || body.includes(h.postalCode) || (latitude.test(body) && longitude.test(body));
    });
    const visitor = t.client();
    const bodies: string[] = [];
    let published = 0;
    for (const town of demoTowns) {
      for (let page = 1; ; page++) {
        const query = `lieu=${encodeURIComponent(town.fsa)}&rayon=50&page=${page}`;
        const html = await visitor.get(`/carte?${query}`);
        const json = await visitor.get(`/carte.json?${query}`);
        assert.equal(html.statusCode, 200, town.fsa);
        assert.equal(json.statusCode, 200, town.fsa);
        bodies.push(html.body, json.body);
        if (page >= json.json().pageCount) break;
      }
    }
    for (const site of await t.db.select({ id: installation.id }).from(installation)) {
      const page = await visitor.get(`/services/${site.id}`);
      if (page.statusCode === 200) published++;
      bodies.push(page.body);
    }
    assert.ok(published >= 120, `${published} published sheets in the demo`);
    for (const body of bodies) homes.forEach((home, i) => assert.ok(!leaks[i]?.(body), `${home.number} in a public answer`));
  });
});
