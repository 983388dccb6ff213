import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, system } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { decrypt, encrypt, hmacHex, randomToken, safeEqual, sha256Hex } from '../../platform/crypto.js';
import { queryRows, transaction, type Db } from '../../platform/db/index.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { agentWithRole } from '../identity/agents.js';
import { countThrottledFailure, createAccount, throttledUntil, userCodeOf, type IdentitySettings } from '../identity/service.js';
import { INVITATION_ALPHABET, normalizeIdentifier } from './identifiers.js';
import { findOfficer, localRegistry, type EnterpriseRegistry, type RegistryEnterprise } from './registry.js';
import {
  corporationOfficerFunctions,
  decideOutcome,
  identifiersByLegalType,
  INVITATION_VALID_DAYS,
  invitationConditions,
  type CorporationOfficerFunction,
  type DocumentRequirement,
  type EnrollerRole,
  type InvitationCondition,
  type LegalType,
  type OfficerFunction,
  type SecretIdentifier,
} from './rules.js';
import { acknowledgementSecret, enrolment, enrolmentDraft, enrolmentSequence, enterpriseMember, invitationNumber, postalLetter } from './schema.js';

export type EnterpriseSettings = IdentitySettings;

export type Enrolment = typeof enrolment.$inferSelect;

export const enterpriseActions = {
  /** Registry agents (ministry accounts) read the letters sent to enterprises. */
  viewLetters: action<undefined>('enterprises.viewLetters', agentWithRole('registry')),
  /** Only the demo-data loader records enrolments outside the wizard. */
  seedDemo: action<undefined>('enterprises.seedDemo', system),
};

function registryFor(settings: EnterpriseSettings): EnterpriseRegistry {
  return localRegistry(settings.secret);
}

