import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { recordAudit, type AuditEntry } from '../../platform/audit/service.js';
import { action, authorize, can, isSignedIn } from '../../platform/authz.js';
import type { Ctx, SignedInActor } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { storedFile } from '../../platform/files/schema.js';
import { deleteStoredFileRow, readVerifiedBody, savePdfUpload, type UploadSource } from '../../platform/files/service.js';
import type { FileStore } from '../../platform/files/store.js';
import { formatDateTime, formatIsoDay } from '../../platform/i18n/format.js';
import { isLang, translate, type Lang, type MessageKey, type Params } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { directorateByCode } from '../childcare/service.js';
import { enterpriseOf } from '../enterprises/members.js';
import { accountSummaries } from '../identity/service.js';
import { fieldById, isRequired, isShown, maxOf, type FieldDefinition, type ProgramAccess, type ProgramDefinition, type RequestFacts, type RequestResource } from './program.js';
import {
  request,
  requestComment,
  requestDocument,
  requestSequence,
  requestSignature,
  requestSubmission,
  requestTransition,
  requestValue,
} from './schema.js';

/**
 * The generic request engine (seed 001; contract /tmp/guichet-design/engine-api.md): every
 * program's requests share their states, autosaved values, documents, comments, signature and
 * numbering here. Each change runs in one transaction that locks the request row first (so values,
 * documents and transitions of one request are serialized), checks the program's access rule,
 * writes its audit event and enqueues its mails.
 */

export type RequestRow = typeof request.$inferSelect;
export type RequestState = RequestRow['state'];
export type StoredValue = { value: string; version: number; changedAt: Date; changedBy: string };
export type RequestDocumentView = { id: string; documentType: string; name: string; size: number; uploadedAt: Date };
export type CommentView = {
  id: string;
  round: number;
  target: 'field' | 'document';
  targetId: string;
  body: string;
  authorName: string;
  createdAt: Date;
  correctedAt: Date | null;
};
export type SignatureView = { firstName: string; lastName: string; function: string; signedAt: Date; round: number };
export type TransitionView = { fromState: RequestState | null; toState: RequestState; actorName: string | null; note: string | null; at: Date };
export type RequestView = {
  request: RequestRow;
  /** The program at the request's revision: the steps, fields and documents it is filled under. */
  definition: ProgramDefinition;
  /** Key: valueKey(fieldId, row). A field someone emptied keeps its entry with value '' (see saveValue). */
  values: Map<string, StoredValue>;
  documents: RequestDocumentView[];
  /** All rounds, oldest first. */
  comments: CommentView[];
  /** Of the current round only. */
  signature: SignatureView | null;
  transitions: TransitionView[];
};

export type EngineSettings = { publicUrl: string; fileStore: FileStore };

export const COMMENT_MAX_LENGTH = 2000;
export const SIGNATURE_NAME_MAX_LENGTH = 100;
export const CLOSING_NOTE_MAX_LENGTH = 2000;
/** Longest value of a field that sets no maxLength: a bound on what one autosave stores. */
export const DEFAULT_VALUE_MAX_LENGTH = 10_000;
/** Rows of a repeated group. */
export const MAX_ROWS = 100;

export function valueKey(fieldId: string, row = 0): string {
  return `${fieldId}#${row}`;
}

const editableStates: readonly RequestState[] = ['draft', 'commented'];

function isEditable(state: RequestState): boolean {
  return editableStates.includes(state);
}

// ---------------------------------------------------------------------------------------------
// Programs

/** Program id → revision → definition: the revisions of in-flight requests stay loaded beside the latest. */
const programs = new Map<string, Map<number, ProgramDefinition>>();

/**
 * Programs register their revisions when their module is imported; one definition per (id,
 * revision): a second, different one under the same pair is a mistake, not a new revision.
 */
export function registerProgram(program: ProgramDefinition): void {
  const revisions = programs.get(program.id) ?? new Map<number, ProgramDefinition>();
  const known = revisions.get(program.revision);
  if (known && known !== program) throw new Error(`program ${program.id} revision ${program.revision} is already registered`);
  revisions.set(program.revision, program);
  programs.set(program.id, revisions);
}

function latestOf(id: string): ProgramDefinition | undefined {
  let latest: ProgramDefinition | undefined;
  for (const definition of programs.get(id)?.values() ?? []) if (!latest || definition.revision > latest.revision) latest = definition;
  return latest;
}

/** The program's latest registered revision (an id from a URL: unknown is not found). */
export function programById(id: string): ProgramDefinition {
  const latest = latestOf(id);
  if (!latest) throw new NotFoundError();
  return latest;
}

/**
 * The program at a revision: what a request of that revision is validated and shown under. A
 * request whose revision is not loaded is a deployment missing a definition, not a missing page.
 */
export function definitionFor(program: Pick<ProgramDefinition, 'id'>, revision: number): ProgramDefinition {
  const definition = programs.get(program.id)?.get(revision);
  if (!definition) throw new Error(`program ${program.id} revision ${revision} is not registered`);
  return definition;
}

// ---------------------------------------------------------------------------------------------
// Authorization

export function resourceOf(row: RequestRow): RequestResource {
  return { id: row.id, program: row.program, enterpriseId: row.enterpriseId, directorateCode: row.directorateCode };
}

function programAction(program: ProgramDefinition, need: Exclude<keyof ProgramAccess, 'create'>) {
  return action<RequestResource>(`requests.${program.id}.${need}`, ...program.access[need]);
}

async function authorizeOn(db: Db, ctx: Ctx, program: ProgramDefinition, need: Exclude<keyof ProgramAccess, 'create'>, row: RequestRow): Promise<void> {
  await authorize(db, ctx.actor, programAction(program, need), resourceOf(row));
}

