import { Readable } from 'node:stream';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { translate } from '../../platform/i18n/index.js';
import { titledPdf } from '../mes/fixtures.js';
import { isRequired } from '../requests/index.js';
import { addDocument, sign, type EngineSettings } from '../requests/index.js';
import type { AidProgram } from './definition.js';
import { prabamProgram, primeauProgram } from './programs/index.js';
import { aidFacts, saveAidStep, transmitAidRequest, type FieldSave } from './service.js';

/**
 * Helpers that fill an aid request the way an organization does, through the services: the demo
 * data and the tests build their requests with them.
 */

function saves(values: [string, number, string][]): FieldSave[] {
  return values.map(([fieldId, row, value]) => ({ fieldId, row, value, expectedVersion: 0 }));
}

/** A complete PRABAM project, costs of 250 000 $ in two rows and a financing of the same total in three. */
export function sampleAidSaves(): FieldSave[] {
  return saves([
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
  ]);
}

/** A complete PRIMEAU request: a new treatment station, 1,2 M$ of works financed to the dollar. */
export function samplePrimeauSaves(): FieldSave[] {
  return saves([
    ['works.title', 0, 'Mise aux normes du poste de traitement de l’eau potable'],
    ['works.kind', 0, 'treatment'],
    ['works.population', 0, '4200'],
    ['works.description', 0, 'Ajout d’une filtration membranaire et d’une désinfection aux ultraviolets ; l’avis d’ébullition préventif de 2025 sera levé.'],
    ['works.startDate', 0, '2027-06-01'],
    ['works.endDate', 0, '2028-03-31'],
    ['items.description', 0, 'Travaux de construction'],
    ['items.amount', 0, '1050000'],
    ['items.description', 1, 'Services professionnels d’ingénierie'],
    ['items.amount', 1, '150000'],
    ['funding.source', 0, 'requested'],
    ['funding.amount', 0, '900000'],
    ['funding.source', 1, 'municipal'],
    ['funding.amount', 1, '300000'],
  ]);
}

export function sampleSavesOf(program: AidProgram): FieldSave[] {
  return program.id === primeauProgram.id ? samplePrimeauSaves() : program.id === prabamProgram.id ? sampleAidSaves() : [];
}

/** Saves the values (on a new request: every version is 0); throws if one is refused. */
export async function fillAidRequest(db: Db, ctx: Ctx, program: AidProgram, requestId: string, values: FieldSave[] = sampleSavesOf(program)): Promise<void> {
  const result = await saveAidStep(db, ctx, program, requestId, values);
  if (Object.keys(result.errors).length > 0) throw new Error(`aid values refused: ${JSON.stringify(result.errors)}`);
}

/** Every required document of the program, a small PDF titled with its type's French label. */
export async function attachAidDocuments(db: Db, ctx: Ctx, settings: EngineSettings, program: AidProgram, requestId: string): Promise<void> {
  for (const type of program.documentTypes.filter((d) => isRequired(d.required, aidFacts))) {
    await addDocument(db, ctx, settings, program, requestId, type.id, Readable.from(await titledPdf(translate('fr', type.label))), `${type.id.replaceAll('_', '-')}.pdf`);
  }
}

/** The organization's Requérant – Rédaction signs and transmits: Brouillon or Commentaires → Transmis. */
export async function signAndTransmitAid(db: Db, ctx: Ctx, settings: EngineSettings, program: AidProgram, requestId: string): Promise<void> {
  await sign(db, ctx, program, requestId, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale', attested: true });
  await transmitAidRequest(db, ctx, settings, program, requestId);
}
