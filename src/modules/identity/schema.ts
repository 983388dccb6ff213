import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';

export const accountKind = pgEnum('account_kind', ['enterprise', 'citizen', 'agent']);
export const tokenPurpose = pgEnum('account_token_purpose', ['verify_email', 'reset_password']);
export const sessionStage = pgEnum('session_stage', ['mfa', 'mfa_enrol', 'password_change', 'full']);

export const account = pgTable(
  'account',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: accountKind('kind').notNull(),
    /** Enterprise users sign in with it; 7 capitals and digits. */
    userCode: text('user_code'),
    email: text('email'),
    displayName: text('display_name').notNull(),
    language: text('language').notNull().default('fr'),
    passwordHash: text('password_hash').notNull(),
    passwordIsTemporary: boolean('password_is_temporary').notNull().default(false),
    /** TOTP secret, encrypted with a key derived from the configured secret. */
    mfaSecret: text('mfa_secret'),
    mfaEnabledAt: timestamp('mfa_enabled_at', { withTimezone: true }),
    /** Last accepted TOTP time step: a code is accepted once. */
    mfaLastStep: integer('mfa_last_step'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('account_user_code_key').on(t.userCode),
    uniqueIndex('account_email_key')
      .on(sql`lower(${t.email})`)
      .where(sql`${t.kind} in ('citizen', 'agent')`),
    index('account_kind_idx').on(t.kind),
  ],
);

export const recoveryCode = pgTable(
  'account_recovery_code',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('account_recovery_code_account_idx').on(t.accountId)],
);

export const accountToken = pgTable(
  'account_token',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    purpose: tokenPurpose('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('account_token_hash_key').on(t.tokenHash), index('account_token_account_idx').on(t.accountId)],
);

/**
 * Failed sign-ins counted per identifier (hashed), whether or not an account has it, so that the
 * lock and the delay tell nothing about which accounts exist.
 */
export const loginThrottle = pgTable('login_throttle', {
  identifierHash: text('identifier_hash').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  ...timestamps,
});

export const session = pgTable(
  'session',
  {
    /** SHA-256 of the cookie value: a stolen database does not yield usable cookies. */
    idHash: text('id_hash').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    stage: sessionStage('stage').notNull(),
    /** A TOTP secret being enrolled, encrypted, until the first code confirms it. */
    pendingMfaSecret: text('pending_mfa_secret'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [index('session_account_idx').on(t.accountId)],
);

export const agentRole = pgEnum('agent_role', ['registry', 'famille', 'mamh', 'support']);

/**
 * What a ministry agent may do: `registry` verifies enterprise enrolments and sees the letters,
 * `famille` and `mamh` decide e-service enrolments of their ministry, and a `famille` agent
 * reviews the MES requests of its regional directorate (`directorate_code`; null means every
 * directorate), `support` is the support desk. An agent holds one row per role and directorate.
 */
export const agentAssignment = pgTable(
  'agent_assignment',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id, { onDelete: 'cascade' }),
    role: agentRole('role').notNull(),
    /** A regional directorate code of the childcare data (`regional_directorate.code`). */
    directorateCode: text('directorate_code'),
    ...timestamps,
  },
  (t) => [unique('agent_assignment_key').on(t.accountId, t.role, t.directorateCode).nullsNotDistinct()],
);
