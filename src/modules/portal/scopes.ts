/**
 * The scopes an API client may be given (RFC 6749 §3.3). Each opens one family of the portal's
 * operations and the portal's rules check them (`clientEnterprise` in service.ts), so a scope never
 * reaches past the enterprise that registered the client. Here rather than in api, which serves
 * the portal: the portal does not depend on the API.
 */
export const apiScopes = ['reserve:read', 'admissions:read', 'admissions:write', 'agreements:read', 'agreements:write'] as const;
export type ApiScope = (typeof apiScopes)[number];

export function isApiScope(value: string): value is ApiScope {
  return (apiScopes as readonly string[]).includes(value);
}
