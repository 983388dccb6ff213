import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { assertHasText, errorSummaryLinks, escapeHtml, inputValue } from '../identity/test-support.js';
import { designationRoutes } from './designation-routes.js';
import { listDeputies, nameDeputy, submitDesignation } from './designations.js';
import { createMamhEnterprise, createTestOrganization, testMunicipality, TEST_PROGRAM, type TestOrganization } from './registry-test-support.js';
import { designationRequest, organization, organizationFunction } from './schema.js';

const settings = { publicUrl: 'http://localhost:3000' };
let t: TestApp;
let agent: TestAccount;
let orgA: TestOrganization;
let orgB: TestOrganization;
let deputyA: TestAccount;
/** One browser per account for the whole file: a TOTP code is accepted once per 30 s. */
const clients = new Map<string, TestClient>();

async function signedIn(name: string, who: TestAccount | null): Promise<TestClient> {
  const client = t.client();
  if (who) await signInAs(client, who);
  clients.set(name, client);
  return client;
}

function client(name: string): TestClient {
  const found = clients.get(name);
  if (!found) throw new Error(`no client ${name}`);
  return found;
}

/** Posts a form with repeated fields, as a browser does, with the last page's CSRF token. */
async function postFields(c: TestClient, url: string, fields: [string, string][]): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams([...fields, ['_csrf', c.csrf()]]).toString();
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body,
  });
}

before(async () => {
  t = await buildTestApp();
  agent = await createTestAccount(t.db, 'agent');
  orgA = await createTestOrganization(t.db, agent.account.id, { members: 2 });
  orgB = await createTestOrganization(t.db, agent.account.id);
  deputyA = orgA.members[0]!;
  await nameDeputy(t.db, ctxOf(orgA.manager), settings, TEST_PROGRAM, orgA.organizationId, deputyA.account.userCode!);
  await signedIn('support', agent);
  await signedIn('managerA', orgA.manager);
  await signedIn('deputyA', deputyA);
  await signedIn('managerB', orgB.manager);
  await signedIn('citizen', await createTestAccount(t.db, 'citizen'));
  await signedIn('famille agent', await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: null }] }));
  await signedIn('anonymous', null);
});
after(async () => t?.close());

