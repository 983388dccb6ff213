import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { desc } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { GENESIS_HASH, hashEvent, verifyAuditChain } from '../../platform/audit/service.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { quebecMidnight } from '../../platform/time/index.js';
import { assertHasText, assertRedirect, auditEventsFor, enrolFromPage } from './test-support.js';

let t: TestApp;
let agent: TestAccount;
let agentClient: TestClient;
before(async () => {
  t = await buildTestApp();
  agent = await createTestAccount(t.db, 'agent');
  agentClient = t.client();
  assertRedirect(await signInAs(agentClient, agent), '/compte');
});
after(async () => t.close());

/** Appends an event dated in the past, chained like any other (the journal is append-only). */
async function appendEvent(action: string, occurredAt: Date): Promise<void> {
  const [last] = await t.db.select({ hash: auditEvent.hash }).from(auditEvent).orderBy(desc(auditEvent.id)).limit(1);
  const fields = {
    previousHash: last?.hash ?? GENESIS_HASH,
    occurredAt,
    actorKind: 'system',
    actorId: 'test',
    action,
    subjectType: null,
    subjectId: null,
    requestId: null,
    ip: null,
    details: {},
  };
  await t.db.insert(auditEvent).values({ ...fields, hash: hashEvent(fields) });
}

type Row = { id: number; actor: string; action: string; subject: string };

/** The rows of the audit table, newest first. */
function rows(body: string): Row[] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) => {
    const cells = [...(tr[1] ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1] ?? '');
    return { id: Number(cells[0]), actor: cells[2] ?? '', action: cells[3] ?? '', subject: cells[4] ?? '' };
  });
}

async function journal(query = ''): Promise<Row[]> {
  const response = await agentClient.get(`/agent/journal${query}`);
  assert.equal(response.statusCode, 200);
  return rows(response.body);
}

async function signIn(client: TestClient, identifier: string, password: string) {
  await client.get('/connexion');
  return client.post('/connexion', { identifier, password });
}

describe('audit page', () => {
  test('an agent sees the newest events first and can filter by action', async () => {
    const citizen = await createTestAccount(t.db, 'citizen');
    await signIn(t.client(), citizen.identifier, 'Pas-le-bon-mot-de-passe');
    const response = await agentClient.get('/agent/journal');
    assert.equal(response.statusCode, 200);
    assertHasText(response.body, 'audit.intro', { limit: 200 });
    const all = rows(response.body);
    assert.ok(all.length > 0);
    assert.deepEqual(
      all.map((r) => r.id),
      [...all.map((r) => r.id)].sort((a, b) => b - a),
    );
    assert.ok(all.some((r) => r.action === 'signin.failed' && r.subject === `account ${citizen.account.id}`));
    // The action filter offers the actions recorded so far.
    assert.ok(response.body.includes('<option value="signin.failed">signin.failed</option>'));

    const failed = await agentClient.get('/agent/journal?action=signin.failed');
    const failedRows = rows(failed.body);
    assert.ok(failedRows.length >= 1);
    assert.ok(failedRows.every((r) => r.action === 'signin.failed'));
    assert.ok(failed.body.includes('<option value="signin.failed" selected>signin.failed</option>'));
  });

  test('an agent filters by actor', async () => {
    const citizen = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, citizen);
    await client.get('/compte');
    await client.post('/deconnexion', {});
    const byActor = await journal(`?acteur=${citizen.account.id}`);
    assert.ok(byActor.length >= 1);
    assert.ok(byActor.every((r) => r.actor === `citizen ${citizen.account.id}`));
    assert.ok(byActor.some((r) => r.action === 'signout'));
    const both = await journal(`?acteur=${citizen.account.id}&action=signin.succeeded`);
    assert.deepEqual(both, []);
  });

  test('date filters: a period without events says so; a malformed date is refused', async () => {
    const future = await agentClient.get('/agent/journal?du=2099-01-01');
    assert.equal(future.statusCode, 200);
    assertHasText(future.body, 'audit.none');
    assert.deepEqual(rows(future.body), []);
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/Toronto' });
    assert.ok((await journal(`?du=${today}&au=${today}`)).length > 0);
    assert.equal((await agentClient.get('/agent/journal?du=hier')).statusCode, 400);
  });

  test('day filters follow Quebec time, summer and winter', async () => {
    // 00:30 in Montréal on 1 July (UTC-4) and on 15 January (UTC-5).
    await appendEvent('test.summer-midnight', new Date('2026-07-01T04:30:00Z'));
    await appendEvent('test.winter-midnight', new Date('2026-01-15T05:30:00Z'));
    const shown = async (query: string) => (await journal(query)).map((r) => r.action);
    assert.deepEqual(await shown('?action=test.summer-midnight&du=2026-07-01&au=2026-07-01'), ['test.summer-midnight']);
    assert.deepEqual(await shown('?action=test.summer-midnight&au=2026-06-30'), []);
    assert.deepEqual(await shown('?action=test.summer-midnight&du=2026-07-02'), []);
    assert.deepEqual(await shown('?action=test.winter-midnight&du=2026-01-15&au=2026-01-15'), ['test.winter-midnight']);
    assert.deepEqual(await shown('?action=test.winter-midnight&au=2026-01-14'), []);
    assert.equal(quebecMidnight('2026-07-01').toISOString(), '2026-07-01T04:00:00.000Z');
    assert.equal(quebecMidnight('2026-01-15').toISOString(), '2026-01-15T05:00:00.000Z');
    // The day clocks go forward has 23 hours; the day after 31 December is in the next year.
    assert.equal(quebecMidnight('2026-03-08', 1).toISOString(), '2026-03-09T04:00:00.000Z');
    assert.equal(quebecMidnight('2026-12-31', 1).toISOString(), '2027-01-01T05:00:00.000Z');
    assert.equal((await verifyAuditChain(t.db)).ok, true);
  });

  test('citizens and enterprise users get 403; anonymous visitors go to sign-in; half-signed-in agents finish first', async () => {
    for (const kind of ['citizen', 'enterprise'] as const) {
      const who = await createTestAccount(t.db, kind);
      const client = t.client();
      assertRedirect(await signInAs(client, who), '/compte');
      const response = await client.get('/agent/journal');
      assert.equal(response.statusCode, 403, kind);
      assertHasText(response.body, 'error.forbidden');
      assert.ok(!response.body.includes('<table'));
    }
    assertRedirect(await t.client().get('/agent/journal'), '/connexion?retour=%2Fagent%2Fjournal');
    const other = await createTestAccount(t.db, 'agent');
    const halfway = t.client();
    assertRedirect(await signIn(halfway, other.identifier, other.password), '/connexion/mfa');
    assertRedirect(await halfway.get('/agent/journal'), '/connexion/mfa');
  });

  test('only agents see the link to their workspace, which leads to the journal, on their account page', async () => {
    assert.ok((await agentClient.get('/compte')).body.includes('href="/agent"'));
    assert.ok((await agentClient.get('/agent')).body.includes('href="/agent/journal"'));
    const citizen = await createTestAccount(t.db, 'citizen');
    const client = t.client();
    await signInAs(client, citizen);
    assert.ok(!(await client.get('/compte')).body.includes('href="/agent"'));
  });
});

