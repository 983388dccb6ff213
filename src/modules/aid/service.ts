import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { action, authorize, isSignedIn } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError, NotFoundError, type FieldErrors } from '../../platform/errors.js';
import { accessibleOrganizations, effectiveAccess, holdsProfile, organizationById, writeProfiles, type EffectiveAccess, type OrganizationInfo } from '../access/registry.js';
import { agentWithRole } from '../identity/agents.js';
import { fieldById, type RequestFacts } from '../requests/program.js';
import { request, requestValue } from '../requests/schema.js';
import {
  addComment,
  canOnRequest,
  closeRequest,
  createRequest,
  InvalidValueError,
  loadRequest,
  markCompliant,
  requestResource,
  saveValue,
  StaleValueError,
  transmit,
  validateValue,
  valueKey,
  MAX_ROWS,
  type CommentInput,
  type CommentView,
  type EngineSettings,
  type RequestRow,
  type RequestState,
  type RequestView,
} from '../requests/service.js';
import { AID_DIRECTORATE, AID_PROGRAM_ID, aidChecks, aidProgram, tables, type AidCheck, type TableId } from './program.js';
import { aidRequest } from './schema.js';

/**
 * The aid program's operations on top of the engine: the provider's space (the organizations a
 * person may act for), creation for an organization, the steps' forms, and the ministry's queue
 * and decisions. The engine checks the program's rules (`program.ts`) on every request.
 */

/** The program has no request-dependent rule: every field is shown and required as defined. */
export const aidFacts: RequestFacts = { attributes: {} };

const mamhAgent = agentWithRole('mamh');
export const aidActions = {
  queue: action<undefined>('aid.review.queue', mamhAgent),
};

// ---------------------------------------------------------------------------------------------
// The provider's space

export type AidSpace = {
  /** Every organization whose files the person may open today, with the profile held. */
  organizations: (OrganizationInfo & EffectiveAccess)[];
  /** Those where the person may create requests (a Rédaction profile). */
  writable: (OrganizationInfo & EffectiveAccess)[];
};

/**
 * The organizations a signed-in enterprise user acts for in the program; without any profile the
 * person is refused with how to get one (from the organization's local access manager).
 */
export async function aidSpace(db: Db, ctx: Ctx): Promise<AidSpace> {
  if (!isSignedIn(ctx.actor) || ctx.actor.accountKind !== 'enterprise') throw new ForbiddenError();
  const organizations = await accessibleOrganizations(db, ctx.actor.accountId, AID_PROGRAM_ID);
  if (organizations.length === 0) throw new ForbiddenError('aid.error.noProfile');
  return { organizations, writable: organizations.filter((o) => writeProfiles.includes(o.profile)) };
}

export type AidListRow = {
  id: string;
  number: string;
  state: RequestState;
  organizationName: string;
  title: string;
  createdAt: Date;
  changedAt: Date;
  lastSubmittedAt: Date | null;
};

/** The requests of the person's organizations, the latest change first. */
export async function aidRequestList(db: Db, space: AidSpace): Promise<AidListRow[]> {
  const names = new Map(space.organizations.map((o) => [o.id, o.name]));
  if (names.size === 0) return [];
  const rows = await db
    .select({
      id: request.id,
      number: request.number,
      state: request.state,
      organizationId: aidRequest.organizationId,
      title: requestValue.value,
      createdAt: request.createdAt,
      changedAt: request.changedAt,
      lastSubmittedAt: request.lastSubmittedAt,
    })
    .from(aidRequest)
    .innerJoin(request, eq(request.id, aidRequest.requestId))
    .leftJoin(requestValue, and(eq(requestValue.requestId, request.id), eq(requestValue.fieldId, 'project.title'), eq(requestValue.row, 0)))
    .where(and(inArray(aidRequest.organizationId, [...names.keys()]), eq(request.program, AID_PROGRAM_ID)))
    .orderBy(desc(request.changedAt), desc(request.id))
    .limit(500);
  return rows.map((r) => ({ ...r, organizationName: names.get(r.organizationId) ?? '', title: r.title ?? '' }));
}

export type NewAidRequest = { organizationId: string; creationKey: string };

/**
 * A draft for an organization where the person holds a Rédaction profile today: the engine's
 * request (numbered by the DGI, its enterprise the organization's) and the aid row, in one
 * transaction. A double submit of the form finds the request already made.
 */
export async function createAidRequest(db: Db, ctx: Ctx, input: NewAidRequest): Promise<{ requestId: string; created: boolean }> {
  return transaction(db, async (tx) => {
    const organization = await organizationById(tx, input.organizationId);
    if (!organization) throw new FieldValidationError({ organizationId: 'aid.create.organization.required' });
    await authorize(tx, ctx.actor, action('aid.create', holdsProfile(...writeProfiles)), { program: AID_PROGRAM_ID, organizationId: organization.id });
    const { request: row, created } = await createRequest(tx, ctx, aidProgram, { enterpriseId: organization.enterpriseId, directorateCode: AID_DIRECTORATE, creationKey: input.creationKey });
    if (created) await tx.insert(aidRequest).values({ requestId: row.id, organizationId: organization.id });
    return { requestId: row.id, created };
  });
}

