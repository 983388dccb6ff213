import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { isSignedIn, type Rule } from '../../platform/authz.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { todayInQuebec } from '../../platform/time/index.js';
import { agentWithRole } from '../identity/agents.js';
import { USER_CODE_PATTERN } from '../identity/service.js';
import { mandataryManager, organizationFunction, registryProgram, registryProfile } from './schema.js';

/**
 * The access-rights registry of the financial-aid programs (seed 004): what a person may do on an
 * organization's files, and who may manage that. Every check reads the tables (no cache), so a
 * revoked mandate or withdrawn profile takes effect on the person's next request, even within an
 * open session. The tables and their invariants are in `schema.ts` and migration
 * `registry_constraints`; the rules are written out in the module README.
 */

export type Profile = (typeof registryProfile.enumValues)[number];
/** The four profiles, as the database's enum lists them (one list for the schema, the forms and the pages). */
export const profiles = registryProfile.enumValues;
export const writeProfiles: readonly Profile[] = ['requester_write', 'mandatary_write'];

export function isMandataryProfile(profile: Profile): boolean {
  return profile === 'mandatary_write' || profile === 'mandatary_read';
}

export type RegistryProgram = typeof registryProgram.$inferSelect;

export async function registryPrograms(db: Db): Promise<RegistryProgram[]> {
  return db.select().from(registryProgram).orderBy(registryProgram.code);
}

export async function registryProgramByCode(db: Db, code: string): Promise<RegistryProgram | undefined> {
  const [row] = await db.select().from(registryProgram).where(eq(registryProgram.code, code));
  return row;
}

/** A user code as typed: spaces removed, capitals. */
export function normalizeUserCode(value: string): string {
  return value.replace(/\s/g, '').toUpperCase();
}

/**
 * An enterprise user found by user code. `enterpriseId` is null when they belong to no enterprise;
 * `active`: their account and their membership are both active, so they can act.
 */
export type Person = {
  accountId: string;
  displayName: string;
  userCode: string;
  enterpriseId: string | null;
  disabled: boolean;
  active: boolean;
  language: string;
  email: string | null;
};

/** The enterprise user holding a user code (as typed), with their enterprise; null when no one does. */
export async function personByUserCode(db: Db, userCode: string): Promise<Person | null> {
  const code = normalizeUserCode(userCode);
  if (!USER_CODE_PATTERN.test(code)) return null;
  const rows = await queryRows<{ id: string; display_name: string; user_code: string; enterprise_id: string | null; disabled: boolean; active: boolean; language: string; email: string | null }>(
    db,
    sql`select a.id, a.display_name, a.user_code, m.enterprise_id, a.disabled_at is not null as disabled,
          (a.disabled_at is null and coalesce(m.active, false)) as active, a.language, a.email
        from account a left join enterprise_member m on m.account_id = a.id
        where a.user_code = ${code} and a.kind = 'enterprise'`,
  );
  const row = rows[0];
  return row
    ? { accountId: row.id, displayName: row.display_name, userCode: row.user_code, enterpriseId: row.enterprise_id, disabled: row.disabled, active: row.active, language: row.language, email: row.email }
    : null;
}

/** What a person holds on one organization's files in one program right now; null: nothing. */
export type EffectiveAccess = { profile: Profile; servicePointId: string | null };

/**
 * The profile a person holds on an organization's files in a program, counted only while its
 * ground holds: a Requérant is an active member of the organization's enterprise; a Mandataire is
 * still attached to the service point, and the organization's mandate of that point runs today
 * (Quebec date; `valid_until` included). One indexed query: every request of the aid program runs it.
 */
export async function effectiveAccess(db: Db, accountId: string, program: string, organizationId: string, today = todayInQuebec()): Promise<EffectiveAccess | null> {
  const rows = await queryRows<{ profile: Profile; service_point_id: string | null }>(db, sql`
    select g.profile, g.service_point_id
    from profile_grant g
    where g.account_id = ${accountId} and g.program = ${program} and g.organization_id = ${organizationId} and g.ended_at is null
      and ${groundHolds(today)}`);
  const row = rows[0];
  return row ? { profile: row.profile, servicePointId: row.service_point_id } : null;
}

/** The current grant `g` counts on `today`: the condition of `effectiveAccess`, for every query of effective profiles. */
function groundHolds(today: string): SQL {
  return sql`case when g.service_point_id is null then exists (
        select 1 from organization o
        join enterprise_member m on m.enterprise_id = o.enterprise_id and m.account_id = g.account_id and m.active
        where o.id = g.organization_id)
      else exists (
        select 1 from mandate md
        where md.program = g.program and md.organization_id = g.organization_id and md.service_point_id = g.service_point_id
          and md.ended_at is null and (md.valid_until is null or md.valid_until >= ${today}::date))
        and exists (
        select 1 from service_point_staff s
        where s.program = g.program and s.service_point_id = g.service_point_id and s.account_id = g.account_id and s.ended_at is null)
      end`;
}

/** The accounts holding, effective today, one of these profiles on an organization's files in a program (as `effectiveAccess` counts it). */
export async function effectiveHolders(db: Db, program: string, organizationId: string, wanted: readonly Profile[], today = todayInQuebec()): Promise<string[]> {
  if (wanted.length === 0) return [];
  const rows = await queryRows<{ account_id: string }>(db, sql`
    select distinct g.account_id
    from profile_grant g
    where g.program = ${program} and g.organization_id = ${organizationId} and g.ended_at is null
      and g.profile in (${sql.join(wanted.map((profile) => sql`${profile}`), sql`, `)})
      and ${groundHolds(today)}
    order by g.account_id`);
  return rows.map((row) => row.account_id);
}

