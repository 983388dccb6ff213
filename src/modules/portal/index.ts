/**
 * What other modules use of the portal: the réserves, admissions and service agreements the API
 * serves, the unread-message count and inbox link of the workspaces. Another module imports these
 * from here, never the portal's other files (README of platform: module boundaries).
 */
import type { portalFr } from './messages.js';

export { placesOfSite } from './admissions.js';
export {
  agreementOf,
  agreementsOf,
  changeAgreement,
  contributions,
  endAgreement,
  endReasons,
  recordAgreement,
  type Agreement,
  type AgreementVersion,
  type EndReason,
  type TermsInput,
} from './agreements.js';
export { admissionsToConfirm, confirmAdmission } from './bc.js';
export { reserveOf, reserveSites, type FamilyChild } from './families.js';
export { unreadCount } from './messaging.js';
export { carePeriods, weekdays } from './service.js';
export { InboxLink } from './views/messaging.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    portal: typeof portalFr;
  }
}
