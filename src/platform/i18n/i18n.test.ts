import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { mergeCatalogues } from './catalogue.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { isLang, messageKeys, negotiateLanguage, translate, translator, type MessageKey } from './index.js';

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

describe('message catalogues', () => {
  test('French and English have the same keys, none empty', () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
    assert.deepEqual(messageKeys().sort(), Object.keys(fr).sort());
    for (const [lang, catalogue] of Object.entries({ fr, en })) {
      for (const [key, value] of Object.entries(catalogue)) {
        assert.equal(typeof value, 'string', `${lang} ${key}`);
        assert.notEqual(value.trim(), '', `${lang} ${key} is empty`);
        assert.equal(value, value.trim(), `${lang} ${key} has surrounding spaces`);
      }
    }
  });

  test('each message has the same placeholders in both languages', () => {
    for (const key of messageKeys()) {
      assert.deepEqual(placeholders(en[key]), placeholders(fr[key]), key);
    }
  });

  test('braces are only used for placeholders', () => {
    for (const [lang, catalogue] of Object.entries({ fr, en })) {
      for (const [key, value] of Object.entries(catalogue)) {
        assert.doesNotMatch(value.replace(/\{\w+\}/g, ''), /[{}]/, `${lang} ${key}`);
      }
    }
  });

  test('the English catalogue is a translation, not a copy of the French one', () => {
    // Proper nouns and short labels may be the same; most messages must differ.
    const same = messageKeys().filter((key) => en[key] === fr[key]);
    assert.ok(same.length < messageKeys().length / 10, `identical in both languages: ${same.join(', ')}`);
  });

  test('catalogues merge into one per language, and a key in two of them is refused', () => {
    const merged = mergeCatalogues({ a: { fr: { 'a.one': 'un' }, en: { 'a.one': 'one' } }, b: { fr: { 'b.two': 'deux' }, en: { 'b.two': 'two' } } });
    assert.deepEqual(merged, { fr: { 'a.one': 'un', 'b.two': 'deux' }, en: { 'a.one': 'one', 'b.two': 'two' } });
    assert.throws(
      () => mergeCatalogues({ a: { fr: { 'x.same': 'un' }, en: { 'x.same': 'one' } }, b: { fr: { 'x.same': 'deux' }, en: { 'x.same': 'two' } } }),
      /message key "x\.same" is in the catalogues "a" and "b"/,
    );
  });

  test('translate fills in the placeholders it is given and leaves the others', () => {
    assert.equal(translate('fr', 'footer.copyright', { year: 2026 }), '© Gouvernement du Québec, 2026');
    assert.match(translate('en', 'footer.copyright', { year: 2026 }), /2026/);
    assert.equal(translate('fr', 'footer.copyright'), fr['footer.copyright']);
    assert.equal(translator('en')('nav.signIn'), en['nav.signIn']);
    assert.equal(translate('fr', 'error.reference', { id: 'req-42' }), fr['error.reference'].replace('{id}', 'req-42'));
    assert.ok(!translate('fr', 'error.reference', { id: 'req-42' }).includes('{'));
  });

  test('a key no catalogue registered names the file that registers them', () => {
    // Only a cast can make such a key: the compiler knows every registered catalogue's keys.
    assert.throws(() => translate('fr', 'no.such.key' as MessageKey), /no message "no\.such\.key": src\/messages\.ts registers/);
  });
});

describe('negotiateLanguage', () => {
  const cases: [string | undefined, 'fr' | 'en'][] = [
    [undefined, 'fr'],
    ['', 'fr'],
    ['en', 'en'],
    ['en-CA,en;q=0.9', 'en'],
    ['EN-us', 'en'],
    ['fr-CA,fr;q=0.9,en;q=0.8', 'fr'],
    ['en;q=0.4, fr-CA;q=0.8', 'fr'],
    ['fr;q=0.5, en;q=0.8', 'en'],
    ['fr-CA;q=0.9,en;q=0.95', 'en'],
    ['de-DE,de;q=0.9,en;q=0.1', 'en'],
    ['de-DE,es;q=0.9', 'fr'],
    ['en;q=0', 'fr'],
    ['en;q=0, fr;q=0.1', 'fr'],
    ['*', 'fr'],
    ['en;q=abc', 'fr'],
    ['  en-GB ; q=1 ', 'en'],
    ['english', 'fr'],
  ];
  for (const [header, expected] of cases) {
    test(`${JSON.stringify(header)} → ${expected}`, () => {
      assert.equal(negotiateLanguage(header), expected);
    });
  }

  test('isLang accepts only the supported languages', () => {
    assert.ok(isLang('fr') && isLang('en'));
    for (const value of ['FR', 'de', '', undefined, null, 1, ['fr']]) assert.equal(isLang(value), false, String(value));
  });
});

describe('message keys in the source', () => {
  test('every key passed literally to t() or translate() exists', () => {
    const src = path.resolve(import.meta.dirname, '../..');
    const files = (fs.readdirSync(src, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name));
    const known = new Set<string>(messageKeys());
    const missing: string[] = [];
    let found = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b(?:t|translate\([^,()]+,)\s*\(?\s*'([a-z][\w]*(?:\.[\w]+)+)'/g)) {
        found++;
        if (!known.has(match[1]!)) missing.push(`${path.relative(src, file)}: ${match[1]}`);
      }
    }
    assert.ok(found > 50, `only ${found} keys found: the scan is broken`);
    assert.deepEqual(missing, []);
  });
});
