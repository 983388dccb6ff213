import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { createTestAccount, signInAs } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { account, session } from '../identity/schema.js';
import { assertHasText, assertRedirect } from '../identity/test-support.js';
import { deactivateMember, listMembers, membershipOf, transferRse } from './members.js';
import { addTestMember, createTestEnterprise, ctxOf } from './members-test-support.js';
import { enterpriseMember } from './schema.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

async function auditOf(action: string, subjectId: string) {
  return t.db.select().from(auditEvent).where(and(eq(auditEvent.action, action), eq(auditEvent.subjectId, subjectId)));
}

describe('enterprise members', () => {
  test('membershipOf tells the enterprise, the role and whether the enterprise is active', async () => {
    const active = await createTestEnterprise(t.db);
    const deferred = await createTestEnterprise(t.db, { active: false });
    assert.deepEqual(await membershipOf(t.db, active.rse.account.id), { enterpriseId: active.enterpriseId, role: 'rse', active: true, enterpriseActive: true });
    assert.deepEqual(await membershipOf(t.db, deferred.rse.account.id), { enterpriseId: deferred.enterpriseId, role: 'rse', active: true, enterpriseActive: false });
  });

  test('the RSE adds a user: a one-time page shows the user code and the temporary password, which works once', async () => {
    const e = await createTestEnterprise(t.db);
    const client = t.client();
    await signInAs(client, e.rse);
    const page = await client.get('/entreprise/utilisateurs');
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'members.add.title');

    const invalid = await client.post('/entreprise/utilisateurs', { firstName: '', lastName: 'Roy', email: 'pas-un-courriel' });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /href="#firstName"/);

    const added = await client.post('/entreprise/utilisateurs', { firstName: 'Jeanne', lastName: 'Roy', email: 'jeanne.roy@garderie.test' });
    assert.equal(added.statusCode, 200);
    assertHasText(added.body, 'members.added.title', { name: 'Jeanne Roy' });
    const userCode = /data-user-code[^>]*>([A-Z0-9]{7})</.exec(added.body)?.[1];
    const password = /data-temporary-password[^>]*>([^<]+)</.exec(added.body)?.[1];
    assert.ok(userCode && password);

    const [created] = await t.db.select().from(account).where(eq(account.userCode, userCode));
    assert.ok(created);
    assert.equal(created.kind, 'enterprise');
    assert.equal(created.passwordIsTemporary, true);
    assert.deepEqual(await membershipOf(t.db, created.id), { enterpriseId: e.enterpriseId, role: 'user', active: true, enterpriseActive: true });
    assert.equal((await auditOf('member.added', created.id)).length, 1);

    // The list shows the user, not the password.
    const list = await client.get('/entreprise/utilisateurs');
    assert.ok(list.body.includes(userCode));
    assert.ok(!list.body.includes(password));

    // The new user signs in with the temporary password and is asked to change it.
    const newcomer = t.client();
    await newcomer.get('/connexion');
    const signIn = await newcomer.post('/connexion', { identifier: userCode, password });
    assertRedirect(signIn, '/mot-de-passe/changer');
  });

  test('deactivating a user disables the account and ends its sessions; the RSE cannot be deactivated', async () => {
    const e = await createTestEnterprise(t.db);
    const user = await addTestMember(t.db, e);
    const userClient = t.client();
    await signInAs(userClient, user);
    assert.equal((await t.db.select().from(session).where(eq(session.accountId, user.account.id))).length, 1);

    const rseClient = t.client();
    await signInAs(rseClient, e.rse);
    await rseClient.get('/entreprise/utilisateurs');
    const done = await rseClient.post(`/entreprise/utilisateurs/${user.account.id}/desactiver`, {});
    assertRedirect(done, '/entreprise/utilisateurs?fait=desactive');

    const [member] = await t.db.select().from(enterpriseMember).where(eq(enterpriseMember.accountId, user.account.id));
    assert.equal(member?.active, false);
    const [acc] = await t.db.select().from(account).where(eq(account.id, user.account.id));
    assert.ok(acc?.disabledAt);
    assert.equal((await t.db.select().from(session).where(eq(session.accountId, user.account.id))).length, 0);
    assert.equal((await auditOf('member.deactivated', user.account.id)).length, 1);
    assert.equal((await auditOf('account.disabled', user.account.id)).length, 1);
    // The user's browser is signed out.
    const after = await userClient.get('/compte');
    assert.equal(after.statusCode, 303);
    assert.match(String(after.headers.location), /^\/connexion/);

    await rseClient.get('/entreprise/utilisateurs');
    const again = await rseClient.post(`/entreprise/utilisateurs/${user.account.id}/desactiver`, {});
    assert.equal(again.statusCode, 409);
    await assert.rejects(deactivateMember(t.db, ctxOf(e.rse), e.enterpriseId, e.rse.account.id), { messageKey: 'members.deactivate.rse' });
  });

  test('naming another RSE asks for confirmation; the old RSE becomes a user and loses the page', async () => {
    const e = await createTestEnterprise(t.db);
    const user = await addTestMember(t.db, e, 'Relève');
    const client = t.client();
    await signInAs(client, e.rse);
    const confirm = await client.get(`/entreprise/utilisateurs/${user.account.id}/rse`);
    assert.equal(confirm.statusCode, 200);
    assertHasText(confirm.body, 'members.transfer.warning', { name: user.account.displayName });
    // Nothing changes before the confirmation.
    assert.equal((await membershipOf(t.db, user.account.id))?.role, 'user');

    const done = await client.post(`/entreprise/utilisateurs/${user.account.id}/rse`, { confirm: 'oui' });
    assert.equal(done.statusCode, 303);
    assert.equal((await membershipOf(t.db, user.account.id))?.role, 'rse');
    assert.equal((await membershipOf(t.db, e.rse.account.id))?.role, 'user');
    assert.equal((await auditOf('member.rse-transferred', user.account.id)).length, 1);
    assert.equal((await client.get('/entreprise/utilisateurs')).statusCode, 403);

    // The new RSE manages the users now.
    const next = t.client();
    await signInAs(next, user);
    assert.equal((await next.get('/entreprise/utilisateurs')).statusCode, 200);
  });

  test('an enterprise whose enrolment is not active has no user management yet', async () => {
    const e = await createTestEnterprise(t.db, { active: false });
    const client = t.client();
    await signInAs(client, e.rse);
    assert.equal((await client.get('/entreprise/utilisateurs')).statusCode, 403);
    await assert.rejects(listMembers(t.db, ctxOf(e.rse), e.enterpriseId), { status: 403 });
  });

  test('a plain user and another enterprise’s RSE cannot act on the enterprise’s members', async () => {
    const e = await createTestEnterprise(t.db);
    const other = await createTestEnterprise(t.db);
    const user = await addTestMember(t.db, e);
    const victim = await addTestMember(t.db, e);
    await assert.rejects(listMembers(t.db, ctxOf(user), e.enterpriseId), { status: 403 });
    await assert.rejects(deactivateMember(t.db, ctxOf(other.rse), e.enterpriseId, victim.account.id), { status: 403 });
    // Acting through its own enterprise, another RSE does not find the account.
    await assert.rejects(deactivateMember(t.db, ctxOf(other.rse), other.enterpriseId, victim.account.id), { status: 404 });
    await assert.rejects(transferRse(t.db, ctxOf(other.rse), other.enterpriseId, victim.account.id), { status: 404 });
    assert.equal((await membershipOf(t.db, victim.account.id))?.active, true);
  });
});

