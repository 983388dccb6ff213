import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { enterpriseMember, registryEnterprise } from '../enterprises/schema.js';
import { account } from '../identity/schema.js';
import { municipality } from '../places/schema.js';

export const ministry = pgEnum('ministry', ['famille', 'mamh']);
export const eserviceEnrolmentState = pgEnum('eservice_enrolment_state', ['processing', 'active', 'refused']);
export const eservice = pgEnum('eservice', ['mes', 'portal', 'aid']);
export const eserviceRightKind = pgEnum('eservice_right_kind', ['consult', 'enter', 'sign', 'manage_sheet', 'manage_reserve']);

/**
 * An enterprise's enrolment into one ministry's e-services (seed 002), one per enterprise and
 * ministry: a refused enrolment is corrected and transmitted again in place; its history is kept
 * in `eservice_enrolment_event`.
 */
export const eserviceEnrolment = pgTable(
  'eservice_enrolment',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    ministry: ministry('ministry').notNull(),
    state: eserviceEnrolmentState('state').notNull(),
    /** The ministry's information: for Famille a permit, recognition or RSGE number. */
    ministryNumber: text('ministry_number').notNull(),
    /** What the childcare data said of the number at transmission: matched, other_enterprise, unknown. */
    numberCheck: text('number_check').notNull(),
    otherInformation: text('other_information'),
    consentedAt: timestamp('consented_at', { withTimezone: true }).notNull(),
    transmittedAt: timestamp('transmitted_at', { withTimezone: true }).notNull(),
    transmittedBy: uuid('transmitted_by')
      .notNull()
      .references(() => account.id),
    /** Null with a decision time: accepted automatically. */
    decidedBy: uuid('decided_by').references(() => account.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    refusalReason: text('refusal_reason'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('eservice_enrolment_enterprise_ministry_key').on(t.enterpriseId, t.ministry),
    index('eservice_enrolment_queue_idx').on(t.state, t.transmittedAt),
    index('eservice_enrolment_transmitted_by_idx').on(t.transmittedBy),
    index('eservice_enrolment_decided_by_idx').on(t.decidedBy),
  ],
);

/** Every transmission and decision of an enrolment, append-only. */
export const eserviceEnrolmentEvent = pgTable(
  'eservice_enrolment_event',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => eserviceEnrolment.id),
    state: eserviceEnrolmentState('state').notNull(),
    /** Null: the system (automatic acceptance). */
    actorAccountId: uuid('actor_account_id').references(() => account.id),
    ministryNumber: text('ministry_number'),
    reason: text('reason'),
    ...timestamps,
  },
  (t) => [index('eservice_enrolment_event_enrolment_idx').on(t.enrolmentId, t.createdAt), index('eservice_enrolment_event_actor_idx').on(t.actorAccountId)],
);

/**
 * A right of an enterprise's user in one e-service. The composite foreign key to the membership
 * makes the database refuse a right for a user of another enterprise; a trigger (migration
 * access_constraints) refuses one for an e-service the enterprise is not active in.
 */
export const eserviceRight = pgTable(
  'eservice_right',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id').notNull(),
    accountId: uuid('account_id').notNull(),
    eservice: eservice('eservice').notNull(),
    right: eserviceRightKind('right').notNull(),
    grantedBy: uuid('granted_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'eservice_right_member_fk', columns: [t.enterpriseId, t.accountId], foreignColumns: [enterpriseMember.enterpriseId, enterpriseMember.accountId] }),
    uniqueIndex('eservice_right_key').on(t.accountId, t.eservice, t.right),
    index('eservice_right_member_idx').on(t.enterpriseId, t.accountId),
    index('eservice_right_granted_by_idx').on(t.grantedBy),
  ],
);

// ---------------------------------------------------------------------------------------------
// The access-rights registry of the financial-aid programs (seed 004). Every row of a function,
// attachment, mandate or profile keeps its history: it is ended (`ended_at`), never deleted. The
// invariants are enforced here (partial unique indexes, composite foreign keys) and by the triggers
// of migration registry_constraints, as well as by the service.

