import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, isSignedIn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { pgErrorCode, queryRows, transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, NotFoundError, type FieldErrors } from '../../platform/errors.js';
import { isLang, type MessageKey } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { membershipOf } from '../enterprises/members.js';
import { accountSummaries, USER_CODE_PATTERN } from '../identity/service.js';
import {
  currentFunction,
  localManager,
  normalizeUserCode,
  organizationOfEnterprise,
  personByUserCode,
  registryProgramByCode,
  registryPrograms,
  supportDesk,
  type OrganizationInfo,
  type Person,
  type RegistryProgram,
} from './registry.js';
import { designationRequest, mandataryManager, organization, organizationFunction, servicePoint, servicePointStaff } from './schema.js';

/**
 * Designations of the registry (seed 004, 3 to 7 and 11 to 19): an organization's local manager or
 * a service point's mandatary manager is designated by form, never by phone, and the support desk
 * approves or refuses; a replacement goes the same way. The local manager names and removes the
 * deputies. The support desk sees, for a user code, everything it holds everywhere.
 */

export type Settings = { publicUrl: string };
export type DesignationRequest = typeof designationRequest.$inferSelect;

/** A signed-in enterprise user: the enterprise-specific checks follow once the target is known. */
const enterpriseUser: Rule<unknown> = (actor) => isSignedIn(actor) && actor.accountKind === 'enterprise';

export const designationActions = {
  submit: action<unknown>('registry.submitDesignation', enterpriseUser),
  decide: action<unknown>('registry.decideDesignation', supportDesk),
  manageDeputies: action<{ program: string; organizationId: string }>('registry.manageDeputies', localManager),
  viewUserRegistry: action<unknown>('registry.viewUserRegistry', supportDesk),
};

// ---------------------------------------------------------------------------------------------
// Reading what the forms name

export const GEOGRAPHIC_CODE = /^\d{5}$/;
export const NEQ = /^\d{10}$/;

/**
 * The person a form names by user code, or the field error to show: bad format, unknown code (the
 * person gets one from their RSE first), deactivated account, or not a member of the enterprise.
 */
async function designatedPerson(db: Db, field: string, userCode: string, enterpriseId: string | null, errors: FieldErrors): Promise<Person | null> {
  if (!USER_CODE_PATTERN.test(userCode)) {
    errors[field] = userCode === '' ? 'designation.userCode.required' : 'designation.userCode.invalid';
    return null;
  }
  const person = await personByUserCode(db, userCode);
  if (!person) errors[field] = 'designation.userCode.unknown';
  else if (!person.active) errors[field] = 'designation.userCode.deactivated';
  else if (enterpriseId !== null && person.enterpriseId !== enterpriseId) errors[field] = 'designation.userCode.notMember';
  else return person;
  return null;
}

type Municipality = { geographicCode: string; name: string; regionName: string };

async function municipalityByCode(db: Db, code: string): Promise<Municipality | null> {
  const rows = await queryRows<{ geographic_code: string; name: string; region_name: string }>(db, sql`select geographic_code, name, region_name from municipality where geographic_code = ${code}`);
  const row = rows[0];
  return row ? { geographicCode: row.geographic_code, name: row.name, regionName: row.region_name } : null;
}

async function enterpriseByNeq(db: Db, neq: string): Promise<{ id: string; legalName: string; neq: string } | null> {
  const rows = await queryRows<{ id: string; legal_name: string; neq: string }>(db, sql`select id, legal_name, neq from registry_enterprise where neq = ${neq}`);
  const row = rows[0];
  return row ? { id: row.id, legalName: row.legal_name, neq: row.neq } : null;
}

async function organizationByGeographicCode(db: Db, code: string): Promise<OrganizationInfo | null> {
  const [row] = await db.select({ enterpriseId: organization.enterpriseId }).from(organization).where(eq(organization.geographicCode, code));
  return row ? organizationOfEnterprise(db, row.enterpriseId) : null;
}

