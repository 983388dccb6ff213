import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Keyset } from '../../platform/http/cursor.js';
import { recordAudit } from '../../platform/audit/service.js';
import { agentWithRole } from '../identity/agents.js';
import { action, authorize, can, isSignedIn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { deleteStoredFileRow, findStoredFile, readVerifiedBody, savePdfUpload, type StoredFile, type UploadSource } from '../../platform/files/service.js';
import type { FileStore } from '../../platform/files/store.js';
import { isLang, type MessageKey } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { accountSummaries } from '../identity/service.js';
import { membershipOf, membersOf } from './members.js';
import type { RegistryEnterprise } from './registry.js';
import type { DocumentRequirement, LegalType } from './rules.js';
import { enrolment, enrolmentDocument, enrolmentDocumentKind, enrolmentEvent, registryEnterprise } from './schema.js';
import type { Enrolment, EnterpriseSettings } from './service.js';

/**
 * Deferred enrolments (issue 4, item 5; seed 000 "activation différée"): the enterprise's RSE sends
 * the signed forms and supporting documents, then submits the file; a registry agent asks for
 * more, activates or refuses it. Every transition is one transaction with its audit event, its
 * history row and its mail to the RSE.
 */

export const documentKinds = enrolmentDocumentKind.enumValues;
export type DocumentKind = (typeof documentKinds)[number];

export const enrolmentStates = ['waiting_documents', 'under_verification', 'active', 'refused'] as const;
export type EnrolmentState = (typeof enrolmentStates)[number];

/** A proof of the enroller's authority: any of these documents (seed 000, "preuve d'autorité"). */
export const proofOfAuthorityKinds: readonly DocumentKind[] = [
  'articles_of_incorporation',
  'bylaws',
  'board_resolution',
  'sole_administrator_resolution',
  'unanimous_shareholder_agreement',
  'other_proof',
];

const satisfiedBy: Record<DocumentRequirement, readonly DocumentKind[]> = {
  signed_forms: ['signed_forms'],
  mandate: ['mandate'],
  board_resolution: ['board_resolution'],
  proof_of_authority: proofOfAuthorityKinds,
};

const requirementList: readonly DocumentRequirement[] = ['signed_forms', 'mandate', 'board_resolution', 'proof_of_authority'];

export function isDocumentRequirement(value: string): value is DocumentRequirement {
  return (requirementList as readonly string[]).includes(value);
}

export type RequirementStatus = { requirement: DocumentRequirement; satisfied: boolean };

/** Each document the enrolment waits for, and whether one of the kinds sent covers it. */
export function requirementStatus(required: readonly string[], kindsSent: readonly DocumentKind[]): RequirementStatus[] {
  return required.filter(isDocumentRequirement).map((requirement) => ({
    requirement,
    satisfied: satisfiedBy[requirement].some((kind) => kindsSent.includes(kind)),
  }));
}

// ---------------------------------------------------------------------------------------------
// Authorization

type EnterpriseResource = { enterpriseId: string };

/** The actor is the active RSE of the enterprise (its enrolment may still be deferred). */
const rseOf: Rule<EnterpriseResource> = async (actor, resource, db) => {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
  const m = await membershipOf(db, actor.accountId);
  return m !== null && m.role === 'rse' && m.active && m.enterpriseId === resource.enterpriseId;
};

/** The actor is an active member (RSE or user) of the enterprise. */
const memberOf: Rule<EnterpriseResource> = async (actor, resource, db) => {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
  const m = await membershipOf(db, actor.accountId);
  return m !== null && m.active && m.enterpriseId === resource.enterpriseId;
};

/** Agents holding the `registry` role verify deferred enrolments. */
const registryAgent = agentWithRole('registry');

export const verificationActions = {
  viewOwn: action<EnterpriseResource>('enterprises.verification.viewOwn', memberOf),
  sendDocuments: action<EnterpriseResource>('enterprises.verification.sendDocuments', rseOf),
  readDocument: action<EnterpriseResource>('enterprises.verification.readDocument', memberOf, registryAgent),
  review: action<undefined>('enterprises.verification.review', registryAgent),
  decide: action<undefined>('enterprises.verification.decide', registryAgent),
};

// ---------------------------------------------------------------------------------------------
// Reading a file

export type DocumentView = { id: string; kind: DocumentKind; originalName: string; size: number; sha256: string; uploadedAt: Date };

export type EventKind = 'submitted' | 'more_documents_asked' | 'activated' | 'refused';

export type EventView = { id: string; kind: EventKind; state: EnrolmentState; message: string | null; at: Date; actorName: string | null };

export type EnrolmentFile = {
  enrolment: Enrolment;
  enterprise: RegistryEnterprise;
  documents: DocumentView[];
  events: EventView[];
  requirements: RequirementStatus[];
  /** Every required document is covered. */
  complete: boolean;
};

function isEventKind(value: string): value is EventKind {
  return ['submitted', 'more_documents_asked', 'activated', 'refused'].includes(value);
}

async function loadFile(db: Db, enrolmentId: string): Promise<EnrolmentFile | null> {
  const [row] = await db
    .select({ enrolment, enterprise: registryEnterprise })
    .from(enrolment)
    .innerJoin(registryEnterprise, eq(registryEnterprise.id, enrolment.enterpriseId))
    .where(eq(enrolment.id, enrolmentId));
  if (!row) return null;
  const documentRows = await db.select().from(enrolmentDocument).where(eq(enrolmentDocument.enrolmentId, enrolmentId)).orderBy(asc(enrolmentDocument.createdAt));
  const files = new Map<string, StoredFile>();
  for (const doc of documentRows) {
    const file = await findStoredFile(db, doc.storedFileId);
    if (file) files.set(doc.storedFileId, file);
  }
  const documents = documentRows.flatMap((doc) => {
    const file = files.get(doc.storedFileId);
    return file ? [{ id: doc.id, kind: doc.kind, originalName: file.originalName, size: file.size, sha256: file.sha256, uploadedAt: doc.createdAt }] : [];
  });
  const eventRows = await db.select().from(enrolmentEvent).where(eq(enrolmentEvent.enrolmentId, enrolmentId)).orderBy(asc(enrolmentEvent.createdAt));
  const actorIds = [...new Set(eventRows.flatMap((e) => (e.actorAccountId ? [e.actorAccountId] : [])))];
  const names = new Map((await accountSummaries(db, actorIds)).map((a) => [a.id, a.displayName]));
  const events = eventRows.flatMap((e) =>
    isEventKind(e.kind)
      ? [{ id: e.id, kind: e.kind, state: e.state, message: e.message, at: e.createdAt, actorName: e.actorAccountId ? (names.get(e.actorAccountId) ?? null) : null }]
      : [],
  );
  const requirements = requirementStatus(row.enrolment.documentsRequired, documents.map((d) => d.kind));
  return { ...row, documents, events, requirements, complete: requirements.every((r) => r.satisfied) };
}

/** The enterprise of the signed-in enterprise account; anyone else is refused. */
async function ownEnterpriseId(db: Db, ctx: Ctx): Promise<string> {
  const actor = ctx.actor;
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') throw new ForbiddenError();
  const membership = await membershipOf(db, actor.accountId);
  if (!membership?.active) throw new ForbiddenError();
  return membership.enterpriseId;
}

/** The enrolment of the actor's enterprise (its latest), with documents and history. */
export async function ownEnrolmentFile(db: Db, ctx: Ctx): Promise<EnrolmentFile | null> {
  const enterpriseId = await ownEnterpriseId(db, ctx);
  await authorize(db, ctx.actor, verificationActions.viewOwn, { enterpriseId });
  const [latest] = await db.select({ id: enrolment.id }).from(enrolment).where(eq(enrolment.enterpriseId, enterpriseId)).orderBy(desc(enrolment.createdAt)).limit(1);
  return latest ? loadFile(db, latest.id) : null;
}

/** Whether the actor may send documents for the enterprise (to draw the forms). */
export async function canSendDocuments(db: Db, ctx: Ctx, enterpriseId: string): Promise<boolean> {
  return can(db, ctx.actor, verificationActions.sendDocuments, { enterpriseId });
}

/** The agent's view of one enrolment. */
export async function enrolmentFileForAgent(db: Db, ctx: Ctx, enrolmentId: string): Promise<EnrolmentFile> {
  await authorize(db, ctx.actor, verificationActions.review, undefined);
  const file = await loadFile(db, enrolmentId);
  if (!file) throw new NotFoundError();
  return file;
}

/** The enrolment that the forms PDF is printed from: the RSE's own, or any for an agent. */
export async function enrolmentFileForForms(db: Db, ctx: Ctx): Promise<EnrolmentFile> {
  const file = await ownEnrolmentFile(db, ctx);
  if (!file) throw new NotFoundError();
  return file;
}

// ---------------------------------------------------------------------------------------------
// Documents

async function lockedEnrolment(tx: Db, enrolmentId: string): Promise<Enrolment> {
  const [row] = await tx.select().from(enrolment).where(eq(enrolment.id, enrolmentId)).for('update');
  if (!row) throw new NotFoundError();
  return row;
}

/** Documents are sent and withdrawn only while the enrolment waits for them. */
function assertWaiting(row: Enrolment): void {
  if (row.state !== 'waiting_documents') throw new ConflictError('verification.notWaiting');
}

async function enrolmentOfActor(db: Db, ctx: Ctx, enrolmentId: string): Promise<Enrolment> {
  const [row] = await db.select().from(enrolment).where(eq(enrolment.id, enrolmentId));
  // Another enterprise's enrolment is refused the same way as one that does not exist.
  if (!row || !(await can(db, ctx.actor, verificationActions.viewOwn, { enterpriseId: row.enterpriseId }))) throw new ForbiddenError();
  return row;
}

export type DocumentUpload = { enrolmentId: string; kind: DocumentKind; source: UploadSource; fileName: string; maxBytes: number };

/**
 * Streams a PDF into the store and records it as one of the enrolment's documents. The right and
 * the state are checked before a byte is written, and again under the enrolment's row lock.
 */
export async function uploadEnrolmentDocument(db: Db, ctx: Ctx, store: FileStore, upload: DocumentUpload): Promise<DocumentView> {
  const before = await enrolmentOfActor(db, ctx, upload.enrolmentId);
  await authorize(db, ctx.actor, verificationActions.sendDocuments, { enterpriseId: before.enterpriseId });
  assertWaiting(before);
  const actor = ctx.actor;
  if (!isSignedIn(actor)) throw new ForbiddenError();
  return savePdfUpload(db, store, upload.source, { originalName: upload.fileName, maxBytes: upload.maxBytes }, async (tx, file) => {
    const row = await lockedEnrolment(tx, upload.enrolmentId);
    await authorize(tx, actor, verificationActions.sendDocuments, { enterpriseId: row.enterpriseId });
    assertWaiting(row);
    const [doc] = await tx.insert(enrolmentDocument).values({ enrolmentId: row.id, kind: upload.kind, storedFileId: file.id, uploadedBy: actor.accountId }).returning();
    if (!doc) throw new Error('enrolment_document insert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'enrolment.document-added',
      subjectType: 'enrolment',
      subjectId: row.id,
      details: { documentId: doc.id, kind: doc.kind, size: file.size, sha256: file.sha256 },
    });
    return { id: doc.id, kind: doc.kind, originalName: file.originalName, size: file.size, sha256: file.sha256, uploadedAt: doc.createdAt };
  });
}

