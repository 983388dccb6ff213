import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, FieldValidationError } from '../../platform/errors.js';
import { UploadRejected, type UploadSource } from '../../platform/files/service.js';
import { signedIn } from '../../platform/http/guards.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, sendPdf, viewContext } from '../../platform/http/render.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { announce, announceForm, bcRsgeSite, contactForm, contactParent, inbox, openAttachment, reply as replyTo, replyWithAttachment, threadOf, writeBcRsge, type MessagingSettings } from './messaging.js';
import { InboxPage, MESSAGES_HREF, NewThreadPage, ThreadPage } from './views/messaging.js';

/** The messaging routes; the authorization test enumerates them. */
export const messagingRoutes = [
  'GET /messages',
  'GET /messages/:threadId',
  'POST /messages/:threadId',
  'GET /messages/:threadId/pieces/:messageId',
  'GET /entreprise/messages/reserve/:siteId/:choiceId',
  'POST /entreprise/messages/reserve/:siteId/:choiceId',
  'GET /entreprise/messages/rsge/:siteId',
  'POST /entreprise/messages/rsge/:siteId',
  'GET /agent/annonces/nouvelle',
  'POST /agent/annonces/nouvelle',
] as const;

/** Forms carry no rule of their own: the service's rules give the field errors, after the actor's right is checked. */
const newThreadForm = z.object({ audience: z.string(), subject: z.string(), body: z.string() }).partial();
const threadParams = z.object({ threadId: z.uuid() });
/** A new-thread page's title and lead, checked against the actor's right first. */
type Lead = { title: MessageKey; lead: MessageKey; params: Record<string, string> };

/** The reply's fields come before its file (the form's order): the text is known when the file streams. */
async function readReply(request: FastifyRequest, send: (body: string, file: { stream: UploadSource; name: string } | null) => Promise<void>): Promise<void> {
  let body = '';
  let sent = false;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === 'body' && typeof part.value === 'string') body = part.value;
      continue;
    }
    if (sent || part.filename === '') {
      part.file.resume();
      continue;
    }
    sent = true;
    await send(body, { stream: part.file, name: part.filename });
  }
  if (!sent) await send(body, null);
}

