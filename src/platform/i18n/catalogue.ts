/**
 * The message catalogues, without platform importing any module. Each catalogue is named in
 * `Catalogues` by declaration merging: the module that owns it writes, in its `index.ts`,
 *
 *   declare module '../../platform/i18n/catalogue.js' {
 *     interface Catalogues { mes: typeof mesFr }
 *   }
 *
 * so `MessageKey` is every key of every catalogue at compile time. At run time `src/messages.ts`
 * registers every catalogue's French and English objects once, before anything translates; its
 * argument's type names each catalogue of `Catalogues`, so one left out, or an English object
 * lacking a French key, fails the type check.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging, as above
export interface Catalogues {}

export type MessageKey = { [Name in keyof Catalogues]: keyof Catalogues[Name] & string }[keyof Catalogues];

/** Every catalogue, in French (the reference) and in an English that has each French key. */
export type CatalogueSet = {
  [Name in keyof Catalogues]: { fr: Catalogues[Name]; en: Readonly<Record<keyof Catalogues[Name], string>> };
};

const assembledFr: Record<string, string> = {};
const assembledEn: Record<string, string> = {};

// Typed as complete: they are once src/messages.ts has registered every catalogue, and translate
// names that file when a key is missing.
/** The whole French catalogue, filled by `registerCatalogues`. */
export const fr = assembledFr as Readonly<Record<MessageKey, string>>;
/** The whole English catalogue, filled by `registerCatalogues`. */
export const en = assembledEn as Readonly<Record<MessageKey, string>>;

let registered = false;

type Messages = Readonly<Record<string, string>>;

/** The catalogues merged into one per language; a key in two catalogues is refused, so none silently overrides another. */
export function mergeCatalogues(set: Readonly<Record<string, { fr: Messages; en: Messages }>>): { fr: Record<string, string>; en: Record<string, string> } {
  const owner = new Map<string, string>();
  const merged = { fr: {}, en: {} };
  for (const [name, { fr: french, en: english }] of Object.entries(set)) {
    for (const key of Object.keys(french)) {
      const other = owner.get(key);
      if (other) throw new Error(`message key "${key}" is in the catalogues "${other}" and "${name}"`);
      owner.set(key, name);
    }
    Object.assign(merged.fr, french);
    Object.assign(merged.en, english);
  }
  return merged;
}

/** Fills `fr` and `en` with every catalogue. Once per process: src/messages.ts does it when it is imported. */
export function registerCatalogues(set: CatalogueSet): void {
  if (registered) throw new Error('the message catalogues are already registered');
  const merged = mergeCatalogues(set);
  Object.assign(assembledFr, merged.fr);
  Object.assign(assembledEn, merged.en);
  registered = true;
}
