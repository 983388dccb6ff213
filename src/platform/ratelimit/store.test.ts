import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { openTestDatabase } from '../testing/database.js';
import type { Database } from '../db/index.js';
import { rateLimitCounter } from './schema.js';
import { databaseRateLimitStore } from './store.js';
import { expectCountedPerAddressAndRoute, hit, routeStores } from './testing.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => database?.close());

function storeFor(method: string, url: string): FastifyRateLimitStore {
  return routeStores(databaseRateLimitStore(database.db, 'a-secret-long-enough-for-the-hmac-0123456789'))(method, url);
}

test('a fixed window per address and route: counted, then reset when the window ends; routes apart; no address stored', async () => {
  const signIn = await expectCountedPerAddressAndRoute(storeFor);
  await sleep(350);
  assert.equal((await hit(signIn, '203.0.113.7', 300)).current, 1, 'a new window');
  const rows = await database.db.select().from(rateLimitCounter);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((row) => /^[0-9a-f]{64}$/.test(row.keyHash)), 'keys are HMACs, not addresses');
});