/** Whether the actor holds a right on the request (for pages drawing their buttons). */
export async function canOnRequest(db: Db, ctx: Ctx, program: ProgramDefinition, need: Exclude<keyof ProgramAccess, 'create'>, row: RequestRow): Promise<boolean> {
  return can(db, ctx.actor, programAction(program, need), resourceOf(row));
}

/** Every change is made by a signed-in person, whom the rows name. */
function signedInActor(ctx: Ctx): SignedInActor {
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  return ctx.actor;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL that is not a uuid names nothing (PostgreSQL would refuse to compare it). */
function assertUuid(id: string): void {
  if (!UUID.test(id)) throw new NotFoundError();
}

async function findRequest(db: Db, program: ProgramDefinition, requestId: string): Promise<RequestRow> {
  assertUuid(requestId);
  const [row] = await db.select().from(request).where(eq(request.id, requestId));
  if (!row || row.program !== program.id) throw new NotFoundError();
  return row;
}

/** The request under a row lock: every change of one request waits for the one before it. */
async function lockRequest(tx: Db, program: ProgramDefinition, requestId: string): Promise<RequestRow> {
  assertUuid(requestId);
  const [row] = await tx.select().from(request).where(eq(request.id, requestId)).for('update');
  if (!row || row.program !== program.id) throw new NotFoundError();
  return row;
}

function assertEditable(row: RequestRow): void {
  if (!isEditable(row.state)) throw new ConflictError('requests.error.readOnly');
}

// ---------------------------------------------------------------------------------------------
// Creation and numbering

/** The calendar year in Quebec (America/Toronto), which numbers the requests. */
export function quebecYear(at: Date): number {
  return Number(formatIsoDay(at).slice(0, 4));
}

export function formatRequestNumber(year: number, directorateCode: string, sequence: number): string {
  return `${year}-${directorateCode}-${String(sequence).padStart(3, '0')}`;
}

/**
 * The next number of the year and directorate. The upsert holds the sequence row's lock until the
 * caller's transaction ends, so numbers are unique, and a rollback gives its number back (no gap).
 */
async function nextSequence(tx: Db, year: number, directorateCode: string): Promise<number> {
  const [row] = await tx
    .insert(requestSequence)
    .values({ year, directorateCode, lastValue: 1 })
    .onConflictDoUpdate({
      target: [requestSequence.year, requestSequence.directorateCode],
      set: { lastValue: sql`${requestSequence.lastValue} + 1`, updatedAt: new Date() },
    })
    .returning({ lastValue: requestSequence.lastValue });
  if (!row) throw new Error('request_sequence upsert returned nothing');
  return row.lastValue;
}

/**
 * Creates a draft inside the caller's transaction (the program inserts its own row in it too).
 * A second creation with the same key (a double submit) waits for the first, then finds its request.
 */
export async function createRequest(
  tx: Db,
  ctx: Ctx,
  program: ProgramDefinition,
  input: { enterpriseId: string; directorateCode: string; creationKey: string },
): Promise<{ request: RequestRow; created: boolean }> {
  const actor = signedInActor(ctx);
  await authorize(tx, ctx.actor, action<{ enterpriseId: string }>(`requests.${program.id}.create`, ...program.access.create), { enterpriseId: input.enterpriseId });
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`request-creation:${input.creationKey}`}))`);
  const [existing] = await tx.select().from(request).where(eq(request.creationKey, input.creationKey));
  if (existing) {
    if (existing.program !== program.id) throw new ConflictError('requests.error.creationKeyUsed');
    await authorizeOn(tx, ctx, program, 'read', existing);
    return { request: existing, created: false };
  }
  // A new request is filled under the latest revision; it keeps that revision for good.
  const latest = latestOf(program.id);
  if (!latest) throw new Error(`program ${program.id} is not registered`);
  const now = new Date();
  const year = quebecYear(now);
  const sequence = await nextSequence(tx, year, input.directorateCode);
  const [row] = await tx
    .insert(request)
    .values({
      program: program.id,
      revision: latest.revision,
      number: formatRequestNumber(year, input.directorateCode, sequence),
      enterpriseId: input.enterpriseId,
      directorateCode: input.directorateCode,
      creationKey: input.creationKey,
      createdBy: actor.accountId,
      changedAt: now,
    })
    .returning();
  if (!row) throw new Error('request insert returned nothing');
  await tx.insert(requestTransition).values({ requestId: row.id, fromState: null, toState: 'draft', actorId: actor.accountId });
  await auditRequest(tx, ctx, row, 'request.created', { enterpriseId: row.enterpriseId, directorateCode: row.directorateCode });
  return { request: row, created: true };
}

async function auditRequest(tx: Db, ctx: Ctx, row: RequestRow, actionName: string, details: AuditEntry['details'] = {}): Promise<void> {
  await recordAudit(tx, ctx, { action: actionName, subjectType: 'request', subjectId: row.id, details: { program: row.program, number: row.number, ...details } });
}

// ---------------------------------------------------------------------------------------------
// Reading

async function namesOf(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const known = [...new Set(ids.filter((id): id is string => id !== null))];
  return new Map((await accountSummaries(db, known)).map((a) => [a.id, a.displayName]));
}

/** The round the signature must belong to: the coming transmission while editable, else the last one. */
function signatureRound(row: RequestRow): number {
  return isEditable(row.state) ? row.round + 1 : row.round;
}

async function valuesOf(db: Db, requestId: string): Promise<Map<string, StoredValue>> {
  const rows = await db.select().from(requestValue).where(eq(requestValue.requestId, requestId));
  return new Map(rows.map((v) => [valueKey(v.fieldId, v.row), { value: v.value, version: v.version, changedAt: v.updatedAt, changedBy: v.changedBy }]));
}

async function documentsOf(db: Db, requestId: string): Promise<RequestDocumentView[]> {
  return db
    .select({ id: requestDocument.id, documentType: requestDocument.documentType, name: storedFile.originalName, size: storedFile.size, uploadedAt: requestDocument.createdAt })
    .from(requestDocument)
    .innerJoin(storedFile, eq(storedFile.id, requestDocument.fileId))
    .where(eq(requestDocument.requestId, requestId))
    .orderBy(asc(requestDocument.createdAt), asc(requestDocument.id));
}

async function commentsOf(db: Db, requestId: string): Promise<CommentView[]> {
  const rows = await db.select().from(requestComment).where(eq(requestComment.requestId, requestId)).orderBy(asc(requestComment.createdAt), asc(requestComment.id));
  const names = await namesOf(db, rows.map((c) => c.authorId));
  return rows.map((c) => ({
    id: c.id,
    round: c.round,
    target: c.target,
    targetId: c.targetId,
    body: c.body,
    authorName: names.get(c.authorId) ?? '',
    createdAt: c.createdAt,
    correctedAt: c.correctedAt,
  }));
}

async function currentSignature(db: Db, row: RequestRow): Promise<SignatureView | null> {
  const [s] = await db.select().from(requestSignature).where(and(eq(requestSignature.requestId, row.id), eq(requestSignature.round, signatureRound(row))));
  return s ? { firstName: s.firstName, lastName: s.lastName, function: s.function, signedAt: s.createdAt, round: s.round } : null;
}

async function transitionsOf(db: Db, requestId: string): Promise<TransitionView[]> {
  const rows = await db.select().from(requestTransition).where(eq(requestTransition.requestId, requestId)).orderBy(asc(requestTransition.createdAt), asc(requestTransition.id));
  const names = await namesOf(db, rows.map((r) => r.actorId));
  return rows.map((r) => ({ fromState: r.fromState, toState: r.toState, actorName: r.actorId ? (names.get(r.actorId) ?? null) : null, note: r.note, at: r.createdAt }));
}

async function viewOf(db: Db, program: ProgramDefinition, row: RequestRow): Promise<RequestView> {
  return {
    request: row,
    definition: definitionFor(program, row.revision),
    values: await valuesOf(db, row.id),
    documents: await documentsOf(db, row.id),
    comments: await commentsOf(db, row.id),
    signature: await currentSignature(db, row),
    transitions: await transitionsOf(db, row.id),
  };
}

/** The request with everything it holds, for an actor with the program's read right. */
export async function loadRequest(db: Db, ctx: Ctx, program: ProgramDefinition, requestId: string): Promise<RequestView> {
  const row = await findRequest(db, program, requestId);
  await authorizeOn(db, ctx, program, 'read', row);
  return viewOf(db, program, row);
}

/** The request row alone, after checking one right on it (light routes). */
export async function requestResource(db: Db, ctx: Ctx, program: ProgramDefinition, requestId: string, need: keyof ProgramAccess): Promise<RequestRow> {
  const row = await findRequest(db, program, requestId);
  if (need === 'create') {
    await authorize(db, ctx.actor, action<{ enterpriseId: string }>(`requests.${program.id}.create`, ...program.access.create), { enterpriseId: row.enterpriseId });
  } else {
    await authorizeOn(db, ctx, program, need, row);
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Values

export type ValueCheck = { ok: true; value: string } | { ok: false; error: MessageKey; params?: Record<string, string | number> };

function refused(error: MessageKey, params?: Record<string, string | number>): ValueCheck {
  return params ? { ok: false, error, params } : { ok: false, error };
}

/** A number's bounds; its maximum may depend on the request (e.g. the working days of its year). */
function checkRange(field: FieldDefinition, value: number, facts: RequestFacts): ValueCheck | null {
  const max = maxOf(field, facts);
  if (field.min !== undefined && value < field.min) return refused('requests.error.min', { min: field.min });
  if (max !== undefined && value > max) return refused('requests.error.max', { max });
  return null;
}

/** "04,50" → "4.5": one writing per number, so that comparisons between rounds see real changes. */
function canonicalDecimal(sign: string, whole: string, fraction: string): string {
  const integer = whole.replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  const text = decimals ? `${integer}.${decimals}` : integer;
  return sign === '-' && /[1-9]/.test(text) ? `-${text}` : text;
}

const DECIMAL = /^([-+]?)(\d+)(?:[.,](\d+))?$/;
const INTEGER = /^([-+]?)(\d+)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_EXTENSION = /(?:poste|post\.|p\.|ext\.?|x)\s*(\d{1,6})$/i;

function checkInteger(field: FieldDefinition, text: string, facts: RequestFacts): ValueCheck {
  const match = INTEGER.exec(text);
  if (!match) return refused('requests.error.integer');
  const value = canonicalDecimal(match[1] ?? '', match[2] ?? '', '');
  return checkRange(field, Number(value), facts) ?? { ok: true, value };
}

function checkDecimal(field: FieldDefinition, text: string, facts: RequestFacts): ValueCheck {
  const match = DECIMAL.exec(text);
  if (!match) return refused('requests.error.decimal');
  const value = canonicalDecimal(match[1] ?? '', match[2] ?? '', match[3] ?? '');
  const places = value.split('.')[1]?.length ?? 0;
  const allowed = field.step ?? 2;
  if (places > allowed) return refused('requests.error.decimalPlaces', { places: allowed });
  return checkRange(field, Number(value), facts) ?? { ok: true, value };
}

/** A real calendar date written YYYY-MM-DD (2025-02-30 is refused). */
function checkDate(text: string): ValueCheck {
  const match = DATE.exec(text);
  if (!match) return refused('requests.error.date');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = year >= 1900 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? { ok: true, value: text } : refused('requests.error.date');
}

/** Ten digits (a leading 1 is dropped), written 418 555-1234, with ", poste 12" when given. */
function checkPhone(text: string): ValueCheck {
  const extension = PHONE_EXTENSION.exec(text);
  const number = extension ? text.slice(0, extension.index) : text;
  if (/[^\d\s().+-]/.test(number)) return refused('requests.error.phone');
  const digits = number.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
  if (digits.length !== 10) return refused('requests.error.phone');
  const formatted = `${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6)}`;
  return { ok: true, value: extension ? `${formatted}, poste ${extension[1]}` : formatted };
}

/**
 * Checks one value for its field alone and returns it normalized. An empty value is always
 * accepted here ("no value"): whether it is required is for missingFields and receivability.
 */
export function validateValue(field: FieldDefinition, raw: string, facts: RequestFacts): ValueCheck {
  const text = field.type === 'textarea' ? raw.replace(/\r\n?/g, '\n').trim() : raw.trim();
  if (text === '') return { ok: true, value: '' };
  const maxLength = field.maxLength ?? DEFAULT_VALUE_MAX_LENGTH;
  if (text.length > maxLength) return refused('requests.error.tooLong', { max: maxLength });
  switch (field.type) {
    case 'integer':
      return checkInteger(field, text.replace(/[\s\u00a0\u202f]/g, ''), facts);
    case 'decimal':
      return checkDecimal(field, text.replace(/[\s\u00a0\u202f]/g, ''), facts);
    case 'date':
      return checkDate(text);
    case 'choice':
      return field.choices?.some((c) => c.value === text) ? { ok: true, value: text } : refused('requests.error.choice');
    case 'email':
      return EMAIL.test(text) ? { ok: true, value: text } : refused('requests.error.email');
    case 'phone':
      return checkPhone(text);
    case 'text':
      // One line: a pasted line break is a space.
      return { ok: true, value: text.replace(/\s*\n\s*/g, ' ') };
    case 'textarea':
      return { ok: true, value: text };
  }
}

/** A value refused by validateValue: the field's message and its parameters (the bounds). */
export class InvalidValueError extends FieldValidationError {
  constructor(
    readonly fieldId: string,
    readonly reason: MessageKey,
    readonly reasonParams: Record<string, string | number> = {},
  ) {
    super({ [fieldId]: reason });
  }
}

/** A save from a page loaded before someone else's save of the same field. */
export class StaleValueError extends ConflictError {
  constructor(
    readonly current: StoredValue & { changedByName: string },
    lang: Lang,
  ) {
    super('requests.error.stale', { name: current.changedByName, time: formatDateTime(lang, current.changedAt) });
  }
}

function checkedRow(fieldId: string, row: number | undefined): number {
  const checked = row ?? 0;
  if (!Number.isInteger(checked) || checked < 0 || checked >= MAX_ROWS) throw new InvalidValueError(fieldId, 'requests.error.row');
  return checked;
}

/** The field, row and normalized value of a save, or the field's message. */
function checkedSave(program: ProgramDefinition, input: { fieldId: string; row?: number; value: string; facts: RequestFacts }): { field: FieldDefinition; rowNumber: number; value: string } {
  const field = fieldById(program, input.fieldId);
  if (!field) throw new InvalidValueError(input.fieldId, 'requests.error.unknownField');
  const rowNumber = checkedRow(field.id, input.row);
  const checked = validateValue(field, input.value, input.facts);
  if (!checked.ok) throw new InvalidValueError(field.id, checked.error, checked.params);
  return { field, rowNumber, value: checked.value };
}

/** Any change of what is transmitted removes the signature: it must cover what is sent. */
async function touchContent(tx: Db, row: RequestRow, at: Date): Promise<void> {
  await tx.update(request).set({ changedAt: at, updatedAt: at }).where(eq(request.id, row.id));
  await tx.delete(requestSignature).where(eq(requestSignature.requestId, row.id));
}

/**
 * Autosave of one field. `expectedVersion` is the version the page was loaded with (0: no value
 * yet): a save from a stale page is refused with who saved the newer value and when. An emptied
 * field keeps its row with value '' so that its version goes on growing and a stale page is still
 * detected after someone empties it.
 */
export async function saveValue(
  db: Db,
  ctx: Ctx,
  program: ProgramDefinition,
  requestId: string,
  input: { fieldId: string; row?: number; value: string; expectedVersion: number; facts: RequestFacts },
): Promise<{ version: number; savedAt: Date }> {
  const actor = signedInActor(ctx);
  return transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'edit', row);
    assertEditable(row);
    const { field, rowNumber, value } = checkedSave(definitionFor(program, row.revision), input);
    const where = and(eq(requestValue.requestId, row.id), eq(requestValue.fieldId, field.id), eq(requestValue.row, rowNumber));
    const [stored] = await tx.select().from(requestValue).where(where);
    // The same text twice (the autosave of a field and the step's form posted at once) loses nothing.
    if (stored && stored.value === value) return { version: stored.version, savedAt: stored.updatedAt };
    if ((stored?.version ?? 0) !== input.expectedVersion) {
      // Rows are never deleted while the request lives: a version without one was never given out.
      if (!stored) throw new ConflictError('requests.error.staleUnknown');
      const names = await namesOf(tx, [stored.changedBy]);
      const current = { value: stored.value, version: stored.version, changedAt: stored.updatedAt, changedBy: stored.changedBy };
      throw new StaleValueError({ ...current, changedByName: names.get(stored.changedBy) ?? '' }, ctx.lang);
    }
    const now = new Date();
    const [saved] = stored
      ? await tx.update(requestValue).set({ value, version: stored.version + 1, changedBy: actor.accountId, updatedAt: now }).where(where).returning()
      : await tx.insert(requestValue).values({ requestId: row.id, fieldId: field.id, row: rowNumber, value, version: 1, changedBy: actor.accountId, createdAt: now, updatedAt: now }).returning();
    if (!saved) throw new Error('request_value write returned nothing');
    await touchContent(tx, row, now);
    return { version: saved.version, savedAt: saved.updatedAt };
  });
}

function filled(values: Map<string, StoredValue>, fieldId: string): boolean {
  const prefix = `${fieldId}#`;
  for (const [key, stored] of values) {
    if (key.startsWith(prefix) && stored.value !== '') return true;
  }
  return false;
}

