import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../../platform/audit/service.js';
import { action, authorize, authorizeOn, catalogue, filter, isSignedIn, permittedActions, rowColumn, signedIn, type RowRule } from '../../platform/authz.js';
import type { Actor, Ctx } from '../../platform/context.js';
import { queryRows, transaction, type Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError, NotFoundError, type FieldErrors } from '../../platform/errors.js';
import { readVerifiedBody, savePdfUpload, type UploadSource } from '../../platform/files/service.js';
import { storedFile } from '../../platform/files/schema.js';
import type { FileStore } from '../../platform/files/store.js';
import type { Lang } from '../../platform/i18n/index.js';
import { composeMail } from '../../platform/outbox/compose.js';
import { enqueueMail } from '../../platform/outbox/service.js';
import { siteById, type Site } from '../childcare/service.js';
import { agentWithRole, agentWithRoleSql } from '../identity/agents.js';
import { accountSummaries } from '../identity/service.js';
import { familyRecipients, inReserve } from './families.js';
import { family, familyChild, message, messageRead, messageThread, reserveChoice } from './schema.js';
import { holderNeqOf, portalEnterprise, siteFor } from './service.js';
import { portalNeqs, siteRules } from './site-actions.js';

/**
 * The portal's messaging (issue 8, item 6; seed 003 « Une messagerie »): threads between a provider
 * and a parent about a réserve entry, between an RSGE and its BC, and the ministry's announcements
 * to every provider of a kind. Rules in the README, « Messaging ».
 */

export type Thread = typeof messageThread.$inferSelect;
export type Message = typeof message.$inferSelect;
export const audiences = ['cpe', 'subsidized_daycare', 'daycare', 'coordinating_office', 'home_provider'] as const;
export type Audience = (typeof audiences)[number];

export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 5000;
/** As the MES documents: a letter or a form, not a scan of a whole file. */
export const ATTACHMENT_MAX_BYTES = 4 * 1024 * 1024;

export type MessagingSettings = { publicUrl: string; fileStore: FileStore };
/** What a message without an attachment needs: the address its mail links to. */
type MailSettings = Pick<MessagingSettings, 'publicUrl'>;

// ---------------------------------------------------------------------------------------------
// Who sees which thread: one rule, as SQL on the thread's row

const thread = {
  kind: rowColumn(messageThread.kind),
  audience: rowColumn(messageThread.audience),
  choiceId: rowColumn(messageThread.choiceId),
  site: rowColumn(messageThread.installationId),
};

/** The rule, for the threads of this kind only. */
function ofKind(kind: Thread['kind'], rule: RowRule): RowRule {
  return (actor) => {
    const condition = rule(actor);
    return condition === false ? false : sql`(${thread.kind} = ${kind} and ${condition})`;
  };
}

/** Users of an enterprise holding a site of the announcement's kind, with a portal right. */
const audienceReads = ofKind('announcement', (actor) => {
  const neqs = portalNeqs(actor, 'manage_sheet', 'manage_reserve');
  if (neqs === false) return false;
  return sql`exists (select 1 from installation i join childcare_service cs on cs.id = i.service_id
    where (${thread.audience} = 'home_provider' and i.kind = 'home_provider' and i.provider_neq in (${neqs}))
       or (${thread.audience} <> 'home_provider' and i.kind = 'installation' and cs.kind::text = ${thread.audience} and cs.enterprise_neq in (${neqs})))`;
});

const ministryAnnounces = ofKind('announcement', agentWithRoleSql('famille'));

/** The family whose child the réserve entry is. */
const familyOfEntry = ofKind('registration', (actor) => {
  if (!isSignedIn(actor) || actor.accountKind !== 'citizen') return false;
  return sql`${thread.choiceId} in (select c.id from reserve_choice c join family_child fc on fc.id = c.child_id join family f on f.id = fc.family_id where f.account_id = ${actor.accountId})`;
});

const ofSite = siteRules(thread.site);
/** Those who manage the réserve (the rule of admitting: people, never a management software); the RSGE itself and its BC. */
const managesEntry = ofSite.admit.map((rule) => ofKind('registration', rule));
const rsgeOrBc = ofSite.writeBcRsge.map((rule) => ofKind('bc_rsge', rule));

/**
 * - `registration`: the family whose child the réserve entry is, and whoever manages the site's
 *   réserve (its holder, or the BC an RSGE authorized) — both write;
 * - `bc_rsge`: the RSGE itself and its BC, with « Gérer la réserve et les admissions » — both write;
 * - `announcement`: the ministry's agents (role famille) write; users of an enterprise holding a
 *   site of the audience's kind, with a portal right, read.
 */
