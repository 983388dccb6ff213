import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.js';
import { childcareService } from './schema.js';

export type ChildcareService = typeof childcareService.$inferSelect;
export type ChildcareServiceKind = ChildcareService['kind'];

/** Permit numbers are compared without spaces or dashes, in capitals. */
export function normalizePermitNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** The childcare service holding this permit or recognition number, if any. */
export async function findServiceByPermit(db: Db, number: string): Promise<ChildcareService | undefined> {
  const [row] = await db.select().from(childcareService).where(eq(childcareService.permitNumber, normalizePermitNumber(number)));
  return row;
}

export type NewChildcareService = { permitNumber: string; kind: ChildcareServiceKind; name: string; enterpriseNeq: string };

/** Inserts or updates a service by its permit number (demo data and tests; the issue 5 module adds its own pages). */
export async function upsertChildcareService(tx: Db, input: NewChildcareService): Promise<ChildcareService> {
  const values = { ...input, permitNumber: normalizePermitNumber(input.permitNumber) };
  const [row] = await tx
    .insert(childcareService)
    .values(values)
    .onConflictDoUpdate({ target: childcareService.permitNumber, set: { kind: values.kind, name: values.name, enterpriseNeq: values.enterpriseNeq, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error('upsert returned nothing');
  return row;
}