/** Withdraws a document while the enrolment waits for documents; its body is deleted after commit. */
export async function deleteEnrolmentDocument(db: Db, ctx: Ctx, store: FileStore, enrolmentId: string, documentId: string): Promise<void> {
  await enrolmentOfActor(db, ctx, enrolmentId);
  const key = await transaction(db, async (tx) => {
    const row = await lockedEnrolment(tx, enrolmentId);
    await authorize(tx, ctx.actor, verificationActions.sendDocuments, { enterpriseId: row.enterpriseId });
    assertWaiting(row);
    const [doc] = await tx
      .delete(enrolmentDocument)
      .where(and(eq(enrolmentDocument.id, documentId), eq(enrolmentDocument.enrolmentId, row.id)))
      .returning();
    if (!doc) throw new NotFoundError();
    const storageKey = await deleteStoredFileRow(tx, doc.storedFileId);
    await recordAudit(tx, ctx, { action: 'enrolment.document-deleted', subjectType: 'enrolment', subjectId: row.id, details: { documentId: doc.id, kind: doc.kind } });
    return storageKey;
  });
  if (key) await store.delete(key);
}

export type OpenedDocument = { file: StoredFile; kind: DocumentKind; enrolmentId: string; enrolmentNumber: string; body: Buffer };

/** A document's body, for the enterprise's own members and for agents; an agent's view is audited. */
export async function openEnrolmentDocument(db: Db, ctx: Ctx, store: FileStore, documentId: string): Promise<OpenedDocument> {
  const [row] = await db
    .select({ doc: enrolmentDocument, enterpriseId: enrolment.enterpriseId, number: enrolment.number })
    .from(enrolmentDocument)
    .innerJoin(enrolment, eq(enrolment.id, enrolmentDocument.enrolmentId))
    .where(eq(enrolmentDocument.id, documentId));
  if (!row) {
    // Nobody learns whether a document exists before their right is checked.
    if (!(await can(db, ctx.actor, verificationActions.review, undefined))) throw new ForbiddenError();
    throw new NotFoundError();
  }
  await authorize(db, ctx.actor, verificationActions.readDocument, { enterpriseId: row.enterpriseId });
  const file = await findStoredFile(db, row.doc.storedFileId);
  if (!file) throw new NotFoundError();
  if (isSignedIn(ctx.actor) && ctx.actor.accountKind === 'agent') {
    await transaction(db, (tx) =>
      recordAudit(tx, ctx, { action: 'enrolment.document-viewed', subjectType: 'enrolment', subjectId: row.doc.enrolmentId, details: { documentId } }),
    );
  }
  return { file, kind: row.doc.kind, enrolmentId: row.doc.enrolmentId, enrolmentNumber: row.number, body: await readVerifiedBody(store, file) };
}

