import { asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { queryRows } from '../db/index.js';
import { outboxMail } from './schema.js';

export type Mail = {
  to: string;
  language: string;
  subject: string;
  text: string;
  html: string;
};

export type OutboxRow = typeof outboxMail.$inferSelect;

/** Call it with the transaction of the change that causes the mail: it is sent only if that commits. */
export async function enqueueMail(tx: Db, mail: Mail): Promise<void> {
  await tx.insert(outboxMail).values({
    recipient: mail.to,
    language: mail.language,
    subject: mail.subject,
    textBody: mail.text,
    htmlBody: mail.html,
  });
}

/** Seconds to wait before attempt n+1: 30 s, 1 min, 2 min … capped at one hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Claims due mails for this worker. SKIP LOCKED lets any number of workers drain the outbox; the
 * claim expires, so a mail claimed by a process that died is taken again.
 */
export async function claimDueMails(db: Db, limit: number, claimSeconds = 120): Promise<OutboxRow[]> {
  const rows = await queryRows<{ id: string | number }>(
    db,
    sql`update outbox_mail set claimed_until = now() + make_interval(secs => ${claimSeconds})
        where id in (
          select id from outbox_mail
          where sent_at is null and next_attempt_at <= now()
            and (claimed_until is null or claimed_until < now())
          order by id
          limit ${limit}
          for update skip locked)
        returning id`,
  );
  if (rows.length === 0) return [];
  return db
    .select()
    .from(outboxMail)
    .where(inArray(outboxMail.id, rows.map((r) => Number(r.id))))
    .orderBy(asc(outboxMail.id));
}

export async function markSent(db: Db, id: number, transport: string): Promise<void> {
  await db
    .update(outboxMail)
    .set({ sentAt: new Date(), transport, claimedUntil: null, lastError: null })
    .where(eq(outboxMail.id, id));
}

export async function markFailed(db: Db, row: OutboxRow, error: string): Promise<void> {
  const attempts = row.attempts + 1;
  await db
    .update(outboxMail)
    .set({
      attempts,
      lastError: error.slice(0, 1000),
      claimedUntil: null,
      nextAttemptAt: new Date(Date.now() + retryDelaySeconds(attempts) * 1000),
    })
    .where(eq(outboxMail.id, row.id));
}

export async function pendingMailCount(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outboxMail)
    .where(isNull(outboxMail.sentAt));
  return row?.n ?? 0;
}

/** The development mailbox: the latest mails, sent or not. */
export async function listMails(db: Db, limit: number): Promise<OutboxRow[]> {
  return db.select().from(outboxMail).orderBy(desc(outboxMail.id)).limit(limit);
}

export async function findMail(db: Db, id: number): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outboxMail).where(eq(outboxMail.id, id));
  return row;
}
