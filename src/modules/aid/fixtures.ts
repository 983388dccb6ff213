import { Readable } from 'node:stream';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { titledPdf } from '../mes/fixtures.js';
import { addDocument, sign, type EngineSettings } from '../requests/service.js';
import { aidProgram } from './program.js';
import { saveAidStep, transmitAidRequest, type FieldSave } from './service.js';

/**
 * Helpers that fill an aid request the way an organization does, through the services: the demo
 * data and the tests build their requests with them.
 */

/** A complete project, costs of 250 000 $ in two rows and a financing of the same total in three. */
export function sampleAidSaves(): FieldSave[] {
  const values: [string, number, string][] = [
    ['project.title', 0, 'Réfection de la toiture de l’hôtel de ville'],
    ['project.description', 0, 'Remplacement de la membrane et isolation de la toiture de l’hôtel de ville, construit en 1962.'],
    ['project.address', 0, '1, rue Principale, Saint-Essai'],
    ['project.startDate', 0, '2027-05-03'],
    ['project.endDate', 0, '2027-09-30'],
    ['costs.description', 0, 'Travaux de toiture'],
    ['costs.amount', 0, '230000'],
    ['costs.description', 1, 'Honoraires professionnels'],
    ['costs.amount', 1, '20000'],
    ['financing.source', 0, 'municipal'],
    ['financing.amount', 0, '85000'],
    ['financing.source', 1, 'requested'],
    ['financing.amount', 1, '150000'],
    ['financing.source', 2, 'other'],
    ['financing.amount', 2, '15000'],
  ];
  return values.map(([fieldId, row, value]) => ({ fieldId, row, value, expectedVersion: 0 }));
}

/** Saves the sample values (on a new request: every version is 0); throws if one is refused. */
export async function fillAidRequest(db: Db, ctx: Ctx, requestId: string, saves: FieldSave[] = sampleAidSaves()): Promise<void> {
  const result = await saveAidStep(db, ctx, requestId, saves);
  if (Object.keys(result.errors).length > 0) throw new Error(`aid values refused: ${JSON.stringify(result.errors)}`);
}

/** The two required documents: the council's resolution and the detailed cost estimate. */
export async function attachAidDocuments(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string): Promise<void> {
  await addDocument(db, ctx, settings, aidProgram, requestId, 'council_resolution', Readable.from(await titledPdf('Résolution du conseil')), 'resolution-conseil.pdf');
  await addDocument(db, ctx, settings, aidProgram, requestId, 'cost_estimate', Readable.from(await titledPdf('Estimation détaillée des coûts')), 'estimation-couts.pdf');
}

/** The organization's Requérant – Rédaction signs and transmits: Brouillon or Commentaires → Transmis. */
export async function signAndTransmitAid(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string): Promise<void> {
  await sign(db, ctx, aidProgram, requestId, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale', attested: true });
  await transmitAidRequest(db, ctx, settings, requestId);
}
