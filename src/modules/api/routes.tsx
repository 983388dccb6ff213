import { createHash } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { AppError, FieldValidationError } from '../../platform/errors.js';
import { translate, type MessageKey } from '../../platform/i18n/index.js';
import { opaqueCursor } from '../../platform/http/cursor.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { agreementOf, agreementsOf, changeAgreement, endAgreement, endReasons, recordAgreement, type Agreement as AgreementRowData, type AgreementVersion, type EndReason, type TermsInput } from '../portal/agreements.js';
import { admissionsToConfirm, confirmAdmission } from '../portal/bc.js';
import type { FamilyChild } from '../portal/families.js';
import { placesOfSite } from '../portal/admissions.js';
import { reserveOf, reserveSites } from '../portal/families.js';
import {
  AdmissionParams,
  type Agreement,
  AgreementChangeRequest,
  AgreementParams,
  AgreementRequest,
  AgreementsQuery,
  CessationRequest,
  ConfirmationBody,
  openApiDocument,
  PageQuery,
  SiteParams,
  ToConfirmQuery,
  apiOperations,
  type AdmissionToConfirmPage,
  type AgreementPage,
  type Confirmation,
  type Places,
  type ReservePage,
  type SitePage,
  type TokenResponse,
} from './contract.js';
import { apiScopes } from './scopes.js';
import { auditedRead, auditRefusal, clientOfToken, issueToken, OAuthError, oncePerKey, type ApiAnswer } from './service.js';
import { ApiDocsPage, type ProblemType } from './views/docs.js';

/** API bodies are small: a confirmation carries nothing, a token request a few fields. */
const API_BODY_LIMIT = 16 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

type Problem = { type: ProblemType; status: number; key: MessageKey; params?: Record<string, string | number>; errors?: { field: string; message: string }[]; error?: string };

const titleKey: Record<ProblemType, MessageKey> = {
  'bad-request': 'api.problem.badRequest.title',
  'invalid-token': 'api.problem.invalidToken.title',
  forbidden: 'api.problem.forbidden.title',
  'not-found': 'api.problem.notFound.title',
  conflict: 'api.problem.conflict.title',
  'idempotency-key': 'api.problem.idempotency.title',
  'too-large': 'api.problem.tooLarge.title',
  'media-type': 'api.problem.mediaType.title',
  'too-many-requests': 'api.problem.tooMany.title',
  oauth: 'api.problem.oauth.title',
  'server-error': 'api.problem.server.title',
};

/** RFC 9457 problem details, in the caller's language (Accept-Language), never an HTML page. */
function problemBody(request: FastifyRequest, problem: Problem): Record<string, unknown> {
  const lang = request.ctx?.lang ?? 'fr';
  return {
    type: `/api/v1/docs#${problem.type}`,
    title: translate(lang, titleKey[problem.type]),
    status: problem.status,
    detail: translate(lang, problem.key, problem.params),
    instance: `urn:request:${request.id}`,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.error ? { error: problem.error } : {}),
  };
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(problemBody(request, problem)));
}

const oauthStatus: Record<OAuthError['code'], number> = { invalid_request: 400, invalid_client: 401, unsupported_grant_type: 400, invalid_scope: 400 };

/** The service's field errors with the API's names (`startDate` → `start_date`). */
function fieldProblems(error: FieldValidationError, lang: Ctx['lang']): { field: string; message: string }[] {
  return Object.entries(error.fields).map(([field, key]) => ({ field: field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), message: translate(lang, key) }));
}

