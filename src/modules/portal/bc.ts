import { and, asc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, authorizeOn, isSignedIn, type Action, type Rule } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { queryRows, transaction, type Db } from '../../platform/db/index.js';
import { ConflictError, ForbiddenError } from '../../platform/errors.js';
import type { Lang } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { childcareService, installation } from '../childcare/schema.js';
import { siteById, type RecognitionStatus, type Site } from '../childcare/service.js';
import { enterpriseOf } from '../enterprises/members.js';
import { accountSummaries } from '../identity/service.js';
import type { ApiScope } from './scopes.js';
import type { FamilyChild } from './families.js';
import { admission, familyChild, rsgeReminder, serviceAgreement } from './schema.js';
import { clientEnterprise, portalEnterprise, siteFor } from './service.js';
import { siteActions } from './site-actions.js';
import { mailFamily, type Admission, type AdmissionRow } from './admissions.js';

/**
 * The BC's workspace (issue 8, item 4; seed 003 « Pour les BC »): the RSGE it recognizes with
 * their adhesion to the portal and a reminder to those who have not adhered, « Confirmer une
 * admission » by RSGE or child's name, and the children admitted by each RSGE. For the users of
 * the enterprise holding a coordinating office's permit, with « Gérer la réserve et les
 * admissions ». Confirming is the BC's own duty: it needs no authorization from the RSGE.
 */

async function holdsCoordinatingOffice(db: Db, neq: string): Promise<boolean> {
  const [row] = await queryRows<{ found: boolean }>(db, sql`select exists (select 1 from childcare_service where enterprise_neq = ${neq} and kind = 'coordinating_office') as found`);
  return row?.found === true;
}

const worksForBc: Rule<{ enterpriseId: string }> = async (actor, resource, db) => {
  const enterprise = await portalEnterprise(actor, db, 'manage_reserve');
  return enterprise?.id === resource.enterpriseId && (await holdsCoordinatingOffice(db, enterprise.neq));
};

/** An API client of the BC's enterprise whose token holds the scope (modules/api). */
function clientOfBc(scope: ApiScope): Rule<{ enterpriseId: string }> {
  return async (actor, resource, db) => {
    const enterprise = await clientEnterprise(actor, db, scope);
    return enterprise?.id === resource.enterpriseId && (await holdsCoordinatingOffice(db, enterprise.neq));
  };
}

export const bcActions = {
  workspace: action<{ enterpriseId: string }>('portal.bc.workspace', worksForBc),
  /** « Confirmer une admission »'s list: the BC's users, or its management software reading admissions. */
  admissionsToConfirm: action<{ enterpriseId: string }>('portal.bc.admissionsToConfirm', worksForBc, clientOfBc('admissions:read')),
};

async function bcNeq(db: Db, ctx: Ctx, enterpriseId: string, act: Action<{ enterpriseId: string }> = bcActions.workspace): Promise<string> {
  await authorize(db, ctx.actor, act, { enterpriseId });
  const enterprise = await enterpriseOf(db, enterpriseId);
  if (!enterprise) throw new ForbiddenError();
  return enterprise.neq;
}

// ---------------------------------------------------------------------------------------------
// The RSGE of the territory and their adhesion

export type RsgeRow = {
  siteId: string;
  number: string;
  name: string;
  /** The RSGE's enterprise is active in the Famille e-services: it can sign in to the portal. */
  hasAccount: boolean;
  /** Its sheet was opened (the adhesion), has its days and hours (what publishing needs), is published. */
  adhered: boolean;
  completed: boolean;
  published: boolean;
  delegated: boolean;
  admissions: number;
  toConfirm: number;
  remindedAt: Date | null;
  recognitionStatus: RecognitionStatus;
};

/** One query for the whole list, whatever the number of RSGE (a BC recognizes up to a few hundred). */
export async function rsgeOfBc(db: Db, ctx: Ctx, enterpriseId: string): Promise<RsgeRow[]> {
  const neq = await bcNeq(db, ctx, enterpriseId);
  return queryRows<RsgeRow>(
    db,
    sql`select i.id as "siteId", i.number, i.name,
          exists (select 1 from registry_enterprise re join eservice_enrolment ee on ee.enterprise_id = re.id
                  where re.neq = i.provider_neq and ee.ministry = 'famille' and ee.state = 'active') as "hasAccount",
          s.id is not null as adhered,
          coalesce(cardinality(s.opening_days) > 0 and s.opens_at is not null and s.closes_at is not null, false) as completed,
          s.published_at is not null as published,
          exists (select 1 from bc_delegation d where d.installation_id = i.id) as delegated,
          (select count(*)::int from admission a where a.installation_id = i.id and a.state in ('admitted', 'confirmed')) as admissions,
          (select count(*)::int from admission a where a.installation_id = i.id and a.state = 'admitted') as "toConfirm",
          r.sent_at as "remindedAt",
          i.recognition_status as "recognitionStatus"
        from installation i
        join childcare_service cs on cs.id = i.service_id
        left join service_sheet s on s.installation_id = i.id
        left join rsge_reminder r on r.installation_id = i.id
        where cs.enterprise_neq = ${neq} and cs.kind = 'coordinating_office' and i.kind = 'home_provider'
        order by i.name, i.number`,
  );
}

