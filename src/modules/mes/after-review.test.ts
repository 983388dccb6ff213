import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import { transaction } from '../../platform/db/index.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { referenceYearOf, todayInQuebec } from '../childcare/dates.js';
import { assignAgentRole } from '../identity/agents.js';
import { request } from '../requests/schema.js';
import { addComment, addDocument, markCompliant, sign, type EngineSettings } from '../requests/service.js';
import { childList, requestList } from './lists.js';
import { mesProgram } from './program.js';
import { mesRequest } from './schema.js';
import { createMesRequest, saveMesField, transmitMesRequest } from './service.js';
import { createChild, createMesEnterprise, enterpriseCtx, mesUser, samplePdf, type MesEnterprise } from './test-support.js';

/**
 * The provider's side of a request the ministry reviewed: comments shown at their field with the
 * « Corrigé » box and the comment bar, then a compliant request closed by a departure.
 */
let t: TestApp;
let e: MesEnterprise;
let signer: TestAccount;
let agentCtx: Ctx;
let settings: EngineSettings;
const year = referenceYearOf(todayInQuebec());

before(async () => {
  t = await buildTestApp();
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
  e = await createMesEnterprise(t.db);
  signer = await mesUser(t.db, e, ['sign'], 'Directrice');
  const agent = await createTestAccount(t.db, 'agent');
  await transaction(t.db, (tx) => assignAgentRole(tx, agent.account.id, 'famille', '11'));
  agentCtx = { actor: { type: 'account', accountId: agent.account.id, accountKind: 'agent', displayName: 'Agente' }, lang: 'fr', requestId: null, ip: null };
});
after(async () => t?.close());

/** A request filled, with its documents, signed and transmitted, through the services. */
async function transmittedRequest(lastName: string): Promise<string> {
  const ctx = enterpriseCtx(signer);
  const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName });
  const { requestId } = await createMesRequest(t.db, ctx, e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
  const values: Record<string, string> = {
    'support.hoursPerDay': '4.5',
    'support.daysPerWeek': '5',
    'support.plannedDays': '200',
    'support.startDate': `${year}-09-02`,
    'needs.description': 'Besoins',
    'support.description': 'Mesures',
    'professional.name': 'Dre Roy',
    'professional.title': 'Pédiatre',
    'contact.name': 'Julie',
    'contact.phone': '418 555-1234',
  };
  for (const [fieldId, value] of Object.entries(values)) await saveMesField(t.db, ctx, requestId, { fieldId, value, expectedVersion: 0 });
  for (const type of ['integration_plan', 'signatures']) await addDocument(t.db, ctx, settings, mesProgram, requestId, type, Readable.from(await samplePdf()), `${type}.pdf`);
  await sign(t.db, ctx, mesProgram, requestId, { firstName: 'Anne', lastName: 'Directrice', function: 'Directrice', attested: true });
  await transmitMesRequest(t.db, ctx, settings, requestId);
  return requestId;
}

let client: TestClient | null = null;
/** One signed-in client for the file: a second sign-in within the same 30 s would replay the TOTP code. */
async function signedIn(who: TestAccount): Promise<TestClient> {
  if (client) return client;
  client = t.client();
  assert.equal((await signInAs(client, who)).statusCode, 303);
  return client;
}

describe('a request in comments', () => {
  test('each comment at its field or document type, the « Corrigé » box and the comment bar, without JavaScript', async () => {
    const id = await transmittedRequest('Commentée');
    const onField = await addComment(t.db, agentCtx, settings, mesProgram, id, { target: 'field', targetId: 'support.hoursPerDay', body: 'Précisez les heures du dîner.' });
    const onDocument = await addComment(t.db, agentCtx, settings, mesProgram, id, { target: 'document', targetId: 'signatures', body: 'La signature du parent manque.' });
    const client = await signedIn(signer);

    const support = await client.get(`/entreprise/mes/demandes/${id}/modifier?etape=support`);
    assert.equal(support.statusCode, 200);
    assert.ok(support.body.includes('0/2 commentaires corrigés'));
    assert.ok(support.body.includes(`id="commentaire-${onField.id}"`) && support.body.includes('Précisez les heures du dîner.'));
    assert.ok(support.body.includes(`form="corrige-${onField.id}"`) && support.body.includes(`id="corrige-${onField.id}"`), 'the box posts its own form');
    assert.ok(support.body.includes(`etape=documents#commentaire-${onDocument.id}`), '« Suivant » leads to the next comment, on another step');
    // The comment sits before its field.
    assert.ok(support.body.indexOf(`commentaire-${onField.id}`) < support.body.indexOf('id="support.hoursPerDay"'));

    const marked = await client.post(`/entreprise/mes/demandes/${id}/commentaires/${onField.id}`, { corrected: 'oui', etape: 'support' });
    assert.equal(marked.statusCode, 303);
    assert.equal(marked.headers.location, `/entreprise/mes/demandes/${id}/modifier?etape=support#commentaire-${onField.id}`);
    const documents = await client.get(`/entreprise/mes/demandes/${id}/modifier?etape=documents`);
    assert.ok(documents.body.includes('1/2 commentaires corrigés'));
    assert.ok(documents.body.includes('La signature du parent manque.'));
    assert.ok(documents.body.includes(`etape=support#commentaire-${onField.id}`), '« Précédent » leads back');

    // Unticking: the hidden "non" is sent alone.
    await client.post(`/entreprise/mes/demandes/${id}/commentaires/${onField.id}`, { corrected: 'non', etape: 'support' });
    assert.ok((await client.get(`/entreprise/mes/demandes/${id}/modifier?etape=verification`)).body.includes('0/2 commentaires corrigés'));

    const inProgress = await requestList(t.db, enterpriseCtx(signer), e.enterpriseId, 'en-cours', { sort: 'number', direction: 'asc', page: 1, child: 'Commentée', installationId: null, type: null });
    assert.deepEqual(inProgress.rows.map((r) => r.state), ['commented']);
  });
});