/**
 * Fields shown and required for this request but empty (in any row), in the definition's order.
 * `definition` is the request's own revision (`RequestView.definition`).
 */
export function missingFields(definition: ProgramDefinition, values: Map<string, StoredValue>, facts: RequestFacts): FieldDefinition[] {
  return definition.fields.filter((field) => isShown(field, facts) && isRequired(field.required, facts) && !filled(values, field.id));
}

// ---------------------------------------------------------------------------------------------
// Documents

/** Refuses before a byte is read: the rest of the body is drained so the HTTP request still ends. */
async function beforeUpload<T>(source: UploadSource, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    source.resume();
    throw error;
  }
}

/**
 * A PDF joined to the request as one of the program's document types. The right and the state are
 * checked before the file streams, and again under the request's lock in the transaction that
 * records it; an encrypted or unreadable PDF is refused and nothing of it is kept.
 */
export async function addDocument(
  db: Db,
  ctx: Ctx,
  settings: EngineSettings,
  program: ProgramDefinition,
  requestId: string,
  documentType: string,
  source: UploadSource,
  originalName: string,
): Promise<RequestDocumentView> {
  const checked = await beforeUpload(source, async () => {
    const row = await findRequest(db, program, requestId);
    await authorizeOn(db, ctx, program, 'edit', row);
    assertEditable(row);
    const definition = definitionFor(program, row.revision);
    if (!definition.documentTypes.some((d) => d.id === documentType)) throw new FieldValidationError({ documentType: 'requests.error.unknownDocumentType' });
    return { actor: signedInActor(ctx), maxBytes: definition.maxDocumentBytes };
  });
  return savePdfUpload(db, settings.fileStore, source, { originalName, maxBytes: checked.maxBytes, inspect: true }, async (tx, file) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'edit', row);
    assertEditable(row);
    const now = new Date();
    const [doc] = await tx.insert(requestDocument).values({ requestId: row.id, documentType, fileId: file.id, uploadedBy: checked.actor.accountId, createdAt: now, updatedAt: now }).returning();
    if (!doc) throw new Error('request_document insert returned nothing');
    await touchContent(tx, row, now);
    await auditRequest(tx, ctx, row, 'request.documentAdded', { documentId: doc.id, documentType, size: file.size, sha256: file.sha256 });
    return { id: doc.id, documentType, name: file.originalName, size: file.size, uploadedAt: doc.createdAt };
  });
}

