import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { addTestMember } from '../enterprises/members-test-support.js';
import { assertHasText } from '../identity/test-support.js';
import { registryRoutes } from './registry-routes.js';
import { code, createTestFirm, createTestOrganization, grantTestProfile, mandateFirm, TEST_PROGRAM, type TestFirm, type TestOrganization } from './registry-test-support.js';
import { mandate, organizationFunction, profileGrant, servicePointStaff } from './schema.js';

let t: TestApp;
let agent: TestAccount;
/** The organization under test: its manager, a deputy, members. */
let orgA: TestOrganization;
let deputy: TestAccount;
/** Its firm (mandated through the pages), a firm it never mandates. */
let firmA: TestFirm;
let firmC: TestFirm;
/** Outsiders: another organization's manager, a mandatary of that other client. */
let orgB: TestOrganization;
let firmB: TestFirm;

const clients = new Map<string, TestClient>();

async function clientOf(name: string, who: TestAccount | null): Promise<TestClient> {
  const known = clients.get(name);
  if (known) return known;
  const client = t.client();
  if (who) await signInAs(client, who);
  clients.set(name, client);
  return client;
}

/** A page with a form first, for the CSRF token, then the post. */
async function post(client: TestClient, url: string, form: Record<string, string>, signedIn = true) {
  await client.get(signedIn ? '/compte' : '/connexion');
  return client.post(url, form);
}

before(async () => {
  t = await buildTestApp();
  agent = await createTestAccount(t.db, 'agent');
  orgA = await createTestOrganization(t.db, agent.account.id, { members: 4 });
  deputy = orgA.members[0] as TestAccount;
  await t.db.insert(organizationFunction).values({
    program: TEST_PROGRAM,
    organizationId: orgA.organizationId,
    enterpriseId: orgA.enterprise.enterpriseId,
    accountId: deputy.account.id,
    function: 'deputy',
    namedBy: orgA.manager.account.id,
  });
  firmA = await createTestFirm(t.db, agent.account.id, { staff: 1 });
  firmC = await createTestFirm(t.db, agent.account.id, { staff: 1 });
  orgB = await createTestOrganization(t.db, agent.account.id);
  firmB = await createTestFirm(t.db, agent.account.id, { staff: 1 });
  await mandateFirm(t.db, orgB, firmB);
  await grantTestProfile(t.db, orgB, firmB.staff[0] as TestAccount, 'mandatary_write', firmB.servicePointId);
});
after(async () => t?.close());