// ---------------------------------------------------------------------------------------------
// Transitions

/**
 * Enqueues, in the caller's transaction, a mail about the enrolment to the enterprise's active RSE
 * (the person who enrolled it, unless another RSE was named since) in the RSE's language; the
 * enroller's address when the enterprise has no active RSE. `message` is the agent's words.
 */
async function mailEnterprise(tx: Db, settings: EnterpriseSettings, row: Enrolment, paragraphs: MessageKey[], message: string | null): Promise<void> {
  const [enterprise] = await tx.select({ legalName: registryEnterprise.legalName }).from(registryEnterprise).where(eq(registryEnterprise.id, row.enterpriseId));
  const rse = (await membersOf(tx, row.enterpriseId, { activeOnly: true })).find((m) => m.role === 'rse');
  const lang = rse && isLang(rse.language) ? rse.language : 'fr';
  await enqueueMail(
    tx,
    composeMail(
      lang,
      rse?.email ?? row.enrollerEmail,
      { subject: 'verification.mail.subject', paragraphs, link: { label: 'verification.mail.link', url: `${settings.publicUrl}/entreprise/inscription` } },
      { number: row.number, name: enterprise?.legalName ?? '', message: message ?? '' },
    ),
  );
}

/**
 * The RSE submits the file once every required document is covered; the enterprise is told by
 * mail that the documents were received and what happens next (issue 4: "each time").
 */
