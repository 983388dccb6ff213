import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from '../portal/admissions.js';
import { recordAgreement } from '../portal/agreements.js';
import { confirmAdmission } from '../portal/bc.js';
import { serviceAgreement } from '../portal/schema.js';
import { addMonths } from '../portal/families.js';
import { childInReserve, coordinatingOfficeOf, publishedProvider, type PortalProvider } from '../portal/test-support.js';
import { apiOperations, type ApiOperation } from './contract.js';
import { apiScopes } from './scopes.js';
import { apiToken } from './schema.js';
import { revokeClient } from './service.js';
import { apiClientOf, apiGet, apiPost, requestToken, tokenOf } from './test-support.js';

/**
 * Every answer of these tests is checked against the OpenAPI document the app serves; every
 * operation is tried without a token, with an expired one, a revoked client's, a client without the
 * scope and another enterprise's client.
 */
let t: TestApp;
let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
let ajv: Ajv2020;

before(async () => {
  // Each test asks for many tokens from one address.
  t = await buildTestApp({ config: { API_TOKEN_RATE_LIMIT_PER_MINUTE: '1000' } });
  const served = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  assert.equal(served.statusCode, 200);
  document = served.json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is also its `default`.
  formats.default(ajv);
  ajv.addSchema(document, 'openapi');
});
after(async () => t?.close());

/** The answer is one the document lists for this operation, with its media type and shape. */
function conforms(method: string, path: string, response: LightMyRequestResponse): void {
  const operation = document.paths[path]?.[method];
  assert.ok(operation, `${method} ${path} is in the document`);
  const documented = operation.responses[String(response.statusCode)];
  assert.ok(documented, `${method} ${path} documents ${response.statusCode}: ${response.body}`);
  const mediaType = String(response.headers['content-type'] ?? '').split(';')[0] ?? '';
  const content = documented.content?.[mediaType];
  assert.ok(content, `${method} ${path} ${response.statusCode} documents ${mediaType}`);
  const pointer = (content.schema as { $ref: string }).$ref;
  const validate = ajv.getSchema(`openapi${pointer}`);
  assert.ok(validate, `schema ${pointer}`);
  assert.ok(validate(response.json()), `${method} ${path} ${response.statusCode}: ${ajv.errorsText(validate.errors)} in ${response.body}`);
}

function isProblem(response: LightMyRequestResponse): void {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const validate = ajv.getSchema('openapi#/components/schemas/Problem');
  assert.ok(validate?.(response.json()), response.body);
}

type Bc = Awaited<ReturnType<typeof coordinatingOfficeOf>>;
type World = { rsge: PortalProvider; bc: Bc; admissionId: string; agreementId: string; other: { rsge: PortalProvider; bc: Bc } };

const settings = () => ({ publicUrl: t.config.publicUrl });
const start = () => ({ plannedStart: addMonths(todayInQuebec(), 1), override: false, overrideReason: '' });
const terms = () => ({ start_date: addMonths(todayInQuebec(), 1), days: ['mon', 'tue'], periods: ['full_time'], contribution: 'reduced', signed_on: todayInQuebec() });

/**
 * An RSGE with an admission waiting for its BC's confirmation, and another child's confirmed
 * admission with its agreement (recorded by the BC).
 */
async function world(): Promise<World> {
  const rsge = await publishedProvider(t.db, 'home_provider');
  const bc = await coordinatingOfficeOf(t.db, rsge);
  const { choice } = await childInReserve(t.db, rsge.siteId);
  const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, start(), settings());
  const recorded = await childInReserve(t.db, rsge.siteId);
  const confirmed = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, recorded.choice.id, start(), settings());
  await confirmAdmission(t.db, ctxOf(bc.reserveUser), confirmed.id, settings());
  const agreement = await recordAgreement(t.db, ctxOf(bc.reserveUser), confirmed.id, { startDate: addMonths(todayInQuebec(), 1), days: ['mon'], periods: ['full_time'], contribution: 'reduced', dailyRate: '', signedOn: todayInQuebec() }, settings());
  // Another enterprise, an RSGE with a BC of its own, whose clients hold every scope.
  const otherRsge = await publishedProvider(t.db, 'home_provider');
  return { rsge, bc, admissionId: row.id, agreementId: agreement.id, other: { rsge: otherRsge, bc: await coordinatingOfficeOf(t.db, otherRsge) } };
}

