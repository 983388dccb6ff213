import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { createTestAccount, signedInClient } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { referenceYearOf, todayInQuebec, workingDaysOf } from '../childcare/dates.js';
import { request, requestDocument } from '../requests/schema.js';
import { storedFile } from '../../platform/files/schema.js';
import { loadRequest } from '../requests/service.js';
import { mesProgram } from './program.js';
import { mesRoutes } from './routes.js';
import { createMesRequest } from './service.js';
import { createChild, createMesEnterprise, enterpriseCtx, mesUser, samplePdf, type MesEnterprise } from './test-support.js';

let t: TestApp;
let e: MesEnterprise;
const year = referenceYearOf(todayInQuebec());

before(async () => {
  t = await buildTestApp();
  e = await createMesEnterprise(t.db);
});
after(async () => t?.close());


/** A draft of enterprise e by a new user, with an integration plan sent through the page; `owner` is the writer signed in. */
async function draftWithPlan(name: string, childLastName: string, pdf: Buffer) {
  const writer = await mesUser(t.db, e, ['sign'], name);
  const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName: childLastName });
  const { requestId: id } = await createMesRequest(t.db, enterpriseCtx(writer), e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
  const owner = await signedInClient(t, writer);
  await owner.get(`/entreprise/mes/demandes/${id}/modifier?etape=documents`);
  assert.equal((await owner.postMultipart(`/entreprise/mes/demandes/${id}/documents`, { documentType: 'integration_plan' }, { name: 'file', filename: 'plan.pdf', content: pdf })).statusCode, 303);
  const [doc] = (await loadRequest(t.db, enterpriseCtx(writer), mesProgram, id)).documents;
  assert.ok(doc);
  return { writer, child, id, owner, doc };
}

/** The version a field was loaded with, from its hidden input. */
function versionOf(html: string, fieldId: string): string {
  const match = new RegExp(`name="version:${fieldId.replace('.', '\\.')}" value="(\\d+)"`).exec(html);
  assert.ok(match?.[1], `version of ${fieldId}`);
  return match[1];
}

function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]+)"`).exec(html);
  assert.ok(match?.[1], name);
  return match[1];
}

const validFields: Record<string, string> = {
  'support.hoursPerDay': '4,5',
  'support.daysPerWeek': '5',
  'support.plannedDays': '200',
  'support.startDate': `${year}-09-02`,
  'needs.description': 'Besoin d’un accompagnement constant lors des transitions et des repas.',
  'support.description': 'Une éducatrice accompagnatrice, des pictogrammes et un coin calme.',
  'professional.name': 'Dre Anne Roy',
  'professional.title': 'Pédiatre',
  'contact.name': 'Julie Tremblay',
  'contact.phone': '418 555-1234',
};

function stepBody(html: string, fields: Record<string, string>, go: 'next' | 'save'): Record<string, string> {
  const body: Record<string, string> = { etape: 'support', aller: go };
  for (const [id, value] of Object.entries(fields)) {
    body[id] = value;
    body[`version:${id}`] = versionOf(html, id);
  }
  return body;
}

