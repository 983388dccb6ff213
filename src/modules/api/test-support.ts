/**
 * Test helpers of the API: a client registered by an enterprise's RSE through the service, a token
 * through the token endpoint, and calls with it.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../platform/testing/app.js';
import { ctxOf, type TestEnterprise } from '../enterprises/members-test-support.js';
import type { ApiScope } from './scopes.js';
import { registerClient } from './service.js';

export type TestClientCredentials = { clientId: string; clientSecret: string };

export async function apiClientOf(t: TestApp, e: TestEnterprise, scopes: ApiScope[], name = 'ACCÉO'): Promise<TestClientCredentials> {
  const { client, clientSecret } = await registerClient(t.db, ctxOf(e.rse), { secret: t.config.secret }, e.enterpriseId, { name, scopes });
  return { clientId: client.id, clientSecret };
}

export function basic(credentials: TestClientCredentials): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64')}`;
}

export function requestToken(t: TestApp, credentials: TestClientCredentials, scope?: string): Promise<LightMyRequestResponse> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  return t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', headers: { authorization: basic(credentials), 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
}

export async function tokenOf(t: TestApp, credentials: TestClientCredentials, scope?: string): Promise<string> {
  const response = await requestToken(t, credentials, scope);
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { access_token: string }).access_token;
}

export function apiGet(t: TestApp, token: string | null, url: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

export function apiPost(t: TestApp, token: string | null, url: string, options: { key?: string | null; body?: string; contentType?: string } = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.key !== null) headers['idempotency-key'] = options.key ?? `key-${Math.random().toString(36).slice(2)}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  return t.app.inject({ method: 'POST', url, headers, ...(options.body !== undefined ? { payload: options.body } : {}) });
}
