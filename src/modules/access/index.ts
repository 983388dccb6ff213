/**
 * What other modules use of access: the rights held per e-service (seed 002) and the access
 * registry of the financial-aid programs (seed 004). Another module imports these from here,
 * never access's other files (README of platform: module boundaries).
 */
import type { designationFr } from './designation-messages.js';
import type { registryFr } from './registry-messages.js';

export type { RightKind } from './catalogue.js';
export {
  accessibleOrganizations,
  effectiveAccess,
  effectiveHolders,
  holdsProfile,
  organizationById,
  organizationOfEnterprise,
  registryProgramByCode,
  writeProfiles,
  type EffectiveAccess,
  type OrganizationInfo,
  type Profile,
} from './registry.js';
export { heldRights, saveRights, transmitEnrolment } from './service.js';

declare module '../../platform/i18n/catalogue.js' {
  interface Catalogues {
    accessRegistry: typeof registryFr;
    accessDesignations: typeof designationFr;
  }
}
