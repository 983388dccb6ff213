import { registerCatalogues, type CatalogueSet } from './platform/i18n/index.js';
import { platformEn } from './platform/i18n/en.js';
import { platformFr } from './platform/i18n/fr.js';
import { designationEn, designationFr } from './modules/access/designation-messages.js';
import { registryEn, registryFr } from './modules/access/registry-messages.js';
import { aidEn, aidFr } from './modules/aid/messages.js';
import { apiEn, apiFr } from './modules/api/messages.js';
import { childcareEn, childcareFr } from './modules/childcare/messages.js';
import { mesEn, mesFr } from './modules/mes/messages.js';
import { mesReviewEn, mesReviewFr } from './modules/mes/review-messages.js';
import { portalEn, portalFr } from './modules/portal/messages.js';
import { requestsEn, requestsFr } from './modules/requests/messages.js';

/**
 * Every message catalogue, registered when this file is first imported: by app.ts, by src/test-setup.ts
 * (the test runner imports it first, so a test that translates without building the app has them
 * all) and by any command that translates. Its type names every catalogue a module declared
 * (platform/i18n/catalogue.ts): one missing here fails the type check.
 */
export const catalogues: CatalogueSet = {
  platform: { fr: platformFr, en: platformEn },
  childcare: { fr: childcareFr, en: childcareEn },
  requests: { fr: requestsFr, en: requestsEn },
  mes: { fr: mesFr, en: mesEn },
  mesReview: { fr: mesReviewFr, en: mesReviewEn },
  aid: { fr: aidFr, en: aidEn },
  accessRegistry: { fr: registryFr, en: registryEn },
  accessDesignations: { fr: designationFr, en: designationEn },
  portal: { fr: portalFr, en: portalEn },
  api: { fr: apiFr, en: apiEn },
};

registerCatalogues(catalogues);
