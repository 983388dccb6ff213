import { randomUUID } from 'node:crypto';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { setCommentCorrected, type EngineSettings } from '../requests/service.js';
import type { AidProgram } from './definition.js';
import { attachAidDocuments, fillAidRequest, sampleSavesOf, signAndTransmitAid } from './fixtures.js';
import { prabamProgram, primeauProgram } from './programs/index.js';
import { commentAidRequest, createAidRequest, markAidCompliant } from './service.js';

/**
 * Aid requests of one organization in several states, so that each page has something to show.
 * PRABAM: a draft started by the mandatary (project only), one transmitted, one in comments (on
 * the cost estimate) and one compliant (commented, corrected, transmitted again, then found
 * compliant). PRIMEAU: a draft and a transmitted request of the organization's own requester.
 * The registry demo calls it once the organization, its Requérant – Rédaction and the mandated
 * firm's Mandataire – Rédaction exist.
 */
export type AidDemoActors = { organizationId: string; requesterCtx: Ctx; mandataryCtx: Ctx; agentCtx: Ctx };

async function newRequest(db: Db, ctx: Ctx, program: AidProgram, organizationId: string): Promise<string> {
  const { requestId } = await createAidRequest(db, ctx, program, { organizationId, creationKey: randomUUID() });
  return requestId;
}

async function seedPrabam(db: Db, settings: EngineSettings, actors: AidDemoActors): Promise<void> {
  const { organizationId, requesterCtx, mandataryCtx, agentCtx } = actors;
  const program = prabamProgram;
  const draft = await newRequest(db, mandataryCtx, program, organizationId);
  await fillAidRequest(db, mandataryCtx, program, draft, sampleSavesOf(program).filter((s) => s.fieldId.startsWith('project.')));

  // The mandatary drafts the others too; the organization's requester signs and transmits them.
  const states = ['submitted', 'commented', 'compliant'] as const;
  for (const state of states) {
    const id = await newRequest(db, mandataryCtx, program, organizationId);
    await fillAidRequest(db, mandataryCtx, program, id);
    await attachAidDocuments(db, mandataryCtx, settings, program, id);
    await signAndTransmitAid(db, requesterCtx, settings, program, id);
    if (state === 'submitted') continue;
    const comment = await commentAidRequest(db, agentCtx, settings, program, id, {
      target: 'document',
      targetId: 'cost_estimate',
      body: 'L’estimation doit être signée par l’ingénieur ou l’architecte qui l’a préparée : joignez la version signée.',
    });
    if (state === 'commented') continue;
    await setCommentCorrected(db, mandataryCtx, program, id, comment.id, true);
    await signAndTransmitAid(db, requesterCtx, settings, program, id);
    await markAidCompliant(db, agentCtx, settings, program, id);
  }
}

async function seedPrimeau(db: Db, settings: EngineSettings, actors: AidDemoActors): Promise<void> {
  const { organizationId, requesterCtx } = actors;
  const program = primeauProgram;
  const draft = await newRequest(db, requesterCtx, program, organizationId);
  await fillAidRequest(db, requesterCtx, program, draft, sampleSavesOf(program).filter((s) => s.fieldId.startsWith('works.')));
  const transmitted = await newRequest(db, requesterCtx, program, organizationId);
  await fillAidRequest(db, requesterCtx, program, transmitted);
  await attachAidDocuments(db, requesterCtx, settings, program, transmitted);
  await signAndTransmitAid(db, requesterCtx, settings, program, transmitted);
}

export async function seedAidDemo(db: Db, settings: EngineSettings, actors: AidDemoActors): Promise<void> {
  await seedPrabam(db, settings, actors);
  await seedPrimeau(db, settings, actors);
}