describe('the provider’s flow through the pages', () => {
  test('search, create, fill (with errors kept), autosave, upload, sign, transmit', async () => {
    const signer = await mesUser(t.db, e, ['sign'], 'Directrice');
    const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName: 'Parcours', firstName: 'Maëlle' });
    const client = await signedInClient(t, signer);

    const home = await client.get('/entreprise/mes');
    assert.equal(home.statusCode, 200);
    assert.ok(home.body.includes('Créer une demande') && home.body.includes('Demandes brouillons'));
    assert.ok(home.body.includes('src="/static/mes-autosave.js"') && !/<script>/.test(home.body), 'script from a file only');

    // Step 1: search by NIREC (posted: the number stays out of the address).
    await client.get('/entreprise/mes/creer');
    const found = await client.post('/entreprise/mes/creer', { nirec: child.nirec, necsg: '', lastName: '', firstName: '', birthDate: '' });
    assert.equal(found.statusCode, 200);
    assert.ok(found.body.includes('Maëlle Parcours'));
    assert.ok(found.body.includes(`/entreprise/mes/creer/${child.id}`));
    const badSearch = await client.post('/entreprise/mes/creer', { nirec: '12AB', necsg: '', lastName: '', firstName: '', birthDate: '' });
    assert.equal(badSearch.statusCode, 400);
    assert.ok(badSearch.body.includes('id="error-summary"') && badSearch.body.includes('value="12AB"'), 'error summary, value kept');

    // Step 2: the type proposed for a child never funded here.
    const choice = await client.get(`/entreprise/mes/creer/${child.id}`);
    assert.equal(choice.statusCode, 200);
    assert.ok(/value="new"[^>]*checked/.test(choice.body), 'Nouvelle proposed');
    const creationKey = hiddenValue(choice.body, 'creationKey');
    const created = await client.post(`/entreprise/mes/creer/${child.id}`, { installation: e.siteIds[0] ?? '', type: 'new', creationKey });
    assert.equal(created.statusCode, 303);
    const location = String(created.headers.location);
    const id = /demandes\/([0-9a-f-]{36})\/modifier\?etape=support/.exec(location)?.[1] ?? '';
    assert.ok(id, location);
    // The same form posted twice: the same request.
    const again = await client.post(`/entreprise/mes/creer/${child.id}`, { installation: e.siteIds[0] ?? '', type: 'new', creationKey }, { csrf: hiddenValue(choice.body, '_csrf') });
    assert.equal(again.headers.location, location);

    // Step 3: mandatory fields and out-of-range values block the next step; what was typed stays.
    const form = await client.get(location);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes('Service de garde :') && form.body.includes('Marie Gagnon'), 'service line, parent read-only');
    const blocked = await client.post(`/entreprise/mes/demandes/${id}/champs`, stepBody(form.body, { 'support.hoursPerDay': '10.5', 'support.daysPerWeek': '8', 'support.plannedDays': String(workingDaysOf(year) + 1), 'support.startDate': '2025-02-30' }, 'next'));
    assert.equal(blocked.statusCode, 400);
    for (const kept of ['value="10.5"', 'value="8"', `value="${workingDaysOf(year) + 1}"`, 'value="2025-02-30"']) assert.ok(blocked.body.includes(kept), kept);
    assert.ok(blocked.body.includes('id="error-summary"'));
    assert.ok(blocked.body.includes('égal ou inférieur à 10'), 'the bound in the message');
    assert.ok(blocked.body.includes('obligatoire pour passer à l’étape suivante'), 'required fields listed');
    assert.ok(!blocked.body.includes('{max}'));

    const next = await client.post(`/entreprise/mes/demandes/${id}/champs`, stepBody(blocked.body, validFields, 'next'));
    assert.equal(next.statusCode, 303, next.body.slice(0, 300));
    assert.match(String(next.headers.location), /etape=documents/);

    // Autosave of one field, then a save from a stale page.
    const page = await client.get(location);
    const version = versionOf(page.body, 'contact.name');
    const saved = await client.post(`/entreprise/mes/demandes/${id}/champ`, { fieldId: 'contact.name', value: 'Julie Roy', version });
    assert.equal(saved.statusCode, 200);
    const json = saved.json() as { ok: boolean; version: number; message: string };
    assert.equal(json.version, Number(version) + 1);
    assert.match(json.message, /^Enregistré à \d\d:\d\d$/);
    const stale = await client.post(`/entreprise/mes/demandes/${id}/champ`, { fieldId: 'contact.name', value: 'Autre', version });
    assert.equal(stale.statusCode, 409);
    assert.match((stale.json() as { message: string }).message, /autre fenêtre/);

    // Step 4: documents (PDF only; a refused file leaves the others in place).
    await client.get(`/entreprise/mes/demandes/${id}/modifier?etape=documents`);
    const pdf = await samplePdf();
    const plan = await client.postMultipart(`/entreprise/mes/demandes/${id}/documents`, { documentType: 'integration_plan' }, { name: 'file', filename: 'plan.pdf', content: pdf });
    assert.equal(plan.statusCode, 303);
    await client.get(`/entreprise/mes/demandes/${id}/modifier?etape=documents`);
    const notPdf = await client.postMultipart(`/entreprise/mes/demandes/${id}/documents`, { documentType: 'signatures' }, { name: 'file', filename: 'signatures.pdf', content: Buffer.from('pas un PDF') });
    assert.equal(notPdf.statusCode, 400);
    assert.ok(notPdf.body.includes('plan.pdf') && notPdf.body.includes('id="error-summary"'), 'the sent document stays; the refusal is explained');
    const signatures = await client.postMultipart(`/entreprise/mes/demandes/${id}/documents`, { documentType: 'signatures' }, { name: 'file', filename: 'signatures.pdf', content: pdf });
    assert.equal(signatures.statusCode, 303);

    // Step 5: receivability, signature, transmission.
    const verification = await client.get(`/entreprise/mes/demandes/${id}/modifier?etape=verification`);
    assert.ok(verification.body.includes('Analyse de recevabilité'));
    assert.ok(!verification.body.includes(`/entreprise/mes/demandes/${id}/transmettre"`), 'no transmission before the signature');
    const unsigned = await client.post(`/entreprise/mes/demandes/${id}/signer`, { firstName: 'Anne', lastName: 'Directrice', function: '' });
    assert.equal(unsigned.statusCode, 400);
    const signed = await client.post(`/entreprise/mes/demandes/${id}/signer`, { firstName: 'Anne', lastName: 'Directrice', function: 'Directrice générale', attested: 'oui' });
    assert.equal(signed.statusCode, 303);
    const ready = await client.get(String(signed.headers.location));
    assert.ok(ready.body.includes(`/entreprise/mes/demandes/${id}/transmettre"`));
    const confirm = await client.get(`/entreprise/mes/demandes/${id}/transmettre`);
    assert.equal(confirm.statusCode, 200);
    const transmitted = await client.post(`/entreprise/mes/demandes/${id}/transmettre`, { confirm: 'oui' });
    assert.equal(transmitted.statusCode, 303);
    const after = await client.follow(transmitted);
    assert.equal(after.statusCode, 200);
    assert.ok(after.body.includes('direction régionale'));
    const [row] = await t.db.select().from(request).where(eq(request.id, id));
    assert.equal(row?.state, 'submitted');

    // Read-only now; the detail, the list and the PDF show it.
    assert.equal((await client.get(location)).statusCode, 409);
    const detail = await client.get(`/entreprise/mes/demandes/${id}`);
    assert.ok(detail.body.includes('Transmis') && detail.body.includes('plan.pdf') && detail.body.includes('4.5 heures / jour'));
    assert.ok(!detail.body.includes('Supprimer la demande'));
    const list = await client.get('/entreprise/mes/listes/en-cours');
    assert.ok(list.body.includes(row?.number ?? '?'));
    const printed = await client.get(`/entreprise/mes/demandes/${id}/imprimer`);
    assert.equal(printed.headers['content-type'], 'application/pdf');
    assert.equal((await client.get(`/entreprise/mes/demandes/${id}/supprimer`)).statusCode, 409, 'only a draft is deleted');
  });

  test('a user who may enter but not sign sees the seed’s message instead of the signature form', async () => {
    const writer = await mesUser(t.db, e, ['enter'], 'Saisie');
    const child = await createChild(t.db, [e.siteIds[0] ?? '']);
    const { requestId } = await createMesRequest(t.db, enterpriseCtx(writer), e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
    const client = await signedInClient(t, writer);
    const page = await client.get(`/entreprise/mes/demandes/${requestId}/modifier?etape=verification`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('vous ne possédez pas les accès pour signer la demande'));
    assert.ok(!page.body.includes(`action="/entreprise/mes/demandes/${requestId}/signer"`));
  });

  test('a child without the AIEH at the site: the page says why and what to do, and offers no type', async () => {
    const writer = await mesUser(t.db, e, ['enter'], 'Sansaieh');
    const child = await createChild(t.db, [e.siteIds[0] ?? ''], { allowanceAt: [] });
    const client = await signedInClient(t, writer);
    const page = await client.get(`/entreprise/mes/creer/${child.id}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('Vous ne pouvez pas créer de demande pour cet enfant dans cette installation'));
    assert.ok(page.body.includes('logiciel de gestion') && page.body.includes('Transmettez les informations de l’enfant au Ministère'));
    assert.ok(!page.body.includes('name="creationKey"'), 'no form to create');
    const forced = await client.post(`/entreprise/mes/creer/${child.id}`, { installation: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
    assert.equal(forced.statusCode, 409);
    assert.ok(forced.body.includes('Vous ne pouvez pas créer de demande'));
  });

  test('a draft is deleted after a confirmation page', async () => {
    const writer = await mesUser(t.db, e, ['enter'], 'Effaceuse');
    const child = await createChild(t.db, [e.siteIds[0] ?? '']);
    const { requestId } = await createMesRequest(t.db, enterpriseCtx(writer), e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
    const client = await signedInClient(t, writer);
    const confirm = await client.get(`/entreprise/mes/demandes/${requestId}/supprimer`);
    assert.equal(confirm.statusCode, 200);
    assert.equal((await t.db.select().from(request).where(eq(request.id, requestId))).length, 1, 'nothing deleted by showing the page');
    const deleted = await client.post(`/entreprise/mes/demandes/${requestId}/supprimer`, { confirm: 'oui' });
    assert.equal(deleted.headers.location, '/entreprise/mes/listes/brouillons?fait=supprimee');
    assert.equal((await t.db.select().from(request).where(eq(request.id, requestId))).length, 0);
  });
});

describe('a damaged document', () => {
  test('a body altered or removed on disk is never served: a message in the person’s language instead', async () => {
    const pdf = await samplePdf();
    const { id, owner, doc } = await draftWithPlan('Archiviste', 'Archivée', pdf);
    const url = `/entreprise/mes/demandes/${id}/documents/${doc.id}`;
    const served = await owner.get(url);
    assert.equal(served.headers['content-type'], 'application/pdf');

    const [row] = await t.db.select().from(storedFile).innerJoin(requestDocument, eq(requestDocument.fileId, storedFile.id)).where(eq(requestDocument.id, doc.id));
    assert.ok(row);
    const onDisk = path.join(t.config.DATA_DIR, 'files', row.stored_file.storageKey);
    const altered = Buffer.from(pdf);
    altered[altered.length - 10] = (altered[altered.length - 10] ?? 0) ^ 1;
    fs.writeFileSync(onDisk, altered);
    for (const lang of ['fr', 'en'] as const) {
      // The page's language is the person's choice (the header's link), kept in a cookie.
      await owner.get(`/langue?l=${lang}`);
      const refused = await owner.get(url);
      assert.equal(refused.statusCode, 500);
      assert.match(String(refused.headers['content-type']), /text\/html/);
      assert.ok(!refused.body.includes('%PDF-'), 'nothing of the body');
      assert.ok(refused.body.includes(lang === 'fr' ? 'son contenu est introuvable ou ne correspond plus' : 'its content is missing or no longer matches'), lang);
    }
    fs.rmSync(onDisk);
    assert.equal((await owner.get(url)).statusCode, 500, 'a missing body too');
  });
});

describe('authorization on every /entreprise/mes route', () => {
  test('another enterprise’s user, a user without MES rights, a citizen and an anonymous visitor are refused', async () => {
    const { writer, child, id, doc } = await draftWithPlan('Propriétaire', 'Protégée', await samplePdf());
    const number = (await t.db.select().from(request).where(eq(request.id, id)))[0]?.number ?? '?';

    const b = await createMesEnterprise(t.db);
    const userOfB = await mesUser(t.db, b, ['consult', 'enter', 'sign'], 'Voisine');
    const noRights = await mesUser(t.db, e, [], 'Sansdroit');
    const citizen = await createTestAccount(t.db, 'citizen');

    type Route = { method: 'GET' | 'POST' | 'MULTIPART'; url: string; /** Scoped to the actor's own enterprise: another enterprise's user reaches its own pages there. */ own?: boolean };
    const commentId = randomUUID();
    const routes: Route[] = [
      { method: 'GET', url: '/entreprise/mes', own: true },
      { method: 'GET', url: '/entreprise/mes/enfants', own: true },
      { method: 'GET', url: '/entreprise/mes/listes/brouillons', own: true },
      { method: 'GET', url: '/entreprise/mes/creer', own: true },
      { method: 'POST', url: '/entreprise/mes/creer', own: true },
      { method: 'GET', url: `/entreprise/mes/creer/${child.id}` },
      { method: 'POST', url: `/entreprise/mes/creer/${child.id}` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/modifier` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/champs` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/champ` },
      { method: 'MULTIPART', url: `/entreprise/mes/demandes/${id}/documents` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/documents/${doc.id}` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/documents/${doc.id}/supprimer` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/commentaires/${commentId}` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/signer` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/transmettre` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/transmettre` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/transmise` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/imprimer` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/supprimer` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/supprimer` },
      { method: 'GET', url: `/entreprise/mes/demandes/${id}/depart` },
      { method: 'POST', url: `/entreprise/mes/demandes/${id}/depart` },
    ];
    const patterns = routes.map(
      (r) =>
        `${r.method === 'GET' ? 'GET' : 'POST'} ${r.url
          .replace(doc.id, ':documentId')
          .replace(commentId, ':commentId')
          .replace(id, ':id')
          .replace(child.id, ':childId')
          .replace('/listes/brouillons', '/listes/:liste')}`,
    );
    assert.deepEqual(new Set(patterns), new Set(mesRoutes), 'every route of the module is tried');
    for (const entry of mesRoutes) {
      const [method, url] = entry.split(' ') as ['GET' | 'POST', string];
      assert.ok(t.app.hasRoute({ method, url }), `${entry} is registered`);
    }

    type Actor = { name: string; client: () => Promise<TestClient>; anonymous?: boolean; otherEnterprise?: boolean };
    const actors: Actor[] = [
      { name: 'another enterprise’s user with every MES right', client: () => signedInClient(t, userOfB), otherEnterprise: true },
      { name: 'a user of the enterprise without MES rights', client: () => signedInClient(t, noRights) },
      { name: 'a citizen', client: () => signedInClient(t, citizen) },
      { name: 'an anonymous visitor', client: async () => t.client(), anonymous: true },
    ];
    const bodies: { label: string; body: string }[] = [];
    for (const actor of actors) {
      const client = await actor.client();
      // A page with a form: its token, so that refusals are not CSRF failures.
      await client.get(actor.anonymous ? '/connexion' : '/');
      const csrf = client.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response =
          route.method === 'GET'
            ? await client.get(route.url)
            : route.method === 'POST'
              ? await client.post(route.url, route.url.endsWith('/champ') ? { fieldId: 'contact.name', value: 'x', version: '0' } : {}, { csrf })
              : await client.postMultipart(route.url, { documentType: 'signatures' }, { name: 'file', filename: 'x.pdf', content: await samplePdf() }, { csrf });
        bodies.push({ label, body: response.body });
        if (actor.anonymous) {
          if (route.url.endsWith('/champ')) assert.equal(response.statusCode, 401, label);
          else {
            assert.equal(response.statusCode, 303, label);
            assert.match(String(response.headers.location), /^\/connexion\?retour=/, label);
          }
          continue;
        }
        if (route.own && actor.otherEnterprise) {
          // Its own enterprise's pages: they answer, and show nothing of this enterprise.
          assert.ok(response.statusCode < 500, `${label}: ${response.statusCode}`);
          continue;
        }
        assert.ok(response.statusCode === 403 || response.statusCode === 404, `${label}: ${response.statusCode}`);
        assert.ok(!String(response.headers['content-type'] ?? '').includes('application/pdf'), label);
      }
    }
    for (const entry of bodies) {
      assert.ok(!entry.body.includes(number) && !entry.body.includes('Protégée'), `${entry.label} shows nothing of the request`);
    }
    // The request is as it was.
    const view = await loadRequest(t.db, enterpriseCtx(writer), mesProgram, id);
    assert.equal(view.request.state, 'draft');
    assert.equal(view.documents.length, 1);
    assert.equal(view.values.size, 0);
  });
});