export function registerMessaging(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const settings: MessagingSettings = { publicUrl: app.config.publicUrl, fileStore: app.files };

  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: ComponentChildren, status = 200) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title, status, breadcrumbs: [{ href: MESSAGES_HREF, label: v.t('portal.message.title') }] }, body);
  };

  r.get(MESSAGES_HREF, { schema: { querystring: z.object({ fait: z.literal('envoye').optional() }) } }, async (request, reply) => {
    signedIn(request);
    const threads = await inbox(db, request.ctx);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.message.title') }, <InboxPage v={v} threads={threads} sent={request.query.fait === 'envoye'} />);
  });

  async function showThread(request: FastifyRequest, reply: FastifyReply, threadId: string, form: FormState, problem: string | null, status = 200) {
    const view = await threadOf(db, request.ctx, threadId);
    return page(request, reply, view.thread.subject, <ThreadPage v={viewContext(request, reply)} view={view} form={form} problem={problem} />, status);
  }

  r.get(`${MESSAGES_HREF}/:threadId`, { schema: { params: threadParams } }, async (request, reply) => {
    signedIn(request);
    return showThread(request, reply, request.params.threadId, { values: {}, errors: {} }, null);
  });

  r.post(`${MESSAGES_HREF}/:threadId`, { schema: { params: threadParams } }, async (request, reply) => {
    signedIn(request);
    if (!request.isMultipart()) throw new AppError(400, 'error.badRequest');
    const { threadId } = request.params;
    let typed = '';
    try {
      await readReply(request, async (body, file) => {
        typed = body;
        if (file) await replyWithAttachment(db, request.ctx, settings, threadId, { body }, file.stream, file.name);
        else await replyTo(db, request.ctx, settings, threadId, { body });
      });
    } catch (error) {
      if (error instanceof FieldValidationError) return showThread(request, reply, threadId, { values: { body: typed }, errors: error.fields }, null, 400);
      // Nothing of a refused file is kept; the text typed is, for a second try.
      if (error instanceof UploadRejected) return showThread(request, reply, threadId, { values: { body: typed }, errors: {} }, viewContext(request, reply).t(error.messageKey, error.params), error.status);
      throw error;
    }
    app.outbox.nudge();
    return reply.redirect(`${MESSAGES_HREF}/${threadId}`, 303);
  });

  r.get(`${MESSAGES_HREF}/:threadId/pieces/:messageId`, { schema: { params: threadParams.extend({ messageId: z.uuid() }) } }, async (request, reply) => {
    signedIn(request);
    const opened = await openAttachment(db, request.ctx, settings, request.params.threadId, request.params.messageId);
    return sendPdf(reply, opened.name, opened.body, opened.size);
  });

  /** The three ways to start a thread share one form; `start` records it and gives the thread. */
  function newThread<P>(path: string, params: z.ZodType<P>, lead: (request: FastifyRequest, p: P) => Promise<Lead>, start: (request: FastifyRequest, p: P, form: z.infer<typeof newThreadForm>) => Promise<{ id: string }>, withAudience = false) {
    const show = async (request: FastifyRequest, reply: FastifyReply, p: P, form: FormState, status = 200) => {
      const { title, lead: leadKey, params: leadParams } = await lead(request, p);
      const v = viewContext(request, reply);
      return page(request, reply, v.t(title), <NewThreadPage v={v} action={request.url.split('?')[0] ?? path} lead={v.t(leadKey, leadParams)} form={form} withAudience={withAudience} />, status);
    };
    r.get(path, { schema: { params } }, async (request, reply) => {
      signedIn(request);
      return show(request, reply, request.params as P, { values: {}, errors: {} });
    });
    r.post(path, { schema: { params } }, async (request, reply) => {
      signedIn(request);
      const form = parseForm(newThreadForm, request.body);
      if (!form.ok) throw new AppError(400, 'error.badRequest');
      try {
        const thread = await start(request, request.params as P, form.data);
        app.outbox.nudge();
        return reply.redirect(`${MESSAGES_HREF}/${thread.id}`, 303);
      } catch (error) {
        if (error instanceof FieldValidationError) return show(request, reply, request.params as P, { values: form.values, errors: error.fields }, 400);
        throw error;
      }
    });
  }

  const text = (form: z.infer<typeof newThreadForm>) => ({ subject: form.subject ?? '', body: form.body ?? '' });

  newThread(
    '/entreprise/messages/reserve/:siteId/:choiceId',
    z.object({ siteId: z.uuid(), choiceId: z.uuid() }),
    async (request, p) => {
      const { childName } = await contactForm(db, request.ctx, p.siteId, p.choiceId);
      return { title: 'portal.message.contact.title', lead: 'portal.message.contact.lead', params: { child: childName } };
    },
    (request, p, form) => contactParent(db, request.ctx, settings, p.siteId, p.choiceId, text(form)),
  );

  newThread(
    '/entreprise/messages/rsge/:siteId',
    z.object({ siteId: z.uuid() }),
    async (request, p) => {
      const site = await bcRsgeSite(db, request.ctx, p.siteId);
      return { title: 'portal.message.bcRsge.title', lead: 'portal.message.bcRsge.lead', params: { rsge: `${site.name} (${site.number})` } };
    },
    (request, p, form) => writeBcRsge(db, request.ctx, settings, p.siteId, text(form)),
  );

  newThread(
    '/agent/annonces/nouvelle',
    z.object({}),
    async (request) => {
      await announceForm(db, request.ctx);
      return { title: 'portal.message.announce.title', lead: 'portal.message.announce.lead', params: {} };
    },
    (request, _p, form) => announce(db, request.ctx, settings, form.audience ?? '', text(form)),
    true,
  );
}