/** Withdraws a document while the request is editable; its body is deleted once the row is gone. */
export async function deleteDocument(db: Db, ctx: Ctx, settings: EngineSettings, program: ProgramDefinition, requestId: string, documentId: string): Promise<void> {
  const key = await transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'edit', row);
    assertEditable(row);
    assertUuid(documentId);
    const [doc] = await tx.delete(requestDocument).where(and(eq(requestDocument.id, documentId), eq(requestDocument.requestId, row.id))).returning();
    if (!doc) throw new NotFoundError();
    const storageKey = await deleteStoredFileRow(tx, doc.fileId);
    await touchContent(tx, row, new Date());
    await auditRequest(tx, ctx, row, 'request.documentDeleted', { documentId: doc.id, documentType: doc.documentType });
    return storageKey;
  });
  if (key) await settings.fileStore.delete(key);
}

/** A document's body for an actor who may read the request; each opening is audited. */
export async function openDocument(
  db: Db,
  ctx: Ctx,
  settings: EngineSettings,
  program: ProgramDefinition,
  requestId: string,
  documentId: string,
): Promise<{ name: string; size: number; body: Buffer }> {
  const row = await findRequest(db, program, requestId);
  await authorizeOn(db, ctx, program, 'read', row);
  assertUuid(documentId);
  const [doc] = await db
    .select({ id: storedFile.id, name: storedFile.originalName, size: storedFile.size, storageKey: storedFile.storageKey, sha256: storedFile.sha256 })
    .from(requestDocument)
    .innerJoin(storedFile, eq(storedFile.id, requestDocument.fileId))
    .where(and(eq(requestDocument.id, documentId), eq(requestDocument.requestId, row.id)));
  if (!doc) throw new NotFoundError();
  await transaction(db, (tx) => auditRequest(tx, ctx, row, 'request.documentRead', { documentId }));
  return { name: doc.name, size: doc.size, body: await readVerifiedBody(settings.fileStore, doc) };
}

