import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderToString } from 'preact-render-to-string';
import { z } from 'zod';
import { anonymous } from '../context.js';
import { AppError } from '../errors.js';
import { translator } from '../i18n/index.js';
import { ChoiceGroup, DateField, ErrorSummary, FileField, Form, SelectField, TextArea, TextField, type FormState } from './components.js';
import { parseForm, requiredText } from './forms.js';
import type { ViewContext } from './render.js';

const v: ViewContext = { lang: 'fr', t: translator('fr'), actor: anonymous, path: '/essai', csrf: 'jeton-csrf', showDevMailbox: false };

describe('form components', () => {
  const form: FormState = {
    values: { note: 'Allergie </textarea><b>', name: 'Léa <b>', secret: 'ne-pas-renvoyer', when: '2026-09-01', group: 'poupons', days: 'lun,mer' },
    errors: { name: 'field.required', group: 'field.invalid', days: 'field.required', proof: 'field.required', when: 'field.invalid' },
  };
  const html = renderToString(
    <Form v={v} action="/essai">
      <ErrorSummary v={v} errors={form.errors} labels={{ name: 'Nom' }} />
      <TextField v={v} form={form} name="name" label="Nom" hint="Tel qu’inscrit" required />
      <TextField v={v} form={form} name="secret" label="Mot de passe" type="password" />
      <DateField v={v} form={form} name="when" label="Date" />
      <SelectField v={v} form={form} name="group" label="Groupe" options={[{ value: 'poupons', label: 'Poupons' }, { value: 'trottineurs', label: 'Trottineurs' }]} />
      <ChoiceGroup v={v} form={form} name="days" label="Jours" multiple options={[{ value: 'lun', label: 'Lundi' }, { value: 'mar', label: 'Mardi' }, { value: 'mer', label: 'Mercredi' }]} />
      <FileField v={v} form={form} name="proof" label="Pièce" accept="application/pdf" />
      <TextArea v={v} form={form} name="note" label="Remarque" />
    </Form>,
  );

  test('the form carries the CSRF token and the summary links every invalid field', () => {
    assert.match(html, /<input type="hidden" name="_csrf" value="jeton-csrf"\/>/);
    for (const field of ['name', 'group', 'days', 'proof', 'when']) assert.match(html, new RegExp(`href="#${field}"`));
    assert.match(html, /Le formulaire contient 5 erreurs/);
    assert.match(html, /Nom : Ce champ est obligatoire\./);
  });

  /** The attributes of the element with this id. */
  function attributesOf(id: string): Set<string> {
    // Attribute values may hold ">", so a tag is read attribute by attribute.
    const tag = new RegExp(`<\\w+(?:[^>"]|"[^"]*")* id="${id}"(?:[^>"]|"[^"]*")*>`).exec(html)?.[0] ?? '';
    return new Set(tag.match(/[\w-]+(="[^"]*")?/g)?.slice(1) ?? []);
  }

  function assertAttributes(id: string, ...expected: string[]) {
    const actual = attributesOf(id);
    for (const attribute of expected) assert.ok(actual.has(attribute), `${id} should have ${attribute}, has ${[...actual].join(' ')}`);
  }

  test('values are kept and escaped, passwords are never sent back', () => {
    assertAttributes('name', 'value="Léa &lt;b>"');
    assert.doesNotMatch(html, /ne-pas-renvoyer/);
    assertAttributes('secret', 'type="password"');
    assertAttributes('when', 'type="date"', 'value="2026-09-01"');
    assert.match(html, /<option value="poupons" selected>/);
    assertAttributes('days', 'type="checkbox"', 'value="lun"', 'checked');
    assertAttributes('days-mer', 'value="mer"', 'checked');
    assert.ok(!attributesOf('days-mar').has('checked'));
    assertAttributes('proof', 'type="file"', 'accept="application/pdf"');
    assert.match(html, /<textarea id="note" name="note">Allergie &lt;\/textarea>&lt;b><\/textarea>/);
  });

  test('an invalid field is marked and described by its hint and its error', () => {
    assertAttributes('name', 'required', 'aria-invalid="true"', 'aria-describedby="name-hint name-error"');
    assert.ok(!attributesOf('secret').has('aria-invalid="true"'));
    assert.match(html, /<div class="qc-form-error" id="name-error">/);
  });
});

describe('parseForm', () => {
  const schema = z.object({ name: requiredText(), days: z.array(z.enum(['lun', 'mar'])).min(1, 'field.required') });

  test('valid input is returned typed, a single checkbox value becomes a list', () => {
    const result = parseForm(schema, { name: ' Léa ', days: 'lun' });
    assert.deepEqual(result, { ok: true, data: { name: 'Léa', days: ['lun'] }, values: { name: ' Léa ', days: 'lun' } });
  });

  test('rule failures are messages per field with the values kept', () => {
    const result = parseForm(schema, { name: '', days: ['dim'] });
    assert.equal(result.ok, false);
    assert.deepEqual(result.errors, { name: 'field.required', days: 'field.invalid' });
    assert.deepEqual(result.values, { name: '', days: 'dim' });
  });

  test('a body no page sends is a 400: unknown field, list where text is expected, wrong type', () => {
    for (const body of [{ name: 'a', days: 'lun', extra: 'x' }, { name: ['a', 'b'], days: 'lun' }, { name: 5, days: 'lun' }]) {
      assert.throws(() => parseForm(schema, body), (error: unknown) => error instanceof AppError && error.status === 400);
    }
  });
});
