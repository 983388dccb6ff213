import { authenticator } from 'otplib';
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../platform/crypto.js';

/** RFC 6238: 30-second steps, 6 digits, SHA-1 (what every authenticator app reads). */
authenticator.options = { step: 30, digits: 6, window: 1 };

export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function totpUri(secret: string, accountLabel: string): string {
  return authenticator.keyuri(accountLabel, 'guichet', secret);
}

export function currentTotp(secret: string, at = Date.now()): string {
  return authenticator.clone({ epoch: at }).generate(secret);
}

/**
 * The time step the code belongs to (within one step either side), or null. Callers refuse a step
 * already used, so a code works once.
 */
export function matchingTotpStep(secret: string, code: string, at = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const step = Math.floor(at / 30_000);
  for (const offset of [0, -1, 1]) {
    const candidate = step + offset;
    // Each step's own code, compared exactly: otplib's check() applies the window set above even
    // on a clone given `window: 0`, which made a code count for the wrong step (and replayable).
    if (safeEqual(currentTotp(secret, candidate * 30_000), code)) return candidate;
  }
  return null;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Demo accounts get a TOTP secret derived from their identifier, so `npm run mfa:code` can print
 * the current code without opening the (locked) database. Never used for real accounts.
 */
export function demoTotpSecret(identifier: string): string {
  const digest = createHmac('sha256', 'guichet-demo-totp').update(identifier).digest();
  let bits = '';
  for (const byte of digest.subarray(0, 20)) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += BASE32[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out;
}
