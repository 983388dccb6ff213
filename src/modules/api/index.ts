/**
 * What other modules use of the API for providers' management software: its scopes. Another
 * module imports them from here, never api's other files (README of platform: module boundaries).
 */
import type { apiFr } from './messages.js';

export type { ApiScope } from './scopes.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    api: typeof apiFr;
  }
}
