import { randomInt } from 'node:crypto';
import { transaction, type Db } from '../src/platform/db/index.js';
import { TestClient } from '../src/platform/testing/app.js';
import { signInAs } from '../src/platform/testing/accounts.js';
import { upsertChildcareService } from '../src/modules/childcare/service.js';
import { saveRights, transmitEnrolment } from '../src/modules/access/service.js';
import { allRights } from '../src/modules/access/catalogue.js';
import { createTestEnterprise, ctxOf } from '../src/modules/enterprises/members-test-support.js';
import { enterpriseMember } from '../src/modules/enterprises/schema.js';
import { account } from '../src/modules/identity/schema.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
import type { BenchApp } from './lib.js';

/**
 * An enterprise active in the Famille e-services with `users` members (the RSE included), each
 * holding a few rights, and its RSE signed in: returns the cookie header of the RSE's session for
 * GET /entreprise/droits. Users are bulk-inserted (one password hash shared, nobody signs in as them).
 */
export async function rightsMatrixFixture(bench: BenchApp, users: number): Promise<{ cookie: string; members: number }> {
  const db: Db = bench.db;
  const e = await createTestEnterprise(db);
  const permit = `GAR-${randomInt(100_000, 999_999)}`;
  await upsertChildcareService(db, { permitNumber: permit, kind: 'subsidized_daycare', name: `Garderie ${permit}`, enterpriseNeq: e.neq });
  await transmitEnrolment(db, ctxOf(e.rse), { publicUrl: bench.config.publicUrl }, e.enterpriseId, { ministry: 'famille', ministryNumber: permit, otherInformation: null });

  const passwordHash = await hashPassword(`Banc-${randomInt(1e9)}-essai`);
  const ids = await transaction(db, async (tx) => {
    const rows = await tx
      .insert(account)
      .values(
        Array.from({ length: users - 1 }, (_, i) => ({
          kind: 'enterprise' as const,
          userCode: `B${String(i).padStart(3, '0')}${String(randomInt(1000)).padStart(3, '0')}`,
          email: `banc-${i}@garderie.test`,
          displayName: `Utilisatrice ${i}`,
          passwordHash,
        })),
      )
      .returning({ id: account.id });
    await tx.insert(enterpriseMember).values(rows.map((r) => ({ enterpriseId: e.enterpriseId, accountId: r.id, role: 'user' as const })));
    return rows.map((r) => r.id);
  });
  // Each user holds one to three rights, through the service (audited as in real use).
  const desired = new Map(ids.map((id, i) => [id, allRights.slice(0, 1 + (i % 3))]));
  await saveRights(db, ctxOf(e.rse), e.enterpriseId, desired);

  const client = new TestClient(bench.app);
  await signInAs(client, e.rse);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return { cookie, members: ids.length + 1 };
}
