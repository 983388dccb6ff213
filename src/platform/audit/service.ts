import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, lt, type SQL } from 'drizzle-orm';
import { actorId, actorKind, type Ctx } from '../context.js';
import type { Db } from '../db/index.js';
import { sql } from 'drizzle-orm';
import { accountOfKind, action, authorize } from '../authz.js';
import { auditEvent } from './schema.js';

export const GENESIS_HASH = '0'.repeat(64);
/** Serializes appends so that each event links to the one before it, across processes. */
const AUDIT_CHAIN_LOCK = 727_001;

export type AuditEntry = {
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
};

type HashedFields = {
  previousHash: string;
  occurredAt: Date;
  actorKind: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

/** JSON with object keys sorted, so the hash does not depend on how jsonb reorders keys. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashEvent(fields: HashedFields): string {
  return createHash('sha256')
    .update(
      canonicalJson([
        fields.previousHash,
        fields.occurredAt.toISOString(),
        fields.actorKind,
        fields.actorId,
        fields.action,
        fields.subjectType,
        fields.subjectId,
        fields.requestId,
        fields.ip,
        fields.details,
      ]),
    )
    .digest('hex');
}

/** Appends an event; call it with the transaction of the change it records. */
export async function recordAudit(tx: Db, ctx: Ctx, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ hash: auditEvent.hash })
    .from(auditEvent)
    .orderBy(desc(auditEvent.id))
    .limit(1);
  const fields: HashedFields = {
    previousHash: last?.hash ?? GENESIS_HASH,
    occurredAt: new Date(),
    actorKind: actorKind(ctx.actor),
    actorId: actorId(ctx.actor),
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    requestId: ctx.requestId,
    ip: ctx.ip,
    // As jsonb will give it back (dates as strings, no undefined), so that the hash still matches.
    details: entry.details ? (JSON.parse(JSON.stringify(entry.details)) as Record<string, unknown>) : {},
  };
  await tx.insert(auditEvent).values({ ...fields, hash: hashEvent(fields) });
}

export type ChainReport =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenEventId: number; reason: 'hash' | 'link' };

/** Walks the whole chain in id order and names the first event that does not match. */
export async function verifyAuditChain(db: Db, batchSize = 1000): Promise<ChainReport> {
  let previousHash = GENESIS_HASH;
  let afterId = 0;
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvent)
      .where(gt(auditEvent.id, afterId))
      .orderBy(asc(auditEvent.id))
      .limit(batchSize);
    if (rows.length === 0) return { ok: true, count };
    for (const row of rows) {
      if (row.previousHash !== previousHash) {
        return { ok: false, count, brokenEventId: row.id, reason: 'link' };
      }
      if (hashEvent(row) !== row.hash) return { ok: false, count, brokenEventId: row.id, reason: 'hash' };
      previousHash = row.hash;
      afterId = row.id;
      count++;
    }
  }
}

export type AuditFilter = { actorId?: string; action?: string; from?: Date; to?: Date };

export type AuditEventRow = typeof auditEvent.$inferSelect;

/** Agents only: the audit log names people and what they did. */
export const viewAuditLog = action<undefined>('audit.view', accountOfKind('agent'));

export async function listAuditEvents(db: Db, ctx: Ctx, filter: AuditFilter, limit: number): Promise<AuditEventRow[]> {
  await authorize(db, ctx.actor, viewAuditLog, undefined);
  const conditions: SQL[] = [];
  if (filter.actorId) conditions.push(eq(auditEvent.actorId, filter.actorId));
  if (filter.action) conditions.push(eq(auditEvent.action, filter.action));
  if (filter.from) conditions.push(gte(auditEvent.occurredAt, filter.from));
  if (filter.to) conditions.push(lt(auditEvent.occurredAt, filter.to));
  return db
    .select()
    .from(auditEvent)
    .where(and(...conditions))
    .orderBy(desc(auditEvent.id))
    .limit(limit);
}

export async function distinctAuditActions(db: Db, ctx: Ctx): Promise<string[]> {
  await authorize(db, ctx.actor, viewAuditLog, undefined);
  const rows = await db.selectDistinct({ action: auditEvent.action }).from(auditEvent).orderBy(auditEvent.action);
  return rows.map((r) => r.action);
}
