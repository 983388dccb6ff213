import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { queryRows, transaction } from '../db/index.js';
import { buildTestApp, type TestApp } from '../testing/app.js';
import { composeMail } from './compose.js';
import { claimDueMails, enqueueMail, pendingMailCount, type Mail } from './service.js';
import { smtpTransport, startOutboxWorker, type OutboxWorker } from './worker.js';

type Received = { from: string; to: string[]; raw: string };

/** An SMTP server in this process that keeps what it receives and can refuse recipients. */
async function startSmtpServer(refuse: (recipient: string) => boolean) {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse(address.address)) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    to: (recipient: string) => received.filter((m) => m.to.includes(recipient)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function mail(to: string, subject = 'Outbox test'): Mail {
  return {
    to,
    language: 'fr',
    subject,
    text: `Plain text body for ${to}`,
    html: `<p>HTML body for ${to}</p>`,
  };
}

type OutboxState = { id: string | number; attempts: number; last_error: string | null; sent_at: Date | string | null; transport: string | null; due: boolean; claimed: boolean };

describe('outbox', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const refusedOnce = new Set<string>();
  let worker: OutboxWorker;

  const state = async (recipient: string) =>
    queryRows<OutboxState>(
      t.db,
      sql`select id, attempts, last_error, sent_at, transport,
                 next_attempt_at <= now() as due, coalesce(claimed_until > now(), false) as claimed
          from outbox_mail where recipient = ${recipient} order by id`,
    );

  before(async () => {
    smtp = await startSmtpServer((recipient) => {
      // Refuses the first delivery to a "refuse-once" address, accepts the next ones.
      if (!recipient.startsWith('refuse-once') || refusedOnce.has(recipient)) return false;
      refusedOnce.add(recipient);
      return true;
    });
    t = await buildTestApp({ mailTransport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'guichet <ne-pas-repondre@guichet.test>', 'guichet.test') });
    worker = t.app.outbox;
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  test('a mail enqueued in a transaction that rolls back is never sent', async () => {
    const to = 'rolled-back@guichet.test';
    await assert.rejects(
      transaction(t.db, async (tx) => {
        await enqueueMail(tx, mail(to));
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    await worker.drain();
    assert.equal(smtp.to(to).length, 0);
    assert.equal((await state(to)).length, 0);
  });

  test('a mail enqueued in a committed transaction is sent once, with text, HTML, subject and a stable Message-ID', async () => {
    const to = 'committed@guichet.test';
    await transaction(t.db, (tx) => enqueueMail(tx, mail(to, 'Committed subject')));
    const [row] = await state(to);
    assert.ok(row && row.sent_at === null);
    assert.equal(await worker.drain(), 1);
    const messages = smtp.to(to);
    assert.equal(messages.length, 1);
    const raw = messages[0]!.raw;
    assert.equal(messages[0]!.from, 'ne-pas-repondre@guichet.test');
    assert.match(raw, /^Subject: Committed subject\r?$/m);
    assert.match(raw, new RegExp(`^Message-ID: <outbox-${row.id}@guichet\\.test>\\r?$`, 'mi'));
    assert.match(raw, /^Content-Language: fr\r?$/m);
    assert.match(raw, /Content-Type: text\/plain/);
    assert.match(raw, /Content-Type: text\/html/);
    assert.match(raw, /Plain text body for committed@guichet\.test/);
    assert.match(raw, /<p>HTML body for committed@guichet\.test<\/p>/);
    const [sent] = await state(to);
    assert.ok(sent!.sent_at !== null);
    assert.equal(sent!.transport, 'smtp');
    // A later drain does not send it again.
    assert.equal(await worker.drain(), 0);
    assert.equal(smtp.to(to).length, 1);
  });

  test('a mail the server refuses stays in the outbox with the error, and is sent once due again', async () => {
    const to = 'refuse-once@guichet.test';
    await transaction(t.db, (tx) => enqueueMail(tx, mail(to)));
    assert.equal(await worker.drain(), 1);
    assert.equal(smtp.to(to).length, 0);
    const [failed] = await state(to);
    assert.equal(failed!.attempts, 1);
    assert.match(failed!.last_error ?? '', /550|Mailbox unavailable/);
    assert.equal(failed!.sent_at, null);
    assert.equal(failed!.due, false, 'the next attempt is later');
    assert.equal(failed!.claimed, false);
    assert.equal(await pendingMailCount(t.db), 1);

    // Not due yet: a drain leaves it alone.
    assert.equal(await worker.drain(), 0);
    assert.equal(smtp.to(to).length, 0);

    await t.db.execute(sql`update outbox_mail set next_attempt_at = now() where id = ${Number(failed!.id)}`);
    assert.equal(await worker.drain(), 1);
    assert.equal(smtp.to(to).length, 1);
    const [sent] = await state(to);
    assert.ok(sent!.sent_at !== null);
    assert.equal(sent!.last_error, null);
    assert.equal(await pendingMailCount(t.db), 0);
  });

  test('a mail claimed by a worker that died before sending is taken again once the claim expires', async () => {
    const to = 'claimed-then-killed@guichet.test';
    await transaction(t.db, (tx) => enqueueMail(tx, mail(to)));
    // The dead worker: it claimed the mail and never marked it sent.
    const claimed = await claimDueMails(t.db, 10);
    assert.deepEqual(
      claimed.map((r) => r.recipient),
      [to],
    );
    assert.equal((await state(to))[0]!.claimed, true);

    // While the claim holds, no other claim and no drain takes it.
    assert.deepEqual(await claimDueMails(t.db, 10), []);
    assert.equal(await worker.drain(), 0);
    assert.equal(smtp.to(to).length, 0);

    await t.db.execute(sql`update outbox_mail set claimed_until = now() - interval '1 second' where recipient = ${to}`);
    assert.equal(await worker.drain(), 1);
    assert.equal(smtp.to(to).length, 1);
    assert.ok((await state(to))[0]!.sent_at !== null);
    assert.equal(await pendingMailCount(t.db), 0);
  });

  test('two workers draining at the same time send each mail once', async () => {
    const recipients = Array.from({ length: 24 }, (_, i) => `concurrent-${i}@guichet.test`);
    await transaction(t.db, async (tx) => {
      for (const to of recipients) await enqueueMail(tx, mail(to));
    });
    const second = startOutboxWorker(t.db, smtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'guichet <ne-pas-repondre@guichet.test>', 'guichet.test'), t.app.log, {
      intervalMs: 3_600_000,
      batchSize: 3,
    });
    const first = startOutboxWorker(t.db, smtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'guichet <ne-pas-repondre@guichet.test>', 'guichet.test'), t.app.log, {
      intervalMs: 3_600_000,
      batchSize: 3,
    });
    try {
      let taken = [0, 0];
      const totals = [0, 0];
      do {
        taken = await Promise.all([first.drain(), second.drain()]);
        totals[0]! += taken[0]!;
        totals[1]! += taken[1]!;
      } while (taken.some((n) => n > 0));
      assert.equal(totals[0]! + totals[1]!, recipients.length);
    } finally {
      await first.stop();
      await second.stop();
    }
    for (const to of recipients) assert.equal(smtp.to(to).length, 1, to);
    assert.equal(await pendingMailCount(t.db), 0);
  });

  test('with an SMTP transport, the development mailbox is not served', async () => {
    const response = await t.client().get('/dev/courriels');
    assert.equal(response.statusCode, 404);
  });
});

describe('development mailbox', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  test('without SMTP, /dev/courriels lists the mails and shows each one', async () => {
    const client = t.client();
    const empty = await client.get('/dev/courriels');
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /Aucun courriel/);

    await transaction(t.db, (tx) => enqueueMail(tx, mail('parent-mailbox@guichet.test', 'Mailbox subject')));
    const list = await client.get('/dev/courriels');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /parent-mailbox@guichet\.test/);
    assert.match(list.body, /Mailbox subject/);
    const link = /href="(\/dev\/courriels\/\d+)"/.exec(list.body);
    assert.ok(link?.[1]);
    const one = await client.get(link[1]);
    assert.equal(one.statusCode, 200);
    assert.match(one.body, /Plain text body for parent-mailbox@guichet\.test/);
    assert.equal((await client.get('/dev/courriels/999999')).statusCode, 404);

    // The mailbox "transport" marks mails delivered without any network.
    assert.equal(await t.app.outbox.drain(), 1);
    assert.match((await client.get('/dev/courriels')).body, /Livré/);
  });
});

