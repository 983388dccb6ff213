import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ctx } from '../../platform/context.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { decideEnrolment, enrolmentQueue, transmitEnrolment } from '../access/service.js';
import { createTestEnterprise, ctxOf } from '../enterprises/members-test-support.js';
import { agentDirectorates, agentOfDirectorate, type AgentAssignment } from './agents.js';

const settings = { publicUrl: 'http://localhost:3000' };

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

async function agentWith(roles: AgentAssignment[]): Promise<{ account: TestAccount; ctx: Ctx }> {
  const account = await createTestAccount(t.db, 'agent', { agentRoles: roles });
  return { account, ctx: { actor: { type: 'account', accountId: account.account.id, accountKind: 'agent', displayName: 'Agent' }, lang: 'fr', requestId: null, ip: null } };
}

async function signedIn(account: TestAccount): Promise<TestClient> {
  const client = t.client();
  await signInAs(client, account);
  return client;
}

describe('agent roles', () => {
  test('each agents’ page is open only to the role that works there', async () => {
    const registry = await signedIn((await agentWith([{ role: 'registry', directorateCode: null }])).account);
    const famille = await signedIn((await agentWith([{ role: 'famille', directorateCode: '12' }])).account);
    const none = await signedIn((await agentWith([])).account);
    const pages: [string, TestClient[], TestClient[]][] = [
      ['/agent/inscriptions', [registry], [famille, none]],
      ['/agent/lettres', [registry], [famille, none]],
      ['/agent/services-en-ligne', [famille], [registry, none]],
    ];
    for (const [path, allowed, refused] of pages) {
      for (const client of allowed) assert.equal((await client.get(path)).statusCode, 200, path);
      for (const client of refused) assert.equal((await client.get(path)).statusCode, 403, path);
    }
    const home = await famille.get('/agent');
    assert.match(home.body, /href="\/agent\/mes"/);
    assert.doesNotMatch(home.body, /href="\/agent\/inscriptions"/);
    assert.match((await none.get('/agent')).body, /Aucun rôle/);
  });

  test('an agent decides only the e-service enrolments of its ministry and sees only those', async () => {
    const famille = await agentWith([{ role: 'famille', directorateCode: null }]);
    const mamh = await agentWith([{ role: 'mamh', directorateCode: null }]);
    const e = await createTestEnterprise(t.db);
    const row = await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'mamh', ministryNumber: '12345', otherInformation: null });
    assert.equal(row.state, 'processing');
    assert.ok(!(await enrolmentQueue(t.db, famille.ctx)).some((entry) => entry.id === row.id));
    assert.ok((await enrolmentQueue(t.db, mamh.ctx)).some((entry) => entry.id === row.id));
    await assert.rejects(decideEnrolment(t.db, famille.ctx, settings, row.id, { outcome: 'accept' }), { status: 403 });
    assert.equal((await decideEnrolment(t.db, mamh.ctx, settings, row.id, { outcome: 'accept' })).state, 'active');
  });

  test('a directorate role covers its directorate, or every one when it names none', async () => {
    const montreal = await agentWith([{ role: 'famille', directorateCode: '12' }, { role: 'famille', directorateCode: '13' }]);
    const national = await agentWith([{ role: 'famille', directorateCode: null }, { role: 'famille', directorateCode: '11' }]);
    const registry = await agentWith([{ role: 'registry', directorateCode: null }]);
    const covered = await agentDirectorates(t.db, montreal.account.account.id, 'famille');
    assert.deepEqual(covered === 'all' ? covered : [...covered].sort(), ['12', '13']);
    assert.equal(await agentDirectorates(t.db, national.account.account.id, 'famille'), 'all');
    assert.deepEqual(await agentDirectorates(t.db, registry.account.account.id, 'famille'), []);
    const rule = agentOfDirectorate('famille');
    assert.equal(await rule(montreal.ctx.actor, { directorateCode: '12' }, t.db), true);
    assert.equal(await rule(montreal.ctx.actor, { directorateCode: '11' }, t.db), false);
    assert.equal(await rule(national.ctx.actor, { directorateCode: '14' }, t.db), true);
    assert.equal(await rule(registry.ctx.actor, { directorateCode: '12' }, t.db), false);
    const enterpriseUser = await createTestAccount(t.db, 'enterprise');
    assert.equal(await rule({ type: 'account', accountId: enterpriseUser.account.id, accountKind: 'enterprise', displayName: 'E' }, { directorateCode: '12' }, t.db), false);
  });
});
