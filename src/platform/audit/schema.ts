import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { timestamps } from '../db/columns.js';

/** Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained. */
export const auditEvent = pgTable(
  'audit_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    requestId: text('request_id'),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
    ...timestamps,
  },
  (t) => [
    index('audit_event_actor_idx').on(t.actorId, t.occurredAt),
    index('audit_event_action_idx').on(t.action, t.occurredAt),
    index('audit_event_occurred_idx').on(t.occurredAt),
  ],
);
