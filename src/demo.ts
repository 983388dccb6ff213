import { sql } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import type { Config } from './config.js';
import { systemCtx } from './platform/context.js';
import { queryRows, transaction, type Db } from './platform/db/index.js';
import type { FileStore } from './platform/files/store.js';
import { demoAccountCtx, seedIdentityDemo, type DemoLogin } from './modules/identity/demo.js';
import { seedEnrolmentsDemo, seedEnterprisesDemo } from './modules/enterprises/demo.js';
import { seedAccessDemo } from './modules/access/demo.js';
import { seedChildcareDemo } from './modules/childcare/demo.js';
import { enterpriseOf } from './modules/enterprises/members.js';
import { seedMesDemo } from './modules/mes/demo.js';
import { seedRegistryDemo } from './modules/access/registry-demo.js';
import { seedAidDemo } from './modules/aid/demo.js';
import { seedMapSheetsDemo, seedPortalDemo } from './modules/portal/demo.js';

/**
 * The store, remembering the keys written through it: bodies are written outside the database, so
 * a demo load that fails must delete them itself when its transaction rolls back.
 */
function recordingStore(store: FileStore): { store: FileStore; written: string[] } {
  const written: string[] = [];
  return {
    written,
    store: {
      async put(body: Readable) {
        const key = await store.put(body);
        written.push(key);
        return key;
      },
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
    },
  };
}

/**
 * Loads the demo data set into an empty database (no account yet), in one transaction: the demo
 * accounts, the demo registry and childcare services, the demo login CPE0001 as RSE of an enrolled
 * enterprise, one file in each agents' queue (the deferred enrolment's documents go to `files`),
 * CPE Soleil's MES requests in every state, and the access registry of the financial-aid program
 * (Saint-Raymond, an organism, a firm: logins MUN000n, ORG0001, FIR000n) with Saint-Raymond's aid requests.
 */
export async function loadDemoDataIfEmpty(db: Db, config: Config, files: FileStore): Promise<DemoLogin[] | null> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from account`);
  if ((row?.n ?? 0) > 0) return null;
  const ctx = systemCtx('demo-data');
  const settings = { secret: config.secret, publicUrl: config.publicUrl, failureDelayMs: config.AUTH_FAILURE_DELAY_MS };
  const recording = recordingStore(files);
  try {
    return await transaction(db, async (tx) => {
      const logins = await seedIdentityDemo(tx, ctx, settings);
      await seedEnterprisesDemo(tx, ctx, settings);
      await seedChildcareDemo(tx);
      // CPE0001 is the RSE of CPE Soleil: enrolled, active in the Famille e-services, one more user
      // with rights; the agents' queues each hold one file.
      const rseCtx = await demoAccountCtx(tx, 'CPE0001');
      const enrolled = await seedEnrolmentsDemo(tx, ctx, settings, rseCtx, { store: recording.store, maxBytes: config.UPLOAD_MAX_BYTES });
      await seedAccessDemo(tx, rseCtx, settings, enrolled.activeEnterpriseId, enrolled.userAccountId);
      const soleil = await enterpriseOf(tx, enrolled.activeEnterpriseId);
      if (!soleil) throw new Error('the demo enterprise is missing');
      await seedMesDemo(tx, { publicUrl: config.publicUrl, fileStore: recording.store }, {
        enterpriseId: soleil.id,
        neq: soleil.neq,
        providerCtx: rseCtx,
        agentCtx: await demoAccountCtx(tx, 'agente@guichet.test'),
      });
      // The access registry of the financial-aid program (Saint-Raymond, an organism, a firm), then
      // Saint-Raymond's aid requests drafted by the firm's mandatary and transmitted by MUN0003.
      const registry = await seedRegistryDemo(tx, ctx, settings);
      await seedAidDemo(tx, { publicUrl: config.publicUrl, fileStore: recording.store }, {
        organizationId: registry.municipality.organizationId,
        requesterCtx: registry.ctx.requesterWrite,
        mandataryCtx: registry.ctx.mandataryWrite,
        agentCtx: await demoAccountCtx(tx, 'agente@guichet.test'),
      });
      await seedPortalDemo(tx, rseCtx, soleil.neq, await demoAccountCtx(tx, 'parent@guichet.test'), { publicUrl: config.publicUrl });
      await seedMapSheetsDemo(tx);
      return logins;
    });
  } catch (error) {
    for (const key of recording.written) await files.delete(key);
    throw error;
  }
}
