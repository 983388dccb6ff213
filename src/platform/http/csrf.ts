import type { FastifyReply, FastifyRequest } from 'fastify';
import { hmacHex, randomToken, safeEqual } from '../crypto.js';
import { AppError } from '../errors.js';

const SEED_COOKIE = 'guichet_csrf';

/**
 * CSRF tokens are an HMAC of what identifies the visitor: the session cookie once signed in (so
 * the token changes with the session at sign-in), else a random seed cookie. A forged form from
 * another site cannot read either.
 */
export function csrfToken(secret: string, request: FastifyRequest, reply: FastifyReply): string {
  return hmacHex(secret, 'csrf', csrfBinding(request, reply));
}

function csrfBinding(request: FastifyRequest, reply: FastifyReply): string {
  if (request.sessionToken) return `session:${request.sessionToken}`;
  let seed = request.cookies[SEED_COOKIE];
  if (!seed || seed.length < 20) {
    seed = randomToken(24);
    request.cookies[SEED_COOKIE] = seed;
    reply.setCookie(SEED_COOKIE, seed, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.server.config.cookieSecure,
    });
  }
  return `seed:${seed}`;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false` on a route that reads no cookie and is authenticated only by what the caller puts in
     * the request (the API's Bearer token, its token endpoint's client credentials): another site's
     * form can send neither, so there is nothing to forge.
     */
    csrf?: false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function checkCsrf(secret: string, request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false) return;
  const body = request.body as Record<string, unknown> | null | undefined;
  // A multipart body is read by the handler, after this check: its form carries the token in the
  // action's query string (`?_csrf=`), accepted for multipart requests only.
  const fromQuery = request.isMultipart() ? (request.query as Record<string, unknown> | null | undefined)?._csrf : undefined;
  const fromBody = body && typeof body === 'object' ? body._csrf : fromQuery;
  const header = request.headers['x-csrf-token'];
  const submitted = typeof fromBody === 'string' ? fromBody : typeof header === 'string' ? header : '';
  const binding = request.sessionToken
    ? `session:${request.sessionToken}`
    : request.cookies[SEED_COOKIE]
      ? `seed:${request.cookies[SEED_COOKIE]}`
      : null;
  if (!binding || !submitted || !safeEqual(submitted, hmacHex(secret, 'csrf', binding))) {
    throw new AppError(403, 'error.csrf');
  }
  if (body && typeof body === 'object') delete body._csrf;
}
