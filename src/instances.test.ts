import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ConfigInput } from './config.js';
import { SESSION_COOKIE } from './modules/identity/test-support.js';
import { createTestAccount, signInAs, tryPassword } from './platform/testing/accounts.js';
import { buildTestApp, TestClient, type TestApp } from './platform/testing/app.js';
import { enqueueMail, type OutboxRow } from './platform/outbox/service.js';
import type { MailTransport } from './platform/outbox/worker.js';
import { redisSkipReason, TEST_REDIS_URL } from './platform/ratelimit/testing.js';
import { rateLimitCounter } from './platform/ratelimit/schema.js';

/**
 * Issue 9, item 1: two instances of the app on one database behave as one service. Here both run
 * in this process on the same database handle (and, with REDIS_URL, each with its own connection
 * to one Redis), so whatever one of them kept in its own memory (sessions, counters, claims) would
 * show as a difference between them.
 */
type Pair = { a: TestApp; b: FastifyInstance; sent: OutboxRow[]; close(): Promise<void> };

async function twoInstances(config: ConfigInput = {}): Promise<Pair> {
  const sent: OutboxRow[] = [];
  // Both instances hand their mail to the same SMTP server: one list of what it received.
  const transport: MailTransport = { name: 'recording', send: async (row) => void sent.push(row), close: () => undefined };
  const a = await buildTestApp({ config, mailTransport: transport });
  const b = await buildApp({ config: a.config, database: a.database, mailTransport: transport, outboxIntervalMs: 3_600_000 });
  await b.ready();
  return {
    a,
    b,
    sent,
    async close() {
      await b.close();
      await a.close();
    },
  };
}

describe('two instances on one database', () => {
  let pair: Pair;
  before(async () => {
    pair = await twoInstances();
  });
  after(async () => pair?.close());

  test('a session made on one is valid on the other, and signing out on the other ends it on both', async () => {
    const who = await createTestAccount(pair.a.db, 'citizen');
    const onA = pair.a.client();
    await signInAs(onA, who);
    const onB = new TestClient(pair.b);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    const page = await onB.get('/compte');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(who.account.displayName));
    // The form's CSRF token from B's page is accepted by B: the token depends on the shared secret only.
    const out = await onB.post('/deconnexion', {});
    assert.equal(out.statusCode, 303);
    const after = await onA.get('/compte');
    assert.notEqual(after.statusCode, 200, 'the session ended on A too');
    assert.equal(onB.cookies.get(SESSION_COOKIE), undefined);
  });

  test('failed sign-ins counted on one lock the account on the other', async () => {
    const who = await createTestAccount(pair.a.db, 'enterprise');
    const clients = [pair.a.client(), new TestClient(pair.b)];
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await tryPassword(clients[i % 2] as TestClient, who.identifier, `Mauvais-${i}`)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
    assert.equal((await tryPassword(clients[1] as TestClient, who.identifier, who.password)).statusCode, 429, 'locked on B too');
  });

  test('a mail queued once is sent once when both outbox workers drain at the same time', async () => {
    const to = `unique.${randomUUID()}@example.com`;
    await enqueueMail(pair.a.db, { to, language: 'fr', subject: 'Essai', text: 'Bonjour', html: '<p>Bonjour</p>' });
    await Promise.all([pair.a.app.outbox.drain(), pair.b.outbox.drain(), pair.a.app.outbox.drain(), pair.b.outbox.drain()]);
    await Promise.all([pair.a.app.outbox.drain(), pair.b.outbox.drain()]);
    assert.equal(pair.sent.filter((row) => row.recipient === to).length, 1);
  });
});

/**
 * The counters in the database, or in a Redis both instances share (REDIS_URL). Other test files
 * and runs use that Redis too and every injected request comes from 127.0.0.1: a secret of this
 * run's own gives the counters names nobody else counts under.
 */
const counterPlaces: { where: string; config: ConfigInput; inDatabase: boolean; skip: string | false }[] = [
  { where: 'in the database', config: {}, inDatabase: true, skip: false },
  {
    where: 'in Redis',
    config: { REDIS_URL: TEST_REDIS_URL, SECRET: `instances-test-${randomUUID()}` },
    inDatabase: false,
    skip: await redisSkipReason(),
  },
];

for (const place of counterPlaces) {
  describe(`the sign-in rate limit across two instances, counted ${place.where}`, () => {
    let pair: Pair;
    before(async () => {
      if (place.skip) return;
      pair = await twoInstances({ LOGIN_RATE_LIMIT_PER_MINUTE: '4', ...place.config });
    });
    after(async () => pair?.close());

    test('the posts of one address are counted together: the fifth in the minute is refused, whichever instance gets it', { skip: place.skip }, async () => {
      const clients = [pair.a.client(), new TestClient(pair.b)];
      const statuses = [];
      // A new identifier each time: the per-account lock stays out of it.
      for (let i = 0; i < 6; i++) statuses.push((await tryPassword(clients[i % 2] as TestClient, `personne.${i}.${randomUUID()}@example.com`, 'Mauvais-mot-de-passe')).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
      const rows = await pair.a.db.select().from(rateLimitCounter);
      assert.equal(rows.length > 0, place.inDatabase, `counted ${place.where} only`);
    });
  });
}
