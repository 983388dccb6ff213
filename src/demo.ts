import { sql } from 'drizzle-orm';
import type { Config } from './config.js';
import { systemCtx } from './platform/context.js';
import { queryRows, transaction, type Db } from './platform/db/index.js';
import { demoAccountCtx, seedIdentityDemo, type DemoLogin } from './modules/identity/demo.js';
import { seedEnrolmentsDemo, seedEnterprisesDemo } from './modules/enterprises/demo.js';
import { seedAccessDemo } from './modules/access/demo.js';
import { seedChildcareDemo } from './modules/childcare/demo.js';

/**
 * Loads the demo data set into an empty database (no account yet), in one transaction: the demo
 * accounts, the demo registry and childcare services, the demo login CPE0001 as RSE of an enrolled
 * enterprise, and one file in each agents' queue.
 */
export async function loadDemoDataIfEmpty(db: Db, config: Config): Promise<DemoLogin[] | null> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from account`);
  if ((row?.n ?? 0) > 0) return null;
  const ctx = systemCtx('demo-data');
  const settings = { secret: config.secret, publicUrl: config.publicUrl, failureDelayMs: config.AUTH_FAILURE_DELAY_MS };
  return transaction(db, async (tx) => {
    const logins = await seedIdentityDemo(tx, ctx, settings);
    await seedEnterprisesDemo(tx, ctx, settings);
    await seedChildcareDemo(tx);
    // CPE0001 is the RSE of CPE Soleil: enrolled, active in the Famille e-services, one more user
    // with rights; the agents' queues each hold one file.
    const rseCtx = await demoAccountCtx(tx, 'CPE0001');
    const enrolled = await seedEnrolmentsDemo(tx, ctx, settings, rseCtx);
    await seedAccessDemo(tx, rseCtx, settings, enrolled.activeEnterpriseId, enrolled.userAccountId);
    return logins;
  });
}