// ---------------------------------------------------------------------------------------------
// One request

export type AidRequestPage = {
  view: RequestView;
  organization: OrganizationInfo;
  checks: AidCheck[];
  permitted: { edit: boolean; sign: boolean; review: boolean };
  /** The reader's profile on the organization (null for an agent): a mandatary is told who transmits. */
  profile: EffectiveAccess['profile'] | null;
};

async function organizationOf(db: Db, requestId: string): Promise<OrganizationInfo> {
  const [row] = await db.select({ organizationId: aidRequest.organizationId }).from(aidRequest).where(eq(aidRequest.requestId, requestId));
  const organization = row ? await organizationById(db, row.organizationId) : null;
  if (!organization) throw new NotFoundError();
  return organization;
}

/** A request with what its pages show, for a person allowed to read it (checked by the engine first). */
export async function aidRequestPage(db: Db, ctx: Ctx, requestId: string): Promise<AidRequestPage> {
  const view = await loadRequest(db, ctx, aidProgram, requestId);
  const organization = await organizationOf(db, requestId);
  const row = view.request;
  const access = isSignedIn(ctx.actor) && ctx.actor.accountKind === 'enterprise' ? await effectiveAccess(db, ctx.actor.accountId, AID_PROGRAM_ID, organization.id) : null;
  return {
    view,
    organization,
    checks: aidChecks(view.values),
    permitted: {
      edit: await canOnRequest(db, ctx, aidProgram, 'edit', row),
      sign: await canOnRequest(db, ctx, aidProgram, 'sign', row),
      review: await canOnRequest(db, ctx, aidProgram, 'review', row),
    },
    profile: access?.profile ?? null,
  };
}

/** The rows of a table in use (a value in one of its fields), in row order. */
export function tableRows(values: ReadonlyMap<string, { readonly value: string }>, table: TableId): number[] {
  const group = tables[table];
  const rows = new Set<number>();
  for (const [key, stored] of values) {
    const [fieldId = '', row = '0'] = key.split('#');
    if ((fieldId === group.first || fieldId === group.amount) && stored.value !== '') rows.add(Number(row));
  }
  return [...rows].sort((a, b) => a - b);
}

/** One value posted by a step's form: the field, its row, and the version the page was loaded with. */
export type FieldSave = { fieldId: string; row: number; value: string; expectedVersion: number };

/** The form's name of a value: the field's id, with `.row` for a table's field. */
export function inputName(fieldId: string, row: number): string {
  return fieldId.startsWith('costs.') || fieldId.startsWith('financing.') ? `${fieldId}.${row}` : fieldId;
}

/**
 * Rules across the values of one step: the end date not before the start date (as posted, or as
 * stored when not posted), and a table's row complete (a description with no amount is an error
 * on the amount, and the other way round).
 */
function stepErrors(saves: readonly FieldSave[], view: RequestView): FieldErrors {
  const errors: FieldErrors = {};
  const posted = new Map(saves.map((s) => [valueKey(s.fieldId, s.row), s.value.trim()]));
  const current = (fieldId: string, row: number) => posted.get(valueKey(fieldId, row)) ?? view.values.get(valueKey(fieldId, row))?.value ?? '';
  const dateField = fieldById(aidProgram, 'project.startDate');
  if (dateField && (posted.has('project.startDate#0') || posted.has('project.endDate#0'))) {
    const start = validateValue(dateField, current('project.startDate', 0), aidFacts);
    const end = validateValue(dateField, current('project.endDate', 0), aidFacts);
    if (start.ok && end.ok && start.value !== '' && end.value !== '' && end.value < start.value) errors['project.endDate'] = 'aid.field.endDate.beforeStart';
  }
  for (const group of Object.values(tables)) {
    const rows = new Set(saves.filter((s) => s.fieldId === group.first || s.fieldId === group.amount).map((s) => s.row));
    for (const row of rows) {
      const first = current(group.first, row);
      const amount = current(group.amount, row);
      if (first !== '' && amount === '') errors[inputName(group.amount, row)] = 'aid.table.amountRequired';
      if (first === '' && amount !== '') errors[inputName(group.first, row)] = 'aid.table.firstRequired';
    }
  }
  return errors;
}

export type StepSaveResult = { errors: FieldErrors; params: Record<string, Record<string, string | number>> };

/**
 * A step's form: the program's cross-field rules first, then each changed value saved through the
 * engine (its type, bounds and stale-page checks). Errors are per input so the page shows them all
 * with what was typed; the values without error are saved.
 */
