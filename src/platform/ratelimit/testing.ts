import assert from 'node:assert/strict';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { describeRedisUrl } from './redis-store.js';

/** The tests' helpers for the rate-limit stores (database and Redis) and the Redis they reach. */

export type StoreFor = (method: string, url: string) => FastifyRateLimitStore;

/** The store of one route, as the plugin makes it from a store class. */
export function routeStores(Store: FastifyRateLimitStoreCtor): StoreFor {
  return (method, url) => new Store({}).child({ routeInfo: { method, url } } as never);
}

export function hit(store: FastifyRateLimitStore, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) => store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs, 10));
}

/**
 * What every store does within one window of 300 ms: hits of an address on a route counted 1, 2,
 * 3 with the time left; another route and another address counted apart. Leaves three counters;
 * returns the sign-in route's store.
 */
export async function expectCountedPerAddressAndRoute(storeFor: StoreFor): Promise<FastifyRateLimitStore> {
  const signIn = storeFor('POST', '/connexion');
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((await hit(signIn, '203.0.113.7', 300)).current);
  assert.deepEqual(counts, [1, 2, 3]);
  const { ttl } = await hit(signIn, '203.0.113.7', 300);
  assert.ok(ttl > 0 && ttl <= 300, `ttl ${ttl}`);
  assert.equal((await hit(storeFor('POST', '/inscription'), '203.0.113.7', 300)).current, 1, 'another route counts apart');
  assert.equal((await hit(signIn, '198.51.100.1', 300)).current, 1, 'another address counts apart');
  return signIn;
}

/** The Redis the tests use; several test files and runs share it, so each test keeps to its own keys. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A client for tests that fails at once instead of retrying: tests report, they do not wait. */
export function testRedisClient(): Redis {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The failure is reported by the caller (connect() rejects); without a listener ioredis prints it too.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Why the Redis tests cannot run here (Redis unreachable), or false: given as `{ skip }`
 * so that a machine without Redis skips them with this reason shown, never silently. Give it to each
 * test, not to a `describe`: the runner's summary counts skipped tests, not skipped suites.
 */
export async function redisSkipReason(): Promise<string | false> {
  const redis = testRedisClient();
  // connect() only says « Connection is closed »: the error event says why (ECONNREFUSED…).
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return false;
  } catch (error) {
    const { server, scrub } = describeRedisUrl(TEST_REDIS_URL);
    const why = cause ?? (error instanceof Error ? error : new Error(String(error)));
    return `no Redis at ${server} (set TEST_REDIS_URL): ${scrub(why.message)}`;
  } finally {
    redis.disconnect();
  }
}
