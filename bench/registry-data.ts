import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, transaction, type Db } from '../src/platform/db/index.js';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { createTestEnterprise } from '../src/modules/enterprises/members-test-support.js';
import { insertInBatches } from './childcare-data.js';

/**
 * The financial-aid registry at the issue's scale (seed 004): 1,100 municipalities (real ones, from
 * the gazetteer the migrations load), 5,000 organisms and 2,000 firms, each its own enterprise
 * active in the MAMH e-services with a local manager (or, for a firm, a service point and its
 * mandatary manager), and 100,000 profile grants, some of them ended (history). Rows go in
 * batched INSERTs in one transaction, through every trigger of migration registry_constraints.
 *
 * One municipality, Québec (23027), is large: 1,000 members with Requérant profiles, 200 firms'
 * service points mandated with Mandataire profiles for their 1,000 attached staff, and 500 ended
 * grants. Its local manager (an enterprise RSE who can sign in) is returned for the register page.
 * Every other organization has 8 members with Requérant profiles, mandates 2 service points and
 * gives Mandataire profiles to 4 people of each. 5 % of the mandates are then revoked, so some
 * grants no longer give access. Call it once per database (identifiers are fixed: user codes
 * Zxxxxxx, RQ IDs 00xxxxxxxx, NEQs 01xxxxxxxx).
 */

export const BENCH_PROGRAM = 'prabam';
export const LARGE_MUNICIPALITY = '23027';

export type RegistryBenchOptions = {
  municipalities?: number;
  organisms?: number;
  firms?: number;
  grants?: number;
  batchSize?: number;
};

export type BenchGrant = { accountId: string; organizationId: string };

export type RegistryBenchData = {
  /** Québec's local manager, signed-in-able (password and TOTP known). */
  largeManager: TestAccount;
  largeOrganizationId: string;
  /** Current and ended grants of Québec. */
  largeGrants: { current: number; ended: number };
  /** Every grant inserted (current and ended), for the effective-access sample. */
  grants: BenchGrant[];
  counts: { municipalities: number; organisms: number; firms: number; grants: number; accounts: number; mandates: number; revokedMandates: number };
};

const STAFF_PER_POINT = 5;
const MEMBERS_PER_ORGANIZATION = 8;
const MANDATES_PER_ORGANIZATION = 2;
const MANDATARIES_PER_MANDATE = 4;
const LARGE_MEMBERS = 1_000;
const LARGE_MANDATED_POINTS = 200;
const LARGE_ENDED = 500;

const digits = (value: number, length: number): string => String(value).padStart(length, '0');

/** Deterministic pseudo-random numbers (the same data set on every run). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

const lastNames = ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné', 'Ouellet', 'Pelletier', 'Bélanger', 'Lévesque', 'Bergeron', 'Leblanc', 'Paquette', 'Girard', 'Simard', 'Boucher'];
const firstNames = ['Marie', 'Jean', 'Sophie', 'Luc', 'Julie', 'Marc', 'Isabelle', 'François', 'Nathalie', 'Éric', 'Annie', 'Martin', 'Catherine', 'Pierre', 'Mélanie', 'Simon'];

type Row = Record<string, unknown>;

class Rows {
  readonly accounts: Row[] = [];
  readonly enterprises: Row[] = [];
  readonly members: Row[] = [];
  readonly enrolments: Row[] = [];
  private serial = 0;

  /** An enterprise account that never signs in (no usable password, no MFA). */
  account(): string {
    const n = this.accounts.length;
    const id = randomUUID();
    this.accounts.push({
      id,
      kind: 'enterprise',
      user_code: `Z${n.toString(36).toUpperCase().padStart(6, '0')}`,
      display_name: `${firstNames[n % firstNames.length]} ${lastNames[Math.floor(n / firstNames.length) % lastNames.length]} ${n}`,
      language: 'fr',
      password_hash: 'bench: no sign-in',
    });
    return id;
  }

  /** A registry enterprise with its RSE, active in the MAMH e-services. */
  enterprise(legalName: string, legalType: 'corporation' | 'nonprofit', rseId: string, transmittedAt: string): string {
    const n = this.serial++;
    const id = randomUUID();
    this.enterprises.push({
      id,
      rq_id: `00${digits(n, 8)}`,
      neq: `01${digits(n, 8)}`,
      legal_name: legalName,
      legal_type: legalType,
      address_line: `${n + 1}, rue Principale`,
      municipality: 'Québec',
      postal_code: 'G1R 2B5',
      return_filed: true,
      mailing_address_ok: true,
      file_in_good_standing: true,
      officers_up_to_date: true,
    });
    this.members.push({ enterprise_id: id, account_id: rseId, role: 'rse' });
    this.mamh(id, rseId, transmittedAt);
    return id;
  }

  mamh(enterpriseId: string, transmittedBy: string, at: string): void {
    this.enrolments.push({
      enterprise_id: enterpriseId,
      ministry: 'mamh',
      state: 'active',
      ministry_number: `MAMH${digits(this.enrolments.length, 6)}`,
      number_check: 'not_checked',
      consented_at: at,
      transmitted_at: at,
      transmitted_by: transmittedBy,
      decided_at: at,
    });
  }

  member(enterpriseId: string): string {
    const id = this.account();
    this.members.push({ enterprise_id: enterpriseId, account_id: id, role: 'user' });
    return id;
  }
}

