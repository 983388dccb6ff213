import { z } from 'zod';
import type { FieldSave, MesRequestPage } from './service.js';
import { supportFields } from './views/support.js';

/**
 * The support step's form as posted without JavaScript: each field shown, its `version:<id>`
 * (the version the page was loaded with), the step and the button pressed. Anything else is a
 * body no page of ours sends.
 */
export function mesPageFields(page: MesRequestPage) {
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const field of supportFields(page)) {
    shape[field.id] = z.string().max(10_000).optional();
    shape[`version:${field.id}`] = z.string().regex(/^\d{1,9}$/).optional();
  }
  return z.object({ ...shape, etape: z.literal('support').optional(), aller: z.enum(['previous', 'save', 'next']).optional() });
}

/** The saves the posted step asks for: one per field sent, with the version it was loaded with. */
export function stepSaves(page: MesRequestPage, data: Record<string, string | undefined>): FieldSave[] {
  return supportFields(page).flatMap((field) => {
    const value = data[field.id];
    if (value === undefined) return [];
    return [{ fieldId: field.id, value, expectedVersion: Number(data[`version:${field.id}`] ?? 0) }];
  });
}
