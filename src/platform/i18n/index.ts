import { en, fr, type MessageKey } from './catalogue.js';

export type { MessageKey };
export { registerCatalogues, type CatalogueSet, type Catalogues } from './catalogue.js';
export const languages = ['fr', 'en'] as const;
export type Lang = (typeof languages)[number];
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogues: Record<Lang, Readonly<Record<MessageKey, string>>> = { fr, en };

export function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en';
}

export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const message = catalogues[lang][key];
  if (message === undefined) {
    throw new Error(`no message "${key}": src/messages.ts registers the catalogues (app.ts and the test runner import it)`);
  }
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}

/** The first supported language of an Accept-Language header, French when none is. */
export function negotiateLanguage(header: string | undefined): Lang {
  if (!header) return 'fr';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (isLang(primary)) return primary;
  }
  return 'fr';
}

export function messageKeys(): MessageKey[] {
  return Object.keys(fr) as MessageKey[];
}
