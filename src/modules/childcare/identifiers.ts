/**
 * The child identifiers of the ministry's records and the name-search key. One place for both the
 * import and the search, so a name is always folded the same way.
 */

/** Spaces and dashes people type in long numbers are not part of them. */
export function normalizeChildNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

export const isNirec = (value: string): boolean => /^\d{10}$/.test(value);
export const isNecsg = (value: string): boolean => /^\d{9}$/.test(value);

export type NumberCheck<K extends string> = { ok: true; value: string } | { ok: false; error: K };

/** A NIREC field (numéro d'inscription au registre de l'état civil): 10 digits. */
export function validateNirec(value: string): NumberCheck<'childcare.nirec.required' | 'childcare.nirec.invalid'> {
  const normalized = normalizeChildNumber(value);
  if (normalized === '') return { ok: false, error: 'childcare.nirec.required' };
  return isNirec(normalized) ? { ok: true, value: normalized } : { ok: false, error: 'childcare.nirec.invalid' };
}

/** A NECSG field (numéro d'enfant clientèle service de garde): 9 digits. */
export function validateNecsg(value: string): NumberCheck<'childcare.necsg.required' | 'childcare.necsg.invalid'> {
  const normalized = normalizeChildNumber(value);
  if (normalized === '') return { ok: false, error: 'childcare.necsg.required' };
  return isNecsg(normalized) ? { ok: true, value: normalized } : { ok: false, error: 'childcare.necsg.invalid' };
}

/** Case, accents, typographic apostrophes and extra spaces do not matter in a name search. */
function foldName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019`]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export type ChildName = { lastName: string; firstName: string; birthDate: string };

/** `last|first|YYYY-MM-DD`, folded: the `child.search_key` column and what a name search looks up. */
export function childSearchKey(name: ChildName): string {
  return `${foldName(name.lastName)}|${foldName(name.firstName)}|${name.birthDate.trim()}`;
}