export const threadActions = catalogue('message thread', messageThread, messageThread.id, {
  read: [familyOfEntry, ...managesEntry, ...rsgeOrBc, ministryAnnounces, audienceReads],
  write: [familyOfEntry, ...managesEntry, ...rsgeOrBc, ministryAnnounces],
});

export const messagingActions = {
  inbox: action<undefined>('portal.messages', signedIn),
  announce: action<undefined>('portal.messages.announce', agentWithRole('famille')),
};

// ---------------------------------------------------------------------------------------------
// Reading

/** `child`: the child a registration thread is about, for the provider (the family knows its own). */
export type ThreadSummary = { thread: Thread; unread: number; siteName: string | null; child: string | null };

/** Messages of others after the account's last reading of the thread. */
function unreadOf(accountId: string) {
  // The outer table is named in full: drizzle writes its columns unqualified here, which the subquery's own `id` would shadow.
  return sql<number>`(select count(*)::int from message m where m.thread_id = message_thread.id and m.author_id <> ${accountId}
    and m.created_at > coalesce((select r.read_at from message_read r where r.thread_id = message_thread.id and r.account_id = ${accountId}), '-infinity'::timestamptz))`;
}

/** The threads the actor may read (`threadActions.read`, the rule of the thread page), newest first. */
export async function inbox(db: Db, ctx: Ctx, options: { onlyUnread?: boolean; limit?: number } = {}): Promise<ThreadSummary[]> {
  await authorize(db, ctx.actor, messagingActions.inbox, undefined);
  if (!isSignedIn(ctx.actor)) return [];
  const me = ctx.actor.accountId;
  const readable = filter(threadActions, ctx.actor, 'read');
  const rows = await db
    .select({ thread: messageThread, unread: unreadOf(me), siteName: sql<string | null>`(select i.name from installation i where i.id = message_thread.installation_id)`, child: sql<string | null>`(select fc.first_name || ' ' || fc.last_name from reserve_choice c join family_child fc on fc.id = c.child_id where c.id = message_thread.choice_id)` })
    .from(messageThread)
    .where(options.onlyUnread ? and(readable, sql`${unreadOf(me)} > 0`) : readable)
    .orderBy(desc(messageThread.lastMessageAt))
    .limit(options.limit ?? 100);
  const citizen = ctx.actor.accountKind === 'citizen';
  return rows.map((row) => ({ thread: row.thread, unread: row.unread, siteName: row.siteName, child: citizen ? null : row.child }));
}

/** The number of unread messages, for the links to the inbox (the workspace and the family page show it on every visit). */
export async function unreadCount(db: Db, ctx: Ctx): Promise<number> {
  return (await inbox(db, ctx, { onlyUnread: true })).reduce((sum, t) => sum + t.unread, 0);
}

export type MessageView = { message: Message; author: string; mine: boolean; attachment: { name: string; size: number } | null };
export type ThreadView = { thread: Thread; messages: MessageView[]; canWrite: boolean; site: Site | null };

/** The thread with the actions the actor may take on it; another's thread is refused as an unknown one. */
async function readableThread(db: Db, ctx: Ctx, threadId: string): Promise<{ thread: Thread; canWrite: boolean }> {
  const allowed = (await permittedActions(db, threadActions, ctx.actor, [threadId])).get(threadId);
  const [thread] = allowed?.has('read') ? await db.select().from(messageThread).where(eq(messageThread.id, threadId)) : [];
  if (!thread || !allowed) throw new ForbiddenError();
  return { thread, canWrite: allowed.has('write') };
}

