import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, isSignedIn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { enterpriseGuard } from '../../platform/http/guards.js';
import { accountSummaries, createAccount, disableAccount, type IdentitySettings } from '../identity/service.js';
import { enrolment, enterpriseMember, registryEnterprise } from './schema.js';

/**
 * The people of an enrolled enterprise (issue 4, item 7): its RSE adds users, deactivates them and
 * names another RSE. Other modules read memberships through `membershipOf` and `enterpriseOf`.
 */
export type MemberRole = 'rse' | 'user';

export type Membership = {
  enterpriseId: string;
  role: MemberRole;
  /** The member is active (a deactivated user keeps the row, for history). */
  active: boolean;
  /** The enterprise's enrolment in the identity service is active. */
  enterpriseActive: boolean;
};

async function enterpriseIsActive(db: Db, enterpriseId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: enrolment.id })
    .from(enrolment)
    .where(and(eq(enrolment.enterpriseId, enterpriseId), eq(enrolment.state, 'active')))
    .limit(1);
  return Boolean(row);
}

/**
 * For other modules' authorization rules (platform/README « authz »), as sub-queries: the
 * enterprise the account is an active member of while the enterprise is active (`membershipOf`'s
 * rule), the NEQs of some enterprises, and the enterprise itself when it is active.
 */
export function activeMembershipSql(accountId: string): SQL {
  return sql`select m.enterprise_id from enterprise_member m join enrolment e on e.enterprise_id = m.enterprise_id and e.state = 'active' where m.account_id = ${accountId} and m.active`;
}

export function neqsOfSql(enterpriseIds: SQL): SQL {
  return sql`select re.neq from registry_enterprise re where re.id in (${enterpriseIds})`;
}

export function ifActiveSql(enterpriseId: string): SQL {
  return sql`select e.enterprise_id from enrolment e where e.enterprise_id = ${enterpriseId} and e.state = 'active'`;
}

/**
 * The guard of every enterprise page: the enterprise of the signed-in enterprise account. Anonymous
 * visitors go to sign-in; accounts of no enterprise are refused. The service functions check the
 * member's right themselves.
 */
export const actorEnterpriseId = enterpriseGuard(async (db, actor) =>
  actor.accountKind === 'enterprise' ? ((await membershipOf(db, actor.accountId))?.enterpriseId ?? null) : null,
);

/** The enterprise an enterprise account belongs to, its role there; null for other accounts. One query: every page asks. */
export async function membershipOf(db: Db, accountId: string): Promise<Membership | null> {
  const [row] = await db
    .select({
      enterpriseId: enterpriseMember.enterpriseId,
      role: enterpriseMember.role,
      active: enterpriseMember.active,
      enterpriseActive: sql<boolean>`${enrolment.id} is not null`,
    })
    .from(enterpriseMember)
    // An enterprise has at most one current enrolment (partial unique index), so at most one active.
    .leftJoin(enrolment, and(eq(enrolment.enterpriseId, enterpriseMember.enterpriseId), eq(enrolment.state, 'active')))
    .where(eq(enterpriseMember.accountId, accountId))
    .limit(1);
  return row ?? null;
}

export type EnterpriseInfo = { id: string; legalName: string; neq: string; active: boolean };

/** For other modules: the enterprise's name, NEQ and whether its enrolment is active. */
export async function enterpriseOf(db: Db, enterpriseId: string): Promise<EnterpriseInfo | null> {
  const [row] = await db
    .select({ id: registryEnterprise.id, legalName: registryEnterprise.legalName, neq: registryEnterprise.neq })
    .from(registryEnterprise)
    .where(eq(registryEnterprise.id, enterpriseId));
  return row ? { ...row, active: await enterpriseIsActive(db, enterpriseId) } : null;
}

/** For other modules' lists: the name and NEQ of some enterprises, by id. */
export async function enterpriseNames(db: Db, ids: string[]): Promise<Map<string, { legalName: string; neq: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: registryEnterprise.id, legalName: registryEnterprise.legalName, neq: registryEnterprise.neq })
    .from(registryEnterprise)
    .where(inArray(registryEnterprise.id, ids));
  return new Map(rows.map((r) => [r.id, { legalName: r.legalName, neq: r.neq }]));
}

/** The actor is the active RSE of the enterprise, and the enterprise's enrolment is active. */
export const activeRseOf: Rule<{ enterpriseId: string }> = async (actor, resource, db) => {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
  const m = await membershipOf(db, actor.accountId);
  return m !== null && m.role === 'rse' && m.active && m.enterpriseActive && m.enterpriseId === resource.enterpriseId;
};

/** The actor is an active member (RSE or user) of the enterprise, whose enrolment is active. */
export const activeMemberOf: Rule<{ enterpriseId: string }> = async (actor, resource, db) => {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
  const m = await membershipOf(db, actor.accountId);
  return m !== null && m.active && m.enterpriseActive && m.enterpriseId === resource.enterpriseId;
};

export const memberActions = {
  manageMembers: action<{ enterpriseId: string }>('enterprises.manageMembers', activeRseOf),
};

export type Member = {
  accountId: string;
  displayName: string;
  userCode: string | null;
  email: string | null;
  language: string;
  role: MemberRole;
  active: boolean;
  addedAt: Date;
};

