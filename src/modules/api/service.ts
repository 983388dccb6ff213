import { and, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, isSignedIn } from '../../platform/authz.js';
import type { ClientActor, Ctx } from '../../platform/context.js';
import { hmacHex, randomToken, safeEqual } from '../../platform/crypto.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { AppError, ConflictError, FieldValidationError, ForbiddenError, type FieldErrors } from '../../platform/errors.js';
import { activeRseOf } from '../enterprises/members.js';
import { apiScopes, isApiScope, type ApiScope } from './scopes.js';
import { apiClient, apiIdempotencyKey, apiToken } from './schema.js';

/**
 * The management-software API's clients, tokens and idempotency keys (README). Clients are
 * registered and revoked by the enterprise's active RSE; a client trades its credentials for a
 * short-lived access token (OAuth 2.0 client credentials); with it, it acts as a `client` actor
 * that the portal's rules allow within its scopes and its enterprise.
 */

export type ApiClient = typeof apiClient.$inferSelect;

export const apiActions = {
  /** Only the enterprise's active RSE registers and revokes its management software. */
  manageClients: action<{ enterpriseId: string }>('api.clients', activeRseOf),
};

export const CLIENT_NAME_MAX = 100;

/**
 * Secrets and tokens are 256 random bits: no guess can find one, so a fast keyed hash is enough
 * (no password hashing: there is no dictionary to slow down). HMAC with the app's SECRET, so a
 * copy of the table alone does not let anyone test a leaked value (README, « Secrets »).
 */
function hashed(secret: string, purpose: 'api-client-secret' | 'api-token', value: string): string {
  return hmacHex(secret, purpose, value);
}

export type ClientSummary = Pick<ApiClient, 'id' | 'name' | 'scopes' | 'createdAt' | 'revokedAt'>;

/** The enterprise's clients, the newest first, revoked ones included (they stay named in the audit). */
export async function listClients(db: Db, ctx: Ctx, enterpriseId: string): Promise<ClientSummary[]> {
  await authorize(db, ctx.actor, apiActions.manageClients, { enterpriseId });
  return db
    .select({ id: apiClient.id, name: apiClient.name, scopes: apiClient.scopes, createdAt: apiClient.createdAt, revokedAt: apiClient.revokedAt })
    .from(apiClient)
    .where(eq(apiClient.enterpriseId, enterpriseId))
    .orderBy(desc(apiClient.createdAt));
}

export type ClientInput = { name: string; scopes: string[] };

export function validateClient(input: ClientInput): { ok: true; values: { name: string; scopes: ApiScope[] } } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = input.name.trim();
  if (name.length === 0 || name.length > CLIENT_NAME_MAX) errors.name = 'api.clients.name.invalid';
  // Boxes only ever send the catalogue's scopes; anything else is not from our form.
  if (!input.scopes.every(isApiScope)) throw new AppError(400, 'error.badRequest');
  if (input.scopes.length === 0) errors.scopes = 'api.clients.scopes.required';
  const scopes = apiScopes.filter((s) => input.scopes.includes(s));
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: { name, scopes } };
}

/** Registers a client; its secret is returned this once and kept only as a hash. */
export async function registerClient(db: Db, ctx: Ctx, settings: { secret: string }, enterpriseId: string, input: ClientInput): Promise<{ client: ClientSummary; clientSecret: string }> {
  await authorize(db, ctx.actor, apiActions.manageClients, { enterpriseId });
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const checked = validateClient(input);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  const clientSecret = randomToken(32);
  const createdBy = ctx.actor.accountId;
  return transaction(db, async (tx) => {
    const [row] = await tx
      .insert(apiClient)
      .values({ enterpriseId, name: checked.values.name, scopes: checked.values.scopes, secretHash: hashed(settings.secret, 'api-client-secret', clientSecret), createdBy })
      .returning();
    if (!row) throw new Error('the client was not inserted');
    await recordAudit(tx, ctx, { action: 'api.client.registered', subjectType: 'api_client', subjectId: row.id, details: { enterpriseId, scopes: row.scopes } });
    return { client: row, clientSecret };
  });
}

