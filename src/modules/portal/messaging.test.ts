import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { anonymous } from '../../platform/context.js';
import type { Database, Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError } from '../../platform/errors.js';
import { localFileStore } from '../../platform/files/store.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { createTestAccount } from '../../platform/testing/accounts.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { announce, contactParent, inbox, reply, threadOf, unreadCount, writeBcRsge, type MessagingSettings } from './messaging.js';
import { message, reserveChoice } from './schema.js';
import { agentCtx, childInReserve, citizenCtx, coordinatingOfficeOf, publishedProvider, refusal } from './test-support.js';

let database: Database;
let db: Db;
let settings: MessagingSettings;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
  settings = { publicUrl: 'http://localhost:3000', fileStore: localFileStore(await mkdtemp(join(tmpdir(), 'guichet-messages-'))) };
});
after(async () => database?.close());

const secret = 'Le code de la porte est 4521';


async function mailsTo(email: string | null): Promise<{ subject: string; text: string }[]> {
  if (!email) return [];
  return db.select({ subject: outboxMail.subject, text: outboxMail.textBody }).from(outboxMail).where(eq(outboxMail.recipient, email));
}

describe('a provider and a parent about a registration', () => {
  test('« Contacter le parent » opens the entry’s thread, marks it contacted and mails the family without the content; the parent reads and replies; unread counts follow', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const family = await childInReserve(db, cpe.siteId, { firstName: 'Inès' });
    const provider = ctxOf(cpe.reserveUser);
    const parent = citizenCtx(family.parent);
    const thread = await contactParent(db, provider, settings, cpe.siteId, family.choice.id, { subject: 'Une place en septembre', body: secret });
    const [choice] = await db.select().from(reserveChoice).where(eq(reserveChoice.id, family.choice.id));
    assert.equal(choice?.state, 'contacted');
    const mails = await mailsTo(family.parent.account.email);
    const mail = mails.find((m) => m.subject === 'Nouveau message dans le Portail d’inscription');
    assert.ok(mail, 'the family is mailed');
    assert.ok(!mail.text.includes(secret) && !mail.text.includes('Une place en septembre'), 'the mail says nothing of the message');
    assert.ok(mail.text.includes(`/messages/${thread.id}`));

    assert.equal(await unreadCount(db, parent), 1);
    const seen = await threadOf(db, parent, thread.id);
    assert.equal(seen.messages[0]?.message.body, secret);
    assert.equal(seen.canWrite, true);
    assert.equal(await unreadCount(db, parent), 0, 'read once opened');
    await reply(db, parent, settings, thread.id, { body: 'Oui, merci!' });
    assert.equal(await unreadCount(db, provider), 1);
    assert.ok((await mailsTo(cpe.reserveUser.account.email)).some((m) => m.subject === 'Nouveau message dans le Portail d’inscription'), 'the provider’s réserve managers are mailed');

    const again = await contactParent(db, provider, settings, cpe.siteId, family.choice.id, { subject: 'Suivi', body: 'Avez-vous reçu?' });
    assert.equal(again.id, thread.id, 'one thread per réserve entry');
    const parentInbox = await inbox(db, parent);
    assert.deepEqual(
      parentInbox.map((t) => [t.thread.id, t.unread]),
      [[thread.id, 1]],
    );
  });

  test('another family, another provider, an anonymous visitor are refused; empty and oversized messages are field errors', async () => {
    const cpe = await publishedProvider(db, 'cpe');
    const family = await childInReserve(db, cpe.siteId);
    const thread = await contactParent(db, ctxOf(cpe.reserveUser), settings, cpe.siteId, family.choice.id, { subject: 'Bonjour', body: secret });
    const stranger = await childInReserve(db, cpe.siteId);
    const other = await publishedProvider(db, 'cpe');
    for (const ctx of [citizenCtx(stranger.parent), ctxOf(other.reserveUser), { actor: anonymous, lang: 'fr' as const, requestId: null, ip: null }]) {
      assert.ok((await refusal(threadOf(db, ctx, thread.id))) instanceof ForbiddenError);
      assert.ok((await refusal(reply(db, ctx, settings, thread.id, { body: 'Intrus' }))) instanceof ForbiddenError);
    }
    assert.ok((await refusal(contactParent(db, ctxOf(other.reserveUser), settings, cpe.siteId, family.choice.id, { subject: 'x', body: 'y' }))) instanceof ForbiddenError);
    assert.deepEqual(await inbox(db, ctxOf(other.reserveUser)), []);
    assert.deepEqual(await inbox(db, citizenCtx(stranger.parent)), []);
    const empty = await refusal(reply(db, citizenCtx(family.parent), settings, thread.id, { body: '  ' }));
    assert.ok(empty instanceof FieldValidationError && empty.fields.body === 'portal.message.body.required');
    const long = await refusal(reply(db, citizenCtx(family.parent), settings, thread.id, { body: 'x'.repeat(5001) }));
    assert.ok(long instanceof FieldValidationError && long.fields.body === 'portal.message.body.tooLong');
    const noSubject = await refusal(contactParent(db, ctxOf(cpe.reserveUser), settings, cpe.siteId, family.choice.id, { subject: '', body: 'y' }));
    assert.ok(noSubject instanceof FieldValidationError && noSubject.fields.subject === 'portal.message.subject.required');
    const rows = await db.select().from(message).where(eq(message.threadId, thread.id));
    assert.equal(rows.length, 1, 'nothing was added by the refused calls');
  });
});