export async function submitForVerification(db: Db, ctx: Ctx, settings: EnterpriseSettings, enrolmentId: string): Promise<void> {
  await enrolmentOfActor(db, ctx, enrolmentId);
  await transaction(db, async (tx) => {
    const row = await lockedEnrolment(tx, enrolmentId);
    await authorize(tx, ctx.actor, verificationActions.sendDocuments, { enterpriseId: row.enterpriseId });
    assertWaiting(row);
    const file = await loadFile(tx, enrolmentId);
    if (!file?.complete) throw new ConflictError('verification.submit.incomplete');
    await tx.update(enrolment).set({ state: 'under_verification' }).where(eq(enrolment.id, row.id));
    await tx.insert(enrolmentEvent).values({ enrolmentId: row.id, state: 'under_verification', kind: 'submitted', actorAccountId: isSignedIn(ctx.actor) ? ctx.actor.accountId : null });
    await recordAudit(tx, ctx, { action: 'enrolment.submitted', subjectType: 'enrolment', subjectId: row.id, details: { documents: file.documents.map((d) => d.id) } });
    await mailEnterprise(tx, settings, row, ['verification.mail.submitted', 'verification.mail.submittedNext'], null);
  });
}

export type Decision = { kind: 'ask_more'; message: string } | { kind: 'activate' } | { kind: 'refuse'; reason: string };

const decisionOutcome = {
  ask_more: { state: 'waiting_documents', event: 'more_documents_asked', audit: 'enrolment.more-documents-asked', mail: 'verification.mail.askMore' },
  activate: { state: 'active', event: 'activated', audit: 'enrolment.verified-activated', mail: 'verification.mail.activated' },
  refuse: { state: 'refused', event: 'refused', audit: 'enrolment.refused', mail: 'verification.mail.refused' },
} as const satisfies Record<Decision['kind'], { state: EnrolmentState; event: EventKind; audit: string; mail: MessageKey }>;

/**
 * An agent's decision on a file under verification. The update is conditional on that state, so
 * of two agents deciding at once exactly one succeeds; the other gets a conflict.
 */
