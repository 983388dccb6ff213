import type { Lang } from './i18n/index.js';

export type AccountKind = 'enterprise' | 'citizen' | 'agent';

export type SignedInActor = {
  type: 'account';
  accountId: string;
  accountKind: AccountKind;
  displayName: string;
};

/**
 * A provider's management software calling the API (modules/api) with an access token: it acts for
 * one enterprise, only within the scopes its token holds.
 */
export type ClientActor = {
  type: 'client';
  clientId: string;
  enterpriseId: string;
  scopes: readonly string[];
  /** The account that registered the client (the RSE): what the client records is recorded in its name; the audit names the client. */
  registeredBy: string;
};

/** Who acts: a signed-in account, an API client, an anonymous visitor, or the system itself (jobs, start-up). */
export type Actor = { type: 'anonymous' } | SignedInActor | ClientActor | { type: 'system'; name: string };

/** What a service function needs to know of the request it serves. */
export type Ctx = {
  actor: Actor;
  lang: Lang;
  requestId: string | null;
  ip: string | null;
};

export const anonymous: Actor = { type: 'anonymous' };

export function systemCtx(name: string, lang: Lang = 'fr'): Ctx {
  return { actor: { type: 'system', name }, lang, requestId: null, ip: null };
}

export function actorId(actor: Actor): string | null {
  if (actor.type === 'account') return actor.accountId;
  if (actor.type === 'client') return actor.clientId;
  if (actor.type === 'system') return actor.name;
  return null;
}

export function actorKind(actor: Actor): string {
  return actor.type === 'account' ? actor.accountKind : actor.type;
}
