import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { mesFunding } from '../childcare/schema.js';
import { request, requestComment, requestDocument, requestTransition } from '../requests/schema.js';
import { addDocument, setCommentCorrected, type EngineSettings } from '../requests/service.js';
import { referenceYearOf, todayInQuebec } from '../childcare/service.js';
import { attachRequiredDocuments, fillSupportForm, sampleSupportValues, signAndTransmit, titledPdf } from './fixtures.js';
import { mesProgram } from './program.js';
import { mesReviewRoutes } from './review-routes.js';
import { mesRoutes } from './routes.js';
import { commentOnRequest, markMesCompliant, reviewQueue } from './review.js';
import { createMesRequest, saveMesField } from './service.js';
import { createChild, createMesEnterprise, enterpriseCtx, mesUser, type MesEnterprise } from './test-support.js';

let t: TestApp;
let settings: EngineSettings;
let enterprise: MesEnterprise;
let signer: TestAccount;
/** Agents of directorate 11 (the test enterprise's), of directorate 12, and one of another role. */
let agent11: TestAccount;
let agent12: TestAccount;
let registryAgent: TestAccount;
let client11: TestClient;

before(async () => {
  t = await buildTestApp();
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
  enterprise = await createMesEnterprise(t.db);
  signer = await mesUser(t.db, enterprise, ['enter', 'sign'], 'Directrice');
  agent11 = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] });
  agent12 = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: '12' }] });
  registryAgent = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'registry', directorateCode: null }] });
  client11 = t.client();
  await signInAs(client11, agent11);
});
after(async () => t?.close());

function agentCtx(who: TestAccount): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: 'agent', displayName: who.account.displayName }, lang: 'fr', requestId: null, ip: null };
}

/** A new request for a fresh child, filled, with its two required documents, signed and transmitted. */
async function transmittedRequest(): Promise<string> {
  const ctx = enterpriseCtx(signer);
  const child = await createChild(t.db, [enterprise.siteIds[0]!]);
  const { requestId } = await createMesRequest(t.db, ctx, enterprise.enterpriseId, { childId: child.id, installationId: enterprise.siteIds[0]!, type: 'new', creationKey: randomUUID() });
  await fillSupportForm(t.db, ctx, requestId, sampleSupportValues(referenceYearOf(todayInQuebec())), false);
  await attachRequiredDocuments(t.db, ctx, settings, requestId);
  await signAndTransmit(t.db, ctx, settings, requestId);
  return requestId;
}

async function stateOf(id: string) {
  const [row] = await t.db.select({ state: request.state, round: request.round }).from(request).where(eq(request.id, id));
  return row;
}

