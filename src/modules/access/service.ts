import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { accountOfKind, action, authorize, isSignedIn } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { isLang, translate } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { findServiceByPermit, normalizePermitNumber, type ChildcareService } from '../childcare/service.js';
import { activeMemberOf, activeRseOf, enterpriseNames, enterpriseOf, membershipOf, membersOf, type Member } from '../enterprises/members.js';
import { allRights, eservicesOf, isGrantable, ministryOf, rightKey, type Eservice, type Ministry, type RightKind, type RightRef } from './catalogue.js';
import { eserviceEnrolment, eserviceEnrolmentEvent, eserviceRight } from './schema.js';

export type AccessSettings = { publicUrl: string };
export type EserviceEnrolment = typeof eserviceEnrolment.$inferSelect;
export type EserviceEnrolmentEvent = typeof eserviceEnrolmentEvent.$inferSelect;
export type NumberCheck = 'matched' | 'other_enterprise' | 'unknown' | 'not_checked';

type EnterpriseRef = { enterpriseId: string };

export const accessActions = {
  /** Seed 002: only the enterprise's RSE enrols it into e-services. */
  enrol: action<EnterpriseRef>('access.enrol', activeRseOf),
  /** Ministry agents decide enrolments in processing. Agents are not yet tied to a ministry. */
  decide: action<undefined>('access.decide', accountOfKind('agent')),
  manageRights: action<EnterpriseRef>('access.manageRights', activeRseOf),
  viewOwnRights: action<EnterpriseRef>('access.viewOwnRights', activeMemberOf),
};

// ---------------------------------------------------------------------------------------------
// Enrolment into a ministry's e-services

export type EnrolmentView = { ministry: Ministry; enrolment: EserviceEnrolment | null; events: EserviceEnrolmentEvent[] };

async function eventsOf(db: Db, enrolmentIds: string[]): Promise<EserviceEnrolmentEvent[]> {
  if (enrolmentIds.length === 0) return [];
  return db.select().from(eserviceEnrolmentEvent).where(inArray(eserviceEnrolmentEvent.enrolmentId, enrolmentIds)).orderBy(asc(eserviceEnrolmentEvent.createdAt));
}

/** The enterprise's enrolment with each ministry (none yet: null), with their history. */
export async function enterpriseEnrolments(db: Db, ctx: Ctx, enterpriseId: string): Promise<EnrolmentView[]> {
  await authorize(db, ctx.actor, accessActions.enrol, { enterpriseId });
  const rows = await db.select().from(eserviceEnrolment).where(eq(eserviceEnrolment.enterpriseId, enterpriseId));
  const events = await eventsOf(db, rows.map((r) => r.id));
  return (['famille', 'mamh'] as const).map((ministry) => {
    const enrolment = rows.find((r) => r.ministry === ministry) ?? null;
    return { ministry, enrolment, events: enrolment ? events.filter((e) => e.enrolmentId === enrolment.id) : [] };
  });
}

export type EnrolmentInput = { ministry: Ministry; ministryNumber: string; otherInformation: string | null };

async function checkNumber(db: Db, ministry: Ministry, number: string, neq: string): Promise<{ check: NumberCheck; service: ChildcareService | undefined }> {
  if (ministry !== 'famille') return { check: 'not_checked', service: undefined };
  const service = await findServiceByPermit(db, number);
  if (!service) return { check: 'unknown', service };
  return { check: service.enterpriseNeq === neq ? 'matched' : 'other_enterprise', service };
}

async function mailRse(tx: Db, settings: AccessSettings, enrolment: EserviceEnrolment, outcome: 'accepted' | 'refused'): Promise<void> {
  const rse = (await membersOf(tx, enrolment.enterpriseId, { activeOnly: true })).find((m) => m.role === 'rse');
  const enterprise = await enterpriseOf(tx, enrolment.enterpriseId);
  if (!rse?.email || !enterprise) return;
  const lang = isLang(rse.language) ? rse.language : 'fr';
  await enqueueMail(
    tx,
    composeMail(
      lang,
      rse.email,
      {
        subject: outcome === 'accepted' ? 'eservices.mail.accepted.subject' : 'eservices.mail.refused.subject',
        paragraphs: outcome === 'accepted' ? ['eservices.mail.accepted.body'] : ['eservices.mail.refused.body', 'eservices.mail.refused.reason'],
        link: { label: 'eservices.mail.link', url: `${settings.publicUrl}/entreprise/services-en-ligne` },
      },
      { name: enterprise.legalName, ministry: translate(lang, `eservices.ministry.${enrolment.ministry}`), reason: enrolment.refusalReason ?? '' },
    ),
  );
}


