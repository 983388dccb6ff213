import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import type { ApiOperation } from '../contract.js';
import type { ApiScope } from '../scopes.js';

/** The kinds of problem the API answers; each `type` URI points at its entry on this page. */
export const problemTypes = ['bad-request', 'invalid-token', 'forbidden', 'not-found', 'conflict', 'idempotency-key', 'too-large', 'media-type', 'too-many-requests', 'oauth', 'server-error'] as const;
export type ProblemType = (typeof problemTypes)[number];

const problemText: Record<ProblemType, MessageKey> = {
  'bad-request': 'api.docs.problem.badRequest',
  'invalid-token': 'api.docs.problem.invalidToken',
  forbidden: 'api.docs.problem.forbidden',
  'not-found': 'api.docs.problem.notFound',
  conflict: 'api.docs.problem.conflict',
  'idempotency-key': 'api.docs.problem.idempotency',
  'too-large': 'api.docs.problem.tooLarge',
  'media-type': 'api.docs.problem.mediaType',
  'too-many-requests': 'api.docs.problem.tooMany',
  oauth: 'api.docs.problem.oauth',
  'server-error': 'api.docs.problem.server',
};

const scopeText: Record<ApiScope, MessageKey> = {
  'reserve:read': 'api.scope.reserveRead',
  'admissions:read': 'api.scope.admissionsRead',
  'admissions:write': 'api.scope.admissionsWrite',
  'agreements:read': 'api.scope.agreementsRead',
  'agreements:write': 'api.scope.agreementsWrite',
};

export function scopeLabel(v: ViewContext, scope: ApiScope): string {
  return v.t(scopeText[scope]);
}

const operationText: Record<string, MessageKey> = {
  listSites: 'api.docs.op.listSites',
  readReserve: 'api.docs.op.readReserve',
  readPlaces: 'api.docs.op.readPlaces',
  listAdmissionsToConfirm: 'api.docs.op.listAdmissionsToConfirm',
  confirmAdmission: 'api.docs.op.confirmAdmission',
};

/** The developers' page: how to get a token, the operations, paging, idempotency, errors. No script. */
export function ApiDocsPage({ v, operations, scopes, tokenTtl }: { v: ViewContext; operations: ApiOperation[]; scopes: readonly ApiScope[]; tokenTtl: number }) {
  return (
    <>
      <p>{v.t('api.docs.intro')}</p>
      <p>
        <a href="/api/v1/openapi.json">{v.t('api.docs.openapi')}</a>
      </p>
      <h2>{v.t('api.docs.auth.title')}</h2>
      <p>{v.t('api.docs.auth.register')}</p>
      <p>{v.t('api.docs.auth.token', { seconds: tokenTtl })}</p>
      <pre>
        <code>{'POST /api/v1/oauth/token\nAuthorization: Basic base64(client_id:client_secret)\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&scope=reserve%3Aread'}</code>
      </pre>
      <h2>{v.t('api.docs.scopes.title')}</h2>
      <dl>
        {scopes.map((s) => (
          <>
            <dt>
              <code>{s}</code>
            </dt>
            <dd>{scopeLabel(v, s)}</dd>
          </>
        ))}
      </dl>
      <h2>{v.t('api.docs.operations.title')}</h2>
      <table>
        <caption>{v.t('api.docs.operations.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('api.docs.operations.request')}</th>
            <th scope="col">{v.t('api.docs.operations.scope')}</th>
            <th scope="col">{v.t('api.docs.operations.what')}</th>
          </tr>
        </thead>
        <tbody>
          {operations.map((op) => (
            <tr key={op.operationId}>
              <th scope="row">
                <code>
                  {op.method.toUpperCase()} /api/v1{op.path}
                </code>
              </th>
              <td>{op.scope ? <code>{op.scope}</code> : null}</td>
              <td>{operationText[op.operationId] ? v.t(operationText[op.operationId] as MessageKey) : op.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{v.t('api.docs.paging.title')}</h2>
      <p>{v.t('api.docs.paging.body')}</p>
      <h2>{v.t('api.docs.idempotency.title')}</h2>
      <p>{v.t('api.docs.idempotency.body')}</p>
      <h2>{v.t('api.docs.limits.title')}</h2>
      <p>{v.t('api.docs.limits.body')}</p>
      <h2>{v.t('api.docs.problems.title')}</h2>
      <p>{v.t('api.docs.problems.intro')}</p>
      <dl>
        {problemTypes.map((p) => (
          <>
            <dt id={p}>
              <code>{p}</code>
            </dt>
            <dd>{v.t(problemText[p])}</dd>
          </>
        ))}
      </dl>
    </>
  );
}