// ---------------------------------------------------------------------------------------------
// Receivability and signature

export type ReceivabilityItem = { key: 'fields' | 'comments' | 'documents' | 'signature'; ok: boolean; detail?: string };

/**
 * The checks made before a transmission (seed 001, « Vérification »), under the request's
 * revision of the program: required fields filled (detail: the first missing field), every
 * comment corrected, one item per required document type (detail: its id), and the signature when
 * the revision asks for one.
 */
export function receivability(program: ProgramDefinition, view: RequestView, facts: RequestFacts): ReceivabilityItem[] {
  const definition = definitionFor(program, view.request.revision);
  const missing = missingFields(definition, view.values, facts)[0];
  const items: ReceivabilityItem[] = [missing ? { key: 'fields', ok: false, detail: missing.id } : { key: 'fields', ok: true }];
  items.push({ key: 'comments', ok: view.comments.every((c) => c.correctedAt !== null) });
  for (const type of definition.documentTypes) {
    if (isRequired(type.required, facts)) items.push({ key: 'documents', ok: view.documents.some((d) => d.documentType === type.id), detail: type.id });
  }
  if (definition.signatureRequired) items.push({ key: 'signature', ok: view.signature !== null });
  return items;
}

export type SignatureInput = { firstName: string; lastName: string; function: string; attested: boolean };

