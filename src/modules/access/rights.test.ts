import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { auditEvent } from '../../platform/audit/schema.js';
import { transaction } from '../../platform/db/index.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { upsertChildcareService } from '../childcare/service.js';
import { membershipOf } from '../enterprises/members.js';
import { addTestMember, createTestEnterprise, ctxOf, type TestEnterprise } from '../enterprises/members-test-support.js';
import { enterpriseMember } from '../enterprises/schema.js';
import { hashPassword } from '../identity/passwords.js';
import { account } from '../identity/schema.js';
import { assertHasText } from '../identity/test-support.js';
import { eserviceRight } from './schema.js';
import { hasRight, myRights, rightsMatrix, saveRights, transmitEnrolment } from './service.js';

const settings = { publicUrl: 'http://localhost:3000' };

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

/** Enrols the enterprise into the Famille e-services with a permit of its own: active at once. */
async function activateFamille(e: TestEnterprise): Promise<string> {
  const permit = `CPE-${randomInt(100_000, 999_999)}`;
  await upsertChildcareService(t.db, { permitNumber: permit, kind: 'cpe', name: `CPE ${permit}`, enterpriseNeq: e.neq });
  const row = await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'famille', ministryNumber: permit, otherInformation: null });
  assert.equal(row.state, 'active');
  return row.id;
}

/** Posts a form with repeated fields (checkbox groups), as a browser does, with the last page's CSRF token. */
async function postFields(client: TestClient, url: string, fields: [string, string][]): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams([...fields, ['_csrf', client.csrf()]]).toString();
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body,
  });
}

async function auditCount(action: string, subjectId: string): Promise<number> {
  return (await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, action), eq(auditEvent.subjectId, subjectId)))).length;
}

