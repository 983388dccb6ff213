/**
 * The scopes an API client may be given (RFC 6749 §3.3). Each opens one family of operations; the
 * portal's rules check them (`clientEnterprise` in portal/service.ts), so a scope never reaches
 * past the enterprise that registered the client.
 */
export const apiScopes = ['reserve:read', 'admissions:read', 'admissions:write', 'agreements:read', 'agreements:write'] as const;
export type ApiScope = (typeof apiScopes)[number];

export function isApiScope(value: string): value is ApiScope {
  return (apiScopes as readonly string[]).includes(value);
}
