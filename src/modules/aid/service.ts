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
import { evaluateChecks, tableOfField, type AidCheckResult, type AidProgram } from './definition.js';
import { aidProgramByCode } from './programs/index.js';
import { aidRequest } from './schema.js';

/**
 * The operations of every aid program on top of the engine: the provider's space (the
 * organizations a person may act for in the program), creation for an organization, the steps'
 * forms, and the ministry's queue and decisions. The engine checks the program's rules
 * (`definition.ts`) on every request.
 */

/** The aid programs have no request-dependent rule: every field is shown and required as defined. */
export const aidFacts: RequestFacts = { attributes: {} };

const mamhAgent = agentWithRole('mamh');
export const aidActions = {
  queue: action<undefined>('aid.review.queue', mamhAgent),
};

// ---------------------------------------------------------------------------------------------
// The provider's space

export type AidSpace = {
  program: AidProgram;
  /** Every organization whose files the person may open today in the program, with the profile held. */
  organizations: (OrganizationInfo & EffectiveAccess)[];
  /** Those where the person may create requests (a Rédaction profile). */
  writable: (OrganizationInfo & EffectiveAccess)[];
};

/**
 * The organizations a signed-in enterprise user acts for in the program; without any profile the
 * person is refused with how to get one (from the organization's local access manager).
 */
export async function aidSpace(db: Db, ctx: Ctx, program: AidProgram): Promise<AidSpace> {
  if (!isSignedIn(ctx.actor) || ctx.actor.accountKind !== 'enterprise') throw new ForbiddenError();
  const organizations = await accessibleOrganizations(db, ctx.actor.accountId, program.id);
  if (organizations.length === 0) throw new ForbiddenError('aid.error.noProfile');
  return { program, organizations, writable: organizations.filter((o) => writeProfiles.includes(o.profile)) };
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

/** The program's requests of the person's organizations, the latest change first. */
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
    .leftJoin(requestValue, and(eq(requestValue.requestId, request.id), eq(requestValue.fieldId, space.program.aid.titleField), eq(requestValue.row, 0)))
    .where(and(inArray(aidRequest.organizationId, [...names.keys()]), eq(request.program, space.program.id)))
    .orderBy(desc(request.changedAt), desc(request.id))
    .limit(500);
  return rows.map((r) => ({ ...r, organizationName: names.get(r.organizationId) ?? '', title: r.title ?? '' }));
}

export type NewAidRequest = { organizationId: string; creationKey: string };

/**
 * A draft for an organization where the person holds a Rédaction profile today in the program:
 * the engine's request (numbered by the program's directorate, its enterprise the organization's)
 * and the aid row, in one transaction. A double submit of the form finds the request already made.
 */
export async function createAidRequest(db: Db, ctx: Ctx, program: AidProgram, input: NewAidRequest): Promise<{ requestId: string; created: boolean }> {
  return transaction(db, async (tx) => {
    const organization = await organizationById(tx, input.organizationId);
    if (!organization) throw new FieldValidationError({ organizationId: 'aid.create.organization.required' });
    await authorize(tx, ctx.actor, action('aid.create', holdsProfile(...writeProfiles)), { program: program.id, organizationId: organization.id });
    const { request: row, created } = await createRequest(tx, ctx, program, { enterpriseId: organization.enterpriseId, directorateCode: program.aid.directorate, creationKey: input.creationKey });
    if (created) await tx.insert(aidRequest).values({ requestId: row.id, organizationId: organization.id });
    return { requestId: row.id, created };
  });
}

// ---------------------------------------------------------------------------------------------
// One request