/** For other modules, after their own check: the members of an enterprise, RSE first, by name. */
export async function membersOf(db: Db, enterpriseId: string, options: { activeOnly?: boolean } = {}): Promise<Member[]> {
  const rows = await db
    .select({ accountId: enterpriseMember.accountId, role: enterpriseMember.role, active: enterpriseMember.active, createdAt: enterpriseMember.createdAt })
    .from(enterpriseMember)
    .where(options.activeOnly ? and(eq(enterpriseMember.enterpriseId, enterpriseId), eq(enterpriseMember.active, true)) : eq(enterpriseMember.enterpriseId, enterpriseId))
    .orderBy(asc(enterpriseMember.createdAt));
  const accounts = new Map((await accountSummaries(db, rows.map((r) => r.accountId))).map((a) => [a.id, a]));
  return rows
    .map((row) => {
      const acc = accounts.get(row.accountId);
      return {
        accountId: row.accountId,
        displayName: acc?.displayName ?? '',
        userCode: acc?.userCode ?? null,
        email: acc?.email ?? null,
        language: acc?.language ?? 'fr',
        role: row.role,
        active: row.active,
        addedAt: row.createdAt,
      };
    })
    .sort((a, b) => Number(b.active) - Number(a.active) || (a.role === b.role ? a.displayName.localeCompare(b.displayName, 'fr') : a.role === 'rse' ? -1 : 1));
}

/** The RSE's list of the enterprise's users. */
export async function listMembers(db: Db, ctx: Ctx, enterpriseId: string): Promise<Member[]> {
  await authorize(db, ctx.actor, memberActions.manageMembers, { enterpriseId });
  return membersOf(db, enterpriseId);
}

async function lockMembers(tx: Db, enterpriseId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`enterprise-members:${enterpriseId}`}))`);
}

async function memberRow(tx: Db, enterpriseId: string, accountId: string) {
  const [row] = await tx
    .select()
    .from(enterpriseMember)
    .where(and(eq(enterpriseMember.enterpriseId, enterpriseId), eq(enterpriseMember.accountId, accountId)))
    .for('update');
  // Another enterprise's account is not found, whatever it is.
  if (!row) throw new NotFoundError();
  return row;
}

export type NewMember = { firstName: string; lastName: string; email: string };
export type AddedMember = { accountId: string; displayName: string; userCode: string; temporaryPassword: string };

/**
 * A new enterprise account (user code and temporary password, changed at first sign-in, then MFA)
 * and its membership, in one transaction. The password is returned once, for the one-time page.
 */
export async function addMember(db: Db, ctx: Ctx, settings: IdentitySettings, enterpriseId: string, input: NewMember): Promise<AddedMember> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, memberActions.manageMembers, { enterpriseId });
    const displayName = `${input.firstName} ${input.lastName}`;
    const created = await createAccount(tx, { ...ctx, actor: { type: 'system', name: 'enterprise-members' } }, settings, {
      kind: 'enterprise',
      displayName,
      email: input.email,
      language: ctx.lang,
    });
    if (!created.temporaryPassword || !created.account.userCode) throw new Error('enterprise account without user code or password');
    await tx.insert(enterpriseMember).values({ enterpriseId, accountId: created.account.id, role: 'user' });
    await recordAudit(tx, ctx, { action: 'member.added', subjectType: 'account', subjectId: created.account.id, details: { enterpriseId } });
    return { accountId: created.account.id, displayName, userCode: created.account.userCode, temporaryPassword: created.temporaryPassword };
  });
}

/** The user can no longer sign in: the membership is inactive, the account disabled, its sessions ended. */
export async function deactivateMember(db: Db, ctx: Ctx, enterpriseId: string, accountId: string): Promise<void> {
  await transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, memberActions.manageMembers, { enterpriseId });
    await lockMembers(tx, enterpriseId);
    const row = await memberRow(tx, enterpriseId, accountId);
    if (row.role === 'rse') throw new ConflictError('members.deactivate.rse');
    if (!row.active) throw new ConflictError('members.deactivate.already');
    await tx.update(enterpriseMember).set({ active: false }).where(eq(enterpriseMember.id, row.id));
    await disableAccount(tx, { ...ctx, actor: { type: 'system', name: 'enterprise-members' } }, accountId);
    await recordAudit(tx, ctx, { action: 'member.deactivated', subjectType: 'account', subjectId: accountId, details: { enterpriseId } });
  });
}

/** Names an active user the enterprise's RSE; the RSE who acts becomes a user. */
export async function transferRse(db: Db, ctx: Ctx, enterpriseId: string, accountId: string): Promise<void> {
  await transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, memberActions.manageMembers, { enterpriseId });
    await lockMembers(tx, enterpriseId);
    const target = await memberRow(tx, enterpriseId, accountId);
    if (target.role === 'rse') throw new ConflictError('members.transfer.already');
    if (!target.active) throw new ConflictError('members.transfer.inactive');
    // The old RSE steps down first: the index allows one active RSE per enterprise at any moment.
    const demoted = await tx
      .update(enterpriseMember)
      .set({ role: 'user' })
      .where(and(eq(enterpriseMember.enterpriseId, enterpriseId), eq(enterpriseMember.role, 'rse'), eq(enterpriseMember.active, true)))
      .returning({ accountId: enterpriseMember.accountId });
    await tx.update(enterpriseMember).set({ role: 'rse' }).where(eq(enterpriseMember.id, target.id));
    await recordAudit(tx, ctx, {
      action: 'member.rse-transferred',
      subjectType: 'account',
      subjectId: accountId,
      details: { enterpriseId, previousRse: demoted.map((d) => d.accountId) },
    });
  });
}
