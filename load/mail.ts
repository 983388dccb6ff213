import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** The SMTP server the instances send to: it records each message's Message-ID and when it came. */
export type ReceivedMail = { messageId: string; at: number };

export type MailSink = { url: string; received: ReceivedMail[]; close(): Promise<void> };

export async function startMailSink(): Promise<MailSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 16_384) head += chunk.toString('utf8');
      });
      stream.on('error', callback);
      stream.on('end', () => {
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '';
        received.push({ messageId, at: Date.now() });
        callback();
      });
    },
  });
  // The test kills an instance with SIGKILL, sometimes in the middle of a delivery: its connection
  // resets, which is the fault under test, not the sink's. A mail cut off there was never accepted,
  // so the outbox sends it again (the mail check counts it).
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
