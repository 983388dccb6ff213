import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, smallint, text, time, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../platform/db/columns.js';
import { storedFile } from '../../platform/files/schema.js';
import { installation } from '../childcare/schema.js';
import { account } from '../identity/schema.js';

/**
 * The descriptive sheet (fiche descriptive) of a site: an installation or an RSGE. The row is
 * created at the provider's first visit, which is its adhesion to the portal; nothing of it is
 * public until `published_at` is set. The places come from the permit or recognition
 * (childcare), not from here.
 */
export const serviceSheet = pgTable(
  'service_sheet',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    /** Raised by every save: a form saved from an older version is refused (two tabs). */
    version: integer('version').notNull().default(1),
    adheredAt: timestamp('adhered_at', { withTimezone: true }).notNull().defaultNow(),
    /** Who opened it first; null for a sheet loaded from elsewhere (the previous portal's, the demo's). */
    adheredBy: uuid('adhered_by').references(() => account.id),
    /** Null: not public. Set by « Publier ma fiche », cleared when the provider unpublishes. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    groupComposition: text('group_composition'),
    /** A daily rate in cents, for places that are not subsidized. */
    dailyRateCents: integer('daily_rate_cents'),
    rateDetails: text('rate_details'),
    /** `mon` … `sun`. */
    openingDays: text('opening_days').array().notNull().default(sql`'{}'::text[]`),
    opensAt: time('opens_at'),
    closesAt: time('closes_at'),
    /** `full_time`, `part_time`, `half_days`, `atypical` (see service.ts). */
    carePeriods: text('care_periods').array().notNull().default(sql`'{}'::text[]`),
    presentation: text('presentation'),
    /** `fr`, `en`, `es`, `ar`, `zh`. */
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    otherLanguages: text('other_languages'),
    /** The optional sections the provider shows to the public (see service.ts `optionalSections`). */
    publicSections: text('public_sections').array().notNull().default(sql`'{}'::text[]`),
    updatedBy: uuid('updated_by').references(() => account.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('service_sheet_installation_key').on(t.installationId),
    index('service_sheet_adhered_by_idx').on(t.adheredBy),
    index('service_sheet_updated_by_idx').on(t.updatedBy),
    check('service_sheet_rate_check', sql`${t.dailyRateCents} is null or ${t.dailyRateCents} >= 0`),
    check('service_sheet_hours_check', sql`${t.opensAt} is null or ${t.closesAt} is null or ${t.closesAt} > ${t.opensAt}`),
    check('service_sheet_version_check', sql`${t.version} >= 1`),
  ],
);

/**
 * A parent's family file (dossier familial): one per citizen account. `interest_confirmed_at` is
 * the last time the family said it still wants its places (at creation, then every 6 months);
 * `reminder_sent_at` is set when the reminder is mailed and cleared by the answer.
 */
export const family = pgTable(
  'family',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id),
    interestConfirmedAt: timestamp('interest_confirmed_at', { withTimezone: true }).notNull().defaultNow(),
    reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('family_account_key').on(t.accountId)],
);

/** A parent or guardian of the family and how to reach them (shown to the providers of its réserves). */
export const familyGuardian = pgTable(
  'family_guardian',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => family.id, { onDelete: 'cascade' }),
    /** `parent` or `guardian` (tuteur). */
    role: text('role').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone').notNull(),
    ...timestamps,
  },
  (t) => [index('family_guardian_family_idx').on(t.familyId), check('family_guardian_role_check', sql`${t.role} in ('parent', 'guardian')`)],
);

/**
 * A child of the family. Registering it gives its registration number (numéro d'inscription au
 * Portail): random, unique, never a sequence.
 */
export const familyChild = pgTable(
  'family_child',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => family.id, { onDelete: 'cascade' }),
    registrationNumber: text('registration_number').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    /** The birth date, or the expected one for an unborn child (`expected`). */
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    expected: boolean('expected').notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex('family_child_registration_number_key').on(t.registrationNumber), index('family_child_family_idx').on(t.familyId)],
);

