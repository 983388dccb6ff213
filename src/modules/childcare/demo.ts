import type { Db } from '../../platform/db/index.js';
import { upsertChildcareService, type NewChildcareService } from './service.js';

/**
 * Demo childcare services, held by demo enterprises of the registry (NEQ 33700000NN): their
 * permit numbers let the RSE's enrolment into the Famille e-services be accepted at once.
 */
export const demoChildcareServices: readonly NewChildcareService[] = [
  { permitNumber: 'GAR-1001', kind: 'subsidized_daycare', name: 'Garderie Les Petits Explorateurs', enterpriseNeq: '3370000001' },
  { permitNumber: 'GAR-1002', kind: 'daycare', name: 'Garderie Le Jardin enchanté', enterpriseNeq: '3370000002' },
  { permitNumber: 'GAR-1003', kind: 'daycare', name: 'Garderie Trois Pommes', enterpriseNeq: '3370000003' },
  { permitNumber: 'CPE-2001', kind: 'cpe', name: 'Centre de la petite enfance Soleil', enterpriseNeq: '3370000009' },
  { permitNumber: 'BC-3001', kind: 'coordinating_office', name: 'Bureau coordonnateur Les Moussaillons', enterpriseNeq: '3370000010' },
];

export async function seedChildcareDemo(tx: Db): Promise<void> {
  for (const service of demoChildcareServices) await upsertChildcareService(tx, service);
}