/** A thread, oldest message first; reading it marks it read for the actor. */
export async function threadOf(db: Db, ctx: Ctx, threadId: string, now: Date = new Date()): Promise<ThreadView> {
  const { thread, canWrite } = await readableThread(db, ctx, threadId);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const me = ctx.actor.accountId;
  const rows = await db
    .select({ message, fileName: storedFile.originalName, fileSize: storedFile.size })
    .from(message)
    .leftJoin(storedFile, eq(storedFile.id, message.fileId))
    .where(eq(message.threadId, thread.id))
    .orderBy(message.createdAt, message.id);
  const authors = new Map((await accountSummaries(db, [...new Set(rows.map((r) => r.message.authorId))])).map((a) => [a.id, a.displayName]));
  await db
    .insert(messageRead)
    .values({ threadId: thread.id, accountId: me, readAt: now })
    .onConflictDoUpdate({ target: [messageRead.threadId, messageRead.accountId], set: { readAt: now, updatedAt: now } });
  const site = thread.installationId ? ((await siteById(db, thread.installationId)) ?? null) : null;
  return {
    thread,
    site,
    canWrite,
    messages: rows.map((r) => ({
      message: r.message,
      author: authors.get(r.message.authorId) ?? '',
      mine: r.message.authorId === me,
      attachment: r.message.fileId && r.fileName !== null && r.fileSize !== null ? { name: r.fileName, size: r.fileSize } : null,
    })),
  };
}

/** A message's PDF, for those who may read its thread; each opening is audited. */
export async function openAttachment(db: Db, ctx: Ctx, settings: MessagingSettings, threadId: string, messageId: string): Promise<{ name: string; size: number; body: Buffer }> {
  const { thread } = await readableThread(db, ctx, threadId);
  const [row] = await db
    .select({ id: storedFile.id, name: storedFile.originalName, size: storedFile.size, storageKey: storedFile.storageKey, sha256: storedFile.sha256 })
    .from(message)
    .innerJoin(storedFile, eq(storedFile.id, message.fileId))
    .where(and(eq(message.id, messageId), eq(message.threadId, thread.id)));
  if (!row) throw new NotFoundError();
  await transaction(db, (tx) => recordAudit(tx, ctx, { action: 'portal.message.attachmentRead', subjectType: 'message_thread', subjectId: thread.id, details: { messageId } }));
  return { name: row.name, size: row.size, body: await readVerifiedBody(settings.fileStore, row) };
}

// ---------------------------------------------------------------------------------------------
// Writing

export type MessageInput = { subject?: string; body: string };

/** `errors`: what the caller found wrong already, shown with the text's errors. */
function validateMessage(input: MessageInput, withSubject: boolean, errors: FieldErrors = {}): { subject: string; body: string } {
  const subject = (input.subject ?? '').trim();
  const body = input.body.trim();
  if (withSubject && (subject.length === 0 || subject.length > SUBJECT_MAX)) errors.subject = 'portal.message.subject.required';
  if (body.length === 0) errors.body = 'portal.message.body.required';
  else if (body.length > MESSAGE_MAX) errors.body = 'portal.message.body.tooLong';
  if (Object.keys(errors).length > 0) throw new FieldValidationError(errors);
  return { subject, body };
}

type Recipient = { email: string; lang: Lang };

/** The users of an enterprise (by NEQ) with « Gérer la réserve et les admissions », who get a provider's mails. */
async function reserveManagers(db: Db, neq: string): Promise<Recipient[]> {
  const rows = await queryRows<{ email: string; language: string }>(
    db,
    sql`select distinct a.email, a.language from eservice_right r
        join registry_enterprise re on re.id = r.enterprise_id
        join enterprise_member m on m.enterprise_id = r.enterprise_id and m.account_id = r.account_id and m.active
        join account a on a.id = r.account_id
        where re.neq = ${neq} and r.eservice = 'portal' and r.right = 'manage_reserve' and a.email is not null`,
  );
  return rows.map((r) => ({ email: r.email, lang: r.language === 'en' ? 'en' : 'fr' }));
}

