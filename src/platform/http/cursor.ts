import type { z } from 'zod';

/**
 * The cursors of keyset pages: a page starts after (or before) a row named by its cursor, never at
 * an offset, so a page is never a scan of what comes before it.
 */

/**
 * A row's position in a list ordered by creation time then id. The time is PostgreSQL's own text,
 * to the microsecond (a JavaScript Date keeps milliseconds, which would skip or repeat rows).
 */
export type Keyset = { at: string; id: string };

/** `2025-01-01T00:01:00.000000Z_<uuid>`, as the pages' links carry it. */
export const keysetPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function formatKeyset(cursor: Keyset): string {
  return `${cursor.at}_${cursor.id}`;
}

export function parseKeyset(text: string): Keyset | null {
  const match = keysetPattern.exec(text);
  return match?.[1] && match[2] ? { at: match[1], id: match[2] } : null;
}

/**
 * A cursor opaque to whoever holds it (the API's clients only pass it back): its value as
 * base64url JSON, read back only when it matches `schema`; anything else reads as null.
 */
export function opaqueCursor<S extends z.ZodType>(schema: S) {
  return {
    encode: (value: z.infer<S>): string => Buffer.from(JSON.stringify(value)).toString('base64url'),
    decode: (text: string): z.infer<S> | null => {
      try {
        const parsed = schema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}
