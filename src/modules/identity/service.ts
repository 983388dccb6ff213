import { randomInt } from 'node:crypto';
import { and, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { authorize } from '../../platform/authz.js';
import type { AccountKind, Ctx } from '../../platform/context.js';
import { decrypt, encrypt, hmacHex, randomToken, sha256Hex } from '../../platform/crypto.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { AppError, ConflictError, FieldValidationError } from '../../platform/errors.js';
import type { Lang } from '../../platform/i18n/index.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { identityActions } from './actions.js';
import { accountMail } from './mails.js';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { account, accountToken, loginThrottle, recoveryCode, session } from './schema.js';
import { matchingTotpStep, newTotpSecret } from './totp.js';

export type Account = typeof account.$inferSelect;
export type SessionStage = (typeof session.$inferSelect)['stage'];

/** Settings the identity rules depend on; from the configuration, shorter in some tests. */
export type IdentitySettings = {
  secret: string;
  publicUrl: string;
  failureDelayMs: number;
};

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
export const RESET_TOKEN_MINUTES = 30;
export const VERIFY_TOKEN_HOURS = 48;
export const RECOVERY_CODE_COUNT = 10;

const USER_CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const USER_CODE_PATTERN = /^[A-Z0-9]{7}$/;

export function mfaRequired(kind: AccountKind): boolean {
  return kind !== 'citizen';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sealMfaSecret(settings: IdentitySettings, secret: string): string {
  return encrypt(settings.secret, 'totp', secret);
}

export function openMfaSecret(settings: IdentitySettings, sealed: string): string {
  return decrypt(settings.secret, 'totp', sealed);
}

function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < 7; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

// ---------------------------------------------------------------------------------------------
// Accounts

export type NewAccount = {
  kind: AccountKind;
  displayName: string;
  email?: string | null;
  language?: Lang;
  /** Omitted: a temporary password is generated and must be changed at first sign-in. */
  password?: string;
  /** A given password that must still be changed at first sign-in (demo data). */
  temporaryPassword?: boolean;
  userCode?: string;
  /** Demo and test accounts only: an MFA secret already enrolled. */
  mfaSecret?: string;
  emailVerified?: boolean;
};

export type CreatedAccount = { account: Account; temporaryPassword: string | null };

/** Creates an account on behalf of the system or an agent (enterprise users, agents, demo data). */
export async function createAccount(tx: Db, ctx: Ctx, settings: IdentitySettings, input: NewAccount): Promise<CreatedAccount> {
  await authorize(tx, ctx.actor, identityActions.createAccount, undefined);
  const temporaryPassword = input.password ? null : `${randomToken(9)}-${randomInt(100, 999)}`;
  const password = input.password ?? temporaryPassword!;
  const problem = passwordProblem(password, [input.email, input.userCode]);
  if (problem) throw new FieldValidationError({ password: problem });
  const userCode = input.kind === 'enterprise' ? (input.userCode ?? generateUserCode()) : null;
  if (userCode !== null && !USER_CODE_PATTERN.test(userCode)) throw new FieldValidationError({ userCode: 'field.invalid' });
  const [created] = await tx
    .insert(account)
    .values({
      kind: input.kind,
      userCode,
      email: input.email?.toLowerCase() ?? null,
      displayName: input.displayName,
      language: input.language ?? 'fr',
      passwordHash: await hashPassword(password),
      passwordIsTemporary: temporaryPassword !== null || input.temporaryPassword === true,
      mfaSecret: input.mfaSecret ? sealMfaSecret(settings, input.mfaSecret) : null,
      mfaEnabledAt: input.mfaSecret ? new Date() : null,
      emailVerifiedAt: input.emailVerified === false ? null : new Date(),
    })
    .returning();
  if (!created) throw new Error('insert returned nothing');
  await recordAudit(tx, ctx, { action: 'account.created', subjectType: 'account', subjectId: created.id, details: { kind: input.kind } });
  return { account: created, temporaryPassword };
}

/** For other modules: the user code of an enterprise account. */
export async function userCodeOf(db: Db, accountId: string): Promise<string | null> {
  const [row] = await db.select({ userCode: account.userCode }).from(account).where(eq(account.id, accountId));
  return row?.userCode ?? null;
}

export type AccountSummary = Pick<Account, 'id' | 'displayName' | 'userCode' | 'email' | 'language' | 'disabledAt'>;

/** For other modules: what a page or a mail needs of some accounts (no secrets). */
export async function accountSummaries(db: Db, ids: string[]): Promise<AccountSummary[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: account.id, displayName: account.displayName, userCode: account.userCode, email: account.email, language: account.language, disabledAt: account.disabledAt })
    .from(account)
    .where(inArray(account.id, ids));
}

