import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { signedIn } from '../../platform/http/guards.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { registerReviewRoutes, requestResource, type EngineSettings } from '../requests/index.js';
import { mesProgram } from './program.js';
import { closeMesByAgent, commentOnRequest, markMesCompliant, mesChangesSinceComments, queueTabs, reviewQueue, type QueueCursor } from './review.js';
import { mesRequestPage } from './service.js';
import { DecisionConfirmPage, QueuePageView, reviewHref, ReviewPage } from './views/review.js';

/** Every route of the ministry's side (the authorization test enumerates them). */
export const mesReviewRoutes = [
  'GET /agent/mes',
  'GET /agent/mes/demandes/:id',
  'POST /agent/mes/demandes/:id/commentaires',
  'GET /agent/mes/demandes/:id/documents/:documentId',
  'GET /agent/mes/demandes/:id/conforme',
  'POST /agent/mes/demandes/:id/conforme',
  'GET /agent/mes/demandes/:id/terminer',
  'POST /agent/mes/demandes/:id/terminer',
] as const;

const requestParams = z.object({ id: z.uuid() });
/** `2026-11-23T15:04:05.000Z_<uuid>`: where a page of the queue starts. */
const cursorValue = z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z_[0-9a-f-]{36}$/);
const queueQuery = z.object({
  onglet: z.enum(queueTabs).optional(),
  direction: z.union([z.string().regex(/^\d{2}$/), z.literal('')]).optional(),
  apres: cursorValue.optional(),
  avant: cursorValue.optional(),
});
const doneNotices = { commentaire: 'mes.review.comment.added', conforme: 'mes.review.compliant.done', terminee: 'mes.review.close.done' } as const satisfies Record<string, MessageKey>;
function parseCursor(value: string | undefined, direction: QueueCursor['direction']): QueueCursor | null {
  if (!value) return null;
  const at = value.slice(0, value.indexOf('_'));
  return { at: new Date(at), id: value.slice(value.indexOf('_') + 1), direction };
}

export function registerMesReview(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const settings: EngineSettings = { publicUrl: app.config.publicUrl, fileStore: app.files };
  const crumbs = (v: ReturnType<typeof viewContext>) => [
    { href: '/agent', label: v.t('agentHome.title') },
    { href: '/agent/mes', label: v.t('mes.review.queue.title') },
  ];

  /** Every agent page of a request first checks the right to review it: reading alone is not enough here. */
  async function reviewable(request: FastifyRequest, id: string): Promise<void> {
    await requestResource(db, request.ctx, mesProgram, id, 'review');
  }

  async function showRequest(request: FastifyRequest, reply: FastifyReply, id: string, form: FormState = emptyForm, status = 200, notice?: string) {
    await reviewable(request, id);
    const page = await mesRequestPage(db, request.ctx, id);
    const changes = page.view.request.round >= 2 ? await mesChangesSinceComments(db, request.ctx, id) : null;
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('mes.review.request.title', { number: page.view.request.number }), status, breadcrumbs: crumbs(v) }, (
      <ReviewPage v={v} page={page} changes={changes} form={form} notice={notice} />
    ));
  }

  async function showDecision(request: FastifyRequest, reply: FastifyReply, id: string, decision: 'compliant' | 'close', form: FormState = emptyForm, status = 200) {
    await reviewable(request, id);
    const page = await mesRequestPage(db, request.ctx, id);
    const v = viewContext(request, reply);
    const title = v.t(decision === 'compliant' ? 'mes.review.compliant' : 'mes.review.close');
    return sendPage(reply, v, { title, status, breadcrumbs: [...crumbs(v), { href: reviewHref(id), label: page.view.request.number }] }, (
      <DecisionConfirmPage v={v} page={page} decision={decision} form={form} />
    ));
  }

  r.get('/agent/mes', { schema: { querystring: queueQuery } }, async (request, reply) => {
    signedIn(request);
    const { onglet = 'transmises', direction, apres, avant } = request.query;
    const directorate = direction || null;
    const cursor = parseCursor(apres, 'after') ?? parseCursor(avant, 'before');
    const page = await reviewQueue(db, request.ctx, { tab: onglet, directorateCode: directorate, cursor });
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('mes.review.queue.title'), breadcrumbs: [{ href: '/agent', label: v.t('agentHome.title') }] }, (
      <QueuePageView v={v} page={page} tab={onglet} directorate={directorate} />
    ));
  });

  r.get('/agent/mes/demandes/:id', { schema: { params: requestParams, querystring: z.object({ fait: z.enum(['commentaire', 'conforme', 'terminee']).optional() }) } }, async (request, reply) => {
    signedIn(request);
    const done = request.query.fait;
    return showRequest(request, reply, request.params.id, emptyForm, 200, done ? viewContext(request, reply).t(doneNotices[done]) : undefined);
  });

  // Comments, documents and the decisions: the engine's handlers.
  registerReviewRoutes(app, {
    path: '/agent/mes/demandes/:id',
    href: reviewHref,
    commentMessages: { target: 'field.required', body: 'field.required' },
    closeReason: 'field.required',
    program: async () => mesProgram,
    showReview: (request, reply, id, form, status) => showRequest(request, reply, id, form, status),
    showDecision: (request, reply, id, decision, form, status) => showDecision(request, reply, id, decision, form, status),
    comment: async (request, _program, id, input) => {
      await commentOnRequest(db, request.ctx, settings, id, input);
    },
    markCompliant: async (request, _program, id) => {
      await markMesCompliant(db, request.ctx, settings, id);
    },
    close: async (request, _program, id, note) => {
      await closeMesByAgent(db, request.ctx, settings, id, note);
    },
  });
}
