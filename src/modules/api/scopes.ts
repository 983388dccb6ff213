/** The scopes the API's clients are given: the portal's (portal/scopes.ts), whose rules check them. */
export { apiScopes, isApiScope, type ApiScope } from '../portal/index.js';
