import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';

export const childcareServiceKind = pgEnum('childcare_service_kind', ['cpe', 'subsidized_daycare', 'daycare', 'coordinating_office']);

/**
 * A childcare service holding a permit (CPE, garderie) or a recognition (bureau coordonnateur).
 * Minimal for now: the issue 5 module extends it (installations, RSGE, territories).
 */
export const childcareService = pgTable(
  'childcare_service',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Permit or recognition number, as the ministry writes it. */
    permitNumber: text('permit_number').notNull(),
    kind: childcareServiceKind('kind').notNull(),
    name: text('name').notNull(),
    /** The NEQ of the enterprise holding the permit. */
    enterpriseNeq: text('enterprise_neq').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('childcare_service_permit_number_key').on(t.permitNumber), index('childcare_service_enterprise_neq_idx').on(t.enterpriseNeq)],
);
