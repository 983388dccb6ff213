import { randomUUID } from 'node:crypto';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { transaction, type Db } from '../src/platform/db/index.js';
import { TestClient } from '../src/platform/testing/app.js';
import { createTestAccount, signInAs } from '../src/platform/testing/accounts.js';
import { saveRights, transmitEnrolment } from '../src/modules/access/service.js';
import { referenceYearOf, todayInQuebec } from '../src/modules/childcare/dates.js';
import { childAttendance, installation } from '../src/modules/childcare/schema.js';
import { createTestEnterprise, ctxOf } from '../src/modules/enterprises/members-test-support.js';
import { insertChildcareBenchData, insertInBatches, type BenchChild } from './childcare-data.js';
import type { BenchApp } from './lib.js';

/**
 * MES at the scale: 100,000 children (bench/childcare-data.ts) and 10,000 requests, of
 * which the measured enterprise holds 4,000 in every state and four other enterprises the rest.
 * Requests are bulk-inserted with the engine's columns (numbers per directorate, states, dates);
 * the pages and the autosave then go through the whole app. The enterprise's director (MES rights
 * enter and sign) and an agent of directorate 11 are signed in.
 */
export type MesBenchFixture = {
  providerCookie: string;
  providerCsrf: string;
  agentCookie: string;
  /** A child of the enterprise, for the search by name. */
  searched: BenchChild;
  /** Drafts of the enterprise: each autosave writes a field of a different one (version 0). */
  draftIds: string[];
  requests: number;
  children: number;
};

type State = 'draft' | 'submitted' | 'commented' | 'compliant' | 'closed';
/** The enterprise's 4,000 requests by state; the other 6,000 are spread the same way. */
const shares: [State, number][] = [
  ['draft', 0.3],
  ['submitted', 0.3],
  ['commented', 0.1],
  ['compliant', 0.2],
  ['closed', 0.1],
];

function stateOf(n: number, total: number): State {
  let bound = 0;
  for (const [state, share] of shares) {
    bound += share * total;
    if (n < bound) return state;
  }
  return 'closed';
}

/** (child, site, directorate) of children attending these sites, or every other site. */
async function placements(db: Db, siteIds: string[], ours: boolean, limit: number) {
  return db
    .select({ childId: childAttendance.childId, installationId: childAttendance.installationId, directorateCode: installation.directorateCode })
    .from(childAttendance)
    .innerJoin(installation, eq(installation.id, childAttendance.installationId))
    .where(ours ? inArray(childAttendance.installationId, siteIds) : and(...siteIds.map((id) => ne(childAttendance.installationId, id))))
    .limit(limit);
}

async function insertRequests(db: Db, groups: { enterpriseId: string; createdBy: string; rows: Awaited<ReturnType<typeof placements>> }[]): Promise<{ draftIdsOf: Map<string, string[]>; total: number }> {
  const year = referenceYearOf(todayInQuebec());
  const sequence = new Map<string, number>();
  const requests: Record<string, unknown>[] = [];
  const mes: Record<string, unknown>[] = [];
  const draftIdsOf = new Map<string, string[]>();
  const start = Date.now() - 200 * 86_400_000;
  for (const group of groups) {
    const drafts: string[] = [];
    group.rows.forEach((p, n) => {
      const id = randomUUID();
      const state = stateOf(n, group.rows.length);
      const seq = (sequence.get(p.directorateCode) ?? 0) + 1;
      sequence.set(p.directorateCode, seq);
      const created = new Date(start + (requests.length % 10_000) * 1_700_000).toISOString();
      const submitted = state === 'draft' ? null : new Date(Date.parse(created) + 86_400_000).toISOString();
      requests.push({
        id,
        program: 'mes',
        revision: 1,
        number: `${year}-${p.directorateCode}-${String(seq).padStart(3, '0')}`,
        enterprise_id: group.enterpriseId,
        directorate_code: p.directorateCode,
        state,
        creation_key: randomUUID(),
        created_by: group.createdBy,
        changed_at: submitted ?? created,
        first_submitted_at: submitted,
        last_submitted_at: submitted,
        round: state === 'draft' ? 0 : 1,
        created_at: created,
        updated_at: submitted ?? created,
      });
      mes.push({ request_id: id, child_id: p.childId, installation_id: p.installationId, type: 'new', reference_year: year });
      if (state === 'draft') drafts.push(id);
    });
    draftIdsOf.set(group.enterpriseId, drafts);
  }
  await transaction(db, async (tx) => {
    await insertInBatches(tx, 'request', requests, 2000);
    await insertInBatches(tx, 'mes_request', mes, 2000);
    for (const [code, last] of sequence) {
      await tx.execute(sql`insert into request_sequence (year, directorate_code, last_value) values (${year}, ${code}, ${last})`);
    }
    await tx.execute(sql`analyze request, mes_request`);
  });
  return { draftIdsOf, total: requests.length };
}

async function signedInCookie(bench: BenchApp, who: Parameters<typeof signInAs>[1]): Promise<{ cookie: string; client: TestClient }> {
  const client = new TestClient(bench.app);
  await signInAs(client, who);
  return { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), client };
}

export async function mesFixture(bench: BenchApp, options: { children: number; requests: number }): Promise<MesBenchFixture> {
  const ours = await createTestEnterprise(bench.db);
  const childcare = await insertChildcareBenchData(bench.db, { enterpriseNeq: ours.neq, children: options.children });
  await transmitEnrolment(bench.db, ctxOf(ours.rse), { publicUrl: bench.config.publicUrl }, ours.enterpriseId, { ministry: 'famille', ministryNumber: childcare.permitNumber, otherInformation: null });
  await saveRights(bench.db, ctxOf(ours.rse), ours.enterpriseId, new Map([[ours.rse.account.id, [{ eservice: 'mes', right: 'enter' }, { eservice: 'mes', right: 'sign' }]]]), 'mes');
  const others = await Promise.all([1, 2, 3, 4].map(() => createTestEnterprise(bench.db)));

  const ourShare = Math.round(options.requests * 0.4);
  const ourRows = await placements(bench.db, childcare.siteIds, true, ourShare);
  const otherRows = await placements(bench.db, childcare.siteIds, false, options.requests - ourRows.length);
  const perOther = Math.ceil(otherRows.length / others.length);
  const { draftIdsOf, total } = await insertRequests(bench.db, [
    { enterpriseId: ours.enterpriseId, createdBy: ours.rse.account.id, rows: ourRows },
    ...others.map((e, i) => ({ enterpriseId: e.enterpriseId, createdBy: e.rse.account.id, rows: otherRows.slice(i * perOther, (i + 1) * perOther) })),
  ]);

  const provider = await signedInCookie(bench, ours.rse);
  await provider.client.get('/entreprise/mes/creer');
  const agent = await signedInCookie(bench, await createTestAccount(bench.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] }));
  const searched = childcare.enterpriseChildren[0];
  if (!searched) throw new Error('the bench enterprise has no child');
  return {
    providerCookie: provider.cookie,
    providerCsrf: provider.client.csrf(),
    agentCookie: agent.cookie,
    searched,
    draftIds: draftIdsOf.get(ours.enterpriseId) ?? [],
    requests: total,
    children: childcare.counts.children,
  };
}