/** A financial-aid program whose access the registry manages (`aid` defines it on the request engine). */
export const registryProgram = pgTable('registry_program', {
  code: text('code').primaryKey(),
  nameFr: text('name_fr').notNull(),
  nameEn: text('name_en').notNull(),
  /** Whether a Mandataire – Rédaction may sign and transmit (else only the organization's Requérant – Rédaction). */
  mandatariesMayTransmit: boolean('mandataries_may_transmit').notNull().default(false),
  ...timestamps,
});

export const organizationKind = pgEnum('organization_kind', ['municipality', 'organism']);

/**
 * A municipality (by its geographic code) or an organism (by the NEQ of its enterprise) applying to
 * the programs. Its people are the members of its enterprise: the enterprise account that
 * represents it in guichet.
 */
export const organization = pgTable(
  'organization',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: organizationKind('kind').notNull(),
    geographicCode: text('geographic_code').references(() => municipality.geographicCode),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('organization_geographic_code_key').on(t.geographicCode),
    uniqueIndex('organization_enterprise_key').on(t.enterpriseId),
    unique('organization_id_enterprise_key').on(t.id, t.enterpriseId),
    check('organization_identifier_check', sql`(${t.kind} = 'municipality') = (${t.geographicCode} is not null)`),
  ],
);

export const registryFunction = pgEnum('registry_function', ['local_manager', 'deputy']);

/**
 * A local access manager or a deputy of an organization for a program. One current local manager
 * per organization and program, one current function per person; the holder is a member of the
 * organization's enterprise (composite foreign key), never someone of an external firm.
 */
export const organizationFunction = pgTable(
  'organization_function',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    program: text('program')
      .notNull()
      .references(() => registryProgram.code),
    organizationId: uuid('organization_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    accountId: uuid('account_id').notNull(),
    function: registryFunction('function').notNull(),
    /** The support agent (a manager) or the local manager (a deputy) who named the holder. */
    namedBy: uuid('named_by')
      .notNull()
      .references(() => account.id),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedBy: uuid('ended_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'organization_function_organization_fk', columns: [t.organizationId, t.enterpriseId], foreignColumns: [organization.id, organization.enterpriseId] }),
    foreignKey({ name: 'organization_function_member_fk', columns: [t.enterpriseId, t.accountId], foreignColumns: [enterpriseMember.enterpriseId, enterpriseMember.accountId] }),
    uniqueIndex('organization_function_one_manager_key').on(t.program, t.organizationId).where(sql`function = 'local_manager' and ended_at is null`),
    uniqueIndex('organization_function_one_per_person_key').on(t.program, t.organizationId, t.accountId).where(sql`ended_at is null`),
    index('organization_function_program_idx').on(t.program, t.organizationId),
    index('organization_function_organization_idx').on(t.organizationId, t.enterpriseId),
    index('organization_function_member_idx').on(t.enterpriseId, t.accountId),
    index('organization_function_account_idx').on(t.accountId),
    index('organization_function_named_by_idx').on(t.namedBy),
    index('organization_function_ended_by_idx').on(t.endedBy),
  ],
);

/** A physical place where a mandatary firm (an enrolled enterprise) serves its clients. */
export const servicePoint = pgTable(
  'service_point',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    name: text('name').notNull(),
    address: text('address').notNull(),
    ...timestamps,
  },
  (t) => [unique('service_point_id_enterprise_key').on(t.id, t.enterpriseId), uniqueIndex('service_point_name_key').on(t.enterpriseId, sql`lower(${t.name})`)],
);

