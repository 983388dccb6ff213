import { date, index, integer, pgEnum, pgTable, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { child, installation } from '../childcare/schema.js';
import { request } from '../requests/schema.js';

/** Nouvelle, Renouvellement sans changement, Renouvellement avec changement, Transfert. */
export const mesRequestType = pgEnum('mes_request_type', ['new', 'renewal_unchanged', 'renewal_changed', 'transfer']);

/** What a MES request is about, beside the engine's request: the child, the site, the type. */
export const mesRequest = pgTable(
  'mes_request',
  {
    requestId: uuid('request_id')
      .primaryKey()
      .references(() => request.id, { onDelete: 'cascade' }),
    childId: uuid('child_id')
      .notNull()
      .references(() => child.id),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    type: mesRequestType('type').notNull(),
    /** April to March, named by the year it starts. */
    referenceYear: integer('reference_year').notNull(),
    /** The child's departure, declared by the provider: the request is then closed. */
    departureDate: date('departure_date', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [index('mes_request_child_idx').on(t.childId, t.installationId), index('mes_request_installation_idx').on(t.installationId)],
);
