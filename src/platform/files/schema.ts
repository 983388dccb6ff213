import { integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../db/columns.js';

/**
 * Metadata of a file whose body lives in the file store (`FileStore`). The body is addressed by
 * its storage key, never by a name a person gave, so no uploaded name reaches the file system.
 */
export const storedFile = pgTable(
  'stored_file',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    storageKey: text('storage_key').notNull(),
    originalName: text('original_name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('stored_file_storage_key_key').on(t.storageKey)],
);
