import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { timestamps } from '../db/columns.js';

/**
 * Requests counted per client and route for the rate limits (sign-in, MFA, registration, number
 * guesses), in the database so that every instance behind the load balancer counts the same hits.
 * The key is an HMAC of the route and the client's address: no address is stored.
 */
export const rateLimitCounter = pgTable('rate_limit_counter', {
  keyHash: text('key_hash').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  hits: integer('hits').notNull(),
  ...timestamps,
});