describe('a compliant request', () => {
  test('the departure closes it with its date; a future date is refused with the value kept', async () => {
    const id = await transmittedRequest('Partie');
    await markCompliant(t.db, agentCtx, settings, mesProgram, id);
    const client = await signedIn(signer);
    const detail = await client.get(`/entreprise/mes/demandes/${id}`);
    assert.ok(detail.body.includes(`/entreprise/mes/demandes/${id}/depart`));
    await client.get(`/entreprise/mes/demandes/${id}/depart`);
    const future = await client.post(`/entreprise/mes/demandes/${id}/depart`, { departureDate: '2999-01-01' });
    assert.equal(future.statusCode, 400);
    assert.ok(future.body.includes('value="2999-01-01"') && future.body.includes('ne peut pas être dans le futur'));
    const today = todayInQuebec();
    const done = await client.post(`/entreprise/mes/demandes/${id}/depart`, { departureDate: today });
    assert.equal(done.statusCode, 303);
    const [row] = await t.db.select({ state: request.state, departure: mesRequest.departureDate }).from(request).innerJoin(mesRequest, eq(mesRequest.requestId, request.id)).where(eq(request.id, id));
    assert.deepEqual(row, { state: 'closed', departure: today });
    const closed = await client.get('/entreprise/mes/listes/terminees');
    assert.ok(closed.body.includes('Partie'));
  });
});

describe('lists', () => {
  test('sorted by each column asked, filtered by child, type and installation; the children list shows the AIEH children with their requests', async () => {
    const ctx = enterpriseCtx(signer);
    const names = ['Zélie', 'Adèle', 'Maude'];
    for (const lastName of names) {
      const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName: `Tri${lastName}` });
      await createMesRequest(t.db, ctx, e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
    }
    const base = { page: 1, child: 'tri', installationId: null, type: null } as const;
    const asc = await requestList(t.db, ctx, e.enterpriseId, 'brouillons', { ...base, sort: 'child', direction: 'asc' });
    assert.deepEqual(asc.rows.map((r) => r.childName.split(' ')[1]), ['TriAdèle', 'TriMaude', 'TriZélie']);
    const desc = await requestList(t.db, ctx, e.enterpriseId, 'brouillons', { ...base, sort: 'child', direction: 'desc' });
    assert.deepEqual(desc.rows.map((r) => r.childName.split(' ')[1]), ['TriZélie', 'TriMaude', 'TriAdèle']);
    assert.equal((await requestList(t.db, ctx, e.enterpriseId, 'brouillons', { ...base, sort: 'number', direction: 'asc', type: 'transfer' })).total, 0);
    assert.equal((await requestList(t.db, ctx, e.enterpriseId, 'brouillons', { ...base, sort: 'number', direction: 'asc', installationId: e.siteIds[0] ?? null })).total, 3);

    const client = await signedIn(signer);
    const page = await client.get('/entreprise/mes/listes/brouillons?tri=child&ordre=asc&enfant=tri');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('aria-sort="ascending"'));
    assert.ok(page.body.indexOf('TriAdèle') < page.body.indexOf('TriZélie'));
    const children = await client.get('/entreprise/mes/enfants?enfant=tri');
    assert.equal(children.statusCode, 200);
    for (const lastName of names) assert.ok(children.body.includes(`Tri${lastName}`));
    assert.ok(children.body.includes('Nouvelle'));
  });

  test('pages of 50', async () => {
    const big = await createMesEnterprise(t.db);
    const user = await mesUser(t.db, big, ['enter'], 'Paginée');
    const ctx = enterpriseCtx(user);
    for (let i = 0; i < 51; i++) {
      const child = await createChild(t.db, [big.siteIds[0] ?? '']);
      await createMesRequest(t.db, ctx, big.enterpriseId, { childId: child.id, installationId: big.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
    }
    const query = { sort: 'number' as const, direction: 'asc' as const, child: '', installationId: null, type: null };
    const first = await requestList(t.db, ctx, big.enterpriseId, 'brouillons', { ...query, page: 1 });
    const second = await requestList(t.db, ctx, big.enterpriseId, 'brouillons', { ...query, page: 2 });
    assert.deepEqual([first.rows.length, second.rows.length, first.total, first.pages], [50, 1, 51, 2]);
    assert.ok((first.rows.at(-1)?.number ?? '') < (second.rows[0]?.number ?? ''), 'the second page follows the first');
    const children = await childList(t.db, ctx, big.enterpriseId, big.neq, { sort: 'child', direction: 'asc', page: 2, child: '', installationId: null });
    assert.deepEqual([children.rows.length, children.total], [1, 51]);
  });
});