async function activeInMamh(db: Db, enterpriseId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from eservice_enrolment where enterprise_id = ${enterpriseId} and ministry = 'mamh' and state = 'active'`);
  return rows.length > 0;
}

export type ServicePointInfo = { id: string; name: string; address: string };

/** The service points of a firm, by name. */
export async function servicePointsOf(db: Db, enterpriseId: string): Promise<ServicePointInfo[]> {
  return db.select({ id: servicePoint.id, name: servicePoint.name, address: servicePoint.address }).from(servicePoint).where(eq(servicePoint.enterpriseId, enterpriseId)).orderBy(asc(servicePoint.name));
}

async function currentManagerOf(db: Db, program: string, organizationId: string): Promise<{ id: string; accountId: string } | null> {
  const [row] = await db
    .select({ id: organizationFunction.id, accountId: organizationFunction.accountId })
    .from(organizationFunction)
    .where(and(eq(organizationFunction.program, program), eq(organizationFunction.organizationId, organizationId), eq(organizationFunction.function, 'local_manager'), isNull(organizationFunction.endedAt)));
  return row ?? null;
}

async function currentMandataryManagerOf(db: Db, program: string, servicePointId: string): Promise<{ id: string; accountId: string } | null> {
  const [row] = await db
    .select({ id: mandataryManager.id, accountId: mandataryManager.accountId })
    .from(mandataryManager)
    .where(and(eq(mandataryManager.program, program), eq(mandataryManager.servicePointId, servicePointId), isNull(mandataryManager.endedAt)));
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// The forms: designation and replacement

export type TargetKind = 'municipality' | 'organism' | 'service_point';
export const targetKinds: readonly TargetKind[] = ['municipality', 'organism', 'service_point'];

export type DesignationInput = {
  targetKind: TargetKind;
  geographicCode: string;
  neq: string;
  /** An existing service point of the firm; null: a new one, with its name and address. */
  servicePointId: string | null;
  servicePointName: string;
  servicePointAddress: string;
  userCode: string;
  requesterName: string;
  requesterFunction: string;
};

/** What the review step shows and the confirmation stores, for one program. */
export type DesignationReview = {
  program: RegistryProgram;
  kind: 'local_manager' | 'mandatary_manager';
  replacement: boolean;
  enterpriseId: string;
  /** The organization's or firm's name; a municipality's name. */
  targetName: string;
  /** A municipality's region. */
  regionName: string | null;
  geographicCode: string | null;
  neq: string | null;
  organizationId: string | null;
  servicePointId: string | null;
  servicePointName: string;
  servicePointAddress: string;
  designated: Person;
  /** The name of the current holder a replacement ends. */
  currentHolderName: string | null;
  target: string;
};

/** The field that names the organization or firm: errors about it are shown there. */
function identifierField(kind: TargetKind): 'geographicCode' | 'neq' {
  return kind === 'municipality' ? 'geographicCode' : 'neq';
}

/**
 * Checks a designation or replacement form for one program and fills in what the review shows.
 * Every bad value is a field error (all at once); a pending form for the same target is a conflict.
 */
export async function reviewDesignation(db: Db, ctx: Ctx, programCode: string, input: DesignationInput, replacement: boolean): Promise<DesignationReview> {
  await authorize(db, ctx.actor, designationActions.submit, undefined);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const program = await registryProgramByCode(db, programCode);
  if (!program) throw new NotFoundError();
  const submitter = await membershipOf(db, ctx.actor.accountId);
  const errors: FieldErrors = {};
  const idField = identifierField(input.targetKind);
  let enterpriseId: string | null = null;
  let targetName = '';
  let regionName: string | null = null;
  let geographicCode: string | null = null;
  let neq: string | null = null;
  let org: OrganizationInfo | null = null;
  let servicePointId: string | null = null;
  let servicePointName = '';
  let servicePointAddress = '';

  if (input.targetKind === 'municipality') {
    const code = input.geographicCode.replace(/\s/g, '');
    if (!GEOGRAPHIC_CODE.test(code)) errors.geographicCode = code === '' ? 'designation.geographicCode.required' : 'designation.geographicCode.invalid';
    else {
      const found = await municipalityByCode(db, code);
      if (!found) errors.geographicCode = 'designation.geographicCode.unknown';
      else {
        geographicCode = code;
        targetName = found.name;
        regionName = found.regionName;
        org = await organizationByGeographicCode(db, code);
        // A municipality not yet in the registry is represented by the submitter's enterprise.
        enterpriseId = org?.enterpriseId ?? submitter?.enterpriseId ?? null;
        if (!org && submitter) {
          const already = await organizationOfEnterprise(db, submitter.enterpriseId);
          if (already) errors.geographicCode = 'designation.enterpriseIsOtherOrganization';
        }
      }
    }
  } else {
    const value = input.neq.replace(/\s/g, '');
    if (!NEQ.test(value)) errors.neq = value === '' ? 'designation.neq.required' : 'designation.neq.invalid';
    else {
      const found = await enterpriseByNeq(db, value);
      if (!found) errors.neq = 'designation.neq.unknown';
      else {
        neq = value;
        enterpriseId = found.id;
        targetName = found.legalName;
        if (input.targetKind === 'organism') {
          org = await organizationOfEnterprise(db, found.id);
          // An enterprise that is a municipality's is designated through its geographic code.
          if (org?.kind === 'municipality') geographicCode = org.identifier;
        }
      }
    }
  }

  if (enterpriseId && !errors[idField]) {
    if (!submitter || !submitter.active || submitter.enterpriseId !== enterpriseId) errors[idField] = 'designation.submitterNotMember';
    else if (!(await activeInMamh(db, enterpriseId))) errors[idField] = 'designation.notActiveInMamh';
  }

  if (input.targetKind === 'service_point' && enterpriseId && !errors.neq) {
    if (input.servicePointId) {
      const point = (await servicePointsOf(db, enterpriseId)).find((p) => p.id === input.servicePointId);
      if (!point) errors.servicePointId = 'designation.servicePoint.unknown';
      else {
        servicePointId = point.id;
        servicePointName = point.name;
        servicePointAddress = point.address;
      }
    } else {
      servicePointName = input.servicePointName.trim();
      servicePointAddress = input.servicePointAddress.trim();
      if (servicePointName === '') errors.servicePointName = 'designation.servicePoint.name.required';
      else if ((await servicePointsOf(db, enterpriseId)).some((p) => p.name.toLowerCase() === servicePointName.toLowerCase())) {
        errors.servicePointName = 'designation.servicePoint.name.taken';
      }
      if (servicePointAddress === '') errors.servicePointAddress = 'designation.servicePoint.address.required';
    }
  }

  const designated = await designatedPerson(db, 'userCode', normalizeUserCode(input.userCode), enterpriseId, errors);
  if (input.requesterName.trim() === '') errors.requesterName = 'designation.requesterName.required';
  if (input.requesterFunction.trim() === '') errors.requesterFunction = 'designation.requesterFunction.required';

  const kind = input.targetKind === 'service_point' ? 'mandatary_manager' : 'local_manager';
  let currentHolderName: string | null = null;
  if (!errors[idField] && !errors.servicePointId) {
    const holder = kind === 'local_manager' ? (org ? await currentManagerOf(db, program.code, org.id) : null) : servicePointId ? await currentMandataryManagerOf(db, program.code, servicePointId) : null;
    currentHolderName = holder ? ((await accountSummaries(db, [holder.accountId]))[0]?.displayName ?? null) : null;
    if (holder && !replacement) errors[kind === 'local_manager' ? idField : 'servicePointId'] = 'designation.useReplacement';
    else if (!holder && replacement) errors[kind === 'local_manager' ? idField : 'servicePointId'] = 'designation.noHolderToReplace';
    else if (holder && designated && holder.accountId === designated.accountId) errors.userCode = 'designation.alreadyHolder';
  }

  if (Object.keys(errors).length > 0 || !enterpriseId || !designated) throw new FieldValidationError(errors);
  const target =
    kind === 'mandatary_manager'
      ? servicePointId
        ? `service_point:${servicePointId}`
        : `new_service_point:${enterpriseId}:${servicePointName.toLowerCase()}`
      : geographicCode
        ? `municipality:${geographicCode}`
        : `enterprise:${enterpriseId}`;
  await refusePending(db, kind, program.code, target);
  return {
    program,
    kind,
    replacement,
    enterpriseId,
    targetName,
    regionName,
    geographicCode,
    neq,
    organizationId: org?.id ?? null,
    servicePointId,
    servicePointName,
    servicePointAddress,
    designated,
    currentHolderName,
    target,
  };
}

async function refusePending(db: Db, kind: DesignationReview['kind'], program: string, target: string): Promise<void> {
  const [pending] = await db
    .select({ id: designationRequest.id })
    .from(designationRequest)
    .where(and(eq(designationRequest.kind, kind), eq(designationRequest.program, program), eq(designationRequest.target, target), eq(designationRequest.state, 'pending')));
  if (pending) throw new ConflictError('designation.pending');
}

/** Runs a write; a unique violation or a trigger's refusal becomes the conflict message a person reads. */
async function orConflict<T>(work: () => Promise<T>, key: MessageKey): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = pgErrorCode(error);
    if (code === '23505' || code === '23514' || code === '23503') throw new ConflictError(key);
    throw error;
  }
}

async function mailPeople(
  tx: Db,
  accountIds: string[],
  content: { subject: MessageKey; paragraphs: MessageKey[]; link?: { label: MessageKey; url: string } },
  params: Record<string, string>,
): Promise<void> {
  for (const person of await accountSummaries(tx, [...new Set(accountIds)])) {
    if (!person.email) continue;
    await enqueueMail(tx, composeMail(isLang(person.language) ? person.language : 'fr', person.email, content, params));
  }
}

/**
 * Sends the form to the support desk, one row per program (a replacement may name several). The
 * checks run again inside the transaction; a form already pending for a target is a conflict.
 */
export async function submitDesignation(db: Db, ctx: Ctx, settings: Settings, programs: string[], input: DesignationInput, replacement: boolean): Promise<DesignationRequest[]> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, designationActions.submit, undefined);
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    if (programs.length === 0) throw new FieldValidationError({ programs: 'designation.programs.required' });
    const requestedBy = ctx.actor.accountId;
    const rows: DesignationRequest[] = [];
    for (const program of [...new Set(programs)]) {
      const review = await reviewDesignation(tx, ctx, program, input, replacement);
      const row = await orConflict(async () => {
        const [inserted] = await tx
          .insert(designationRequest)
          .values({
            kind: review.kind,
            replacement,
            program,
            enterpriseId: review.enterpriseId,
            geographicCode: review.geographicCode,
            servicePointId: review.servicePointId,
            servicePointName: review.servicePointId ? null : review.servicePointName || null,
            servicePointAddress: review.servicePointId ? null : review.servicePointAddress || null,
            designatedAccountId: review.designated.accountId,
            requestedBy,
            requesterName: input.requesterName.trim(),
            requesterFunction: input.requesterFunction.trim(),
            target: review.target,
          })
          .returning();
        if (!inserted) throw new Error('designation insert returned nothing');
        return inserted;
      }, 'designation.pending');
      await recordAudit(tx, ctx, {
        action: 'registry.designationSubmitted',
        subjectType: 'designation_request',
        subjectId: row.id,
        details: { program, kind: row.kind, replacement, target: row.target, designatedAccountId: row.designatedAccountId },
      });
      await mailPeople(
        tx,
        [requestedBy],
        { subject: 'designation.mail.submitted.subject', paragraphs: ['designation.mail.submitted.body'], link: { label: 'designation.mail.link', url: `${settings.publicUrl}/aide/${program}/designation` } },
        { name: review.targetName, person: review.designated.displayName },
      );
      rows.push(row);
    }
    return rows;
  });
}

// ---------------------------------------------------------------------------------------------
// The support desk's queue

export type QueueRow = DesignationRequest & {
  targetName: string;
  designatedName: string;
  designatedCode: string;
  requestedByName: string;
  neq: string;
  /** The service point's name and address: the existing point's, or the new one's as the form gave them. */
  servicePointLabel: string | null;
};

async function queueRows(db: Db, where: ReturnType<typeof sql>, order: ReturnType<typeof sql>, limit: number): Promise<QueueRow[]> {
  const rows = await queryRows<{ id: string; target_name: string; designated_name: string; designated_code: string; requested_by_name: string; neq: string; point_name: string | null; point_address: string | null }>(
    db,
    sql`select d.id, coalesce(mu.name, e.legal_name) as target_name, a.display_name as designated_name, coalesce(a.user_code, '') as designated_code,
               r.display_name as requested_by_name, e.neq,
               coalesce(sp.name, d.service_point_name) as point_name, coalesce(sp.address, d.service_point_address) as point_address
        from designation_request d
        left join service_point sp on sp.id = d.service_point_id
        join registry_enterprise e on e.id = d.enterprise_id
        left join municipality mu on mu.geographic_code = d.geographic_code
        join account a on a.id = d.designated_account_id
        join account r on r.id = d.requested_by
        where ${where} order by ${order} limit ${limit}`,
  );
  if (rows.length === 0) return [];
  const full = await db.select().from(designationRequest).where(sql`${designationRequest.id} in (${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)})`);
  const byId = new Map(full.map((r) => [r.id, r]));
  return rows.flatMap((r) => {
    const row = byId.get(r.id);
    const servicePointLabel = r.point_name === null ? null : `${r.point_name} — ${r.point_address ?? ''}`;
    return row
      ? [{ ...row, targetName: r.target_name, designatedName: r.designated_name, designatedCode: r.designated_code, requestedByName: r.requested_by_name, neq: r.neq, servicePointLabel }]
      : [];
  });
}

/** Pending forms first, oldest first; then the latest decisions. */
export async function designationQueue(db: Db, ctx: Ctx): Promise<{ pending: QueueRow[]; decided: QueueRow[] }> {
  await authorize(db, ctx.actor, designationActions.decide, undefined);
  const pending = await queueRows(db, sql`d.state = 'pending'`, sql`d.created_at asc`, 200);
  const decided = await queueRows(db, sql`d.state <> 'pending'`, sql`d.decided_at desc`, 50);
  return { pending, decided };
}

export type DesignationFile = QueueRow & { regionName: string | null; decidedByName: string | null; currentHolderName: string | null };

export async function designationFile(db: Db, ctx: Ctx, id: string): Promise<DesignationFile> {
  await authorize(db, ctx.actor, designationActions.decide, undefined);
  const [row] = await queueRows(db, sql`d.id = ${id}`, sql`d.created_at`, 1);
  if (!row) throw new NotFoundError();
  const extra = await queryRows<{ region_name: string | null; decided_by_name: string | null }>(
    db,
    sql`select mu.region_name, ag.display_name as decided_by_name from designation_request d
        left join municipality mu on mu.geographic_code = d.geographic_code left join account ag on ag.id = d.decided_by where d.id = ${id}`,
  );
  let holder: string | null = null;
  if (row.kind === 'local_manager') {
    const org = row.geographicCode ? await organizationByGeographicCode(db, row.geographicCode) : await organizationOfEnterprise(db, row.enterpriseId);
    holder = org ? ((await currentManagerOf(db, row.program, org.id))?.accountId ?? null) : null;
  } else if (row.servicePointId) {
    holder = (await currentMandataryManagerOf(db, row.program, row.servicePointId))?.accountId ?? null;
  }
  const [holderSummary] = holder ? await accountSummaries(db, [holder]) : [];
  return { ...row, regionName: extra[0]?.region_name ?? null, decidedByName: extra[0]?.decided_by_name ?? null, currentHolderName: holderSummary?.displayName ?? null };
}

export type DesignationDecision = { outcome: 'approve' } | { outcome: 'refuse'; reason: string };

/** Approval: the organization (and service point) created if needed, the former holder ended, the new one named. */
async function approve(tx: Db, ctx: Ctx, agentId: string, row: DesignationRequest): Promise<{ formerAccountId: string | null; targetId: string }> {
  if (row.kind === 'local_manager') {
    let org = row.geographicCode ? await organizationByGeographicCode(tx, row.geographicCode) : await organizationOfEnterprise(tx, row.enterpriseId);
    if (!org) {
      const [created] = await orConflict(
        () => tx.insert(organization).values({ kind: row.geographicCode ? 'municipality' : 'organism', geographicCode: row.geographicCode, enterpriseId: row.enterpriseId }).returning({ id: organization.id }),
        'designation.enterpriseIsOtherOrganization',
      );
      if (!created) throw new Error('organization insert returned nothing');
      org = await organizationOfEnterprise(tx, row.enterpriseId);
      if (!org) throw new Error('organization not found after insert');
      await recordAudit(tx, ctx, { action: 'registry.organizationCreated', subjectType: 'organization', subjectId: org.id, details: { kind: org.kind, identifier: org.identifier } });
    }
    if (org.enterpriseId !== row.enterpriseId) throw new ConflictError('designation.enterpriseIsOtherOrganization');
    const current = await currentManagerOf(tx, row.program, org.id);
    if (current && !row.replacement) throw new ConflictError('designation.managerExists');
    const now = new Date();
    if (current) {
      await tx.update(organizationFunction).set({ endedAt: now, endedBy: agentId }).where(eq(organizationFunction.id, current.id));
    }
    // A deputy who becomes the manager leaves the deputy's function first (one function per person).
    const held = await currentFunction(tx, row.designatedAccountId, row.program, org.id);
    if (held === 'deputy') {
      await tx
        .update(organizationFunction)
        .set({ endedAt: now, endedBy: agentId })
        .where(
          and(
            eq(organizationFunction.program, row.program),
            eq(organizationFunction.organizationId, org.id),
            eq(organizationFunction.accountId, row.designatedAccountId),
            isNull(organizationFunction.endedAt),
          ),
        );
    }
    await orConflict(
      () =>
        tx.insert(organizationFunction).values({
          program: row.program,
          organizationId: org.id,
          enterpriseId: org.enterpriseId,
          accountId: row.designatedAccountId,
          function: 'local_manager',
          namedBy: agentId,
        }),
      'designation.managerExists',
    );
    return { formerAccountId: current?.accountId ?? null, targetId: org.id };
  }
  let pointId = row.servicePointId;
  if (!pointId) {
    const [point] = await orConflict(
      () => tx.insert(servicePoint).values({ enterpriseId: row.enterpriseId, name: row.servicePointName ?? '', address: row.servicePointAddress ?? '' }).returning({ id: servicePoint.id }),
      'designation.servicePoint.name.taken',
    );
    if (!point) throw new Error('service point insert returned nothing');
    pointId = point.id;
  }
  const current = await currentMandataryManagerOf(tx, row.program, pointId);
  if (current && !row.replacement) throw new ConflictError('designation.managerExists');
  const now = new Date();
  if (current) await tx.update(mandataryManager).set({ endedAt: now, endedBy: agentId }).where(eq(mandataryManager.id, current.id));
  const servicePointIdValue = pointId;
  await orConflict(
    () => tx.insert(mandataryManager).values({ program: row.program, servicePointId: servicePointIdValue, enterpriseId: row.enterpriseId, accountId: row.designatedAccountId, namedBy: agentId }),
    'designation.managerExists',
  );
  // The mandatary manager is staff of the point too, so that a client can give them a Mandataire
  // profile (seed 004, 17); an attachment to another point of the program ends (one point per person).
  const [attached] = await tx
    .select({ id: servicePointStaff.id, servicePointId: servicePointStaff.servicePointId })
    .from(servicePointStaff)
    .where(and(eq(servicePointStaff.program, row.program), eq(servicePointStaff.accountId, row.designatedAccountId), isNull(servicePointStaff.endedAt)));
  if (attached && attached.servicePointId !== pointId) await tx.update(servicePointStaff).set({ endedAt: now, endedBy: agentId }).where(eq(servicePointStaff.id, attached.id));
  if (!attached || attached.servicePointId !== pointId) {
    await tx.insert(servicePointStaff).values({ program: row.program, servicePointId: pointId, enterpriseId: row.enterpriseId, accountId: row.designatedAccountId, attachedBy: agentId });
  }
  return { formerAccountId: current?.accountId ?? null, targetId: pointId };
}

/** A support agent approves or refuses a pending form; of two agents at once, the second gets a 409. */
export async function decideDesignation(db: Db, ctx: Ctx, settings: Settings, id: string, decision: DesignationDecision): Promise<DesignationRequest> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, designationActions.decide, undefined);
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const agentId = ctx.actor.accountId;
    const [row] = await tx.select().from(designationRequest).where(eq(designationRequest.id, id)).for('update');
    if (!row) throw new NotFoundError();
    if (row.state !== 'pending') throw new ConflictError('designation.alreadyDecided');
    const [file] = await queueRows(tx, sql`d.id = ${id}`, sql`d.created_at`, 1);
    const params = { name: file?.targetName ?? '', person: file?.designatedName ?? '', program: row.program, reason: decision.outcome === 'refuse' ? decision.reason : '' };
    if (decision.outcome === 'refuse') {
      const [refused] = await tx
        .update(designationRequest)
        .set({ state: 'refused', decidedBy: agentId, decidedAt: new Date(), refusalReason: decision.reason })
        .where(and(eq(designationRequest.id, id), eq(designationRequest.state, 'pending')))
        .returning();
      if (!refused) throw new ConflictError('designation.alreadyDecided');
      await recordAudit(tx, ctx, { action: 'registry.designationRefused', subjectType: 'designation_request', subjectId: id, details: { program: row.program, kind: row.kind, reason: decision.reason } });
      await mailPeople(tx, [row.requestedBy, row.designatedAccountId], { subject: 'designation.mail.refused.subject', paragraphs: ['designation.mail.refused.body', 'designation.mail.refused.reason'] }, params);
      return refused;
    }
    const { formerAccountId, targetId } = await approve(tx, ctx, agentId, row);
    const [approved] = await tx
      .update(designationRequest)
      .set({ state: 'approved', decidedBy: agentId, decidedAt: new Date() })
      .where(and(eq(designationRequest.id, id), eq(designationRequest.state, 'pending')))
      .returning();
    if (!approved) throw new ConflictError('designation.alreadyDecided');
    await recordAudit(tx, ctx, {
      action: 'registry.designationApproved',
      subjectType: 'designation_request',
      subjectId: id,
      details: { program: row.program, kind: row.kind, replacement: row.replacement, targetId, designatedAccountId: row.designatedAccountId },
    });
    if (formerAccountId) {
      await recordAudit(tx, ctx, {
        action: 'registry.managerReplaced',
        subjectType: row.kind === 'local_manager' ? 'organization' : 'service_point',
        subjectId: targetId,
        details: { program: row.program, kind: row.kind, formerAccountId, newAccountId: row.designatedAccountId, designationId: id },
      });
    }
    await mailPeople(
      tx,
      [row.requestedBy, row.designatedAccountId],
      {
        subject: 'designation.mail.approved.subject',
        paragraphs: [row.kind === 'local_manager' ? 'designation.mail.approved.localManager' : 'designation.mail.approved.mandataryManager'],
        link: { label: 'designation.mail.link', url: `${settings.publicUrl}/aide/${row.program}/adjoints` },
      },
      params,
    );
    return approved;
  });
}

// ---------------------------------------------------------------------------------------------
// Deputies

export type FunctionRow = { id: string; accountId: string; displayName: string; userCode: string; namedByName: string; createdAt: Date };

export type DeputiesView = { program: RegistryProgram; organization: OrganizationInfo; deputies: FunctionRow[] };

/**
 * The organization whose function the signed-in person holds in the program, and that function;
 * null when they hold none (the page says so).
 */
export async function ownFunction(db: Db, ctx: Ctx, programCode: string): Promise<{ program: RegistryProgram; organization: OrganizationInfo | null; held: 'local_manager' | 'deputy' | null }> {
  if (!isSignedIn(ctx.actor) || ctx.actor.accountKind !== 'enterprise') throw new ForbiddenError();
  const program = await registryProgramByCode(db, programCode);
  if (!program) throw new NotFoundError();
  const m = await membershipOf(db, ctx.actor.accountId);
  if (!m?.active) return { program, organization: null, held: null };
  const org = await organizationOfEnterprise(db, m.enterpriseId);
  const held = org ? await currentFunction(db, ctx.actor.accountId, program.code, org.id) : null;
  return { program, organization: org, held };
}

export async function listDeputies(db: Db, ctx: Ctx, program: string, organizationId: string): Promise<FunctionRow[]> {
  await authorize(db, ctx.actor, designationActions.manageDeputies, { program, organizationId });
  const rows = await queryRows<{ id: string; account_id: string; display_name: string; user_code: string | null; named_by_name: string; created_at: Date | string }>(
    db,
    sql`select f.id, f.account_id, a.display_name, a.user_code, n.display_name as named_by_name, f.created_at
        from organization_function f join account a on a.id = f.account_id join account n on n.id = f.named_by
        where f.program = ${program} and f.organization_id = ${organizationId} and f.function = 'deputy' and f.ended_at is null
        order by a.display_name`,
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, displayName: r.display_name, userCode: r.user_code ?? '', namedByName: r.named_by_name, createdAt: new Date(r.created_at) }));
}

/** Only the local manager names a deputy (a deputy may not: the database refuses it too), an active member of the organization. */
export async function nameDeputy(db: Db, ctx: Ctx, settings: Settings, program: string, organizationId: string, userCode: string): Promise<void> {
  await transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, designationActions.manageDeputies, { program, organizationId });
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const namedBy = ctx.actor.accountId;
    const [org] = await tx.select({ enterpriseId: organization.enterpriseId }).from(organization).where(eq(organization.id, organizationId));
    if (!org) throw new NotFoundError();
    const errors: FieldErrors = {};
    const person = await designatedPerson(tx, 'userCode', normalizeUserCode(userCode), org.enterpriseId, errors);
    if (person && (await currentFunction(tx, person.accountId, program, organizationId))) errors.userCode = 'designation.deputy.alreadyHolds';
    if (!person || Object.keys(errors).length > 0) throw new FieldValidationError(errors);
    const [row] = await orConflict(
      () =>
        tx
          .insert(organizationFunction)
          .values({ program, organizationId, enterpriseId: org.enterpriseId, accountId: person.accountId, function: 'deputy', namedBy })
          .returning({ id: organizationFunction.id }),
      'designation.deputy.alreadyHolds',
    );
    await recordAudit(tx, ctx, { action: 'registry.deputyNamed', subjectType: 'organization_function', subjectId: row?.id, details: { program, organizationId, accountId: person.accountId } });
    await mailPeople(
      tx,
      [person.accountId],
      { subject: 'designation.mail.deputyNamed.subject', paragraphs: ['designation.mail.deputyNamed.body'], link: { label: 'designation.mail.link', url: `${settings.publicUrl}/aide/${program}/adjoints` } },
      { person: person.displayName },
    );
  });
}

/** A current deputy of the organization, for the removal's confirmation page. */
export async function deputyOf(db: Db, ctx: Ctx, program: string, organizationId: string, functionId: string): Promise<FunctionRow> {
  const deputy = (await listDeputies(db, ctx, program, organizationId)).find((d) => d.id === functionId);
  if (!deputy) throw new NotFoundError();
  return deputy;
}

export async function removeDeputy(db: Db, ctx: Ctx, program: string, organizationId: string, functionId: string): Promise<void> {
  await transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, designationActions.manageDeputies, { program, organizationId });
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const [ended] = await tx
      .update(organizationFunction)
      .set({ endedAt: new Date(), endedBy: ctx.actor.accountId })
      .where(
        and(
          eq(organizationFunction.id, functionId),
          eq(organizationFunction.program, program),
          eq(organizationFunction.organizationId, organizationId),
          eq(organizationFunction.function, 'deputy'),
          isNull(organizationFunction.endedAt),
        ),
      )
      .returning({ accountId: organizationFunction.accountId });
    if (!ended) throw new NotFoundError();
    await recordAudit(tx, ctx, { action: 'registry.deputyRemoved', subjectType: 'organization_function', subjectId: functionId, details: { program, organizationId, accountId: ended.accountId } });
  });
}

// ---------------------------------------------------------------------------------------------
// The support desk's view of a user code

export type RegistryEntry = {
  kind: 'local_manager' | 'deputy' | 'mandatary_manager' | 'staff' | 'profile';
  program: string;
  /** The organization's name, or the firm's for a service point. */
  place: string;
  /** The service point's name, when there is one. */
  servicePoint: string | null;
  profile: string | null;
  grantedByName: string;
  grantedAt: Date;
  endedAt: Date | null;
  endedByName: string | null;
};

export type UserRegistry = { person: Person; enterpriseName: string | null; entries: RegistryEntry[] };

/** Every function, attachment and profile a user code holds or held, everywhere, newest first. */
export async function userRegistry(db: Db, ctx: Ctx, userCode: string): Promise<UserRegistry> {
  await authorize(db, ctx.actor, designationActions.viewUserRegistry, undefined);
  const errors: FieldErrors = {};
  const person = await (async () => {
    const code = normalizeUserCode(userCode);
    if (!USER_CODE_PATTERN.test(code)) {
      errors.code = code === '' ? 'designation.userCode.required' : 'designation.userCode.invalid';
      return null;
    }
    const found = await personByUserCode(db, code);
    if (!found) errors.code = 'designation.support.unknownCode';
    return found;
  })();
  if (!person) throw new FieldValidationError(errors);
  const orgName = sql`(select coalesce(mu.name, e.legal_name) from organization o join registry_enterprise e on e.id = o.enterprise_id left join municipality mu on mu.geographic_code = o.geographic_code where o.id = x.organization_id)`;
  const firmName = sql`(select e.legal_name from service_point p join registry_enterprise e on e.id = p.enterprise_id where p.id = x.service_point_id)`;
  const pointName = sql`(select p.name from service_point p where p.id = x.service_point_id)`;
  const rows = await queryRows<{ kind: RegistryEntry['kind']; program: string; place: string | null; service_point: string | null; profile: string | null; by_name: string; created_at: string | Date; ended_at: string | Date | null; ended_by_name: string | null }>(
    db,
    sql`select * from (
          select x.function::text as kind, x.program, ${orgName} as place, null::text as service_point, null::text as profile, x.named_by as by, x.created_at, x.ended_at, x.ended_by
            from organization_function x where x.account_id = ${person.accountId}
          union all
          select 'mandatary_manager', x.program, ${firmName}, ${pointName}, null, x.named_by, x.created_at, x.ended_at, x.ended_by
            from mandatary_manager x where x.account_id = ${person.accountId}
          union all
          select 'staff', x.program, ${firmName}, ${pointName}, null, x.attached_by, x.created_at, x.ended_at, x.ended_by
            from service_point_staff x where x.account_id = ${person.accountId}
          union all
          select 'profile', x.program, ${orgName}, ${pointName}, x.profile::text, x.granted_by, x.created_at, x.ended_at, x.ended_by
            from profile_grant x where x.account_id = ${person.accountId}
        ) r
        cross join lateral (select display_name as by_name from account where id = r.by) b
        left join lateral (select display_name as ended_by_name from account where id = r.ended_by) eb on true
        order by (r.ended_at is null) desc, r.created_at desc`,
  );
  const enterprise = person.enterpriseId ? await queryRows<{ legal_name: string }>(db, sql`select legal_name from registry_enterprise where id = ${person.enterpriseId}`) : [];
  return {
    person,
    enterpriseName: enterprise[0]?.legal_name ?? null,
    entries: rows.map((r) => ({
      kind: r.kind,
      program: r.program,
      place: r.place ?? '',
      servicePoint: r.service_point,
      profile: r.profile,
      grantedByName: r.by_name,
      grantedAt: new Date(r.created_at),
      endedAt: r.ended_at === null ? null : new Date(r.ended_at),
      endedByName: r.ended_by_name,
    })),
  };
}

export type FormContext = { program: RegistryProgram; programs: RegistryProgram[]; points: ServicePointInfo[]; mine: DesignationRequest[] };

/** What the form pages show: the programs, the service points of the person's firm, the forms they sent. */
export async function designationFormContext(db: Db, ctx: Ctx, programCode: string): Promise<FormContext> {
  await authorize(db, ctx.actor, designationActions.submit, undefined);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const program = await registryProgramByCode(db, programCode);
  if (!program) throw new NotFoundError();
  const m = await membershipOf(db, ctx.actor.accountId);
  return {
    program,
    programs: await registryPrograms(db),
    points: m?.active ? await servicePointsOf(db, m.enterpriseId) : [],
    mine: await mySubmissions(db, ctx, program.code),
  };
}

/** The latest forms a person sent, for the form page (what happened to them). */
export async function mySubmissions(db: Db, ctx: Ctx, program: string): Promise<DesignationRequest[]> {
  if (!isSignedIn(ctx.actor)) return [];
  return db
    .select()
    .from(designationRequest)
    .where(and(eq(designationRequest.requestedBy, ctx.actor.accountId), eq(designationRequest.program, program)))
    .orderBy(desc(designationRequest.createdAt))
    .limit(20);
}