/** Who is told of a new message in the thread: the other side, never the author. */
async function recipientsOf(tx: Db, thread: Thread, author: Actor): Promise<Recipient[]> {
  if (!isSignedIn(author)) return [];
  const site = thread.installationId ? await siteById(tx, thread.installationId) : undefined;
  if (thread.kind === 'announcement') {
    // The RSE of every enterprise active in the portal holding a site of the audience's kind.
    const rows = await queryRows<{ email: string; language: string }>(
      tx,
      sql`select distinct a.email, a.language from enrolment e join registry_enterprise re on re.id = e.enterprise_id
          join account a on a.id = e.rse_account_id
          where e.state = 'active' and a.email is not null and re.neq in (
            select case when i.kind = 'home_provider' then i.provider_neq else cs.enterprise_neq end
            from installation i join childcare_service cs on cs.id = i.service_id
            where (${thread.audience} = 'home_provider' and i.kind = 'home_provider') or (i.kind = 'installation' and cs.kind = ${thread.audience}))`,
    );
    return rows.map((r) => ({ email: r.email, lang: r.language === 'en' ? 'en' : 'fr' }));
  }
  if (!site) return [];
  if (thread.kind === 'registration') {
    if (author.accountKind !== 'citizen') {
      const [own] = await tx
        .select({ id: family.id, accountId: family.accountId })
        .from(reserveChoice)
        .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
        .innerJoin(family, eq(family.id, familyChild.familyId))
        .where(eq(reserveChoice.id, thread.choiceId ?? ''));
      if (!own) return [];
      const { lang, recipients } = await familyRecipients(tx, own);
      return recipients.map((email) => ({ email, lang }));
    }
    const holder = holderNeqOf(site);
    return holder ? reserveManagers(tx, holder) : [];
  }
  // bc_rsge: the side the author is not on.
  const authorEnterprise = await portalEnterprise(author, tx, 'manage_reserve');
  const toRsge = authorEnterprise?.neq === site.enterpriseNeq;
  if (toRsge) {
    const managers = site.providerNeq ? await reserveManagers(tx, site.providerNeq) : [];
    return managers.length > 0 || !site.contactEmail ? managers : [{ email: site.contactEmail, lang: 'fr' }];
  }
  return reserveManagers(tx, site.enterpriseNeq);
}

/** « Vous avez un nouveau message »: the mail says where to read it, never what it says. */
async function mailNewMessage(tx: Db, thread: Thread, author: Actor, settings: MailSettings): Promise<void> {
  for (const to of await recipientsOf(tx, thread, author)) {
    await enqueueMail(tx, composeMail(to.lang, to.email, { subject: 'portal.mail.message.subject', paragraphs: ['portal.mail.message.body'], link: { label: 'portal.mail.message.link', url: `${settings.publicUrl}/messages/${thread.id}` } }, {}));
  }
}

/** Inserts a message, dates the thread, audits, and mails the other side, in the caller's transaction. */
async function addMessage(tx: Db, ctx: Ctx, thread: Thread, body: string, fileId: string | null, settings: MailSettings, now: Date): Promise<Message> {
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const [row] = await tx.insert(message).values({ threadId: thread.id, authorId: ctx.actor.accountId, body, fileId, createdAt: now, updatedAt: now }).returning();
  if (!row) throw new Error('the message was not inserted');
  await tx.update(messageThread).set({ lastMessageAt: now, updatedAt: now }).where(eq(messageThread.id, thread.id));
  // The author has read what it wrote.
  await tx
    .insert(messageRead)
    .values({ threadId: thread.id, accountId: ctx.actor.accountId, readAt: now })
    .onConflictDoUpdate({ target: [messageRead.threadId, messageRead.accountId], set: { readAt: now, updatedAt: now } });
  await recordAudit(tx, ctx, { action: 'portal.message.sent', subjectType: 'message_thread', subjectId: thread.id, details: { messageId: row.id, kind: thread.kind, attachment: fileId !== null } });
  await mailNewMessage(tx, thread, ctx.actor, settings);
  return row;
}

async function writableThread(db: Db, ctx: Ctx, threadId: string): Promise<Thread> {
  await authorizeOn(db, threadActions, ctx.actor, 'write', threadId);
  const [thread] = await db.select().from(messageThread).where(eq(messageThread.id, threadId));
  if (!thread) throw new ForbiddenError();
  return thread;
}

/** A reply in a thread, without an attachment. */
export async function reply(db: Db, ctx: Ctx, settings: MailSettings, threadId: string, input: MessageInput, now: Date = new Date()): Promise<Message> {
  const thread = await writableThread(db, ctx, threadId);
  const { body } = validateMessage(input, false);
  return transaction(db, (tx) => addMessage(tx, ctx, thread, body, null, settings, now));
}

/**
 * A reply with a PDF: the right and the text are checked before the file streams (a refused
 * request drains it); the file is checked by content and size as every upload, and the message
 * is recorded in the transaction that records the file.
 */
export async function replyWithAttachment(db: Db, ctx: Ctx, settings: MessagingSettings, threadId: string, input: MessageInput, source: UploadSource, fileName: string, now: Date = new Date()): Promise<Message> {
  let checked: { thread: Thread; body: string };
  try {
    const thread = await writableThread(db, ctx, threadId);
    checked = { thread, body: validateMessage(input, false).body };
  } catch (error) {
    source.resume();
    throw error;
  }
  return savePdfUpload(db, settings.fileStore, source, { originalName: fileName, maxBytes: ATTACHMENT_MAX_BYTES, inspect: true }, (tx, file) => addMessage(tx, ctx, checked.thread, checked.body, file.id, settings, now));
}

