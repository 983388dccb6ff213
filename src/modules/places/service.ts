import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.js';
import { municipality } from './schema.js';

/** A municipality of the gazetteer (migration gazetteer, from db/reference/municipalities.csv). */
export type Municipality = {
  geographicCode: string;
  name: string;
  regionCode: string;
  regionName: string;
  latitude: number | null;
  longitude: number | null;
};

const columns = {
  geographicCode: municipality.geographicCode,
  name: municipality.name,
  regionCode: municipality.regionCode,
  regionName: municipality.regionName,
  latitude: municipality.latitude,
  longitude: municipality.longitude,
};

/** The municipality with this 5-digit geographic code (spaces ignored), or null. */
export async function municipalityByCode(db: Db, code: string): Promise<Municipality | null> {
  const normalized = code.replace(/\s/g, '');
  if (!/^[0-9]{5}$/.test(normalized)) return null;
  const [row] = await db.select(columns).from(municipality).where(eq(municipality.geographicCode, normalized));
  return row ?? null;
}

// Accents and case are ignored when searching by name: PGlite has no `unaccent`, and the list is
// French, so the accented letters it uses are folded with `translate`, the same on both sides.
const ACCENTED = 'àâäáãéèêëíìîïóòôöõúùûüçñÿœæ';
const PLAIN = 'aaaaaeeeeiiiiooooouuuucnyoa';
const foldedName = sql`translate(lower(${municipality.name}), ${ACCENTED}, ${PLAIN})`;

/** Lower case without accents, as `foldedName` is computed in SQL (œ and æ fold to one letter). */
export function foldForSearch(value: string): string {
  const lower = value.toLowerCase();
  let out = '';
  for (const ch of lower) {
    const index = ACCENTED.indexOf(ch);
    out += index >= 0 ? PLAIN[index] : ch;
  }
  return out;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Municipalities whose name contains the words typed (accents, case, hyphens and apostrophes
 * ignored), names starting with them first; a 5-digit code finds that municipality. At most `limit`.
 */
export async function searchMunicipalities(db: Db, query: string, limit = 20): Promise<Municipality[]> {
  const trimmed = query.trim();
  if (/^[0-9]{5}$/.test(trimmed.replace(/\s/g, ''))) {
    const found = await municipalityByCode(db, trimmed);
    return found ? [found] : [];
  }
  // Hyphens, apostrophes and spaces all separate words, and each word is matched anywhere in the
  // name: « jean saint » and « saint-jean » both find Saint-Jean-Port-Joli.
  const words = foldForSearch(trimmed)
    .split(/[\s\-'’]+/)
    .filter((w) => w !== '');
  if (words.length === 0) return [];
  const conditions = words.map((w) => sql`${foldedName} like ${`%${escapeLike(w)}%`}`);
  const startsWith = sql`${foldedName} like ${`${escapeLike(words[0] ?? '')}%`}`;
  return db
    .select(columns)
    .from(municipality)
    .where(and(...conditions))
    .orderBy(sql`${startsWith} desc`, sql`lower(${municipality.name})`, asc(municipality.geographicCode))
    .limit(limit);
}
