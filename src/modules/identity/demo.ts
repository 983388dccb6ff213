import { eq, or } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { assignAgentRole, type AgentAssignment } from './agents.js';
import { account } from './schema.js';
import { createAccount, type IdentitySettings, type NewAccount } from './service.js';
import { demoTotpSecret } from './totp.js';

export const DEMO_PASSWORD = 'Bienvenue-au-guichet-2026';

export type DemoLogin = { identifier: string; role: string; mfa: boolean; note?: string };

type DemoAccount = NewAccount & { role: string; identifier: string; temporary?: boolean; agentRoles?: AgentAssignment[] };

const demoAccounts: DemoAccount[] = [
  {
    kind: 'agent',
    identifier: 'agente@guichet.test',
    email: 'agente@guichet.test',
    displayName: 'Agente Démo',
    role: 'agente du Ministère (registre, Famille : DR Capitale-Nationale, Nord et Est, MAMH) / ministry agent',
    agentRoles: [
      { role: 'registry', directorateCode: null },
      { role: 'famille', directorateCode: '11' },
      { role: 'mamh', directorateCode: null },
      { role: 'support', directorateCode: null },
    ],
  },
  {
    kind: 'agent',
    identifier: 'agent.montreal@guichet.test',
    email: 'agent.montreal@guichet.test',
    displayName: 'Agent Montréal',
    role: 'agent Famille, DR Île de Montréal seulement / Famille agent, Montréal directorate only',
    agentRoles: [{ role: 'famille', directorateCode: '12' }],
  },
  { kind: 'enterprise', identifier: 'CPE0001', userCode: 'CPE0001', email: 'direction@cpe-soleil.test', displayName: 'Directrice CPE Soleil', role: 'entreprise (CPE) / enterprise user' },
  { kind: 'enterprise', identifier: 'GAR0001', userCode: 'GAR0001', email: 'gestion@garderie-arc-en-ciel.test', displayName: 'Gestionnaire Garderie Arc-en-ciel', role: 'entreprise (garderie), mot de passe temporaire / temporary password', temporary: true },
  { kind: 'citizen', identifier: 'parent@guichet.test', email: 'parent@guichet.test', displayName: 'Parent Démo', role: 'parent / citizen' },
];

/** Demo accounts share one password; the enterprise and agent ones have MFA from a known secret. */
export async function seedIdentityDemo(tx: Db, ctx: Ctx, settings: IdentitySettings): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  for (const { role, identifier, temporary, agentRoles, ...input } of demoAccounts) {
    const withMfa = input.kind !== 'citizen' && !temporary;
    const { account: created } = await createAccount(tx, ctx, settings, {
      ...input,
      password: DEMO_PASSWORD,
      temporaryPassword: temporary ?? false,
      mfaSecret: withMfa ? demoTotpSecret(identifier) : undefined,
    });
    for (const assignment of agentRoles ?? []) await assignAgentRole(tx, created.id, assignment.role, assignment.directorateCode);
    logins.push({ identifier, role, mfa: withMfa });
  }
  return logins;
}

export function demoLogins(): DemoLogin[] {
  return demoAccounts.map((a) => ({ identifier: a.identifier, role: a.role, mfa: a.kind !== 'citizen' && !a.temporary }));
}

/** For the other modules' demo data: a demo account acting, as when it is signed in. */
export async function demoAccountCtx(tx: Db, identifier: string): Promise<Ctx> {
  const [row] = await tx
    .select({ id: account.id, kind: account.kind, displayName: account.displayName })
    .from(account)
    .where(or(eq(account.userCode, identifier), eq(account.email, identifier)));
  if (!row) throw new Error(`no demo account ${identifier}`);
  return { actor: { type: 'account', accountId: row.id, accountKind: row.kind, displayName: row.displayName }, lang: 'fr', requestId: null, ip: null };
}
