import { and, asc, eq, inArray, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError, type FieldErrors } from '../../platform/errors.js';
import type { Lang } from '../../platform/i18n/index.js';
import type { Site } from '../childcare/service.js';
import { agentWithRole } from '../identity/agents.js';
import { choiceCriterion, priorityCriterion, reserveChoice, siteCriterion } from './schema.js';
import { siteFor } from './service.js';

export type PriorityCriterion = typeof priorityCriterion.$inferSelect;
/** A criterion as a site publishes it: its place in the site's order (1 first). */
export type PublishedCriterion = PriorityCriterion & { position: number };
export const verifications = ['confirmed', 'rejected'] as const;
export type Verification = (typeof verifications)[number];
/** A parent's declaration and the provider's check of it (null: not checked yet). */
export type Declaration = { criterionId: string; verification: Verification | null };

/** A site publishes at most this many criteria: the réserve's key keeps one bit per position. */
export const MAX_SITE_CRITERIA = 6;
export const CRITERION_LIMITS = { label: 200 } as const;
const CODE = /^[a-z][a-z0-9_]{1,39}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ministry's list is kept by the agents of the Ministère de la Famille (role `famille`, any
 * directorate: the list is national and short, and every directorate answers providers about it).
 * A site's published criteria follow « Gérer la fiche » (`siteActions.manageSheet`): they are public, published with the sheet.
 */
export const criteriaActions = {
  manageList: action<undefined>('portal.criteria.manageList', agentWithRole('famille')),
};

export function criterionLabel(criterion: Pick<PriorityCriterion, 'labelFr' | 'labelEn'>, lang: Lang): string {
  return lang === 'en' ? criterion.labelEn : criterion.labelFr;
}

// ---------------------------------------------------------------------------------------------
// The ministry's list

/** Every criterion of the list, the active ones first, each group in its order of creation. */
export async function criteriaList(db: Db, ctx: Ctx): Promise<PriorityCriterion[]> {
  await authorize(db, ctx.actor, criteriaActions.manageList, undefined);
  return db.select().from(priorityCriterion).orderBy(sql`${priorityCriterion.retiredAt} is not null`, asc(priorityCriterion.createdAt), asc(priorityCriterion.code));
}

export type CriterionInput = { code: string; labelFr: string; labelEn: string };

export function validateCriterion(input: CriterionInput): { ok: true; values: CriterionInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const code = input.code.trim();
  if (code === '') errors.code = 'field.required';
  else if (!CODE.test(code)) errors.code = 'portal.criteria.code.invalid';
  const labels = { labelFr: input.labelFr.trim(), labelEn: input.labelEn.trim() };
  for (const field of ['labelFr', 'labelEn'] as const) {
    if (labels[field] === '') errors[field] = 'field.required';
    else if (labels[field].length > CRITERION_LIMITS.label) errors[field] = 'field.tooLong';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, values: { code, ...labels } };
}

/** Adds a criterion to the list; a code already used (even by a retired one) is a field error. */
export async function addCriterion(db: Db, ctx: Ctx, input: CriterionInput): Promise<PriorityCriterion> {
  await authorize(db, ctx.actor, criteriaActions.manageList, undefined);
  const checked = validateCriterion(input);
  if (!checked.ok) throw new FieldValidationError(checked.errors);
  return transaction(db, async (tx) => {
    const [row] = await tx.insert(priorityCriterion).values(checked.values).onConflictDoNothing({ target: priorityCriterion.code }).returning();
    if (!row) throw new FieldValidationError({ code: 'portal.criteria.code.taken' });
    await recordAudit(tx, ctx, { action: 'portal.criteria.added', subjectType: 'priority_criterion', subjectId: row.id, details: { code: row.code } });
    return row;
  });
}

/**
 * Retires a criterion: no site can newly publish it. The sites that publish it keep it, at its
 * place, with the parents' declarations, until they change their list: retiring it from under
 * them would reorder their réserves without their doing.
 */
export async function retireCriterion(db: Db, ctx: Ctx, criterionId: string, now: Date = new Date()): Promise<void> {
  await authorize(db, ctx.actor, criteriaActions.manageList, undefined);
  await transaction(db, async (tx) => {
    const [row] = await tx.update(priorityCriterion).set({ retiredAt: now }).where(and(eq(priorityCriterion.id, criterionId), isNull(priorityCriterion.retiredAt))).returning();
    if (!row) throw new ForbiddenError();
    await recordAudit(tx, ctx, { action: 'portal.criteria.retired', subjectType: 'priority_criterion', subjectId: row.id, details: { code: row.code } });
  });
}

