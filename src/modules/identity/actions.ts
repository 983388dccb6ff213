import { accountOfKind, action, system } from '../../platform/authz.js';

/** Who may do what in this module; each service function checks one of these. */
export const identityActions = {
  /** Enterprise users and agents get accounts from the system (enrolment, demo) or an agent. */
  createAccount: action<undefined>('identity.createAccount', system, accountOfKind('agent')),
  /** Other modules disable accounts they manage (enterprise members) after their own check. */
  disableAccount: action<undefined>('identity.disableAccount', system, accountOfKind('agent')),
};