/** The client, if it is the enterprise's (another's is refused as an unknown one). */
export async function clientOf(db: Db, ctx: Ctx, enterpriseId: string, clientId: string): Promise<ClientSummary> {
  const [row] = (await listClients(db, ctx, enterpriseId)).filter((c) => c.id === clientId);
  if (!row) throw new ForbiddenError();
  return row;
}

/** Revokes a client: its tokens stop working at once, it gets no new one. A second revocation is a conflict. */
export async function revokeClient(db: Db, ctx: Ctx, enterpriseId: string, clientId: string, now: Date = new Date()): Promise<void> {
  await clientOf(db, ctx, enterpriseId, clientId);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const revokedBy = ctx.actor.accountId;
  await transaction(db, async (tx) => {
    const [row] = await tx
      .update(apiClient)
      .set({ revokedAt: now, revokedBy })
      .where(and(eq(apiClient.id, clientId), eq(apiClient.enterpriseId, enterpriseId), isNull(apiClient.revokedAt)))
      .returning({ id: apiClient.id });
    if (!row) throw new ConflictError('api.clients.revoke.already');
    await tx.delete(apiToken).where(eq(apiToken.clientId, clientId));
    await recordAudit(tx, ctx, { action: 'api.client.revoked', subjectType: 'api_client', subjectId: clientId, details: { enterpriseId } });
  });
}

// ---------------------------------------------------------------------------------------------
// Tokens (RFC 6749 §4.4)

/** The token endpoint's refusals, by their RFC 6749 §5.2 code. */
export class OAuthError extends Error {
  constructor(readonly code: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope') {
    super(code);
  }
}

export type IssuedToken = { accessToken: string; expiresIn: number; scopes: ApiScope[] };

/**
 * Trades a client's credentials for an access token: the credentials are the right checked. An
 * unknown client, a wrong secret and a revoked client get the same answer. `requested`: the scopes
 * asked for (RFC 6749 §3.3), a subset of the client's; all of them when absent.
 */
export async function issueToken(db: Db, ctx: Ctx, settings: { secret: string; ttlSeconds: number }, credentials: { clientId: string; clientSecret: string; requested: string | null }, now: Date = new Date()): Promise<IssuedToken> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const [client] = uuid.test(credentials.clientId) ? await db.select().from(apiClient).where(eq(apiClient.id, credentials.clientId)) : [];
  if (!client || client.revokedAt || !safeEqual(client.secretHash, hashed(settings.secret, 'api-client-secret', credentials.clientSecret))) throw new OAuthError('invalid_client');
  const requested = credentials.requested === null ? client.scopes : credentials.requested.split(' ').filter((s) => s !== '');
  if (requested.length === 0 || !requested.every((s) => client.scopes.includes(s))) throw new OAuthError('invalid_scope');
  const scopes = apiScopes.filter((s) => requested.includes(s));
  const accessToken = randomToken(32);
  const clientActor: ClientActor = { type: 'client', clientId: client.id, enterpriseId: client.enterpriseId, scopes, registeredBy: client.createdBy };
  await transaction(db, async (tx) => {
    await tx.insert(apiToken).values({ clientId: client.id, tokenHash: hashed(settings.secret, 'api-token', accessToken), scopes, expiresAt: new Date(now.getTime() + settings.ttlSeconds * 1000) });
    // The client's tokens expired a day ago are of no use to anyone: forgotten as new ones come.
    await tx.delete(apiToken).where(and(eq(apiToken.clientId, client.id), lt(apiToken.expiresAt, new Date(now.getTime() - 86_400_000))));
    await recordAudit(tx, { ...ctx, actor: clientActor }, { action: 'api.token.issued', subjectType: 'api_client', subjectId: client.id, details: { scopes } });
  });
  return { accessToken, expiresIn: settings.ttlSeconds, scopes };
}