/** The one mandatary manager of a service point for a program; no deputies. */
export const mandataryManager = pgTable(
  'mandatary_manager',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    program: text('program')
      .notNull()
      .references(() => registryProgram.code),
    servicePointId: uuid('service_point_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    accountId: uuid('account_id').notNull(),
    /** The support agent who approved the designation or the replacement. */
    namedBy: uuid('named_by')
      .notNull()
      .references(() => account.id),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedBy: uuid('ended_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'mandatary_manager_service_point_fk', columns: [t.servicePointId, t.enterpriseId], foreignColumns: [servicePoint.id, servicePoint.enterpriseId] }),
    foreignKey({ name: 'mandatary_manager_member_fk', columns: [t.enterpriseId, t.accountId], foreignColumns: [enterpriseMember.enterpriseId, enterpriseMember.accountId] }),
    uniqueIndex('mandatary_manager_one_key').on(t.program, t.servicePointId).where(sql`ended_at is null`),
    index('mandatary_manager_program_idx').on(t.program, t.servicePointId),
    index('mandatary_manager_service_point_idx').on(t.servicePointId, t.enterpriseId),
    index('mandatary_manager_member_idx').on(t.enterpriseId, t.accountId),
    index('mandatary_manager_account_idx').on(t.accountId),
    index('mandatary_manager_named_by_idx').on(t.namedBy),
    index('mandatary_manager_ended_by_idx').on(t.endedBy),
  ],
);

/** A member of the firm attached by the mandatary manager to a service point for a program (one point per person and program). */
export const servicePointStaff = pgTable(
  'service_point_staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    program: text('program')
      .notNull()
      .references(() => registryProgram.code),
    servicePointId: uuid('service_point_id').notNull(),
    enterpriseId: uuid('enterprise_id').notNull(),
    accountId: uuid('account_id').notNull(),
    attachedBy: uuid('attached_by')
      .notNull()
      .references(() => account.id),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedBy: uuid('ended_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'service_point_staff_service_point_fk', columns: [t.servicePointId, t.enterpriseId], foreignColumns: [servicePoint.id, servicePoint.enterpriseId] }),
    foreignKey({ name: 'service_point_staff_member_fk', columns: [t.enterpriseId, t.accountId], foreignColumns: [enterpriseMember.enterpriseId, enterpriseMember.accountId] }),
    uniqueIndex('service_point_staff_one_point_key').on(t.program, t.accountId).where(sql`ended_at is null`),
    index('service_point_staff_point_idx').on(t.program, t.servicePointId),
    index('service_point_staff_service_point_idx').on(t.servicePointId, t.enterpriseId),
    index('service_point_staff_member_idx').on(t.enterpriseId, t.accountId),
    index('service_point_staff_attached_by_idx').on(t.attachedBy),
    index('service_point_staff_ended_by_idx').on(t.endedBy),
  ],
);

/** An organization mandates a firm's service point for a program, optionally until a date (included). */
export const mandate = pgTable(
  'mandate',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    program: text('program')
      .notNull()
      .references(() => registryProgram.code),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id),
    servicePointId: uuid('service_point_id')
      .notNull()
      .references(() => servicePoint.id),
    validUntil: date('valid_until'),
    grantedBy: uuid('granted_by')
      .notNull()
      .references(() => account.id),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedBy: uuid('ended_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('mandate_current_key').on(t.program, t.organizationId, t.servicePointId).where(sql`ended_at is null`),
    index('mandate_program_idx').on(t.program, t.organizationId),
    index('mandate_organization_idx').on(t.organizationId),
    index('mandate_service_point_idx').on(t.servicePointId, t.program),
    index('mandate_granted_by_idx').on(t.grantedBy),
    index('mandate_ended_by_idx').on(t.endedBy),
  ],
);

export const registryProfile = pgEnum('registry_profile', ['requester_write', 'requester_read', 'mandatary_write', 'mandatary_read']);

/**
 * A profile a person holds on an organization's files in a program: one current profile per person,
 * organization and program; a change ends the row and starts another. A Mandataire profile names
 * the service point whose mandate carries it.
 */