describe('the registry’s pages', () => {
  test('the app serves every route of the list the refusal test tries', () => {
    for (const route of registryRoutes) assert.ok(t.app.routeList.includes(route), route);
  });

  test('a deputy grants and mandates; a Mandataire profile without a mandate is a field error; revoking the mandate ends the mandatary’s access at once', async () => {
    const requester = orgA.members[1] as TestAccount;
    const mandatary = firmA.staff[0] as TestAccount;
    const unmandated = firmC.staff[0] as TestAccount;
    const d = await clientOf('deputy', deputy);

    const register = await d.get(`/aide/${TEST_PROGRAM}/registre`);
    assert.equal(register.statusCode, 200);
    const granted = await d.post(`/aide/${TEST_PROGRAM}/registre/profils`, { userCode: code(requester), profile: 'requester_write' });
    assert.equal(granted.statusCode, 303);
    assert.equal(granted.headers.location, `/aide/${TEST_PROGRAM}/registre?fait=accorde`);
    const shown = await d.follow(granted);
    assertHasText(shown.body, 'registry.grant.done');
    assert.ok(shown.body.includes(requester.account.displayName));

    // A Mandataire profile for a person whose service point the organization does not mandate.
    const refused = await d.post(`/aide/${TEST_PROGRAM}/registre/profils`, { userCode: code(unmandated), profile: 'mandatary_write' });
    assert.equal(refused.statusCode, 400);
    assertHasText(refused.body, 'registry.grant.noMandate');
    assert.ok(refused.body.includes(`value="${code(unmandated)}"`), 'the value is kept');

    // The deputy mandates firm A's service point: NEQ, then the point.
    const points = await d.get(`/aide/${TEST_PROGRAM}/registre/mandats?neq=${firmA.enterprise.neq}`);
    assert.equal(points.statusCode, 200);
    assert.ok(points.body.includes(`value="${firmA.servicePointId}"`));
    const badNeq = await d.get(`/aide/${TEST_PROGRAM}/registre/mandats?neq=123`);
    assert.equal(badNeq.statusCode, 400);
    assertHasText(badNeq.body, 'registry.neq.invalid');
    await d.get(`/aide/${TEST_PROGRAM}/registre/mandats?neq=${firmA.enterprise.neq}`);
    const past = await d.post(`/aide/${TEST_PROGRAM}/registre/mandats`, { neq: firmA.enterprise.neq, servicePointId: firmA.servicePointId, validUntil: '2001-01-01' });
    assert.equal(past.statusCode, 400);
    assertHasText(past.body, 'registry.mandate.validUntil.past');
    const mandated = await d.post(`/aide/${TEST_PROGRAM}/registre/mandats`, { neq: firmA.enterprise.neq, servicePointId: firmA.servicePointId, validUntil: '' });
    assert.equal(mandated.statusCode, 303);
    await d.get(`/aide/${TEST_PROGRAM}/registre`);
    const mandataryGrant = await d.post(`/aide/${TEST_PROGRAM}/registre/profils`, { userCode: code(mandatary), profile: 'mandatary_write' });
    assert.equal(mandataryGrant.statusCode, 303);

    const m = await clientOf('mandataryA', mandatary);
    const before = await m.get(`/aide/${TEST_PROGRAM}/mes-acces`);
    assert.equal(before.statusCode, 200);
    assert.ok(before.body.includes(`data-effective="${orgA.organizationId}"`));
    assert.ok(before.body.includes(deputy.account.displayName), 'who granted it');

    // The manager revokes the mandate through its confirmation page.
    const [row] = await t.db.select({ id: mandate.id }).from(mandate).where(and(eq(mandate.organizationId, orgA.organizationId), isNull(mandate.endedAt)));
    const manager = await clientOf('managerA', orgA.manager);
    const confirm = await manager.get(`/aide/${TEST_PROGRAM}/registre/mandats/${row?.id}/revocation`);
    assert.equal(confirm.statusCode, 200);
    const revoked = await manager.post(`/aide/${TEST_PROGRAM}/registre/mandats/${row?.id}/revocation`, {});
    assert.equal(revoked.statusCode, 303);
    assertHasText((await manager.follow(revoked)).body, 'registry.revoke.done', { count: 1 });

    // The mandatary's next request, in the same session: no effective access.
    const afterwards = await m.get(`/aide/${TEST_PROGRAM}/mes-acces`);
    assert.ok(afterwards.body.includes('data-effective="none"'));
    assert.ok(!afterwards.body.includes(`data-effective="${orgA.organizationId}"`));
    assertHasText(afterwards.body, 'registry.endReason.mandate_ended');
  });

  test('change and withdraw go through their pages; the register exports as CSV, audited', async () => {
    const person = orgA.members[2] as TestAccount;
    await grantTestProfile(t.db, orgA, person, 'requester_read');
    const [grant] = await t.db.select({ id: profileGrant.id }).from(profileGrant).where(and(eq(profileGrant.accountId, person.account.id), isNull(profileGrant.endedAt)));
    const manager = await clientOf('managerA', orgA.manager);
    const page = await manager.get(`/aide/${TEST_PROGRAM}/registre/profils/${grant?.id}`);
    assert.equal(page.statusCode, 200);
    const same = await manager.post(`/aide/${TEST_PROGRAM}/registre/profils/${grant?.id}`, {});
    assert.equal(same.statusCode, 400);
    assertHasText(same.body, 'registry.profile.required');
    const changed = await manager.post(`/aide/${TEST_PROGRAM}/registre/profils/${grant?.id}`, { profile: 'requester_write' });
    assert.equal(changed.statusCode, 303);
    const [current] = await t.db.select({ id: profileGrant.id, profile: profileGrant.profile }).from(profileGrant).where(and(eq(profileGrant.accountId, person.account.id), isNull(profileGrant.endedAt)));
    assert.equal(current?.profile, 'requester_write');
    const confirm = await manager.get(`/aide/${TEST_PROGRAM}/registre/profils/${current?.id}/retrait`);
    assert.equal(confirm.statusCode, 200);
    assert.ok(confirm.body.includes(person.account.displayName));
    const withdrawn = await manager.post(`/aide/${TEST_PROGRAM}/registre/profils/${current?.id}/retrait`, {});
    assert.equal(withdrawn.statusCode, 303);
    const again = await post(manager, `/aide/${TEST_PROGRAM}/registre/profils/${current?.id}/retrait`, {});
    assert.equal(again.statusCode, 409);

    const history = await manager.get(`/aide/${TEST_PROGRAM}/registre/historique`);
    assert.ok(history.body.includes(`data-grant="${grant?.id}" data-state="ended"`));

    const csv = await manager.get(`/aide/${TEST_PROGRAM}/registre.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(csv.headers['content-disposition']), /^attachment/);
    assert.ok(csv.body.startsWith('\uFEFF'));
    assert.ok(csv.body.includes(person.account.displayName));
    const exported = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'registry.registerExported'), eq(auditEvent.subjectId, orgA.organizationId)));
    assert.equal(exported.length, 1);
  });

  test('the hub says what the person holds and that a function opens no file; the manager alone sees the deputies link', async () => {
    const manager = await clientOf('managerA', orgA.manager);
    const hub = await manager.get(`/aide/${TEST_PROGRAM}`);
    assert.equal(hub.statusCode, 200);
    assertHasText(hub.body, 'registry.hub.functionNotice');
    assert.ok(hub.body.includes(`href="/aide/${TEST_PROGRAM}/adjoints"`));
    assert.ok(hub.body.includes(`href="/aide/${TEST_PROGRAM}/registre"`));
    assert.ok(hub.body.includes(`href="/aide/${TEST_PROGRAM}/designation"`));
    const d = await clientOf('deputy', deputy);
    const deputyHub = await d.get(`/aide/${TEST_PROGRAM}`);
    assert.ok(!deputyHub.body.includes(`href="/aide/${TEST_PROGRAM}/adjoints"`));
    assert.ok(deputyHub.body.includes(`href="/aide/${TEST_PROGRAM}/registre"`));
    const programs = await d.get('/aide');
    assert.ok(programs.body.includes(`href="/aide/${TEST_PROGRAM}"`));
    assert.equal((await d.get('/aide/inconnu')).statusCode, 404);
  });

  test('the mandatary manager attaches a member of the firm by user code, refuses others with a message, detaches after confirmation', async () => {
    const newcomer = await addTestMember(t.db, firmA.enterprise, 'Recrue');
    const fm = await clientOf('firmManagerA', firmA.manager);
    const page = await fm.get(`/aide/${TEST_PROGRAM}/point-de-service`);
    assert.equal(page.statusCode, 200);
    const attached = await fm.post(`/aide/${TEST_PROGRAM}/point-de-service/personnel`, { point: firmA.servicePointId, userCode: code(newcomer) });
    assert.equal(attached.statusCode, 303);
    await fm.follow(attached);
    const outsider = await fm.post(`/aide/${TEST_PROGRAM}/point-de-service/personnel`, { point: firmA.servicePointId, userCode: code(orgB.manager) });
    assert.equal(outsider.statusCode, 400);
    assertHasText(outsider.body, 'registry.staff.notMember');
    const twice = await fm.post(`/aide/${TEST_PROGRAM}/point-de-service/personnel`, { point: firmA.servicePointId, userCode: code(newcomer) });
    assertHasText(twice.body, 'registry.staff.alreadyHere');
    const [staff] = await t.db.select({ id: servicePointStaff.id }).from(servicePointStaff).where(and(eq(servicePointStaff.accountId, newcomer.account.id), isNull(servicePointStaff.endedAt)));
    const confirm = await fm.get(`/aide/${TEST_PROGRAM}/point-de-service/personnel/${staff?.id}/detachement`);
    assert.equal(confirm.statusCode, 200);
    const detached = await fm.post(`/aide/${TEST_PROGRAM}/point-de-service/personnel/${staff?.id}/detachement`, {});
    assert.equal(detached.statusCode, 303);
    assert.equal(detached.headers.location, `/aide/${TEST_PROGRAM}/point-de-service?point=${firmA.servicePointId}&fait=dissocie&profils=0`);
  });

  test('every route refuses a visitor, a citizen, another organization’s manager and a mandatary of another client', async () => {
    // Organization A's resources: a current grant, a running mandate, an attached person.
    const firmD = await createTestFirm(t.db, agent.account.id, { staff: 1 });
    const mandateId = await mandateFirm(t.db, orgA, firmD);
    const marked = orgA.members[3] as TestAccount;
    await grantTestProfile(t.db, orgA, marked, 'requester_read');
    await grantTestProfile(t.db, orgA, firmD.staff[0] as TestAccount, 'mandatary_read', firmD.servicePointId);
    const [grant] = await t.db.select({ id: profileGrant.id }).from(profileGrant).where(and(eq(profileGrant.accountId, marked.account.id), isNull(profileGrant.endedAt)));
    const [staff] = await t.db.select({ id: servicePointStaff.id }).from(servicePointStaff).where(eq(servicePointStaff.servicePointId, firmD.servicePointId));
    const ids: Record<string, string> = { ':program': TEST_PROGRAM, ':grantId': grant?.id ?? '', ':mandateId': mandateId, ':staffId': staff?.id ?? '' };
    const bodies: Record<string, Record<string, string>> = {
      '/aide/:program/registre/profils': { userCode: code(firmD.staff[0] as TestAccount), profile: 'requester_read' },
      '/aide/:program/registre/profils/:grantId': { profile: 'requester_write' },
      '/aide/:program/registre/mandats': { neq: firmD.enterprise.neq, servicePointId: '00000000-0000-4000-8000-000000000000', validUntil: '' },
      '/aide/:program/point-de-service/personnel': { point: firmD.servicePointId, userCode: code(marked) },
    };
    const outsiders: [string, TestAccount | null][] = [
      ['anonymous', null],
      ['citizen', await createTestAccount(t.db, 'citizen')],
      ['managerB', orgB.manager],
      ['mandataryB', firmB.staff[0] as TestAccount],
    ];
    for (const route of registryRoutes) {
      const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
      const path = pattern.replace(/:\w+/g, (name) => ids[name] ?? name);
      const hasIds = /:(grantId|mandateId|staffId)/.test(pattern);
      for (const [name, who] of outsiders) {
        const client = await clientOf(name, who);
        const response = method === 'GET' ? await client.get(path) : await post(client, path, bodies[pattern] ?? {}, who !== null);
        const label = `${name} ${route}: ${response.statusCode}`;
        if (name === 'anonymous') {
          assert.ok(response.statusCode === 303 || response.statusCode === 403, label);
          if (response.statusCode === 303) assert.match(String(response.headers.location), /^\/connexion/, label);
        } else if (name === 'citizen' || hasIds || method === 'POST') {
          assert.ok([400, 403, 404].includes(response.statusCode), label);
        } else {
          // Pages of one's own scope (one's programs, access, or own register): nothing of organization A.
          assert.ok([200, 403].includes(response.statusCode), label);
        }
        assert.ok(!response.body.includes(marked.account.displayName), `${label} shows organization A’s register`);
      }
    }
    // Nothing of organization A changed.
    const [still] = await t.db.select({ endedAt: profileGrant.endedAt }).from(profileGrant).where(eq(profileGrant.id, grant?.id ?? ''));
    assert.equal(still?.endedAt, null);
    const [running] = await t.db.select({ endedAt: mandate.endedAt }).from(mandate).where(eq(mandate.id, mandateId));
    assert.equal(running?.endedAt, null);
    const [attached] = await t.db.select({ endedAt: servicePointStaff.endedAt }).from(servicePointStaff).where(eq(servicePointStaff.id, staff?.id ?? ''));
    assert.equal(attached?.endedAt, null);
    const grants = await t.db.select().from(profileGrant).where(and(eq(profileGrant.organizationId, orgA.organizationId), isNull(profileGrant.endedAt)));
    assert.ok(grants.every((g) => g.grantedBy === orgA.manager.account.id || g.grantedBy === deputy.account.id));
  });
});
