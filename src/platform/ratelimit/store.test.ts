import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { openTestDatabase } from '../testing/database.js';
import type { Database } from '../db/index.js';
import { rateLimitCounter } from './schema.js';
import { databaseRateLimitStore } from './store.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => database?.close());

function storeFor(method: string, url: string): FastifyRateLimitStore {
  const Store = databaseRateLimitStore(database.db, 'a-secret-long-enough-for-the-hmac-0123456789');
  return new Store({}).child({ routeInfo: { method, url } } as never);
}

function hit(store: FastifyRateLimitStore, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) => store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs, 10));
}

test('a fixed window per address and route: counted, then reset when the window ends; routes apart; no address stored', async () => {
  const signIn = storeFor('POST', '/connexion');
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((await hit(signIn, '203.0.113.7', 300)).current);
  assert.deepEqual(counts, [1, 2, 3]);
  const { ttl } = await hit(signIn, '203.0.113.7', 300);
  assert.ok(ttl > 0 && ttl <= 300, `ttl ${ttl}`);
  assert.equal((await hit(storeFor('POST', '/inscription'), '203.0.113.7', 300)).current, 1, 'another route counts apart');
  assert.equal((await hit(signIn, '198.51.100.1', 300)).current, 1, 'another address counts apart');
  await sleep(350);
  assert.equal((await hit(signIn, '203.0.113.7', 300)).current, 1, 'a new window');
  const rows = await database.db.select().from(rateLimitCounter);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((row) => /^[0-9a-f]{64}$/.test(row.keyHash)), 'keys are HMACs, not addresses');
});