/** The BC's suspended RSGE whose planned return is within `withinDays` days (the workspace lists them). */
export async function dueBackSoon(db: Db, ctx: Ctx, enterpriseId: string, today: string, withinDays = 30): Promise<{ siteId: string; name: string; number: string; plannedReturn: string }[]> {
  const neq = await bcNeq(db, ctx, enterpriseId);
  return queryRows<{ siteId: string; name: string; number: string; plannedReturn: string }>(
    db,
    sql`
    select i.id as "siteId", i.name, i.number, to_char(rc.planned_return, 'YYYY-MM-DD') as "plannedReturn"
    from installation i
    join childcare_service cs on cs.id = i.service_id
    join lateral (select planned_return from recognition_change where installation_id = i.id order by created_at desc, id desc limit 1) rc on true
    where cs.enterprise_neq = ${neq} and cs.kind = 'coordinating_office' and i.recognition_status = 'suspended'
      and rc.planned_return <= ${today}::date + ${withinDays}::int
    order by rc.planned_return, i.name`,
  );
}

export type ReminderResult = { mailed: number; withoutAddress: number; alreadyToday: number };

/** A reminder is sent at most once a day per RSGE: a double click or two agents at once mail once. */
const REMINDER_INTERVAL_MS = 86_400_000;

/**
 * Mails each RSGE that has not adhered (its sheet never opened) at the address of its enterprise's
 * RSE, in one transaction with the audit event. An RSGE without an account has no address here:
 * it is counted, for the BC to call (seed: « communiquer … par téléphone »).
 */
