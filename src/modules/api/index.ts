/**
 * The REST API for providers' management software. No other module uses it; this file names its
 * message catalogue (platform/i18n/catalogue.ts).
 */
import type { apiFr } from './messages.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    api: typeof apiFr;
  }
}
