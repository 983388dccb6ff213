import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { account } from '../identity/schema.js';
import { storedFile } from '../../platform/files/schema.js';

export const legalType = pgEnum('legal_type', ['sole_proprietor', 'corporation', 'nonprofit', 'partnership']);
export const officerFunction = pgEnum('officer_function', [
  'president',
  'vice_president',
  'secretary',
  'treasurer',
  'sole_administrator',
  'partner',
  'administrator',
]);

/**
 * The local implementation of the enterprise registry (in reality Revenu Québec and the Registraire
 * des entreprises). Secrets (SIN, impôtNET code, assessment number) are kept only as HMACs.
 */
export const registryEnterprise = pgTable(
  'registry_enterprise',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rqId: text('rq_id').notNull(),
    neq: text('neq').notNull(),
    legalName: text('legal_name').notNull(),
    legalType: legalType('legal_type').notNull(),
    addressLine: text('address_line').notNull(),
    municipality: text('municipality').notNull(),
    postalCode: text('postal_code').notNull(),
    /** A return was filed and an assessment notice received. */
    returnFiled: boolean('return_filed').notNull(),
    mailingAddressOk: boolean('mailing_address_ok').notNull(),
    fileInGoodStanding: boolean('file_in_good_standing').notNull(),
    officersUpToDate: boolean('officers_up_to_date').notNull(),
    assessmentNumberHash: text('assessment_number_hash'),
    ownerSinHash: text('owner_sin_hash'),
    impotnetCodeHash: text('impotnet_code_hash'),
    ...timestamps,
  },
  (t) => [uniqueIndex('registry_enterprise_rq_id_key').on(t.rqId), uniqueIndex('registry_enterprise_neq_key').on(t.neq)],
);

export const registryOfficer = pgTable(
  'registry_officer',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id, { onDelete: 'cascade' }),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    function: officerFunction('function').notNull(),
    ...timestamps,
  },
  (t) => [index('registry_officer_enterprise_idx').on(t.enterpriseId)],
);

/** At most one usable number per enterprise: issuing a new one marks the old one replaced. */
export const invitationNumber = pgTable(
  'invitation_number',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id, { onDelete: 'cascade' }),
    requestedByOfficerId: uuid('requested_by_officer_id')
      .notNull()
      .references(() => registryOfficer.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    replacedAt: timestamp('replaced_at', { withTimezone: true }),
    usedAt: timestamp('used_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('invitation_number_usable_key')
      .on(t.enterpriseId)
      .where(sql`replaced_at is null and used_at is null`),
    index('invitation_number_enterprise_idx').on(t.enterpriseId),
    index('invitation_number_officer_idx').on(t.requestedByOfficerId),
  ],
);

/**
 * A letter sent to an enterprise's mailing address (the seed's postal channel). Its body is kept
 * encrypted: it may carry an invitation number, which is otherwise stored only as an HMAC.
 */
export const postalLetter = pgTable(
  'postal_letter',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    addressee: text('addressee').notNull(),
    address: text('address').notNull(),
    sealedBody: text('sealed_body').notNull(),
    ...timestamps,
  },
  (t) => [index('postal_letter_enterprise_idx').on(t.enterpriseId, t.createdAt)],
);

export const enrolmentState = pgEnum('enrolment_state', ['active', 'waiting_documents', 'under_verification', 'refused']);
export const enrollerRole = pgEnum('enroller_role', [
  'proprietor',
  'named_by_proprietor',
  'officer',
  'employee',
  'professional',
  'designated_by_resolution',
  'partner',
  'administrator',
  'named_by_partnership',
]);

