import { randomBytes } from 'node:crypto';
import type { AccountKind } from '../context.js';
import { systemCtx } from '../context.js';
import { transaction, type Db } from '../db/index.js';
import { assignAgentRole, type AgentAssignment } from '../../modules/identity/agents.js';
import { createAccount, type Account } from '../../modules/identity/service.js';
import { currentTotp, newTotpSecret } from '../../modules/identity/totp.js';
import { translate, type MessageKey } from '../i18n/index.js';
import { TEST_SECRET, type TestApp, type TestClient } from './app.js';

export type TestAccount = { account: Account; identifier: string; password: string; totpSecret: string | null };

const settings = { secret: TEST_SECRET, publicUrl: 'http://localhost:3000', failureDelayMs: 0 };

/** Unless a test names its roles, an agent holds every role, for every directorate. */
const everyAgentRole: AgentAssignment[] = [
  { role: 'registry', directorateCode: null },
  { role: 'famille', directorateCode: null },
  { role: 'mamh', directorateCode: null },
  { role: 'support', directorateCode: null },
];

/** An account ready to sign in: MFA enrolled for enterprise users and agents unless told otherwise. */
export async function createTestAccount(
  db: Db,
  kind: AccountKind,
  options: { mfa?: boolean; temporary?: boolean; email?: string; language?: 'fr' | 'en'; agentRoles?: AgentAssignment[] } = {},
): Promise<TestAccount> {
  const suffix = randomBytes(4).toString('hex');
  const password = `Essai-${suffix}-motdepasse`;
  const totpSecret = (options.mfa ?? kind !== 'citizen') ? newTotpSecret() : null;
  const email = options.email ?? `${kind}-${suffix}@guichet.test`;
  const { account } = await transaction(db, (tx) =>
    createAccount(tx, systemCtx('test'), settings, {
      kind,
      displayName: `Personne ${suffix}`,
      email,
      password,
      temporaryPassword: options.temporary ?? false,
      mfaSecret: totpSecret ?? undefined,
      language: options.language,
    }).then(async (created) => {
      if (kind === 'agent') {
        for (const { role, directorateCode } of options.agentRoles ?? everyAgentRole) await assignAgentRole(tx, created.account.id, role, directorateCode);
      }
      return created;
    }),
  );
  return { account, identifier: account.userCode ?? email, password, totpSecret };
}

/** Signs in through the pages, second factor included; returns the last response. */
export async function signInAs(client: TestClient, who: TestAccount) {
  await client.get('/connexion');
  let response = await client.post('/connexion', { identifier: who.identifier, password: who.password });
  if (response.headers.location === '/connexion/mfa' && who.totpSecret) {
    await client.follow(response);
    response = await client.post('/connexion/mfa', { code: currentTotp(who.totpSecret) });
  }
  return response;
}

/** A client of the app signed in as `who` (the test fails if the sign-in does not end on its redirect). */
export async function signedInClient(t: Pick<TestApp, 'client'>, who: TestAccount): Promise<TestClient> {
  const client = t.client();
  const response = await signInAs(client, who);
  if (response.statusCode !== 303) throw new Error(`sign-in of ${who.identifier} answered ${response.statusCode}`);
  return client;
}

/** The French message (with its parameters) is on the page, its apostrophes as the HTML escapes them or not. */
export function pageShows(body: string, key: MessageKey, params?: Record<string, string | number>): boolean {
  const text = translate('fr', key, params);
  return body.includes(text) || body.includes(text.replace(/’/g, '&#x27;'));
}

/** One sign-in attempt with a password, from the sign-in page (its CSRF token), as a person makes it. */
export async function tryPassword(client: TestClient, identifier: string, password: string) {
  await client.get('/connexion');
  return client.post('/connexion', { identifier, password });
}