/**
 * Transmits the enterprise's enrolment with a ministry, or a refused one corrected. A Famille
 * number held by a childcare service of the same NEQ is accepted at once; any other goes to the
 * ministry's agents (En traitement).
 */
export async function transmitEnrolment(db: Db, ctx: Ctx, settings: AccessSettings, enterpriseId: string, input: EnrolmentInput): Promise<EserviceEnrolment> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, accessActions.enrol, { enterpriseId });
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`eservice-enrolment:${enterpriseId}:${input.ministry}`}))`);
    const [existing] = await tx
      .select()
      .from(eserviceEnrolment)
      .where(and(eq(eserviceEnrolment.enterpriseId, enterpriseId), eq(eserviceEnrolment.ministry, input.ministry)))
      .for('update');
    if (existing && existing.state !== 'refused') throw new ConflictError(existing.state === 'active' ? 'eservices.alreadyActive' : 'eservices.alreadyProcessing');
    const enterprise = await enterpriseOf(tx, enterpriseId);
    if (!enterprise) throw new NotFoundError();
    const number = normalizePermitNumber(input.ministryNumber);
    const { check } = await checkNumber(tx, input.ministry, number, enterprise.neq);
    const now = new Date();
    const accepted = check === 'matched';
    const values = {
      state: accepted ? ('active' as const) : ('processing' as const),
      ministryNumber: number,
      numberCheck: check,
      otherInformation: input.otherInformation,
      consentedAt: now,
      transmittedAt: now,
      transmittedBy: ctx.actor.accountId,
      decidedBy: null,
      decidedAt: accepted ? now : null,
      refusalReason: null,
    };
    const [row] = existing
      ? await tx.update(eserviceEnrolment).set(values).where(eq(eserviceEnrolment.id, existing.id)).returning()
      : await tx.insert(eserviceEnrolment).values({ enterpriseId, ministry: input.ministry, ...values }).returning();
    if (!row) throw new Error('enrolment write returned nothing');
    await tx.insert(eserviceEnrolmentEvent).values({ enrolmentId: row.id, state: 'processing', actorAccountId: ctx.actor.accountId, ministryNumber: number });
    await recordAudit(tx, ctx, {
      action: existing ? 'eservice-enrolment.retransmitted' : 'eservice-enrolment.transmitted',
      subjectType: 'eservice_enrolment',
      subjectId: row.id,
      details: { enterpriseId, ministry: input.ministry, numberCheck: check },
    });
    if (accepted) {
      await tx.insert(eserviceEnrolmentEvent).values({ enrolmentId: row.id, state: 'active', actorAccountId: null, reason: 'automatic' });
      await recordAudit(tx, { ...ctx, actor: { type: 'system', name: 'eservice-auto-acceptance' } }, {
        action: 'eservice-enrolment.accepted',
        subjectType: 'eservice_enrolment',
        subjectId: row.id,
        details: { enterpriseId, ministry: input.ministry, automatic: true },
      });
      await mailRse(tx, settings, row, 'accepted');
    }
    return row;
  });
}

export type QueueEntry = EserviceEnrolment & { legalName: string; neq: string };

/** The agents' queue: enrolments in processing first, oldest first; then the latest decisions. */
export async function enrolmentQueue(db: Db, ctx: Ctx, options: { state?: 'processing' | 'active' | 'refused'; limit?: number } = {}): Promise<QueueEntry[]> {
  await authorize(db, ctx.actor, accessActions.decide, undefined);
  const rows = await db
    .select()
    .from(eserviceEnrolment)
    .where(eq(eserviceEnrolment.state, options.state ?? 'processing'))
    .orderBy(asc(eserviceEnrolment.transmittedAt))
    .limit(options.limit ?? 100);
  const names = await enterpriseNames(db, [...new Set(rows.map((r) => r.enterpriseId))]);
  return rows.map((r) => ({ ...r, legalName: names.get(r.enterpriseId)?.legalName ?? '', neq: names.get(r.enterpriseId)?.neq ?? '' }));
}

export type EnrolmentFile = { enrolment: QueueEntry; events: EserviceEnrolmentEvent[]; service: ChildcareService | undefined };

export async function enrolmentFile(db: Db, ctx: Ctx, id: string): Promise<EnrolmentFile> {
  await authorize(db, ctx.actor, accessActions.decide, undefined);
  const [row] = await db.select().from(eserviceEnrolment).where(eq(eserviceEnrolment.id, id));
  if (!row) throw new NotFoundError();
  const names = await enterpriseNames(db, [row.enterpriseId]);
  const service = row.ministry === 'famille' ? await findServiceByPermit(db, row.ministryNumber) : undefined;
  return {
    enrolment: { ...row, legalName: names.get(row.enterpriseId)?.legalName ?? '', neq: names.get(row.enterpriseId)?.neq ?? '' },
    events: await eventsOf(db, [row.id]),
    service,
  };
}

export type Decision = { outcome: 'accept' } | { outcome: 'refuse'; reason: string };

/** An agent accepts or refuses an enrolment in processing; of two agents at once, the second gets a 409. */
export async function decideEnrolment(db: Db, ctx: Ctx, settings: AccessSettings, id: string, decision: Decision): Promise<EserviceEnrolment> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, accessActions.decide, undefined);
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const [current] = await tx.select().from(eserviceEnrolment).where(eq(eserviceEnrolment.id, id)).for('update');
    if (!current) throw new NotFoundError();
    if (current.state !== 'processing') throw new ConflictError('eservices.alreadyDecided');
    const accepted = decision.outcome === 'accept';
    const reason = decision.outcome === 'refuse' ? decision.reason : null;
    const [row] = await tx
      .update(eserviceEnrolment)
      .set({ state: accepted ? 'active' : 'refused', decidedBy: ctx.actor.accountId, decidedAt: new Date(), refusalReason: reason })
      .where(and(eq(eserviceEnrolment.id, id), eq(eserviceEnrolment.state, 'processing')))
      .returning();
    if (!row) throw new ConflictError('eservices.alreadyDecided');
    await tx.insert(eserviceEnrolmentEvent).values({ enrolmentId: id, state: row.state, actorAccountId: ctx.actor.accountId, reason });
    await recordAudit(tx, ctx, {
      action: accepted ? 'eservice-enrolment.accepted' : 'eservice-enrolment.refused',
      subjectType: 'eservice_enrolment',
      subjectId: id,
      details: { enterpriseId: row.enterpriseId, ministry: row.ministry, ...(reason ? { reason } : {}) },
    });
    await mailRse(tx, settings, row, accepted ? 'accepted' : 'refused');
    return row;
  });
}

/** The e-services an enterprise is active in (its ministry accepted the enrolment). */
export async function activeEservices(db: Db, enterpriseId: string): Promise<Eservice[]> {
  const rows = await db
    .select({ ministry: eserviceEnrolment.ministry })
    .from(eserviceEnrolment)
    .where(and(eq(eserviceEnrolment.enterpriseId, enterpriseId), eq(eserviceEnrolment.state, 'active')));
  return rows.flatMap((r) => eservicesOf[r.ministry]);
}

// ---------------------------------------------------------------------------------------------
// Rights

export type RightsMatrix = {
  members: Member[];
  /** The rights the enterprise can grant now: those of the e-services it is active in. */
  rights: RightRef[];
  /** `${accountId} ${eservice}:${right}` for every right held. */
  granted: Set<string>;
};

export function grantKey(accountId: string, ref: RightRef): string {
  return `${accountId} ${rightKey(ref)}`;
}

async function grantsOf(db: Db, enterpriseId: string) {
  return db
    .select({ id: eserviceRight.id, accountId: eserviceRight.accountId, eservice: eserviceRight.eservice, right: eserviceRight.right })
    .from(eserviceRight)
    .where(eq(eserviceRight.enterpriseId, enterpriseId));
}

export async function rightsMatrix(db: Db, ctx: Ctx, enterpriseId: string): Promise<RightsMatrix> {
  await authorize(db, ctx.actor, accessActions.manageRights, { enterpriseId });
  const [members, active, grants] = [await membersOf(db, enterpriseId, { activeOnly: true }), await activeEservices(db, enterpriseId), await grantsOf(db, enterpriseId)];
  return {
    members,
    rights: allRights.filter((r) => active.includes(r.eservice)),
    granted: new Set(grants.map((g) => grantKey(g.accountId, g))),
  };
}

/**
 * Saves the whole matrix in one transaction: `desired` lists, per user, the rights checked. Only
 * the differences are written, each grant and revocation audited. A right of an e-service the
 * enterprise is not active in is refused (the database refuses it too).
 */
export async function saveRights(db: Db, ctx: Ctx, enterpriseId: string, desired: Map<string, RightRef[]>): Promise<{ granted: number; revoked: number }> {
  return transaction(db, async (tx) => {
    await authorize(tx, ctx.actor, accessActions.manageRights, { enterpriseId });
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`eservice-rights:${enterpriseId}`}))`);
    const members = new Set((await membersOf(tx, enterpriseId, { activeOnly: true })).map((m) => m.accountId));
    const active = await activeEservices(tx, enterpriseId);
    const wanted = new Set<string>();
    for (const [accountId, refs] of desired) {
      if (!members.has(accountId)) throw new NotFoundError();
      for (const ref of refs) {
        if (!isGrantable(ref.eservice, ref.right)) throw new ConflictError('rights.notGrantable');
        if (!active.includes(ref.eservice)) throw new ConflictError('rights.eserviceNotActive');
        wanted.add(grantKey(accountId, ref));
      }
    }
    const current = await grantsOf(tx, enterpriseId);
    const held = new Set(current.map((g) => grantKey(g.accountId, g)));
    let revoked = 0;
    for (const g of current) {
      // Users not in the form (deactivated ones) keep their rows; a deactivated user has no right anyway.
      if (!desired.has(g.accountId) || wanted.has(grantKey(g.accountId, g))) continue;
      await tx.delete(eserviceRight).where(eq(eserviceRight.id, g.id));
      await recordAudit(tx, ctx, { action: 'right.revoked', subjectType: 'account', subjectId: g.accountId, details: { enterpriseId, eservice: g.eservice, right: g.right } });
      revoked++;
    }
    let granted = 0;
    for (const [accountId, refs] of desired) {
      for (const ref of refs) {
        const key = grantKey(accountId, ref);
        if (held.has(key)) continue;
        held.add(key);
        await tx.insert(eserviceRight).values({ enterpriseId, accountId, eservice: ref.eservice, right: ref.right, grantedBy: ctx.actor.accountId });
        await recordAudit(tx, ctx, { action: 'right.granted', subjectType: 'account', subjectId: accountId, details: { enterpriseId, eservice: ref.eservice, right: ref.right } });
        granted++;
      }
    }
    return { granted, revoked };
  });
}