export async function saveAidStep(db: Db, ctx: Ctx, requestId: string, saves: readonly FieldSave[]): Promise<StepSaveResult> {
  await requestResource(db, ctx, aidProgram, requestId, 'edit');
  const view = await loadRequest(db, ctx, aidProgram, requestId);
  const errors = stepErrors(saves, view);
  const params: StepSaveResult['params'] = {};
  for (const save of saves) {
    const name = inputName(save.fieldId, save.row);
    if (errors[name]) continue;
    if (save.row < 0 || save.row >= MAX_ROWS) throw new FieldValidationError({ [name]: 'requests.error.row' });
    const stored = view.values.get(valueKey(save.fieldId, save.row));
    if ((stored?.value ?? '') === save.value.trim()) continue;
    try {
      await saveValue(db, ctx, aidProgram, requestId, { ...save, facts: aidFacts });
    } catch (error) {
      if (error instanceof StaleValueError) errors[name] = 'aid.error.stale';
      else if (error instanceof InvalidValueError) {
        errors[name] = error.reason;
        params[name] = error.reasonParams;
      } else throw error;
    }
  }
  return { errors, params };
}

/** Transmission by a Requérant – Rédaction (the engine checks the right, receivability and the program's rule). */
export async function transmitAidRequest(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string): Promise<RequestRow> {
  return transmit(db, ctx, settings, aidProgram, requestId, aidFacts);
}

// ---------------------------------------------------------------------------------------------
// The ministry's side

export const queueTabs = ['transmises', 'commentaires', 'conformes', 'terminees'] as const;
export type QueueTab = (typeof queueTabs)[number];
const tabStates: Record<QueueTab, RequestState> = { transmises: 'submitted', commentaires: 'commented', conformes: 'compliant', terminees: 'closed' };

export type QueueRow = { id: string; number: string; state: RequestState; organizationName: string; organizationIdentifier: string; title: string; lastSubmittedAt: Date | null };

/** The program's requests in one state, the oldest transmission first (the order they are analysed in). */
export async function aidQueue(db: Db, ctx: Ctx, tab: QueueTab): Promise<QueueRow[]> {
  await authorize(db, ctx.actor, aidActions.queue, undefined);
  const rows = await db
    .select({ id: request.id, number: request.number, state: request.state, organizationId: aidRequest.organizationId, title: requestValue.value, lastSubmittedAt: request.lastSubmittedAt })
    .from(request)
    .innerJoin(aidRequest, eq(aidRequest.requestId, request.id))
    .leftJoin(requestValue, and(eq(requestValue.requestId, request.id), eq(requestValue.fieldId, 'project.title'), eq(requestValue.row, 0)))
    .where(and(eq(request.program, AID_PROGRAM_ID), eq(request.state, tabStates[tab])))
    .orderBy(asc(request.lastSubmittedAt), asc(request.id))
    .limit(200);
  const organizations = new Map<string, OrganizationInfo | null>();
  for (const r of rows) if (!organizations.has(r.organizationId)) organizations.set(r.organizationId, await organizationById(db, r.organizationId));
  return rows.map((r) => {
    const organization = organizations.get(r.organizationId);
    return { id: r.id, number: r.number, state: r.state, organizationName: organization?.name ?? '', organizationIdentifier: organization?.identifier ?? '', title: r.title ?? '', lastSubmittedAt: r.lastSubmittedAt };
  });
}

/** The agent's page of a request: the review right first; a draft is the organization's own until transmitted. */
export async function aidReviewPage(db: Db, ctx: Ctx, requestId: string): Promise<AidRequestPage> {
  const row = await requestResource(db, ctx, aidProgram, requestId, 'review');
  if (row.state === 'draft') throw new NotFoundError();
  return aidRequestPage(db, ctx, requestId);
}

/** A comment on a field or a document type (→ Commentaires; the organization's Rédaction people are mailed). */
export async function commentAidRequest(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string, input: CommentInput): Promise<CommentView> {
  return addComment(db, ctx, settings, aidProgram, requestId, input);
}

/** Conforme: the request is admissible and accepted for analysis. */
export async function markAidCompliant(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string): Promise<RequestRow> {
  return markCompliant(db, ctx, settings, aidProgram, requestId);
}

/** Terminée: an agent closes a compliant request, always with the reason (the analysis's outcome). */
export async function closeAidRequest(db: Db, ctx: Ctx, settings: EngineSettings, requestId: string, reason: string): Promise<RequestRow> {
  await requestResource(db, ctx, aidProgram, requestId, 'review');
  const note = reason.trim();
  if (note === '') throw new FieldValidationError({ note: 'aid.review.close.reason.required' });
  return closeRequest(db, ctx, settings, aidProgram, requestId, { note });
}