function checkedSignature(input: SignatureInput): { firstName: string; lastName: string; function: string } {
  const errors: Record<string, MessageKey> = {};
  const clean = { firstName: input.firstName.trim(), lastName: input.lastName.trim(), function: input.function.trim() };
  for (const [name, value] of Object.entries(clean)) {
    if (value === '') errors[name] = 'requests.error.required';
    else if (value.length > SIGNATURE_NAME_MAX_LENGTH) errors[name] = 'requests.error.tooLong';
  }
  if (input.attested !== true) errors.attested = 'requests.error.attestation';
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return clean;
}

/** The director's electronic signature of the coming transmission; it replaces an earlier one. */
export async function sign(db: Db, ctx: Ctx, program: ProgramDefinition, requestId: string, input: SignatureInput): Promise<void> {
  const actor = signedInActor(ctx);
  await transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'sign', row);
    assertEditable(row);
    const names = checkedSignature(input);
    // Deleted then inserted, so that created_at is the time of this signature.
    await tx.delete(requestSignature).where(eq(requestSignature.requestId, row.id));
    await tx.insert(requestSignature).values({ requestId: row.id, round: signatureRound(row), ...names, attested: true, signedBy: actor.accountId });
    await auditRequest(tx, ctx, row, 'request.signed', { round: signatureRound(row), ...names });
  });
}

// ---------------------------------------------------------------------------------------------
// Transitions

/**
 * Moves the request from the state read to `to`, conditional on that state still holding, with
 * its history row. The request's lock already orders changes; the condition is what keeps the
 * rule if a caller ever reached here without it.
 */
async function moveState(
  tx: Db,
  ctx: Ctx,
  row: RequestRow,
  to: RequestState,
  conflict: MessageKey,
  extra: Partial<Pick<RequestRow, 'round' | 'firstSubmittedAt' | 'lastSubmittedAt'>> = {},
  note: string | null = null,
): Promise<RequestRow> {
  const actor = signedInActor(ctx);
  const now = new Date();
  const [moved] = await tx
    .update(request)
    .set({ state: to, changedAt: now, updatedAt: now, ...extra })
    .where(and(eq(request.id, row.id), eq(request.state, row.state)))
    .returning();
  if (!moved) throw new ConflictError(conflict);
  await tx.insert(requestTransition).values({ requestId: row.id, fromState: row.state, toState: to, actorId: actor.accountId, note });
  return moved;
}

type MailContent = { subject: MessageKey; paragraphs: MessageKey[] };

function mailParams(lang: Lang, program: ProgramDefinition, row: RequestRow, extra: Params = {}): Params {
  return { program: translate(lang, program.name), number: row.number, ...extra };
}

/** The ministry works in French: the directorate's notice is in French. */
async function mailDirectorate(tx: Db, settings: EngineSettings, program: ProgramDefinition, row: RequestRow, content: MailContent, extra: Params): Promise<void> {
  const directorate = await directorateByCode(tx, row.directorateCode);
  if (!directorate) throw new Error(`regional directorate ${row.directorateCode} is unknown`);
  await enqueueMail(tx, composeMail('fr', directorate.email, { ...content, link: { label: 'requests.mail.link', url: `${settings.publicUrl}${program.paths.agent(row.id)}` } }, mailParams('fr', program, row, extra)));
}

/** The request's creator and its last transmitter (or the program's own recipients), each once, at the address of their account. */
async function enterprisePeople(tx: Db, program: ProgramDefinition, row: RequestRow): Promise<{ email: string; lang: Lang }[]> {
  if (program.enterpriseRecipients) {
    const accounts = await accountSummaries(tx, [...new Set(await program.enterpriseRecipients(tx, row.id))]);
    return accounts.flatMap((a) => (a.email && !a.disabledAt ? [{ email: a.email, lang: isLang(a.language) ? a.language : 'fr' }] : []));
  }
  const [last] = await tx.select({ by: requestSubmission.submittedBy }).from(requestSubmission).where(eq(requestSubmission.requestId, row.id)).orderBy(desc(requestSubmission.round)).limit(1);
  const accounts = await accountSummaries(tx, [...new Set([row.createdBy, ...(last ? [last.by] : [])])]);
  return accounts.flatMap((a) => (a.email && !a.disabledAt ? [{ email: a.email, lang: isLang(a.language) ? a.language : 'fr' }] : []));
}

async function mailEnterprise(tx: Db, settings: EngineSettings, program: ProgramDefinition, row: RequestRow, content: MailContent, extra: Params = {}): Promise<void> {
  for (const person of await enterprisePeople(tx, program, row)) {
    await enqueueMail(
      tx,
      composeMail(person.lang, person.email, { ...content, link: { label: 'requests.mail.link', url: `${settings.publicUrl}${program.paths.enterprise(row.id)}` } }, mailParams(person.lang, program, row, extra)),
    );
  }
}

