import { randomBytes } from 'node:crypto';
import type { AccountKind, Ctx } from '../context.js';
import { systemCtx } from '../context.js';
import { transaction, type Db } from '../db/index.js';
import { translate, type Lang, type MessageKey } from '../i18n/index.js';
import { TEST_SECRET, type TestApp, type TestClient } from './app.js';

/** The columns of identity's account row that tests read. */
export type TestAccountRow = {
  id: string;
  kind: AccountKind;
  userCode: string | null;
  email: string | null;
  displayName: string;
  language: string;
  mfaEnabledAt: Date | null;
  disabledAt: Date | null;
};

export type AgentAssignment = { role: 'registry' | 'famille' | 'mamh' | 'support'; directorateCode: string | null };

/**
 * The identity functions these helpers call. Platform imports no module, so identity's are given
 * once per test process by src/test-setup.ts (the test runner imports it first).
 */
export type TestIdentity = {
  createAccount(
    tx: Db,
    ctx: Ctx,
    settings: { secret: string; publicUrl: string; failureDelayMs: number },
    input: { kind: AccountKind; displayName: string; email: string; password: string; temporaryPassword: boolean; mfaSecret: string | undefined; language: Lang | undefined },
  ): Promise<{ account: TestAccountRow }>;
  assignAgentRole(tx: Db, accountId: string, role: AgentAssignment['role'], directorateCode: string | null): Promise<void>;
  newTotpSecret(): string;
  currentTotp(secret: string): string;
};

let identity: TestIdentity | null = null;

export function registerTestIdentity(functions: TestIdentity): void {
  identity = functions;
}

function testIdentity(): TestIdentity {
  if (!identity) throw new Error('no identity functions for the test accounts: src/test-setup.ts registers them (npm test imports it)');
  return identity;
}

export type TestAccount = { account: TestAccountRow; identifier: string; password: string; totpSecret: string | null };

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
  const { createAccount, assignAgentRole, newTotpSecret } = testIdentity();
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
    response = await client.post('/connexion/mfa', { code: testIdentity().currentTotp(who.totpSecret) });
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