export async function remindNotAdhered(db: Db, ctx: Ctx, enterpriseId: string, settings: { publicUrl: string }, now: Date = new Date()): Promise<ReminderResult> {
  const rows = (await rsgeOfBc(db, ctx, enterpriseId)).filter((r) => !r.adhered);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const sentBy = ctx.actor.accountId;
  return transaction(db, async (tx) => {
    const result: ReminderResult = { mailed: 0, withoutAddress: 0, alreadyToday: 0 };
    for (const row of rows) {
      const [rse] = await queryRows<{ accountId: string }>(
        tx,
        sql`select e.rse_account_id as "accountId" from enrolment e join registry_enterprise re on re.id = e.enterprise_id
            join installation i on i.provider_neq = re.neq where i.id = ${row.siteId} and e.state = 'active' limit 1`,
      );
      const [owner] = rse ? await accountSummaries(tx, [rse.accountId]) : [];
      if (!owner?.email) {
        result.withoutAddress++;
        continue;
      }
      const since = new Date(now.getTime() - REMINDER_INTERVAL_MS);
      const [claimed] = await tx
        .insert(rsgeReminder)
        .values({ installationId: row.siteId, sentAt: now, sentBy })
        .onConflictDoUpdate({ target: rsgeReminder.installationId, set: { sentAt: now, sentBy, updatedAt: now }, setWhere: sql`${rsgeReminder.sentAt} <= ${since}` })
        .returning({ id: rsgeReminder.installationId });
      if (!claimed) {
        result.alreadyToday++;
        continue;
      }
      const lang: Lang = owner.language === 'en' ? 'en' : 'fr';
      await enqueueMail(tx, composeMail(lang, owner.email, { subject: 'portal.mail.bcReminder.subject', paragraphs: ['portal.mail.bcReminder.body'], link: { label: 'portal.mail.bcReminder.link', url: `${settings.publicUrl}/entreprise/fiches` } }, { number: row.number }));
      result.mailed++;
    }
    await recordAudit(tx, ctx, { action: 'portal.bc.reminded', subjectType: 'enterprise', subjectId: enterpriseId, details: { ...result } });
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// « Confirmer une admission »

export type AdmissionToConfirm = { admission: Admission; child: FamilyChild; site: Pick<Site, 'id' | 'number' | 'name'> };

/** `afterAdmissionId`: the list starts after this admission in its order (the API's cursor). */
export type ConfirmQuery = { siteId?: string; childName?: string; afterAdmissionId?: string };

/** The page shows this many admissions at most, the earliest planned starts first, and says when there are more. */
export const CONFIRM_LIST_LIMIT = 200;

/**
 * Admissions waiting for the BC's confirmation at its RSGE, by RSGE or by the child's name, by
 * planned start: `limit` of them, and whether more match.
 */
export async function admissionsToConfirm(db: Db, ctx: Ctx, enterpriseId: string, query: ConfirmQuery, limit = CONFIRM_LIST_LIMIT): Promise<{ found: AdmissionToConfirm[]; more: boolean }> {
  const neq = await bcNeq(db, ctx, enterpriseId, bcActions.admissionsToConfirm);
  const name = query.childName?.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  const conditions: SQL[] = [eq(childcareService.enterpriseNeq, neq), eq(childcareService.kind, 'coordinating_office'), eq(installation.kind, 'home_provider'), eq(admission.state, 'admitted')];
  if (query.siteId) conditions.push(eq(installation.id, query.siteId));
  if (name) conditions.push(ilike(sql`${familyChild.firstName} || ' ' || ${familyChild.lastName}`, `%${name}%`));
  if (query.afterAdmissionId) conditions.push(sql`(${admission.plannedStart}, ${admission.id}) > (select a.planned_start, a.id from admission a where a.id = ${query.afterAdmissionId})`);
  const rows = await db
    .select({ admission, child: familyChild, site: { id: installation.id, number: installation.number, name: installation.name } })
    .from(admission)
    .innerJoin(familyChild, eq(familyChild.id, admission.childId))
    .innerJoin(installation, eq(installation.id, admission.installationId))
    .innerJoin(childcareService, eq(childcareService.id, installation.serviceId))
    .where(and(...conditions))
    .orderBy(asc(admission.plannedStart), asc(admission.id))
    .limit(limit + 1);
  return { found: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * The BC confirms an admission at one of its RSGE (seed: like the « mise en service » of La Place
 * 0-5): `admitted` → `confirmed`, with its audit event and the family's mail, in one transaction.
 * A second confirmation (double click, two agents) is a conflict that says it is done.
 */
export async function confirmAdmission(db: Db, ctx: Ctx, admissionId: string, settings: { publicUrl: string }, now: Date = new Date()): Promise<void> {
  const [row] = await db.select().from(admission).where(eq(admission.id, admissionId));
  const site = row ? await siteById(db, row.installationId) : undefined;
  // An unknown admission is refused as another BC's.
  if (!row || !site) throw new ForbiddenError();
  await authorizeOn(db, siteActions, ctx.actor, 'confirmAdmission', site.id);
  await transaction(db, async (tx) => {
    const [moved] = await tx
      .update(admission)
      .set({ state: 'confirmed', updatedAt: now })
      .where(and(eq(admission.id, admissionId), eq(admission.state, 'admitted')))
      .returning();
    if (!moved) throw new ConflictError('portal.bc.error.notToConfirm');
    const [child] = await tx.select().from(familyChild).where(eq(familyChild.id, moved.childId));
    if (!child) throw new Error('an admission without its child');
    await recordAudit(tx, ctx, { action: 'portal.admission.confirmed', subjectType: 'family_child', subjectId: child.id, details: { admissionId, siteId: site.id } });
    await mailFamily(tx, child, site, moved.plannedStart, settings, { subject: 'portal.mail.confirmed.subject', paragraphs: ['portal.mail.confirmed.body'] });
  });
}

/** The children admitted (admission in progress) at one of the BC's RSGE. */
export async function childrenOfRsge(db: Db, ctx: Ctx, siteId: string): Promise<{ site: Site; rows: AdmissionRow[] }> {
  // The rule that the actor's enterprise is this RSGE's BC is also the workspace's: one check.
  const site = await siteFor(db, ctx, siteId, 'rsgeAdmissions');
  const rows = await db
    .select({ admission, child: familyChild, agreementId: serviceAgreement.id })
    .from(admission)
    .innerJoin(familyChild, eq(familyChild.id, admission.childId))
    .leftJoin(serviceAgreement, eq(serviceAgreement.admissionId, admission.id))
    .where(and(eq(admission.installationId, site.id), inArray(admission.state, ['admitted', 'confirmed'])))
    .orderBy(asc(admission.plannedStart), asc(admission.id));
  return { site, rows };
}
