import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { ConfigError, parseConfig } from '../../config.js';
import { tryPassword } from '../testing/accounts.js';
import { buildTestApp } from '../testing/app.js';
import { expectCountedPerAddressAndRoute, hit, redisSkipReason, routeStores, testRedisClient, type StoreFor } from './testing.js';
import { describeRedisUrl, redisRateLimitStore } from './redis-store.js';
import { rateLimitKey } from './store.js';

const SECRET = 'a-secret-long-enough-for-the-hmac-0123456789';
const skip = await redisSkipReason();

/** A store under a prefix of this test's own: other test files and runs share the Redis. */
function storesUnder(redis: Redis, prefix: string): StoreFor {
  return routeStores(redisRateLimitStore(redis, SECRET, prefix));
}

describe('the Redis store', () => {
  let redis: Redis;
  before(async () => {
    if (skip) return;
    redis = testRedisClient();
    await redis.connect();
  });
  after(async () => redis?.quit());

  test('a fixed window per address and route: counted, then reset when the window ends; routes apart; no address in Redis', { skip }, async () => {
    const prefix = `guichet-test:${randomUUID()}:`;
    const signIn = await expectCountedPerAddressAndRoute(storesUnder(redis, prefix));

    const keys = (await redis.keys(`${prefix}*`)).sort();
    assert.equal(keys.length, 3);
    assert.ok(keys.every((key) => /^[0-9a-f]{64}$/.test(key.slice(prefix.length))), 'keys are HMACs');
    assert.ok(!keys.some((key) => key.includes('203.0.113.7') || key.includes('198.51.100.1')), 'no address in a key');
    assert.ok(keys.includes(prefix + rateLimitKey(SECRET, 'POST /connexion', '203.0.113.7')), 'the same key as the database store');
    for (const key of keys) assert.ok((await redis.pttl(key)) > 0, 'every counter expires by itself');

    await sleep(350);
    assert.deepEqual(await redis.keys(`${prefix}*`), [], 'Redis forgot the ended windows: no sweep needed');
    assert.equal((await hit(signIn, '203.0.113.7', 300)).current, 1, 'a new window');
  });

  test('simultaneous hits are each counted once, and the window is not extended by them', { skip }, async () => {
    const signIn = storesUnder(redis, `guichet-test:${randomUUID()}:`)('POST', '/connexion');
    const hits = await Promise.all(Array.from({ length: 20 }, () => hit(signIn, '203.0.113.9', 60_000)));
    assert.deepEqual(hits.map((h) => h.current).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.ok(hits.every((h) => h.ttl > 0 && h.ttl <= 60_000));
  });
});

/** A local port where nothing listens: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('an unreachable Redis', () => {
  test('the app starts, a limited route fails closed (503 with a message, not an uncounted try), and the log never shows the password', async () => {
    const lines: string[] = [];
    const password = `mot-de-passe-${randomUUID()}`;
    const app = await buildTestApp({
      config: { REDIS_URL: `redis://:${password}@127.0.0.1:${await closedPort()}`, LOG_LEVEL: 'info' },
      logStream: { write: (line) => void lines.push(line) },
    });
    try {
      const response = await tryPassword(app.client(), `personne.${randomUUID()}@example.com`, 'Mauvais-mot-de-passe');
      assert.equal(response.statusCode, 503);
      assert.ok(response.body.includes('momentanément indisponible'), 'the page says so in French');
      assert.ok(lines.some((line) => line.includes('rate-limit Redis unreachable')), 'the outage is logged');
      assert.ok(!lines.some((line) => line.includes(password)), 'no password in the log');
    } finally {
      await app.close();
    }
  });

  test('describeRedisUrl names the server without the credentials and blanks the password out of messages', () => {
    const { server, scrub } = describeRedisUrl('rediss://guichet:p%40ss@cache.example:6380/2');
    assert.equal(server, 'cache.example:6380');
    assert.equal(scrub('auth failed for p@ss and p%40ss'), 'auth failed for [caché] and [caché]');
    assert.equal(describeRedisUrl('redis://127.0.0.1').server, '127.0.0.1:6379');
  });
});

test('REDIS_URL must be a redis:// or rediss:// URL', () => {
  assert.throws(() => parseConfig({ REDIS_URL: 'http://127.0.0.1:6379' }, () => SECRET), (error: unknown) => {
    return error instanceof ConfigError && /REDIS_URL: must start with redis:\/\/ or rediss:\/\//.test(error.message);
  });
  assert.equal(parseConfig({ REDIS_URL: 'rediss://cache.example:6380' }, () => SECRET).REDIS_URL, 'rediss://cache.example:6380');
  assert.equal(parseConfig({}, () => SECRET).REDIS_URL, undefined);
});