function problemOf(error: FastifyError | AppError | Error, lang: Ctx['lang']): Problem {
  if (error instanceof OAuthError) return { type: 'oauth', status: oauthStatus[error.code], key: `api.oauth.${error.code}`, error: error.code };
  if (error instanceof FieldValidationError) return { type: 'bad-request', status: 400, key: 'api.problem.badRequest', errors: fieldProblems(error, lang) };
  if (error instanceof AppError) {
    if (error.messageKey === 'api.idempotency.reused' || error.messageKey === 'api.idempotency.missing') return { type: 'idempotency-key', status: error.status, key: error.messageKey };
    const type: ProblemType = error.status === 401 ? 'invalid-token' : error.status === 403 ? 'forbidden' : error.status === 404 ? 'not-found' : error.status === 409 ? 'conflict' : error.status === 429 ? 'too-many-requests' : error.status >= 500 ? 'server-error' : 'bad-request';
    return { type, status: error.status, key: error.status === 403 ? 'api.problem.forbidden' : error.messageKey, params: error.params };
  }
  const fe = error as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { type: 'too-large', status: 413, key: 'api.problem.tooLarge', params: { bytes: API_BODY_LIMIT } };
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { type: 'media-type', status: 415, key: 'api.problem.mediaType' };
  if (fe.statusCode === 429) return { type: 'too-many-requests', status: 429, key: 'api.problem.tooMany' };
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return { type: 'bad-request', status: 400, key: 'api.problem.badRequest' };
  return { type: 'server-error', status: 500, key: 'api.problem.server' };
}

/** Zod's refusal of a query, a path or a body, with the problem's `errors` (which field, and what). */
class InvalidInput extends AppError {
  readonly errors: { field: string; message: string }[];
  constructor(issues: z.core.$ZodIssue[], lang: Ctx['lang']) {
    super(400, 'api.problem.badRequest');
    this.errors = issues.map((i) => ({
      field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''),
      message: translate(lang, i.code === 'unrecognized_keys' ? 'api.problem.field.unknown' : 'api.problem.field.invalid'),
    }));
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, lang: Ctx['lang']): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new InvalidInput(result.error.issues, lang);
  return result.data;
}

/** An agreement as the API answers it: its current terms, and its cessation once ended. */
function agreementJson(row: { agreement: AgreementRowData; current: AgreementVersion; child: Pick<FamilyChild, 'registrationNumber' | 'firstName' | 'lastName'> }): z.infer<typeof Agreement> {
  const { agreement, current, child } = row;
  return {
    agreement_id: agreement.id,
    admission_id: agreement.admissionId,
    site_id: agreement.installationId,
    child: { registration_number: child.registrationNumber, first_name: child.firstName, last_name: child.lastName },
    state: agreement.state === 'ended' ? 'ended' : 'active',
    version: agreement.version,
    start_date: current.startDate,
    days: current.days,
    periods: current.periods,
    contribution: current.contribution === 'other_rate' ? 'other_rate' : 'reduced',
    daily_rate_cents: current.dailyRateCents,
    signed_on: current.signedOn,
    end_date: agreement.endDate,
    end_reason: (endReasons as readonly string[]).includes(agreement.endReason ?? '') ? (agreement.endReason as EndReason) : null,
  };
}

/** The cursor names the last row of the page; opaque to the client (it only passes it back). */
const pageCursor = opaqueCursor(z.object({ after: z.uuid() }));