/**
 * Disables an account and ends its sessions, in the caller's transaction (an enterprise's RSE
 * deactivating a user: the enterprises module checks that right, then calls this as the system).
 */
export async function disableAccount(tx: Db, ctx: Ctx, accountId: string): Promise<void> {
  await authorize(tx, ctx.actor, identityActions.disableAccount, undefined);
  const [updated] = await tx.update(account).set({ disabledAt: new Date() }).where(and(eq(account.id, accountId), isNull(account.disabledAt))).returning({ id: account.id });
  const ended = await tx.delete(session).where(eq(session.accountId, accountId)).returning({ id: session.idHash });
  if (updated) await recordAudit(tx, ctx, { action: 'account.disabled', subjectType: 'account', subjectId: accountId, details: { sessions: ended.length } });
}

function accountByIdentifier(db: Db, identifier: string): Promise<Account[]> {
  const trimmed = identifier.trim();
  if (USER_CODE_PATTERN.test(trimmed.toUpperCase()) && !trimmed.includes('@')) {
    return db.select().from(account).where(and(eq(account.userCode, trimmed.toUpperCase()), eq(account.kind, 'enterprise')));
  }
  return db
    .select()
    .from(account)
    .where(and(sql`lower(${account.email}) = ${trimmed.toLowerCase()}`, ne(account.kind, 'enterprise')));
}

// ---------------------------------------------------------------------------------------------
// Citizen self-registration and e-mail verification

export type Registration = { email: string; displayName: string; password: string };

