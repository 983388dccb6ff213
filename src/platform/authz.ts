import type { Actor, AccountKind, ClientActor, SignedInActor } from './context.js';
import type { Db } from './db/index.js';
import { ForbiddenError } from './errors.js';

/**
 * Authorization is one list of named actions per module, each with the rules that allow it (any
 * rule suffices). Every service function starts with `authorize`; pages draw their buttons from
 * `can`, so a rule lives in one place.
 */
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
