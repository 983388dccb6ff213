import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, isSignedIn, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { isLang, translate } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { findHomeProviderByNumber, findServiceByPermit, normalizePermitNumber, type ChildcareService } from '../childcare/service.js';
import { agentAssignments, agentWithRole } from '../identity/agents.js';
import { activeMemberOf, activeMembershipSql, activeRseOf, enterpriseNames, enterpriseOf, membershipOf, membersOf, type Member } from '../enterprises/members.js';
import { allRights, eservices, eservicesOf, isGrantable, ministries as ministryValues, ministryOf, rightKey, rightsOf, type Eservice, type Ministry, type RightKind, type RightRef } from './catalogue.js';
import { eserviceEnrolment, eserviceEnrolmentEvent, eserviceRight } from './schema.js';

export type AccessSettings = { publicUrl: string };
export type EserviceEnrolment = typeof eserviceEnrolment.$inferSelect;
export type EserviceEnrolmentEvent = typeof eserviceEnrolmentEvent.$inferSelect;
export type NumberCheck = 'matched' | 'other_enterprise' | 'unknown' | 'not_checked';

type EnterpriseRef = { enterpriseId: string };

/** An agent of the enrolment's ministry: the `famille` or `mamh` role. */
const ministryAgent: Rule<{ ministry: Ministry }> = (actor, resource, db) => agentWithRole(resource.ministry)(actor, resource, db);

async function ministriesOfAgent(db: Db, ctx: Ctx): Promise<Ministry[]> {
  if (!isSignedIn(ctx.actor)) return [];
  const roles = (await agentAssignments(db, ctx.actor.accountId)).map((a) => a.role);
  return ministryValues.filter((m) => roles.includes(m));
}

export const accessActions = {
  /** Seed 002: only the enterprise's RSE enrols it into e-services. */
  enrol: action<EnterpriseRef>('access.enrol', activeRseOf),
  /** The agents of a ministry see its queue and decide its enrolments. */
  viewQueue: action<undefined>('access.viewQueue', agentWithRole('famille'), agentWithRole('mamh')),
  decide: action<{ ministry: Ministry }>('access.decide', ministryAgent),
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
  if (service) return { check: service.enterpriseNeq === neq ? 'matched' : 'other_enterprise', service };
  // An RSGE enrols its own enterprise with its recognition number (the BC holds the recognition).
  const home = await findHomeProviderByNumber(db, number);
  if (!home) return { check: 'unknown', service };
  return { check: home.providerNeq === neq ? 'matched' : 'other_enterprise', service };
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
  await authorize(db, ctx.actor, accessActions.viewQueue, undefined);
  const ministries = await ministriesOfAgent(db, ctx);
  const rows = await db
    .select()
    .from(eserviceEnrolment)
    .where(and(eq(eserviceEnrolment.state, options.state ?? 'processing'), inArray(eserviceEnrolment.ministry, ministries)))
    .orderBy(asc(eserviceEnrolment.transmittedAt))
    .limit(options.limit ?? 100);
  const names = await enterpriseNames(db, [...new Set(rows.map((r) => r.enterpriseId))]);
  return rows.map((r) => ({ ...r, legalName: names.get(r.enterpriseId)?.legalName ?? '', neq: names.get(r.enterpriseId)?.neq ?? '' }));
}

export type EnrolmentFile = { enrolment: QueueEntry; events: EserviceEnrolmentEvent[]; service: ChildcareService | undefined };

