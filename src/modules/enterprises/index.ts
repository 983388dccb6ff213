/**
 * What other modules use of enterprises: the enterprise registry, the enterprises' members and
 * their RSE, the enterprise a signed-in person acts for. Another module imports these from here,
 * never enterprises' other files (README of platform: module boundaries).
 */
export { applyRegistryRecords, formatImportError } from './import.js';
export {
  activeMemberOf,
  activeRseOf,
  enterpriseNames,
  enterpriseOf,
  membersOf,
  membershipOf,
  type EnterpriseInfo,
  type Member,
} from './members.js';
export { actorEnterpriseId } from './members-routes.js';
export { upsertRegistryRecord, type RegistryRecord } from './registry.js';
export { enrolActiveForDemo } from './service.js';
