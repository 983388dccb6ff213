import { Redis } from 'ioredis';
import { describeRedisUrl } from './redis-store.js';

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
 * Why the Redis tests cannot run here (Redis unreachable), or false: given to `describe(…, { skip })`
 * so that a machine without Redis skips them with this reason shown, never silently.
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
