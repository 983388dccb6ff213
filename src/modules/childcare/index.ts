/**
 * What other modules use of childcare: the ministry's childcare records (services, installations,
 * RSGE, children, directorates) and the Quebec dates of its rules. Another module imports these
 * from here, never childcare's other files (README of platform: module boundaries).
 */
import type { childcareFr } from './messages.js';

export { isIsoDate } from './dates.js';
export { demoMapSites } from './demo-map.js';
export {
  childForEnterprise,
  directorateByCode,
  directorates,
  findChildrenForEnterprise,
  findHomeProviderByNumber,
  findServiceByPermit,
  hasIntegrationAllowance,
  isHiddenFromPublic,
  mesFundingHistory,
  normalizePermitNumber,
  recognitionHistory,
  recordMesFunding,
  recordRecognitionChange,
  referenceYearOf,
  referenceYearPeriod,
  siteById,
  sitesHeldBy,
  sitesOfEnterprise,
  todayInQuebec,
  updateHomeProviderRecord,
  upsertAttendance,
  upsertChild,
  upsertChildcareService,
  upsertIntegrationAllowance,
  upsertSite,
  validateNecsg,
  validateNirec,
  workingDaysOf,
  type ChildAtSites,
  type ChildQuery,
  type ChildRecord,
  type ChildcareService,
  type ChildcareServiceKind,
  type Directorate,
  type HomeProviderRecord,
  type RecognitionStatus,
  type Site,
} from './service.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    childcare: typeof childcareFr;
  }
}
