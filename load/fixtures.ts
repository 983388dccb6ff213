import { postalArea } from '../src/modules/places/schema.js';
import { publishedProvider } from '../src/modules/portal/test-support.js';
import { createChild, createMesEnterprise, mesUser } from '../src/modules/mes/test-support.js';
import type { Db } from '../src/platform/db/index.js';
import { createTestAccount, type TestAccount } from '../src/platform/testing/accounts.js';
import { insertPortalBenchData } from '../bench/portal-data.js';
import type { Credentials } from './workload.js';

/**
 * The data the load works on, written straight to the database through the modules' services
 * (the instances are already running on it):
 * - providers, each an enterprise with one CPE installation of directorate 11, a user who may
 *   enter and sign MES requests, and children with the AIEH who have no request yet;
 * - enterprise accounts with MFA that only sign in;
 * - the portal at a province's shape (bench/portal-data.ts) and a CPE whose user manages its réserve.
 */
export type LoadScale = { providers: number; childrenPerProvider: number; signInAccounts: number; sites: number; families: number; choices: number; largeEntries: number };

export type Provider = { user: Credentials; siteId: string; childIds: string[] };

export type LoadFixtures = {
  providers: Provider[];
  signInAccounts: Credentials[];
  reserve: { user: Credentials; siteId: string };
  /** Postal areas (FSA) of the gazetteer: where the map searches are centred. */
  postalAreas: string[];
  counts: { sites: number; reserveEntries: number };
};

function credentials(who: TestAccount): Credentials {
  if (!who.totpSecret) throw new Error('an enterprise account without MFA');
  return { identifier: who.identifier, password: who.password, totpSecret: who.totpSecret };
}

async function provider(db: Db, children: number): Promise<Provider> {
  const enterprise = await createMesEnterprise(db);
  const siteId = enterprise.siteIds[0];
  if (!siteId) throw new Error('the MES enterprise has no site');
  const user = await mesUser(db, enterprise, ['sign'], 'Directrice');
  const childIds: string[] = [];
  for (let i = 0; i < children; i++) childIds.push((await createChild(db, [siteId])).id);
  return { user: credentials(user), siteId, childIds };
}

export async function createLoadFixtures(db: Db, scale: LoadScale): Promise<LoadFixtures> {
  const providers: Provider[] = [];
  for (let i = 0; i < scale.providers; i++) providers.push(await provider(db, scale.childrenPerProvider));
  const signInAccounts: Credentials[] = [];
  for (let i = 0; i < scale.signInAccounts; i++) signInAccounts.push(credentials(await createTestAccount(db, 'enterprise')));

  const reserveProvider = await publishedProvider(db, 'cpe');
  const portal = await insertPortalBenchData(db, {
    largeSiteId: reserveProvider.siteId,
    adheredBy: reserveProvider.reserveUser.account.id,
    sites: scale.sites,
    families: scale.families,
    choices: scale.choices,
    largeEntries: scale.largeEntries,
  });
  const postalAreas = (await db.select({ fsa: postalArea.fsa }).from(postalArea)).map((row) => row.fsa);
  return {
    providers,
    signInAccounts,
    reserve: { user: credentials(reserveProvider.reserveUser), siteId: reserveProvider.siteId },
    postalAreas,
    counts: { sites: portal.counts.sites + 1, reserveEntries: portal.counts.choices },
  };
}
