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
  const text = z.string().max(10_000);
  const structure = z.strictObject(
    Object.fromEntries(
      Object.entries(schema.shape).map(([key, rule]) => [
        key,
        // A group of checkboxes sends one value per box checked: the only place a list is expected.
        acceptsList(rule) ? z.union([text, z.array(text).max(100)]).optional() : text.optional(),
      ]),
    ),
  );
  const shape = structure.safeParse(body ?? {});
  if (!shape.success) throw new AppError(400, 'error.badRequest');
  const submitted = Object.entries(shape.data).filter(
    (entry): entry is [string, string | string[]] => entry[1] !== undefined,
  );
  const input = Object.fromEntries(
    submitted.map(([key, value]) => [key, acceptsList(schema.shape[key]) && !Array.isArray(value) ? [value] : value]),
  );
  const values: FormValues = Object.fromEntries(
    submitted.map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!(field in errors)) errors[field] = isMessageKey(issue.message) ? issue.message : 'field.invalid';
  }
  return { ok: false, errors, values };
}

function acceptsList(rule: unknown): boolean {
  let inner = rule;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap();
  return inner instanceof z.ZodArray;
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