export async function enrolmentFile(db: Db, ctx: Ctx, id: string): Promise<EnrolmentFile> {
  await authorize(db, ctx.actor, accessActions.viewQueue, undefined);
  const [row] = await db.select().from(eserviceEnrolment).where(eq(eserviceEnrolment.id, id));
  if (!row) throw new NotFoundError();
  await authorize(db, ctx.actor, accessActions.decide, row);
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
    await authorize(tx, ctx.actor, accessActions.viewQueue, undefined);
    if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
    const [current] = await tx.select().from(eserviceEnrolment).where(eq(eserviceEnrolment.id, id)).for('update');
    if (!current) throw new NotFoundError();
    await authorize(tx, ctx.actor, accessActions.decide, current);
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

/** Users per page of the rights matrix: the page and its form stay small whatever the enterprise's size. */
export const RIGHTS_PAGE_SIZE = 50;

export type RightsMatrix = {
  /** The e-services whose rights the enterprise can grant now (active in, with rights): one tab each. */
  eservices: Eservice[];
  /** The e-service shown, null when there is none to grant. */
  eservice: Eservice | null;
  /** The rights of the e-service shown, in the catalogue's order. */
  rights: RightRef[];
  /** This page's users: active members, RSE first, then by name. */
  members: Member[];
  page: number;
  pageCount: number;
  /** Active members in all, every page together. */
  memberCount: number;
  /** `${accountId} ${eservice}:${right}` for every right of the e-service held by this page's users. */
  granted: Set<string>;
};

export type RightsView = { eservice?: Eservice | undefined; page?: number | undefined };

export function grantKey(accountId: string, ref: RightRef): string {
  return `${accountId} ${rightKey(ref)}`;
}

/** The ids as one uuid[] parameter: a list of 50 parameters costs PGlite more to bind and plan. */
function uuidArray(ids: readonly string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

async function grantsOf(db: Db, enterpriseId: string, scope: { eservice?: Eservice | undefined; accountIds?: readonly string[] } = {}) {
  const conditions = [eq(eserviceRight.enterpriseId, enterpriseId)];
  if (scope.eservice) conditions.push(eq(eserviceRight.eservice, scope.eservice));
  if (scope.accountIds) conditions.push(sql`${eserviceRight.accountId} = any(${uuidArray(scope.accountIds)})`);
  return db
    .select({ id: eserviceRight.id, accountId: eserviceRight.accountId, eservice: eserviceRight.eservice, right: eserviceRight.right })
    .from(eserviceRight)
    .where(and(...conditions));
}

/** The e-services of `active` that have rights to grant, in the catalogue's order. */
function grantableEservices(active: readonly Eservice[]): Eservice[] {
  return eservices.filter((e) => active.includes(e) && rightsOf[e].length > 0);
}

/**
 * One page of the matrix: one e-service (the first grantable one unless another is asked for) and
 * `RIGHTS_PAGE_SIZE` users, with only their rights in that e-service read.
 */
export async function rightsMatrix(db: Db, ctx: Ctx, enterpriseId: string, view: RightsView = {}): Promise<RightsMatrix> {
  await authorize(db, ctx.actor, accessActions.manageRights, { enterpriseId });
  // Independent reads: on a PostgreSQL pool they run at once.
  const [active, everyone] = await Promise.all([activeEservices(db, enterpriseId), membersOf(db, enterpriseId, { activeOnly: true })]);
  const tabs = grantableEservices(active);
  const eservice = view.eservice && tabs.includes(view.eservice) ? view.eservice : (tabs[0] ?? null);
  const pageCount = Math.max(1, Math.ceil(everyone.length / RIGHTS_PAGE_SIZE));
  const page = Math.min(Math.max(1, view.page ?? 1), pageCount);
  const members = everyone.slice((page - 1) * RIGHTS_PAGE_SIZE, page * RIGHTS_PAGE_SIZE);
  const grants = eservice && members.length > 0 ? await grantsOf(db, enterpriseId, { eservice, accountIds: members.map((m) => m.accountId) }) : [];
  return {
    eservices: tabs,
    eservice,
    rights: eservice ? allRights.filter((r) => r.eservice === eservice) : [],
    members,
    page,
    pageCount,
    memberCount: everyone.length,
    granted: new Set(grants.map((g) => grantKey(g.accountId, g))),
  };
}

/**
 * Saves rights in one transaction: `desired` lists, per user, the rights checked. With `eservice`
 * (a page of the matrix shows one), only that e-service's rights are read and written: the user's
 * rights in the others stay as they are. Users not in `desired` (on another page, added meanwhile,
 * deactivated) keep all their rows. Only the differences are written, each grant and revocation
 * audited. A right of an e-service the enterprise is not active in is refused (the database
 * refuses it too).
 */
export async function saveRights(db: Db, ctx: Ctx, enterpriseId: string, desired: Map<string, RightRef[]>, eservice?: Eservice): Promise<{ granted: number; revoked: number }> {
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
        if (!isGrantable(ref.eservice, ref.right) || (eservice && ref.eservice !== eservice)) throw new ConflictError('rights.notGrantable');
        if (!active.includes(ref.eservice)) throw new ConflictError('rights.eserviceNotActive');
        wanted.add(grantKey(accountId, ref));
      }
    }
    // Only the rows of the users on the form are read: the others (on other pages, deactivated)
    // keep theirs; a deactivated user has no right anyway.
    const current = await grantsOf(tx, enterpriseId, { eservice, accountIds: [...desired.keys()] });
    const held = new Set(current.map((g) => grantKey(g.accountId, g)));
    let revoked = 0;
    for (const g of current) {
      if (wanted.has(grantKey(g.accountId, g))) continue;
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
/**
 * The rights an account holds in one e-service for this enterprise: none unless it is an active
 * member of that active enterprise and the enterprise is Actif in the e-service's ministry. One
 * query for the rights, whichever of them a rule asks for.
 */
/** `heldRights`' rule as a sub-query, for other modules' authorization rules: the enterprise in which the account holds this right. */
export function holdsRightSql(accountId: string, eservice: Eservice, right: RightKind): SQL {
  return sql`select r.enterprise_id from eservice_right r
    join eservice_enrolment ee on ee.enterprise_id = r.enterprise_id and ee.ministry = ${ministryOf[eservice]} and ee.state = 'active'
    where r.account_id = ${accountId} and r.eservice = ${eservice} and r.right = ${right} and r.enterprise_id in (${activeMembershipSql(accountId)})`;
}

export async function heldRights(db: Db, accountId: string, enterpriseId: string, eservice: Eservice): Promise<RightKind[]> {
  const m = await membershipOf(db, accountId);
  if (!m?.active || !m.enterpriseActive || m.enterpriseId !== enterpriseId) return [];
  const rows = await db
    .select({ right: eserviceRight.right })
    .from(eserviceRight)
    .innerJoin(eserviceEnrolment, and(eq(eserviceEnrolment.enterpriseId, eserviceRight.enterpriseId), eq(eserviceEnrolment.ministry, ministryOf[eservice]), eq(eserviceEnrolment.state, 'active')))
    .where(and(eq(eserviceRight.accountId, accountId), eq(eserviceRight.enterpriseId, enterpriseId), eq(eserviceRight.eservice, eservice)));
  return rows.map((row) => row.right);
}

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