/** The round's snapshot: non-empty values, documents and signature, as sent. */
function snapshotOf(view: RequestView): Pick<typeof requestSubmission.$inferInsert, 'values' | 'documents' | 'signature'> {
  const values: Record<string, string> = {};
  for (const [key, stored] of view.values) if (stored.value !== '') values[key] = stored.value;
  return {
    values,
    documents: view.documents.map((d) => ({ id: d.id, documentType: d.documentType, name: d.name })),
    signature: view.signature ? { firstName: view.signature.firstName, lastName: view.signature.lastName, function: view.signature.function } : null,
  };
}

/**
 * Transmits a receivable draft or corrected request to the ministry: the round's snapshot, the
 * transition, the audit event and the directorate's mail, in one transaction. Of two transmissions
 * at once, the second finds the request transmitted and gets a conflict.
 */
export async function transmit(db: Db, ctx: Ctx, settings: EngineSettings, program: ProgramDefinition, requestId: string, facts: RequestFacts): Promise<RequestRow> {
  const actor = signedInActor(ctx);
  return transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'sign', row);
    if (!isEditable(row.state)) throw new ConflictError('requests.error.alreadyTransmitted');
    const view = await viewOf(tx, program, row);
    if (!receivability(program, view, facts).every((item) => item.ok)) throw new ConflictError('requests.error.notReceivable');
    const programProblem = view.definition.receivable?.(view.values) ?? null;
    if (programProblem) throw new ConflictError(programProblem);
    const round = row.round + 1;
    const now = new Date();
    const moved = await moveState(tx, ctx, row, 'submitted', 'requests.error.alreadyTransmitted', { round, firstSubmittedAt: row.firstSubmittedAt ?? now, lastSubmittedAt: now });
    await tx.insert(requestSubmission).values({ requestId: row.id, round, ...snapshotOf(view), submittedBy: actor.accountId });
    await auditRequest(tx, ctx, moved, 'request.transmitted', { round, from: row.state });
    const enterprise = await enterpriseOf(tx, row.enterpriseId);
    await mailDirectorate(tx, settings, program, moved, { subject: 'requests.mail.transmitted.subject', paragraphs: ['requests.mail.transmitted.body', 'requests.mail.transmitted.next'] }, {
      enterprise: enterprise?.legalName ?? '',
      name: actor.displayName,
      round,
    });
    return moved;
  });
}

export type CommentInput = { target: 'field' | 'document'; targetId: string; body: string };

/** `definition` is the request's revision: a comment names a field or a document type the request has. */
function checkedComment(definition: ProgramDefinition, input: CommentInput): CommentInput {
  const body = input.body.replace(/\r\n?/g, '\n').trim();
  const known = input.target === 'field' ? fieldById(definition, input.targetId) !== undefined : definition.documentTypes.some((d) => d.id === input.targetId);
  const errors: Record<string, MessageKey> = {};
  if (!known) errors.targetId = 'requests.error.unknownTarget';
  if (body.length === 0 || body.length > COMMENT_MAX_LENGTH) errors.body = 'requests.error.commentLength';
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return { ...input, body };
}

/**
 * An agent's comment on a field or a document type of the transmitted round. The first comment
 * on a submitted request moves it to « Commentaires » and mails the enterprise once; a comment on a
 * request already in comments joins the round (two agents at once: both comments, one transition).
 */
export async function addComment(db: Db, ctx: Ctx, settings: EngineSettings, program: ProgramDefinition, requestId: string, input: CommentInput): Promise<CommentView> {
  const actor = signedInActor(ctx);
  return transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'review', row);
    if (row.state !== 'submitted' && row.state !== 'commented') throw new ConflictError('requests.error.notUnderReview');
    const comment = checkedComment(definitionFor(program, row.revision), input);
    const [saved] = await tx.insert(requestComment).values({ requestId: row.id, round: row.round, target: comment.target, targetId: comment.targetId, body: comment.body, authorId: actor.accountId }).returning();
    if (!saved) throw new Error('request_comment insert returned nothing');
    const opensRound = row.state === 'submitted';
    if (opensRound) {
      const moved = await moveState(tx, ctx, row, 'commented', 'requests.error.notUnderReview');
      await mailEnterprise(tx, settings, program, moved, { subject: 'requests.mail.commented.subject', paragraphs: ['requests.mail.commented.body', 'requests.mail.commented.next'] });
    }
    await auditRequest(tx, ctx, row, 'request.commentAdded', { commentId: saved.id, target: saved.target, targetId: saved.targetId, round: saved.round, movedToComments: opensRound });
    return { id: saved.id, round: saved.round, target: saved.target, targetId: saved.targetId, body: saved.body, authorName: actor.displayName, createdAt: saved.createdAt, correctedAt: null };
  });
}

/** The enterprise marks a comment corrected (or open again) while the request is in comments. */
export async function setCommentCorrected(db: Db, ctx: Ctx, program: ProgramDefinition, requestId: string, commentId: string, corrected: boolean): Promise<void> {
  const actor = signedInActor(ctx);
  await transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'edit', row);
    if (row.state !== 'commented') throw new ConflictError('requests.error.notInComments');
    assertUuid(commentId);
    const [updated] = await tx
      .update(requestComment)
      .set(corrected ? { correctedAt: new Date(), correctedBy: actor.accountId } : { correctedAt: null, correctedBy: null })
      .where(and(eq(requestComment.id, commentId), eq(requestComment.requestId, row.id)))
      .returning({ id: requestComment.id });
    if (!updated) throw new NotFoundError();
    await auditRequest(tx, ctx, row, corrected ? 'request.commentCorrected' : 'request.commentReopened', { commentId });
  });
}

/**
 * The ministry finds the transmitted request compliant; the enterprise is told by mail. `then`
 * records the program's own consequences (MES: the funding history) in the same transaction.
 */
