import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import type { SignedInActor } from '../context.js';
import { ForbiddenError } from '../errors.js';

/**
 * Thrown by a guard when the visitor is anonymous: the error handler answers with a redirect to
 * sign-in that comes back to `returnPath` (the page asked for, by default).
 */
export class SignInRequired extends Error {
  constructor(readonly returnPath: string) {
    super('sign-in required');
    this.name = 'SignInRequired';
  }
}

export function signInPath(returnPath: string): string {
  return `/connexion?retour=${encodeURIComponent(returnPath)}`;
}

export function redirectToSignIn(reply: FastifyReply, error: SignInRequired): FastifyReply {
  return reply.redirect(signInPath(error.returnPath), 303);
}

/**
 * The guard of every page for signed-in people: anonymous visitors go to sign-in and come back.
 * What the account may do there is the service's to check.
 */
export function signedIn(request: FastifyRequest, returnPath: string = request.url): SignedInActor {
  const actor = request.ctx.actor;
  if (actor.type !== 'account') throw new SignInRequired(returnPath);
  return actor;
}

/** The enterprise an account belongs to, as the module that keeps memberships answers it. */
export type EnterpriseOfAccount = (db: Db, actor: SignedInActor) => Promise<string | null>;

/**
 * The guard of every enterprise page: anonymous visitors go to sign-in, accounts of no enterprise
 * are refused, and the handler gets the enterprise's id. The service functions check the rest.
 */
export function enterpriseGuard(enterpriseOf: EnterpriseOfAccount): (request: FastifyRequest) => Promise<string> {
  return async (request) => {
    const enterpriseId = await enterpriseOf(request.server.db, signedIn(request));
    if (!enterpriseId) throw new ForbiddenError();
    return enterpriseId;
  };
}
