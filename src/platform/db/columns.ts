import { timestamp } from 'drizzle-orm/pg-core';

/** Every table carries these two columns; a schema-conventions test checks it on both databases. */
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};
