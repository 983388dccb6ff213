import { z } from 'zod';
import { contributions, endReasons } from '../portal/agreements.js';
import { carePeriods, weekdays } from '../portal/service.js';
import { apiScopes } from './scopes.js';

/**
 * Every shape the API reads or answers, once: the routes parse with these schemas, and the
 * OpenAPI document (`openApiDocument`) is derived from them with `z.toJSONSchema`, so the document
 * and the code cannot drift apart. JSON names are snake_case, as OAuth's are.
 */

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

export const Problem = z
  .object({
    type: z.string().describe('A URI reference naming the kind of problem (its anchor in /api/v1/docs).'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('The request id, as `urn:request:<id>` (also in the `x-request-id` header).'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().describe('Which input was refused, for a 400.'),
    error: z.string().optional().describe('The token endpoint: the RFC 6749 §5.2 error code.'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

export const TokenRequest = z
  .object({
    grant_type: z.string().describe('`client_credentials`'),
    scope: z.string().optional().describe('Space-separated scopes, a subset of the client’s; all of them when absent.'),
    client_id: z.string().optional().describe('When the client does not authenticate with HTTP Basic.'),
    client_secret: z.string().optional(),
  })
  .meta({ id: 'TokenRequest' });

export const TokenResponse = z
  .strictObject({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string(),
  })
  .meta({ id: 'TokenResponse' });

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().max(200).optional(),
});

export const SiteParams = z.strictObject({ siteId: z.uuid() });
export const AdmissionParams = z.strictObject({ admissionId: z.uuid() });
export const ToConfirmQuery = PageQuery.extend({ site_id: z.uuid().optional() });

/** The confirmation carries nothing but its path; a body, when sent, must be an empty object. */
export const ConfirmationBody = z.strictObject({}).meta({ id: 'ConfirmationRequest' });

const page = <T extends z.ZodType>(item: T, id: string) =>
  z
    .strictObject({
      data: z.array(item),
      next_cursor: z.string().nullable().describe('Pass it as `cursor` for the next page; null on the last page.'),
    })
    .meta({ id });

export const Site = z
  .strictObject({ id: z.uuid(), number: z.string(), name: z.string(), kind: z.enum(['installation', 'home_provider']) })
  .meta({ id: 'Site' });
export const SitePage = page(Site, 'SitePage');

export const ReserveEntry = z
  .strictObject({
    choice_id: z.uuid(),
    registration_number: z.string(),
    child_name: z.string(),
    age_months: z.number().int(),
    desired_start: z.iso.date(),
    siblings: z.number().int().describe('Other children of the same family in this réserve.'),
    accepts_partial: z.boolean(),
    accepts_substitute: z.boolean(),
    days: z.array(z.string()),
    periods: z.array(z.string()),
  })
  .meta({ id: 'ReserveEntry' });
export const ReservePage = page(ReserveEntry, 'ReservePage').extend({ total: z.number().int().describe('Entries in the whole réserve.') }).meta({ id: 'ReservePage' });

export const Places = z
  .strictObject({
    site_id: z.uuid(),
    places_total: z.number().int().nullable().describe('The permit’s or recognition’s places; null when unknown (no limit).'),
    places_infants: z.number().int().nullable().describe('Of them, for children under 18 months.'),
    taken: z.number().int().describe('Admissions in progress (admitted or confirmed).'),
    taken_infants: z.number().int(),
  })
  .meta({ id: 'Places' });

export const AdmissionToConfirm = z
  .strictObject({
    admission_id: z.uuid(),
    site: z.strictObject({ id: z.uuid(), number: z.string(), name: z.string() }),
    child: z.strictObject({ registration_number: z.string(), first_name: z.string(), last_name: z.string(), birth_date: z.iso.date() }),
    planned_start: z.iso.date(),
    age_group: z.enum(['infant', 'toddler']),
  })
  .meta({ id: 'AdmissionToConfirm' });
export const AdmissionToConfirmPage = page(AdmissionToConfirm, 'AdmissionToConfirmPage');

export const Confirmation = z.strictObject({ admission_id: z.uuid(), state: z.literal('confirmed') }).meta({ id: 'Confirmation' });

export const AgreementParams = z.strictObject({ agreementId: z.uuid() });
export const AgreementsQuery = PageQuery.extend({ state: z.enum(['active', 'ended']).default('active') });

const terms = {
  start_date: z.iso.date(),
  days: z.array(z.enum(weekdays)).min(1).max(7),
  periods: z.array(z.enum(carePeriods)).min(1).max(4),
  contribution: z.enum(contributions).describe('`reduced` (contribution réduite) or `other_rate`, with its daily rate.'),
  daily_rate_cents: z.number().int().positive().max(50_000).nullable().optional().describe('Required for `other_rate`; ignored for `reduced`.'),
  signed_on: z.iso.date(),
};
export const AgreementRequest = z.strictObject(terms).meta({ id: 'AgreementRequest', description: 'The terms of the agreement of an admitted child (GES).' });
export const AgreementChangeRequest = z
  .strictObject({ ...terms, version: z.number().int().min(1).describe('The version the change is made from: an older one is refused (409).'), change_reason: z.string().min(1).max(500) })
  .meta({ id: 'AgreementChangeRequest' });
export const CessationRequest = z
  .strictObject({ version: z.number().int().min(1), end_date: z.iso.date(), reason: z.enum(endReasons), details: z.string().max(500).optional().describe('Required for `other`.') })
  .meta({ id: 'CessationRequest' });

export const Agreement = z
  .strictObject({
    agreement_id: z.uuid(),
    admission_id: z.uuid(),
    site_id: z.uuid(),
    child: z.strictObject({ registration_number: z.string(), first_name: z.string(), last_name: z.string() }),
    state: z.enum(['active', 'ended']),
    version: z.number().int(),
    start_date: z.iso.date(),
    days: z.array(z.string()),
    periods: z.array(z.string()),
    contribution: z.enum(contributions),
    daily_rate_cents: z.number().int().nullable(),
    signed_on: z.iso.date(),
    end_date: z.iso.date().nullable(),
    end_reason: z.enum(endReasons).nullable(),
  })
  .meta({ id: 'Agreement' });
export const AgreementPage = page(Agreement, 'AgreementPage');

export type ApiOperation = {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  /** The scope it needs; null: no token (the token endpoint, the documentation). */
  scope: (typeof apiScopes)[number] | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Its answer when it succeeds. */
  ok: { status: number; schema: z.ZodType };
  idempotent?: boolean;
};

/** The operations that need a token, in the order of the documentation. The contract tests go through them all. */
export const apiOperations: ApiOperation[] = [
  { method: 'get', path: '/sites', operationId: 'listSites', summary: 'The sites whose réserve the enterprise manages.', scope: 'reserve:read', query: PageQuery, ok: { status: 200, schema: SitePage } },
  { method: 'get', path: '/sites/{siteId}/reserve', operationId: 'readReserve', summary: 'A site’s réserve de clientèle, in its order (desired start, then registration time).', scope: 'reserve:read', params: SiteParams, query: PageQuery, ok: { status: 200, schema: ReservePage } },
  { method: 'get', path: '/sites/{siteId}/places', operationId: 'readPlaces', summary: 'A site’s places and the admissions in progress that take them.', scope: 'admissions:read', params: SiteParams, ok: { status: 200, schema: Places } },
  { method: 'get', path: '/admissions-to-confirm', operationId: 'listAdmissionsToConfirm', summary: 'A BC: the admissions at its RSGE waiting for its confirmation, by planned start.', scope: 'admissions:read', query: ToConfirmQuery, ok: { status: 200, schema: AdmissionToConfirmPage } },
  { method: 'post', path: '/admissions/{admissionId}/confirmation', operationId: 'confirmAdmission', summary: 'A BC confirms an admission at one of its RSGE.', scope: 'admissions:write', params: AdmissionParams, body: ConfirmationBody, ok: { status: 200, schema: Confirmation }, idempotent: true },
  { method: 'get', path: '/agreements', operationId: 'listAgreements', summary: 'The service agreements of the enterprise’s sites (a BC: of its RSGE), active or ended, by start date.', scope: 'agreements:read', query: AgreementsQuery, ok: { status: 200, schema: AgreementPage } },
  { method: 'post', path: '/admissions/{admissionId}/agreement', operationId: 'recordAgreement', summary: 'Records the service agreement of an admitted child (a BC for its RSGE, once it confirmed the admission; a CPE or garderie for itself).', scope: 'agreements:write', params: AdmissionParams, body: AgreementRequest, ok: { status: 201, schema: Agreement }, idempotent: true },
  { method: 'post', path: '/agreements/{agreementId}/versions', operationId: 'changeAgreement', summary: 'Changes the terms: a new version, the previous ones kept.', scope: 'agreements:write', params: AgreementParams, body: AgreementChangeRequest, ok: { status: 200, schema: Agreement }, idempotent: true },
  { method: 'post', path: '/agreements/{agreementId}/cessation', operationId: 'endAgreement', summary: 'The cessation of services: ends the agreement and the admission.', scope: 'agreements:write', params: AgreementParams, body: CessationRequest, ok: { status: 200, schema: Agreement }, idempotent: true },
];

/** A schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect); the named ones it uses point into components.schemas. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return JSON.parse(JSON.stringify(out).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

function parametersOf(op: ApiOperation): Record<string, unknown>[] {
  const of = (where: 'path' | 'query', shape: z.ZodObject | undefined) =>
    Object.entries(shape?.shape ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || !(s as z.ZodType).safeParse(undefined).success, schema: jsonSchema(s as z.ZodType, 'input') }));
  const headers = op.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 }, description: 'The same key and body: the stored answer again, never a second action.' }] : [];
  return [...of('path', op.params), ...of('query', op.query), ...headers];
}

/** The OpenAPI 3.1 document served at /api/v1/openapi.json. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const named = [Problem, TokenRequest, TokenResponse, Site, SitePage, ReserveEntry, ReservePage, Places, AdmissionToConfirm, AdmissionToConfirmPage, ConfirmationBody, Confirmation, AgreementRequest, AgreementChangeRequest, CessationRequest, Agreement, AgreementPage];
  const schemas: Record<string, unknown> = {};
  for (const schema of named) {
    const id = schema.meta()?.id;
    if (!id) throw new Error('a contract schema without its id');
    // A schema with an id comes out as a reference to itself among its definitions.
    const { $defs, ...own } = jsonSchema(schema) as { $defs?: Record<string, unknown> };
    for (const [name, def] of Object.entries($defs ?? {})) schemas[name] ??= def;
    schemas[id] ??= own;
  }
  const paths: Record<string, Record<string, unknown>> = {
    '/oauth/token': {
      post: {
        operationId: 'requestToken',
        summary: 'OAuth 2.0 client credentials (RFC 6749 §4.4): an access token for the client.',
        security: [{ basic: [] }, {}],
        requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/TokenRequest' } } } },
        responses: {
          '200': { description: 'The token.', content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenResponse' } } } },
          '400': problemResponse('invalid_request, unsupported_grant_type or invalid_scope (the `error` member).'),
          '401': problemResponse('invalid_client: unknown, wrong secret or revoked.'),
          '413': problemResponse('The body is too large.'),
          '415': problemResponse('A body of a type the API does not read.'),
          '429': problemResponse('Too many token requests from this address.'),
        },
      },
    },
  };
  for (const op of apiOperations) {
    const responses: Record<string, unknown> = {
      [String(op.ok.status)]: { description: 'Done.', content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.ok.schema.meta()?.id}` } } } },
      '400': problemResponse('Malformed input: wrong types, unknown fields, malformed JSON, a bad cursor, a missing Idempotency-Key.'),
      '401': problemResponse('No token, an unknown or expired one, or a revoked client.'),
      '403': problemResponse('Not within the token’s scopes, or not a resource of the client’s enterprise (unknown ids answer the same).'),
      '429': problemResponse('Too many calls of this operation by this client; see Retry-After.'),
    };
    if (op.method === 'post') {
      responses['409'] = problemResponse('The state does not allow it, or the Idempotency-Key was used with another request.');
      responses['413'] = problemResponse('The body is too large.');
      responses['415'] = problemResponse('The body is not JSON.');
    }
    paths[op.path] = {
      ...(paths[op.path] ?? {}),
      [op.method]: {
        operationId: op.operationId,
        summary: op.summary,
        security: [{ bearer: op.scope ? [op.scope] : [] }],
        parameters: parametersOf(op),
        ...(op.body ? { requestBody: { required: false, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body.meta()?.id}` } } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Guichet — API des logiciels de gestion', version: '1.0.0', description: 'For providers’ management software: the réserve, places and admissions of the enterprise that registered the client.' },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: 'The client’s id and secret, at the token endpoint only.' },
        bearer: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: `${serverUrl}/oauth/token`, scopes: Object.fromEntries(apiScopes.map((s) => [s, s])) } },
        },
      },
    },
  };
}
