import { accountOfKind, action, system } from '../../platform/authz.js';

/** Who may do what in this module; each service function checks one of these. */
export const identityActions = {
  /** Enterprise users and agents get accounts from the system (enrolment, demo) or an agent. */
  createAccount: action<undefined>('identity.createAccount', system, accountOfKind('agent')),
};
