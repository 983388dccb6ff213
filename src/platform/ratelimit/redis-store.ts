import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import { Redis, type Result } from 'ioredis';
import { AppError } from '../errors.js';
import { hmacKeyedStore } from './store.js';

/** Every counter's name starts with this, so that several deployments (or apps) can share a Redis. */
export const RATE_LIMIT_KEY_PREFIX = 'guichet:rate-limit:';

/**
 * A hit must not wait long on a Redis that does not answer: the limited routes (sign-in…) would
 * hang. A Redis nearby answers in a few milliseconds.
 */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * One fixed window, atomically (a script runs alone on the server): INCR creates the counter at 1
 * or counts one more; a counter without expiry was just created, so it gets the window as its
 * lifetime. When it expires the next hit starts a new window: Redis forgets old windows itself.
 * KEYS[1]: the counter; ARGV[1]: the window in milliseconds. Returns {hits, milliseconds left}.
 */
const FIXED_WINDOW_LUA = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** FIXED_WINDOW_LUA, defined on the client by redisRateLimitStore (sent once, then by SHA). */
    guichetFixedWindowHit(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

/**
 * A @fastify/rate-limit store in Redis, with the database store's semantics: a fixed window per
 * client and route, named by the same HMAC (no address in Redis), shared by every instance.
 */
export function redisRateLimitStore(redis: Redis, secret: string, prefix = RATE_LIMIT_KEY_PREFIX): FastifyRateLimitStoreCtor {
  redis.defineCommand('guichetFixedWindowHit', { numberOfKeys: 1, lua: FIXED_WINDOW_LUA });
  return hmacKeyedStore(secret, async (keyHash, windowMs) => {
    try {
      const [current, ttl] = await redis.guichetFixedWindowHit(prefix + keyHash, windowMs);
      return { current, ttl };
    } catch {
      // Fails closed: an uncounted post would let guesses through. The outage is logged once by the connection's listener.
      throw new AppError(503, 'error.unavailable');
    }
  });
}

/**
 * The client of the rate-limit counters. It connects at once and reconnects by itself; hits made
 * meanwhile wait in its queue, each for COMMAND_TIMEOUT_MS at most, then fail (the post then
 * answers 503: see README, REDIS_URL). Its errors are logged, never thrown: an unreachable Redis
 * must not stop the process.
 */
export function connectRateLimitRedis(url: string, log: Pick<FastifyBaseLogger, 'error' | 'info'>): Redis {
  const redis = new Redis(url, { commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1 });
  logConnectionState(redis, url, log);
  return redis;
}

/** One line when Redis becomes unreachable and one when it is back, not one per reconnection attempt. */
function logConnectionState(redis: Redis, url: string, log: Pick<FastifyBaseLogger, 'error' | 'info'>): void {
  const { server, scrub } = describeRedisUrl(url);
  let failing = false;
  redis.on('error', (error: Error) => {
    if (failing) return;
    failing = true;
    const errCode = (error as NodeJS.ErrnoException).code;
    log.error({ redis: server, errName: error.name, errCode, detail: scrub(error.message) }, 'rate-limit Redis unreachable');
  });
  redis.on('ready', () => {
    if (failing) log.info({ redis: server }, 'rate-limit Redis reachable again');
    failing = false;
  });
}

/** `host:port` to name the server in logs, and a filter that blanks the URL's password out of a text. */
export function describeRedisUrl(url: string): { server: string; scrub: (text: string) => string } {
  const parsed = new URL(url);
  const secrets = [parsed.password, decodeURIComponent(parsed.password)].filter((secret) => secret.length > 0);
  return {
    server: `${parsed.hostname}:${parsed.port || '6379'}`,
    scrub: (text) => secrets.reduce((result, secret) => result.split(secret).join('[caché]'), text),
  };
}

/** Waits for the commands sent, unless Redis is gone: then drops the connection at once. */
export async function closeRateLimitRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