describe('composeMail', () => {
  test('renders the subject and paragraphs in the recipient language, escaping HTML but not the text body', () => {
    const url = 'https://guichet.test/confirmer?a=1&b=<2>';
    const content = { subject: 'mail.resetPassword.subject', paragraphs: ['mail.resetPassword.body'], link: { label: 'mail.resetPassword.link', url } } as const;
    const fr = composeMail('fr', 'x@guichet.test', { ...content, paragraphs: [...content.paragraphs] }, { minutes: '<b>30</b>' });
    const en = composeMail('en', 'x@guichet.test', { ...content, paragraphs: [...content.paragraphs] }, { minutes: 30 });
    assert.equal(fr.language, 'fr');
    assert.equal(en.language, 'en');
    assert.equal(fr.to, 'x@guichet.test');
    assert.notEqual(fr.subject, en.subject);
    assert.match(en.text, /\b30 minutes/);
    assert.ok(!en.text.includes('{minutes}'));
    assert.ok(fr.text.includes(url), 'the text body keeps the link as is');
    assert.ok(fr.text.includes('<b>30</b>'));
    assert.ok(fr.html.includes('href="https://guichet.test/confirmer?a=1&amp;b=&lt;2>"'));
    assert.ok(fr.html.includes('&lt;b>30&lt;/b>') || fr.html.includes('&lt;b&gt;30&lt;/b&gt;'));
    assert.ok(!fr.html.includes('<b>') && !fr.html.includes('<2>'));
    assert.match(fr.html, /^<html lang="fr">/);
    assert.match(en.html, /^<html lang="en">/);
  });
});
