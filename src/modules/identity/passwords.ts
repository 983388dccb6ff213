import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { MessageKey } from '../../platform/i18n/index.js';

/**
 * OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane. The library's default algorithm is
 * argon2id (its Algorithm enum is const and cannot be imported here); a test checks the prefix.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;
/** Verifying against this when no account matches keeps the timing of both answers alike. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('guichet-dummy-password-for-timing');
  return dummyHash;
}

/**
 * 49,000 passwords found in public breaches (zxcvbn-ts's common list) plus common French and
 * Quebec ones, lower-cased.
 */
const commonPasswords = new Set(
  [
    ...(dictionary['passwords-common'] as string[]),
    ...['motdepasse', 'azerty', 'bonjour', 'soleil', 'quebec', 'montreal', 'canadiens', 'garderie', 'guichet'],
  ].map((p) => p.toLowerCase()),
);

function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  // "Password2024!" is as weak as "password": strip the digits and symbols people add around it.
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  return commonPasswords.has(lower) || commonPasswords.has(core);
}

/** The policy: length 12 to 128, not a common password, not containing the person's identifier. */
export function passwordProblem(password: string, identifiers: (string | null | undefined)[] = []): MessageKey | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'password.tooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'password.tooLong';
  if (isCommon(password) || new Set(password).size < 4) return 'password.common';
  const lower = password.toLowerCase();
  for (const identifier of identifiers) {
    const local = identifier?.toLowerCase().split('@')[0];
    if (local && local.length >= 4 && lower.includes(local)) return 'password.containsIdentifier';
  }
  return null;
}