describe('an RSGE and its BC', () => {
  test('either starts a thread and the other replies and is mailed; another BC and a CPE are refused', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const thread = await writeBcRsge(db, ctxOf(bc.reserveUser), settings, rsge.siteId, { subject: 'Visite de conformité', body: 'Mardi prochain, 10 h.' });
    assert.ok((await mailsTo(rsge.reserveUser.account.email)).some((m) => m.subject === 'Nouveau message dans le Portail d’inscription'));
    assert.equal(await unreadCount(db, ctxOf(rsge.reserveUser)), 1);
    await reply(db, ctxOf(rsge.reserveUser), settings, thread.id, { body: 'Parfait.' });
    assert.ok((await mailsTo(bc.reserveUser.account.email)).some((m) => m.subject === 'Nouveau message dans le Portail d’inscription'));
    const fromRsge = await writeBcRsge(db, ctxOf(rsge.reserveUser), settings, rsge.siteId, { subject: 'Vacances', body: 'Fermé du 1er au 15 juillet.' });
    assert.equal((await threadOf(db, ctxOf(bc.reserveUser), fromRsge.id)).canWrite, true);

    const otherBc = await coordinatingOfficeOf(db, await publishedProvider(db, 'home_provider'));
    const cpe = await publishedProvider(db, 'cpe');
    for (const who of [otherBc.reserveUser, cpe.reserveUser]) {
      assert.ok((await refusal(threadOf(db, ctxOf(who), thread.id))) instanceof ForbiddenError);
      assert.ok((await refusal(writeBcRsge(db, ctxOf(who), settings, rsge.siteId, { subject: 'x', body: 'y' }))) instanceof ForbiddenError);
    }
  });
});

describe('the ministry’s announcements', () => {
  test('an agent of the famille role announces to one kind of provider: they read it without replying; others do not see it', async () => {
    const agent = agentCtx(await createTestAccount(db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: null }] }));
    const cpe = await publishedProvider(db, 'cpe');
    const daycare = await publishedProvider(db, 'subsidized_daycare');
    const bad = await refusal(announce(db, agent, settings, 'everyone', { subject: '', body: '' }));
    assert.ok(bad instanceof FieldValidationError);
    assert.deepEqual(Object.keys(bad.fields).sort(), ['audience', 'body', 'subject']);
    const thread = await announce(db, agent, settings, 'cpe', { subject: 'Nouvelle instruction', body: 'Les ententes se consignent dans GES.' });
    const read = await threadOf(db, ctxOf(cpe.reserveUser), thread.id);
    assert.equal(read.canWrite, false);
    assert.ok((await refusal(reply(db, ctxOf(cpe.reserveUser), settings, thread.id, { body: 'Merci' }))) instanceof ForbiddenError);
    assert.ok((await inbox(db, ctxOf(cpe.reserveUser))).some((t) => t.thread.id === thread.id));
    assert.ok(!(await inbox(db, ctxOf(daycare.reserveUser))).some((t) => t.thread.id === thread.id));
    assert.ok((await refusal(threadOf(db, ctxOf(daycare.reserveUser), thread.id))) instanceof ForbiddenError);
    const otherAgent = agentCtx(await createTestAccount(db, 'agent', { agentRoles: [{ role: 'registry', directorateCode: null }] }));
    assert.ok((await refusal(announce(db, otherAgent, settings, 'cpe', { subject: 'x', body: 'y' }))) instanceof ForbiddenError);
    assert.ok((await refusal(announce(db, ctxOf(cpe.reserveUser), settings, 'cpe', { subject: 'x', body: 'y' }))) instanceof ForbiddenError);
  });
});
