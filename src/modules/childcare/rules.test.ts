import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isIsoDate, referenceYearOf, referenceYearPeriod, todayInQuebec, workingDaysOf } from './dates.js';
import { childSearchKey, validateNecsg, validateNirec } from './identifiers.js';

describe('reference year', () => {
  test('runs from April 1 to March 31 and is named by the year it starts', () => {
    assert.equal(referenceYearOf('2021-04-01'), 2021);
    assert.equal(referenceYearOf('2021-12-31'), 2021);
    assert.equal(referenceYearOf('2022-01-01'), 2021);
    assert.equal(referenceYearOf('2022-03-31'), 2021);
    assert.equal(referenceYearOf('2022-04-01'), 2022);
    assert.deepEqual(referenceYearPeriod(2021), { start: '2021-04-01', end: '2022-03-31' });
  });

  test('working days are Monday to Friday: 260 to 262 a year', () => {
    // 2019-04-01 is a Monday and the year holds 2020-02-29: 366 days, 53 Mondays and Tuesdays.
    assert.equal(workingDaysOf(2019), 262);
    assert.equal(workingDaysOf(2021), 261);
    // 2023-04-01 is a Saturday and the year holds 2024-02-29: the two extra days are a weekend.
    assert.equal(workingDaysOf(2023), 260);
    assert.equal(workingDaysOf(2027), 262);
  });
});

describe('dates', () => {
  test('a calendar date is YYYY-MM-DD and exists', () => {
    assert.ok(isIsoDate('2024-02-29'));
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '01/02/2025', '']) assert.ok(!isIsoDate(bad), bad);
  });

  test('today is the date in Quebec, not in UTC', () => {
    assert.equal(todayInQuebec(new Date('2026-01-01T03:00:00Z')), '2025-12-31');
    assert.equal(todayInQuebec(new Date('2026-07-01T05:00:00Z')), '2026-07-01');
  });
});

describe('child identifiers', () => {
  test('NIREC: 10 digits, spaces and dashes ignored', () => {
    assert.deepEqual(validateNirec(' 2000 0001-01 '), { ok: true, value: '2000000101' });
    assert.deepEqual(validateNirec(''), { ok: false, error: 'childcare.nirec.required' });
    assert.deepEqual(validateNirec('200000010'), { ok: false, error: 'childcare.nirec.invalid' });
    assert.deepEqual(validateNirec('20000001AB'), { ok: false, error: 'childcare.nirec.invalid' });
  });

  test('NECSG: 9 digits', () => {
    assert.deepEqual(validateNecsg('100 000 101'), { ok: true, value: '100000101' });
    assert.deepEqual(validateNecsg(' '), { ok: false, error: 'childcare.necsg.required' });
    assert.deepEqual(validateNecsg('1000001011'), { ok: false, error: 'childcare.necsg.invalid' });
  });

  test('the search key ignores case, accents, apostrophe forms and extra spaces', () => {
    const key = childSearchKey({ lastName: 'Bélanger-Côté', firstName: 'Éloïse', birthDate: '2022-03-14' });
    assert.equal(key, 'belanger-cote|eloise|2022-03-14');
    assert.equal(childSearchKey({ lastName: '  BELANGER-COTE ', firstName: 'eloise', birthDate: '2022-03-14' }), key);
    assert.equal(childSearchKey({ lastName: 'D’Amour', firstName: 'Marie  Ève', birthDate: '2021-01-01' }), "d'amour|marie eve|2021-01-01");
    assert.notEqual(childSearchKey({ lastName: 'Bélanger-Côté', firstName: 'Éloïse', birthDate: '2022-03-15' }), key);
  });
});