/**
 * « Contacter le parent » from the réserve: the entry's thread (created at the first contact),
 * the message, and the entry marked `contacted` if it was waiting — one transaction, with the
 * family's mail.
 */
export async function contactParent(db: Db, ctx: Ctx, settings: MailSettings, siteId: string, choiceId: string, input: MessageInput, now: Date = new Date()): Promise<Thread> {
  const site = await siteFor(db, ctx, siteId, 'contactParent');
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const createdBy = ctx.actor.accountId;
  const { subject, body } = validateMessage(input, true);
  return transaction(db, async (tx) => {
    const [choice] = await tx.select().from(reserveChoice).where(and(eq(reserveChoice.id, choiceId), eq(reserveChoice.installationId, site.id), inReserve())).for('update');
    if (!choice) throw new ForbiddenError();
    await tx.insert(messageThread).values({ kind: 'registration', installationId: site.id, choiceId, subject, createdBy }).onConflictDoNothing();
    const [thread] = await tx.select().from(messageThread).where(and(eq(messageThread.choiceId, choiceId), eq(messageThread.kind, 'registration')));
    if (!thread) throw new Error('the registration thread was not found');
    if (choice.state === 'waiting') await tx.update(reserveChoice).set({ state: 'contacted', updatedAt: now }).where(eq(reserveChoice.id, choiceId));
    await addMessage(tx, ctx, thread, body, null, settings, now);
    return thread;
  });
}

/** A new thread between an RSGE and its BC, started by either. */
export async function writeBcRsge(db: Db, ctx: Ctx, settings: MailSettings, siteId: string, input: MessageInput, now: Date = new Date()): Promise<Thread> {
  const site = await siteFor(db, ctx, siteId, 'writeBcRsge');
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const createdBy = ctx.actor.accountId;
  const { subject, body } = validateMessage(input, true);
  return transaction(db, async (tx) => {
    const [thread] = await tx.insert(messageThread).values({ kind: 'bc_rsge', installationId: site.id, subject, createdBy, lastMessageAt: now }).returning();
    if (!thread) throw new Error('the thread was not inserted');
    await addMessage(tx, ctx, thread, body, null, settings, now);
    return thread;
  });
}

/** A ministry announcement to every provider of a kind. */
export async function announce(db: Db, ctx: Ctx, settings: MailSettings, audience: string, input: MessageInput, now: Date = new Date()): Promise<Thread> {
  await authorize(db, ctx.actor, messagingActions.announce, undefined);
  if (!isSignedIn(ctx.actor)) throw new ForbiddenError();
  const createdBy = ctx.actor.accountId;
  const { subject, body } = validateMessage(input, true, (audiences as readonly string[]).includes(audience) ? {} : { audience: 'portal.message.audience.required' });
  return transaction(db, async (tx) => {
    const [thread] = await tx.insert(messageThread).values({ kind: 'announcement', audience, subject, createdBy, lastMessageAt: now }).returning();
    if (!thread) throw new Error('the thread was not inserted');
    await addMessage(tx, ctx, thread, body, null, settings, now);
    return thread;
  });
}

/** The form of a new announcement, for those who may announce. */
export async function announceForm(db: Db, ctx: Ctx): Promise<void> {
  await authorize(db, ctx.actor, messagingActions.announce, undefined);
}

/** The BC's RSGE and an RSGE's own site, for the new-thread form's title. */
export function bcRsgeSite(db: Db, ctx: Ctx, siteId: string): Promise<Site> {
  return siteFor(db, ctx, siteId, 'writeBcRsge');
}

/** The réserve entry a provider is about to contact, with the child's name. */
export async function contactForm(db: Db, ctx: Ctx, siteId: string, choiceId: string): Promise<{ site: Site; childName: string }> {
  const site = await siteFor(db, ctx, siteId, 'contactParent');
  const [row] = await db
    .select({ firstName: familyChild.firstName, lastName: familyChild.lastName })
    .from(reserveChoice)
    .innerJoin(familyChild, eq(familyChild.id, reserveChoice.childId))
    .where(and(eq(reserveChoice.id, choiceId), eq(reserveChoice.installationId, site.id), inArray(reserveChoice.state, ['waiting', 'contacted', 'offered'])));
  if (!row) throw new ForbiddenError();
  return { site, childName: `${row.firstName} ${row.lastName}` };
}
