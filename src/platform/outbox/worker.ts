import nodemailer from 'nodemailer';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Db } from '../db/index.js';
import { claimDueMails, markFailed, markSent, type OutboxRow } from './service.js';

/** Delivers one mail; throws when the server refuses it. */
export type MailTransport = {
  name: string;
  send(row: OutboxRow): Promise<void>;
  close(): void;
};

export function smtpTransport(smtpUrl: string, from: string, messageIdDomain: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    name: 'smtp',
    async send(row) {
      await transporter.sendMail({
        from,
        to: row.recipient,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
        // Stable per outbox row: a mail sent twice after a crash is recognizable as one.
        messageId: `<outbox-${row.id}@${messageIdDomain}>`,
        headers: { 'Content-Language': row.language },
      });
    },
    close: () => transporter.close(),
  };
}

/** Outside production without SMTP_URL, mails stay readable on the development mailbox page. */
export const mailboxTransport: MailTransport = {
  name: 'mailbox',
  send: async () => {},
  close: () => {},
};

export type OutboxWorker = {
  /** Sends what is due now; resolves when this batch is done. */
  drain(): Promise<number>;
  /** Asks for a drain soon (after a commit that enqueued mail). */
  nudge(): void;
  stop(): Promise<void>;
};

export function startOutboxWorker(
  db: Db,
  transport: MailTransport,
  log: Logger,
  options: { intervalMs: number; batchSize?: number; claimSeconds?: number; onFailure?: (job: 'outbox.delivery' | 'outbox.batch') => void } = { intervalMs: 5000 },
): OutboxWorker {
  let running: Promise<number> | null = null;
  let stopped = false;

  async function runBatch(): Promise<number> {
    const rows = await claimDueMails(db, options.batchSize ?? 20, options.claimSeconds);
    for (const row of rows) {
      try {
        await transport.send(row);
        await markSent(db, row.id, transport.name);
      } catch (error) {
        // The server's answer may quote the address: it is kept in the outbox row, not in the log.
        const code = (error as { responseCode?: number }).responseCode ?? null;
        log.warn({ mailId: row.id, responseCode: code }, 'mail delivery failed');
        options.onFailure?.('outbox.delivery');
        await markFailed(db, row, (error as Error).message);
      }
    }
    return rows.length;
  }

  function drain(): Promise<number> {
    if (!running) {
      running = runBatch()
        .catch((error: unknown) => {
          log.error({ errName: (error as Error).name }, 'outbox worker error');
          options.onFailure?.('outbox.batch');
          return 0;
        })
        .finally(() => {
          running = null;
        });
    }
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void drain();
  }, options.intervalMs);
  timer.unref();

  return {
    drain,
    nudge: () => {
      // Checked again when it runs: the app may have been closed (and the database with it) meanwhile.
      if (!stopped) setImmediate(() => stopped || void drain());
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
      transport.close();
    },
  };
}