/**
 * The ministry's list of admission priority criteria, from which a provider publishes up to 6.
 * The migration seeds the initial list; agents add criteria and retire them (`retired_at`): a
 * retired criterion cannot be newly published, and a site that already publishes it keeps it.
 */
export const priorityCriterion = pgTable(
  'priority_criterion',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A stable name for imports and tests, such as `sibling`. */
    code: text('code').notNull(),
    labelFr: text('label_fr').notNull(),
    labelEn: text('label_en').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('priority_criterion_code_key').on(t.code), check('priority_criterion_code_check', sql`${t.code} ~ '^[a-z][a-z0-9_]{1,39}$'`)],
);

/** The criteria a site publishes, in its order of priority (position 1 first, 6 at most). */
export const siteCriterion = pgTable(
  'site_criterion',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    criterionId: uuid('criterion_id')
      .notNull()
      .references(() => priorityCriterion.id),
    position: smallint('position').notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.criterionId] }),
    uniqueIndex('site_criterion_position_key').on(t.installationId, t.position),
    index('site_criterion_criterion_idx').on(t.criterionId),
    check('site_criterion_position_check', sql`${t.position} between 1 and 6`),
  ],
);

/**
 * A child's place in a site's réserve de clientèle: the service the parent chose, with its wishes.
 * The réserve's order is `criteria_key` (the site's published criteria the child does not meet,
 * see README « How ranks are computed »), then the desired start date, then `created_at` (the
 * registration time), then the id.
 * `inactive_since` is set when the family did not confirm its interest in time; such an entry and
 * a withdrawn one are out of the réserve.
 */
export const reserveChoice = pgTable(
  'reserve_choice',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    childId: uuid('child_id')
      .notNull()
      .references(() => familyChild.id, { onDelete: 'cascade' }),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    desiredStart: date('desired_start', { mode: 'string' }).notNull(),
    /** `mon` … `sun`. */
    days: text('days').array().notNull(),
    /** The care periods of the sheet (`full_time` …). */
    periods: text('periods').array().notNull(),
    acceptsPartial: boolean('accepts_partial').notNull().default(false),
    acceptsSubstitute: boolean('accepts_substitute').notNull().default(false),
    state: text('state').notNull().default('waiting'),
    inactiveSince: timestamp('inactive_since', { withTimezone: true }),
    /**
     * One bit per published criterion the child does not meet, position 1 the highest (32): a
     * smaller key comes first. Kept by criteria.ts whenever the declarations or the site's list
     * change, so that the réserve is read in index order.
     */
    criteriaKey: smallint('criteria_key').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    index('reserve_choice_child_idx').on(t.childId),
    index('reserve_choice_installation_idx').on(t.installationId, t.criteriaKey, t.desiredStart, t.createdAt, t.id),
    check('reserve_choice_criteria_key_check', sql`${t.criteriaKey} between 0 and 63`),
    // One entry per child in a réserve, withdrawn ones aside: registering twice is refused by the database too.
    uniqueIndex('reserve_choice_child_site_key').on(t.childId, t.installationId).where(sql`${t.state} <> 'withdrawn'`),
    check('reserve_choice_state_check', sql`${t.state} in ('waiting', 'contacted', 'offered', 'admitted', 'withdrawn')`),
  ],
);

/**
 * An RSGE's authorization for its bureau coordonnateur to admit children in its place (seed 003:
 * « Les RSGE peuvent autoriser le BC à poser les actions du point 2 à leur place »). The row exists
 * while the authorization holds; granting and withdrawing are audited.
 */