/** An enterprise's enrolment in the government identity service. */
export const enrolment = pgTable(
  'enrolment',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Shown on the acknowledgement: INS-YYYY-NNNNNN. */
    number: text('number').notNull(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    legalType: legalType('legal_type').notNull(),
    state: enrolmentState('state').notNull(),
    enrollerFirstName: text('enroller_first_name').notNull(),
    enrollerLastName: text('enroller_last_name').notNull(),
    enrollerEmail: text('enroller_email').notNull(),
    enrollerRole: enrollerRole('enroller_role').notNull(),
    enrollerFunction: officerFunction('enroller_function'),
    /** The registry recognised the enroller as one of the enterprise's officers. */
    enrollerRecognised: boolean('enroller_recognised').notNull(),
    /** Which identifiers were given (never their values). */
    identifiersGiven: text('identifiers_given').array().notNull(),
    /** The documents the enterprise must send before a deferred enrolment is verified. */
    documentsRequired: text('documents_required').array().notNull(),
    consentedAt: timestamp('consented_at', { withTimezone: true }).notNull(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    refusedAt: timestamp('refused_at', { withTimezone: true }),
    refusalReason: text('refusal_reason'),
    /** The person who enrolled becomes the enterprise's RSE (its account in the identity module). */
    rseAccountId: uuid('rse_account_id')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('enrolment_number_key').on(t.number),
    // One enrolment in force or in progress per enterprise.
    uniqueIndex('enrolment_current_key').on(t.enterpriseId).where(sql`state <> 'refused'`),
    index('enrolment_enterprise_idx').on(t.enterpriseId),
    // The agents' queue, oldest first with keyset paging on (created_at, id): one index per filter
    // combination, each giving the rows in the queue's order so a page reads only its 51 entries.
    index('enrolment_queue_idx').on(t.state, t.createdAt, t.id),
    index('enrolment_queue_type_idx').on(t.state, t.legalType, t.createdAt, t.id),
    index('enrolment_created_idx').on(t.createdAt, t.id),
    index('enrolment_rse_idx').on(t.rseAccountId),
  ],
);

/** Yearly sequence of enrolment numbers, without gaps under concurrency (row lock). */
export const enrolmentSequence = pgTable('enrolment_sequence', {
  year: integer('year').primaryKey(),
  lastValue: integer('last_value').notNull(),
  ...timestamps,
});

/**
 * A one-time acknowledgement download: the temporary password, encrypted, for the PDF of the
 * browser that transmitted the enrolment, deleted at first download or after 30 minutes.
 */
export const acknowledgementSecret = pgTable(
  'acknowledgement_secret',
  {
    tokenHash: text('token_hash').primaryKey(),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolment.id, { onDelete: 'cascade' }),
    sealedPassword: text('sealed_password').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [index('acknowledgement_secret_enrolment_idx').on(t.enrolmentId)],
);

/** A filled enrolment form between its review and its transmission, sealed (it holds the SIN). */
export const enrolmentDraft = pgTable('enrolment_draft', {
  tokenHash: text('token_hash').primaryKey(),
  sealedRequest: text('sealed_request').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  ...timestamps,
});

export const memberRole = pgEnum('enterprise_member_role', ['rse', 'user']);

/**
 * The people of an enrolled enterprise: each enterprise account belongs to one enterprise. The
 * person who enrolled it is its first RSE; the database keeps one active RSE per enterprise.
 */
export const enterpriseMember = pgTable(
  'enterprise_member',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id),
    role: memberRole('role').notNull(),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('enterprise_member_account_key').on(t.accountId),
    uniqueIndex('enterprise_member_pair_key').on(t.enterpriseId, t.accountId),
    uniqueIndex('enterprise_member_one_rse_key').on(t.enterpriseId).where(sql`role = 'rse' and active`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Deferred enrolments: the documents sent and the history of the file (verification.ts)

export const enrolmentDocumentKind = pgEnum('enrolment_document_kind', [
  'signed_forms',
  'mandate',
  'board_resolution',
  'articles_of_incorporation',
  'bylaws',
  'sole_administrator_resolution',
  'unanimous_shareholder_agreement',
  'other_proof',
]);

/** A document an enterprise sent for its deferred enrolment; its body is in the file store. */
export const enrolmentDocument = pgTable(
  'enrolment_document',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolment.id),
    kind: enrolmentDocumentKind('kind').notNull(),
    storedFileId: uuid('stored_file_id')
      .notNull()
      .references(() => storedFile.id),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [
    index('enrolment_document_enrolment_idx').on(t.enrolmentId, t.createdAt),
    uniqueIndex('enrolment_document_file_key').on(t.storedFileId),
    index('enrolment_document_uploaded_by_idx').on(t.uploadedBy),
  ],
);

/** The history of an enrolment, as its people read it: append-only (a trigger refuses changes). */
export const enrolmentEvent = pgTable(
  'enrolment_event',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolment.id),
    /** The state the enrolment is in after the event. */
    state: enrolmentState('state').notNull(),
    /** What happened: submitted, more_documents_asked, activated, refused. */
    kind: text('kind').notNull(),
    actorAccountId: uuid('actor_account_id').references(() => account.id),
    /** The agent's message (documents asked for) or reason (refusal). */
    message: text('message'),
    ...timestamps,
  },
  (t) => [index('enrolment_event_enrolment_idx').on(t.enrolmentId, t.createdAt), index('enrolment_event_actor_idx').on(t.actorAccountId)],
);
