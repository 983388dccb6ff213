import { demoLogins } from './demo.js';
import { currentTotp, demoTotpSecret } from './totp.js';

/** `npm run mfa:code -- CPE0001`: the current TOTP code of a demo account (demo secrets only). */
const identifier = process.argv[2];
const withMfa = demoLogins().filter((login) => login.mfa);
const match = withMfa.find((login) => login.identifier.toLowerCase() === identifier?.toLowerCase());
if (!match) {
  console.error(`Usage : npm run mfa:code -- <${withMfa.map((l) => l.identifier).join(' | ')}>`);
  process.exit(2);
}
const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${currentTotp(demoTotpSecret(match.identifier))}  (${match.identifier}, valide encore ${secondsLeft} s / valid for ${secondsLeft} s)`);