describe('workspaces', () => {
  test('/entreprise shows an RSE its enterprise and every page of its role; a plain user only its own', async () => {
    const e = await createTestEnterprise(t.db);
    const rse = t.client();
    await signInAs(rse, e.rse);
    const rsePage = await rse.get('/entreprise');
    assert.equal(rsePage.statusCode, 200);
    assert.ok(rsePage.body.includes(e.neq));
    for (const href of ['/entreprise/inscription', '/entreprise/services-en-ligne', '/entreprise/utilisateurs', '/entreprise/droits', '/entreprise/mes-droits']) {
      assert.ok(rsePage.body.includes(`href="${href}"`), href);
    }
    const user = t.client();
    await signInAs(user, await addTestMember(t.db, e));
    const userPage = await user.get('/entreprise');
    assert.ok(userPage.body.includes('href="/entreprise/mes-droits"'));
    assert.ok(!userPage.body.includes('href="/entreprise/droits"'));
    assert.ok(!userPage.body.includes('href="/entreprise/utilisateurs"'));
  });

  test('/entreprise names no enterprise for a citizen or an agent, and sends anonymous visitors to sign in', async () => {
    const e = await createTestEnterprise(t.db);
    for (const kind of ['citizen', 'agent'] as const) {
      const client = t.client();
      await signInAs(client, await createTestAccount(t.db, kind));
      const page = await client.get('/entreprise');
      assert.equal(page.statusCode, 200);
      assertHasText(page.body, 'workspace.none');
      assert.ok(!page.body.includes(e.legalName));
    }
    assertRedirect(await t.client().get('/entreprise'), '/connexion?retour=%2Fentreprise');
  });

  test('/agent is the agents’ entry point: an RSE and a citizen are refused, anonymous visitors sent to sign in', async () => {
    const agent = t.client();
    await signInAs(agent, await createTestAccount(t.db, 'agent'));
    const page = await agent.get('/agent');
    assert.equal(page.statusCode, 200);
    for (const href of ['/agent/inscriptions', '/agent/services-en-ligne', '/agent/lettres', '/agent/journal']) assert.ok(page.body.includes(`href="${href}"`), href);
    const e = await createTestEnterprise(t.db);
    const rse = t.client();
    await signInAs(rse, e.rse);
    assert.equal((await rse.get('/agent')).statusCode, 403);
    const citizen = t.client();
    await signInAs(citizen, await createTestAccount(t.db, 'citizen'));
    assert.equal((await citizen.get('/agent')).statusCode, 403);
    assertRedirect(await t.client().get('/agent'), '/connexion?retour=%2Fagent');
  });
});
