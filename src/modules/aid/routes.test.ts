import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { transaction } from '../../platform/db/index.js';
import { createTestAccount, signedInClient, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { createTestFirm, createTestOrganization, grantTestProfile, joinTestProgram, mandateFirm, type TestFirm, type TestOrganization } from '../access/registry-test-support.js';
import { designationRoutes } from '../access/designation-routes.js';
import { registryRoutes } from '../access/registry-routes.js';
import { mandate } from '../access/schema.js';
import { todayInQuebec } from '../childcare/dates.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { samplePdf } from '../mes/test-support.js';
import { loadRequest, type EngineSettings } from '../requests/service.js';
import { attachAidDocuments, fillAidRequest, signAndTransmitAid } from './fixtures.js';
import { prabamProgram as aidProgram, primeauProgram } from './programs/index.js';
import { aidReviewRoutes, aidRoutes } from './routes.js';
import { createAidRequest } from './service.js';

let t: TestApp;
let settings: EngineSettings;
let agent: TestAccount;
let org: TestOrganization;
let firm: TestFirm;
let requester: TestAccount;
const base = '/aide/prabam/demandes';

before(async () => {
  t = await buildTestApp();
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
  agent = await createTestAccount(t.db, 'agent');
  org = await createTestOrganization(t.db, agent.account.id, { members: 1 });
  firm = await createTestFirm(t.db, agent.account.id, { staff: 1 });
  requester = org.members[0] as TestAccount;
  await grantTestProfile(t.db, org, requester, 'requester_write');
  await mandateFirm(t.db, org, firm);
  for (const person of firm.staff) await grantTestProfile(t.db, org, person, 'mandatary_write', firm.servicePointId);
});
after(async () => t?.close());


function versionOf(html: string, name: string): string {
  const match = new RegExp(`name="version:${name.replaceAll('.', '\\.')}" value="(\\d+)"`).exec(html);
  return match?.[1] ?? '0';
}

/** A step's form as the page would post it: the values typed and the versions the page was loaded with. */
function stepBody(html: string, values: Record<string, string>, go = 'enregistrer'): Record<string, string> {
  const body: Record<string, string> = { aller: go };
  for (const [name, value] of Object.entries(values)) {
    body[name] = value;
    body[`version:${name}`] = versionOf(html, name);
  }
  return body;
}

async function draft(who: TestAccount): Promise<{ id: string; number: string }> {
  const { requestId } = await createAidRequest(t.db, ctxOf(who), aidProgram, { organizationId: org.organizationId, creationKey: randomUUID() });
  const view = await loadRequest(t.db, ctxOf(who), aidProgram, requestId);
  return { id: requestId, number: view.request.number };
}

describe('the aid pages', () => {
  test('the route lists name every aid route the app serves, so the refusal test tries them all', () => {
    const served = (prefix: string) => t.app.routeList.filter((route) => (route.split(' ')[1] ?? '').startsWith(prefix)).sort();
    assert.deepEqual(served('/aide/:program/demandes'), [...aidRoutes].sort());
    assert.deepEqual(served('/agent/aide'), [...aidReviewRoutes].sort());
  });

  test('every route of the registry and the aid program is in one of the lists whose refusal tests try it', () => {
    const listed = new Set<string>([...aidRoutes, ...aidReviewRoutes, ...registryRoutes, ...designationRoutes]);
    const served = t.app.routeList.filter((route) => /^[A-Z]+ \/(aide|agent\/registre|agent\/aide)(\/|$)/.test(route) && !route.startsWith('HEAD '));
    assert.ok(served.length >= listed.size, `${served.length} routes served`);
    assert.deepEqual(served.filter((route) => !listed.has(route)), []);
  });

  test('a mandatary drafts through the pages (bad input kept with its errors), the organization’s requester transmits, the agent comments and decides', async () => {
    const mandatary = firm.staff[0] as TestAccount;
    const client = await signedInClient(t, mandatary);
    const list = await client.get(base);
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes('Mandataire – Rédaction'));
    const form = await client.get(`${base}/nouvelle`);
    assert.equal(form.statusCode, 200);
    const creationKey = /name="creationKey" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const noChoice = await client.post(`${base}/nouvelle`, { organizationId: '', creationKey });
    assert.equal(noChoice.statusCode, 400);
    assert.ok(noChoice.body.includes('Choisissez une organisation de la liste.'));
    const created = await client.post(`${base}/nouvelle`, { organizationId: org.organizationId, creationKey }, { csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '' });
    assert.equal(created.statusCode, 303);
    const id = /demandes\/([0-9a-f-]{36})\/etapes\/organisation/.exec(String(created.headers.location))?.[1] ?? '';
    assert.ok(id);
    const orgStep = await client.get(`${base}/${id}/etapes/organisation`);
    assert.equal(orgStep.statusCode, 200);
    assert.ok(orgStep.body.includes('Code géographique'), 'the organization read-only with its geographic code');

    // Projet: the end before the start is refused, with both dates kept.
    let page = await client.get(`${base}/${id}/etapes/projet`);
    const project = { 'project.title': 'Toiture de la caserne', 'project.description': 'Réfection complète.', 'project.address': '2, rue du Quai', 'project.startDate': '2027-06-01', 'project.endDate': '2027-05-01' };
    let posted = await client.post(`${base}/${id}/etapes/projet`, stepBody(page.body, project));
    assert.equal(posted.statusCode, 400);
    assert.ok(posted.body.includes('La date de fin ne peut pas précéder la date de début.'));
    assert.ok(posted.body.includes('value="2027-05-01"') && posted.body.includes('value="2027-06-01"'), 'dates kept');
    posted = await client.post(`${base}/${id}/etapes/projet`, stepBody(posted.body, { ...project, 'project.endDate': '2027-10-31' }, 'etape:couts'));
    assert.equal(posted.statusCode, 303);
    assert.match(String(posted.headers.location), /etapes\/couts$/);

    // Coûts: a negative and a non-numeric amount are field errors; what was typed stays.
    page = await client.get(`${base}/${id}/etapes/couts`);
    posted = await client.post(`${base}/${id}/etapes/couts`, stepBody(page.body, { 'costs.description.0': 'Toiture', 'costs.amount.0': '-5', 'costs.description.1': 'Honoraires', 'costs.amount.1': 'douze' }));
    assert.equal(posted.statusCode, 400);
    assert.ok(posted.body.includes('égal ou supérieur à 0') && posted.body.includes('Inscrivez un nombre'));
    assert.ok(posted.body.includes('value="-5"') && posted.body.includes('value="douze"'), 'amounts kept');
    posted = await client.post(`${base}/${id}/etapes/couts`, stepBody(posted.body, { 'costs.description.0': 'Toiture', 'costs.amount.0': '90 000', 'costs.description.1': 'Honoraires', 'costs.amount.1': '10000,50' }));
    assert.equal(posted.statusCode, 303);
    page = await client.get(`${base}/${id}/etapes/couts`);
    assert.match(page.body, /100\s000,50\s\$/, 'total shown');

    // Financement: unequal first (✗ on the verification step), then equal.
    page = await client.get(`${base}/${id}/etapes/financement`);
    posted = await client.post(`${base}/${id}/etapes/financement`, stepBody(page.body, { 'financing.source.0': 'municipal', 'financing.amount.0': '50000', 'financing.source.1': 'requested', 'financing.amount.1': '40000' }));
    assert.equal(posted.statusCode, 303);

    // Documents: a file that is not a PDF is refused at its type; the PDFs are joined.
    page = await client.get(`${base}/${id}/etapes/documents`);
    const notPdf = await client.postMultipart(`${base}/${id}/documents`, { documentType: 'council_resolution' }, { name: 'file', filename: 'resolution.pdf', content: Buffer.from('pas un PDF') });
    assert.equal(notPdf.statusCode, 400);
    assert.ok(notPdf.body.includes('n’est pas un document PDF'));
    for (const documentType of ['council_resolution', 'cost_estimate']) {
      const sent = await client.postMultipart(`${base}/${id}/documents`, { documentType }, { name: 'file', filename: `${documentType}.pdf`, content: await samplePdf(documentType) });
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 200));
    }
    let verification = await client.get(`${base}/${id}/etapes/verification`);
    assert.ok(/mes-missing[^✗]*✗[\s\S]*?Le financement total est égal au coût total/.test(verification.body), 'financing ✗');
    assert.ok(verification.body.includes('c’est l’organisation qui signe et transmet'), 'the mandatary is told the organization transmits');
    assert.ok(!verification.body.includes(`${base}/${id}/signer`), 'no signature form for the mandatary');
    page = await client.get(`${base}/${id}/etapes/financement`);
    posted = await client.post(`${base}/${id}/etapes/financement`, stepBody(page.body, { 'financing.source.2': 'other', 'financing.amount.2': '10000.50' }));
    assert.equal(posted.statusCode, 303);
    verification = await client.get(`${base}/${id}/etapes/verification`);
    assert.ok(/mes-ok[^✓]*✓[\s\S]*?Le financement total est égal au coût total/.test(verification.body), 'financing ✓');
    const refusedTransmit = await client.post(`${base}/${id}/transmettre`, { confirm: 'oui' });
    assert.equal(refusedTransmit.statusCode, 403);

    // The organization's Requérant – Rédaction signs (the attestation is required) and transmits.
    const signer = await signedInClient(t, requester);
    verification = await signer.get(`${base}/${id}/etapes/verification`);
    const unsigned = await signer.post(`${base}/${id}/signer`, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale' });
    assert.equal(unsigned.statusCode, 400);
    assert.ok(unsigned.body.includes('Cochez l’attestation pour signer.') && unsigned.body.includes('value="Lavoie"'));
    assert.equal((await signer.post(`${base}/${id}/signer`, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale', attested: 'oui' })).statusCode, 303);
    const confirm = await signer.get(`${base}/${id}/transmettre`);
    assert.equal(confirm.statusCode, 200);
    const transmitted = await signer.post(`${base}/${id}/transmettre`, { confirm: 'oui' });
    assert.equal(transmitted.statusCode, 303);
    assert.equal((await loadRequest(t.db, ctxOf(requester), aidProgram, id)).request.state, 'submitted');

    // The agent: the queue, a comment (an empty one is a field error), the correction, compliance.
    const reviewer = await signedInClient(t, agent);
    const queue = await reviewer.get('/agent/aide');
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(`/agent/aide/demandes/${id}`));
    const review = await reviewer.get(`/agent/aide/demandes/${id}`);
    assert.equal(review.statusCode, 200);
    assert.match(review.body, /100\s000,50/);
    assert.ok(review.body.includes('council_resolution.pdf'));
    const empty = await reviewer.post(`/agent/aide/demandes/${id}/commentaires`, { target: 'field:project.address', body: '' });
    assert.equal(empty.statusCode, 400);
    assert.ok(empty.body.includes('Inscrivez le commentaire'));
    assert.equal((await reviewer.post(`/agent/aide/demandes/${id}/commentaires`, { target: 'field:project.address', body: 'Précisez la municipalité.' })).statusCode, 303);
    const view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.equal(view.request.state, 'commented');
    const comment = view.comments[0];
    assert.ok(comment);
    page = await client.get(`${base}/${id}/etapes/projet`);
    assert.ok(page.body.includes('Précisez la municipalité.'), 'the comment at its step');
    assert.equal((await client.post(`${base}/${id}/commentaires/${comment.id}`, { corrected: 'oui', etape: 'projet' })).statusCode, 303);
    await signer.get(`${base}/${id}/etapes/verification`);
    assert.equal((await signer.post(`${base}/${id}/signer`, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale', attested: 'oui' })).statusCode, 303);
    await signer.get(`${base}/${id}/transmettre`);
    assert.equal((await signer.post(`${base}/${id}/transmettre`, { confirm: 'oui' })).statusCode, 303);
    await reviewer.get(`/agent/aide/demandes/${id}/conforme`);
    assert.equal((await reviewer.post(`/agent/aide/demandes/${id}/conforme`, { confirm: 'oui' })).statusCode, 303);
    await reviewer.get(`/agent/aide/demandes/${id}/terminer`);
    const noReason = await reviewer.post(`/agent/aide/demandes/${id}/terminer`, { confirm: 'oui', note: '' });
    assert.equal(noReason.statusCode, 400);
    assert.equal((await reviewer.post(`/agent/aide/demandes/${id}/terminer`, { confirm: 'oui', note: 'Aide accordée : 40 000 $.' })).statusCode, 303);
    assert.equal((await loadRequest(t.db, ctxOf(requester), aidProgram, id)).request.state, 'closed');

    // Revoked mandate: the mandatary's next request to the file is refused within the same session.
    const [current] = await t.db.select().from(mandate).where(eq(mandate.servicePointId, firm.servicePointId));
    assert.ok(current);
    await t.db.update(mandate).set({ endedAt: new Date(), endedBy: org.manager.account.id }).where(eq(mandate.id, current.id));
    const afterRevocation = await client.get(`${base}/${id}`);
    assert.ok(afterRevocation.statusCode === 403 || afterRevocation.statusCode === 404, String(afterRevocation.statusCode));
    assert.ok(!afterRevocation.body.includes('Toiture de la caserne'));
  });

  test('an expired mandate (valid until yesterday) refuses the mandatary’s next request to the file, within an open session', async () => {
    const other = await createTestFirm(t.db, agent.account.id, { staff: 1 });
    const person = other.staff[0] as TestAccount;
    const mandateId = await mandateFirm(t.db, org, other, null);
    await grantTestProfile(t.db, org, person, 'mandatary_write', other.servicePointId);
    const { id } = await draft(person);
    const client = await signedInClient(t, person);
    assert.equal((await client.get(`${base}/${id}`)).statusCode, 200);
    // The day passes: the mandate's last day is now yesterday. Its end date cannot be changed by
    // the service (registry history), so the test moves it with the triggers off for this transaction.
    const yesterday = new Date(Date.parse(`${todayInQuebec()}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await transaction(t.db, async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.update(mandate).set({ validUntil: yesterday }).where(eq(mandate.id, mandateId));
    });
    for (const url of [`${base}/${id}`, `${base}/${id}/etapes/projet`]) {
      const response = await client.get(url);
      assert.ok(response.statusCode === 403 || response.statusCode === 404, `${url}: ${response.statusCode}`);
    }
    const list = await client.get(base);
    assert.equal(list.statusCode, 403, 'no organization left: no access to the program');
  });

  test('every aid route refuses an anonymous visitor, a citizen, another organization’s person and a mandatary of another client', async () => {
    const { id, number } = await draft(requester);
    await fillAidRequest(t.db, ctxOf(requester), aidProgram, id);
    await attachAidDocuments(t.db, ctxOf(requester), settings, aidProgram, id);
    const view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    const doc = view.documents[0];
    assert.ok(doc);
    const submitted = await draft(requester);
    await fillAidRequest(t.db, ctxOf(requester), aidProgram, submitted.id);
    await attachAidDocuments(t.db, ctxOf(requester), settings, aidProgram, submitted.id);
    await signAndTransmitAid(t.db, ctxOf(requester), settings, aidProgram, submitted.id);
    const submittedDoc = (await loadRequest(t.db, ctxOf(requester), aidProgram, submitted.id)).documents[0];
    assert.ok(submittedDoc);

    // Outsiders: another organization with its own requester, a firm mandated by it only.
    const otherOrg = await createTestOrganization(t.db, agent.account.id, { members: 1 });
    const otherRequester = otherOrg.members[0] as TestAccount;
    await grantTestProfile(t.db, otherOrg, otherRequester, 'requester_write');
    const otherFirm = await createTestFirm(t.db, agent.account.id, { staff: 1 });
    const otherMandatary = otherFirm.staff[0] as TestAccount;
    await mandateFirm(t.db, otherOrg, otherFirm);
    await grantTestProfile(t.db, otherOrg, otherMandatary, 'mandatary_write', otherFirm.servicePointId);
    const citizen = await createTestAccount(t.db, 'citizen');

    type Route = { method: 'GET' | 'POST' | 'MULTIPART'; url: string; own?: boolean };
    const commentId = randomUUID();
    const r = `${base}/${id}`;
    const a = `/agent/aide/demandes/${submitted.id}`;
    const routes: Route[] = [
      { method: 'GET', url: base, own: true },
      { method: 'GET', url: `${base}/nouvelle`, own: true },
      { method: 'POST', url: `${base}/nouvelle`, own: true },
      { method: 'GET', url: r },
      { method: 'GET', url: `${r}/etapes/projet` },
      { method: 'POST', url: `${r}/etapes/projet` },
      { method: 'MULTIPART', url: `${r}/documents` },
      { method: 'GET', url: `${r}/documents/${doc.id}` },
      { method: 'POST', url: `${r}/documents/${doc.id}/supprimer` },
      { method: 'POST', url: `${r}/commentaires/${commentId}` },
      { method: 'POST', url: `${r}/signer` },
      { method: 'GET', url: `${r}/transmettre` },
      { method: 'POST', url: `${r}/transmettre` },
      { method: 'GET', url: `${r}/supprimer` },
      { method: 'POST', url: `${r}/supprimer` },
      { method: 'GET', url: '/agent/aide' },
      { method: 'GET', url: a },
      { method: 'POST', url: `${a}/commentaires` },
      { method: 'GET', url: `${a}/documents/${submittedDoc.id}` },
      { method: 'GET', url: `${a}/conforme` },
      { method: 'POST', url: `${a}/conforme` },
      { method: 'GET', url: `${a}/terminer` },
      { method: 'POST', url: `${a}/terminer` },
    ];
    const patterns = routes.map(
      (route) =>
        `${route.method === 'GET' ? 'GET' : 'POST'} ${route.url
          .replace(doc.id, ':documentId')
          .replace(submittedDoc.id, ':documentId')
          .replace(commentId, ':commentId')
          .replace(id, ':id')
          .replace(submitted.id, ':id')
          .replace('/etapes/projet', '/etapes/:etape')
          .replace('/aide/prabam/', '/aide/:program/')}`,
    );
    assert.deepEqual(new Set(patterns), new Set([...aidRoutes, ...aidReviewRoutes]), 'every route of the module is tried');

    type Actor = { name: string; client: () => Promise<TestClient>; anonymous?: boolean; hasOwnSpace?: boolean };
    const actors: Actor[] = [
      { name: 'an anonymous visitor', client: async () => t.client(), anonymous: true },
      { name: 'a citizen', client: () => signedInClient(t, citizen) },
      { name: 'another organization’s Requérant – Rédaction', client: () => signedInClient(t, otherRequester), hasOwnSpace: true },
      { name: 'a mandatary of another client', client: () => signedInClient(t, otherMandatary), hasOwnSpace: true },
    ];
    const bodies: { label: string; body: string }[] = [];
    for (const actor of actors) {
      const client = await actor.client();
      await client.get(actor.anonymous ? '/connexion' : '/compte');
      const csrf = client.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response =
          route.method === 'GET'
            ? await client.get(route.url)
            : route.method === 'POST'
              ? await client.post(route.url, route.url.endsWith('/nouvelle') ? { organizationId: org.organizationId, creationKey: randomUUID() } : { confirm: 'oui', note: 'x', target: 'field:project.title', body: 'x', corrected: 'oui' }, { csrf })
              : await client.postMultipart(route.url, { documentType: 'other' }, { name: 'file', filename: 'x.pdf', content: await samplePdf() }, { csrf });
        bodies.push({ label, body: response.body });
        if (actor.anonymous) {
          assert.equal(response.statusCode, 303, label);
          assert.match(String(response.headers.location), /^\/connexion\?retour=/, label);
          continue;
        }
        if (route.own && actor.hasOwnSpace && route.method === 'GET') {
          assert.equal(response.statusCode, 200, label);
          continue;
        }
        assert.ok(response.statusCode === 403 || response.statusCode === 404, `${label}: ${response.statusCode}`);
        assert.ok(!String(response.headers['content-type'] ?? '').includes('application/pdf'), label);
      }
    }
    for (const entry of bodies) {
      assert.ok(!entry.body.includes(number) && !entry.body.includes(submitted.number) && !entry.body.includes('hôtel de ville'), `${entry.label} shows nothing of the requests`);
    }
    const after = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.equal(after.request.state, 'draft');
    assert.equal(after.documents.length, 2);
    assert.equal((await loadRequest(t.db, ctxOf(requester), aidProgram, submitted.id)).request.state, 'submitted');
  });

  test('profiles are per program: a PRABAM requester is refused in PRIMEAU, a request is not read under another program, unknown programs and steps are 404', async () => {
    const town = await createTestOrganization(t.db, agent.account.id, { members: 1 });
    const person = town.members[0] as TestAccount;
    await grantTestProfile(t.db, town, person, 'requester_write');
    const { requestId: id } = await createAidRequest(t.db, ctxOf(person), aidProgram, { organizationId: town.organizationId, creationKey: randomUUID() });
    const client = await signedInClient(t, person);
    assert.equal((await client.get(base)).statusCode, 200);
    const primeau = await client.get('/aide/primeau/demandes');
    assert.equal(primeau.statusCode, 403);
    assert.ok(primeau.body.includes('Vous ne détenez aucun droit d’accès à ce programme'), 'says how to get a profile');
    assert.equal((await client.get(`/aide/primeau/demandes/${id}`)).statusCode, 403);
    assert.equal((await client.get(`/aide/inconnu/demandes/${id}`)).statusCode, 404);
    assert.equal((await client.get(`${base}/${id}/etapes/ouvrage`)).statusCode, 404, 'a PRIMEAU step does not exist in PRABAM');
    assert.equal((await client.get(`${base}/${id}/etapes/projet`)).statusCode, 200);

    // With a PRIMEAU profile too, the PRABAM request is still not found under PRIMEAU's address.
    await joinTestProgram(t.db, town, agent.account.id, primeauProgram.id);
    await grantTestProfile(t.db, town, person, 'requester_write', null, primeauProgram.id);
    assert.equal((await client.get('/aide/primeau/demandes')).statusCode, 200);
    assert.equal((await client.get(`/aide/primeau/demandes/${id}`)).statusCode, 404);
    const { requestId } = await createAidRequest(t.db, ctxOf(person), primeauProgram, { organizationId: town.organizationId, creationKey: randomUUID() });
    const page = await client.get(`/aide/primeau/demandes/${requestId}/etapes/ouvrage`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('Population desservie'), 'PRIMEAU’s own fields');
    assert.ok(!page.body.includes('Adresse du bâtiment'), 'not PRABAM’s');
    assert.match((await loadRequest(t.db, ctxOf(person), primeauProgram, requestId)).request.number, /^\d{4}-91-\d{3}$/);
  });
});
