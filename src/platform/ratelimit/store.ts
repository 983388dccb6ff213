import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import { hmacHex } from '../crypto.js';
import { queryRows, type Db } from '../db/index.js';

type RouteInfo = { method?: string | string[]; url?: string };
export type Hit = { current: number; ttl: number };
/** Counts one hit on the counter `keyHash` in a fixed window of `windowMs`, wherever counters live. */
export type CountHit = (keyHash: string, windowMs: number) => Promise<Hit>;

/** Windows that ended this long ago are deleted now and then: nobody is counted against them. */
const FORGET_AFTER_MS = 3_600_000;
/** About one increment in this many also deletes the forgotten windows. */
const SWEEP_EVERY = 200;

/**
 * The name of a client's counter on a route: an HMAC of both, so that no store (table or Redis)
 * ever holds an address, and the same in every store so that they count alike.
 */
export function rateLimitKey(secret: string, scope: string, key: string): string {
  return hmacHex(secret, 'rate-limit', `${scope}\u0000${key}`);
}

/** `POST /connexion`: routes count apart, as the plugin's own stores keep one counter per route. */
function routeScope(route: RouteInfo): string {
  return `${[route.method ?? ''].flat().join(',')} ${route.url ?? ''}`;
}

/**
 * A @fastify/rate-limit store class over `count`: it names the counter (route and client, through
 * rateLimitKey) and adapts the plugin's callbacks; `count` only keeps the fixed window.
 */
export function hmacKeyedStore(secret: string, count: CountHit): FastifyRateLimitStoreCtor {
  class HmacKeyedStore implements FastifyRateLimitStore {
    constructor(
      _options: FastifyRateLimitOptions,
      private readonly scope = '',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: Hit) => void, timeWindow: number): void {
      count(rateLimitKey(secret, this.scope, key), timeWindow).then(
        (hit) => callback(null, hit),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: FastifyRateLimitOptions & { routeInfo?: RouteInfo }): FastifyRateLimitStore {
      return new HmacKeyedStore(routeOptions, routeScope(routeOptions.routeInfo ?? {}));
    }
  }
  return HmacKeyedStore;
}

/**
 * A @fastify/rate-limit store in PostgreSQL: a fixed window per client and route, counted with
 * one upsert, so that two instances share a client's count.
 */
export function databaseRateLimitStore(db: Db, secret: string): FastifyRateLimitStoreCtor {
  return hmacKeyedStore(secret, (keyHash, windowMs) => incrementInDatabase(db, keyHash, windowMs));
}

async function incrementInDatabase(db: Db, keyHash: string, windowMs: number): Promise<Hit> {
  const [row] = await queryRows<Hit>(
    db,
    sql`
      insert into rate_limit_counter as c (key_hash, window_started_at, hits) values (${keyHash}, now(), 1)
      on conflict (key_hash) do update set
        hits = case when c.window_started_at + ${windowMs} * interval '1 millisecond' <= now() then 1 else c.hits + 1 end,
        window_started_at = case when c.window_started_at + ${windowMs} * interval '1 millisecond' <= now() then now() else c.window_started_at end,
        updated_at = now()
      returning hits as current,
        greatest(0, ceil(extract(epoch from (window_started_at + ${windowMs} * interval '1 millisecond' - now())) * 1000))::int as ttl`,
  );
  if (!row) throw new Error('the rate-limit upsert returned no row');
  if (Math.random() * SWEEP_EVERY < 1) {
    await db.execute(sql`delete from rate_limit_counter where window_started_at < now() - ${FORGET_AFTER_MS} * interval '1 millisecond'`);
  }
  return row;
}
