import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { storedFile } from '../../platform/files/schema.js';
import { regionalDirectorate } from '../childcare/schema.js';
import { registryEnterprise } from '../enterprises/schema.js';
import { account } from '../identity/schema.js';

/** Brouillon → Transmis → Commentaires → Transmis → … → Conforme → Terminée. */
export const requestState = pgEnum('request_state', ['draft', 'submitted', 'commented', 'compliant', 'closed']);

/**
 * A request of a program (MES, financial aid) filed by an enterprise. The program's own data
 * (the child, the type…) lives in the program's table; the engine owns what every program shares.
 * A trigger (migration request_constraints) refuses a change of values or documents unless the
 * request is a draft or in comments, and the deletion of anything but a draft.
 */
export const request = pgTable(
  'request',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    program: text('program').notNull(),
    /** The revision of the program's definition the request is filled under. */
    revision: integer('revision').notNull(),
    /** YYYY-RR-NNN: year, regional directorate, sequence. */
    number: text('number').notNull(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    directorateCode: text('directorate_code')
      .notNull()
      .references(() => regionalDirectorate.code),
    state: requestState('state').notNull().default('draft'),
    /** The form that created the request: a double submit finds the request already made. */
    creationKey: text('creation_key').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => account.id),
    /** Last change of a value, a document or the state: the lists' « Mise à jour ». */
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    firstSubmittedAt: timestamp('first_submitted_at', { withTimezone: true }),
    lastSubmittedAt: timestamp('last_submitted_at', { withTimezone: true }),
    /** Number of transmissions: a comment and a signature belong to one round. */
    round: integer('round').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('request_number_key').on(t.number),
    uniqueIndex('request_creation_key').on(t.creationKey),
    index('request_enterprise_list_idx').on(t.enterpriseId, t.program, t.state, t.changedAt),
    index('request_agent_queue_idx').on(t.program, t.directorateCode, t.state, t.lastSubmittedAt),
    index('request_directorate_idx').on(t.directorateCode),
    index('request_created_by_idx').on(t.createdBy),
  ],
);

/** The next sequence number per year and directorate, taken under a row lock: no gap, no repeat. */
export const requestSequence = pgTable(
  'request_sequence',
  {
    year: integer('year').notNull(),
    directorateCode: text('directorate_code')
      .notNull()
      .references(() => regionalDirectorate.code),
    lastValue: integer('last_value').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.year, t.directorateCode] }), index('request_sequence_directorate_idx').on(t.directorateCode)],
);

/**
 * One value someone entered, keyed by the field's stable id (and row, for repeated groups).
 * `version` grows at each save: a save that names an older version was made from a stale page and
 * is refused, so two tabs never overwrite each other silently.
 */
export const requestValue = pgTable(
  'request_value',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => request.id, { onDelete: 'cascade' }),
    fieldId: text('field_id').notNull(),
    row: integer('row').notNull().default(0),
    value: text('value').notNull(),
    version: integer('version').notNull().default(1),
    changedBy: uuid('changed_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.requestId, t.fieldId, t.row] }), index('request_value_changed_by_idx').on(t.changedBy)],
);

export const requestDocument = pgTable(
  'request_document',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => request.id, { onDelete: 'cascade' }),
    /** The program's document type (e.g. `integration_plan`). */
    documentType: text('document_type').notNull(),
    fileId: uuid('file_id')
      .notNull()
      .references(() => storedFile.id),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [
    index('request_document_request_idx').on(t.requestId, t.documentType),
    uniqueIndex('request_document_file_key').on(t.fileId),
    index('request_document_uploaded_by_idx').on(t.uploadedBy),
  ],
);

export const commentTarget = pgEnum('request_comment_target', ['field', 'document']);

/**
 * An agent's comment on one field or one document type, open until the enterprise marks it
 * corrected. Comments are never deleted; `round` is the transmission they were made on.
 */
export const requestComment = pgTable(
  'request_comment',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => request.id, { onDelete: 'cascade' }),
    round: integer('round').notNull(),
    target: commentTarget('target').notNull(),
    /** A field's stable id, or a document type. */
    targetId: text('target_id').notNull(),
    body: text('body').notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => account.id),
    correctedAt: timestamp('corrected_at', { withTimezone: true }),
    correctedBy: uuid('corrected_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    index('request_comment_request_idx').on(t.requestId, t.round),
    index('request_comment_author_idx').on(t.authorId),
    index('request_comment_corrected_by_idx').on(t.correctedBy),
    check('request_comment_corrected_check', sql`(${t.correctedAt} is null) = (${t.correctedBy} is null)`),
  ],
);

/**
 * The director's electronic signature for one round. Any change to the values or documents
 * after it removes it (service and trigger), so a signature always covers what is transmitted.
 */
export const requestSignature = pgTable(
  'request_signature',
  {
    requestId: uuid('request_id')
      .primaryKey()
      .references(() => request.id, { onDelete: 'cascade' }),
    round: integer('round').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    function: text('function').notNull(),
    attested: boolean('attested').notNull(),
    signedBy: uuid('signed_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [index('request_signature_signed_by_idx').on(t.signedBy), check('request_signature_attested_check', sql`${t.attested}`)],
);

/**
 * What was transmitted at each round: the values and documents, so that an agent sees what
 * changed since the comments. Append-only.
 */
export const requestSubmission = pgTable(
  'request_submission',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => request.id),
    round: integer('round').notNull(),
    values: jsonb('values').$type<Record<string, string>>().notNull(),
    documents: jsonb('documents').$type<{ id: string; documentType: string; name: string }[]>().notNull(),
    /** Null when the program asks for no signature and none was given. */
    signature: jsonb('signature').$type<{ firstName: string; lastName: string; function: string }>(),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.requestId, t.round] }), index('request_submission_submitted_by_idx').on(t.submittedBy)],
);

/** Every change of state, append-only: the request's history. */
export const requestTransition = pgTable(
  'request_transition',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => request.id, { onDelete: 'cascade' }),
    fromState: requestState('from_state'),
    toState: requestState('to_state').notNull(),
    /** Null: the system. */
    actorId: uuid('actor_id').references(() => account.id),
    note: text('note'),
    ...timestamps,
  },
  (t) => [
    index('request_transition_request_idx').on(t.requestId, t.createdAt),
    index('request_transition_actor_idx').on(t.actorId),
  ],
);