/** Which enterprise an operation acts for, and its URL in this world. */
function target(op: ApiOperation, w: World): { owner: 'rsge' | 'bc'; url: string; listsOwn: boolean } {
  const url = `/api/v1${op.path.replace('{siteId}', w.rsge.siteId).replace('{admissionId}', w.admissionId).replace('{agreementId}', w.agreementId)}`;
  const owner = op.path.startsWith('/admissions') || op.path.startsWith('/agreements') ? 'bc' : 'rsge';
  return { owner, url, listsOwn: !op.path.includes('{') };
}

/** A valid body for each POST, from the agreement's current version: refusals are then about the caller only. */
async function bodyOf(op: ApiOperation, w: World): Promise<string | undefined> {
  const [current] = await t.db.select({ version: serviceAgreement.version }).from(serviceAgreement).where(eq(serviceAgreement.id, w.agreementId));
  const version = current?.version ?? 1;
  if (op.operationId === 'recordAgreement') return JSON.stringify(terms());
  if (op.operationId === 'changeAgreement') return JSON.stringify({ ...terms(), days: ['wed'], version, change_reason: 'Un autre jour' });
  if (op.operationId === 'endAgreement') return JSON.stringify({ version, end_date: addMonths(todayInQuebec(), 2), reason: 'moved' });
  return undefined;
}

async function call(op: ApiOperation, token: string | null, url: string, w: World): Promise<LightMyRequestResponse> {
  return op.method === 'post' ? apiPost(t, token, url, { body: await bodyOf(op, w) }) : apiGet(t, token, url);
}