export const bcDelegation = pgTable(
  'bc_delegation',
  {
    installationId: uuid('installation_id')
      .primaryKey()
      .references(() => installation.id),
    grantedBy: uuid('granted_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [index('bc_delegation_granted_by_idx').on(t.grantedBy)],
);

/**
 * A child admitted at a site, from its réserve (`choice_id`) or with its registration number, with
 * the planned start date. `age_group` is the child's on that date (under 18 months: the permit's
 * infant places). An admission past the places of its age group carries the provider's recorded
 * override. One admission in progress per child (`admitted` or `confirmed`): the database refuses
 * a second, at the same site or another.
 */
export const admission = pgTable(
  'admission',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => familyChild.id, { onDelete: 'cascade' }),
    choiceId: uuid('choice_id').references(() => reserveChoice.id, { onDelete: 'set null' }),
    plannedStart: date('planned_start', { mode: 'string' }).notNull(),
    ageGroup: text('age_group').notNull(),
    /** Why the places of the age group were exceeded; null when they were not. */
    overrideReason: text('override_reason'),
    state: text('state').notNull().default('admitted'),
    admittedBy: uuid('admitted_by')
      .notNull()
      .references(() => account.id),
    /** The parent's answer about the child's other choices: `kept` or `withdrawn`; null until then. */
    otherChoices: text('other_choices'),
    ...timestamps,
  },
  (t) => [
    index('admission_installation_idx').on(t.installationId, t.plannedStart),
    index('admission_child_idx').on(t.childId),
    index('admission_choice_idx').on(t.choiceId),
    index('admission_admitted_by_idx').on(t.admittedBy),
    uniqueIndex('admission_child_active_key').on(t.childId).where(sql`${t.state} in ('admitted', 'confirmed')`),
    check('admission_state_check', sql`${t.state} in ('admitted', 'confirmed', 'cancelled', 'ended')`),
    check('admission_age_group_check', sql`${t.ageGroup} in ('infant', 'toddler')`),
    check('admission_other_choices_check', sql`${t.otherChoices} is null or ${t.otherChoices} in ('kept', 'withdrawn')`),
  ],
);

/** The last reminder a BC sent an RSGE that has not adhered to the portal: a second click the same day sends nothing. */
export const rsgeReminder = pgTable(
  'rsge_reminder',
  {
    installationId: uuid('installation_id')
      .primaryKey()
      .references(() => installation.id),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    sentBy: uuid('sent_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [index('rsge_reminder_sent_by_idx').on(t.sentBy)],
);

/**
 * The service agreement (entente de services) of an admitted child, between the parent and the
 * provider (seed 003: GES, « Gestion des ententes de services »). Its terms live in versions
 * (`service_agreement_version`); `version` is the current one, raised by every change, so that a
 * form saved from an older version is refused. Ending it (cessation) records the date and reason
 * and ends the admission. One agreement per admission.
 */
export const serviceAgreement = pgTable(
  'service_agreement',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    admissionId: uuid('admission_id')
      .notNull()
      .references(() => admission.id, { onDelete: 'cascade' }),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installation.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => familyChild.id, { onDelete: 'cascade' }),
    state: text('state').notNull().default('active'),
    version: integer('version').notNull().default(1),
    /** The terms of the current version, copied here for the lists' filters. */
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    /** `parent_decision`, `school`, `moved`, `provider_decision`, `other` (agreements.ts). */
    endReason: text('end_reason'),
    endDetails: text('end_details'),
    endedBy: uuid('ended_by').references(() => account.id),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('service_agreement_admission_key').on(t.admissionId),
    index('service_agreement_installation_idx').on(t.installationId, t.state, t.startDate),
    index('service_agreement_child_idx').on(t.childId),
    index('service_agreement_ended_by_idx').on(t.endedBy),
    index('service_agreement_created_by_idx').on(t.createdBy),
    check('service_agreement_state_check', sql`${t.state} in ('active', 'ended')`),
    check('service_agreement_version_check', sql`${t.version} >= 1`),
    check('service_agreement_end_check', sql`(${t.state} = 'ended') = (${t.endDate} is not null and ${t.endReason} is not null)`),
  ],
);

/** One version of an agreement's terms: the first one as recorded, then one per change. Never updated. */
export const serviceAgreementVersion = pgTable(
  'service_agreement_version',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => serviceAgreement.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    /** `mon` … `sun`. */
    days: text('days').array().notNull(),
    /** The care periods (`full_time` …). */
    periods: text('periods').array().notNull(),
    /** `reduced` (contribution réduite) or `other_rate`, with its daily rate. */
    contribution: text('contribution').notNull(),
    dailyRateCents: integer('daily_rate_cents'),
    signedOn: date('signed_on', { mode: 'string' }).notNull(),
    /** Why the terms changed; null for the first version. */
    changeReason: text('change_reason'),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => account.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('service_agreement_version_key').on(t.agreementId, t.version),
    index('service_agreement_version_recorded_by_idx').on(t.recordedBy),
    check('service_agreement_version_contribution_check', sql`${t.contribution} in ('reduced', 'other_rate')`),
    check('service_agreement_version_rate_check', sql`(${t.contribution} = 'other_rate') = (${t.dailyRateCents} is not null) and (${t.dailyRateCents} is null or ${t.dailyRateCents} > 0)`),
  ],
);

