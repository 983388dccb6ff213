import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import { hmacHex } from '../crypto.js';
import { queryRows, type Db } from '../db/index.js';

type RouteInfo = { method?: string | string[]; url?: string };
type Hit = { current: number; ttl: number };

/** Windows that ended this long ago are deleted now and then: nobody is counted against them. */
const FORGET_AFTER_MS = 3_600_000;
/** About one increment in this many also deletes the forgotten windows. */
const SWEEP_EVERY = 200;

/**
 * A @fastify/rate-limit store in PostgreSQL: a fixed window per client and route, counted with
 * one upsert, so that two instances share a client's count. `scope` separates the routes, as the
 * plugin's own store keeps one counter per route.
 */
export function databaseRateLimitStore(db: Db, secret: string): FastifyRateLimitStoreCtor {
  async function increment(keyHash: string, windowMs: number): Promise<Hit> {
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

  class DatabaseStore implements FastifyRateLimitStore {
    constructor(
      _options: FastifyRateLimitOptions,
      private readonly scope = '',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: Hit) => void, timeWindow: number): void {
      increment(hmacHex(secret, 'rate-limit', `${this.scope}\u0000${key}`), timeWindow).then(
        (hit) => callback(null, hit),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: FastifyRateLimitOptions & { routeInfo?: RouteInfo }): FastifyRateLimitStore {
      const route = routeOptions.routeInfo ?? {};
      return new DatabaseStore(routeOptions, `${[route.method ?? ''].flat().join(',')} ${route.url ?? ''}`);
    }
  }
  return DatabaseStore;
}
