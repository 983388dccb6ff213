import { eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { isSignedIn } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import { ForbiddenError } from '../../platform/errors.js';
import type { Site } from '../childcare/service.js';
import { bcDelegation } from './schema.js';
import { siteFor } from './service.js';

/**
 * An RSGE's authorization for its bureau coordonnateur (the enterprise holding the BC's permit,
 * `site.enterpriseNeq`) to manage its réserve and admit children in its place. Only the RSGE's own
 * users with « Gérer la réserve et les admissions » grant or withdraw it (`siteActions.manageDelegation`).
 */

export async function isDelegated(db: Db, siteId: string): Promise<boolean> {
  const [row] = await db.select({ id: bcDelegation.installationId }).from(bcDelegation).where(eq(bcDelegation.installationId, siteId));
  return row !== undefined;
}

/** Of these RSGE sites, those whose RSGE authorized its BC. */
export async function delegatedAmong(db: Db, siteIds: string[]): Promise<Set<string>> {
  if (siteIds.length === 0) return new Set();
  const rows = await db.select({ id: bcDelegation.installationId }).from(bcDelegation).where(inArray(bcDelegation.installationId, siteIds));
  return new Set(rows.map((r) => r.id));
}

function ownRsgeSite(db: Db, ctx: Ctx, siteId: string): Promise<Site> {
  return siteFor(db, ctx, siteId, 'manageDelegation');
}

export async function delegationOf(db: Db, ctx: Ctx, siteId: string): Promise<{ site: Site; delegated: boolean }> {
  const site = await ownRsgeSite(db, ctx, siteId);
  return { site, delegated: await isDelegated(db, site.id) };
}

/** Grants or withdraws; doing what already holds changes nothing and records nothing. */
export async function setDelegation(db: Db, ctx: Ctx, siteId: string, delegated: boolean): Promise<void> {
  const site = await ownRsgeSite(db, ctx, siteId);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const accountId = ctx.actor.accountId;
  await transaction(db, async (tx) => {
    const changed = delegated
      ? await tx.insert(bcDelegation).values({ installationId: site.id, grantedBy: accountId }).onConflictDoNothing().returning({ id: bcDelegation.installationId })
      : await tx.delete(bcDelegation).where(eq(bcDelegation.installationId, site.id)).returning({ id: bcDelegation.installationId });
    if (changed.length === 0) return;
    await recordAudit(tx, ctx, { action: delegated ? 'portal.bcDelegation.granted' : 'portal.bcDelegation.withdrawn', subjectType: 'installation', subjectId: site.id, details: { bcNeq: site.enterpriseNeq } });
  });
}
