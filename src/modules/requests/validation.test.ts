import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldById, isRequired, isShown, type FieldDefinition, type ProgramDefinition } from './program.js';
import { NotFoundError } from '../../platform/errors.js';
import { definitionFor, formatRequestNumber, missingFields, programById, quebecYear, registerProgram, validateValue, valueKey, type StoredValue } from './service.js';
import { facts, homeFacts, testProgram } from './test-support.js';

function field(partial: Partial<FieldDefinition> & Pick<FieldDefinition, 'type'>): FieldDefinition {
  return { id: 'f', label: 'requests.state.draft', required: false, ...partial };
}

function accepted(definition: FieldDefinition, raw: string): string {
  const result = validateValue(definition, raw, facts);
  assert.ok(result.ok, `${raw} was refused: ${result.ok ? '' : result.error}`);
  return result.value;
}

function refusal(definition: FieldDefinition, raw: string): string {
  const result = validateValue(definition, raw, facts);
  assert.ok(!result.ok, `${raw} was accepted`);
  return result.error;
}

describe('validateValue', () => {
  test('an empty value is always accepted (required is checked at receivability)', () => {
    assert.equal(accepted(field({ type: 'integer', required: true, min: 1 }), '   '), '');
  });

  test('decimals: comma or point, canonical writing, places and bounds', () => {
    const hours = field({ type: 'decimal', min: 0, max: 10, step: 1 });
    assert.equal(accepted(hours, '4,5'), '4.5');
    assert.equal(accepted(hours, '04.50'), '4.5');
    assert.equal(accepted(hours, '10'), '10');
    assert.equal(accepted(hours, '0,0'), '0');
    assert.equal(refusal(hours, '4,55'), 'requests.error.decimalPlaces');
    assert.equal(refusal(hours, '10,5'), 'requests.error.max');
    assert.equal(refusal(hours, '-0,5'), 'requests.error.min');
    assert.equal(refusal(hours, '4h'), 'requests.error.decimal');
    assert.equal(refusal(hours, '1e3'), 'requests.error.decimal');
    const result = validateValue(hours, '11', facts);
    assert.deepEqual(result, { ok: false, error: 'requests.error.max', params: { max: 10 } });
  });

  test('the maximum may be read from the request’s facts; a fact that is missing or no number fails loudly', () => {
    const days = field({ type: 'integer', min: 1, max: { attribute: 'daysMax' } });
    assert.equal(validateValue(days, '250', { attributes: { daysMax: '250' } }).ok, true);
    assert.deepEqual(validateValue(days, '250', { attributes: { daysMax: '249' } }), { ok: false, error: 'requests.error.max', params: { max: 249 } });
    const unreadable: Record<string, string>[] = [{}, { daysMax: '' }, { daysMax: 'beaucoup' }];
    for (const attributes of unreadable) assert.throws(() => validateValue(days, '2', { attributes }), /daysMax/);
  });

  test('integers: digits only, thousands spaces allowed', () => {
    const count = field({ type: 'integer' });
    assert.equal(accepted(count, '1 200'), '1200');
    assert.equal(accepted(count, '007'), '7');
    assert.equal(refusal(count, '2,5'), 'requests.error.integer');
  });

  test('dates: real dates written YYYY-MM-DD', () => {
    const date = field({ type: 'date' });
    assert.equal(accepted(date, '2024-02-29'), '2024-02-29');
    assert.equal(refusal(date, '2025-02-29'), 'requests.error.date');
    assert.equal(refusal(date, '2025-13-01'), 'requests.error.date');
    assert.equal(refusal(date, '2025-9-2'), 'requests.error.date');
    assert.equal(refusal(date, 'demain'), 'requests.error.date');
  });

  test('text: length, one line; textarea keeps its lines', () => {
    assert.equal(refusal(field({ type: 'text', maxLength: 5 }), 'abcdef'), 'requests.error.tooLong');
    assert.equal(accepted(field({ type: 'text' }), 'un\ndeux'), 'un deux');
    assert.equal(accepted(field({ type: 'textarea' }), ' un\r\ndeux '), 'un\ndeux');
    assert.equal(refusal(field({ type: 'textarea' }), 'x'.repeat(10_001)), 'requests.error.tooLong');
  });

  test('choices, e-mail addresses and phone numbers', () => {
    const choice = field({ type: 'choice', choices: [{ value: 'new', label: 'requests.state.draft' }] });
    assert.equal(accepted(choice, 'new'), 'new');
    assert.equal(refusal(choice, 'old'), 'requests.error.choice');
    assert.equal(accepted(field({ type: 'email' }), 'direction@cpe.qc.ca'), 'direction@cpe.qc.ca');
    assert.equal(refusal(field({ type: 'email' }), 'direction@cpe'), 'requests.error.email');
    const phone = field({ type: 'phone' });
    assert.equal(accepted(phone, '(418) 555-1234'), '418 555-1234');
    assert.equal(accepted(phone, '1-418-555-1234 poste 12'), '418 555-1234, poste 12');
    assert.equal(refusal(phone, '555-1234'), 'requests.error.phone');
    assert.equal(refusal(phone, '418 555 12AB'), 'requests.error.phone');
  });
});