describe('the API’s contract', () => {
  test('the document is OpenAPI 3.1 and lists every operation, each schema compiling', () => {
    const doc = document as unknown as { openapi: string; components: { schemas: Record<string, object> } };
    assert.equal(doc.openapi, '3.1.0');
    for (const op of apiOperations) assert.ok(document.paths[op.path]?.[op.method], `${op.method} ${op.path}`);
    for (const name of Object.keys(doc.components.schemas)) assert.ok(ajv.getSchema(`openapi#/components/schemas/${name}`), name);
  });

  test('every route under /api/v1 is a documented operation, the token endpoint or the documentation', () => {
    const served = t.app.routeList.filter((r) => (r.split(' ')[1] ?? '').startsWith('/api/v1/'));
    const operations = apiOperations.map((op) => `${op.method.toUpperCase()} /api/v1${op.path.replace(/\{(\w+)\}/g, ':$1')}`);
    assert.deepEqual(new Set(served), new Set(['POST /api/v1/oauth/token', 'GET /api/v1/openapi.json', 'GET /api/v1/docs', ...operations]));
  });

  test('every operation refuses no token, an expired token, a revoked client, a missing scope and another enterprise', async () => {
    const w = await world();
    const enterprises = { rsge: w.rsge, bc: w.bc };
    for (const op of apiOperations) {
      const { owner, url, listsOwn } = target(op, w);
      const label = `${op.method.toUpperCase()} ${op.path}`;
      const scope = op.scope;
      assert.ok(scope, label);

      const none = await call(op, null, url, w);
      assert.equal(none.statusCode, 401, `${label} without a token`);
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="guichet"');
      conforms(op.method, op.path, none);

      const expiring = await apiClientOf(t, enterprises[owner], [...apiScopes]);
      const expired = await tokenOf(t, expiring);
      await t.db.update(apiToken).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiToken.clientId, expiring.clientId));
      const late = await call(op, expired, url, w);
      assert.equal(late.statusCode, 401, `${label} with an expired token`);
      assert.match(String(late.headers['www-authenticate']), /error="invalid_token"/);
      conforms(op.method, op.path, late);

      const revoked = await apiClientOf(t, enterprises[owner], [...apiScopes]);
      const revokedToken = await tokenOf(t, revoked);
      await revokeClient(t.db, ctxOf(enterprises[owner].rse), enterprises[owner].enterpriseId, revoked.clientId);
      const gone = await call(op, revokedToken, url, w);
      assert.equal(gone.statusCode, 401, `${label} by a revoked client`);
      conforms(op.method, op.path, gone);
      assert.equal((await requestToken(t, revoked)).statusCode, 401, 'a revoked client gets no token');

      const narrow = await tokenOf(t, await apiClientOf(t, enterprises[owner], apiScopes.filter((s) => s !== scope)));
      const outOfScope = await call(op, narrow, url, w);
      assert.equal(outOfScope.statusCode, 403, `${label} without ${scope}`);
      conforms(op.method, op.path, outOfScope);

      // Another enterprise of the same kind (an RSGE, a BC), with every scope.
      const foreign = await tokenOf(t, await apiClientOf(t, w.other[owner], [...apiScopes]));
      const another = await call(op, foreign, url, w);
      conforms(op.method, op.path, another);
      if (listsOwn) {
        // A list answers the caller's own enterprise: nothing of this one.
        assert.equal(another.statusCode, 200, label);
        assert.ok(!another.body.includes(w.rsge.siteId) && !another.body.includes(w.admissionId) && !another.body.includes(w.agreementId), `${label} shows nothing of another enterprise`);
      } else {
        assert.equal(another.statusCode, 403, `${label} by another enterprise’s client`);
      }
    }
  });

  test('every operation answers its documented success to the right client', async () => {
    const w = await world();
    const tokens = { rsge: await tokenOf(t, await apiClientOf(t, w.rsge, [...apiScopes])), bc: await tokenOf(t, await apiClientOf(t, w.bc, [...apiScopes])) };
    for (const op of apiOperations) {
      const { owner, url } = target(op, w);
      const response = await call(op, tokens[owner], url, w);
      assert.equal(response.statusCode, op.ok.status, `${op.method} ${op.path}: ${response.body}`);
      conforms(op.method, op.path, response);
    }
  });

  test('bad input is a problem, never a 500', async () => {
    const w = await world();
    const rsgeToken = await tokenOf(t, await apiClientOf(t, w.rsge, [...apiScopes]));
    const bcToken = await tokenOf(t, await apiClientOf(t, w.bc, [...apiScopes]));
    const reserve = '/sites/{siteId}/reserve';
    const reserveUrl = `/api/v1/sites/${w.rsge.siteId}/reserve`;
    const confirm = '/admissions/{admissionId}/confirmation';
    const confirmUrl = `/api/v1/admissions/${w.admissionId}/confirmation`;
    const change = '/agreements/{agreementId}/versions';
    const changeUrl = `/api/v1/agreements/${w.agreementId}/versions`;
    const cases: { name: string; path: string; method: 'get' | 'post'; response: LightMyRequestResponse; status: number }[] = [
      { name: 'limit not a number', path: reserve, method: 'get', response: await apiGet(t, rsgeToken, `${reserveUrl}?limit=abc`), status: 400 },
      { name: 'limit over the maximum', path: reserve, method: 'get', response: await apiGet(t, rsgeToken, `${reserveUrl}?limit=1000`), status: 400 },
      { name: 'unknown query parameter', path: reserve, method: 'get', response: await apiGet(t, rsgeToken, `${reserveUrl}?offset=10`), status: 400 },
      { name: 'a cursor not ours', path: reserve, method: 'get', response: await apiGet(t, rsgeToken, `${reserveUrl}?cursor=bm9wZQ`), status: 400 },
      { name: 'a site id not a uuid', path: reserve, method: 'get', response: await apiGet(t, rsgeToken, '/api/v1/sites/123/reserve'), status: 400 },
      { name: 'an unknown site', path: reserve, method: 'get', response: await apiGet(t, rsgeToken, `/api/v1/sites/${w.admissionId}/reserve`), status: 403 },
      { name: 'malformed JSON', path: confirm, method: 'post', response: await apiPost(t, bcToken, confirmUrl, { body: '{"a":' }), status: 400 },
      { name: 'an unknown field', path: confirm, method: 'post', response: await apiPost(t, bcToken, confirmUrl, { body: '{"note":"x"}' }), status: 400 },
      { name: 'a wrong type', path: confirm, method: 'post', response: await apiPost(t, bcToken, confirmUrl, { body: '[1,2]' }), status: 400 },
      { name: 'not JSON', path: confirm, method: 'post', response: await apiPost(t, bcToken, confirmUrl, { body: 'a=1', contentType: 'application/x-www-form-urlencoded' }), status: 415 },
      { name: 'oversized body', path: confirm, method: 'post', response: await apiPost(t, bcToken, confirmUrl, { body: JSON.stringify({ pad: 'x'.repeat(20_000) }) }), status: 413 },
      { name: 'no Idempotency-Key', path: confirm, method: 'post', response: await apiPost(t, bcToken, confirmUrl, { key: null }), status: 400 },
      { name: 'an unknown admission', path: confirm, method: 'post', response: await apiPost(t, bcToken, `/api/v1/admissions/${w.rsge.siteId}/confirmation`), status: 403 },
      { name: 'days not a list', path: change, method: 'post', response: await apiPost(t, bcToken, changeUrl, { body: JSON.stringify({ ...terms(), days: 'mon', version: 1, change_reason: 'x' }) }), status: 400 },
      { name: 'an unknown contribution', path: change, method: 'post', response: await apiPost(t, bcToken, changeUrl, { body: JSON.stringify({ ...terms(), contribution: 'free', version: 1, change_reason: 'x' }) }), status: 400 },
      { name: 'a date signed in the future (the service’s rule)', path: change, method: 'post', response: await apiPost(t, bcToken, changeUrl, { body: JSON.stringify({ ...terms(), signed_on: addMonths(todayInQuebec(), 1), version: 1, change_reason: 'x' }) }), status: 400 },
      { name: 'a stale version', path: change, method: 'post', response: await apiPost(t, bcToken, changeUrl, { body: JSON.stringify({ ...terms(), days: ['fri'], version: 7, change_reason: 'x' }) }), status: 409 },
    ];
    for (const c of cases) {
      assert.equal(c.response.statusCode, c.status, `${c.name}: ${c.response.body}`);
      conforms(c.method, c.path, c.response);
    }
    const serviceRule = cases.find((c) => c.name.startsWith('a date signed'))?.response.json() as { errors?: { field: string }[] };
    assert.deepEqual(serviceRule.errors?.map((e) => e.field), ['signed_on'], 'the service’s field error names the API’s field');
    const unknown = await apiGet(t, rsgeToken, '/api/v1/nothing-here');
    assert.equal(unknown.statusCode, 404);
    isProblem(unknown);
  });

  test('the token endpoint answers RFC 6749 errors as problems', async () => {
    const w = await world();
    const credentials = await apiClientOf(t, w.rsge, ['reserve:read']);
    const token = '/oauth/token';
    const post = (payload: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload });
    const good = await requestToken(t, credentials);
    conforms('post', token, good);
    assert.equal(good.headers['cache-control'], 'no-store');
    const inBody = await post(new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }).toString());
    assert.equal(inBody.statusCode, 200, 'credentials in the body');
    const cases: { name: string; response: LightMyRequestResponse; status: number; error: string }[] = [
      { name: 'wrong secret', response: await requestToken(t, { ...credentials, clientSecret: 'nope' }), status: 401, error: 'invalid_client' },
      { name: 'unknown client', response: await requestToken(t, { clientId: 'abc', clientSecret: 'nope' }), status: 401, error: 'invalid_client' },
      { name: 'no credentials', response: await post('grant_type=client_credentials'), status: 401, error: 'invalid_client' },
      { name: 'another grant', response: await post(`grant_type=password&client_id=${credentials.clientId}&client_secret=${credentials.clientSecret}`), status: 400, error: 'unsupported_grant_type' },
      { name: 'no grant', response: await post(`client_id=${credentials.clientId}&client_secret=${credentials.clientSecret}`), status: 400, error: 'invalid_request' },
      { name: 'a scope the client lacks', response: await requestToken(t, credentials, 'admissions:write'), status: 400, error: 'invalid_scope' },
      { name: 'JSON instead of a form', response: await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"client_credentials"}' }), status: 400, error: 'invalid_request' },
    ];
    for (const c of cases) {
      assert.equal(c.response.statusCode, c.status, `${c.name}: ${c.response.body}`);
      assert.equal((c.response.json() as { error: string }).error, c.error, c.name);
      conforms('post', token, c.response);
    }
  });
});

