import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ConflictError } from '../../platform/errors.js';
import { UploadRejected } from '../../platform/files/service.js';
import { keysetPattern, parseKeyset } from '../../platform/http/cursor.js';
import { signedIn } from '../../platform/http/guards.js';
import { requestPath } from '../../platform/http/navigation.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm, requiredText } from '../../platform/http/forms.js';
import { sendPage, sendPdf, viewContext } from '../../platform/http/render.js';
import { enrolmentFormsPdf } from './forms-pdf.js';
import { legalTypes } from './rules.js';
import type { EnterpriseSettings } from './service.js';
import {
  canSendDocuments,
  decideEnrolment,
  deleteEnrolmentDocument,
  documentKinds,
  enrolmentFileForAgent,
  enrolmentFileForForms,
  enrolmentStates,
  openEnrolmentDocument,
  ownEnrolmentFile,
  submitForVerification,
  uploadEnrolmentDocument,
  verificationQueue,
  type Decision,
  type DocumentKind,
  type OpenedDocument,
  type QueueFilters,
} from './verification.js';
import { AgentEnrolmentPage, ConflictPage, NoEnrolmentPage, OwnEnrolmentPage, QueuePageView, type UploadNotice } from './views/verification.js';

/** Every route registered here (the authorization test enumerates them). */
export const verificationRoutes = [
  'GET /entreprise/inscription',
  'GET /entreprise/inscription/formulaires.pdf',
  'POST /entreprise/inscription/documents',
  'GET /entreprise/inscription/documents/:documentId',
  'POST /entreprise/inscription/documents/:documentId/supprimer',
  'POST /entreprise/inscription/soumettre',
  'GET /agent/inscriptions',
  'GET /agent/inscriptions/:id',
  'GET /agent/inscriptions/:id/documents/:documentId',
  'POST /agent/inscriptions/:id/activer',
  'POST /agent/inscriptions/:id/demander',
  'POST /agent/inscriptions/:id/refuser',
] as const;

function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (documentKinds as readonly string[]).includes(value);
}

/** The queue's page from its link: after a position (`apres`, next) or before it (`avant`, previous). */
function queuePosition(query: { apres?: string | undefined; avant?: string | undefined }): QueueFilters['from'] {
  const after = query.apres ? parseKeyset(query.apres) : null;
  if (after) return { direction: 'after', cursor: after };
  const before = query.avant ? parseKeyset(query.avant) : null;
  return before ? { direction: 'before', cursor: before } : undefined;
}

/**
 * Pages of deferred enrolments: the enterprise's side under /entreprise/inscription (its RSE sends
 * documents and submits), the registry agents' queue and decisions under /agent/inscriptions.
 */
