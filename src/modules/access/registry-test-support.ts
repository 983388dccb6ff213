/**
 * Test helpers for the financial-aid registry: enterprises active in the MAMH e-services (an
 * organization's or a firm's), their people, and registry rows set up directly where a test is not
 * about how they came to be. Shared by the access and aid tests.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, transaction, type Db } from '../../platform/db/index.js';
import { FieldValidationError, type FieldErrors } from '../../platform/errors.js';
import type { TestAccount } from '../../platform/testing/accounts.js';
import { addTestMember, createTestEnterprise, type TestEnterprise } from '../enterprises/members-test-support.js';
import { eserviceEnrolment, mandataryManager, mandate, organization, organizationFunction, profileGrant, servicePoint, servicePointStaff } from './schema.js';
import type { Profile } from './registry.js';

export const TEST_PROGRAM = 'prabam';

/** The user code of a test enterprise user. */
export function code(who: TestAccount): string {
  return who.account.userCode ?? '';
}

/** The field errors the promise rejects with; a failure when it was not refused that way. */
export async function fieldErrors(promise: Promise<unknown>): Promise<FieldErrors> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FieldValidationError) return error.fields;
    throw error;
  }
  assert.fail('expected field errors');
}

/** An enterprise (sole proprietor, active) whose MAMH e-service enrolment is active, with `members` more users. */
export async function createMamhEnterprise(db: Db, members = 0): Promise<{ enterprise: TestEnterprise; members: TestAccount[] }> {
  const enterprise = await createTestEnterprise(db);
  await db.insert(eserviceEnrolment).values({
    enterpriseId: enterprise.enterpriseId,
    ministry: 'mamh',
    state: 'active',
    ministryNumber: 'MAMH-TEST',
    numberCheck: 'not_checked',
    consentedAt: new Date(),
    transmittedAt: new Date(),
    transmittedBy: enterprise.rse.account.id,
    decidedAt: new Date(),
  });
  const people: TestAccount[] = [];
  for (let i = 0; i < members; i++) people.push(await addTestMember(db, enterprise, `Membre${i}`));
  return { enterprise, members: people };
}

/** A municipality of the gazetteer no other test organization uses: no real geographic code starts with 00, so test codes are 00001–00999. */
export async function testMunicipality(db: Db, name = 'Municipalité d’essai'): Promise<string> {
  for (;;) {
    const code = String(randomInt(1, 1_000)).padStart(5, '0');
    const inserted = await queryRows<{ geographic_code: string }>(
      db,
      sql`insert into municipality (geographic_code, name, region_code, region_name)
          values (${code}, ${`${name} ${code}`}, '15', 'Laurentides') on conflict do nothing returning geographic_code`,
    );
    if (inserted.length > 0) return code;
  }
}

export type TestOrganization = {
  organizationId: string;
  enterprise: TestEnterprise;
  /** The local manager (the enterprise's RSE), named by `agentId`. */
  manager: TestAccount;
  members: TestAccount[];
};

/** A municipality (or organism) with its local manager in place, as after the support desk approved the designation. */
export async function createTestOrganization(
  db: Db,
  agentId: string,
  options: { kind?: 'municipality' | 'organism'; members?: number; program?: string } = {},
): Promise<TestOrganization> {
  const kind = options.kind ?? 'municipality';
  const { enterprise, members } = await createMamhEnterprise(db, options.members ?? 0);
  const geographicCode = kind === 'municipality' ? await testMunicipality(db) : null;
  const organizationId = await transaction(db, async (tx) => {
    const [created] = await tx.insert(organization).values({ kind, geographicCode, enterpriseId: enterprise.enterpriseId }).returning({ id: organization.id });
    if (!created) throw new Error('no organization');
    await tx.insert(organizationFunction).values({
      program: options.program ?? TEST_PROGRAM,
      organizationId: created.id,
      enterpriseId: enterprise.enterpriseId,
      accountId: enterprise.rse.account.id,
      function: 'local_manager',
      namedBy: agentId,
    });
    return created.id;
  });
  return { organizationId, enterprise, manager: enterprise.rse, members };
}

/** The organization applies to another program too: its RSE is the local manager there as well (profiles are per program). */
export async function joinTestProgram(db: Db, org: TestOrganization, agentId: string, program: string): Promise<void> {
  await db.insert(organizationFunction).values({ program, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: org.manager.account.id, function: 'local_manager', namedBy: agentId });
}

export type TestFirm = {
  enterprise: TestEnterprise;
  servicePointId: string;
  /** The service point's mandatary manager (the firm's RSE), named by `agentId`. */
  manager: TestAccount;
  /** Members of the firm attached to the service point for the program. */
  staff: TestAccount[];
};

/** A firm with one service point, its mandatary manager, and `staff` people attached to the point. */
export async function createTestFirm(db: Db, agentId: string, options: { staff?: number; program?: string } = {}): Promise<TestFirm> {
  const program = options.program ?? TEST_PROGRAM;
  const { enterprise, members } = await createMamhEnterprise(db, options.staff ?? 0);
  const servicePointId = await transaction(db, async (tx) => {
    const [point] = await tx
      .insert(servicePoint)
      .values({ enterpriseId: enterprise.enterpriseId, name: `Bureau ${randomInt(1e6)}`, address: '10, rue de l’Essai, Québec (Québec) G1R 4J3' })
      .returning({ id: servicePoint.id });
    if (!point) throw new Error('no service point');
    await tx.insert(mandataryManager).values({ program, servicePointId: point.id, enterpriseId: enterprise.enterpriseId, accountId: enterprise.rse.account.id, namedBy: agentId });
    for (const person of members) {
      await tx.insert(servicePointStaff).values({ program, servicePointId: point.id, enterpriseId: enterprise.enterpriseId, accountId: person.account.id, attachedBy: enterprise.rse.account.id });
    }
    return point.id;
  });
  return { enterprise, servicePointId, manager: enterprise.rse, staff: members };
}

/** A mandate of the organization to the firm's service point, given by the organization's manager. */
export async function mandateFirm(db: Db, org: TestOrganization, firm: TestFirm, validUntil: string | null = null, program = TEST_PROGRAM): Promise<string> {
  const [row] = await db
    .insert(mandate)
    .values({ program, organizationId: org.organizationId, servicePointId: firm.servicePointId, validUntil, grantedBy: org.manager.account.id })
    .returning({ id: mandate.id });
  if (!row) throw new Error('no mandate');
  return row.id;
}

/** A profile granted directly by the organization's manager (the service's checks are tested elsewhere). */
export async function grantTestProfile(db: Db, org: TestOrganization, person: TestAccount, profile: Profile, servicePointId: string | null = null, program = TEST_PROGRAM): Promise<void> {
  await db.insert(profileGrant).values({ program, organizationId: org.organizationId, accountId: person.account.id, profile, servicePointId, grantedBy: org.manager.account.id });
}