export type OwnRights = { enterpriseId: string; role: 'rse' | 'user'; activeEservices: Eservice[]; rights: RightRef[] };

/** The signed-in member's own effective rights. */
export async function myRights(db: Db, ctx: Ctx): Promise<OwnRights> {
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const m = await membershipOf(db, ctx.actor.accountId);
  if (!m) throw new ForbiddenError();
  await authorize(db, ctx.actor, accessActions.viewOwnRights, { enterpriseId: m.enterpriseId });
  const active = await activeEservices(db, m.enterpriseId);
  const rows = await db.select().from(eserviceRight).where(eq(eserviceRight.accountId, ctx.actor.accountId));
  const held = new Set(rows.map((r) => rightKey(r)));
  return { enterpriseId: m.enterpriseId, role: m.role, activeEservices: active, rights: allRights.filter((r) => active.includes(r.eservice) && held.has(rightKey(r))) };
}

/**
 * For other modules (MES): the account holds this right now — an active member of an active
 * enterprise, active in the e-service, with the right granted.
 */
export async function hasRight(db: Db, accountId: string, eservice: Eservice, right: RightKind): Promise<boolean> {
  const m = await membershipOf(db, accountId);
  if (!m?.active || !m.enterpriseActive) return false;
  const [row] = await db
    .select({ id: eserviceRight.id })
    .from(eserviceRight)
    .innerJoin(eserviceEnrolment, and(eq(eserviceEnrolment.enterpriseId, eserviceRight.enterpriseId), eq(eserviceEnrolment.ministry, ministryOf[eservice]), eq(eserviceEnrolment.state, 'active')))
    .where(and(eq(eserviceRight.accountId, accountId), eq(eserviceRight.enterpriseId, m.enterpriseId), eq(eserviceRight.eservice, eservice), eq(eserviceRight.right, right)))
    .limit(1);
  return Boolean(row);
}