describe('rights of an enterprise’s users', () => {
  test('the RSE saves the matrix in one form; each grant and revocation is audited; the user sees their rights', async () => {
    const e = await createTestEnterprise(t.db);
    await activateFamille(e);
    const user = await addTestMember(t.db, e, 'Signataire');
    const client = t.client();
    await signInAs(client, e.rse);
    // One e-service at a time: the first one by default, a tab for each.
    const page = await client.get('/entreprise/droits');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`name="u_${user.account.id}" value="mes:sign"`));
    assert.ok(!page.body.includes('value="portal:'), 'one e-service at a time');
    assert.ok(page.body.includes('href="/entreprise/droits?service=portal"'), 'a tab for the other e-service');
    const portal = await client.get('/entreprise/droits?service=portal');
    assert.ok(portal.body.includes(`name="u_${user.account.id}" value="portal:manage_reserve"`));
    assert.ok(!portal.body.includes('value="aid:') && !(await client.get('/entreprise/droits?service=aid')).body.includes('value="aid:'), 'no right of an e-service the enterprise is not active in');

    const members: [string, string][] = [
      ['membres', e.rse.account.id],
      ['membres', user.account.id],
    ];
    const mes: [string, string][] = [['service', 'mes'], ...members];
    const saved = await postFields(client, '/entreprise/droits', [...mes, [`u_${user.account.id}`, 'mes:consult'], [`u_${user.account.id}`, 'mes:sign']]);
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/entreprise/droits?service=mes&accordes=2&retires=0');
    const portalSaved = await postFields(client, '/entreprise/droits', [['service', 'portal'], ...members, [`u_${e.rse.account.id}`, 'portal:manage_sheet']]);
    assert.equal(portalSaved.headers.location, '/entreprise/droits?service=portal&accordes=1&retires=0');
    assert.equal(await hasRight(t.db, user.account.id, 'mes', 'sign'), true);
    assert.equal(await hasRight(t.db, user.account.id, 'mes', 'enter'), false);
    assert.equal(await auditCount('right.granted', user.account.id), 2);
    assert.equal(await auditCount('right.granted', e.rse.account.id), 1);

    const shown = await client.get('/entreprise/droits?service=mes&accordes=2&retires=0');
    assertHasText(shown.body, 'rights.saved', { granted: 2, revoked: 0 });
    assert.match(shown.body, new RegExp(`name="u_${user.account.id}" value="mes:sign" checked`));

    // Unchecking one box revokes only that right; the others are untouched and not audited again.
    const second = await postFields(client, '/entreprise/droits', [...mes, [`u_${user.account.id}`, 'mes:consult']]);
    assert.equal(second.headers.location, '/entreprise/droits?service=mes&accordes=0&retires=1');
    assert.equal(await hasRight(t.db, user.account.id, 'mes', 'sign'), false);
    assert.equal(await hasRight(t.db, e.rse.account.id, 'portal', 'manage_sheet'), true, 'the MES form leaves the portal rights alone');
    assert.equal(await auditCount('right.revoked', user.account.id), 1);
    assert.equal(await auditCount('right.granted', user.account.id), 2);

    const own = await myRights(t.db, ctxOf(user));
    assert.deepEqual(own.rights, [{ eservice: 'mes', right: 'consult' }]);
    const userClient = t.client();
    await signInAs(userClient, user);
    const mine = await userClient.get('/entreprise/mes-droits');
    assert.equal(mine.statusCode, 200);
    assert.match(mine.body, /data-right="mes:consult"/);
    assert.doesNotMatch(mine.body, /data-right="mes:sign"/);

    // A box the page does not offer is a bad request, and nothing is saved.
    const forged = await postFields(client, '/entreprise/droits', [...mes, [`u_${user.account.id}`, 'aid:consult']]);
    assert.equal(forged.statusCode, 400);
    const otherTab = await postFields(client, '/entreprise/droits', [...mes, [`u_${user.account.id}`, 'portal:manage_sheet']]);
    assert.equal(otherTab.statusCode, 400, 'a box of another e-service than the form’s');
    assert.equal((await postFields(client, '/entreprise/droits', [...members, [`u_${user.account.id}`, 'mes:consult']])).statusCode, 400, 'a form without its e-service');
    assert.equal(await hasRight(t.db, user.account.id, 'mes', 'consult'), true);
  });

  test('a page of the matrix saves only the users it shows: the rights of users on other pages are never revoked', async () => {
    const e = await createTestEnterprise(t.db);
    await activateFamille(e);
    // 55 users in bulk (nobody signs in as them): with the RSE, two pages of users.
    const passwordHash = await hashPassword(`Essai-${randomInt(1e9)}-droits`);
    const users = await transaction(t.db, async (tx) => {
      const rows = await tx
        .insert(account)
        .values(Array.from({ length: 55 }, (_, i) => ({ kind: 'enterprise' as const, userCode: `P${String(i).padStart(2, '0')}${randomInt(1e4).toString().padStart(4, '0')}`, email: `page-${i}-${randomInt(1e6)}@garderie.test`, displayName: `Utilisatrice ${String(i).padStart(2, '0')}`, passwordHash })))
        .returning({ id: account.id });
      await tx.insert(enterpriseMember).values(rows.map((r) => ({ enterpriseId: e.enterpriseId, accountId: r.id, role: 'user' as const })));
      return rows.map((r) => r.id);
    });
    const everyone = [e.rse.account.id, ...users];
    const both = [{ eservice: 'mes' as const, right: 'consult' as const }, { eservice: 'portal' as const, right: 'manage_sheet' as const }];
    await saveRights(t.db, ctxOf(e.rse), e.enterpriseId, new Map(everyone.map((id) => [id, both])));

    const client = t.client();
    await signInAs(client, e.rse);
    const shownOn = (html: string) => [...html.matchAll(/name="membres" value="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const first = await client.get('/entreprise/droits?service=mes');
    const firstIds = shownOn(first.body);
    assert.equal(firstIds.length, 50, '50 users a page');
    assert.equal(firstIds[0], e.rse.account.id, 'the RSE first, then by name');
    assertHasText(first.body, 'rights.shown', { from: 1, to: 50, total: 56 });
    assert.ok(first.body.includes('href="/entreprise/droits?service=mes&amp;page=2"'), 'a link to the next users');
    const secondIds = shownOn((await client.get('/entreprise/droits?service=mes&page=2')).body);
    assert.equal(secondIds.length, 6);
    assert.deepEqual(new Set([...firstIds, ...secondIds]), new Set(everyone), 'every user on one page or the other');

    // Every box of the first page unchecked: only those 50 users lose their MES right.
    const saved = await postFields(client, '/entreprise/droits', [['service', 'mes'], ['page', '1'], ...firstIds.map((id): [string, string] => ['membres', id])]);
    assert.equal(saved.headers.location, '/entreprise/droits?service=mes&accordes=0&retires=50');
    for (const id of firstIds) {
      assert.equal(await hasRight(t.db, id, 'mes', 'consult'), false);
      assert.equal(await hasRight(t.db, id, 'portal', 'manage_sheet'), true, 'another e-service is untouched');
    }
    for (const id of secondIds) assert.equal(await hasRight(t.db, id, 'mes', 'consult'), true, 'a user of another page keeps the right');

    // The second page, saved with its boxes as shown, changes nothing and comes back to page 2.
    const kept = await postFields(client, '/entreprise/droits', [['service', 'mes'], ['page', '2'], ...secondIds.flatMap((id): [string, string][] => [['membres', id], [`u_${id}`, 'mes:consult']])]);
    assert.equal(kept.headers.location, '/entreprise/droits?service=mes&page=2&accordes=0&retires=0');
  });

  test('a right is not grantable for an e-service the enterprise is not active in (service and database)', async () => {
    const e = await createTestEnterprise(t.db);
    const user = await addTestMember(t.db, e);
    const desired = new Map([[user.account.id, [{ eservice: 'mes' as const, right: 'sign' as const }]]]);
    await assert.rejects(saveRights(t.db, ctxOf(e.rse), e.enterpriseId, desired), { status: 409, messageKey: 'rights.eserviceNotActive' });
    // Processing is not active either.
    await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'famille', ministryNumber: `GAR-${randomInt(1e5, 1e6)}`, otherInformation: null });
    await assert.rejects(saveRights(t.db, ctxOf(e.rse), e.enterpriseId, desired), { status: 409 });
    assert.deepEqual((await rightsMatrix(t.db, ctxOf(e.rse), e.enterpriseId)).rights, []);
    // The database refuses it too, whatever the service does.
    await assert.rejects(
      t.db.insert(eserviceRight).values({ enterpriseId: e.enterpriseId, accountId: user.account.id, eservice: 'mes', right: 'sign', grantedBy: e.rse.account.id }),
      (error: unknown) => /not active in e-service/.test(String((error as { cause?: unknown }).cause ?? error)),
    );
  });

  test('the database refuses a right for a user of another enterprise', async () => {
    const a = await createTestEnterprise(t.db);
    const b = await createTestEnterprise(t.db);
    await activateFamille(a);
    const userOfB = await addTestMember(t.db, b);
    await assert.rejects(
      t.db.insert(eserviceRight).values({ enterpriseId: a.enterpriseId, accountId: userOfB.account.id, eservice: 'mes', right: 'consult', grantedBy: a.rse.account.id }),
      (error: unknown) => /eservice_right_member_fk/.test(String((error as { cause?: unknown }).cause ?? error)),
    );
    // The service refuses it before the database does.
    await assert.rejects(saveRights(t.db, ctxOf(a.rse), a.enterpriseId, new Map([[userOfB.account.id, [{ eservice: 'mes' as const, right: 'consult' as const }]]])), { status: 404 });
    // The same insert for a user of the enterprise passes: the refusal is about the enterprise.
    const userOfA = await addTestMember(t.db, a);
    await t.db.insert(eserviceRight).values({ enterpriseId: a.enterpriseId, accountId: userOfA.account.id, eservice: 'mes', right: 'consult', grantedBy: a.rse.account.id });
  });

  test('the database refuses an active enterprise without an active RSE, at commit', async () => {
    const e = await createTestEnterprise(t.db);
    const demote = (enterpriseId: string) =>
      transaction(t.db, async (tx) => {
        await tx.update(enterpriseMember).set({ role: 'user' }).where(and(eq(enterpriseMember.enterpriseId, enterpriseId), eq(enterpriseMember.role, 'rse')));
      });
    await assert.rejects(demote(e.enterpriseId), (error: unknown) => /without an active RSE/.test(String((error as { cause?: unknown }).cause ?? error)));
    await assert.rejects(
      transaction(t.db, (tx) => tx.update(enterpriseMember).set({ active: false }).where(eq(enterpriseMember.accountId, e.rse.account.id))),
      (error: unknown) => /without an active RSE/.test(String((error as { cause?: unknown }).cause ?? error)),
    );
    assert.equal((await membershipOf(t.db, e.rse.account.id))?.role, 'rse');
    // Within one transaction, naming another RSE after the first steps down is allowed.
    const user = await addTestMember(t.db, e);
    await transaction(t.db, async (tx) => {
      await tx.update(enterpriseMember).set({ role: 'user' }).where(eq(enterpriseMember.accountId, e.rse.account.id));
      await tx.update(enterpriseMember).set({ role: 'rse' }).where(eq(enterpriseMember.accountId, user.account.id));
    });
    // An enterprise whose enrolment is not active yet is not held to it.
    const deferred = await createTestEnterprise(t.db, { active: false });
    await demote(deferred.enterpriseId);
    assert.equal((await membershipOf(t.db, deferred.rse.account.id))?.role, 'user');
  });
});