/** One enrolment or invitation in progress per enterprise, across processes. */
async function lockEnterprise(tx: Db, enterpriseId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`enterprise:${enterpriseId}`}))`);
}

async function hasCurrentEnrolment(tx: Db, enterpriseId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(tx, sql`select id from enrolment where enterprise_id = ${enterpriseId} and state <> 'refused' limit 1`);
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Invitation numbers (seed 000: an officer asks Revenu Québec by phone; the number comes by mail)

export type InvitationRequest = {
  rqId: string;
  firstName: string;
  lastName: string;
  officerFunction: CorporationOfficerFunction;
};

export type InvitationResult =
  | { outcome: 'issued'; addressee: string; address: string }
  | { outcome: 'conditions-unmet'; failing: InvitationCondition[] }
  | { outcome: 'not-recognised' }
  | { outcome: 'locked'; until: Date };

function invitationHash(settings: EnterpriseSettings, enterpriseId: string, code: string): string {
  return hmacHex(settings.secret, `invitation:${enterpriseId}`, normalizeIdentifier(code));
}

function newInvitationCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += INVITATION_ALPHABET[randomInt(INVITATION_ALPHABET.length)];
  return code;
}

function mailingAddress(enterprise: RegistryEnterprise): string {
  return `${enterprise.addressLine}, ${enterprise.municipality} (Québec) ${enterprise.postalCode}`;
}

async function failingConditions(tx: Db, enterprise: RegistryEnterprise): Promise<InvitationCondition[]> {
  const holds: Record<InvitationCondition, boolean> = {
    returnFiled: enterprise.returnFiled,
    mailingAddressOk: enterprise.mailingAddressOk,
    fileInGoodStanding: enterprise.fileInGoodStanding,
    officersUpToDate: enterprise.officersUpToDate,
    noActiveEnrolment: !(await hasCurrentEnrolment(tx, enterprise.id)),
  };
  return invitationConditions.filter((condition) => !holds[condition]);
}

/**
 * Issues a number only when the caller is an officer the register knows and every condition holds;
 * a new number replaces the previous one. Unrecognised details get one answer, and count toward a
 * lock per RQ ID and per IP, so the page cannot be used to probe the register.
 */
export async function requestInvitationNumber(db: Db, ctx: Ctx, settings: EnterpriseSettings, request: InvitationRequest): Promise<InvitationResult> {
  const registry = registryFor(settings);
  return transaction(db, async (tx) => {
    const locked = await lockedFor(tx, settings, ctx, request.rqId);
    if (locked) return { outcome: 'locked', until: locked };
    const enterprise = await registry.findByRqId(tx, request.rqId);
    const officer =
      enterprise?.legalType === 'corporation'
        ? findOfficer(await registry.officersOf(tx, enterprise.id), { firstName: request.firstName, lastName: request.lastName, function: request.officerFunction })
        : undefined;
    if (!enterprise || !officer) {
      await countFailure(tx, settings, ctx, request.rqId);
      await recordAudit(tx, ctx, { action: 'invitation.not-recognised' });
      return { outcome: 'not-recognised' };
    }
    await lockEnterprise(tx, enterprise.id);
    const failing = await failingConditions(tx, enterprise);
    if (failing.length > 0) {
      await recordAudit(tx, ctx, { action: 'invitation.refused', subjectType: 'registry_enterprise', subjectId: enterprise.id, details: { failing } });
      return { outcome: 'conditions-unmet', failing };
    }
    const code = newInvitationCode();
    const now = new Date();
    await tx
      .update(invitationNumber)
      .set({ replacedAt: now })
      .where(and(eq(invitationNumber.enterpriseId, enterprise.id), isNull(invitationNumber.replacedAt), isNull(invitationNumber.usedAt)));
    const expiresAt = new Date(now.getTime() + INVITATION_VALID_DAYS * 86_400_000);
    await tx.insert(invitationNumber).values({
      enterpriseId: enterprise.id,
      requestedByOfficerId: officer.id,
      codeHash: invitationHash(settings, enterprise.id, code),
      expiresAt,
    });
    const addressee = `${officer.firstName} ${officer.lastName}, ${enterprise.legalName}`;
    const letter: LetterContent = { kind: 'invitation_number', legalName: enterprise.legalName, rqId: enterprise.rqId, code, expiresOn: expiresAt.toISOString().slice(0, 10) };
    await tx.insert(postalLetter).values({
      enterpriseId: enterprise.id,
      kind: letter.kind,
      addressee,
      address: mailingAddress(enterprise),
      sealedBody: encrypt(settings.secret, 'postal-letter', JSON.stringify(letter)),
    });
    await recordAudit(tx, ctx, { action: 'invitation.issued', subjectType: 'registry_enterprise', subjectId: enterprise.id, details: { officerId: officer.id } });
    return { outcome: 'issued', addressee, address: mailingAddress(enterprise) };
  });
}

// ---------------------------------------------------------------------------------------------
// Letters

export type LetterContent = { kind: 'invitation_number'; legalName: string; rqId: string; code: string; expiresOn: string };

export type Letter = {
  id: string;
  sentAt: Date;
  addressee: string;
  address: string;
  content: LetterContent;
};

/**
 * The letters sent, newest first. Agents see them with the invitation number masked (it is the
 * enterprise's secret); the development mailbox shows it, since no post office delivers it there.
 */
export async function listLetters(db: Db, ctx: Ctx, settings: EnterpriseSettings, options: { reveal: boolean; limit?: number }): Promise<Letter[]> {
  if (!options.reveal) await authorize(db, ctx.actor, enterpriseActions.viewLetters, undefined);
  const rows = await db.select().from(postalLetter).orderBy(desc(postalLetter.createdAt)).limit(options.limit ?? 100);
  return rows.map((row) => {
    const content = JSON.parse(decrypt(settings.secret, 'postal-letter', row.sealedBody)) as LetterContent;
    return {
      id: row.id,
      sentAt: row.createdAt,
      addressee: row.addressee,
      address: row.address,
      content: options.reveal ? content : { ...content, code: '••••••••' },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Throttling of guesses (per RQ ID and per IP)

async function lockedFor(tx: Db, settings: EnterpriseSettings, ctx: Ctx, rqId: string): Promise<Date | null> {
  return (await throttledUntil(tx, settings, 'enterprise-rq', rqId)) ?? (ctx.ip ? await throttledUntil(tx, settings, 'enterprise-ip', ctx.ip) : null);
}

async function countFailure(tx: Db, settings: EnterpriseSettings, ctx: Ctx, rqId: string): Promise<void> {
  await countThrottledFailure(tx, settings, 'enterprise-rq', rqId);
  if (ctx.ip) await countThrottledFailure(tx, settings, 'enterprise-ip', ctx.ip);
}

// ---------------------------------------------------------------------------------------------
// Enrolment

export type EnrolmentRequest = {
  legalType: LegalType;
  role: EnrollerRole;
  officerFunction: OfficerFunction | null;
  firstName: string;
  lastName: string;
  email: string;
  rqId: string;
  secrets: Partial<Record<SecretIdentifier, string>>;
};

export type EnrolmentResult =
  | {
      outcome: 'activated' | 'deferred';
      enrolment: Enrolment;
      legalName: string;
      userCode: string;
      temporaryPassword: string;
      /** Lets this browser download the acknowledgement PDF with the temporary password, once. */
      acknowledgementToken: string;
    }
  | { outcome: 'identifiers-invalid' }
  | { outcome: 'already-enrolled' }
  | { outcome: 'locked'; until: Date };

async function usableInvitation(tx: Db, settings: EnterpriseSettings, enterpriseId: string, code: string) {
  const [row] = await tx
    .select()
    .from(invitationNumber)
    .where(
      and(
        eq(invitationNumber.enterpriseId, enterpriseId),
        isNull(invitationNumber.replacedAt),
        isNull(invitationNumber.usedAt),
        gt(invitationNumber.expiresAt, new Date()),
      ),
    )
    .for('update');
  return row && safeEqual(row.codeHash, invitationHash(settings, enterpriseId, code)) ? row : undefined;
}

async function nextEnrolmentNumber(tx: Db, year: number): Promise<string> {
  const [row] = await tx
    .insert(enrolmentSequence)
    .values({ year, lastValue: 1 })
    .onConflictDoUpdate({ target: enrolmentSequence.year, set: { lastValue: sql`${enrolmentSequence.lastValue} + 1`, updatedAt: new Date() } })
    .returning({ value: enrolmentSequence.lastValue });
  return `INS-${year}-${String(row?.value ?? 1).padStart(6, '0')}`;
}

/**
 * Checks the identifiers against the registry and records the enrolment with its outcome (seed
 * 000), the enroller's account as the enterprise's RSE, the audit event and the mail, in one
 * transaction. A wrong identifier, whichever it is, gets the same answer.
 */
export async function submitEnrolment(db: Db, ctx: Ctx, settings: EnterpriseSettings, request: EnrolmentRequest): Promise<EnrolmentResult> {
  const registry = registryFor(settings);
  const result = await transaction(db, async (tx): Promise<EnrolmentResult | { outcome: 'count-failure' }> => {
    const locked = await lockedFor(tx, settings, ctx, request.rqId);
    if (locked) return { outcome: 'locked', until: locked };
    const enterprise = await registry.findByRqId(tx, request.rqId);
    if (!enterprise || enterprise.legalType !== request.legalType) return { outcome: 'count-failure' };
    const asked = identifiersByLegalType[request.legalType];
    const given = asked.filter((id) => Boolean(request.secrets[id]));
    for (const id of given) {
      const value = request.secrets[id] ?? '';
      const matches = id === 'invitationNumber' ? Boolean(await usableInvitation(tx, settings, enterprise.id, value)) : registry.matchesSecret(enterprise, id, value);
      if (!matches) return { outcome: 'count-failure' };
    }
    await lockEnterprise(tx, enterprise.id);
    if (await hasCurrentEnrolment(tx, enterprise.id)) return { outcome: 'already-enrolled' };

    const officer =
      request.role === 'officer' && request.officerFunction && (corporationOfficerFunctions as readonly string[]).includes(request.officerFunction)
        ? findOfficer(await registry.officersOf(tx, enterprise.id), { firstName: request.firstName, lastName: request.lastName, function: request.officerFunction })
        : undefined;
    const outcome = decideOutcome({ legalType: request.legalType, role: request.role, recognisedOfficer: Boolean(officer), identifiersGiven: given });
    const now = new Date();
    if (given.includes('invitationNumber')) {
      await tx.update(invitationNumber).set({ usedAt: now }).where(and(eq(invitationNumber.enterpriseId, enterprise.id), isNull(invitationNumber.usedAt), isNull(invitationNumber.replacedAt)));
    }
    const created = await createAccount(tx, { ...ctx, actor: { type: 'system', name: 'enterprise-enrolment' } }, settings, {
      kind: 'enterprise',
      displayName: `${request.firstName} ${request.lastName}`,
      email: request.email,
      language: ctx.lang,
    });
    const documents: DocumentRequirement[] = outcome.activation === 'deferred' ? outcome.documents : [];
    const [row] = await tx
      .insert(enrolment)
      .values({
        number: await nextEnrolmentNumber(tx, now.getFullYear()),
        enterpriseId: enterprise.id,
        legalType: request.legalType,
        state: outcome.activation === 'immediate' ? 'active' : 'waiting_documents',
        enrollerFirstName: request.firstName,
        enrollerLastName: request.lastName,
        enrollerEmail: request.email,
        enrollerRole: request.role,
        enrollerFunction: request.officerFunction,
        enrollerRecognised: Boolean(officer),
        identifiersGiven: ['rqId', ...given],
        documentsRequired: documents,
        consentedAt: now,
        activatedAt: outcome.activation === 'immediate' ? now : null,
        rseAccountId: created.account.id,
      })
      .returning();
    if (!row || !created.temporaryPassword || !created.account.userCode) throw new Error('enrolment insert returned nothing');
    // Members left by a refused enrolment end here: the new enroller is the enterprise's only RSE.
    await tx.update(enterpriseMember).set({ active: false }).where(and(eq(enterpriseMember.enterpriseId, enterprise.id), eq(enterpriseMember.active, true)));
    await tx.insert(enterpriseMember).values({ enterpriseId: enterprise.id, accountId: created.account.id, role: 'rse' });
    const acknowledgementToken = randomToken(24);
    await tx.insert(acknowledgementSecret).values({
      tokenHash: sha256Hex(acknowledgementToken),
      enrolmentId: row.id,
      sealedPassword: encrypt(settings.secret, 'acknowledgement', created.temporaryPassword),
      expiresAt: new Date(now.getTime() + 30 * 60_000),
    });
    await recordAudit(tx, ctx, {
      action: outcome.activation === 'immediate' ? 'enrolment.activated' : 'enrolment.deferred',
      subjectType: 'enrolment',
      subjectId: row.id,
      details: { number: row.number, legalType: row.legalType, role: row.enrollerRole, rseAccountId: created.account.id },
    });
    await enqueueMail(
      tx,
      composeMail(
        ctx.lang,
        request.email,
        {
          subject: 'enrolment.mail.subject',
          paragraphs: [outcome.activation === 'immediate' ? 'enrolment.mail.activated' : 'enrolment.mail.deferred'],
          link: { label: 'enrolment.mail.link', url: `${settings.publicUrl}/connexion` },
        },
        { number: row.number, name: enterprise.legalName, userCode: created.account.userCode },
      ),
    );
    return {
      outcome: outcome.activation === 'immediate' ? 'activated' : 'deferred',
      enrolment: row,
      legalName: enterprise.legalName,
      userCode: created.account.userCode,
      temporaryPassword: created.temporaryPassword,
      acknowledgementToken,
    };
  });
  if (result.outcome !== 'count-failure') return result;
  // The failure is counted in a transaction of its own: the enrolment's was given up.
  await transaction(db, async (tx) => {
    await countFailure(tx, settings, ctx, request.rqId);
    await recordAudit(tx, ctx, { action: 'enrolment.identifiers-invalid' });
  });
  return { outcome: 'identifiers-invalid' };
}

/**
 * Demo data only (src/demo.ts): an enrolment recorded as already active, with an existing
 * enterprise account as the enterprise's RSE. The demo login CPE0001 is created by the identity
 * demo with a fixed user code, which `submitEnrolment` (it creates the RSE's account) cannot give.
 * Not reachable from any route.
 */
export async function enrolActiveForDemo(
  tx: Db,
  ctx: Ctx,
  settings: EnterpriseSettings,
  input: { rqId: string; role: EnrollerRole; firstName: string; lastName: string; email: string; rseAccountId: string },
): Promise<Enrolment> {
  await authorize(tx, ctx.actor, enterpriseActions.seedDemo, undefined);
  const enterprise = await registryFor(settings).findByRqId(tx, input.rqId);
  if (!enterprise) throw new Error(`no registry enterprise ${input.rqId}`);
  await lockEnterprise(tx, enterprise.id);
  if (await hasCurrentEnrolment(tx, enterprise.id)) throw new Error(`${input.rqId} is already enrolled`);
  const now = new Date();
  const [row] = await tx
    .insert(enrolment)
    .values({
      number: await nextEnrolmentNumber(tx, now.getFullYear()),
      enterpriseId: enterprise.id,
      legalType: enterprise.legalType,
      state: 'active',
      enrollerFirstName: input.firstName,
      enrollerLastName: input.lastName,
      enrollerEmail: input.email,
      enrollerRole: input.role,
      enrollerFunction: null,
      enrollerRecognised: false,
      identifiersGiven: ['rqId'],
      documentsRequired: [],
      consentedAt: now,
      activatedAt: now,
      rseAccountId: input.rseAccountId,
    })
    .returning();
  if (!row) throw new Error('enrolment insert returned nothing');
  await tx.insert(enterpriseMember).values({ enterpriseId: enterprise.id, accountId: input.rseAccountId, role: 'rse' });
  await recordAudit(tx, ctx, {
    action: 'enrolment.activated',
    subjectType: 'enrolment',
    subjectId: row.id,
    details: { number: row.number, legalType: row.legalType, role: row.enrollerRole, rseAccountId: input.rseAccountId, demo: true },
  });
  return row;
}

export type Acknowledgement = {
  enrolment: Enrolment;
  enterprise: RegistryEnterprise;
  userCode: string;
  /** Present only for the first download by the browser that transmitted the enrolment. */
  temporaryPassword: string | null;
};

/** The acknowledgement of an enrolment for the browser holding its token; the password once. */
export async function takeAcknowledgement(db: Db, settings: EnterpriseSettings, token: string): Promise<Acknowledgement | null> {
  return transaction(db, async (tx) => {
    const [secret] = await tx.delete(acknowledgementSecret).where(eq(acknowledgementSecret.tokenHash, sha256Hex(token))).returning();
    if (!secret || secret.expiresAt <= new Date()) return null;
    const [row] = await tx.select().from(enrolment).where(eq(enrolment.id, secret.enrolmentId));
    if (!row) return null;
    const enterprise = await registryFor(settings).findById(tx, row.enterpriseId);
    const userCode = await userCodeOf(tx, row.rseAccountId);
    if (!enterprise || !userCode) return null;
    return { enrolment: row, enterprise, userCode, temporaryPassword: decrypt(settings.secret, 'acknowledgement', secret.sealedPassword) };
  });
}

// ---------------------------------------------------------------------------------------------
// Drafts: the filled form between the review page and the transmission

const DRAFT_MINUTES = 60;

export async function saveDraft(db: Db, settings: EnterpriseSettings, request: EnrolmentRequest, token = randomToken(24)): Promise<string> {
  const values = { sealedRequest: encrypt(settings.secret, 'enrolment-draft', JSON.stringify(request)), expiresAt: new Date(Date.now() + DRAFT_MINUTES * 60_000) };
  await db
    .insert(enrolmentDraft)
    .values({ tokenHash: sha256Hex(token), ...values })
    .onConflictDoUpdate({ target: enrolmentDraft.tokenHash, set: { ...values, updatedAt: new Date() } });
  return token;
}

export async function readDraft(db: Db, settings: EnterpriseSettings, token: string): Promise<EnrolmentRequest | null> {
  const [row] = await db.select().from(enrolmentDraft).where(and(eq(enrolmentDraft.tokenHash, sha256Hex(token)), gt(enrolmentDraft.expiresAt, new Date())));
  return row ? (JSON.parse(decrypt(settings.secret, 'enrolment-draft', row.sealedRequest)) as EnrolmentRequest) : null;
}

/** Taken once: of two transmissions of one review page, only the first finds the draft. */
export async function takeDraft(db: Db, settings: EnterpriseSettings, token: string): Promise<EnrolmentRequest | null> {
  const [row] = await db.delete(enrolmentDraft).where(eq(enrolmentDraft.tokenHash, sha256Hex(token))).returning();
  if (!row || row.expiresAt <= new Date()) return null;
  return JSON.parse(decrypt(settings.secret, 'enrolment-draft', row.sealedRequest)) as EnrolmentRequest;
}