/** A resource of the registry: an organization in a program. */
export type OrganizationResource = { readonly program: string; readonly organizationId: string };

/** The signed-in enterprise user holds one of these profiles, effective today, on the organization's files. */
export function holdsProfile(...wanted: Profile[]): Rule<OrganizationResource> {
  return async (actor, resource, db) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
    const access = await effectiveAccess(db, actor.accountId, resource.program, resource.organizationId);
    return access !== null && wanted.includes(access.profile);
  };
}

export type RegistryFunction = 'local_manager' | 'deputy';

/** The current function (local manager or deputy) of a person for an organization and program. */
export async function currentFunction(db: Db, accountId: string, program: string, organizationId: string): Promise<RegistryFunction | null> {
  const [row] = await db
    .select({ fn: organizationFunction.function })
    .from(organizationFunction)
    .where(
      and(
        eq(organizationFunction.accountId, accountId),
        eq(organizationFunction.program, program),
        eq(organizationFunction.organizationId, organizationId),
        isNull(organizationFunction.endedAt),
      ),
    )
    .limit(1);
  return row?.fn ?? null;
}

/**
 * The signed-in person is, right now, the organization's local manager (or one of these functions)
 * for the program, and still an active member of its enterprise.
 */
export function holdsFunction(...wanted: RegistryFunction[]): Rule<OrganizationResource> {
  return async (actor, resource, db) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
    const rows = await queryRows<{ fn: RegistryFunction }>(db, sql`
      select f.function as fn from organization_function f
      join enterprise_member m on m.enterprise_id = f.enterprise_id and m.account_id = f.account_id and m.active
      where f.account_id = ${actor.accountId} and f.program = ${resource.program}
        and f.organization_id = ${resource.organizationId} and f.ended_at is null`);
    const held = rows[0]?.fn;
    return held !== undefined && wanted.includes(held);
  };
}

/** The manager or a deputy: grants, changes and withdraws profiles, mandates firms (seed 004, 2 and 7.2). */
export const localManagerOrDeputy = holdsFunction('local_manager', 'deputy');
/** Only the manager names and removes deputies. */
export const localManager = holdsFunction('local_manager');

export type ServicePointResource = { readonly program: string; readonly servicePointId: string };

/** The signed-in person is the service point's current mandatary manager for the program. */
export const mandataryManagerOf: Rule<ServicePointResource> = async (actor, resource, db) => {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
  const [row] = await db
    .select({ id: mandataryManager.id })
    .from(mandataryManager)
    .where(
      and(
        eq(mandataryManager.accountId, actor.accountId),
        eq(mandataryManager.program, resource.program),
        eq(mandataryManager.servicePointId, resource.servicePointId),
        isNull(mandataryManager.endedAt),
      ),
    )
    .limit(1);
  return row !== undefined;
};

/** The ministry's support desk: approves designations, performs replacements, sees a user code's registry. */
export const supportDesk = agentWithRole('support');

export type OrganizationInfo = {
  id: string;
  kind: 'municipality' | 'organism';
  /** The geographic code of a municipality, the NEQ of an organism: what people know it by. */
  identifier: string;
  enterpriseId: string;
  name: string;
};

const organizationColumns = sql`o.id, o.kind, coalesce(o.geographic_code, e.neq) as identifier, o.enterprise_id, coalesce(mu.name, e.legal_name) as name`;
const organizationJoins = sql`join registry_enterprise e on e.id = o.enterprise_id left join municipality mu on mu.geographic_code = o.geographic_code`;
type OrganizationRow = { id: string; kind: OrganizationInfo['kind']; identifier: string; enterprise_id: string; name: string };

function organizationInfo(row: OrganizationRow): OrganizationInfo {
  return { id: row.id, kind: row.kind, identifier: row.identifier, enterpriseId: row.enterprise_id, name: row.name };
}

export async function organizationById(db: Db, organizationId: string): Promise<OrganizationInfo | null> {
  const rows = await queryRows<OrganizationRow>(db, sql`select ${organizationColumns} from organization o ${organizationJoins} where o.id = ${organizationId}`);
  const row = rows[0];
  return row ? organizationInfo(row) : null;
}

/** The organization an enterprise represents, if any. */
export async function organizationOfEnterprise(db: Db, enterpriseId: string): Promise<OrganizationInfo | null> {
  const rows = await queryRows<OrganizationRow>(db, sql`select ${organizationColumns} from organization o ${organizationJoins} where o.enterprise_id = ${enterpriseId}`);
  const row = rows[0];
  return row ? organizationInfo(row) : null;
}

/** The organizations whose files a person may open in a program today, with the profile held on each, by name. */
export async function accessibleOrganizations(db: Db, accountId: string, program: string, today = todayInQuebec()): Promise<(OrganizationInfo & EffectiveAccess)[]> {
  const rows = await queryRows<OrganizationRow & { profile: Profile; service_point_id: string | null }>(db, sql`
    select ${organizationColumns}, g.profile, g.service_point_id
    from profile_grant g
    join organization o on o.id = g.organization_id
    ${organizationJoins}
    where g.account_id = ${accountId} and g.program = ${program} and g.ended_at is null
      and ${groundHolds(today)}
    order by name`);
  return rows.map((row) => ({ ...organizationInfo(row), profile: row.profile, servicePointId: row.service_point_id }));
}
