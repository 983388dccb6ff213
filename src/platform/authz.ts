import { and, eq, getTableName, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Actor, AccountKind, ClientActor, SignedInActor } from './context.js';
import type { Db } from './db/index.js';
import { ForbiddenError } from './errors.js';

/**
 * Two shapes, documented in README « authz »:
 * - a **catalogue** per resource type (a site, a thread, an agreement…): each action's rules are SQL
 *   conditions on the resource's row, built from the actor alone. The same rules answer a check on
 *   one row (`check`, `authorizeOn`), filter a list (`filter`) and say which actions each row of a
 *   page allows (`permittedActions`), so a list can never show what its detail page refuses;
 * - `action` with closure rules, for what has no row to filter (an enterprise's workspace, the
 *   actor's own family, a job).
 */

// ---------------------------------------------------------------------------------------------
// Catalogues: rules as SQL on a resource's row

/** The condition on the resource's row under which the rule allows the action, or `false` when it cannot for this actor. Built without a query. */
export type RowRule = (actor: Actor) => SQL | false;

export type Catalogue<A extends string> = {
  /** What the resource is called in the audit and the tests. */
  readonly resource: string;
  readonly table: PgTable;
  readonly id: AnyPgColumn;
  /** Each action's rules: any one suffices. */
  readonly actions: { readonly [K in A]: readonly RowRule[] };
};

export function catalogue<A extends string>(resource: string, table: PgTable, id: AnyPgColumn, actions: { readonly [K in A]: readonly RowRule[] }): Catalogue<A> {
  return { resource, table, id, actions };
}

/**
 * A column of the resource's row written with its table's name: rules are used inside queries that
 * drizzle writes unqualified (one table) and inside sub-queries whose own columns would shadow it.
 */
export function rowColumn(column: AnyPgColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

const never = sql`false`;

/** The rows of the catalogue's table the actor may take the action on, as a condition for a list's `where`. */
export function filter<A extends string>(cat: Catalogue<A>, actor: Actor, act: A): SQL {
  const conditions = cat.actions[act].map((rule) => rule(actor)).filter((c): c is SQL => c !== false);
  if (conditions.length === 0) return never;
  return sql`(${or(...conditions) ?? never})`;
}

/** Whether the actor may take the action on the row with this id (an unknown id: no). */
export async function check<A extends string>(db: Db, cat: Catalogue<A>, actor: Actor, act: A, id: string): Promise<boolean> {
  const condition = filter(cat, actor, act);
  if (condition === never) return false;
  const rows = await db.select({ found: sql<number>`1` }).from(cat.table).where(and(eq(cat.id, id), condition)).limit(1);
  return rows.length > 0;
}

/** As `check`, refusing with a 403: an unknown id is refused as another's, so ids cannot be probed. */
export async function authorizeOn<A extends string>(db: Db, cat: Catalogue<A>, actor: Actor, act: A, id: string): Promise<void> {
  if (!(await check(db, cat, actor, act, id))) throw new ForbiddenError();
}

/** For drawing a page's buttons: the actions each of these rows allows the actor, in one query. */
export async function permittedActions<A extends string>(db: Db, cat: Catalogue<A>, actor: Actor, ids: readonly string[]): Promise<Map<string, Set<A>>> {
  const result = new Map<string, Set<A>>(ids.map((id) => [id, new Set<A>()]));
  const acts = Object.keys(cat.actions) as A[];
  if (ids.length === 0) return result;
  const columns: Record<string, SQL<boolean>> = {};
  acts.forEach((act, index) => {
    columns[`a${index}`] = sql<boolean>`coalesce(${filter(cat, actor, act)}, false)`;
  });
  const rows = await db
    .select({ id: sql<string>`${cat.id}`, ...columns })
    .from(cat.table)
    .where(inArray(cat.id, [...ids]));
  for (const row of rows) {
    const allowed = result.get(row.id);
    if (!allowed) continue;
    acts.forEach((act, index) => {
      if ((row as Record<string, unknown>)[`a${index}`] === true) allowed.add(act);
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Actions without a row

export type Rule<R> = (actor: Actor, resource: R, db: Db) => boolean | Promise<boolean>;

export type Action<R> = { readonly name: string; readonly rules: readonly Rule<R>[] };

export function action<R = void>(name: string, ...rules: Rule<R>[]): Action<R> {
  return { name, rules };
}

export async function can<R>(db: Db, actor: Actor, act: Action<R>, resource: R): Promise<boolean> {
  for (const rule of act.rules) {
    if (await rule(actor, resource, db)) return true;
  }
  return false;
}

export async function authorize<R>(db: Db, actor: Actor, act: Action<R>, resource: R): Promise<void> {
  if (!(await can(db, actor, act, resource))) throw new ForbiddenError();
}

export function isSignedIn(actor: Actor): actor is SignedInActor {
  return actor.type === 'account';
}

/** An API client whose token holds this scope (the rules of each module add what it may reach). */
export function isClientWithScope(actor: Actor, scope: string): actor is ClientActor {
  return actor.type === 'client' && actor.scopes.includes(scope);
}

export const signedIn: Rule<unknown> = (actor) => isSignedIn(actor);
export const system: Rule<unknown> = (actor) => actor.type === 'system';

export function accountOfKind(...kinds: AccountKind[]): Rule<unknown> {
  return (actor) => isSignedIn(actor) && kinds.includes(actor.accountKind);
}

/** The resource is the actor's own account. */
export const self: Rule<{ accountId: string }> = (actor, resource) =>
  isSignedIn(actor) && actor.accountId === resource.accountId;