describe('audited identity events', () => {
  test('sign-in, failed sign-in, lock, MFA enabling and password change each write an event, shown on the page', async () => {
    const who = await createTestAccount(t.db, 'enterprise', { mfa: false, temporary: true });
    const subject = `account ${who.account.id}`;
    const client = t.client();
    assert.equal((await signIn(client, who.identifier, 'Pas-le-bon-mot-de-passe')).statusCode, 401);
    assertRedirect(await signIn(client, who.identifier, who.password), '/mot-de-passe/changer');
    await client.get('/mot-de-passe/changer');
    const newPassword = 'Nouvelle-phrase-de-passe-solide';
    assertRedirect(await client.post('/mot-de-passe/changer', { newPassword, confirmPassword: newPassword }), '/connexion/mfa/inscription');
    await enrolFromPage(client);

    const locked = await createTestAccount(t.db, 'citizen');
    for (let i = 0; i < 5; i++) await signIn(t.client(), locked.identifier, `Mauvais-mot-de-passe-${i}`);

    const expected: [string, string][] = [
      ['signin.failed', subject],
      ['signin.password-accepted', subject],
      ['password.changed', subject],
      ['mfa.enabled', subject],
      ['account.locked', `account ${locked.account.id}`],
    ];
    for (const [action, about] of expected) {
      assert.equal((await auditEventsFor(t.db, about.split(' ')[1]!, action)).length, 1, action);
      const shown = await journal(`?action=${encodeURIComponent(action)}`);
      assert.ok(shown.some((r) => r.subject === about), `${action} about ${about} is on the page`);
    }
    const citizen = await createTestAccount(t.db, 'citizen');
    await signInAs(t.client(), citizen);
    const [succeeded] = await auditEventsFor(t.db, citizen.account.id, 'signin.succeeded');
    assert.ok(succeeded);
    assert.ok((await journal('?action=signin.succeeded')).some((r) => r.subject === `account ${citizen.account.id}`));
  });

  test('the audit chain stays intact through all of this', async () => {
    const report = await verifyAuditChain(t.db);
    assert.equal(report.ok, true);
    assert.ok(report.count > 20);
  });
});