// ---------------------------------------------------------------------------------------------
// A site's published criteria

function criteriaLock(siteId: string): string {
  return `site-criteria:${siteId}`;
}

/** The criteria a site publishes, in its order. Callers have checked the actor's right to the site or its public sheet. */
export async function criteriaOfSite(db: Db, siteId: string): Promise<PublishedCriterion[]> {
  const rows = await db
    .select({ criterion: priorityCriterion, position: siteCriterion.position })
    .from(siteCriterion)
    .innerJoin(priorityCriterion, eq(priorityCriterion.id, siteCriterion.criterionId))
    .where(eq(siteCriterion.installationId, siteId))
    .orderBy(asc(siteCriterion.position));
  return rows.map((r) => ({ ...r.criterion, position: r.position }));
}

export type CriteriaSettings = { site: Site; published: PublishedCriterion[]; choosable: PriorityCriterion[] };

/** The provider's page: what the site publishes, and what it may choose (the active criteria, and those it already publishes). */
export async function criteriaSettings(db: Db, ctx: Ctx, siteId: string): Promise<CriteriaSettings> {
  const site = await siteFor(db, ctx, siteId, 'manageSheet');
  const published = await criteriaOfSite(db, site.id);
  const active = await db.select().from(priorityCriterion).where(isNull(priorityCriterion.retiredAt)).orderBy(asc(priorityCriterion.createdAt), asc(priorityCriterion.code));
  const retiredKept = published.filter((c) => c.retiredAt !== null);
  return { site, published, choosable: [...active, ...retiredKept] };
}

/**
 * Publishes the site's criteria, in this order (empty: none). At most 6, each once, each active
 * or already published by the site. The parents' declarations of criteria the site no longer
 * publishes are deleted (they would count again, unverified, if the site published it later), and
 * every entry's key is recomputed: the réserve and the ranks follow the new order at once.
 */
export async function publishCriteria(db: Db, ctx: Ctx, siteId: string, criterionIds: string[]): Promise<PublishedCriterion[]> {
  const site = await siteFor(db, ctx, siteId, 'manageSheet');
  if (criterionIds.length > MAX_SITE_CRITERIA) throw new FieldValidationError({ criteria: 'portal.criteria.tooMany' });
  if (new Set(criterionIds).size !== criterionIds.length) throw new FieldValidationError({ criteria: 'portal.criteria.duplicate' });
  // Not an id at all: unknown, before the database is asked (it would refuse the value as a uuid).
  if (criterionIds.some((id) => !UUID.test(id))) throw new FieldValidationError({ criteria: 'portal.criteria.unknown' });
  return transaction(db, async (tx) => {
    // Exclusive against the site's other publications and its parents' declarations (shared, declareCriteria).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${criteriaLock(site.id)}))`);
    const before = await criteriaOfSite(tx, site.id);
    // Shared row locks: an agent retiring one of them waits, so a criterion is never newly published after its retirement.
    const known = criterionIds.length === 0 ? [] : await tx.select().from(priorityCriterion).where(inArray(priorityCriterion.id, criterionIds)).for('share');
    if (known.length !== criterionIds.length) throw new FieldValidationError({ criteria: 'portal.criteria.unknown' });
    const kept = new Set(before.map((c) => c.id));
    if (known.some((c) => c.retiredAt !== null && !kept.has(c.id))) throw new FieldValidationError({ criteria: 'portal.criteria.retired' });

    await tx.delete(siteCriterion).where(eq(siteCriterion.installationId, site.id));
    if (criterionIds.length > 0) await tx.insert(siteCriterion).values(criterionIds.map((criterionId, index) => ({ installationId: site.id, criterionId, position: index + 1 })));
    const choicesOfSite = tx.select({ id: reserveChoice.id }).from(reserveChoice).where(eq(reserveChoice.installationId, site.id));
    const dropped = before.filter((c) => !criterionIds.includes(c.id)).map((c) => c.id);
    if (dropped.length > 0) await tx.delete(choiceCriterion).where(and(inArray(choiceCriterion.choiceId, choicesOfSite), inArray(choiceCriterion.criterionId, dropped)));
    await recomputeCriteriaKeys(tx, eq(reserveChoice.installationId, site.id));

    const codes = new Map(known.map((c) => [c.id, c.code]));
    await recordAudit(tx, ctx, { action: 'portal.criteria.published', subjectType: 'installation', subjectId: site.id, details: { criteria: criterionIds.map((id) => codes.get(id)), before: before.map((c) => c.code) } });
    return criteriaOfSite(tx, site.id);
  });
}