export function registerVerification(app: FastifyInstance): void {
  const settings: EnterpriseSettings = { secret: app.config.secret, publicUrl: app.config.publicUrl, failureDelayMs: app.config.AUTH_FAILURE_DELAY_MS };
  const db = app.db;
  const store = app.files;
  const maxBytes = app.config.UPLOAD_MAX_BYTES;
  const r = app.withTypeProvider<ZodTypeProvider>();


  function sendDocument(reply: FastifyReply, opened: OpenedDocument) {
    return sendPdf(reply, `${opened.enrolmentNumber}-${opened.kind}.pdf`, opened.body, opened.file.size);
  }

  // --- The enterprise's side -----------------------------------------------------------------

  async function showOwn(request: FastifyRequest, reply: FastifyReply, status = 200, form: FormState = emptyForm, notice?: UploadNotice) {
    const v = viewContext(request, reply);
    const file = await ownEnrolmentFile(db, request.ctx);
    if (!file) return sendPage(reply, v, { title: v.t('verification.title'), status: 404 }, <NoEnrolmentPage v={v} />);
    const canSend = await canSendDocuments(db, request.ctx, file.enrolment.enterpriseId);
    return sendPage(reply, v, { title: v.t('verification.title'), status }, (
      <OwnEnrolmentPage v={v} file={file} canSend={canSend} form={form} notice={notice} maxBytes={maxBytes} />
    ));
  }

  const doneNotices = { envoye: 'verification.upload.done', supprime: 'verification.document.deleted', soumis: 'verification.submit.done' } as const;
  r.get('/entreprise/inscription', { schema: { querystring: z.object({ fait: z.enum(['envoye', 'supprime', 'soumis']).optional() }) } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    const done = request.query.fait;
    return showOwn(request, reply, 200, emptyForm, done ? { kind: 'success', key: doneNotices[done] } : undefined);
  });

  r.get('/entreprise/inscription/formulaires.pdf', async (request, reply) => {
    signedIn(request, requestPath(request.url));
    const file = await enrolmentFileForForms(db, request.ctx);
    const pdf = await enrolmentFormsPdf(file, request.ctx.lang);
    return sendPdf(reply, `formulaires-${file.enrolment.number}.pdf`, pdf);
  });

  r.post('/entreprise/inscription/documents', async (request, reply) => {
    signedIn(request, requestPath(request.url));
    const own = await ownEnrolmentFile(db, request.ctx);
    if (!own) return showOwn(request, reply);
    if (!request.isMultipart()) throw new AppError(400, 'error.badRequest');
    const part = await request.file();
    if (!part) return showOwn(request, reply, 400, { values: {}, errors: { file: 'files.upload.missing' } });
    const kindField = part.fields.kind;
    const kind = kindField && !Array.isArray(kindField) && kindField.type === 'field' ? kindField.value : undefined;
    const values = { kind: typeof kind === 'string' ? kind : '' };
    if (!isDocumentKind(kind) || part.filename === '') {
      part.file.resume();
      const errors: FormState['errors'] = {};
      if (!isDocumentKind(kind)) errors.kind = 'verification.kind.required';
      if (part.filename === '') errors.file = 'files.upload.missing';
      return showOwn(request, reply, 400, { values, errors });
    }
    try {
      await uploadEnrolmentDocument(db, request.ctx, store, { enrolmentId: own.enrolment.id, kind, source: part.file, fileName: part.filename, maxBytes });
    } catch (error) {
      if (!(error instanceof UploadRejected)) throw error;
      // The page shows the documents already sent, and what to do about this one.
      return showOwn(request, reply, error.status, { values, errors: { file: error.messageKey } }, { kind: 'error', key: error.messageKey, params: error.params });
    }
    return reply.redirect('/entreprise/inscription?fait=envoye', 303);
  });

  const documentParams = z.object({ documentId: z.uuid() });
  r.get('/entreprise/inscription/documents/:documentId', { schema: { params: documentParams } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    return sendDocument(reply, await openEnrolmentDocument(db, request.ctx, store, request.params.documentId));
  });

  r.post('/entreprise/inscription/documents/:documentId/supprimer', { schema: { params: documentParams } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    parseForm(z.object({}), request.body);
    const own = await ownEnrolmentFile(db, request.ctx);
    if (!own) return showOwn(request, reply);
    await deleteEnrolmentDocument(db, request.ctx, store, own.enrolment.id, request.params.documentId);
    return reply.redirect('/entreprise/inscription?fait=supprime', 303);
  });

  r.post('/entreprise/inscription/soumettre', async (request, reply) => {
    signedIn(request, requestPath(request.url));
    parseForm(z.object({}), request.body);
    const own = await ownEnrolmentFile(db, request.ctx);
    if (!own) return showOwn(request, reply);
    await submitForVerification(db, request.ctx, settings, own.enrolment.id);
    return reply.redirect('/entreprise/inscription?fait=soumis', 303);
  });

  // --- Registry agents ---------------------------------------------------------------------

  const queueQuery = z.object({
    type: z.union([z.literal(''), z.enum(legalTypes)]).optional(),
    etat: z.union([z.literal('tous'), z.enum(enrolmentStates)]).optional(),
    apres: z.string().regex(keysetPattern).optional(),
    avant: z.string().regex(keysetPattern).optional(),
  });
  r.get('/agent/inscriptions', { schema: { querystring: queueQuery } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    // By default the files waiting for an agent; "tous" shows every state.
    const etat = request.query.etat ?? 'under_verification';
    const filters = { legalType: request.query.type || undefined, state: etat === 'tous' ? undefined : etat, from: queuePosition(request.query) };
    const queue = await verificationQueue(db, request.ctx, filters);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('verification.queue.title') }, <QueuePageView v={v} queue={queue} filters={filters} />);
  });

  const idParams = z.object({ id: z.uuid() });
  const crumbs = (v: ReturnType<typeof viewContext>) => [{ href: '/agent/inscriptions', label: v.t('verification.queue.title') }];

  async function showAgent(request: FastifyRequest, reply: FastifyReply, id: string, status = 200, forms: { ask?: FormState; refuse?: FormState } = {}) {
    const file = await enrolmentFileForAgent(db, request.ctx, id);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('verification.agent.title', { number: file.enrolment.number }), status, breadcrumbs: crumbs(v) }, (
      <AgentEnrolmentPage v={v} file={file} askForm={forms.ask ?? emptyForm} refuseForm={forms.refuse ?? emptyForm} />
    ));
  }

  r.get('/agent/inscriptions/:id', { schema: { params: idParams } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    return showAgent(request, reply, request.params.id);
  });

  r.get('/agent/inscriptions/:id/documents/:documentId', { schema: { params: idParams.extend(documentParams.shape) } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    const opened = await openEnrolmentDocument(db, request.ctx, store, request.params.documentId);
    if (opened.enrolmentId !== request.params.id) throw new AppError(404, 'error.notFound');
    return sendDocument(reply, opened);
  });

  async function decide(request: FastifyRequest, reply: FastifyReply, id: string, decision: Decision) {
    try {
      await decideEnrolment(db, request.ctx, settings, id, decision);
    } catch (error) {
      if (!(error instanceof ConflictError) || error.messageKey !== 'verification.conflict') throw error;
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t('error.conflict.title'), status: 409, breadcrumbs: crumbs(v) }, <ConflictPage v={v} href={`/agent/inscriptions/${id}`} />);
    }
    app.outbox.nudge();
    return reply.redirect(`/agent/inscriptions/${id}`, 303);
  }

  r.post('/agent/inscriptions/:id/activer', { schema: { params: idParams } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    parseForm(z.object({}), request.body);
    return decide(request, reply, request.params.id, { kind: 'activate' });
  });

  const askForm = z.object({ message: requiredText('verification.askMore.required', 2000) });
  r.post('/agent/inscriptions/:id/demander', { schema: { params: idParams } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    const form = parseForm(askForm, request.body);
    if (!form.ok) {
      await enrolmentFileForAgent(db, request.ctx, request.params.id);
      return showAgent(request, reply, request.params.id, 400, { ask: form });
    }
    return decide(request, reply, request.params.id, { kind: 'ask_more', message: form.data.message });
  });

  const refuseForm = z.object({ reason: requiredText('verification.refuse.required', 2000) });
  r.post('/agent/inscriptions/:id/refuser', { schema: { params: idParams } }, async (request, reply) => {
    signedIn(request, requestPath(request.url));
    const form = parseForm(refuseForm, request.body);
    if (!form.ok) {
      await enrolmentFileForAgent(db, request.ctx, request.params.id);
      return showAgent(request, reply, request.params.id, 400, { refuse: form });
    }
    return decide(request, reply, request.params.id, { kind: 'refuse', reason: form.data.reason });
  });
}
