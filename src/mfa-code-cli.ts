import { registryDemoLogins } from './modules/access/registry-demo.js';
import { demoLogins } from './modules/identity/demo.js';
import { currentTotp, demoTotpSecret } from './modules/identity/totp.js';

/**
 * `npm run mfa:code -- CPE0001`: the current TOTP code of a demo account, the identity demo's or the
 * access registry's (MUN0001...) (demo secrets only). Beside main.ts, not in identity: it gathers
 * two modules' demo accounts, and identity does not depend on access.
 */
const identifier = process.argv[2];
const withMfa = [...demoLogins().filter((login) => login.mfa).map((login) => login.identifier), ...registryDemoLogins().map((login) => login.userCode)];
const match = withMfa.find((candidate) => candidate.toLowerCase() === identifier?.toLowerCase());
if (!match) {
  console.error(`Usage : npm run mfa:code -- <${withMfa.join(' | ')}>`);
  process.exit(2);
}
const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${currentTotp(demoTotpSecret(match))}  (${match}, valide encore ${secondsLeft} s / valid for ${secondsLeft} s)`);
