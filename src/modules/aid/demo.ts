import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { setCommentCorrected, type EngineSettings } from '../requests/service.js';
import { attachAidDocuments, fillAidRequest, sampleAidSaves, signAndTransmitAid } from './fixtures.js';
import { aidProgram } from './program.js';
import { commentAidRequest, createAidRequest, markAidCompliant } from './service.js';

/**
 * Aid requests of one organization in several states, so that each page has something to show:
 * a draft started by the mandatary (project only), one transmitted, one in comments (on the cost
 * estimate) and one compliant (commented, corrected, transmitted again, then found compliant).
 * The registry demo calls it once the organization, its Requérant – Rédaction and the mandated
 * firm's Mandataire – Rédaction exist.
 */
export type AidDemoActors = { organizationId: string; requesterCtx: Ctx; mandataryCtx: Ctx; agentCtx: Ctx };

async function newRequest(db: Db, ctx: Ctx, organizationId: string): Promise<string> {
  const { requestId } = await createAidRequest(db, ctx, { organizationId, creationKey: randomUUID() });
  return requestId;
}

export async function seedAidDemo(db: Db, settings: EngineSettings, actors: AidDemoActors): Promise<void> {
  const { organizationId, requesterCtx, mandataryCtx, agentCtx } = actors;

  const draft = await newRequest(db, mandataryCtx, organizationId);
  await fillAidRequest(db, mandataryCtx, draft, sampleAidSaves().filter((s) => s.fieldId.startsWith('project.')));

  // The mandatary drafts the others too; the organization's requester signs and transmits them.
  const states = ['submitted', 'commented', 'compliant'] as const;
  for (const state of states) {
    const id = await newRequest(db, mandataryCtx, organizationId);
    await fillAidRequest(db, mandataryCtx, id);
    await attachAidDocuments(db, mandataryCtx, settings, id);
    await signAndTransmitAid(db, requesterCtx, settings, id);
    if (state === 'submitted') continue;
    const comment = await commentAidRequest(db, agentCtx, settings, id, {
      target: 'document',
      targetId: 'cost_estimate',
      body: 'L’estimation doit être signée par l’ingénieur ou l’architecte qui l’a préparée : joignez la version signée.',
    });
    if (state === 'commented') continue;
    await setCommentCorrected(db, mandataryCtx, aidProgram, id, comment.id, true);
    await signAndTransmitAid(db, requesterCtx, settings, id);
    await markAidCompliant(db, agentCtx, settings, id);
  }
}
