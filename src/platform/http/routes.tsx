import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ping, type Database } from '../db/index.js';
import { NotFoundError } from '../errors.js';
import { languages } from '../i18n/index.js';
import { findMail, listMails } from '../outbox/service.js';
import { sendPage, viewContext } from './render.js';
import { LANG_COOKIE_NAME, safeReturnPath } from './navigation.js';
import { MailboxList, MailView } from './views/mailbox.js';

export function registerPlatformRoutes(app: FastifyInstance, database: Database): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/healthz', async () => ({ status: 'ok' }));

  r.get('/readyz', async (_request, reply) => {
    try {
      await ping(database.db);
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  r.get(
    '/langue',
    { schema: { querystring: z.object({ l: z.enum(languages), retour: z.string().max(2000).optional() }) } },
    async (request, reply) => {
      reply.setCookie(LANG_COOKIE_NAME, request.query.l, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.cookieSecure,
        maxAge: 60 * 60 * 24 * 365,
      });
      return reply.redirect(safeReturnPath(request.query.retour), 303);
    },
  );

  if (!app.devMailbox) return;
  // Development only: with no SMTP server, mails are read here. Never registered in production.
  r.get('/dev/courriels', async (request, reply) => {
    const v = viewContext(request, reply);
    const mails = await listMails(app.db, 100);
    return sendPage(reply, v, { title: v.t('mailbox.title') }, <MailboxList v={v} mails={mails} />);
  });
  r.get(
    '/dev/courriels/:id',
    { schema: { params: z.object({ id: z.coerce.number().int().positive() }) } },
    async (request, reply) => {
      const mail = await findMail(app.db, request.params.id);
      if (!mail) throw new NotFoundError();
      const v = viewContext(request, reply);
      return sendPage(
        reply,
        v,
        { title: mail.subject, breadcrumbs: [{ href: '/dev/courriels', label: v.t('mailbox.title') }] },
        <MailView v={v} mail={mail} />,
      );
    },
  );
}
