import { sql } from 'drizzle-orm';
import type { Config } from './config.js';
import { systemCtx } from './platform/context.js';
import { queryRows, transaction, type Db } from './platform/db/index.js';
import { seedIdentityDemo, type DemoLogin } from './modules/identity/demo.js';
import { seedEnterprisesDemo } from './modules/enterprises/demo.js';
import { seedChildcareDemo } from './modules/childcare/demo.js';

/** Loads the demo data set into an empty database (no account yet), in one transaction. */
export async function loadDemoDataIfEmpty(db: Db, config: Config): Promise<DemoLogin[] | null> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from account`);
  if ((row?.n ?? 0) > 0) return null;
  const ctx = systemCtx('demo-data');
  const settings = { secret: config.secret, publicUrl: config.publicUrl, failureDelayMs: config.AUTH_FAILURE_DELAY_MS };
  return transaction(db, async (tx) => {
    const logins = await seedIdentityDemo(tx, ctx, settings);
    await seedEnterprisesDemo(tx, ctx, settings);
    await seedChildcareDemo(tx);
    return logins;
  });
}
