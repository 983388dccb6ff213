import { eq } from 'drizzle-orm';
import { hmacHex, safeEqual } from '../../platform/crypto.js';
import type { Db } from '../../platform/db/index.js';
import { normalizeIdentifier } from './identifiers.js';
import type { LegalType, OfficerFunction } from './rules.js';
import { registryEnterprise, registryOfficer } from './schema.js';

/**
 * The enterprise registry, behind the interface the enrolment uses. In reality it is Revenu Québec
 * and the Registraire des entreprises; here it is the local implementation on our own tables,
 * loaded by `npm run registry:import` and the demo data.
 */
export type RegistryEnterprise = typeof registryEnterprise.$inferSelect;
export type RegistryOfficer = typeof registryOfficer.$inferSelect;
export type RegistrySecret = 'sin' | 'impotnetCode' | 'assessmentNumber';

export type EnterpriseRegistry = {
  findByRqId(db: Db, rqId: string): Promise<RegistryEnterprise | undefined>;
  findById(db: Db, id: string): Promise<RegistryEnterprise | undefined>;
  officersOf(db: Db, enterpriseId: string): Promise<RegistryOfficer[]>;
  /** Compares in constant time against the stored HMAC; false when none is stored. */
  matchesSecret(enterprise: RegistryEnterprise, kind: RegistrySecret, value: string): boolean;
};

export function secretHash(secret: string, kind: RegistrySecret, value: string): string {
  return hmacHex(secret, `registry-${kind}`, normalizeIdentifier(value));
}

const hashColumn = { sin: 'ownerSinHash', impotnetCode: 'impotnetCodeHash', assessmentNumber: 'assessmentNumberHash' } as const;

export function localRegistry(secret: string): EnterpriseRegistry {
  return {
    async findByRqId(db, rqId) {
      const [row] = await db.select().from(registryEnterprise).where(eq(registryEnterprise.rqId, rqId));
      return row;
    },
    async findById(db, id) {
      const [row] = await db.select().from(registryEnterprise).where(eq(registryEnterprise.id, id));
      return row;
    },
    officersOf(db, enterpriseId) {
      return db.select().from(registryOfficer).where(eq(registryOfficer.enterpriseId, enterpriseId));
    },
    matchesSecret(enterprise, kind, value) {
      const stored = enterprise[hashColumn[kind]];
      return stored !== null && safeEqual(stored, secretHash(secret, kind, value));
    },
  };
}

/** Names compared as a clerk would: case, accents and extra spaces do not matter. */
export function sameName(a: string, b: string): boolean {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return fold(a) === fold(b);
}

type Person = { firstName: string; lastName: string; function: OfficerFunction };

export function findOfficer<O extends Person>(officers: O[], person: Person): O | undefined {
  return officers.find((o) => o.function === person.function && sameName(o.firstName, person.firstName) && sameName(o.lastName, person.lastName));
}

export type RegistryRecord = {
  rqId: string;
  neq: string;
  legalName: string;
  legalType: LegalType;
  addressLine: string;
  municipality: string;
  postalCode: string;
  returnFiled: boolean;
  mailingAddressOk: boolean;
  fileInGoodStanding: boolean;
  officersUpToDate: boolean;
  assessmentNumber: string | null;
  ownerSin: string | null;
  impotnetCode: string | null;
  officers: { firstName: string; lastName: string; function: OfficerFunction }[];
};

/** Loads or updates one enterprise (by RQ ID) and replaces its officers. */
export async function upsertRegistryRecord(tx: Db, secret: string, record: RegistryRecord): Promise<string> {
  const values = {
    rqId: record.rqId,
    neq: record.neq,
    legalName: record.legalName,
    legalType: record.legalType,
    addressLine: record.addressLine,
    municipality: record.municipality,
    postalCode: record.postalCode,
    returnFiled: record.returnFiled,
    mailingAddressOk: record.mailingAddressOk,
    fileInGoodStanding: record.fileInGoodStanding,
    officersUpToDate: record.officersUpToDate,
    assessmentNumberHash: record.assessmentNumber ? secretHash(secret, 'assessmentNumber', record.assessmentNumber) : null,
    ownerSinHash: record.ownerSin ? secretHash(secret, 'sin', record.ownerSin) : null,
    impotnetCodeHash: record.impotnetCode ? secretHash(secret, 'impotnetCode', record.impotnetCode) : null,
  };
  const [row] = await tx
    .insert(registryEnterprise)
    .values(values)
    .onConflictDoUpdate({ target: registryEnterprise.rqId, set: { ...values, updatedAt: new Date() } })
    .returning({ id: registryEnterprise.id });
  if (!row) throw new Error('upsert returned nothing');
  // Officers are replaced only when they changed: invitation numbers point at them.
  const current = await tx.select().from(registryOfficer).where(eq(registryOfficer.enterpriseId, row.id));
  for (const officer of current) {
    if (!findOfficer(record.officers, officer)) await tx.delete(registryOfficer).where(eq(registryOfficer.id, officer.id));
  }
  for (const officer of record.officers) {
    if (!findOfficer(current, officer)) await tx.insert(registryOfficer).values({ enterpriseId: row.id, ...officer });
  }
  return row.id;
}
