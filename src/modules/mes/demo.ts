import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { findChildrenForEnterprise, referenceYearOf, todayInQuebec } from '../childcare/service.js';
import { setCommentCorrected, type EngineSettings } from '../requests/service.js';
import { attachRequiredDocuments, fillSupportForm, sampleSupportValues, signAndTransmit } from './fixtures.js';
import { mesProgram } from './program.js';
import { commentOnRequest, markMesCompliant } from './review.js';
import { createMesRequest, declareDeparture } from './service.js';

/**
 * MES requests of CPE Soleil in every state, so that each list has something to show:
 * at Limoilou (directorate 11, the demo agent's) one transmitted, one in comments, one compliant
 * and one closed; at Rosemont (directorate 12) one transmitted (seen by the Montréal agent only)
 * and two drafts. The children of the other scenarios (new request, renewal, transfer…) are left
 * without a request for a visitor to try.
 */
type DemoState = 'draft' | 'submitted' | 'commented' | 'compliant' | 'closed';

/** Crowd children of the childcare demo (by NIREC) and the state their request reaches. */
const demoRequests: readonly { nirec: string; state: DemoState }[] = [
  { nirec: '2000000106', state: 'submitted' },
  { nirec: '2000000113', state: 'commented' },
  { nirec: '2000000118', state: 'compliant' },
  { nirec: '2000000128', state: 'closed' },
  { nirec: '2000000112', state: 'submitted' },
  { nirec: '2000000117', state: 'draft' },
  { nirec: '2000000122', state: 'draft' },
];

export type MesDemoActors = { enterpriseId: string; neq: string; providerCtx: Ctx; agentCtx: Ctx };

async function demoRequest(tx: Db, settings: EngineSettings, actors: MesDemoActors, nirec: string, state: DemoState): Promise<void> {
  const [found] = await findChildrenForEnterprise(tx, actors.neq, { nirec });
  const site = found?.sites[0];
  if (!found || !site) throw new Error(`demo child ${nirec} does not attend CPE Soleil`);
  const { providerCtx, agentCtx } = actors;
  const { requestId } = await createMesRequest(tx, providerCtx, actors.enterpriseId, { childId: found.child.id, installationId: site.id, type: 'new', creationKey: randomUUID() });
  const year = referenceYearOf(todayInQuebec());
  const values = sampleSupportValues(year);
  await fillSupportForm(tx, providerCtx, requestId, state === 'draft' ? { 'support.hoursPerDay': values['support.hoursPerDay'] ?? '4' } : values, false);
  if (state === 'draft') return;
  await attachRequiredDocuments(tx, providerCtx, settings, requestId);
  await signAndTransmit(tx, providerCtx, settings, requestId);
  if (state === 'submitted') return;
  const comment = await commentOnRequest(tx, agentCtx, settings, requestId, { target: 'field', targetId: 'support.plannedDays', body: 'Le nombre de jours dépasse la fréquentation inscrite au dossier de l’enfant : vérifiez-le.' });
  if (state === 'commented') return;
  await setCommentCorrected(tx, providerCtx, mesProgram, requestId, comment.id, true);
  await signAndTransmit(tx, providerCtx, settings, requestId);
  await markMesCompliant(tx, agentCtx, settings, requestId);
  if (state === 'compliant') return;
  await declareDeparture(tx, providerCtx, settings, requestId, todayInQuebec());
}

export async function seedMesDemo(tx: Db, settings: EngineSettings, actors: MesDemoActors): Promise<void> {
  for (const { nirec, state } of demoRequests) await demoRequest(tx, settings, actors, nirec, state);
}