export const profileGrant = pgTable(
  'profile_grant',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    program: text('program')
      .notNull()
      .references(() => registryProgram.code),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organization.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id),
    profile: registryProfile('profile').notNull(),
    servicePointId: uuid('service_point_id').references(() => servicePoint.id),
    grantedBy: uuid('granted_by')
      .notNull()
      .references(() => account.id),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedBy: uuid('ended_by').references(() => account.id),
    /** Why it ended: withdrawn, changed (a new profile replaced it), mandate_ended, detached, member_left. */
    endReason: text('end_reason'),
    ...timestamps,
  },
  (t) => [
    check('profile_grant_service_point_check', sql`(${t.profile} in ('mandatary_write', 'mandatary_read')) = (${t.servicePointId} is not null)`),
    check('profile_grant_end_check', sql`(${t.endedAt} is null) = (${t.endReason} is null)`),
    uniqueIndex('profile_grant_current_key').on(t.accountId, t.program, t.organizationId).where(sql`ended_at is null`),
    index('profile_grant_register_idx').on(t.program, t.organizationId, t.createdAt),
    index('profile_grant_organization_idx').on(t.organizationId),
    index('profile_grant_account_idx').on(t.accountId, t.program),
    index('profile_grant_service_point_idx').on(t.servicePointId),
    index('profile_grant_granted_by_idx').on(t.grantedBy),
    index('profile_grant_ended_by_idx').on(t.endedBy),
  ],
);

export const designationKind = pgEnum('designation_kind', ['local_manager', 'mandatary_manager']);
export const designationState = pgEnum('designation_state', ['pending', 'approved', 'refused']);

/**
 * A designation form sent to the support desk: a local manager of an organization, or the
 * mandatary manager of a firm's service point; `replacement` when it replaces the current holder
 * (seed 004, 7.1 and 19: the requester's name and function are asked). One pending form per target.
 */
export const designationRequest = pgTable(
  'designation_request',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: designationKind('kind').notNull(),
    replacement: boolean('replacement').notNull().default(false),
    program: text('program')
      .notNull()
      .references(() => registryProgram.code),
    /** The organization's (local manager) or the firm's (mandatary manager) enterprise. */
    enterpriseId: uuid('enterprise_id')
      .notNull()
      .references(() => registryEnterprise.id),
    /** A municipality's geographic code; null for an organism (identified by its enterprise's NEQ) and for a firm. */
    geographicCode: text('geographic_code').references(() => municipality.geographicCode),
    /** An existing service point, or the name and address of a new one. */
    servicePointId: uuid('service_point_id').references(() => servicePoint.id),
    servicePointName: text('service_point_name'),
    servicePointAddress: text('service_point_address'),
    designatedAccountId: uuid('designated_account_id')
      .notNull()
      .references(() => account.id),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => account.id),
    requesterName: text('requester_name').notNull(),
    requesterFunction: text('requester_function').notNull(),
    /** What the pending form is about, one pending form per (kind, program, target). */
    target: text('target').notNull(),
    state: designationState('state').notNull().default('pending'),
    decidedBy: uuid('decided_by').references(() => account.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    refusalReason: text('refusal_reason'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('designation_request_pending_key').on(t.kind, t.program, t.target).where(sql`state = 'pending'`),
    check('designation_request_service_point_check', sql`(${t.kind} = 'mandatary_manager') = (${t.servicePointId} is not null or ${t.servicePointName} is not null)`),
    index('designation_request_queue_idx').on(t.state, t.createdAt),
    index('designation_request_program_idx').on(t.program, t.kind),
    index('designation_request_enterprise_idx').on(t.enterpriseId),
    index('designation_request_geographic_code_idx').on(t.geographicCode),
    index('designation_request_service_point_idx').on(t.servicePointId),
    index('designation_request_designated_idx').on(t.designatedAccountId),
    index('designation_request_requested_by_idx').on(t.requestedBy),
    index('designation_request_decided_by_idx').on(t.decidedBy),
  ],
);
