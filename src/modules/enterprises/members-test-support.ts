/**
 * Test helpers: enterprises enrolled through the enrolment service, and their people as accounts
 * that can sign in (password known, MFA enrolled). Shared by the enterprises and access tests.
 */
import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import { anonymous } from '../../platform/context.js';
import { encrypt } from '../../platform/crypto.js';
import { transaction, type Db } from '../../platform/db/index.js';
import type { TestAccount } from '../../platform/testing/accounts.js';
import { TEST_SECRET } from '../../platform/testing/app.js';
import { hashPassword } from '../identity/passwords.js';
import { account } from '../identity/schema.js';
import { newTotpSecret } from '../identity/totp.js';
import { addMember } from './members.js';
import { upsertRegistryRecord } from './registry.js';
import { submitEnrolment } from './service.js';
import { testRegistryRecord } from './registry-fixture.js';

export const testSettings = { secret: TEST_SECRET, publicUrl: 'http://localhost:3000', failureDelayMs: 0 };

const SIN = '046454286';
const IMPOTNET = 'IMPOT2024';
const ASSESSMENT = 'AV20240001';

let serial = 0;
function tenDigits(): string {
  serial++;
  return `${randomInt(100_000, 999_999)}${String(serial % 10_000).padStart(4, '0')}`;
}

export function ctxOf(who: TestAccount | { account: { id: string; displayName: string } }, lang: 'fr' | 'en' = 'fr'): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: 'enterprise', displayName: who.account.displayName }, lang, requestId: null, ip: null };
}

/** Gives an account a known password and an enrolled second factor, as a person would after first sign-in. */
export async function makeSignInable(db: Db, accountId: string): Promise<TestAccount> {
  const password = `Essai-${randomInt(1e6, 1e7)}-motdepasse`;
  const totpSecret = newTotpSecret();
  const [updated] = await db
    .update(account)
    .set({ passwordHash: await hashPassword(password), passwordIsTemporary: false, mfaSecret: encrypt(TEST_SECRET, 'totp', totpSecret), mfaEnabledAt: new Date() })
    .where(eq(account.id, accountId))
    .returning();
  if (!updated) throw new Error('no such account');
  return { account: updated, identifier: updated.userCode ?? updated.email ?? '', password, totpSecret };
}

export type TestEnterprise = { enterpriseId: string; neq: string; legalName: string; rse: TestAccount };

/**
 * An enterprise enrolled through `submitEnrolment`: a sole proprietor giving every identifier is
 * activated at once; a non-profit stays deferred (not active).
 */
export async function createTestEnterprise(db: Db, options: { active?: boolean; rseLanguage?: 'fr' | 'en' } = {}): Promise<TestEnterprise> {
  const active = options.active ?? true;
  const legalType = active ? 'sole_proprietor' : 'nonprofit';
  const neq = tenDigits();
  const rqId = tenDigits();
  const legalName = `Garderie d’essai ${serial} enr.`;
  const enterpriseId = await transaction(db, (tx) =>
    upsertRegistryRecord(
      tx,
      TEST_SECRET,
      testRegistryRecord({
        rqId,
        neq,
        legalName,
        legalType,
        assessmentNumber: active ? ASSESSMENT : null,
        ownerSin: active ? SIN : null,
        impotnetCode: active ? IMPOTNET : null,
      }),
    ),
  );
  const ctx: Ctx = { actor: anonymous, lang: options.rseLanguage ?? 'fr', requestId: null, ip: null };
  const result = await submitEnrolment(db, ctx, testSettings, {
    legalType,
    role: active ? 'proprietor' : 'designated_by_resolution',
    officerFunction: null,
    firstName: 'Rosalie',
    lastName: `Responsable${serial}`,
    email: `rse-${serial}-${randomInt(1e6)}@garderie.test`,
    rqId,
    secrets: active ? { sin: SIN, impotnetCode: IMPOTNET, assessmentNumber: ASSESSMENT } : {},
  });
  if (result.outcome !== 'activated' && result.outcome !== 'deferred') throw new Error(`enrolment failed: ${result.outcome}`);
  if ((result.outcome === 'activated') !== active) throw new Error(`unexpected outcome ${result.outcome}`);
  const rse = await makeSignInable(db, result.enrolment.rseAccountId);
  return { enterpriseId, neq, legalName, rse };
}

/** A user added by the enterprise's RSE, ready to sign in. */
export async function addTestMember(db: Db, enterprise: TestEnterprise, name = 'Utilisateur'): Promise<TestAccount> {
  serial++;
  const added = await addMember(db, ctxOf(enterprise.rse), testSettings, enterprise.enterpriseId, {
    firstName: name,
    lastName: `Essai${serial}`,
    email: `user-${serial}-${randomInt(1e6)}@garderie.test`,
  });
  return makeSignInable(db, added.accountId);
}