describe('missingFields', () => {
  test('required and shown fields without a value, in the program’s order; any row fills a field', () => {
    const stored = (value: string): StoredValue => ({ value, version: 1, changedAt: new Date(), changedBy: 'x' });
    const values = new Map([
      [valueKey('start', 2), stored('2025-09-02')],
      [valueKey('hours'), stored('')],
    ]);
    assert.deepEqual(missingFields(testProgram, values, facts).map((f) => f.id), ['hours', 'needs']);
    assert.deepEqual(missingFields(testProgram, values, homeFacts).map((f) => f.id), ['hours', 'needs', 'rsgName']);
  });
});

describe('conditions', () => {
  const shown = (attributes: Record<string, string>) => isShown(field({ type: 'text', shownWhen: { attribute: 'kind', in: ['a', 'b'] } }), { attributes });
  const required = (attributes: Record<string, string>) => isRequired({ when: { attribute: 'kind', notIn: ['a'] } }, { attributes });

  test('in: the fact is one of the values; a missing fact is in no list', () => {
    assert.equal(shown({ kind: 'a' }), true);
    assert.equal(shown({ kind: 'b' }), true);
    assert.equal(shown({ kind: 'c' }), false);
    assert.equal(shown({}), false);
    assert.equal(isShown(field({ type: 'text' }), { attributes: {} }), true);
  });

  test('notIn: the fact is none of the values, a missing one included; booleans stand alone', () => {
    assert.equal(required({ kind: 'a' }), false);
    assert.equal(required({ kind: 'c' }), true);
    assert.equal(required({}), true);
    assert.equal(isRequired(true, { attributes: {} }), true);
    assert.equal(isRequired(false, { attributes: { kind: 'c' } }), false);
  });

  test('a definition is data: it round-trips through JSON and evaluates the same', () => {
    const data = { steps: testProgram.steps, fields: testProgram.fields, documentTypes: testProgram.documentTypes };
    const parsed: Pick<ProgramDefinition, 'steps' | 'fields' | 'documentTypes'> = JSON.parse(JSON.stringify(data));
    // JSON drops functions: equality shows no rule of these parts is code.
    assert.deepEqual(parsed, data);
    const copy: ProgramDefinition = { ...testProgram, ...parsed };
    const stored = (value: string): StoredValue => ({ value, version: 1, changedAt: new Date(), changedBy: 'x' });
    const values = new Map([[valueKey('needs'), stored('Dîner')]]);
    for (const situation of [facts, homeFacts]) {
      assert.deepEqual(missingFields(copy, values, situation), missingFields(testProgram, values, situation));
      for (const [original, read] of testProgram.fields.map((f, i) => [f, copy.fields[i]] as const)) {
        assert.ok(read);
        assert.equal(isShown(read, situation), isShown(original, situation));
        assert.equal(isRequired(read.required, situation), isRequired(original.required, situation));
        for (const raw of ['10', '11,5', '12,5']) assert.deepEqual(validateValue(read, raw, situation), validateValue(original, raw, situation));
      }
      assert.deepEqual(
        copy.documentTypes.map((d) => isRequired(d.required, situation)),
        testProgram.documentTypes.map((d) => isRequired(d.required, situation)),
      );
    }
    // The facts do make a difference, so the comparison above is not between two constants.
    const hours = fieldById(copy, 'hours');
    assert.ok(hours);
    assert.equal(validateValue(hours, '11,5', homeFacts).ok, true);
    assert.equal(validateValue(hours, '11,5', facts).ok, false);
  });
});

describe('numbers', () => {
  test('YYYY-RR-NNN, the year as in Quebec, at least three digits', () => {
    assert.equal(formatRequestNumber(2021, '11', 43), '2021-11-043');
    assert.equal(formatRequestNumber(2021, '11', 1043), '2021-11-1043');
    // 2025-01-01 03:00 UTC is still New Year's Eve in Quebec.
    assert.equal(quebecYear(new Date('2025-01-01T03:00:00Z')), 2024);
    assert.equal(quebecYear(new Date('2025-01-01T06:00:00Z')), 2025);
  });
});

describe('program registry', () => {
  test('a revision registers once under (id, revision); several stay loaded; the latest is the program’s', () => {
    registerProgram(testProgram);
    registerProgram(testProgram);
    assert.equal(programById('essai'), testProgram);
    assert.throws(() => registerProgram({ ...testProgram }), /already registered/);
    assert.throws(() => programById('inconnu'), NotFoundError);

    const second: ProgramDefinition = { ...testProgram, revision: 2, fields: testProgram.fields.filter((f) => f.id !== 'phone') };
    registerProgram(second);
    assert.equal(programById('essai'), second);
    assert.equal(definitionFor(testProgram, 1), testProgram);
    assert.equal(definitionFor(testProgram, 2), second);
    assert.throws(() => definitionFor(testProgram, 3), /revision 3 is not registered/);
    assert.throws(() => registerProgram({ ...second }), /revision 2 is already registered/);
  });
});
