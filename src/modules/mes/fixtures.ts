import { Readable } from 'node:stream';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { addDocument, sign, type EngineSettings } from '../requests/service.js';
import { mesProgram } from './program.js';
import { saveMesField, transmitMesRequest } from './service.js';

/**
 * Helpers that fill a MES request the way a provider does, through the services: the demo data,
 * the tests and the benchmark build their requests with them.
 */

/** A complete « Demande de soutien » for a request of the reference year starting in `year`. */
export function sampleSupportValues(year: number): Record<string, string> {
  return {
    'support.hoursPerDay': '4.5',
    'support.daysPerWeek': '5',
    'support.plannedDays': '200',
    'support.startDate': `${year}-12-01`,
    'needs.description': 'Besoin d’un accompagnement constant lors des transitions et des repas.',
    'support.description': 'Une éducatrice dédiée quatre heures et demie par jour, cinq jours par semaine.',
    'professional.name': 'Dre Julie Roy',
    'professional.title': 'Pédiatre',
    'homeProvider.name': 'Nathalie Gagnon',
    'contact.name': 'Sylvie Fortin',
    'contact.phone': '418 555-0199',
  };
}

/** A one-page PDF with a title: what a provider scans and attaches. */
export async function titledPdf(title: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText(title, { x: 72, y: 700, size: 14, font });
  return Buffer.from(await doc.save());
}

/** Saves every value of the form; the RSG's name only for a bureau coordonnateur, the only one asked it. */
export async function fillSupportForm(db: Db, ctx: Ctx, requestId: string, values: Record<string, string>, coordinatingOffice: boolean): Promise<void> {
  for (const [fieldId, value] of Object.entries(values)) {
    if (fieldId === 'homeProvider.name' && !coordinatingOffice) continue;
    await saveMesField(db, ctx, requestId, { fieldId, value, expectedVersion: 0 });
  }
}

/** The two documents every request needs: the integration plan and the signatures page. */
export async function attachRequiredDocuments(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string): Promise<void> {
  await addDocument(db, ctx, settings, mesProgram, requestId, 'integration_plan', Readable.from(await titledPdf('Plan d’intégration')), 'plan-integration.pdf');
  await addDocument(db, ctx, settings, mesProgram, requestId, 'signatures', Readable.from(await titledPdf('Signatures MES')), 'signatures-mes.pdf');
}

/** The director signs electronically and transmits: Brouillon or Commentaires → Transmis. */
export async function signAndTransmit(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string): Promise<void> {
  await sign(db, ctx, mesProgram, requestId, { firstName: 'Sylvie', lastName: 'Fortin', function: 'Directrice générale', attested: true });
  await transmitMesRequest(db, ctx, settings, requestId);
}
