import { z } from 'zod';
import { AppError, type FieldErrors } from '../errors.js';
import { fr, type MessageKey } from '../i18n/fr.js';

export type FormValues = Record<string, string>;

export type FormResult<T> =
  | { ok: true; data: T; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues };

function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(fr, value);
}

/**
 * Parses a submitted form in two passes. The first checks its structure (only the form's own
 * fields, each a single text value): a body that no page of ours sends is a 400 page. The second
 * applies the form's rules and returns messages per field, so the page can be shown again with
 * the values kept and an error summary. Rule messages are catalogue keys.
 */
export function parseForm<S extends z.ZodObject>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const structure = z.strictObject(
    Object.fromEntries(Object.keys(schema.shape).map((key) => [key, z.string().max(10_000).optional()])),
  );
  const shape = structure.safeParse(body ?? {});
  if (!shape.success) throw new AppError(400, 'error.badRequest');
  const values = Object.fromEntries(
    Object.entries(shape.data).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!(field in errors)) errors[field] = isMessageKey(issue.message) ? issue.message : 'field.invalid';
  }
  return { ok: false, errors, values };
}

/** A required text field: trimmed, with the catalogue key to show when it is empty. */
export function requiredText(emptyKey: MessageKey = 'field.required', max = 200) {
  return z.string().trim().min(1, emptyKey).max(max, 'field.tooLong');
}

export const emailField = z
  .string()
  .trim()
  .min(1, 'field.email.required')
  .max(254, 'field.tooLong')
  .pipe(z.email('field.email.invalid'))
  .transform((value) => value.toLowerCase());