/** The client a bearer token stands for, while it is valid and its client not revoked; null otherwise. */
export async function clientOfToken(db: Db, secret: string, token: string, now: Date = new Date()): Promise<ClientActor | null> {
  const [row] = await db
    .select({ clientId: apiToken.clientId, scopes: apiToken.scopes, enterpriseId: apiClient.enterpriseId, registeredBy: apiClient.createdBy })
    .from(apiToken)
    .innerJoin(apiClient, eq(apiClient.id, apiToken.clientId))
    .where(and(eq(apiToken.tokenHash, hashed(secret, 'api-token', token)), gt(apiToken.expiresAt, now), isNull(apiClient.revokedAt)));
  return row ? { type: 'client', clientId: row.clientId, enterpriseId: row.enterpriseId, scopes: row.scopes, registeredBy: row.registeredBy } : null;
}

// ---------------------------------------------------------------------------------------------
// Idempotency keys

export type ApiAnswer = { status: number; body: unknown };

/**
 * Runs a POST once per `Idempotency-Key` of the client. The key is claimed by an insert in the
 * transaction of the action, so it commits with the action's effect or not at all: a second
 * identical call at once waits on the unique index, then finds the answer and replays it; the same
 * key with another request is a conflict. A refusal the client can act on (4xx: `refused` makes
 * its answer) is stored and replayed as well; the action's own changes are undone (a savepoint).
 */
export async function oncePerKey(db: Db, ctx: Ctx, request: { key: string; hash: string }, act: (tx: Db) => Promise<ApiAnswer>, refused: (error: AppError) => ApiAnswer): Promise<ApiAnswer & { replayed: boolean }> {
  if (ctx.actor.type !== 'client') throw new ForbiddenError();
  const clientId = ctx.actor.clientId;
  return transaction(db, async (tx) => {
    const [claimed] = await tx
      .insert(apiIdempotencyKey)
      .values({ clientId, key: request.key, requestHash: request.hash, responseStatus: 0, responseBody: {} })
      .onConflictDoNothing({ target: [apiIdempotencyKey.clientId, apiIdempotencyKey.key] })
      .returning({ id: apiIdempotencyKey.id });
    if (!claimed) {
      const [stored] = await tx.select().from(apiIdempotencyKey).where(and(eq(apiIdempotencyKey.clientId, clientId), eq(apiIdempotencyKey.key, request.key)));
      if (!stored) throw new Error('the idempotency key vanished');
      if (stored.requestHash !== request.hash) throw new ConflictError('api.idempotency.reused');
      await recordAudit(tx, ctx, { action: 'api.replayed', subjectType: 'api_idempotency_key', subjectId: stored.id, details: { status: stored.responseStatus } });
      return { status: stored.responseStatus, body: stored.responseBody, replayed: true };
    }
    let answer: ApiAnswer;
    try {
      answer = await transaction(tx, act);
    } catch (error) {
      // A refusal of the request itself (403: scope, another enterprise's resource) keeps nothing:
      // the key is free for the same request once the client may make it.
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      answer = refused(error);
    }
    await tx.update(apiIdempotencyKey).set({ responseStatus: answer.status, responseBody: answer.body ?? {} }).where(eq(apiIdempotencyKey.id, claimed.id));
    return { ...answer, replayed: false };
  });
}

/** A read of the API, in one transaction with its audit event (who read what, how many rows). */
export async function auditedRead<T>(db: Db, ctx: Ctx, operation: string, subject: { type: string; id: string }, read: (tx: Db) => Promise<T>, count: (result: T) => number): Promise<T> {
  return transaction(db, async (tx) => {
    const result = await read(tx);
    await recordAudit(tx, ctx, { action: `api.${operation}`, subjectType: subject.type, subjectId: subject.id, details: { rows: count(result) } });
    return result;
  });
}

/** A refusal of an authenticated call, audited on its own (the refused work left nothing). */
export async function auditRefusal(db: Db, ctx: Ctx, operation: string, status: number): Promise<void> {
  if (ctx.actor.type !== 'client') return;
  const clientId = ctx.actor.clientId;
  await transaction(db, (tx) => recordAudit(tx, ctx, { action: 'api.refused', subjectType: 'api_client', subjectId: clientId, details: { operation, status } }));
}
