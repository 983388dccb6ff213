import { and, eq, sql } from 'drizzle-orm';
import { isSignedIn, type RowRule, type Rule } from '../../platform/authz.js';
import type { Db } from '../../platform/db/index.js';
import { agentAssignment } from './schema.js';

export type AgentRole = (typeof agentAssignment.$inferSelect)['role'];
export type AgentAssignment = { role: AgentRole; directorateCode: string | null };

/** The roles of an agent account (none for other accounts). */
export async function agentAssignments(db: Db, accountId: string): Promise<AgentAssignment[]> {
  return db
    .select({ role: agentAssignment.role, directorateCode: agentAssignment.directorateCode })
    .from(agentAssignment)
    .where(eq(agentAssignment.accountId, accountId));
}

/** Gives an agent a role (idempotent); demo data, tests and the start-up of a deployment use it. */
export async function assignAgentRole(tx: Db, accountId: string, role: AgentRole, directorateCode: string | null = null): Promise<void> {
  await tx.insert(agentAssignment).values({ accountId, role, directorateCode }).onConflictDoNothing();
}

/** An agent holding this role, for any directorate. */
export function agentWithRole(role: AgentRole): Rule<unknown> {
  return async (actor, _resource, db) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'agent') return false;
    const [row] = await db
      .select({ id: agentAssignment.id })
      .from(agentAssignment)
      .where(and(eq(agentAssignment.accountId, actor.accountId), eq(agentAssignment.role, role)))
      .limit(1);
    return row !== undefined;
  };
}

/** `agentWithRole` as a catalogue's rule (platform/README « authz »): true for any row when the agent holds the role. */
export function agentWithRoleSql(role: AgentRole): RowRule {
  return (actor) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'agent') return false;
    return sql`exists (select 1 from agent_assignment aa where aa.account_id = ${actor.accountId} and aa.role = ${role})`;
  };
}

/**
 * The directorates an agent's role covers: `'all'` when one assignment has no directorate, else
 * the list (empty: the agent does not hold the role). List queries filter with it.
 */
export async function agentDirectorates(db: Db, accountId: string, role: AgentRole): Promise<'all' | string[]> {
  const rows = await db
    .select({ directorateCode: agentAssignment.directorateCode })
    .from(agentAssignment)
    .where(and(eq(agentAssignment.accountId, accountId), eq(agentAssignment.role, role)));
  if (rows.some((row) => row.directorateCode === null)) return 'all';
  return rows.map((row) => row.directorateCode).filter((code): code is string => code !== null);
}

/** An agent whose role covers the resource's directorate. */
export function agentOfDirectorate(role: AgentRole): Rule<{ directorateCode: string }> {
  return async (actor, resource, db) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'agent') return false;
    const covered = await agentDirectorates(db, actor.accountId, role);
    return covered === 'all' || covered.includes(resource.directorateCode);
  };
}
