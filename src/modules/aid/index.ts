/**
 * The financial-aid program on the request engine. No other module uses its functions; this
 * file names its message catalogue (platform/i18n/catalogue.ts).
 */
import type { aidFr } from './messages.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    aid: typeof aidFr;
  }
}