type Organization = { id: string; enterpriseId: string; managerId: string; memberIds: string[] };
type Point = { id: string; enterpriseId: string; staffIds: string[] };

export async function insertRegistryBenchData(db: Db, agentId: string, options: RegistryBenchOptions = {}): Promise<RegistryBenchData> {
  const wanted = { municipalities: options.municipalities ?? 1_100, organisms: options.organisms ?? 5_000, firms: options.firms ?? 2_000, grants: options.grants ?? 100_000 };
  const batchSize = options.batchSize ?? 2_000;
  const random = generator(2026);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const day = 86_400_000;
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();

  // Québec: an enterprise enrolled through the service, its RSE able to sign in.
  const large = await createTestEnterprise(db);
  const codes = await queryRows<{ geographic_code: string }>(
    db,
    sql`select geographic_code from municipality where geographic_code <> ${LARGE_MUNICIPALITY} and geographic_code ~ '^[0-9]{5}$'
        order by geographic_code limit ${wanted.municipalities - 1}`,
  );
  if (codes.length < wanted.municipalities - 1) throw new Error(`the gazetteer has ${codes.length + 1} municipalities, ${wanted.municipalities} wanted`);

  const rows = new Rows();
  rows.mamh(large.enterpriseId, large.rse.account.id, at(400));
  const organizations: Row[] = [];
  const functions: Row[] = [];
  const orgs: Organization[] = [];
  const newOrganization = (kind: 'municipality' | 'organism', geographicCode: string | null, enterpriseId: string, managerId: string, members: number): Organization => {
    const id = randomUUID();
    organizations.push({ id, kind, geographic_code: geographicCode, enterprise_id: enterpriseId });
    functions.push({ program: BENCH_PROGRAM, organization_id: id, enterprise_id: enterpriseId, account_id: managerId, function: 'local_manager', named_by: agentId });
    const memberIds = Array.from({ length: members }, () => rows.member(enterpriseId));
    const deputy = memberIds[0];
    if (deputy) functions.push({ program: BENCH_PROGRAM, organization_id: id, enterprise_id: enterpriseId, account_id: deputy, function: 'deputy', named_by: managerId });
    return { id, enterpriseId, managerId, memberIds };
  };

  const largeOrg = newOrganization('municipality', LARGE_MUNICIPALITY, large.enterpriseId, large.rse.account.id, LARGE_MEMBERS);
  for (const { geographic_code: code } of codes) {
    const rse = rows.account();
    orgs.push(newOrganization('municipality', code, rows.enterprise(`Municipalité ${code}`, 'corporation', rse, at(300)), rse, MEMBERS_PER_ORGANIZATION));
  }
  for (let i = 0; i < wanted.organisms; i++) {
    const rse = rows.account();
    orgs.push(newOrganization('organism', null, rows.enterprise(`Organisme d’essai ${i + 1}`, 'nonprofit', rse, at(300)), rse, MEMBERS_PER_ORGANIZATION));
  }

  // Firms: one service point each, the RSE its mandatary manager, five staff attached.
  const points: Point[] = [];
  const servicePoints: Row[] = [];
  const managers: Row[] = [];
  const staff: Row[] = [];
  for (let i = 0; i < wanted.firms; i++) {
    const rse = rows.account();
    const enterpriseId = rows.enterprise(`Firme d’essai ${i + 1} inc.`, 'corporation', rse, at(300));
    const id = randomUUID();
    servicePoints.push({ id, enterprise_id: enterpriseId, name: 'Bureau principal', address: `${i + 1}, boulevard Laurier, Québec (Québec) G1V 2L8` });
    managers.push({ program: BENCH_PROGRAM, service_point_id: id, enterprise_id: enterpriseId, account_id: rse, named_by: agentId });
    const staffIds = Array.from({ length: STAFF_PER_POINT }, () => rows.member(enterpriseId));
    for (const person of staffIds) staff.push({ program: BENCH_PROGRAM, service_point_id: id, enterprise_id: enterpriseId, account_id: person, attached_by: rse });
    points.push({ id, enterpriseId, staffIds });
  }

  // Mandates and grants. Québec first, then every other organization until `grants` rows.
  const mandates: Row[] = [];
  const grantRows: Row[] = [];
  const mandate = (org: Organization, point: Point, daysAgo: number) => {
    const id = randomUUID();
    mandates.push({ id, program: BENCH_PROGRAM, organization_id: org.id, service_point_id: point.id, valid_until: null, granted_by: org.managerId, created_at: at(daysAgo), updated_at: at(daysAgo) });
    return id;
  };
  const grant = (org: Organization, accountId: string, profile: string, servicePointId: string | null, daysAgo: number, ended = false) => {
    grantRows.push({
      program: BENCH_PROGRAM,
      organization_id: org.id,
      account_id: accountId,
      profile,
      service_point_id: servicePointId,
      granted_by: org.managerId,
      ended_at: ended ? at(daysAgo - 30) : null,
      ended_by: ended ? org.managerId : null,
      end_reason: ended ? 'changed' : null,
      created_at: at(daysAgo),
      updated_at: at(daysAgo),
    });
  };
  largeOrg.memberIds.forEach((person, i) => {
    if (i < LARGE_ENDED) grant(largeOrg, person, 'requester_read', null, 200 + (i % 100), true);
    grant(largeOrg, person, i % 10 < 3 ? 'requester_write' : 'requester_read', null, 1 + (i % 150));
  });
  points.slice(0, LARGE_MANDATED_POINTS).forEach((point, i) => {
    mandate(largeOrg, point, 120 + (i % 60));
    point.staffIds.forEach((person, j) => grant(largeOrg, person, j === 0 ? 'mandatary_write' : 'mandatary_read', point.id, 1 + ((i + j) % 100)));
  });
  const largeGrants = { current: grantRows.length - LARGE_ENDED, ended: LARGE_ENDED };

  const mandateIds: string[] = [];
  for (const org of orgs) {
    if (grantRows.length >= wanted.grants) break;
    org.memberIds.forEach((person, i) => grant(org, person, i % 2 === 0 ? 'requester_write' : 'requester_read', null, 1 + Math.floor(random() * 300)));
    const chosen = new Set<Point>();
    while (chosen.size < MANDATES_PER_ORGANIZATION) chosen.add(pick(points));
    for (const point of chosen) {
      mandateIds.push(mandate(org, point, 200 + Math.floor(random() * 100)));
      point.staffIds.slice(0, MANDATARIES_PER_MANDATE).forEach((person, j) => grant(org, person, j === 0 ? 'mandatary_write' : 'mandatary_read', point.id, 1 + Math.floor(random() * 150)));
    }
  }
  grantRows.length = Math.min(grantRows.length, wanted.grants);
  // Revoke 5 % of the other organizations' mandates after the grants: their Mandataire grants stay
  // current in the table but no longer give access (what effectiveAccess must see).
  const revoked = mandateIds.filter(() => random() < 0.05);

  await transaction(db, async (tx) => {
    await insertInBatches(tx, 'account', rows.accounts, batchSize);
    await insertInBatches(tx, 'registry_enterprise', rows.enterprises, batchSize);
    await insertInBatches(tx, 'enterprise_member', rows.members, batchSize);
    await insertInBatches(tx, 'eservice_enrolment', rows.enrolments, batchSize);
    await insertInBatches(tx, 'organization', organizations, batchSize);
    // Local managers first: a deputy is named by the organization's current local manager.
    await insertInBatches(tx, 'organization_function', functions.filter((f) => f.function === 'local_manager'), batchSize);
    await insertInBatches(tx, 'organization_function', functions.filter((f) => f.function === 'deputy'), batchSize);
    await insertInBatches(tx, 'service_point', servicePoints, batchSize);
    await insertInBatches(tx, 'mandatary_manager', managers, batchSize);
    await insertInBatches(tx, 'service_point_staff', staff, batchSize);
    await insertInBatches(tx, 'mandate', mandates, batchSize);
    await insertInBatches(tx, 'profile_grant', grantRows, batchSize);
    for (let i = 0; i < revoked.length; i += batchSize) {
      const ids = revoked.slice(i, i + batchSize);
      await tx.execute(sql`update mandate set ended_at = now(), ended_by = granted_by where id in ${ids}`);
    }
    await tx.execute(sql`analyze account, registry_enterprise, enterprise_member, eservice_enrolment, organization, organization_function, service_point, mandatary_manager, service_point_staff, mandate, profile_grant`);
  });

  return {
    largeManager: large.rse,
    largeOrganizationId: largeOrg.id,
    largeGrants,
    grants: grantRows.map((g) => ({ accountId: g.account_id as string, organizationId: g.organization_id as string })),
    counts: {
      municipalities: codes.length + 1,
      organisms: wanted.organisms,
      firms: wanted.firms,
      grants: grantRows.length,
      accounts: rows.accounts.length,
      mandates: mandates.length,
      revokedMandates: revoked.length,
    },
  };
}