// ---------------------------------------------------------------------------------------------
// The parents' declarations and the réserve's key

/**
 * Sets `criteria_key` of the entries matched by `where`: one bit per criterion published by their
 * site that the child does not meet (not declared, or declared and rejected by the provider),
 * position 1 worth 32 and position 6 worth 1. Comparing keys
 * is then comparing the criteria met, position by position (README « How ranks are computed »).
 */
export async function recomputeCriteriaKeys(tx: Db, where: SQL): Promise<void> {
  await tx.update(reserveChoice).set({
    criteriaKey: sql`coalesce((select sum(1 << (${MAX_SITE_CRITERIA} - sc.position))::smallint from ${siteCriterion} sc
      where sc.installation_id = ${reserveChoice.installationId}
      and not exists (select 1 from ${choiceCriterion} cc where cc.choice_id = ${reserveChoice.id} and cc.criterion_id = sc.criterion_id
        and cc.verification is distinct from 'rejected')), 0)`,
  }).where(where);
}

/**
 * Records which of the site's published criteria the child meets, as the parent declares them
 * (ids the site does not publish are dropped), and the entry's new key. A declaration kept keeps
 * the provider's check; one withdrawn and made again is to be checked again. Called in the
 * transaction of the choice's creation or change, after its owner was checked.
 */
export async function declareCriteria(tx: Db, choice: { id: string; installationId: string }, criterionIds: string[]): Promise<string[]> {
  // Shared: declarations of a site do not wait for one another, but a publication of its list
  // waits for them (and they for it), so none is kept for a criterion just removed.
  await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${criteriaLock(choice.installationId)}))`);
  const published = (await criteriaOfSite(tx, choice.installationId)).map((c) => c.id);
  const met = published.filter((id) => criterionIds.includes(id));
  await tx.delete(choiceCriterion).where(met.length > 0 ? and(eq(choiceCriterion.choiceId, choice.id), notInArray(choiceCriterion.criterionId, met)) : eq(choiceCriterion.choiceId, choice.id));
  if (met.length > 0) await tx.insert(choiceCriterion).values(met.map((criterionId) => ({ choiceId: choice.id, criterionId }))).onConflictDoNothing();
  await recomputeCriteriaKeys(tx, eq(reserveChoice.id, choice.id));
  return met;
}

/** The codes of the criteria declared for each of these entries (the family's download), for callers that checked the actor's right to them. */
export async function declaredCodes(db: Db, choiceIds: string[]): Promise<Map<string, string[]>> {
  const declared = new Map<string, string[]>();
  if (choiceIds.length === 0) return declared;
  const rows = await db
    .select({ choiceId: choiceCriterion.choiceId, code: priorityCriterion.code })
    .from(choiceCriterion)
    .innerJoin(priorityCriterion, eq(priorityCriterion.id, choiceCriterion.criterionId))
    .where(inArray(choiceCriterion.choiceId, choiceIds))
    .orderBy(asc(priorityCriterion.code));
  for (const row of rows) declared.set(row.choiceId, [...(declared.get(row.choiceId) ?? []), row.code]);
  return declared;
}

/** The criteria declared for each of these entries, with the provider's check, for pages that already checked the actor's right to them. */
export async function declaredCriteria(db: Db, choiceIds: string[]): Promise<Map<string, Declaration[]>> {
  const declared = new Map<string, Declaration[]>();
  if (choiceIds.length === 0) return declared;
  const rows = await db.select().from(choiceCriterion).where(inArray(choiceCriterion.choiceId, choiceIds));
  for (const row of rows) {
    const verification = verifications.find((v) => v === row.verification) ?? null;
    declared.set(row.choiceId, [...(declared.get(row.choiceId) ?? []), { criterionId: row.criterionId, verification }]);
  }
  return declared;
}

/**
 * The provider's check of one declaration, in the transaction of its caller (which checked the
 * actor's right on the entry's réserve): the entry's key follows, a rejected criterion no longer
 * counting. False when the entry has no such declaration.
 */
export async function setVerification(tx: Db, choice: { id: string; installationId: string }, criterionId: string, verification: Verification, now: Date): Promise<boolean> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${criteriaLock(choice.installationId)}))`);
  const [row] = await tx
    .update(choiceCriterion)
    .set({ verification, verifiedAt: now })
    .where(and(eq(choiceCriterion.choiceId, choice.id), eq(choiceCriterion.criterionId, criterionId)))
    .returning({ choiceId: choiceCriterion.choiceId });
  if (!row) return false;
  await recomputeCriteriaKeys(tx, eq(reserveChoice.id, choice.id));
  return true;
}
