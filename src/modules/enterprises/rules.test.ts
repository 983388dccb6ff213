import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INVITATION_ALPHABET, isAssessmentNumber, isImpotnetCode, isInvitationNumber, isTenDigits, isValidSin, normalizeIdentifier } from './identifiers.js';
import {
  corporationOfficerFunctions,
  decideOutcome,
  identifiersByLegalType,
  invitationConditions,
  INVITATION_VALID_DAYS,
  legalTypes,
  rolesByLegalType,
  type DocumentRequirement,
  type EnrollerRole,
  type LegalType,
  type Outcome,
  type SecretIdentifier,
} from './rules.js';

/**
 * Seed 000 written out independently of rules.ts: who may enrol each legal type and which
 * identifiers (besides the RQ ID) each type asks for.
 */
const seedRoles: Record<LegalType, EnrollerRole[]> = {
  sole_proprietor: ['proprietor', 'named_by_proprietor'],
  corporation: ['officer', 'employee', 'professional', 'designated_by_resolution'],
  nonprofit: ['designated_by_resolution'],
  partnership: ['partner', 'administrator', 'named_by_partnership'],
};

const seedIdentifiers: Record<LegalType, SecretIdentifier[]> = {
  sole_proprietor: ['sin', 'impotnetCode', 'assessmentNumber'],
  corporation: ['assessmentNumber', 'invitationNumber'],
  nonprofit: [],
  partnership: [],
};

type Given = 'all' | 'some' | 'none';

const immediate: Outcome = { activation: 'immediate' };
const deferred = (...documents: DocumentRequirement[]): Outcome => ({ activation: 'deferred', documents });

/** The outcome table of seed 000, case by case. */
function expectedOutcome(legalType: LegalType, role: EnrollerRole, recognisedOfficer: boolean, given: Given): Outcome {
  switch (legalType) {
    case 'sole_proprietor':
      // The proprietor with SIN, impôtNET code and assessment number is activated at once.
      if (role === 'proprietor') return given === 'all' ? immediate : deferred('signed_forms');
      return deferred('signed_forms', 'mandate');
    case 'corporation':
      // A recognised officer with the assessment and invitation numbers is activated at once.
      if (role === 'officer' && recognisedOfficer) return given === 'all' ? immediate : deferred('signed_forms');
      if (role === 'designated_by_resolution') return deferred('signed_forms', 'board_resolution');
      return deferred('signed_forms', 'proof_of_authority');
    case 'nonprofit':
      return deferred('signed_forms', 'board_resolution');
    case 'partnership':
      return role === 'named_by_partnership' ? deferred('signed_forms', 'proof_of_authority') : deferred('signed_forms');
  }
}

/** Every subset of the identifiers, labelled all / some / none. */
function subsets(ids: SecretIdentifier[]): { given: Given; ids: SecretIdentifier[] }[] {
  const result: { given: Given; ids: SecretIdentifier[] }[] = [];
  for (let mask = 0; mask < 2 ** ids.length; mask++) {
    const chosen = ids.filter((_, i) => (mask & (1 << i)) !== 0);
    const given: Given = chosen.length === ids.length ? 'all' : chosen.length === 0 ? 'none' : 'some';
    result.push({ given, ids: chosen });
  }
  return result;
}