export async function decideEnrolment(db: Db, ctx: Ctx, settings: EnterpriseSettings, enrolmentId: string, decision: Decision): Promise<Enrolment> {
  await authorize(db, ctx.actor, verificationActions.decide, undefined);
  const actor = ctx.actor;
  if (!isSignedIn(actor)) throw new ForbiddenError();
  const outcome = decisionOutcome[decision.kind];
  const message = decision.kind === 'ask_more' ? decision.message : decision.kind === 'refuse' ? decision.reason : null;
  return transaction(db, async (tx) => {
    await authorize(tx, actor, verificationActions.decide, undefined);
    const now = new Date();
    const [row] = await tx
      .update(enrolment)
      .set({
        state: outcome.state,
        ...(decision.kind === 'activate' ? { activatedAt: now } : {}),
        ...(decision.kind === 'refuse' ? { refusedAt: now, refusalReason: decision.reason } : {}),
      })
      .where(and(eq(enrolment.id, enrolmentId), eq(enrolment.state, 'under_verification')))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ state: enrolment.state }).from(enrolment).where(eq(enrolment.id, enrolmentId));
      if (!exists) throw new NotFoundError();
      throw new ConflictError('verification.conflict');
    }
    await tx.insert(enrolmentEvent).values({ enrolmentId: row.id, state: outcome.state, kind: outcome.event, actorAccountId: actor.accountId, message });
    await recordAudit(tx, ctx, { action: outcome.audit, subjectType: 'enrolment', subjectId: row.id, details: { number: row.number, ...(message ? { message } : {}) } });
    await mailEnterprise(tx, settings, row, message ? [outcome.mail, 'verification.mail.message'] : [outcome.mail], message);
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// The agents' queue

export const QUEUE_PAGE_SIZE = 50;

/** A position in the queue: an entry's creation time and id. */
export type QueueCursor = Keyset;

export type QueueFilters = {
  legalType?: LegalType | undefined;
  state?: EnrolmentState | undefined;
  /** The entries after a position (next page) or before it (previous page); none: the oldest. */
  from?: { direction: 'after' | 'before'; cursor: QueueCursor } | undefined;
};

export type QueueRow = { id: string; number: string; legalName: string; neq: string; legalType: LegalType; state: EnrolmentState; createdAt: Date; cursor: QueueCursor };

/** One page, with the positions its "previous" and "next" links start from (null: no such page). */
export type QueuePage = { rows: QueueRow[]; previous: QueueCursor | null; next: QueueCursor | null };

const cursorTime = sql<string>`to_char(${enrolment.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function queueConditions(filters: QueueFilters): SQL | undefined {
  const conditions: SQL[] = [];
  if (filters.state) conditions.push(eq(enrolment.state, filters.state));
  if (filters.legalType) conditions.push(eq(enrolment.legalType, filters.legalType));
  const from = filters.from;
  if (from) {
    // A row comparison: the index (…, created_at, id) starts its scan right at the position.
    const position = sql`(${from.cursor.at}::timestamptz, ${from.cursor.id}::uuid)`;
    conditions.push(from.direction === 'after' ? sql`(${enrolment.createdAt}, ${enrolment.id}) > ${position}` : sql`(${enrolment.createdAt}, ${enrolment.id}) < ${position}`);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/**
 * Enrolments oldest first, in one state (the pages ask for `under_verification` by default: the
 * files waiting for an agent) or in every state (`state` undefined), paged by keyset on
 * (created_at, id): each filter has an index in that order (schema.ts), so any page reads its 51
 * rows whatever the size of the table. No total is counted: counting would read every match.
 */
export async function verificationQueue(db: Db, ctx: Ctx, filters: QueueFilters): Promise<QueuePage> {
  await authorize(db, ctx.actor, verificationActions.review, undefined);
  const backwards = filters.from?.direction === 'before';
  const order = backwards ? [desc(enrolment.createdAt), desc(enrolment.id)] : [asc(enrolment.createdAt), asc(enrolment.id)];
  // One row more than a page tells whether another page follows in the direction read.
  const found = await db
    .select({
      id: enrolment.id,
      number: enrolment.number,
      legalName: registryEnterprise.legalName,
      neq: registryEnterprise.neq,
      legalType: enrolment.legalType,
      state: enrolment.state,
      createdAt: enrolment.createdAt,
      at: cursorTime,
    })
    .from(enrolment)
    .innerJoin(registryEnterprise, eq(registryEnterprise.id, enrolment.enterpriseId))
    .where(queueConditions(filters))
    .orderBy(...order)
    .limit(QUEUE_PAGE_SIZE + 1);
  const more = found.length > QUEUE_PAGE_SIZE;
  const page = found.slice(0, QUEUE_PAGE_SIZE);
  if (backwards) page.reverse();
  const rows = page.map(({ at, ...row }) => ({ ...row, cursor: { at, id: row.id } }));
  const first = rows[0]?.cursor ?? null;
  const last = rows.at(-1)?.cursor ?? null;
  if (backwards) return { rows, previous: more ? first : null, next: last ?? filters.from?.cursor ?? null };
  return { rows, previous: filters.from ? (first ?? filters.from.cursor) : null, next: more ? last : null };
}
