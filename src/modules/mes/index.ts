/**
 * What other modules use of the MES program: its views' date helpers and history section, which
 * the aid program borrows, and a test PDF. Another module imports these from here, never mes's
 * other files (README of platform: module boundaries).
 */
import type { mesFr } from './messages.js';
import type { mesReviewFr } from './review-messages.js';

export { titledPdf } from './fixtures.js';
export { isoDay, longDay } from './views/frame.js';
export { HistorySection } from './views/request-parts.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    mes: typeof mesFr;
    mesReview: typeof mesReviewFr;
  }
}