function encodeCursor(lastId: string): string {
  return pageCursor.encode({ after: lastId });
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const decoded = pageCursor.decode(cursor);
  // Not one we gave: refused as a bad request.
  if (!decoded) throw new AppError(400, 'api.problem.cursor');
  return decoded.after;
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0] ?? ''}\u0000${JSON.stringify(request.body ?? {})}`)
    .digest('hex');
}

function credentialsOf(request: FastifyRequest): { clientId: string; clientSecret: string } {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const header = request.headers.authorization;
  const inBody = typeof body.client_id === 'string' || typeof body.client_secret === 'string';
  if (header?.startsWith('Basic ')) {
    // RFC 6749 §2.3: one way of authenticating per request.
    if (inBody) throw new OAuthError('invalid_request');
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client');
    try {
      // §2.3.1: the id and secret are form-encoded before they are joined.
      return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
    } catch {
      throw new OAuthError('invalid_client');
    }
  }
  if (typeof body.client_id !== 'string' || typeof body.client_secret !== 'string') throw new OAuthError('invalid_client');
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An API operation's name (apiOperations): its calls need a Bearer token. */
    apiOperation?: string;
  }
}

/**
 * `/api/v1`: the management-software API (README). Its own error and not-found handlers answer
 * problem+json; a Bearer token makes the caller a `client` actor before anything else runs; each
 * operation is limited per client.
 */
export function registerApi(app: FastifyInstance): void {
  const db = app.db;
  const config = app.config;
  const settings = { publicUrl: config.publicUrl };
  const perClient = {
    max: config.API_RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // The auth hook ran first (plugin hooks before route hooks): every counted call has a client.
    keyGenerator: (request: FastifyRequest) => (request.ctx.actor.type === 'client' ? `client:${request.ctx.actor.clientId}` : `ip:${request.ip}`),
  };

  void app.register(
    async (api) => {
      api.setErrorHandler((error: FastifyError | AppError, request, reply) => {
        const problem = problemOf(error, request.ctx?.lang ?? 'fr');
        const errors = error instanceof InvalidInput ? error.errors : undefined;
        if (problem.status >= 500) request.log.error({ errName: error.name, errCode: (error as FastifyError).code, stack: error.stack?.split('\n').slice(1).join('\n') }, 'request failed');
        // RFC 6750 §3: an error code only when a token was sent.
        if (problem.type === 'invalid-token') reply.header('www-authenticate', problem.key === 'api.problem.noToken' ? 'Bearer realm="guichet"' : 'Bearer realm="guichet", error="invalid_token"');
        if (problem.type === 'oauth' && problem.status === 401) reply.header('www-authenticate', 'Basic realm="guichet"');
        const operation = request.routeOptions.config.apiOperation;
        const audit = problem.status === 403 && operation ? auditRefusal(db, request.ctx, operation, 403) : Promise.resolve();
        // A refusal is answered even when its audit event could not be written (that failure is logged).
        return audit
          .catch((failure: unknown) => request.log.error({ errName: failure instanceof Error ? failure.name : 'unknown' }, 'refusal not audited'))
          .then(() => sendProblem(request, reply, { ...problem, ...(errors ? { errors } : {}) }));
      });
      api.setNotFoundHandler((request, reply) => sendProblem(request, reply, { type: 'not-found', status: 404, key: 'api.problem.notFound' }));

      // A Bearer token for the operations; nothing else (no session cookie) authenticates here.
      api.addHook('onRequest', async (request, reply) => {
        if (!request.routeOptions.config.apiOperation) return;
        const header = request.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
        const client = token ? await clientOfToken(db, config.secret, token) : null;
        if (!client) throw new AppError(401, token ? 'api.problem.invalidToken' : 'api.problem.noToken');
        request.ctx = { ...request.ctx, actor: client };
        reply.header('cache-control', 'no-store');
        // The POST operations read JSON only (an empty body is an empty object).
        const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
        if (request.method === 'POST' && hasBody && !String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new AppError(415, 'api.problem.mediaType');
      });

      const operation = (id: string) => ({ bodyLimit: API_BODY_LIMIT, config: { apiOperation: id, csrf: false as const, rateLimit: perClient } });
      const ok = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));

      api.post('/oauth/token', { bodyLimit: API_BODY_LIMIT, config: { csrf: false, rateLimit: { max: config.API_TOKEN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } } }, async (request, reply) => {
        if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new OAuthError('invalid_request');
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (typeof body.grant_type !== 'string') throw new OAuthError('invalid_request');
        if (body.grant_type !== 'client_credentials') throw new OAuthError('unsupported_grant_type');
        if (body.scope !== undefined && typeof body.scope !== 'string') throw new OAuthError('invalid_request');
        const issued = await issueToken(db, request.ctx, { secret: config.secret, ttlSeconds: config.API_TOKEN_TTL_SECONDS }, { ...credentialsOf(request), requested: typeof body.scope === 'string' ? body.scope : null });
        const answer: z.infer<typeof TokenResponse> = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.scopes.join(' ') };
        reply.header('pragma', 'no-cache');
        reply.header('cache-control', 'no-store');
        return ok(reply, 200, answer);
      });

      api.get('/sites', operation('listSites'), async (request, reply) => {
        const query = parse(PageQuery, request.query, request.ctx.lang);
        const after = decodeCursor(query.cursor);
        const actor = request.ctx.actor;
        if (actor.type !== 'client') throw new AppError(401, 'api.problem.noToken');
        const sites = await auditedRead(db, request.ctx, 'sites.read', { type: 'enterprise', id: actor.enterpriseId }, (tx) => reserveSites(tx, request.ctx, actor.enterpriseId), (s) => s.length);
        // An enterprise holds a bounded number of sites (a BC: a few hundred RSGE): paged in order of id.
        const sorted = sites.filter((s) => after === undefined || s.id > after).sort((a, b) => (a.id < b.id ? -1 : 1));
        const data = sorted.slice(0, query.limit).map((s) => ({ id: s.id, number: s.number, name: s.name, kind: s.kind }));
        const last = data.at(-1);
        const body: z.infer<typeof SitePage> = { data, next_cursor: sorted.length > query.limit && last ? encodeCursor(last.id) : null };
        return ok(reply, 200, body);
      });

      api.get('/sites/:siteId/reserve', operation('readReserve'), async (request, reply) => {
        const { siteId } = parse(SiteParams, request.params, request.ctx.lang);
        const query = parse(PageQuery, request.query, request.ctx.lang);
        const after = decodeCursor(query.cursor);
        const page = await auditedRead(db, request.ctx, 'reserve.read', { type: 'installation', id: siteId }, (tx) => reserveOf(tx, request.ctx, siteId, { afterChoiceId: after, pageSize: query.limit }), (p) => p.entries.length);
        const last = page.entries.at(-1);
        const body: z.infer<typeof ReservePage> = {
          data: page.entries.map((e) => ({
            choice_id: e.choiceId,
            registration_number: e.registrationNumber,
            child_name: e.childName,
            age_months: e.ageMonths,
            desired_start: e.desiredStart,
            siblings: e.siblings,
            accepts_partial: e.acceptsPartial,
            accepts_substitute: e.acceptsSubstitute,
            days: e.days,
            periods: e.periods,
          })),
          total: page.total,
          next_cursor: page.more && last ? encodeCursor(last.choiceId) : null,
        };
        return ok(reply, 200, body);
      });

      api.get('/sites/:siteId/places', operation('readPlaces'), async (request, reply) => {
        const { siteId } = parse(SiteParams, request.params, request.ctx.lang);
        parse(z.strictObject({}), request.query, request.ctx.lang);
        const { places } = await auditedRead(db, request.ctx, 'places.read', { type: 'installation', id: siteId }, (tx) => placesOfSite(tx, request.ctx, siteId), () => 1);
        const body: z.infer<typeof Places> = { site_id: siteId, places_total: places.total, places_infants: places.infants, taken: places.admitted, taken_infants: places.admittedInfants };
        return ok(reply, 200, body);
      });

      api.get('/admissions-to-confirm', operation('listAdmissionsToConfirm'), async (request, reply) => {
        const query = parse(ToConfirmQuery, request.query, request.ctx.lang);
        const after = decodeCursor(query.cursor);
        const actor = request.ctx.actor;
        if (actor.type !== 'client') throw new AppError(401, 'api.problem.noToken');
        const { found, more } = await auditedRead(
          db,
          request.ctx,
          'admissionsToConfirm.read',
          { type: 'enterprise', id: actor.enterpriseId },
          (tx) => admissionsToConfirm(tx, request.ctx, actor.enterpriseId, { siteId: query.site_id, afterAdmissionId: after }, query.limit),
          (r) => r.found.length,
        );
        const last = found.at(-1);
        const body: z.infer<typeof AdmissionToConfirmPage> = {
          data: found.map((f) => ({
            admission_id: f.admission.id,
            site: f.site,
            child: { registration_number: f.child.registrationNumber, first_name: f.child.firstName, last_name: f.child.lastName, birth_date: f.child.birthDate },
            planned_start: f.admission.plannedStart,
            // The column is CHECKed to these two values.
            age_group: f.admission.ageGroup === 'infant' ? 'infant' : 'toddler',
          })),
          next_cursor: more && last ? encodeCursor(last.admission.id) : null,
        };
        return ok(reply, 200, body);
      });

      /** A POST under its Idempotency-Key: the action once, its answer (or its refusal) replayed after. */
      async function idempotent(request: FastifyRequest, reply: FastifyReply, act: (tx: Db) => Promise<ApiAnswer>): Promise<FastifyReply> {
        const key = request.headers['idempotency-key'];
        if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) throw new AppError(400, 'api.idempotency.missing');
        const answer = await oncePerKey(db, request.ctx, { key, hash: requestHash(request) }, act, (error) => {
          const problem = problemOf(error, request.ctx.lang);
          return { status: problem.status, body: problemBody(request, problem) };
        });
        app.outbox.nudge();
        if (answer.replayed) reply.header('idempotent-replayed', 'true');
        if (answer.status >= 400) return reply.status(answer.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(answer.body));
        return ok(reply, answer.status, answer.body);
      }

      api.post('/admissions/:admissionId/confirmation', operation('confirmAdmission'), async (request, reply) => {
        const { admissionId } = parse(AdmissionParams, request.params, request.ctx.lang);
        parse(ConfirmationBody, request.body, request.ctx.lang);
        return idempotent(request, reply, async (tx) => {
          await confirmAdmission(tx, request.ctx, admissionId, settings);
          const body: z.infer<typeof Confirmation> = { admission_id: admissionId, state: 'confirmed' };
          return { status: 200, body };
        });
      });

      // --- Service agreements (GES) ---------------------------------------------------------------
      api.get('/agreements', operation('listAgreements'), async (request, reply) => {
        const query = parse(AgreementsQuery, request.query, request.ctx.lang);
        const after = decodeCursor(query.cursor);
        const actor = request.ctx.actor;
        if (actor.type !== 'client') throw new AppError(401, 'api.problem.noToken');
        const { rows, more } = await auditedRead(
          db,
          request.ctx,
          'agreements.read',
          { type: 'enterprise', id: actor.enterpriseId },
          (tx) => agreementsOf(tx, request.ctx, actor.enterpriseId, { state: query.state, afterAgreementId: after }, query.limit),
          (r) => r.rows.length,
        );
        const last = rows.at(-1);
        const body: z.infer<typeof AgreementPage> = { data: rows.map(agreementJson), next_cursor: more && last ? encodeCursor(last.agreement.id) : null };
        return ok(reply, 200, body);
      });

      const termsOf = (body: z.infer<typeof AgreementRequest>): TermsInput => ({
        startDate: body.start_date,
        days: body.days,
        periods: body.periods,
        contribution: body.contribution,
        dailyRate: body.daily_rate_cents ? (body.daily_rate_cents / 100).toFixed(2) : '',
        signedOn: body.signed_on,
      });
      const answerWith = async (tx: Db, request: FastifyRequest, agreementId: string, status: number): Promise<ApiAnswer> => ({ status, body: agreementJson(await agreementOf(tx, request.ctx, agreementId)) });

      api.post('/admissions/:admissionId/agreement', operation('recordAgreement'), async (request, reply) => {
        const { admissionId } = parse(AdmissionParams, request.params, request.ctx.lang);
        const body = parse(AgreementRequest, request.body, request.ctx.lang);
        return idempotent(request, reply, async (tx) => answerWith(tx, request, (await recordAgreement(tx, request.ctx, admissionId, termsOf(body), settings)).id, 201));
      });

      api.post('/agreements/:agreementId/versions', operation('changeAgreement'), async (request, reply) => {
        const { agreementId } = parse(AgreementParams, request.params, request.ctx.lang);
        const body = parse(AgreementChangeRequest, request.body, request.ctx.lang);
        return idempotent(request, reply, async (tx) => {
          await changeAgreement(tx, request.ctx, agreementId, { ...termsOf(body), version: body.version, changeReason: body.change_reason }, settings);
          return answerWith(tx, request, agreementId, 200);
        });
      });

      api.post('/agreements/:agreementId/cessation', operation('endAgreement'), async (request, reply) => {
        const { agreementId } = parse(AgreementParams, request.params, request.ctx.lang);
        const body = parse(CessationRequest, request.body, request.ctx.lang);
        return idempotent(request, reply, async (tx) => {
          await endAgreement(tx, request.ctx, agreementId, body.version, { endDate: body.end_date, reason: body.reason, details: body.details ?? '' }, settings);
          return answerWith(tx, request, agreementId, 200);
        });
      });

      api.get('/openapi.json', async (_request, reply) => ok(reply, 200, openApiDocument(`${config.publicUrl}/api/v1`)));

      api.get('/docs', async (request, reply) => {
        const v = viewContext(request, reply);
        return sendPage(reply, v, { title: v.t('api.docs.title') }, <ApiDocsPage v={v} operations={apiOperations} scopes={apiScopes} tokenTtl={config.API_TOKEN_TTL_SECONDS} />);
      });
    },
    { prefix: '/api/v1' },
  );
}
