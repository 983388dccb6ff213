import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dummyPasswordHash, hashPassword, passwordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js';

describe('password policy', () => {
  test('length: 12 to 128 characters', () => {
    assert.equal(PASSWORD_MIN_LENGTH, 12);
    assert.equal(PASSWORD_MAX_LENGTH, 128);
    assert.equal(passwordProblem(''), 'password.tooShort');
    assert.equal(passwordProblem('Kx7-pqr-Lm2'), 'password.tooShort');
    assert.equal(passwordProblem('Kx7-pqr-Lm2z'), null);
    const longest = 'Kx7-pqr-Lm2z'.repeat(11).slice(0, 128);
    assert.equal(longest.length, 128);
    assert.equal(passwordProblem(longest), null);
    assert.equal(passwordProblem(`${longest}a`), 'password.tooLong');
  });

  test('common passwords are refused, also with digits and symbols around them, in any case', () => {
    for (const common of ['password1234', 'PASSWORD1234', 'Password2024!', '123456789012', 'qwertyuiop123', 'motdepasse123', '!!Motdepasse2024', 'Bonjour!!2025', 'Canadiens1909!']) {
      assert.equal(passwordProblem(common), 'password.common', common);
    }
  });

  test('passwords made of fewer than four different characters are refused', () => {
    assert.equal(passwordProblem('aaaaaaaaaaaa'), 'password.common');
    assert.equal(passwordProblem('abcabcabcabc'), 'password.common');
    assert.equal(passwordProblem('abcdabcdabcd'), null);
  });

  test('a password may not contain the user code or the local part of the e-mail', () => {
    assert.equal(passwordProblem('Marie.Tremblay-2024', ['marie.tremblay@exemple.com']), 'password.containsIdentifier');
    assert.equal(passwordProblem('mon-AB12CD3-secret', ['AB12CD3']), 'password.containsIdentifier');
    assert.equal(passwordProblem('mon-ab12cd3-secret', [null, 'AB12CD3']), 'password.containsIdentifier');
    // Identifiers shorter than four characters are too common to forbid.
    assert.equal(passwordProblem('joe-aime-les-crepes', ['joe@exemple.com']), null);
    assert.equal(passwordProblem('Marie.Tremblay-2024', [null, undefined, '']), null);
    assert.equal(passwordProblem('Marie.Tremblay-2024'), null);
  });

  test('a good passphrase passes', () => {
    assert.equal(passwordProblem('cheval-agrafe-pile-correcte', ['lea.gagnon@exemple.com', 'ZX81QW7']), null);
  });
});

describe('password hashing', () => {
  test('hashPassword produces an argon2id hash with the configured cost, salted', async () => {
    const first = await hashPassword('cheval-agrafe-pile-correcte');
    const second = await hashPassword('cheval-agrafe-pile-correcte');
    assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.notEqual(first, second);
    assert.ok(!first.includes('cheval'));
  });

  test('verifyPassword accepts the password only, and never throws on a malformed hash', async () => {
    const hash = await hashPassword('cheval-agrafe-pile-correcte');
    assert.equal(await verifyPassword(hash, 'cheval-agrafe-pile-correcte'), true);
    assert.equal(await verifyPassword(hash, 'Cheval-agrafe-pile-correcte'), false);
    assert.equal(await verifyPassword(hash, ''), false);
    assert.equal(await verifyPassword('pas-un-hachage', 'cheval-agrafe-pile-correcte'), false);
    assert.equal(await verifyPassword('', ''), false);
  });

  test('the dummy hash for unknown accounts is computed once, as argon2id', async () => {
    const dummy = await dummyPasswordHash();
    assert.match(dummy, /^\$argon2id\$/);
    assert.equal(await dummyPasswordHash(), dummy);
  });
});