describe('designation pages', () => {
  test('the route list names every route of the file, so the refusal test below tries them all', () => {
    const mine = t.app.routeList.filter((route) => /^(GET|POST) (\/aide\/:program\/(designation|remplacement|adjoints)|\/agent\/registre)(\/|$)/.test(route));
    assert.deepEqual(mine.sort(), [...designationRoutes].sort());
  });

  test('a municipality designates its local manager in two steps; the support desk approves from its queue', async () => {
    const { enterprise, members } = await createMamhEnterprise(t.db, 1);
    const designee = members[0]!;
    const code = await testMunicipality(t.db, 'Val-des-Essais');
    const rse = await signedIn('municipality rse', enterprise.rse);

    const form = await rse.get(`/aide/${TEST_PROGRAM}/designation`);
    assert.equal(form.statusCode, 200);
    assertHasText(form.body, 'designation.lead');
    const fields = { targetKind: 'municipality', geographicCode: code, neq: '', servicePointId: '', servicePointName: '', servicePointAddress: '', userCode: designee.account.userCode!, requesterName: 'Diane Roy', requesterFunction: 'Greffière' };

    const bad = await rse.post(`/aide/${TEST_PROGRAM}/designation`, { ...fields, geographicCode: '12a', userCode: 'QQQQ999' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(bad.body), ['#geographicCode', '#userCode']);
    assertHasText(bad.body, 'designation.userCode.unknown');
    assert.equal(inputValue(bad.body, 'geographicCode'), '12a', 'the value is kept');
    const unknownCode = await rse.post(`/aide/${TEST_PROGRAM}/designation`, { ...fields, geographicCode: '00000' });
    assert.equal(unknownCode.statusCode, 400);
    assertHasText(unknownCode.body, 'designation.geographicCode.unknown');

    const review = await rse.post(`/aide/${TEST_PROGRAM}/designation`, fields);
    assert.equal(review.statusCode, 200);
    assert.ok(review.body.includes(`Val-des-Essais ${code}`), 'the municipality’s name');
    assert.ok(review.body.includes('Laurentides'), 'its region');
    assert.ok(review.body.includes(escapeHtml(designee.account.displayName)), 'the designated person’s name');
    assert.equal((await t.db.select().from(designationRequest).where(eq(designationRequest.enterpriseId, enterprise.enterpriseId))).length, 0, 'nothing sent before the confirmation');

    const modify = await rse.post(`/aide/${TEST_PROGRAM}/designation/confirmer`, { ...fields, step: 'modify' });
    assert.equal(modify.statusCode, 200);
    assert.equal(inputValue(modify.body, 'requesterFunction'), 'Greffière');
    await rse.post(`/aide/${TEST_PROGRAM}/designation`, fields);
    const sent = await rse.post(`/aide/${TEST_PROGRAM}/designation/confirmer`, { ...fields, step: 'confirm' });
    assert.equal(sent.statusCode, 303);
    const done = await rse.follow(sent);
    assertHasText(done.body, 'designation.sent');
    assertHasText(done.body, 'designation.state.pending');

    // A second form for the same municipality is a clear conflict.
    await rse.post(`/aide/${TEST_PROGRAM}/designation`, { ...fields, userCode: enterprise.rse.account.userCode! }).then((r) => assert.equal(r.statusCode, 409));
    assertHasText(rse.lastHtml, 'designation.pending');

    const [row] = await t.db.select().from(designationRequest).where(eq(designationRequest.enterpriseId, enterprise.enterpriseId));
    const support = client('support');
    const queue = await support.get('/agent/registre');
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(`/agent/registre/${row!.id}`));
    const file = await support.get(`/agent/registre/${row!.id}`);
    assert.equal(file.statusCode, 200);
    assert.ok(file.body.includes(escapeHtml(designee.account.displayName)));
    const noReason = await support.post(`/agent/registre/${row!.id}/refuser`, { reason: '' });
    assert.equal(noReason.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(noReason.body), ['#reason']);
    const approved = await support.post(`/agent/registre/${row!.id}/approuver`, {});
    assert.equal(approved.statusCode, 303);
    const after = await support.follow(approved);
    assertHasText(after.body, 'designation.file.decided');
    const twice = await support.post(`/agent/registre/${row!.id}/approuver`, {});
    assert.equal(twice.statusCode, 409);
    assertHasText(twice.body, 'designation.alreadyDecided');
    const [org] = await t.db.select().from(organization).where(eq(organization.geographicCode, code));
    const [manager] = await t.db.select().from(organizationFunction).where(and(eq(organizationFunction.organizationId, org!.id), isNull(organizationFunction.endedAt)));
    assert.equal(manager?.accountId, designee.account.id);

    // The designation form now points to the replacement form, which names the programs.
    const existing = await rse.post(`/aide/${TEST_PROGRAM}/designation`, { ...fields, userCode: enterprise.rse.account.userCode! });
    assert.equal(existing.statusCode, 400);
    assertHasText(existing.body, 'designation.useReplacement');
    await rse.get(`/aide/${TEST_PROGRAM}/remplacement`);
    const noProgram = await rse.post(`/aide/${TEST_PROGRAM}/remplacement`, { ...fields, userCode: enterprise.rse.account.userCode! });
    assert.equal(noProgram.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(noProgram.body), ['#programs']);
    const replacementReview = await postFields(rse, `/aide/${TEST_PROGRAM}/remplacement`, [...Object.entries({ ...fields, userCode: enterprise.rse.account.userCode! }), ['programs', TEST_PROGRAM]]);
    assert.equal(replacementReview.statusCode, 200);
    assert.ok(replacementReview.body.includes(escapeHtml(designee.account.displayName)), 'the manager replaced is named');
  });

  test('the local manager names and removes a deputy through the pages; a deputy and a person with no function are refused clearly', async () => {
    const manager = client('managerA');
    const page = await manager.get(`/aide/${TEST_PROGRAM}/adjoints`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(escapeHtml(deputyA.account.displayName)));
    const outsider = orgB.manager;
    const bad = await manager.post(`/aide/${TEST_PROGRAM}/adjoints`, { userCode: outsider.account.userCode! });
    assert.equal(bad.statusCode, 400);
    assertHasText(bad.body, 'designation.userCode.notMember');
    assert.equal(inputValue(bad.body, 'userCode'), outsider.account.userCode);
    const named = await manager.post(`/aide/${TEST_PROGRAM}/adjoints`, { userCode: orgA.members[1]!.account.userCode! });
    assert.equal(named.statusCode, 303);
    const deputies = await listDeputies(t.db, ctxOf(orgA.manager), TEST_PROGRAM, orgA.organizationId);
    const second = deputies.find((d) => d.accountId === orgA.members[1]!.account.id);
    assert.ok(second);
    const confirm = await manager.get(`/aide/${TEST_PROGRAM}/adjoints/${second.id}/retirer`);
    assert.equal(confirm.statusCode, 200);
    assertHasText(confirm.body, 'designation.deputies.confirm.button');
    const removed = await manager.post(`/aide/${TEST_PROGRAM}/adjoints/${second.id}/retirer`, {});
    assert.equal(removed.statusCode, 303);
    assertHasText((await manager.follow(removed)).body, 'designation.deputies.removed');
    assert.equal((await listDeputies(t.db, ctxOf(orgA.manager), TEST_PROGRAM, orgA.organizationId)).length, 1);

    const deputyPage = await client('deputyA').get(`/aide/${TEST_PROGRAM}/adjoints`);
    assert.equal(deputyPage.statusCode, 403);
    assertHasText(deputyPage.body, 'designation.deputies.managerOnly');
    const nobody = (await createMamhEnterprise(t.db)).enterprise.rse;
    const nobodyClient = await signedIn('nobody', nobody);
    const none = await nobodyClient.get(`/aide/${TEST_PROGRAM}/adjoints`);
    assert.equal(none.statusCode, 403);
    assertHasText(none.body, 'designation.noFunction.text');
  });

  test('the support desk sees everything a user code holds; an unknown code is a field error', async () => {
    const support = client('support');
    const page = await support.get(`/agent/registre/utilisateur?code=${deputyA.account.userCode!.toLowerCase()}`);
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'designation.support.kind.deputy');
    assert.ok(page.body.includes(escapeHtml(orgA.manager.account.displayName)), 'who named the deputy');
    const unknown = await support.get('/agent/registre/utilisateur?code=ZZZ9999');
    assert.equal(unknown.statusCode, 400);
    assertHasText(unknown.body, 'designation.support.unknownCode');
    assert.equal(inputValue(unknown.body, 'code'), 'ZZZ9999');
  });

  test('every route refuses a visitor, a citizen, an agent without the support role; the agents’ routes refuse enterprise users; another organization’s manager and a deputy touch nothing of the organization', async () => {
    const { enterprise, members } = await createMamhEnterprise(t.db, 1);
    const [pending] = await submitDesignation(
      t.db,
      ctxOf(enterprise.rse),
      settings,
      [TEST_PROGRAM],
      { targetKind: 'organism', geographicCode: '', neq: enterprise.neq, servicePointId: null, servicePointName: '', servicePointAddress: '', userCode: members[0]!.account.userCode!, requesterName: 'A', requesterFunction: 'B' },
      false,
    );
    const [deputyRow] = await listDeputies(t.db, ctxOf(orgA.manager), TEST_PROGRAM, orgA.organizationId);
    const [orgARow] = await t.db.select().from(organization).where(eq(organization.id, orgA.organizationId));
    const path = (pattern: string) => pattern.replace(':program', TEST_PROGRAM).replace(':id', pattern.startsWith('/agent') ? pending!.id : deputyRow!.id);
    const body = { targetKind: 'municipality', geographicCode: orgARow!.geographicCode!, userCode: orgA.members[1]!.account.userCode!, requesterName: 'X', requesterFunction: 'Y', step: 'confirm' };

    for (const route of designationRoutes) {
      const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
      for (const name of ['anonymous', 'citizen', 'famille agent', 'managerB', 'deputyA']) {
        const isAgentRoute = pattern.startsWith('/agent');
        const isDeputies = pattern.includes('/adjoints');
        // The forms are open to any enterprise user; what they name is checked (below).
        if (!isAgentRoute && !isDeputies && (name === 'managerB' || name === 'deputyA')) continue;
        const c = client(name);
        await c.get(name === 'anonymous' ? '/connexion' : '/compte');
        const form: Record<string, string> = pattern.endsWith('/adjoints') ? { userCode: orgA.members[1]!.account.userCode! } : pattern.endsWith('retirer') || pattern.endsWith('approuver') ? {} : pattern.endsWith('refuser') ? { reason: 'x' } : body;
        const response = method === 'GET' ? await c.get(path(pattern)) : await c.post(path(pattern), form);
        if (name === 'anonymous') {
          assert.equal(response.statusCode, 303, `${name} ${route}`);
          assert.match(String(response.headers.location), /^\/connexion/, `${name} ${route}`);
        } else if (name === 'managerB' && isDeputies) {
          // Another organization's manager sees only its own organization: the deputy of A is not found there.
          if (pattern.includes(':id')) assert.equal(response.statusCode, 404, `${name} ${route}`);
          else assert.ok([200, 303, 400].includes(response.statusCode), `${name} ${route}: ${response.statusCode}`);
        } else {
          assert.equal(response.statusCode, 403, `${name} ${route}: ${response.statusCode}`);
        }
      }
    }
    // Another organization's manager cannot designate for A: they are no member of its enterprise.
    const managerB = client('managerB');
    await managerB.get(`/aide/${TEST_PROGRAM}/remplacement`);
    const refused = await postFields(managerB, `/aide/${TEST_PROGRAM}/remplacement`, [...Object.entries(body).filter(([k]) => k !== 'step'), ['programs', TEST_PROGRAM]]);
    assert.equal(refused.statusCode, 400);
    assertHasText(refused.body, 'designation.submitterNotMember');

    const [stillPending] = await t.db.select().from(designationRequest).where(eq(designationRequest.id, pending!.id));
    assert.equal(stillPending?.state, 'pending');
    const functions = await t.db.select().from(organizationFunction).where(and(eq(organizationFunction.organizationId, orgA.organizationId), isNull(organizationFunction.endedAt)));
    assert.deepEqual(functions.map((f) => f.accountId).sort(), [orgA.manager.account.id, deputyA.account.id].sort(), 'A’s functions are unchanged');
  });
});
