import { index, pgTable, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { organization } from '../access/schema.js';
import { request } from '../requests/schema.js';

/**
 * The aid program's own facts about a request: the organization it is made for. Who may read or
 * draft it follows from the organization's registry (profiles and mandates), checked at each use.
 */
export const aidRequest = pgTable(
  'aid_request',
  {
    requestId: uuid('request_id')
      .primaryKey()
      .references(() => request.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id),
    ...timestamps,
  },
  (t) => [index('aid_request_organization_idx').on(t.organizationId, t.createdAt)],
);