describe('seed 000 as data', () => {
  test('legal types, roles and identifiers are those of the seed', () => {
    assert.deepEqual([...legalTypes].sort(), ['corporation', 'nonprofit', 'partnership', 'sole_proprietor']);
    for (const type of legalTypes) {
      assert.deepEqual([...rolesByLegalType[type]], seedRoles[type], `roles of ${type}`);
      assert.deepEqual([...identifiersByLegalType[type]].sort(), [...seedIdentifiers[type]].sort(), `identifiers of ${type}`);
    }
    // The officers who may ask for an invitation number (seed: président, vice-président, trésorier, secrétaire, administrateur unique).
    assert.deepEqual([...corporationOfficerFunctions].sort(), ['president', 'secretary', 'sole_administrator', 'treasurer', 'vice_president']);
    assert.deepEqual([...invitationConditions], ['returnFiled', 'mailingAddressOk', 'fileInGoodStanding', 'officersUpToDate', 'noActiveEnrolment']);
    assert.equal(INVITATION_VALID_DAYS, 90);
  });

  describe('outcome table: legal type × role × recognised officer × identifiers given', () => {
    let cases = 0;
    for (const legalType of legalTypes) {
      for (const role of seedRoles[legalType]) {
        for (const recognisedOfficer of [true, false]) {
          for (const { given, ids } of subsets(seedIdentifiers[legalType])) {
            cases++;
            const expected = expectedOutcome(legalType, role, recognisedOfficer, given);
            const label = `${legalType} / ${role} / ${recognisedOfficer ? 'recognised' : 'not recognised'} / ${given} [${ids.join(',')}] → ${
              expected.activation === 'immediate' ? 'immediate' : `deferred ${expected.documents.join('+')}`
            }`;
            test(label, () => {
              assert.deepEqual(decideOutcome({ legalType, role, recognisedOfficer, identifiersGiven: ids }), expected);
            });
          }
        }
      }
    }
    test('the table has every combination', () => {
      // sole proprietor 2 roles × 2 × 8 subsets, corporation 4 × 2 × 4, nonprofit 1 × 2 × 1, partnership 3 × 2 × 1.
      assert.equal(cases, 32 + 32 + 2 + 6);
    });
  });

  test('the seed\'s key cases, spelled out', () => {
    const all = (type: LegalType) => seedIdentifiers[type];
    assert.deepEqual(decideOutcome({ legalType: 'sole_proprietor', role: 'proprietor', recognisedOfficer: false, identifiersGiven: all('sole_proprietor') }), immediate);
    assert.deepEqual(decideOutcome({ legalType: 'sole_proprietor', role: 'proprietor', recognisedOfficer: false, identifiersGiven: ['sin', 'assessmentNumber'] }), deferred('signed_forms'));
    assert.deepEqual(decideOutcome({ legalType: 'sole_proprietor', role: 'named_by_proprietor', recognisedOfficer: false, identifiersGiven: all('sole_proprietor') }), deferred('signed_forms', 'mandate'));
    assert.deepEqual(decideOutcome({ legalType: 'corporation', role: 'officer', recognisedOfficer: true, identifiersGiven: all('corporation') }), immediate);
    assert.deepEqual(decideOutcome({ legalType: 'corporation', role: 'officer', recognisedOfficer: true, identifiersGiven: ['assessmentNumber'] }), deferred('signed_forms'));
    assert.deepEqual(decideOutcome({ legalType: 'corporation', role: 'officer', recognisedOfficer: false, identifiersGiven: all('corporation') }), deferred('signed_forms', 'proof_of_authority'));
    assert.deepEqual(decideOutcome({ legalType: 'corporation', role: 'employee', recognisedOfficer: false, identifiersGiven: all('corporation') }), deferred('signed_forms', 'proof_of_authority'));
    assert.deepEqual(decideOutcome({ legalType: 'corporation', role: 'professional', recognisedOfficer: false, identifiersGiven: all('corporation') }), deferred('signed_forms', 'proof_of_authority'));
    assert.deepEqual(decideOutcome({ legalType: 'corporation', role: 'designated_by_resolution', recognisedOfficer: false, identifiersGiven: all('corporation') }), deferred('signed_forms', 'board_resolution'));
    assert.deepEqual(decideOutcome({ legalType: 'nonprofit', role: 'designated_by_resolution', recognisedOfficer: true, identifiersGiven: [] }), deferred('signed_forms', 'board_resolution'));
    assert.deepEqual(decideOutcome({ legalType: 'partnership', role: 'partner', recognisedOfficer: false, identifiersGiven: [] }), deferred('signed_forms'));
    assert.deepEqual(decideOutcome({ legalType: 'partnership', role: 'administrator', recognisedOfficer: false, identifiersGiven: [] }), deferred('signed_forms'));
    assert.deepEqual(decideOutcome({ legalType: 'partnership', role: 'named_by_partnership', recognisedOfficer: false, identifiersGiven: [] }), deferred('signed_forms', 'proof_of_authority'));
  });
});

describe('identifier formats', () => {
  test('a social insurance number carries the Luhn check digit', () => {
    for (const valid of ['046454286', '130692544', '000000000']) assert.equal(isValidSin(valid), true, valid);
    for (const invalid of ['046454287', '130692545', '04645428', '0464542860', '04645428A', '', '046 454 286']) assert.equal(isValidSin(invalid), false, invalid);
    // Each single-digit change of a valid number breaks the check.
    for (let i = 0; i < 9; i++) {
      const changed = `${'046454286'.slice(0, i)}${(Number('046454286'[i]) + 1) % 10}${'046454286'.slice(i + 1)}`;
      assert.equal(isValidSin(changed), false, changed);
    }
  });

  test('identifiers are normalised: spaces and hyphens dropped, upper case', () => {
    assert.equal(normalizeIdentifier(' 046-454 286 '), '046454286');
    assert.equal(normalizeIdentifier('ab3d-ef7h'), 'AB3DEF7H');
  });

  test('RQ ID, impôtNET code, assessment number and invitation number formats', () => {
    assert.equal(isTenDigits('1234567890'), true);
    for (const bad of ['123456789', '12345678901', '12345678A0', '']) assert.equal(isTenDigits(bad), false, bad);
    assert.equal(isImpotnetCode('ABC123'), true);
    assert.equal(isImpotnetCode('ABCDEF123456'), true);
    for (const bad of ['ABC12', 'ABCDEF1234567', 'abc123', 'ABC-123']) assert.equal(isImpotnetCode(bad), false, bad);
    assert.equal(isAssessmentNumber('AV1234'), true);
    assert.equal(isAssessmentNumber('AV1234567890123'), true);
    for (const bad of ['AV123', 'AV12345678901234', 'AV 1234']) assert.equal(isAssessmentNumber(bad), false, bad);
    assert.equal(isInvitationNumber('ABCD2345'), true);
    for (const bad of ['ABCD234', 'ABCD23456', 'abcd2345', 'ABCD-234']) assert.equal(isInvitationNumber(bad), false, bad);
  });

  test('the invitation alphabet has 32 distinct characters a reader cannot confuse', () => {
    assert.equal(INVITATION_ALPHABET.length, 32);
    assert.equal(new Set(INVITATION_ALPHABET).size, 32);
    for (const confusing of ['O', '0', 'I', '1']) assert.ok(!INVITATION_ALPHABET.includes(confusing), confusing);
    assert.match(INVITATION_ALPHABET, /^[A-Z2-9]+$/);
    assert.equal(isInvitationNumber(INVITATION_ALPHABET.slice(0, 8)), true);
  });
});