describe('the ministry’s side of MES', () => {
  test('the route lists name every MES route the app serves, so the refusal tests below try them all', () => {
    const served = (prefix: string) =>
      t.app.routeList
        .filter((route) => {
          const path = route.split(' ')[1] ?? '';
          return path === prefix || path.startsWith(`${prefix}/`);
        })
        .sort();
    assert.deepEqual(served('/agent/mes'), [...mesReviewRoutes].sort());
    assert.deepEqual(served('/entreprise/mes'), [...mesRoutes].sort());
  });

  test('an agent sees and opens only the requests of its directorate', async () => {
    const id = await transmittedRequest();
    const queue11 = await reviewQueue(t.db, agentCtx(agent11), { tab: 'transmises', directorateCode: null, cursor: null });
    assert.ok(queue11.rows.some((row) => row.id === id));
    const queue12 = await reviewQueue(t.db, agentCtx(agent12), { tab: 'transmises', directorateCode: null, cursor: null });
    assert.ok(!queue12.rows.some((row) => row.id === id));
    await assert.rejects(reviewQueue(t.db, agentCtx(registryAgent), { tab: 'transmises', directorateCode: null, cursor: null }), { status: 403 });
    const page = await client11.get(`/agent/mes/demandes/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Dre Julie Roy/);
  });

  test('every agents’ route refuses another directorate’s agent, an enterprise user, a citizen and a visitor', async () => {
    const id = await transmittedRequest();
    const [document] = await t.db.select({ id: requestDocument.id }).from(requestDocument).where(eq(requestDocument.requestId, id)).limit(1);
    const documentId = document?.id ?? '';
    const clients: [string, TestClient][] = [];
    for (const [name, who] of [
      ['agent12', agent12],
      ['registry agent', registryAgent],
      ['enterprise signer', signer],
      ['citizen', await createTestAccount(t.db, 'citizen')],
    ] as const) {
      const client = t.client();
      await signInAs(client, who);
      clients.push([name, client]);
    }
    clients.push(['anonymous', t.client()]);
    for (const route of mesReviewRoutes) {
      const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
      const path = pattern.replace(':id', id).replace(':documentId', documentId);
      for (const [name, client] of clients) {
        if (pattern === '/agent/mes' && name === 'agent12') continue; // its own queue, without this request
        await client.get(name === 'anonymous' ? '/connexion' : '/compte');
        const response = method === 'GET' ? await client.get(path) : await client.post(path, { target: 'field:contact.name', body: 'x', note: 'x' });
        assert.ok([303, 403].includes(response.statusCode), `${name} ${route}: ${response.statusCode}`);
        if (response.statusCode === 303) assert.match(String(response.headers.location), /^\/connexion/, `${name} ${route}`);
      }
    }
    const queue = await clients[0]![1].get('/agent/mes');
    assert.equal(queue.statusCode, 200);
    assert.doesNotMatch(queue.body, new RegExp(id));
    const [row] = await t.db.select({ count: requestComment.id }).from(requestComment).where(eq(requestComment.requestId, id));
    assert.equal(row, undefined, 'no comment was added by a refused actor');
    assert.equal((await stateOf(id))?.state, 'submitted');
  });

  test('comments, corrections, a second transmission showing what changed, then Conforme and Terminée', async () => {
    const id = await transmittedRequest();
    const other11 = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] });
    // Two agents comment at once: both comments are kept, the request moves once, one mail.
    await Promise.all([
      commentOnRequest(t.db, agentCtx(agent11), settings, id, { target: 'field', targetId: 'support.hoursPerDay', body: 'Précisez les heures.' }),
      commentOnRequest(t.db, agentCtx(other11), settings, id, { target: 'document', targetId: 'integration_plan', body: 'Plan non signé.' }),
    ]);
    assert.equal((await stateOf(id))?.state, 'commented');
    const comments = await t.db.select().from(requestComment).where(eq(requestComment.requestId, id));
    assert.equal(comments.length, 2);
    const moves = await t.db.select().from(requestTransition).where(and(eq(requestTransition.requestId, id), eq(requestTransition.toState, 'commented')));
    assert.equal(moves.length, 1);
    const mails = await t.db.select().from(outboxMail).where(eq(outboxMail.recipient, signer.account.email ?? ''));
    assert.equal(mails.filter((m) => m.textBody.includes(id)).length, 1, 'one mail about the comments');

    // The provider corrects both, changes a value, signs again and transmits.
    const ctx = enterpriseCtx(signer);
    await saveMesField(t.db, ctx, id, { fieldId: 'support.hoursPerDay', value: '5', expectedVersion: 1 });
    await addDocument(t.db, ctx, settings, mesProgram, id, 'integration_plan', Readable.from(await titledPdf('Plan signé')), 'plan-signe.pdf');
    for (const comment of comments) await setCommentCorrected(t.db, ctx, mesProgram, id, comment.id, true);
    await signAndTransmit(t.db, ctx, settings, id);
    assert.deepEqual(await stateOf(id), { state: 'submitted', round: 2 });

    const page = await client11.get(`/agent/mes/demandes/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Modifications depuis les commentaires/);
    assert.match(page.body, /<td>4\.5<\/td>\s*<td>5<\/td>/);
    assert.match(page.body, /plan-signe\.pdf/);

    // Conforme through the confirmation page: the funding history gains the child's site and year.
    assert.equal((await client11.get(`/agent/mes/demandes/${id}/conforme`)).statusCode, 200);
    // A post without the page's confirmation goes back to the page and decides nothing.
    const unconfirmed = await client11.post(`/agent/mes/demandes/${id}/conforme`, {});
    assert.equal(unconfirmed.headers.location, `/agent/mes/demandes/${id}/conforme`);
    assert.equal((await stateOf(id))?.state, 'submitted');
    const done = await client11.post(`/agent/mes/demandes/${id}/conforme`, { confirm: 'oui' });
    assert.equal(done.statusCode, 303);
    assert.equal((await stateOf(id))?.state, 'compliant');
    const funding = await t.db.select().from(mesFunding).where(eq(mesFunding.installationId, enterprise.siteIds[0]!));
    assert.ok(funding.some((f) => f.referenceYear === 2026));

    // Terminée needs a reason, then closes.
    const missing = await client11.post(`/agent/mes/demandes/${id}/terminer`, { note: '' });
    assert.equal(missing.statusCode, 400);
    assert.equal((await stateOf(id))?.state, 'compliant');
    assert.equal((await client11.post(`/agent/mes/demandes/${id}/terminer`, { note: 'Départ le 2027-01-15' })).statusCode, 303);
    assert.equal((await stateOf(id))?.state, 'closed');
    const closed = await reviewQueue(t.db, agentCtx(agent11), { tab: 'terminees', directorateCode: null, cursor: null });
    assert.ok(closed.rows.some((row) => row.id === id));
  });

  test('Conforme is refused while comments are pending', async () => {
    const id = await transmittedRequest();
    await commentOnRequest(t.db, agentCtx(agent11), settings, id, { target: 'field', targetId: 'contact.phone', body: 'Numéro incomplet.' });
    await assert.rejects(markMesCompliant(t.db, agentCtx(agent11), settings, id), { status: 409 });
    const refused = await client11.post(`/agent/mes/demandes/${id}/conforme`, { confirm: 'oui' });
    assert.equal(refused.statusCode, 409);
  });

  test('the queue pages by keyset, oldest transmission first', async () => {
    const ids = [await transmittedRequest(), await transmittedRequest()];
    const first = await reviewQueue(t.db, agentCtx(agent11), { tab: 'transmises', directorateCode: '11', cursor: null });
    const order = first.rows.map((row) => row.id);
    assert.ok(order.indexOf(ids[0]!) < order.indexOf(ids[1]!));
    const dates = first.rows.map((row) => row.lastSubmittedAt.getTime());
    assert.deepEqual(dates, [...dates].sort((a, b) => a - b));
    const last = first.rows[first.rows.length - 1]!;
    const after = await reviewQueue(t.db, agentCtx(agent11), { tab: 'transmises', directorateCode: '11', cursor: { at: last.lastSubmittedAt, id: last.id, direction: 'after' } });
    assert.deepEqual(after.rows, []);
    const back = await reviewQueue(t.db, agentCtx(agent11), { tab: 'transmises', directorateCode: '11', cursor: { at: last.lastSubmittedAt, id: last.id, direction: 'before' } });
    assert.deepEqual(
      back.rows.map((row) => row.id),
      order.slice(0, -1),
    );
  });
});
