import { sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { accountOfKind, action, authorize, isSignedIn } from '../../platform/authz.js';
import type { Ctx, SignedInActor } from '../../platform/context.js';
import { pgErrorCode, queryRows, transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { isLang, translate, type MessageKey } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { isIsoDate, todayInQuebec } from '../../platform/time/index.js';
import { USER_CODE_PATTERN } from '../identity/service.js';
import {
  accessibleOrganizations,
  isMandataryProfile,
  localManagerOrDeputy,
  mandataryManagerOf,
  normalizeUserCode,
  personByUserCode,
  registryProgramByCode,
  type EffectiveAccess,
  type OrganizationInfo,
  type OrganizationResource,
  type Person,
  type Profile,
  type RegistryFunction,
  type RegistryProgram,
  type ServicePointResource,
} from './registry.js';

/**
 * The registry's operations for the people of organizations and firms (seed 004, 8 to 17): the
 * local manager or a deputy grants, changes and withdraws profiles and mandates firms' service
 * points; a mandatary manager attaches the firm's staff to a service point; everyone sees their own
 * access. Each change authorizes first, runs in one transaction with its audit event and its mails,
 * and leaves the database's triggers (migration registry_constraints) as the last word: their
 * refusals come back as messages a person can act on.
 */

export type RegistrySettings = { publicUrl: string };

export const registryActions = {
  /** Seed 004, 2, 7.2 and 10: the manager or a deputy; the function itself gives no profile. */
  manageRegister: action<OrganizationResource>('registry.manageRegister', localManagerOrDeputy),
  /** Seed 004, 12 and 16: the service point's mandatary manager. */
  manageStaff: action<ServicePointResource>('registry.manageStaff', mandataryManagerOf),
  /** Any enterprise user sees what they hold (issue 6, item 6). */
  viewOwnAccess: action<undefined>('registry.viewOwnAccess', accountOfKind('enterprise')),
};

/** Rows of the registers per page: the page stays small whatever the organization's size. */
export const REGISTER_PAGE_SIZE = 50;

export type EndReason = 'withdrawn' | 'changed' | 'mandate_ended' | 'detached' | 'member_left';
export const endReasons: readonly EndReason[] = ['withdrawn', 'changed', 'mandate_ended', 'detached', 'member_left'];

function endReasonOf(value: string | null): EndReason | null {
  return value !== null && (endReasons as readonly string[]).includes(value) ? (value as EndReason) : null;
}

// ---------------------------------------------------------------------------------------------
// Database errors

/**
 * Runs a change; a unique violation (another change won the race) or a trigger's refusal (the
 * ground of the change went away meanwhile) becomes the error the caller names for it.
 */
async function refusalsAsErrors<T>(work: () => Promise<T>, onRefusal: { unique: () => Error; check: () => Error }): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = pgErrorCode(error);
    if (code === '23505') throw onRefusal.unique();
    if (code === '23514') throw onRefusal.check();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Context: the program and the actor's organization

export async function programOrNotFound(db: Db, code: string): Promise<RegistryProgram> {
  const program = await registryProgramByCode(db, code);
  if (!program) throw new NotFoundError();
  return program;
}

function signedInEnterprise(ctx: Ctx): SignedInActor {
  if (!isSignedIn(ctx.actor) || ctx.actor.accountKind !== 'enterprise') throw new ForbiddenError();
  return ctx.actor;
}

/**
 * The organization the signed-in enterprise user's enterprise represents, while they are an active
 * member of it; null otherwise. One query: every page of the register asks.
 */
export async function actorOrganization(db: Db, ctx: Ctx): Promise<OrganizationInfo | null> {
  const actor = signedInEnterprise(ctx);
  const rows = await queryRows<{ id: string; kind: OrganizationInfo['kind']; identifier: string; enterprise_id: string; name: string }>(
    db,
    sql`select o.id, o.kind, coalesce(o.geographic_code, e.neq) as identifier, o.enterprise_id, coalesce(mu.name, e.legal_name) as name
        from enterprise_member m join organization o on o.enterprise_id = m.enterprise_id
        join registry_enterprise e on e.id = o.enterprise_id left join municipality mu on mu.geographic_code = o.geographic_code
        where m.account_id = ${actor.accountId} and m.active limit 1`,
  );
  const row = rows[0];
  return row ? { id: row.id, kind: row.kind, identifier: row.identifier, enterpriseId: row.enterprise_id, name: row.name } : null;
}

/** The organization whose register the actor manages: the manager's or a deputy's own, or a 403. */
export async function managedOrganization(db: Db, ctx: Ctx, program: string): Promise<OrganizationInfo> {
  const organization = await actorOrganization(db, ctx);
  if (!organization) throw new ForbiddenError();
  await authorize(db, ctx.actor, registryActions.manageRegister, { program, organizationId: organization.id });
  return organization;
}

// ---------------------------------------------------------------------------------------------
// People by user code

/** The enterprise user of a user code, with their membership; a field error when there is none to act on. */
async function personToActOn(db: Db, userCode: string): Promise<Person> {
  if (!USER_CODE_PATTERN.test(normalizeUserCode(userCode))) throw new FieldValidationError({ userCode: 'registry.userCode.invalid' });
  const person = await personByUserCode(db, userCode);
  if (!person) throw new FieldValidationError({ userCode: 'registry.userCode.unknown' });
  // Someone in no enterprise is not deactivated: the grant's own checks say they are not a member.
  if (person.disabled || (person.enterpriseId !== null && !person.active)) throw new FieldValidationError({ userCode: 'registry.userCode.deactivated' });
  return person;
}

type Recipient = { email: string | null; language: string };

async function recipientOf(db: Db, accountId: string): Promise<Recipient | null> {
  const rows = await queryRows<Recipient>(db, sql`select email, language from account where id = ${accountId}`);
  return rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Mails

type GrantMail = 'granted' | 'changed' | 'withdrawn' | 'ended';

const mailKeys: Record<GrantMail, { subject: MessageKey; body: MessageKey }> = {
  granted: { subject: 'registry.mail.granted.subject', body: 'registry.mail.granted.body' },
  changed: { subject: 'registry.mail.changed.subject', body: 'registry.mail.changed.body' },
  withdrawn: { subject: 'registry.mail.withdrawn.subject', body: 'registry.mail.withdrawn.body' },
  ended: { subject: 'registry.mail.ended.subject', body: 'registry.mail.ended.body' },
};

/** Tells the person, in their language, what they now hold or no longer hold, and where to see it. */
async function mailPerson(
  tx: Db,
  settings: RegistrySettings,
  kind: GrantMail,
  accountId: string,
  details: { program: RegistryProgram; organizationName: string; profile: Profile; reason?: EndReason },
): Promise<void> {
  const recipient = await recipientOf(tx, accountId);
  if (!recipient?.email) return;
  const lang = isLang(recipient.language) ? recipient.language : 'fr';
  const keys = mailKeys[kind];
  await enqueueMail(
    tx,
    composeMail(
      lang,
      recipient.email,
      { subject: keys.subject, paragraphs: details.reason ? [keys.body, `registry.endReason.${details.reason}`] : [keys.body], link: { label: 'registry.mail.link', url: `${settings.publicUrl}/aide/${details.program.code}/mes-acces` } },
      {
        program: lang === 'fr' ? details.program.nameFr : details.program.nameEn,
        organization: details.organizationName,
        profile: translate(lang, `registry.profile.${details.profile}`),
      },
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The register of an organization

/** What every list of grants shows of one: the profile, the Mandataire's service point, who granted and who ended it, when. */
export type GrantHistory = {
  profile: Profile;
  servicePointName: string | null;
  firmName: string | null;
  grantedByName: string;
  grantedAt: Date;
  endedByName: string | null;
  endedAt: Date | null;
  endReason: EndReason | null;
};

type GrantHistoryRow = {
  profile: Profile;
  service_point_name: string | null;
  firm_name: string | null;
  granted_by_name: string;
  created_at: Date | string;
  ended_by_name: string | null;
  ended_at: Date | string | null;
  end_reason: string | null;
};

/** The columns of `GrantHistoryRow`, over `profile_grant` rows named `g` joined with `grantHistoryJoins`. */
const grantHistoryColumns = sql`g.profile, sp.name as service_point_name, fe.legal_name as firm_name,
    gb.display_name as granted_by_name, g.created_at, eb.display_name as ended_by_name, g.ended_at, g.end_reason`;
const grantHistoryJoins = sql`join account gb on gb.id = g.granted_by
  left join account eb on eb.id = g.ended_by
  left join service_point sp on sp.id = g.service_point_id
  left join registry_enterprise fe on fe.id = sp.enterprise_id`;

function grantHistory(row: GrantHistoryRow): GrantHistory {
  return {
    profile: row.profile,
    servicePointName: row.service_point_name,
    firmName: row.firm_name,
    grantedByName: row.granted_by_name,
    grantedAt: asDate(row.created_at),
    endedByName: row.ended_by_name,
    endedAt: row.ended_at === null ? null : asDate(row.ended_at),
    endReason: endReasonOf(row.end_reason),
  };
}

export type RegisterEntry = GrantHistory & {
  id: string;
  accountId: string;
  displayName: string;
  userCode: string | null;
  servicePointId: string | null;
  /** Why a current profile does not count today (effectiveAccess's grounds); null when it counts, or for an ended row. */
  notEffective: 'memberInactive' | 'mandateExpired' | 'detached' | null;
};

type RegisterRow = GrantHistoryRow & {
  id: string;
  account_id: string;
  display_name: string;
  user_code: string | null;
  service_point_id: string | null;
  member_held: boolean;
  mandate_held: boolean;
  attachment_held: boolean;
};

function notEffectiveOf(row: RegisterRow): RegisterEntry['notEffective'] {
  if (row.ended_at !== null) return null;
  if (!isMandataryProfile(row.profile)) return row.member_held ? null : 'memberInactive';
  if (!row.mandate_held) return 'mandateExpired';
  return row.attachment_held ? null : 'detached';
}

function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function registerEntry(row: RegisterRow): RegisterEntry {
  return {
    ...grantHistory(row),
    id: row.id,
    accountId: row.account_id,
    displayName: row.display_name,
    userCode: row.user_code,
    servicePointId: row.service_point_id,
    notEffective: notEffectiveOf(row),
  };
}

/** The columns of a register row, over a page of `profile_grant` rows named `g` joined with `registerJoins`. */
function registerColumns() {
  return sql`g.id, g.account_id, a.display_name, a.user_code, g.service_point_id, ${grantHistoryColumns},
    gm.held is not null as member_held, gr.held is not null as mandate_held, gs.held is not null as attachment_held`;
}

/**
 * The joins of a register row, with the grounds of its effect (effectiveAccess's): one probe of an
 * index per row (lateral with limit), never a scan of every mandate or attachment.
 */
function registerJoins(today: string) {
  return sql`${grantHistoryJoins}
  left join lateral (
    select 1 as held from organization o join enterprise_member m on m.enterprise_id = o.enterprise_id and m.account_id = g.account_id and m.active
    where o.id = g.organization_id and g.service_point_id is null limit 1) gm on true
  left join lateral (
    select 1 as held from mandate md where md.program = g.program and md.organization_id = g.organization_id and md.service_point_id = g.service_point_id
      and md.ended_at is null and (md.valid_until is null or md.valid_until >= ${today}::date) limit 1) gr on true
  left join lateral (
    select 1 as held from service_point_staff s where s.program = g.program and s.service_point_id = g.service_point_id and s.account_id = g.account_id
      and s.ended_at is null limit 1) gs on true`;
}

export type CurrentRegister = { organization: OrganizationInfo; entries: RegisterEntry[]; page: number; pageCount: number; total: number };

/**
 * The current profiles of the actor's organization, by name, one page: one query keyed on
 * `profile_grant_register_idx` (program, organization); only the page's rows are joined further.
 */
export async function currentRegister(db: Db, ctx: Ctx, program: string, page = 1): Promise<CurrentRegister> {
  const organization = await managedOrganization(db, ctx, program);
  const wanted = Math.max(1, page);
  // The names come one primary-key lookup each (not a join over every account), and only the
  // page's 50 rows are joined further.
  const rows = await queryRows<RegisterRow & { total: number }>(
    db,
    sql`with listed as (
          select g.id, (select a.display_name from account a where a.id = g.account_id) as sort_name, count(*) over () as total
          from profile_grant g
          where g.program = ${program} and g.organization_id = ${organization.id} and g.ended_at is null
          order by sort_name, g.id
          limit ${REGISTER_PAGE_SIZE} offset ${(wanted - 1) * REGISTER_PAGE_SIZE})
        select ${registerColumns()}, listed.total::int as total
        from listed join profile_grant g on g.id = listed.id join account a on a.id = g.account_id ${registerJoins(todayInQuebec())}
        order by listed.sort_name, g.id`,
  );
  const total = Number(rows[0]?.total ?? 0);
  return { organization, entries: rows.map(registerEntry), page: wanted, pageCount: Math.max(1, Math.ceil(total / REGISTER_PAGE_SIZE)), total };
}

export type RegisterHistory = { organization: OrganizationInfo; entries: RegisterEntry[]; page: number; hasNext: boolean };

/** Every grant of the organization, ended ones too, newest first: an index scan of one page. */
export async function registerHistory(db: Db, ctx: Ctx, program: string, page = 1): Promise<RegisterHistory> {
  const organization = await managedOrganization(db, ctx, program);
  const wanted = Math.max(1, page);
  const rows = await queryRows<RegisterRow>(
    db,
    sql`with listed as (
          select g.* from profile_grant g
          where g.program = ${program} and g.organization_id = ${organization.id}
          order by g.created_at desc, g.id desc
          limit ${REGISTER_PAGE_SIZE + 1} offset ${(wanted - 1) * REGISTER_PAGE_SIZE})
        select ${registerColumns()}
        from listed g join account a on a.id = g.account_id ${registerJoins(todayInQuebec())}
        order by g.created_at desc, g.id desc`,
  );
  return { organization, entries: rows.slice(0, REGISTER_PAGE_SIZE).map(registerEntry), page: wanted, hasNext: rows.length > REGISTER_PAGE_SIZE };
}

/** One current grant of the actor's organization (for the change and withdrawal pages). */
export async function registerEntryOf(db: Db, ctx: Ctx, program: string, grantId: string): Promise<{ organization: OrganizationInfo; entry: RegisterEntry }> {
  const organization = await managedOrganization(db, ctx, program);
  const rows = await queryRows<RegisterRow>(
    db,
    sql`select ${registerColumns()}
        from profile_grant g join account a on a.id = g.account_id ${registerJoins(todayInQuebec())}
        where g.id = ${grantId} and g.program = ${program} and g.organization_id = ${organization.id} and g.ended_at is null`,
  );
  const row = rows[0];
  // Another organization's grant, or an ended one, is not found.
  if (!row) throw new NotFoundError();
  return { organization, entry: registerEntry(row) };
}

/** The whole register (current and ended grants) as CSV rows, oldest first; the export is audited. */
export async function exportRegister(db: Db, ctx: Ctx, program: string): Promise<{ organization: OrganizationInfo; entries: RegisterEntry[] }> {
  return transaction(db, async (tx) => {
    const organization = await managedOrganization(tx, ctx, program);
    const rows = await queryRows<RegisterRow>(
      tx,
      sql`select ${registerColumns()}
          from profile_grant g join account a on a.id = g.account_id ${registerJoins(todayInQuebec())}
          where g.program = ${program} and g.organization_id = ${organization.id}
          order by g.created_at, g.id`,
    );
    await recordAudit(tx, ctx, { action: 'registry.registerExported', subjectType: 'organization', subjectId: organization.id, details: { program, rows: rows.length } });
    return { organization, entries: rows.map(registerEntry) };
  });
}

// ---------------------------------------------------------------------------------------------
// Granting, changing, withdrawing profiles

export type GrantInput = { userCode: string; profile: Profile };

/** Why a person cannot hold the profile on the organization's files, as a field error; null when they can. */
async function groundOfProfile(tx: Db, program: string, organization: OrganizationInfo, person: Person, profile: Profile, field: 'userCode' | 'profile'): Promise<{ servicePointId: string | null }> {
  if (!isMandataryProfile(profile)) {
    if (person.enterpriseId !== organization.enterpriseId || !person.active) {
      throw new FieldValidationError({ [field]: 'registry.grant.notMember' });
    }
    return { servicePointId: null };
  }
  if (person.enterpriseId === organization.enterpriseId) throw new FieldValidationError({ [field]: 'registry.grant.ownMemberMandatary' });
  const attachments = await queryRows<{ service_point_id: string; mandated: boolean }>(
    tx,
    sql`select s.service_point_id, exists (
          select 1 from mandate md where md.program = s.program and md.organization_id = ${organization.id} and md.service_point_id = s.service_point_id
            and md.ended_at is null and (md.valid_until is null or md.valid_until >= ${todayInQuebec()}::date)) as mandated
        from service_point_staff s
        where s.program = ${program} and s.account_id = ${person.accountId} and s.ended_at is null`,
  );
  const attachment = attachments[0];
  if (!attachment) throw new FieldValidationError({ [field]: 'registry.grant.notAttached' });
  if (!attachment.mandated) throw new FieldValidationError({ [field]: 'registry.grant.noMandate' });
  return { servicePointId: attachment.service_point_id };
}

/** The trigger refused a profile: its ground went away between our check and the insert. */
function profileRefused(profile: Profile): FieldValidationError {
  return new FieldValidationError({ userCode: isMandataryProfile(profile) ? 'registry.grant.noMandate' : 'registry.grant.notMember' });
}

async function insertGrant(tx: Db, program: string, organizationId: string, accountId: string, profile: Profile, servicePointId: string | null, grantedBy: string): Promise<string> {
  const inserted = await queryRows<{ id: string }>(
    tx,
    sql`insert into profile_grant (program, organization_id, account_id, profile, service_point_id, granted_by)
        values (${program}, ${organizationId}, ${accountId}, ${profile}, ${servicePointId}, ${grantedBy}) returning id`,
  );
  const id = inserted[0]?.id;
  if (!id) throw new Error('profile_grant insert returned nothing');
  return id;
}

/** Seed 004, 8 and 10: the manager or a deputy gives a person a profile on the organization's files. */
export async function grantProfile(db: Db, ctx: Ctx, settings: RegistrySettings, programCode: string, input: GrantInput): Promise<string> {
  return refusalsAsErrors(
    () =>
      transaction(db, async (tx) => {
        const program = await programOrNotFound(tx, programCode);
        const organization = await managedOrganization(tx, ctx, program.code);
        const actor = signedInEnterprise(ctx);
        const person = await personToActOn(tx, input.userCode);
        const held = await queryRows<{ profile: Profile }>(
          tx,
          sql`select profile from profile_grant where account_id = ${person.accountId} and program = ${program.code} and organization_id = ${organization.id} and ended_at is null`,
        );
        if (held[0]) throw new FieldValidationError({ userCode: 'registry.grant.alreadyHolds' });
        const { servicePointId } = await groundOfProfile(tx, program.code, organization, person, input.profile, 'userCode');
        const id = await insertGrant(tx, program.code, organization.id, person.accountId, input.profile, servicePointId, actor.accountId);
        await recordAudit(tx, ctx, {
          action: 'registry.profileGranted',
          subjectType: 'profile_grant',
          subjectId: id,
          details: { program: program.code, organizationId: organization.id, accountId: person.accountId, profile: input.profile, servicePointId },
        });
        await mailPerson(tx, settings, 'granted', person.accountId, { program, organizationName: organization.name, profile: input.profile });
        return id;
      }),
    { unique: () => new FieldValidationError({ userCode: 'registry.grant.alreadyHolds' }), check: () => profileRefused(input.profile) },
  );
}

type CurrentGrant = { id: string; account_id: string; profile: Profile; service_point_id: string | null };

async function lockCurrentGrant(tx: Db, program: string, organizationId: string, grantId: string): Promise<CurrentGrant> {
  const rows = await queryRows<CurrentGrant & { ended: boolean }>(
    tx,
    sql`select id, account_id, profile, service_point_id, ended_at is not null as ended from profile_grant
        where id = ${grantId} and program = ${program} and organization_id = ${organizationId} for update`,
  );
  const row = rows[0];
  if (!row) throw new NotFoundError();
  if (row.ended) throw new ConflictError('registry.grant.alreadyEnded');
  return row;
}

async function endGrant(tx: Db, actorId: string, grantId: string, reason: EndReason): Promise<void> {
  const ended = await queryRows<{ id: string }>(
    tx,
    sql`update profile_grant set ended_at = now(), ended_by = ${actorId}, end_reason = ${reason}, updated_at = now()
        where id = ${grantId} and ended_at is null returning id`,
  );
  if (!ended[0]) throw new ConflictError('registry.grant.alreadyEnded');
}

/** The person keeps one current profile: the old row ends (`changed`) and the new one starts, in one transaction. */
export async function changeProfile(db: Db, ctx: Ctx, settings: RegistrySettings, programCode: string, grantId: string, profile: Profile): Promise<string> {
  return refusalsAsErrors(
    () =>
      transaction(db, async (tx) => {
        const program = await programOrNotFound(tx, programCode);
        const organization = await managedOrganization(tx, ctx, program.code);
        const actor = signedInEnterprise(ctx);
        const current = await lockCurrentGrant(tx, program.code, organization.id, grantId);
        if (current.profile === profile) throw new FieldValidationError({ profile: 'registry.change.same' });
        const people = await queryRows<{ user_code: string }>(tx, sql`select user_code from account where id = ${current.account_id}`);
        const person = await personToActOn(tx, people[0]?.user_code ?? '').catch((error: unknown) => {
          // The person's account was deactivated since: say it on the profile field of this form.
          if (error instanceof FieldValidationError) throw new FieldValidationError({ profile: 'registry.userCode.deactivated' });
          throw error;
        });
        const { servicePointId } = await groundOfProfile(tx, program.code, organization, person, profile, 'profile');
        await endGrant(tx, actor.accountId, current.id, 'changed');
        const id = await insertGrant(tx, program.code, organization.id, person.accountId, profile, servicePointId, actor.accountId);
        await recordAudit(tx, ctx, {
          action: 'registry.profileChanged',
          subjectType: 'profile_grant',
          subjectId: id,
          details: { program: program.code, organizationId: organization.id, accountId: person.accountId, from: current.profile, to: profile, previousGrantId: current.id, servicePointId },
        });
        await mailPerson(tx, settings, 'changed', person.accountId, { program, organizationName: organization.name, profile });
        return id;
      }),
    {
      unique: () => new ConflictError('registry.grant.alreadyEnded'),
      check: () => new FieldValidationError({ profile: isMandataryProfile(profile) ? 'registry.grant.noMandate' : 'registry.grant.notMember' }),
    },
  );
}

/** Seed 004, 2: the manager or a deputy withdraws a profile; the row ends (`withdrawn`) and stays as history. */
export async function withdrawProfile(db: Db, ctx: Ctx, settings: RegistrySettings, programCode: string, grantId: string): Promise<void> {
  await transaction(db, async (tx) => {
    const program = await programOrNotFound(tx, programCode);
    const organization = await managedOrganization(tx, ctx, program.code);
    const actor = signedInEnterprise(ctx);
    const current = await lockCurrentGrant(tx, program.code, organization.id, grantId);
    await endGrant(tx, actor.accountId, current.id, 'withdrawn');
    await recordAudit(tx, ctx, {
      action: 'registry.profileWithdrawn',
      subjectType: 'profile_grant',
      subjectId: current.id,
      details: { program: program.code, organizationId: organization.id, accountId: current.account_id, profile: current.profile },
    });
    await mailPerson(tx, settings, 'withdrawn', current.account_id, { program, organizationName: organization.name, profile: current.profile });
  });
}

// ---------------------------------------------------------------------------------------------
// Mandates

export type MandateEntry = {
  id: string;
  servicePointId: string;
  servicePointName: string;
  servicePointAddress: string;
  firmName: string;
  firmNeq: string;
  validUntil: string | null;
  grantedByName: string;
  grantedAt: Date;
  endedByName: string | null;
  endedAt: Date | null;
  /** running, expired (its end date passed) or revoked. */
  state: 'running' | 'expired' | 'revoked';
};

type MandateRow = {
  id: string;
  service_point_id: string;
  service_point_name: string;
  service_point_address: string;
  firm_name: string;
  firm_neq: string;
  valid_until: string | Date | null;
  granted_by_name: string;
  created_at: Date | string;
  ended_by_name: string | null;
  ended_at: Date | string | null;
};

function isoDay(value: string | Date | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10);
}

function mandateEntry(row: MandateRow, today: string): MandateEntry {
  const validUntil = isoDay(row.valid_until);
  return {
    id: row.id,
    servicePointId: row.service_point_id,
    servicePointName: row.service_point_name,
    servicePointAddress: row.service_point_address,
    firmName: row.firm_name,
    firmNeq: row.firm_neq,
    validUntil,
    grantedByName: row.granted_by_name,
    grantedAt: asDate(row.created_at),
    endedByName: row.ended_by_name,
    endedAt: row.ended_at === null ? null : asDate(row.ended_at),
    state: row.ended_at !== null ? 'revoked' : validUntil !== null && validUntil < today ? 'expired' : 'running',
  };
}

const mandateQuery = sql`select md.id, md.service_point_id, sp.name as service_point_name, sp.address as service_point_address, fe.legal_name as firm_name, fe.neq as firm_neq,
    md.valid_until, gb.display_name as granted_by_name, md.created_at, eb.display_name as ended_by_name, md.ended_at
  from mandate md join service_point sp on sp.id = md.service_point_id join registry_enterprise fe on fe.id = sp.enterprise_id
  join account gb on gb.id = md.granted_by left join account eb on eb.id = md.ended_by`;

/** The organization's mandates, current first, then the ended ones, newest first. */
export async function mandatesOf(db: Db, ctx: Ctx, program: string): Promise<{ organization: OrganizationInfo; mandates: MandateEntry[] }> {
  const organization = await managedOrganization(db, ctx, program);
  const rows = await queryRows<MandateRow>(db, sql`${mandateQuery} where md.program = ${program} and md.organization_id = ${organization.id} order by md.ended_at is null desc, md.created_at desc limit 500`);
  const today = todayInQuebec();
  return { organization, mandates: rows.map((row) => mandateEntry(row, today)) };
}

export async function mandateOf(db: Db, ctx: Ctx, program: string, mandateId: string): Promise<{ organization: OrganizationInfo; mandate: MandateEntry; profiles: number }> {
  const organization = await managedOrganization(db, ctx, program);
  const rows = await queryRows<MandateRow>(db, sql`${mandateQuery} where md.id = ${mandateId} and md.program = ${program} and md.organization_id = ${organization.id} and md.ended_at is null`);
  const row = rows[0];
  if (!row) throw new NotFoundError();
  const counted = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from profile_grant where program = ${program} and organization_id = ${organization.id} and service_point_id = ${row.service_point_id} and ended_at is null`,
  );
  return { organization, mandate: mandateEntry(row, todayInQuebec()), profiles: Number(counted[0]?.n ?? 0) };
}

export type FirmServicePoint = { id: string; name: string; address: string; mandated: boolean };
export type Firm = { enterpriseId: string; legalName: string; neq: string; servicePoints: FirmServicePoint[] };

export const NEQ_PATTERN = /^\d{10}$/;

/** Seed 004, 10: the firm's service points by its NEQ, for the manager to choose the one to mandate. */
export async function firmByNeq(db: Db, ctx: Ctx, program: string, neqInput: string): Promise<Firm> {
  const organization = await managedOrganization(db, ctx, program);
  const neq = neqInput.replace(/\s/g, '');
  if (!NEQ_PATTERN.test(neq)) throw new FieldValidationError({ neq: 'registry.neq.invalid' });
  const firms = await queryRows<{ id: string; legal_name: string; neq: string }>(db, sql`select id, legal_name, neq from registry_enterprise where neq = ${neq}`);
  const firm = firms[0];
  if (!firm) throw new FieldValidationError({ neq: 'registry.neq.unknown' });
  if (firm.id === organization.enterpriseId) throw new FieldValidationError({ neq: 'registry.neq.own' });
  const points = await queryRows<{ id: string; name: string; address: string; mandated: boolean }>(
    db,
    sql`select sp.id, sp.name, sp.address, exists (
          select 1 from mandate md where md.program = ${program} and md.organization_id = ${organization.id} and md.service_point_id = sp.id and md.ended_at is null
            and (md.valid_until is null or md.valid_until >= ${todayInQuebec()}::date)) as mandated
        from service_point sp where sp.enterprise_id = ${firm.id} order by sp.name`,
  );
  if (points.length === 0) throw new FieldValidationError({ neq: 'registry.neq.noServicePoint' });
  return { enterpriseId: firm.id, legalName: firm.legal_name, neq: firm.neq, servicePoints: points };
}

export type MandateInput = { servicePointId: string; validUntil: string | null };

/** Ends the profiles given through a service point's mandate, each mailed to its holder; returns how many. */
async function endProfilesOfMandate(tx: Db, settings: RegistrySettings, actorId: string, program: RegistryProgram, organization: OrganizationInfo, servicePointId: string): Promise<number> {
  const ended = await queryRows<{ id: string; account_id: string; profile: Profile }>(
    tx,
    sql`update profile_grant set ended_at = now(), ended_by = ${actorId}, end_reason = 'mandate_ended', updated_at = now()
        where program = ${program.code} and organization_id = ${organization.id} and service_point_id = ${servicePointId} and ended_at is null
        returning id, account_id, profile`,
  );
  for (const grant of ended) {
    await mailPerson(tx, settings, 'ended', grant.account_id, { program, organizationName: organization.name, profile: grant.profile, reason: 'mandate_ended' });
  }
  return ended.length;
}

/**
 * Seed 004, 10: the manager or a deputy mandates a firm's service point, optionally until a date
 * (included, not in the past). A mandate whose date has passed still holds the point's one current
 * row: it is ended here, with the profiles it carried, before the new one starts.
 */
export async function grantMandate(db: Db, ctx: Ctx, settings: RegistrySettings, programCode: string, input: MandateInput): Promise<string> {
  const today = todayInQuebec();
  return refusalsAsErrors(
    () =>
      transaction(db, async (tx) => {
        const program = await programOrNotFound(tx, programCode);
        const organization = await managedOrganization(tx, ctx, program.code);
        const actor = signedInEnterprise(ctx);
        if (input.validUntil !== null && (!isIsoDate(input.validUntil) || input.validUntil < today)) {
          throw new FieldValidationError({ validUntil: isIsoDate(input.validUntil) ? 'registry.mandate.validUntil.past' : 'registry.mandate.validUntil.invalid' });
        }
        const points = await queryRows<{ id: string; enterprise_id: string }>(tx, sql`select id, enterprise_id from service_point where id = ${input.servicePointId}`);
        const point = points[0];
        if (!point) throw new FieldValidationError({ servicePointId: 'registry.mandate.servicePoint.required' });
        if (point.enterprise_id === organization.enterpriseId) throw new FieldValidationError({ servicePointId: 'registry.neq.own' });
        const current = await queryRows<{ id: string; valid_until: string | Date | null }>(
          tx,
          sql`select id, valid_until from mandate where program = ${program.code} and organization_id = ${organization.id} and service_point_id = ${point.id} and ended_at is null for update`,
        );
        const existing = current[0];
        if (existing) {
          const until = isoDay(existing.valid_until);
          if (until === null || until >= today) throw new FieldValidationError({ servicePointId: 'registry.mandate.already' });
          await tx.execute(sql`update mandate set ended_at = now(), ended_by = ${actor.accountId}, updated_at = now() where id = ${existing.id}`);
          const ended = await endProfilesOfMandate(tx, settings, actor.accountId, program, organization, point.id);
          await recordAudit(tx, ctx, {
            action: 'registry.mandateRevoked',
            subjectType: 'mandate',
            subjectId: existing.id,
            details: { program: program.code, organizationId: organization.id, servicePointId: point.id, profilesEnded: ended, expired: true },
          });
        }
        const inserted = await queryRows<{ id: string }>(
          tx,
          sql`insert into mandate (program, organization_id, service_point_id, valid_until, granted_by)
              values (${program.code}, ${organization.id}, ${point.id}, ${input.validUntil}, ${actor.accountId}) returning id`,
        );
        const id = inserted[0]?.id;
        if (!id) throw new Error('mandate insert returned nothing');
        await recordAudit(tx, ctx, {
          action: 'registry.mandateGranted',
          subjectType: 'mandate',
          subjectId: id,
          details: { program: program.code, organizationId: organization.id, servicePointId: point.id, validUntil: input.validUntil },
        });
        return id;
      }),
    { unique: () => new FieldValidationError({ servicePointId: 'registry.mandate.already' }), check: () => new FieldValidationError({ servicePointId: 'registry.neq.own' }) },
  );
}

/** Revoking a mandate ends it and, in the same transaction, the Mandataire profiles given through it (`mandate_ended`). */
export async function revokeMandate(db: Db, ctx: Ctx, settings: RegistrySettings, programCode: string, mandateId: string): Promise<number> {
  return transaction(db, async (tx) => {
    const program = await programOrNotFound(tx, programCode);
    const organization = await managedOrganization(tx, ctx, program.code);
    const actor = signedInEnterprise(ctx);
    const rows = await queryRows<{ id: string; service_point_id: string; ended: boolean }>(
      tx,
      sql`select id, service_point_id, ended_at is not null as ended from mandate where id = ${mandateId} and program = ${program.code} and organization_id = ${organization.id} for update`,
    );
    const row = rows[0];
    if (!row) throw new NotFoundError();
    if (row.ended) throw new ConflictError('registry.mandate.alreadyRevoked');
    await tx.execute(sql`update mandate set ended_at = now(), ended_by = ${actor.accountId}, updated_at = now() where id = ${row.id}`);
    const ended = await endProfilesOfMandate(tx, settings, actor.accountId, program, organization, row.service_point_id);
    await recordAudit(tx, ctx, {
      action: 'registry.mandateRevoked',
      subjectType: 'mandate',
      subjectId: row.id,
      details: { program: program.code, organizationId: organization.id, servicePointId: row.service_point_id, profilesEnded: ended },
    });
    return ended;
  });
}

// ---------------------------------------------------------------------------------------------
// Service points: the mandatary manager's staff

export type ManagedServicePoint = { id: string; name: string; address: string; firmName: string; firmNeq: string; enterpriseId: string };

/** The service points the signed-in person manages for the program, by name. */
export async function managedServicePoints(db: Db, ctx: Ctx, program: string): Promise<ManagedServicePoint[]> {
  const actor = signedInEnterprise(ctx);
  const rows = await queryRows<{ id: string; name: string; address: string; firm_name: string; firm_neq: string; enterprise_id: string }>(
    db,
    sql`select sp.id, sp.name, sp.address, fe.legal_name as firm_name, fe.neq as firm_neq, sp.enterprise_id
        from mandatary_manager mm join service_point sp on sp.id = mm.service_point_id join registry_enterprise fe on fe.id = sp.enterprise_id
        where mm.account_id = ${actor.accountId} and mm.program = ${program} and mm.ended_at is null order by sp.name`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, address: r.address, firmName: r.firm_name, firmNeq: r.firm_neq, enterpriseId: r.enterprise_id }));
}

export type StaffEntry = { id: string; accountId: string; displayName: string; userCode: string | null; attachedByName: string; attachedAt: Date; endedByName: string | null; endedAt: Date | null };

/** The service point the actor manages (chosen, or the first), with its staff: current first, then the detached. */
export async function servicePointStaff(db: Db, ctx: Ctx, program: string, servicePointId?: string): Promise<{ points: ManagedServicePoint[]; point: ManagedServicePoint; staff: StaffEntry[] }> {
  const points = await managedServicePoints(db, ctx, program);
  const point = servicePointId ? points.find((p) => p.id === servicePointId) : points[0];
  if (!point) throw new ForbiddenError();
  await authorize(db, ctx.actor, registryActions.manageStaff, { program, servicePointId: point.id });
  const rows = await queryRows<{ id: string; account_id: string; display_name: string; user_code: string | null; attached_by_name: string; created_at: Date | string; ended_by_name: string | null; ended_at: Date | string | null }>(
    db,
    sql`select s.id, s.account_id, a.display_name, a.user_code, ab.display_name as attached_by_name, s.created_at, eb.display_name as ended_by_name, s.ended_at
        from service_point_staff s join account a on a.id = s.account_id join account ab on ab.id = s.attached_by left join account eb on eb.id = s.ended_by
        where s.program = ${program} and s.service_point_id = ${point.id}
        order by s.ended_at is null desc, a.display_name, s.created_at desc limit 1000`,
  );
  return {
    points,
    point,
    staff: rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      displayName: r.display_name,
      userCode: r.user_code,
      attachedByName: r.attached_by_name,
      attachedAt: asDate(r.created_at),
      endedByName: r.ended_by_name,
      endedAt: r.ended_at === null ? null : asDate(r.ended_at),
    })),
  };
}

/** Seed 004, 16: the mandatary manager attaches a member of the firm to the service point for the program. */
export async function attachStaff(db: Db, ctx: Ctx, programCode: string, servicePointId: string, userCode: string): Promise<string> {
  return refusalsAsErrors(
    () =>
      transaction(db, async (tx) => {
        const program = await programOrNotFound(tx, programCode);
        await authorize(tx, ctx.actor, registryActions.manageStaff, { program: program.code, servicePointId });
        const actor = signedInEnterprise(ctx);
        const points = await queryRows<{ enterprise_id: string }>(tx, sql`select enterprise_id from service_point where id = ${servicePointId}`);
        const point = points[0];
        if (!point) throw new NotFoundError();
        const person = await personToActOn(tx, userCode);
        if (person.enterpriseId !== point.enterprise_id) throw new FieldValidationError({ userCode: 'registry.staff.notMember' });
        const attached = await queryRows<{ service_point_id: string }>(
          tx,
          sql`select service_point_id from service_point_staff where program = ${program.code} and account_id = ${person.accountId} and ended_at is null`,
        );
        if (attached[0]) throw new FieldValidationError({ userCode: attached[0].service_point_id === servicePointId ? 'registry.staff.alreadyHere' : 'registry.staff.elsewhere' });
        const inserted = await queryRows<{ id: string }>(
          tx,
          sql`insert into service_point_staff (program, service_point_id, enterprise_id, account_id, attached_by)
              values (${program.code}, ${servicePointId}, ${point.enterprise_id}, ${person.accountId}, ${actor.accountId}) returning id`,
        );
        const id = inserted[0]?.id;
        if (!id) throw new Error('service_point_staff insert returned nothing');
        await recordAudit(tx, ctx, { action: 'registry.staffAttached', subjectType: 'service_point_staff', subjectId: id, details: { program: program.code, servicePointId, accountId: person.accountId } });
        return id;
      }),
    { unique: () => new FieldValidationError({ userCode: 'registry.staff.elsewhere' }), check: () => new FieldValidationError({ userCode: 'registry.staff.notMember' }) },
  );
}

/** One current attachment of a service point the actor manages (for the confirmation page). */
export async function staffEntryOf(db: Db, ctx: Ctx, program: string, staffId: string): Promise<{ point: ManagedServicePoint; entry: StaffEntry; profiles: number }> {
  const rows = await queryRows<{ service_point_id: string }>(db, sql`select service_point_id from service_point_staff where id = ${staffId} and program = ${program} and ended_at is null`);
  const row = rows[0];
  if (!row) throw new NotFoundError();
  const { point, staff } = await servicePointStaff(db, ctx, program, row.service_point_id);
  const entry = staff.find((s) => s.id === staffId);
  if (!entry) throw new NotFoundError();
  const counted = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from profile_grant where program = ${program} and service_point_id = ${point.id} and account_id = ${entry.accountId} and ended_at is null`,
  );
  return { point, entry, profiles: Number(counted[0]?.n ?? 0) };
}

/** Detaching ends the attachment and the person's Mandataire profiles given through this service point (`detached`). */
export async function detachStaff(db: Db, ctx: Ctx, settings: RegistrySettings, programCode: string, staffId: string): Promise<{ servicePointId: string; ended: number }> {
  return transaction(db, async (tx) => {
    const program = await programOrNotFound(tx, programCode);
    const actor = signedInEnterprise(ctx);
    const rows = await queryRows<{ id: string; service_point_id: string; account_id: string; ended: boolean }>(
      tx,
      sql`select id, service_point_id, account_id, ended_at is not null as ended from service_point_staff where id = ${staffId} and program = ${program.code} for update`,
    );
    const row = rows[0];
    if (!row) throw new NotFoundError();
    await authorize(tx, ctx.actor, registryActions.manageStaff, { program: program.code, servicePointId: row.service_point_id });
    if (row.ended) throw new ConflictError('registry.staff.alreadyDetached');
    await tx.execute(sql`update service_point_staff set ended_at = now(), ended_by = ${actor.accountId}, updated_at = now() where id = ${row.id}`);
    const ended = await queryRows<{ id: string; profile: Profile; organization_name: string }>(
      tx,
      sql`with ended as (
            update profile_grant set ended_at = now(), ended_by = ${actor.accountId}, end_reason = 'detached', updated_at = now()
            where program = ${program.code} and service_point_id = ${row.service_point_id} and account_id = ${row.account_id} and ended_at is null
            returning id, profile, organization_id)
          select ended.id, ended.profile, coalesce(mu.name, e.legal_name) as organization_name
          from ended join organization o on o.id = ended.organization_id join registry_enterprise e on e.id = o.enterprise_id
          left join municipality mu on mu.geographic_code = o.geographic_code`,
    );
    for (const grant of ended) {
      await mailPerson(tx, settings, 'ended', row.account_id, { program, organizationName: grant.organization_name, profile: grant.profile, reason: 'detached' });
    }
    await recordAudit(tx, ctx, {
      action: 'registry.staffDetached',
      subjectType: 'service_point_staff',
      subjectId: row.id,
      details: { program: program.code, servicePointId: row.service_point_id, accountId: row.account_id, profilesEnded: ended.length },
    });
    return { servicePointId: row.service_point_id, ended: ended.length };
  });
}

// ---------------------------------------------------------------------------------------------
// One's own access

export type HeldFunction = { organizationId: string; organizationName: string; function: RegistryFunction; since: Date };
export type HeldServicePoint = { servicePointId: string; servicePointName: string; firmName: string; since: Date };

export type ReceivedGrant = GrantHistory & {
  id: string;
  organizationName: string;
  /** For a current grant that does not count today: why. */
  notEffective: 'memberInactive' | 'mandateExpired' | 'mandateRevoked' | 'noMandate' | 'detached' | null;
};

export type OwnAccess = {
  program: RegistryProgram;
  /** What the person may open today, per organization (effectiveAccess). */
  effective: (OrganizationInfo & EffectiveAccess)[];
  grants: ReceivedGrant[];
  functions: HeldFunction[];
  managedServicePoints: HeldServicePoint[];
  attachment: HeldServicePoint | null;
  /** The organization the person's enterprise represents, if any. */
  organization: OrganizationInfo | null;
};

/** Everything the signed-in enterprise user holds in the program, and every grant they received. */
export async function ownAccess(db: Db, ctx: Ctx, programCode: string): Promise<OwnAccess> {
  await authorize(db, ctx.actor, registryActions.viewOwnAccess, undefined);
  const actor = signedInEnterprise(ctx);
  const program = await programOrNotFound(db, programCode);
  const today = todayInQuebec();
  const [effective, grantRows, functionRows, managerRows, staffRows, organization] = await Promise.all([
    accessibleOrganizations(db, actor.accountId, program.code, today),
    queryRows<GrantHistoryRow & { id: string; organization_name: string; member_active: boolean; mandate_state: 'running' | 'expired' | 'revoked' | null; attached: boolean }>(
      db,
      sql`select g.id, coalesce(mu.name, e.legal_name) as organization_name, ${grantHistoryColumns},
            exists (select 1 from enterprise_member m where m.enterprise_id = o.enterprise_id and m.account_id = g.account_id and m.active) as member_active,
            (select case when md.ended_at is not null then 'revoked' when md.valid_until < ${today}::date then 'expired' else 'running' end
               from mandate md where md.program = g.program and md.organization_id = g.organization_id and md.service_point_id = g.service_point_id
               order by md.ended_at is null desc, md.created_at desc limit 1) as mandate_state,
            exists (select 1 from service_point_staff s where s.program = g.program and s.service_point_id = g.service_point_id and s.account_id = g.account_id and s.ended_at is null) as attached
          from profile_grant g
          join organization o on o.id = g.organization_id join registry_enterprise e on e.id = o.enterprise_id
          left join municipality mu on mu.geographic_code = o.geographic_code
          ${grantHistoryJoins}
          where g.account_id = ${actor.accountId} and g.program = ${program.code}
          order by g.ended_at is null desc, g.created_at desc limit 500`,
    ),
    queryRows<{ organization_id: string; organization_name: string; fn: RegistryFunction; created_at: Date | string }>(
      db,
      sql`select f.organization_id, coalesce(mu.name, e.legal_name) as organization_name, f.function as fn, f.created_at
          from organization_function f join organization o on o.id = f.organization_id join registry_enterprise e on e.id = o.enterprise_id
          left join municipality mu on mu.geographic_code = o.geographic_code
          where f.account_id = ${actor.accountId} and f.program = ${program.code} and f.ended_at is null`,
    ),
    queryRows<{ service_point_id: string; service_point_name: string; firm_name: string; created_at: Date | string }>(
      db,
      sql`select mm.service_point_id, sp.name as service_point_name, fe.legal_name as firm_name, mm.created_at
          from mandatary_manager mm join service_point sp on sp.id = mm.service_point_id join registry_enterprise fe on fe.id = sp.enterprise_id
          where mm.account_id = ${actor.accountId} and mm.program = ${program.code} and mm.ended_at is null order by sp.name`,
    ),
    queryRows<{ service_point_id: string; service_point_name: string; firm_name: string; created_at: Date | string }>(
      db,
      sql`select s.service_point_id, sp.name as service_point_name, fe.legal_name as firm_name, s.created_at
          from service_point_staff s join service_point sp on sp.id = s.service_point_id join registry_enterprise fe on fe.id = sp.enterprise_id
          where s.account_id = ${actor.accountId} and s.program = ${program.code} and s.ended_at is null`,
    ),
    actorOrganization(db, ctx),
  ]);
  const heldPoint = (r: { service_point_id: string; service_point_name: string; firm_name: string; created_at: Date | string }): HeldServicePoint => ({
    servicePointId: r.service_point_id,
    servicePointName: r.service_point_name,
    firmName: r.firm_name,
    since: asDate(r.created_at),
  });
  const staffRow = staffRows[0];
  return {
    program,
    effective,
    grants: grantRows.map((r) => {
      let notEffective: ReceivedGrant['notEffective'] = null;
      if (r.ended_at === null) {
        if (!isMandataryProfile(r.profile)) notEffective = r.member_active ? null : 'memberInactive';
        else if (r.mandate_state !== 'running') notEffective = r.mandate_state === 'expired' ? 'mandateExpired' : r.mandate_state === 'revoked' ? 'mandateRevoked' : 'noMandate';
        else if (!r.attached) notEffective = 'detached';
      }
      return { ...grantHistory(r), id: r.id, organizationName: r.organization_name, notEffective };
    }),
    functions: functionRows.map((r) => ({ organizationId: r.organization_id, organizationName: r.organization_name, function: r.fn, since: asDate(r.created_at) })),
    managedServicePoints: managerRows.map(heldPoint),
    attachment: staffRow ? heldPoint(staffRow) : null,
    organization,
  };
}