describe('the API’s rate limits', () => {
  let limited: TestApp;
  before(async () => {
    limited = await buildTestApp({ config: { API_RATE_LIMIT_PER_MINUTE: '2', API_TOKEN_RATE_LIMIT_PER_MINUTE: '2' } });
  });
  after(async () => limited?.close());

  test('a client past its calls per minute, and an address past its token requests, get 429 with Retry-After', async () => {
    const rsge = await publishedProvider(limited.db, 'home_provider');
    const credentials = await apiClientOf(limited, rsge, ['reserve:read']);
    const token = await tokenOf(limited, credentials);
    const url = `/api/v1/sites/${rsge.siteId}/reserve`;
    assert.equal((await apiGet(limited, token, url)).statusCode, 200);
    assert.equal((await apiGet(limited, token, url)).statusCode, 200);
    const third = await apiGet(limited, token, url);
    assert.equal(third.statusCode, 429);
    assert.ok(Number(third.headers['retry-after']) > 0);
    conforms('get', '/sites/{siteId}/reserve', third);
    const another = await tokenOf(limited, await apiClientOf(limited, rsge, ['reserve:read'], 'Autre poste'));
    assert.equal((await apiGet(limited, another, url)).statusCode, 200, 'each client counts apart');

    // Two tokens were asked for from this address: the third is one too many.
    const tooMany = await requestToken(limited, credentials);
    assert.equal(tooMany.statusCode, 429);
    assert.ok(Number(tooMany.headers['retry-after']) > 0);
    conforms('post', '/oauth/token', tooMany);
  });
});