export type AidRequestPage = {
  program: AidProgram;
  view: RequestView;
  organization: OrganizationInfo;
  checks: AidCheckResult[];
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
export async function aidRequestPage(db: Db, ctx: Ctx, program: AidProgram, requestId: string): Promise<AidRequestPage> {
  const view = await loadRequest(db, ctx, program, requestId);
  const organization = await organizationOf(db, requestId);
  const row = view.request;
  const access = isSignedIn(ctx.actor) && ctx.actor.accountKind === 'enterprise' ? await effectiveAccess(db, ctx.actor.accountId, program.id, organization.id) : null;
  return {
    program,
    view,
    organization,
    checks: evaluateChecks(program, view.values),
    permitted: {
      edit: await canOnRequest(db, ctx, program, 'edit', row),
      sign: await canOnRequest(db, ctx, program, 'sign', row),
      review: await canOnRequest(db, ctx, program, 'review', row),
    },
    profile: access?.profile ?? null,
  };
}

/** One value posted by a step's form: the field, its row, and the version the page was loaded with. */
export type FieldSave = { fieldId: string; row: number; value: string; expectedVersion: number };

/** The form's name of a value: the field's id, with `.row` for a table's column. */
export function inputName(program: AidProgram, fieldId: string, row: number): string {
  return tableOfField(program, fieldId) ? `${fieldId}.${row}` : fieldId;
}

/**
 * Rules across the values of one step: the program's date-order checks (as posted, or as stored
 * when not posted), and a table's row complete (a description with no amount is an error on the
 * amount, and the other way round).
 */
function stepErrors(program: AidProgram, saves: readonly FieldSave[], view: RequestView): FieldErrors {
  const errors: FieldErrors = {};
  const posted = new Map(saves.map((s) => [valueKey(s.fieldId, s.row), s.value.trim()]));
  const current = (fieldId: string, row: number) => posted.get(valueKey(fieldId, row)) ?? view.values.get(valueKey(fieldId, row))?.value ?? '';
  for (const { rule } of program.aid.checks) {
    if (rule.kind !== 'notBefore') continue;
    const field = fieldById(program, rule.field);
    const reference = fieldById(program, rule.reference);
    if (!field || !reference || !(posted.has(valueKey(rule.field, 0)) || posted.has(valueKey(rule.reference, 0)))) continue;
    const value = validateValue(field, current(rule.field, 0), aidFacts);
    const before = validateValue(reference, current(rule.reference, 0), aidFacts);
    if (value.ok && before.ok && value.value !== '' && before.value !== '' && value.value < before.value) errors[rule.field] = rule.fieldError;
  }
  for (const { columns } of program.aid.tables) {
    const [first, amount] = columns;
    const rows = new Set(saves.filter((s) => columns.includes(s.fieldId)).map((s) => s.row));
    for (const row of rows) {
      const hasFirst = current(first, row) !== '';
      const hasAmount = current(amount, row) !== '';
      if (hasFirst && !hasAmount) errors[inputName(program, amount, row)] = 'aid.table.amountRequired';
      if (!hasFirst && hasAmount) errors[inputName(program, first, row)] = 'aid.table.firstRequired';
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
export async function saveAidStep(db: Db, ctx: Ctx, program: AidProgram, requestId: string, saves: readonly FieldSave[]): Promise<StepSaveResult> {
  await requestResource(db, ctx, program, requestId, 'edit');
  const view = await loadRequest(db, ctx, program, requestId);
  const errors = stepErrors(program, saves, view);
  const params: StepSaveResult['params'] = {};
  for (const save of saves) {
    const name = inputName(program, save.fieldId, save.row);
    if (errors[name]) continue;
    if (save.row < 0 || save.row >= MAX_ROWS) throw new FieldValidationError({ [name]: 'requests.error.row' });
    const stored = view.values.get(valueKey(save.fieldId, save.row));
    if ((stored?.value ?? '') === save.value.trim()) continue;
    try {
      await saveValue(db, ctx, program, requestId, { ...save, facts: aidFacts });
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

/** Transmission by a Requérant – Rédaction (the engine checks the right, receivability and the program's checks). */
export async function transmitAidRequest(db: Db, ctx: Ctx, settings: EngineSettings, program: AidProgram, requestId: string): Promise<RequestRow> {
  return transmit(db, ctx, settings, program, requestId, aidFacts);
}

// ---------------------------------------------------------------------------------------------
// The ministry's side

export const queueTabs = ['transmises', 'commentaires', 'conformes', 'terminees'] as const;
export type QueueTab = (typeof queueTabs)[number];
const tabStates: Record<QueueTab, RequestState> = { transmises: 'submitted', commentaires: 'commented', conformes: 'compliant', terminees: 'closed' };

export type QueueRow = { id: string; number: string; state: RequestState; organizationName: string; organizationIdentifier: string; title: string; lastSubmittedAt: Date | null };

/** The program's requests in one state, the oldest transmission first (the order they are analysed in). */
export async function aidQueue(db: Db, ctx: Ctx, program: AidProgram, tab: QueueTab): Promise<QueueRow[]> {
  await authorize(db, ctx.actor, aidActions.queue, undefined);
  const rows = await db
    .select({ id: request.id, number: request.number, state: request.state, organizationId: aidRequest.organizationId, title: requestValue.value, lastSubmittedAt: request.lastSubmittedAt })
    .from(request)
    .innerJoin(aidRequest, eq(aidRequest.requestId, request.id))
    .leftJoin(requestValue, and(eq(requestValue.requestId, request.id), eq(requestValue.fieldId, program.aid.titleField), eq(requestValue.row, 0)))
    .where(and(eq(request.program, program.id), eq(request.state, tabStates[tab])))
    .orderBy(asc(request.lastSubmittedAt), asc(request.id))
    .limit(200);
  const organizations = new Map<string, OrganizationInfo | null>();
  for (const r of rows) if (!organizations.has(r.organizationId)) organizations.set(r.organizationId, await organizationById(db, r.organizationId));
  return rows.map((r) => {
    const organization = organizations.get(r.organizationId);
    return { id: r.id, number: r.number, state: r.state, organizationName: organization?.name ?? '', organizationIdentifier: organization?.identifier ?? '', title: r.title ?? '', lastSubmittedAt: r.lastSubmittedAt };
  });
}

/** The program of an aid request, for the agent's pages, whose address names the request only. */
export async function programOfAidRequest(db: Db, requestId: string): Promise<AidProgram> {
  const [row] = await db.select({ program: request.program }).from(request).innerJoin(aidRequest, eq(aidRequest.requestId, request.id)).where(eq(request.id, requestId));
  const program = row ? aidProgramByCode(row.program) : undefined;
  if (!program) throw new NotFoundError();
  return program;
}

/** The agent's page of a request: the review right first; a draft is the organization's own until transmitted. */
export async function aidReviewPage(db: Db, ctx: Ctx, program: AidProgram, requestId: string): Promise<AidRequestPage> {
  const row = await requestResource(db, ctx, program, requestId, 'review');
  if (row.state === 'draft') throw new NotFoundError();
  return aidRequestPage(db, ctx, program, requestId);
}

/** A comment on a field or a document type (→ Commentaires; the organization's Rédaction people are mailed). */
export async function commentAidRequest(db: Db, ctx: Ctx, settings: EngineSettings, program: AidProgram, requestId: string, input: CommentInput): Promise<CommentView> {
  return addComment(db, ctx, settings, program, requestId, input);
}

/** Conforme: the request is admissible and accepted for analysis. */
export async function markAidCompliant(db: Db, ctx: Ctx, settings: EngineSettings, program: AidProgram, requestId: string): Promise<RequestRow> {
  return markCompliant(db, ctx, settings, program, requestId);
}

/** Terminée: an agent closes a compliant request, always with the reason (the analysis's outcome). */
export async function closeAidRequest(db: Db, ctx: Ctx, settings: EngineSettings, program: AidProgram, requestId: string, reason: string): Promise<RequestRow> {
  await requestResource(db, ctx, program, requestId, 'review');
  const note = reason.trim();
  if (note === '') throw new FieldValidationError({ note: 'aid.review.close.reason.required' });
  return closeRequest(db, ctx, settings, program, requestId, { note });
}
