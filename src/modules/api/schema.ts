import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { registryEnterprise } from '../enterprises/schema.js';
import { account } from '../identity/schema.js';

/**
 * A provider's management software registered by its enterprise's RSE (OAuth 2.0 client
 * credentials, RFC 6749 §4.4). Its id is the `client_id`; its secret is kept only as an HMAC
 * (README, « Secrets »). A revoked client keeps its row (the audit names it) and gets no token.
 */
export const apiClient = pgTable(
  'api_client',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    name: text('name').notNull(),
    /** Scopes of scopes.ts. */
    scopes: text('scopes').array().notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => account.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    index('api_client_enterprise_idx').on(t.enterpriseId, t.createdAt),
    index('api_client_created_by_idx').on(t.createdBy),
    index('api_client_revoked_by_idx').on(t.revokedBy),
    check('api_client_scopes_not_empty', sql`cardinality(${t.scopes}) > 0`),
  ],
);

/** An access token (opaque, kept as an HMAC), valid until `expires_at` for the scopes granted. */
export const apiToken = pgTable(
  'api_token',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => apiClient.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('api_token_hash_idx').on(t.tokenHash), index('api_token_client_idx').on(t.clientId, t.expiresAt)],
);

/**
 * One `Idempotency-Key` of a client: the request it came with (a hash of method, path and body)
 * and the answer given, replayed to a retry. Written in the transaction of the action, so a key
 * is never stored without its effect, nor an effect without its key.
 */
export const apiIdempotencyKey = pgTable(
  'api_idempotency_key',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => apiClient.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('api_idempotency_key_client_key_idx').on(t.clientId, t.key)],
);
