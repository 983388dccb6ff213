import './messages.js';
import { assignAgentRole } from './modules/identity/agents.js';
import { createAccount } from './modules/identity/service.js';
import { currentTotp, newTotpSecret } from './modules/identity/totp.js';
import { registerTestIdentity } from './platform/testing/accounts.js';

/**
 * What every test process loads first (scripts/test.ts passes it to `--import`): the message
 * catalogues, as the app registers them, and identity's functions for platform/testing's test
 * accounts (platform imports no module).
 */
registerTestIdentity({ createAccount, assignAgentRole, newTotpSecret, currentTotp: (secret) => currentTotp(secret) });
