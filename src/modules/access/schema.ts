import { foreignKey, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { enterpriseMember, registryEnterprise } from '../enterprises/schema.js';
import { account } from '../identity/schema.js';

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
