import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MES_FIRST_REFERENCE_YEAR, mesRequestTypes, type MesRequestType } from './program.js';
import { isTypeAllowed, proposeTypes, type FundingRecord } from './type-proposal.js';

const HERE = 'site-here';
const OTHER = 'site-other';
const later = MES_FIRST_REFERENCE_YEAR + 2;

/** Each history case of the seed, with the types it fits after the first year (best first). */
const cases: { name: string; history: (year: number) => FundingRecord[]; fits: MesRequestType[] }[] = [
  { name: 'never funded anywhere', history: () => [], fits: ['new'] },
  { name: 'funded here during the previous year', history: (y) => [{ installationId: HERE, referenceYear: y - 1 }], fits: ['renewal_unchanged', 'renewal_changed'] },
  { name: 'funded here during the current year', history: (y) => [{ installationId: HERE, referenceYear: y }], fits: ['renewal_changed'] },
  { name: 'funded elsewhere during the previous year', history: (y) => [{ installationId: OTHER, referenceYear: y - 1 }], fits: ['transfer', 'new'] },
  { name: 'funded elsewhere during the current year', history: (y) => [{ installationId: OTHER, referenceYear: y }], fits: ['transfer', 'new'] },
  { name: 'funded elsewhere long ago only', history: (y) => [{ installationId: OTHER, referenceYear: y - 3 }], fits: ['new'] },
  { name: 'funded here long ago only (the funding lapsed)', history: (y) => [{ installationId: HERE, referenceYear: y - 3 }], fits: ['new'] },
  {
    name: 'funded here last year and elsewhere this year',
    history: (y) => [
      { installationId: HERE, referenceYear: y - 1 },
      { installationId: OTHER, referenceYear: y },
    ],
    fits: ['renewal_unchanged', 'renewal_changed', 'transfer'],
  },
];

describe('type proposal after the first reference year', () => {
  for (const c of cases) {
    test(c.name, () => {
      const proposal = proposeTypes(c.history(later), HERE, later);
      assert.equal(proposal.firstYear, false);
      assert.deepEqual(proposal.options.map((o) => o.type), c.fits, 'only the fitting types, the best first');
      assert.ok(proposal.options.every((o) => o.fits && o.reason !== null), 'each one explained');
      for (const type of mesRequestTypes) assert.equal(isTypeAllowed(proposal, type), c.fits.includes(type), type);
    });
  }

  test('the lapsed case says why a new request is asked', () => {
    const proposal = proposeTypes([{ installationId: HERE, referenceYear: later - 3 }], HERE, later);
    assert.deepEqual(proposal.options, [{ type: 'new', fits: true, reason: 'lapsed' }]);
  });
});

describe('type proposal during the first reference year', () => {
  for (const c of cases) {
    test(c.name, () => {
      const year = MES_FIRST_REFERENCE_YEAR;
      const proposal = proposeTypes(c.history(year), HERE, year);
      assert.equal(proposal.firstYear, true);
      assert.deepEqual(new Set(proposal.options.map((o) => o.type)), new Set(mesRequestTypes), 'any type may be chosen');
      const fitting = proposal.options.filter((o) => o.fits).map((o) => o.type);
      // The types the known history supports still come first (a lapsed history supports none).
      assert.deepEqual(proposal.options.slice(0, fitting.length).map((o) => o.type), fitting);
      assert.deepEqual(fitting, c.fits.filter((t) => !(c.name.includes('lapsed') && t === 'new')));
      for (const option of proposal.options.slice(fitting.length)) assert.equal(option.reason, 'firstYear');
    });
  }
});