async function issueToken(tx: Db, accountId: string, purpose: 'verify_email' | 'reset_password', ttlMs: number): Promise<string> {
  const token = randomToken(32);
  if (purpose === 'reset_password') {
    // A new link replaces the previous ones.
    await tx
      .update(accountToken)
      .set({ usedAt: new Date() })
      .where(and(eq(accountToken.accountId, accountId), eq(accountToken.purpose, purpose), isNull(accountToken.usedAt)));
  }
  await tx.insert(accountToken).values({ accountId, purpose, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

/**
 * The answer is the same whether or not the address is known; a known address gets a mail saying
 * so instead of a second account.
 */
export async function registerCitizen(db: Db, ctx: Ctx, settings: IdentitySettings, input: Registration): Promise<void> {
  const problem = passwordProblem(input.password, [input.email]);
  if (problem) throw new FieldValidationError({ password: problem });
  const passwordHash = await hashPassword(input.password);
  await transaction(db, async (tx) => {
    // Two submits of one form race to the unique index: the lock makes the second one see the first.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'register:' + input.email}))`);
    const [existing] = await accountByIdentifier(tx, input.email);
    if (existing) {
      await enqueueMail(tx, accountMail(existing.language as Lang, existing.email!, 'alreadyRegistered', { url: `${settings.publicUrl}/connexion` }));
      await recordAudit(tx, ctx, { action: 'account.registration-duplicate', subjectType: 'account', subjectId: existing.id });
      return;
    }
    const [created] = await tx
      .insert(account)
      .values({ kind: 'citizen', email: input.email, displayName: input.displayName, language: ctx.lang, passwordHash })
      .returning();
    if (!created) throw new Error('insert returned nothing');
    const token = await issueToken(tx, created.id, 'verify_email', VERIFY_TOKEN_HOURS * 3600_000);
    await enqueueMail(tx, accountMail(ctx.lang, input.email, 'verifyEmail', { url: `${settings.publicUrl}/inscription/confirmer/${token}` }));
    await recordAudit(tx, ctx, { action: 'account.registered', subjectType: 'account', subjectId: created.id });
  });
}

async function consumeToken(tx: Db, token: string, purpose: 'verify_email' | 'reset_password') {
  const [row] = await tx
    .update(accountToken)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(accountToken.tokenHash, sha256Hex(token)),
        eq(accountToken.purpose, purpose),
        isNull(accountToken.usedAt),
        gt(accountToken.expiresAt, new Date()),
      ),
    )
    .returning();
  return row;
}

export async function verifyEmail(db: Db, ctx: Ctx, token: string): Promise<boolean> {
  return transaction(db, async (tx) => {
    const row = await consumeToken(tx, token, 'verify_email');
    if (!row) return false;
    await tx.update(account).set({ emailVerifiedAt: new Date() }).where(eq(account.id, row.accountId));
    await recordAudit(tx, ctx, { action: 'account.email-verified', subjectType: 'account', subjectId: row.accountId });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Throttling of failed attempts

type Throttle = typeof loginThrottle.$inferSelect;

function throttleKey(settings: IdentitySettings, kind: string, identifier: string): string {
  return hmacHex(settings.secret, `throttle-${kind}`, identifier.trim().toLowerCase());
}

async function currentThrottle(tx: Db, key: string): Promise<Throttle | undefined> {
  const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.identifierHash, key)).for('update');
  return row;
}

function lockedUntil(throttle: Throttle | undefined): Date | null {
  return throttle?.lockedUntil && throttle.lockedUntil > new Date() ? throttle.lockedUntil : null;
}

/** Counts a failure; returns the failure count and the lock end when this failure locks. */
async function countFailure(tx: Db, key: string): Promise<{ failures: number; lockedUntil: Date | null }> {
  const [row] = await tx
    .insert(loginThrottle)
    .values({ identifierHash: key, failures: 1 })
    .onConflictDoUpdate({
      target: loginThrottle.identifierHash,
      // After a lock has expired, counting starts again.
      set: {
        failures: sql`case when ${loginThrottle.lockedUntil} is not null and ${loginThrottle.lockedUntil} <= now() then 1 else ${loginThrottle.failures} + 1 end`,
        lockedUntil: sql`case when ${loginThrottle.lockedUntil} <= now() then null else ${loginThrottle.lockedUntil} end`,
        updatedAt: new Date(),
      },
    })
    .returning();
  const failures = row?.failures ?? 1;
  if (failures < LOCK_AFTER_FAILURES) return { failures, lockedUntil: null };
  const until = new Date(Date.now() + LOCK_MINUTES * 60_000);
  await tx.update(loginThrottle).set({ lockedUntil: until }).where(eq(loginThrottle.identifierHash, key));
  return { failures, lockedUntil: until };
}

async function clearThrottle(tx: Db, key: string): Promise<void> {
  await tx.delete(loginThrottle).where(eq(loginThrottle.identifierHash, key));
}

/** Counts and audits a failed attempt; the fifth in a row locks, and that is audited too. */
async function recordFailedAttempt(
  tx: Db,
  ctx: Ctx,
  key: string,
  attempt: { action: string; factor: 'password' | 'mfa'; subjectType?: string; subjectId?: string },
): Promise<{ outcome: 'invalid'; failures: number } | { outcome: 'locked'; until: Date }> {
  const { action, factor, ...subject } = attempt;
  const failure = await countFailure(tx, key);
  await recordAudit(tx, ctx, { action, ...subject, details: { failures: failure.failures } });
  if (!failure.lockedUntil) return { outcome: 'invalid', failures: failure.failures };
  await recordAudit(tx, ctx, { action: 'account.locked', ...subject, details: { until: failure.lockedUntil.toISOString(), factor } });
  return { outcome: 'locked', until: failure.lockedUntil };
}

/**
 * Throttling for other modules' guessable inputs (enrolment identifiers per RQ ID and per IP):
 * the same counting and lock as sign-in, under the caller's scope.
 */
export async function throttledUntil(tx: Db, settings: IdentitySettings, scope: string, identifier: string): Promise<Date | null> {
  return lockedUntil(await currentThrottle(tx, throttleKey(settings, scope, identifier)));
}

export async function countThrottledFailure(tx: Db, settings: IdentitySettings, scope: string, identifier: string): Promise<Date | null> {
  return (await countFailure(tx, throttleKey(settings, scope, identifier))).lockedUntil;
}

/** Each failure waits longer before answering: base, 2×, 4×… capped at 16× the base. */
function progressiveDelay(settings: IdentitySettings, failures: number): Promise<void> {
  return sleep(settings.failureDelayMs * Math.min(16, 2 ** Math.max(0, failures - 1)));
}

// ---------------------------------------------------------------------------------------------
// Sessions

export type SessionInfo = {
  token: string;
  stage: SessionStage;
  account: Account;
  pendingMfaSecret: string | null;
};

function nextStage(acc: Account, passed: { mfa: boolean }): SessionStage {
  if (acc.mfaEnabledAt && !passed.mfa) return 'mfa';
  if (acc.passwordIsTemporary) return 'password_change';
  if (!acc.mfaEnabledAt && mfaRequired(acc.kind)) return 'mfa_enrol';
  return 'full';
}

/** A new session id for every step up: the id an attacker could have planted is never promoted. */
async function replaceSession(tx: Db, oldToken: string | null, accountId: string, stage: SessionStage, createdAt?: Date): Promise<string> {
  if (oldToken) await tx.delete(session).where(eq(session.idHash, sha256Hex(oldToken)));
  const token = randomToken(32);
  const started = createdAt ?? new Date();
  await tx.insert(session).values({
    idHash: sha256Hex(token),
    accountId,
    stage,
    createdAt: started,
    expiresAt: new Date(started.getTime() + ABSOLUTE_TIMEOUT_MS),
  });
  return token;
}

export async function resolveSession(db: Db, token: string): Promise<SessionInfo | null> {
  const [row] = await db
    .select({ session, account })
    .from(session)
    .innerJoin(account, eq(account.id, session.accountId))
    .where(eq(session.idHash, sha256Hex(token)));
  if (!row) return null;
  const now = Date.now();
  if (row.session.expiresAt.getTime() <= now || row.session.lastSeenAt.getTime() + IDLE_TIMEOUT_MS <= now || row.account.disabledAt) {
    await db.delete(session).where(eq(session.idHash, row.session.idHash));
    return null;
  }
  // One write a minute at most, not one per request.
  if (now - row.session.lastSeenAt.getTime() > 60_000) {
    await db.update(session).set({ lastSeenAt: new Date() }).where(eq(session.idHash, row.session.idHash));
  }
  return { token, stage: row.session.stage, account: row.account, pendingMfaSecret: row.session.pendingMfaSecret };
}

// ---------------------------------------------------------------------------------------------
// Sign-in

export type SignInResult =
  | { outcome: 'signed-in'; token: string; stage: SessionStage }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; until: Date }
  | { outcome: 'unverified' };

export async function signIn(
  db: Db,
  ctx: Ctx,
  settings: IdentitySettings,
  input: { identifier: string; password: string; previousToken: string | null },
): Promise<SignInResult> {
  const key = throttleKey(settings, 'password', input.identifier);
  const [candidate] = await accountByIdentifier(db, input.identifier);
  // Verified outside the transaction: argon2 takes tens of milliseconds and must not hold locks.
  const passwordOk = await verifyPassword(candidate?.passwordHash ?? (await dummyPasswordHash()), input.password);
  const result = await transaction(db, async (tx): Promise<SignInResult & { failures?: number }> => {
    const throttle = await currentThrottle(tx, key);
    const locked = lockedUntil(throttle);
    const subject = candidate ? { subjectType: 'account', subjectId: candidate.id } : {};
    if (locked) {
      await recordAudit(tx, ctx, { action: 'signin.refused-locked', ...subject });
      return { outcome: 'locked', until: locked };
    }
    if (!candidate || !passwordOk || candidate.disabledAt) {
      return recordFailedAttempt(tx, ctx, key, { action: 'signin.failed', factor: 'password', ...subject });
    }
    await clearThrottle(tx, key);
    if (candidate.kind === 'citizen' && !candidate.emailVerifiedAt) {
      await recordAudit(tx, ctx, { action: 'signin.unverified', ...subject });
      return { outcome: 'unverified' };
    }
    const stage = nextStage(candidate, { mfa: false });
    const token = await replaceSession(tx, input.previousToken, candidate.id, stage);
    await recordAudit(tx, ctx, { action: stage === 'full' ? 'signin.succeeded' : 'signin.password-accepted', ...subject, details: { stage } });
    return { outcome: 'signed-in', token, stage };
  });
  if (result.outcome === 'invalid') await progressiveDelay(settings, result.failures ?? 1);
  return result;
}

function requireStage(info: SessionInfo | null, ...stages: SessionStage[]): SessionInfo {
  if (!info || !stages.includes(info.stage)) throw new AppError(403, 'error.forbidden');
  return info;
}

export type StepResult = { outcome: 'ok'; token: string; stage: SessionStage } | { outcome: 'invalid' } | { outcome: 'locked'; until: Date };

async function hashRecoveryCode(settings: IdentitySettings, code: string): Promise<string> {
  return hmacHex(settings.secret, 'recovery-code', code.replace(/[\s-]/g, '').toLowerCase());
}

/** Second factor at sign-in: a TOTP code (each accepted once) or an unused recovery code. */
export async function verifySecondFactor(db: Db, ctx: Ctx, settings: IdentitySettings, info: SessionInfo | null, code: string): Promise<StepResult> {
  const current = requireStage(info, 'mfa');
  const acc = current.account;
  const key = throttleKey(settings, 'mfa', acc.id);
  const cleaned = code.replace(/\s/g, '');
  const subject = { subjectType: 'account', subjectId: acc.id };
  const result = await transaction(db, async (tx): Promise<StepResult & { failures?: number }> => {
    const locked = lockedUntil(await currentThrottle(tx, key));
    if (locked) {
      // As when the lock starts: the half-way session ends, so the password is asked again.
      await tx.delete(session).where(eq(session.idHash, sha256Hex(current.token)));
      return { outcome: 'locked', until: locked };
    }
    const [fresh] = await tx.select().from(account).where(eq(account.id, acc.id)).for('update');
    if (!fresh?.mfaSecret) throw new AppError(403, 'error.forbidden');
    const step = matchingTotpStep(openMfaSecret(settings, fresh.mfaSecret), cleaned);
    let method: 'totp' | 'recovery-code' | null = null;
    if (step !== null && (fresh.mfaLastStep === null || step > fresh.mfaLastStep)) {
      await tx.update(account).set({ mfaLastStep: step }).where(eq(account.id, acc.id));
      method = 'totp';
    } else if (step === null) {
      const [used] = await tx
        .update(recoveryCode)
        .set({ usedAt: new Date() })
        .where(and(eq(recoveryCode.accountId, acc.id), eq(recoveryCode.codeHash, await hashRecoveryCode(settings, cleaned)), isNull(recoveryCode.usedAt)))
        .returning();
      if (used) method = 'recovery-code';
    }
    if (!method) {
      const failed = await recordFailedAttempt(tx, ctx, key, { action: 'mfa.failed', factor: 'mfa', ...subject });
      if (failed.outcome === 'locked') await tx.delete(session).where(eq(session.idHash, sha256Hex(current.token)));
      return failed;
    }
    await clearThrottle(tx, key);
    const stage = nextStage(fresh, { mfa: true });
    const token = await replaceSession(tx, current.token, acc.id, stage);
    await recordAudit(tx, ctx, { action: stage === 'full' ? 'signin.succeeded' : 'signin.mfa-accepted', ...subject, details: { method } });
    return { outcome: 'ok', token, stage };
  });
  if (result.outcome === 'invalid') await progressiveDelay(settings, result.failures ?? 1);
  return result;
}

// ---------------------------------------------------------------------------------------------
// MFA enrolment

/** Starts (or restarts) an enrolment: a new secret kept encrypted on the session until confirmed. */
export async function startMfaEnrolment(db: Db, settings: IdentitySettings, info: SessionInfo | null): Promise<string> {
  const current = requireStage(info, 'mfa_enrol', 'full');
  if (current.pendingMfaSecret) return openMfaSecret(settings, current.pendingMfaSecret);
  const secret = newTotpSecret();
  await db.update(session).set({ pendingMfaSecret: sealMfaSecret(settings, secret) }).where(eq(session.idHash, sha256Hex(current.token)));
  return secret;
}

export type EnrolmentResult = { outcome: 'ok'; token: string; stage: SessionStage; recoveryCodes: string[] } | { outcome: 'invalid' };

function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  let code = '';
  for (let i = 0; i < 10; i++) code += alphabet[randomInt(alphabet.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export async function confirmMfaEnrolment(db: Db, ctx: Ctx, settings: IdentitySettings, info: SessionInfo | null, code: string): Promise<EnrolmentResult> {
  const current = requireStage(info, 'mfa_enrol', 'full');
  if (!current.pendingMfaSecret) throw new AppError(409, 'mfa.enrolmentExpired');
  if (current.stage === 'full' && current.account.mfaEnabledAt) throw new ConflictError('mfa.alreadyEnabled');
  const secret = openMfaSecret(settings, current.pendingMfaSecret);
  const step = matchingTotpStep(secret, code.replace(/\s/g, ''));
  if (step === null) return { outcome: 'invalid' };
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  return transaction(db, async (tx) => {
    const [updated] = await tx
      .update(account)
      .set({ mfaSecret: current.pendingMfaSecret, mfaEnabledAt: new Date(), mfaLastStep: step })
      .where(and(eq(account.id, current.account.id), isNull(account.mfaEnabledAt)))
      .returning();
    if (!updated) throw new ConflictError('mfa.alreadyEnabled');
    await tx.delete(recoveryCode).where(eq(recoveryCode.accountId, updated.id));
    await tx.insert(recoveryCode).values(
      await Promise.all(recoveryCodes.map(async (c) => ({ accountId: updated.id, codeHash: await hashRecoveryCode(settings, c) }))),
    );
    const stage = nextStage(updated, { mfa: true });
    const token = await replaceSession(tx, current.token, updated.id, stage);
    await recordAudit(tx, ctx, { action: 'mfa.enabled', subjectType: 'account', subjectId: updated.id });
    if (updated.email) await enqueueMail(tx, accountMail(updated.language as Lang, updated.email, 'mfaEnabled', { url: `${settings.publicUrl}/compte` }));
    return { outcome: 'ok', token, stage, recoveryCodes };
  });
}

// ---------------------------------------------------------------------------------------------
// Passwords

export type PasswordChange = { currentPassword?: string; newPassword: string };

/**
 * Forced change (temporary password, at sign-in) or voluntary change (from the account page, with
 * the current password). Every other session of the account is ended.
 */
export async function changePassword(db: Db, ctx: Ctx, settings: IdentitySettings, info: SessionInfo | null, input: PasswordChange): Promise<{ token: string; stage: SessionStage }> {
  const current = requireStage(info, 'password_change', 'full');
  const acc = current.account;
  if (current.stage === 'full' && !(await verifyPassword(acc.passwordHash, input.currentPassword ?? ''))) {
    throw new FieldValidationError({ currentPassword: 'password.currentWrong' });
  }
  const problem = passwordProblem(input.newPassword, [acc.email, acc.userCode]);
  if (problem) throw new FieldValidationError({ newPassword: problem });
  if (await verifyPassword(acc.passwordHash, input.newPassword)) throw new FieldValidationError({ newPassword: 'password.sameAsOld' });
  const passwordHash = await hashPassword(input.newPassword);
  return transaction(db, async (tx) => {
    const [updated] = await tx
      .update(account)
      .set({ passwordHash, passwordIsTemporary: false })
      .where(eq(account.id, acc.id))
      .returning();
    if (!updated) throw new AppError(404, 'error.notFound');
    await tx.delete(session).where(and(eq(session.accountId, acc.id), ne(session.idHash, sha256Hex(current.token))));
    const stage = nextStage(updated, { mfa: true });
    const token = await replaceSession(tx, current.token, acc.id, stage);
    await recordAudit(tx, ctx, { action: 'password.changed', subjectType: 'account', subjectId: acc.id, details: { forced: current.stage === 'password_change' } });
    if (updated.email) await enqueueMail(tx, accountMail(updated.language as Lang, updated.email, 'passwordChanged', { url: `${settings.publicUrl}/mot-de-passe/oubli` }));
    return { token, stage };
  });
}

/**
 * Same answer whether or not the identifier is known, and the same duration: the answer waits
 * until a fixed time has passed, so the extra writes for a known account do not show.
 */
export async function requestPasswordReset(db: Db, ctx: Ctx, settings: IdentitySettings, identifier: string): Promise<void> {
  const answerAt = Date.now() + settings.failureDelayMs;
  await recordResetRequest(db, ctx, settings, identifier);
  await sleep(Math.max(0, answerAt - Date.now()));
}

async function recordResetRequest(db: Db, ctx: Ctx, settings: IdentitySettings, identifier: string): Promise<void> {
  const [acc] = await accountByIdentifier(db, identifier);
  await transaction(db, async (tx) => {
    if (!acc?.email || acc.disabledAt) {
      await recordAudit(tx, ctx, { action: 'password.reset-requested', details: { known: false } });
      return;
    }
    const token = await issueToken(tx, acc.id, 'reset_password', RESET_TOKEN_MINUTES * 60_000);
    await enqueueMail(tx, accountMail(acc.language as Lang, acc.email, 'resetPassword', { url: `${settings.publicUrl}/mot-de-passe/reinitialiser/${token}`, minutes: RESET_TOKEN_MINUTES }));
    await recordAudit(tx, ctx, { action: 'password.reset-requested', subjectType: 'account', subjectId: acc.id, details: { known: true } });
  });
}

export async function isResetTokenUsable(db: Db, token: string): Promise<boolean> {
  const [row] = await db
    .select({ id: accountToken.id })
    .from(accountToken)
    .where(and(eq(accountToken.tokenHash, sha256Hex(token)), eq(accountToken.purpose, 'reset_password'), isNull(accountToken.usedAt), gt(accountToken.expiresAt, new Date())));
  return Boolean(row);
}

/** Single use; ends every session and lifts a lock, since the person proved control of the mailbox. */
export async function resetPassword(db: Db, ctx: Ctx, settings: IdentitySettings, token: string, newPassword: string): Promise<'done' | 'invalid-token'> {
  const passwordHash = await hashPassword(newPassword);
  return transaction(db, async (tx) => {
    const row = await consumeToken(tx, token, 'reset_password');
    if (!row) return 'invalid-token';
    const [acc] = await tx.select().from(account).where(eq(account.id, row.accountId));
    if (!acc) return 'invalid-token';
    const problem = passwordProblem(newPassword, [acc.email, acc.userCode]);
    if (problem) throw new FieldValidationError({ newPassword: problem });
    await tx.update(account).set({ passwordHash, passwordIsTemporary: false }).where(eq(account.id, acc.id));
    await tx.delete(session).where(eq(session.accountId, acc.id));
    await clearThrottle(tx, throttleKey(settings, 'password', acc.userCode ?? acc.email ?? ''));
    await recordAudit(tx, ctx, { action: 'password.reset', subjectType: 'account', subjectId: acc.id });
    if (acc.email) await enqueueMail(tx, accountMail(acc.language as Lang, acc.email, 'passwordChanged', { url: `${settings.publicUrl}/mot-de-passe/oubli` }));
    return 'done';
  });
}

// ---------------------------------------------------------------------------------------------
// Sign-out

export async function signOut(db: Db, ctx: Ctx, info: SessionInfo | null): Promise<void> {
  if (!info) return;
  await transaction(db, async (tx) => {
    await tx.delete(session).where(eq(session.idHash, sha256Hex(info.token)));
    await recordAudit(tx, ctx, { action: 'signout', subjectType: 'account', subjectId: info.account.id });
  });
}

export async function signOutEverywhere(db: Db, ctx: Ctx, info: SessionInfo | null): Promise<number> {
  const current = requireStage(info, 'full');
  return transaction(db, async (tx) => {
    const ended = await tx.delete(session).where(eq(session.accountId, current.account.id)).returning({ id: session.idHash });
    await recordAudit(tx, ctx, { action: 'signout.everywhere', subjectType: 'account', subjectId: current.account.id, details: { sessions: ended.length } });
    return ended.length;
  });
}

export async function activeSessionCount(db: Db, accountId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(session)
    .where(and(eq(session.accountId, accountId), gt(session.expiresAt, new Date())));
  return row?.n ?? 0;
}

export async function unusedRecoveryCodeCount(db: Db, accountId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCode)
    .where(and(eq(recoveryCode.accountId, accountId), isNull(recoveryCode.usedAt)));
  return row?.n ?? 0;
}