/**
 * A conversation of the portal's messaging (issue 8, item 6): `registration`, between a provider
 * and a parent about one réserve entry (`choice_id`, one thread per entry); `bc_rsge`, between an
 * RSGE (`installation_id`) and its BC; `announcement`, from the ministry to every provider of a
 * kind (`audience`), read-only for them. Who sees which is one rule, in messaging.ts.
 */
export const messageThread = pgTable(
  'message_thread',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    installationId: uuid('installation_id').references(() => installation.id),
    choiceId: uuid('choice_id').references(() => reserveChoice.id, { onDelete: 'cascade' }),
    /** An announcement's readers: `cpe`, `subsidized_daycare`, `daycare`, `coordinating_office` or `home_provider`. */
    audience: text('audience'),
    subject: text('subject').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => account.id),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [
    index('message_thread_installation_idx').on(t.installationId, t.lastMessageAt),
    index('message_thread_choice_idx').on(t.choiceId),
    uniqueIndex('message_thread_choice_key').on(t.choiceId).where(sql`${t.kind} = 'registration'`),
    index('message_thread_audience_idx').on(t.audience, t.lastMessageAt),
    index('message_thread_created_by_idx').on(t.createdBy),
    check('message_thread_kind_check', sql`${t.kind} in ('registration', 'bc_rsge', 'announcement')`),
    check(
      'message_thread_shape_check',
      sql`(${t.kind} = 'registration' and ${t.choiceId} is not null and ${t.installationId} is not null and ${t.audience} is null)
       or (${t.kind} = 'bc_rsge' and ${t.installationId} is not null and ${t.choiceId} is null and ${t.audience} is null)
       or (${t.kind} = 'announcement' and ${t.audience} in ('cpe', 'subsidized_daycare', 'daycare', 'coordinating_office', 'home_provider') and ${t.installationId} is null and ${t.choiceId} is null)`,
    ),
  ],
);

/** One message of a thread, with its optional PDF attachment (checked like every upload). Never updated. */
export const message = pgTable(
  'message',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    threadId: uuid('thread_id')
      .notNull()
      .references(() => messageThread.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => account.id),
    body: text('body').notNull(),
    fileId: uuid('file_id').references(() => storedFile.id),
    ...timestamps,
  },
  (t) => [index('message_thread_idx').on(t.threadId, t.createdAt), index('message_author_idx').on(t.authorId), index('message_file_idx').on(t.fileId)],
);

/** When an account last read a thread: the messages of others after it are unread. */
export const messageRead = pgTable(
  'message_read',
  {
    threadId: uuid('thread_id')
      .notNull()
      .references(() => messageThread.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => account.id),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.threadId, t.accountId] }), index('message_read_account_idx').on(t.accountId)],
);

/**
 * The site's published criteria the parent declares the child meets, for one réserve entry, and
 * the provider's check of each: null (not checked yet), `confirmed` or `rejected`. A rejected one
 * does not count in the réserve's order (criteria.ts `recomputeCriteriaKeys`).
 */
export const choiceCriterion = pgTable(
  'choice_criterion',
  {
    choiceId: uuid('choice_id')
      .notNull()
      .references(() => reserveChoice.id, { onDelete: 'cascade' }),
    criterionId: uuid('criterion_id')
      .notNull()
      .references(() => priorityCriterion.id),
    verification: text('verification'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.choiceId, t.criterionId] }),
    index('choice_criterion_criterion_idx').on(t.criterionId),
    check('choice_criterion_verification_check', sql`${t.verification} is null or ${t.verification} in ('confirmed', 'rejected')`),
  ],
);