describe('every route of members, e-services and rights refuses those it is not for', () => {
  let a: TestEnterprise;
  let userOfA: TestAccount;
  let enrolmentId: string;
  const clients: Record<'otherRse' | 'plainUser' | 'citizen' | 'anonymous' | 'rseOfA', TestClient> = {} as Record<'otherRse' | 'plainUser' | 'citizen' | 'anonymous' | 'rseOfA', TestClient>;

  before(async () => {
    a = await createTestEnterprise(t.db);
    enrolmentId = await activateFamille(a);
    userOfA = await addTestMember(t.db, a, 'Ordinaire');
    const other = await createTestEnterprise(t.db);
    const citizen = await createTestAccount(t.db, 'citizen');
    clients.otherRse = t.client();
    await signInAs(clients.otherRse, other.rse);
    clients.plainUser = t.client();
    await signInAs(clients.plainUser, userOfA);
    clients.citizen = t.client();
    await signInAs(clients.citizen, citizen);
    clients.rseOfA = t.client();
    await signInAs(clients.rseOfA, a.rse);
    clients.anonymous = t.client();
  });

  type Route = {
    method: 'GET' | 'POST';
    url: () => string;
    body?: () => [string, string][];
    /** The route names something of enterprise A (a user, an enrolment): another enterprise's RSE is refused. */
    aboutA?: boolean;
    /** About one's own data: any member may use it. */
    ownData?: boolean;
    agentOnly?: boolean;
  };
  const routes: Route[] = [
    { method: 'GET', url: () => '/entreprise/utilisateurs' },
    { method: 'POST', url: () => '/entreprise/utilisateurs', body: () => [['firstName', 'Intrus'], ['lastName', 'Essai'], ['email', 'intrus@garderie.test']] },
    { method: 'POST', url: () => `/entreprise/utilisateurs/${userOfA.account.id}/desactiver`, body: () => [], aboutA: true },
    { method: 'GET', url: () => `/entreprise/utilisateurs/${userOfA.account.id}/rse`, aboutA: true },
    { method: 'POST', url: () => `/entreprise/utilisateurs/${userOfA.account.id}/rse`, body: () => [['confirm', 'oui']], aboutA: true },
    { method: 'GET', url: () => '/entreprise/services-en-ligne' },
    { method: 'GET', url: () => '/entreprise/services-en-ligne/mamh' },
    { method: 'POST', url: () => '/entreprise/services-en-ligne/mamh', body: () => [['ministryNumber', '66023'], ['otherInformation', '']] },
    { method: 'POST', url: () => '/entreprise/services-en-ligne/mamh/transmettre', body: () => [['ministryNumber', '66023'], ['otherInformation', ''], ['consent', 'oui']] },
    { method: 'GET', url: () => '/entreprise/droits' },
    { method: 'POST', url: () => '/entreprise/droits', body: () => [['service', 'mes'], ['membres', userOfA.account.id], [`u_${userOfA.account.id}`, 'mes:sign']], aboutA: true },
    { method: 'GET', url: () => '/entreprise/mes-droits', ownData: true },
    { method: 'GET', url: () => '/agent/services-en-ligne', agentOnly: true, aboutA: true },
    { method: 'GET', url: () => `/agent/services-en-ligne/${enrolmentId}`, agentOnly: true, aboutA: true },
    { method: 'POST', url: () => `/agent/services-en-ligne/${enrolmentId}/accepter`, body: () => [], agentOnly: true, aboutA: true },
    { method: 'POST', url: () => `/agent/services-en-ligne/${enrolmentId}/refuser`, body: () => [['reason', 'Intrus']], agentOnly: true, aboutA: true },
  ];

  async function call(client: TestClient, route: Route): Promise<LightMyRequestResponse> {
    if (route.method === 'GET') return client.get(route.url());
    // A page with a form first, for the CSRF token a browser would have.
    const page = await client.get('/compte');
    if (page.statusCode !== 200) await client.get('/connexion');
    return postFields(client, route.url(), route.body?.() ?? []);
  }

  for (const who of ['otherRse', 'plainUser', 'citizen', 'anonymous'] as const) {
    test(`${who}: refused on every route`, async () => {
      for (const route of routes) {
        if (route.ownData && (who === 'plainUser' || who === 'otherRse')) continue;
        const label = `${who} ${route.method} ${route.url()}`;
        const response = await call(clients[who], route);
        if (who === 'anonymous') {
          assert.equal(response.statusCode, 303, label);
          assert.match(String(response.headers.location), /^\/connexion/, label);
        } else if (who === 'otherRse' && !route.aboutA) {
          // Another enterprise's RSE manages its own enterprise there: nothing of A shows.
          assert.ok(response.statusCode < 500, label);
          assert.ok(!response.body.includes(userOfA.account.displayName), `${label} shows nothing of enterprise A`);
        } else {
          assert.ok([403, 404].includes(response.statusCode), `${label}: ${response.statusCode}`);
        }
      }
      // Nothing changed in enterprise A.
      assert.deepEqual(await membershipOf(t.db, userOfA.account.id), { enterpriseId: a.enterpriseId, role: 'user', active: true, enterpriseActive: true });
      assert.equal(await hasRight(t.db, userOfA.account.id, 'mes', 'sign'), false);
    });
  }

  test('the RSE of the enterprise is refused on the agents’ routes', async () => {
    for (const route of routes.filter((r) => r.agentOnly)) {
      const response = await call(clients.rseOfA, route);
      assert.equal(response.statusCode, 403, `${route.method} ${route.url()}`);
    }
  });
});