export async function markCompliant(
  db: Db,
  ctx: Ctx,
  settings: EngineSettings,
  program: ProgramDefinition,
  requestId: string,
  then?: (tx: Db) => Promise<void>,
): Promise<RequestRow> {
  return transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'review', row);
    if (row.state !== 'submitted') throw new ConflictError('requests.error.notSubmitted');
    const moved = await moveState(tx, ctx, row, 'compliant', 'requests.error.notSubmitted');
    if (then) await then(tx);
    await auditRequest(tx, ctx, moved, 'request.compliant', { round: moved.round });
    await mailEnterprise(tx, settings, program, moved, { subject: 'requests.mail.compliant.subject', paragraphs: ['requests.mail.compliant.body'] });
    return moved;
  });
}

/**
 * Closes a compliant request: the enterprise declaring a departure (edit right; `note` says why;
 * the directorate is mailed) or an agent (review right; the enterprise is mailed). `then` records the program's own facts in
 * the same transaction.
 */
export async function closeRequest(
  db: Db,
  ctx: Ctx,
  settings: EngineSettings,
  program: ProgramDefinition,
  requestId: string,
  input: { note: string | null },
  then?: (tx: Db) => Promise<void>,
): Promise<RequestRow> {
  return transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    const byMinistry = await canOnRequest(tx, ctx, program, 'review', row);
    if (!byMinistry) await authorizeOn(tx, ctx, program, 'edit', row);
    if (row.state !== 'compliant') throw new ConflictError('requests.error.notCompliant');
    const note = input.note?.trim() || null;
    if (note && note.length > CLOSING_NOTE_MAX_LENGTH) throw new FieldValidationError({ note: 'requests.error.tooLong' });
    const moved = await moveState(tx, ctx, row, 'closed', 'requests.error.notCompliant', {}, note);
    if (then) await then(tx);
    await auditRequest(tx, ctx, moved, 'request.closed', { by: byMinistry ? 'ministry' : 'enterprise', ...(note ? { note } : {}) });
    // The other side is told: the enterprise when the ministry closes, the directorate when the enterprise does.
    const content: MailContent = { subject: 'requests.mail.closed.subject', paragraphs: note ? ['requests.mail.closed.body', 'requests.mail.closed.note'] : ['requests.mail.closed.body'] };
    if (byMinistry) await mailEnterprise(tx, settings, program, moved, content, { note: note ?? '' });
    else await mailDirectorate(tx, settings, program, moved, content, { note: note ?? '' });
    return moved;
  });
}

/**
 * Deletes a draft for good: its documents (rows now, bodies after commit), values, signature,
 * history and the program's row (cascades). The database refuses it for any other state too.
 */
export async function deleteDraft(db: Db, ctx: Ctx, settings: EngineSettings, program: ProgramDefinition, requestId: string): Promise<void> {
  const keys = await transaction(db, async (tx) => {
    const row = await lockRequest(tx, program, requestId);
    await authorizeOn(tx, ctx, program, 'edit', row);
    if (row.state !== 'draft') throw new ConflictError('requests.error.notDraft');
    const documents = await tx.delete(requestDocument).where(eq(requestDocument.requestId, row.id)).returning({ fileId: requestDocument.fileId });
    const storageKeys: string[] = [];
    for (const doc of documents) {
      const key = await deleteStoredFileRow(tx, doc.fileId);
      if (key) storageKeys.push(key);
    }
    await tx.delete(request).where(eq(request.id, row.id));
    await auditRequest(tx, ctx, row, 'request.deleted', { documents: documents.length });
    return storageKeys;
  });
  for (const key of keys) await settings.fileStore.delete(key);
}

export type ChangesSinceComments = {
  fields: { key: string; before: string | null; after: string | null }[];
  documentsAdded: string[];
  documentsRemoved: string[];
};

/** Keys in the revision's field order, then row: the order the agent reads the form in. */
function byFieldOrder(definition: ProgramDefinition): (a: string, b: string) => number {
  const position = new Map(definition.fields.map((f, i) => [f.id, i]));
  const rank = (key: string): [number, number] => {
    const [fieldId = '', row = '0'] = key.split('#');
    return [position.get(fieldId) ?? definition.fields.length, Number(row)];
  };
  return (a, b) => {
    const [fa, ra] = rank(a);
    const [fb, rb] = rank(b);
    return fa - fb || ra - rb || a.localeCompare(b);
  };
}

/**
 * What changed between the last two transmissions: values by field key, and the names of the
 * documents added and removed (by document id). Empty before the second transmission.
 */
export async function changesSinceComments(db: Db, ctx: Ctx, program: ProgramDefinition, requestId: string): Promise<ChangesSinceComments> {
  const row = await findRequest(db, program, requestId);
  await authorizeOn(db, ctx, program, 'read', row);
  const [after, before] = await db.select().from(requestSubmission).where(eq(requestSubmission.requestId, row.id)).orderBy(desc(requestSubmission.round)).limit(2);
  if (!after || !before) return { fields: [], documentsAdded: [], documentsRemoved: [] };
  const keys = [...new Set([...Object.keys(before.values), ...Object.keys(after.values)])].sort(byFieldOrder(definitionFor(program, row.revision)));
  const fields = keys.flatMap((key) => {
    const was = before.values[key] ?? null;
    const is = after.values[key] ?? null;
    return was === is ? [] : [{ key, before: was, after: is }];
  });
  const beforeIds = new Set(before.documents.map((d) => d.id));
  const afterIds = new Set(after.documents.map((d) => d.id));
  return {
    fields,
    documentsAdded: after.documents.filter((d) => !beforeIds.has(d.id)).map((d) => d.name),
    documentsRemoved: before.documents.filter((d) => !afterIds.has(d.id)).map((d) => d.name),
  };
}
