import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.js';
import { postalArea } from './schema.js';
import { foldForSearch, searchMunicipalities, type Municipality } from './service.js';

/**
 * Turning what a person typed (an address, a postal code, a municipality) into a point. The map
 * depends only on `Geocoder`; the default is the shipped gazetteer, which works offline. An
 * external geocoder (a provincial address service, Nominatim) would be another implementation of
 * the same type, chosen in the app's wiring, and would fall back to the gazetteer when it fails.
 */
export type Place = {
  /** What the page says the search is centred on: a postal area (« H2X ») or a municipality (« Saint-Raymond »). */
  label: string;
  /** How precise the point is: a postal-code area's point or a municipality's. */
  precision: 'postal_area' | 'municipality';
  latitude: number;
  longitude: number;
};

export type GeocodeFailure = 'empty' | 'too_long' | 'malformed_postal_code' | 'postal_code_outside_quebec' | 'municipality_without_position' | 'unknown_place';

export type GeocodeResult =
  | { ok: true; place: Place; /** Other municipalities the words also name, to offer as links. */ alternatives: string[] }
  | { ok: false; reason: GeocodeFailure };

export interface Geocoder {
  locate(query: string): Promise<GeocodeResult>;
}

export const PLACE_QUERY_MAX_LENGTH = 200;

// Canada Post: no D, F, I, O, Q or U anywhere, and no W or Z as the first letter.
const FIRST = 'ABCEGHJKLMNPRSTVXY';
const LETTER = 'ABCEGHJKLMNPRSTVWXYZ';
const POSTAL_CODE = new RegExp(`^([${FIRST}][0-9][${LETTER}])(?: ?([0-9][${LETTER}][0-9]))?$`);
const POSTAL_CODE_IN_TEXT = new RegExp(`\\b([${FIRST}][0-9][${LETTER}]) ?[0-9][${LETTER}][0-9]\\b`);
/** Something that is meant as a postal code: 3 to 7 letters and digits mixed, letter first. */
const POSTAL_CODE_LIKE = /^[A-Z][A-Z0-9]{1,2} ?[A-Z0-9]{0,3}$/;

/** The area (FSA) of a complete postal code or of an FSA alone, upper-cased; null if malformed. */
export function postalAreaOf(value: string): string | null {
  const match = POSTAL_CODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  return match?.[1] ?? null;
}

function looksLikePostalCode(value: string): boolean {
  const upper = value.trim().toUpperCase();
  return POSTAL_CODE_LIKE.test(upper) && /[0-9]/.test(upper);
}

/** Words that close an address and name no municipality here: the province and the country. */
const NOT_A_MUNICIPALITY = new Set(['qc', 'que', 'quebec canada', 'canada', 'province de quebec']);

/** The parts of an address that may name its municipality, most likely first. */
function municipalityCandidates(text: string): string[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !NOT_A_MUNICIPALITY.has(foldForSearch(part)));
  // « 123, rue Principale, Saint-Raymond »: a part starting with a street number is not a town.
  const withoutStreets = parts.filter((part) => !/^[0-9]/.test(part));
  return withoutStreets.length > 0 ? withoutStreets : parts;
}

function municipalityLabel(m: Municipality, namesake: boolean): string {
  return namesake ? `${m.name} (${m.regionName})` : m.name;
}

/** The gazetteer of municipalities and postal-code areas, in the database (migration map_gazetteer). */
export function gazetteerGeocoder(db: Db): Geocoder {
  async function byPostalArea(fsa: string): Promise<GeocodeResult> {
    const [area] = await db.select().from(postalArea).where(eq(postalArea.fsa, fsa));
    if (!area) return { ok: false, reason: 'postal_code_outside_quebec' };
    return { ok: true, place: { label: fsa, precision: 'postal_area', latitude: area.latitude, longitude: area.longitude }, alternatives: [] };
  }

  async function byMunicipality(words: string): Promise<GeocodeResult | null> {
    const found = await searchMunicipalities(db, words, 12);
    const folded = foldForSearch(words).replace(/[\s\-'’]+/g, ' ');
    const sameName = (m: Municipality) => foldForSearch(m.name).replace(/[\s\-'’]+/g, ' ') === folded;
    const chosen = found.find(sameName) ?? found[0];
    if (!chosen) return null;
    // The gazetteer does not place every small municipality yet (see the README): say so rather
    // than centre the search on another town of a similar name.
    if (chosen.latitude === null || chosen.longitude === null) return { ok: false, reason: 'municipality_without_position' };
    const namesake = found.filter((m) => m.name === chosen.name).length > 1;
    return {
      ok: true,
      place: { label: municipalityLabel(chosen, namesake), precision: 'municipality', latitude: chosen.latitude, longitude: chosen.longitude },
      alternatives: found.filter((m) => m.name !== chosen.name && m.latitude !== null).map((m) => m.name).slice(0, 5),
    };
  }

  return {
    async locate(query) {
      const text = query.trim();
      if (text === '') return { ok: false, reason: 'empty' };
      if (text.length > PLACE_QUERY_MAX_LENGTH) return { ok: false, reason: 'too_long' };
      const fsa = postalAreaOf(text);
      if (fsa) return byPostalArea(fsa);
      if (looksLikePostalCode(text)) return { ok: false, reason: 'malformed_postal_code' };
      const inAddress = POSTAL_CODE_IN_TEXT.exec(text.toUpperCase());
      if (inAddress?.[1]) {
        const located = await byPostalArea(inAddress[1]);
        if (located.ok) return located;
      }
      let failure: GeocodeResult = { ok: false, reason: 'unknown_place' };
      for (const candidate of municipalityCandidates(text)) {
        const located = await byMunicipality(candidate);
        if (located?.ok) return located;
        if (located) failure = located;
      }
      return failure;
    },
  };
}
