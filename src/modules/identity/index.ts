/**
 * What other modules use of identity: accounts, agents' roles and the demo accounts. Another
 * module imports these from here, never identity's other files (README of platform: module
 * boundaries).
 */
export {
  agentAssignments,
  agentDirectorates,
  agentOfDirectorate,
  agentWithRole,
  assignAgentRole,
  type AgentRole,
} from './agents.js';
export { DEMO_PASSWORD, demoAccountCtx } from './demo.js';
export { hashPassword } from './passwords.js';
export {
  USER_CODE_PATTERN,
  accountSummaries,
  countThrottledFailure,
  createAccount,
  disableAccount,
  throttledUntil,
  userCodeOf,
  type IdentitySettings,
} from './service.js';
export { demoTotpSecret, newTotpSecret } from './totp.js';
