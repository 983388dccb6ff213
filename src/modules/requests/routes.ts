import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ConflictError, FieldValidationError, type FieldErrors } from '../../platform/errors.js';
import { UploadRejected } from '../../platform/files/service.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm, requiredText } from '../../platform/http/forms.js';
import { signedIn } from '../../platform/http/guards.js';
import { sendPdf } from '../../platform/http/render.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import type { ProgramDefinition } from './program.js';
import {
  addDocument,
  deleteDocument,
  openDocument,
  requestResource,
  setCommentCorrected,
  sign,
  type CommentInput,
  type EngineSettings,
  type RequestView,
} from './service.js';

/**
 * The handlers every program's request pages share, registered once per program under its own
 * addresses: documents (add, open, delete), a comment marked corrected, the signature, the
 * transmission and the deletion of a draft on the enterprise side; comments, documents and the
 * decisions (Conforme, Terminée) on the ministry's side. Each handler checks the person's right
 * through the engine's services before it reads the input; a program supplies its pages (the
 * steps it re-renders with an error, the confirmation pages) and where each change leads.
 */

/** What was wrong with an uploaded file, shown on the documents step beside its type. */
export type UploadProblem = { documentType: string; key: MessageKey; params: Record<string, string | number> };

/** The part of a program's request page the handlers read: the request and what the person may do. */
export type LoadedRequest = { readonly page: { readonly view: RequestView; readonly permitted: { readonly edit: boolean; readonly sign: boolean } } };

/** The labels of the signature form's errors, in the program's own words. */
export type SignMessages = { firstName: MessageKey; lastName: MessageKey; function: MessageKey; attestation: MessageKey };

/** What each change answers with: the page it leads to (`?fait=` names the notice shown there). */
export type EnterpriseOutcome = 'document' | 'document-supprime' | 'signee' | 'transmise' | 'supprimee';

export type EnterprisePages<L extends LoadedRequest> = {
  /** The address of one request, with `:id` (and the program's own segments, e.g. `:program`). */
  readonly path: string;
  /** The address's parameters beside `id` (the aid programs' code). */
  readonly params?: z.ZodRawShape;
  readonly sign: SignMessages;
  /** Why a person who may not sign cannot open the transmission page, and why a request is not deleted. */
  readonly refusals: { cannotTransmit: MessageKey; notDraft: MessageKey };
  /** The program served at this address; an unknown one is a 404. */
  program(request: FastifyRequest): ProgramDefinition;
  /** The person's way in (the e-service's space), before any service call; throws when refused. */
  enter(request: FastifyRequest): Promise<void>;
  /** A request the person may change now (a right to edit, a draft or in comments), else 403 or 409. */
  loadEditable(request: FastifyRequest, reply: FastifyReply, id: string): Promise<L>;
  showDocuments(request: FastifyRequest, reply: FastifyReply, loaded: L, problem: UploadProblem, status: number): Promise<FastifyReply> | FastifyReply;
  showVerification(request: FastifyRequest, reply: FastifyReply, loaded: L, form: FormState, status: number): Promise<FastifyReply> | FastifyReply;
  showConfirm(request: FastifyRequest, reply: FastifyReply, loaded: L, kind: 'transmit' | 'delete'): Promise<FastifyReply> | FastifyReply;
  /** Where a comment marked corrected leads back to: the step it was shown on. */
  commentReturn(request: FastifyRequest, id: string, step: string | undefined, commentId: string): string;
  outcome(request: FastifyRequest, id: string, done: EnterpriseOutcome): string;
  /** The confirmation page of a transmission or a deletion, where a post without the confirmation goes back to. */
  confirmHref(request: FastifyRequest, id: string, kind: 'transmit' | 'delete'): string;
  /** The program's transmission and deletion (MES records its own facts in the same transaction). */
  transmit(request: FastifyRequest, id: string): Promise<void>;
  deleteDraft(request: FastifyRequest, id: string): Promise<void>;
};

const confirmForm = z.object({ confirm: z.literal('oui') });

function documentTypeOf(fields: Record<string, unknown> | undefined): string {
  const field = fields?.documentType;
  return field && typeof field === 'object' && 'type' in field && field.type === 'field' && 'value' in field && typeof field.value === 'string' ? field.value : '';
}

export function registerEnterpriseRequestRoutes<L extends LoadedRequest>(app: FastifyInstance, pages: EnterprisePages<L>): void {
  const db = app.db;
  const settings: EngineSettings = { publicUrl: app.config.publicUrl, fileStore: app.files };
  const r = app.withTypeProvider<ZodTypeProvider>();
  const requestParams = z.object({ ...pages.params, id: z.uuid() });
  const documentParams = requestParams.extend({ documentId: z.uuid() });
  const commentParams = requestParams.extend({ commentId: z.uuid() });
  const signForm = z.object({
    firstName: requiredText(pages.sign.firstName, 100),
    lastName: requiredText(pages.sign.lastName, 100),
    function: requiredText(pages.sign.function, 100),
    attested: z.literal('oui', pages.sign.attestation),
  });
  // A checkbox beside a hidden « non » (MES's comment bar) posts both values; a button posts one.
  const correctionForm = z.object({ corrected: z.array(z.enum(['oui', 'non'])).optional(), etape: z.string().regex(/^[a-z]{1,40}$/).optional() });

  /** The way in and the program, for the handlers that go straight to a service call. */
  async function entered(request: FastifyRequest): Promise<ProgramDefinition> {
    signedIn(request);
    const program = pages.program(request);
    await pages.enter(request);
    return program;
  }

  r.post(`${pages.path}/documents`, { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await pages.loadEditable(request, reply, request.params.id);
    const program = pages.program(request);
    if (!request.isMultipart()) throw new AppError(400, 'error.badRequest');
    const part = await request.file();
    const documentType = documentTypeOf(part?.fields);
    const known = loaded.page.view.definition.documentTypes.some((d) => d.id === documentType);
    if (!part || !known || part.filename === '') {
      part?.file.resume();
      if (!known) throw new AppError(400, 'error.badRequest');
      return pages.showDocuments(request, reply, loaded, { documentType, key: 'files.upload.missing', params: {} }, 400);
    }
    try {
      await addDocument(db, request.ctx, settings, program, request.params.id, documentType, part.file, part.filename);
    } catch (error) {
      if (!(error instanceof UploadRejected)) throw error;
      // The documents already sent stay; the page says what was wrong with this one.
      const reloaded = await pages.loadEditable(request, reply, request.params.id);
      return pages.showDocuments(request, reply, reloaded, { documentType, key: error.messageKey, params: error.params }, error.status);
    }
    return reply.redirect(pages.outcome(request, request.params.id, 'document'), 303);
  });

  r.get(`${pages.path}/documents/:documentId`, { schema: { params: documentParams } }, async (request, reply) => {
    const program = await entered(request);
    const opened = await openDocument(db, request.ctx, settings, program, request.params.id, request.params.documentId);
    return sendPdf(reply, opened.name, opened.body, opened.size);
  });

  r.post(`${pages.path}/documents/:documentId/supprimer`, { schema: { params: documentParams } }, async (request, reply) => {
    const program = await entered(request);
    await requestResource(db, request.ctx, program, request.params.id, 'edit');
    parseForm(z.object({}), request.body);
    await deleteDocument(db, request.ctx, settings, program, request.params.id, request.params.documentId);
    return reply.redirect(pages.outcome(request, request.params.id, 'document-supprime'), 303);
  });

  r.post(`${pages.path}/commentaires/:commentId`, { schema: { params: commentParams } }, async (request, reply) => {
    const program = await entered(request);
    await requestResource(db, request.ctx, program, request.params.id, 'edit');
    const form = parseForm(correctionForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const corrected = (form.data.corrected ?? []).includes('oui');
    await setCommentCorrected(db, request.ctx, program, request.params.id, request.params.commentId, corrected);
    return reply.redirect(pages.commentReturn(request, request.params.id, form.data.etape, request.params.commentId), 303);
  });

  r.post(`${pages.path}/signer`, { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await pages.loadEditable(request, reply, request.params.id);
    const form = parseForm(signForm, request.body);
    if (!form.ok) return pages.showVerification(request, reply, loaded, form, 400);
    try {
      await sign(db, request.ctx, pages.program(request), request.params.id, { firstName: form.data.firstName, lastName: form.data.lastName, function: form.data.function, attested: true });
    } catch (error) {
      if (error instanceof FieldValidationError) return pages.showVerification(request, reply, loaded, { values: form.values, errors: error.fields }, 400);
      throw error;
    }
    return reply.redirect(pages.outcome(request, request.params.id, 'signee'), 303);
  });

  r.get(`${pages.path}/transmettre`, { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await pages.loadEditable(request, reply, request.params.id);
    if (!loaded.page.permitted.sign) throw new AppError(403, pages.refusals.cannotTransmit);
    return pages.showConfirm(request, reply, loaded, 'transmit');
  });

  r.post(`${pages.path}/transmettre`, { schema: { params: requestParams } }, async (request, reply) => {
    const program = await entered(request);
    await requestResource(db, request.ctx, program, request.params.id, 'sign');
    const form = parseForm(confirmForm, request.body);
    if (!form.ok) return reply.redirect(pages.confirmHref(request, request.params.id, 'transmit'), 303);
    await pages.transmit(request, request.params.id);
    app.outbox.nudge();
    return reply.redirect(pages.outcome(request, request.params.id, 'transmise'), 303);
  });

  r.get(`${pages.path}/supprimer`, { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await pages.loadEditable(request, reply, request.params.id);
    if (loaded.page.view.request.state !== 'draft') throw new ConflictError(pages.refusals.notDraft);
    return pages.showConfirm(request, reply, loaded, 'delete');
  });

  r.post(`${pages.path}/supprimer`, { schema: { params: requestParams } }, async (request, reply) => {
    const program = await entered(request);
    await requestResource(db, request.ctx, program, request.params.id, 'edit');
    const form = parseForm(confirmForm, request.body);
    if (!form.ok) return reply.redirect(pages.confirmHref(request, request.params.id, 'delete'), 303);
    await pages.deleteDraft(request, request.params.id);
    return reply.redirect(pages.outcome(request, request.params.id, 'supprimee'), 303);
  });
}

// ---------------------------------------------------------------------------------------------
// The ministry's side

export type ReviewPages<P extends ProgramDefinition> = {
  /** The address of one request on the agents' side, with `:id`, and its page for a given request. */
  readonly path: string;
  href(id: string): string;
  /** The message of an empty comment or target, in the program's words. */
  readonly commentMessages: { target: MessageKey; body: MessageKey };
  readonly closeReason: MessageKey;
  /** The request's program (the agents' address names the request only); an unknown one is a 404. */
  program(request: FastifyRequest, id: string): Promise<P>;
  showReview(request: FastifyRequest, reply: FastifyReply, id: string, form: FormState, status: number): Promise<FastifyReply>;
  showDecision(request: FastifyRequest, reply: FastifyReply, id: string, decision: 'compliant' | 'close', form: FormState, status: number): Promise<FastifyReply>;
  comment(request: FastifyRequest, program: P, id: string, input: CommentInput): Promise<void>;
  markCompliant(request: FastifyRequest, program: P, id: string): Promise<void>;
  close(request: FastifyRequest, program: P, id: string, note: string): Promise<void>;
};

/** A comment's errors as the form names its inputs: the target is one select (`field:…` or `document:…`). */
function commentErrors(fields: FieldErrors): FieldErrors {
  const { targetId, ...rest } = fields;
  return targetId ? { ...rest, target: targetId } : rest;
}

export function registerReviewRoutes<P extends ProgramDefinition>(app: FastifyInstance, pages: ReviewPages<P>): void {
  const db = app.db;
  const settings: EngineSettings = { publicUrl: app.config.publicUrl, fileStore: app.files };
  const r = app.withTypeProvider<ZodTypeProvider>();
  const requestParams = z.object({ id: z.uuid() });
  const documentParams = requestParams.extend({ documentId: z.uuid() });
  const commentForm = z.object({
    target: z.string().regex(/^(field|document):[\w.]+$/, { message: pages.commentMessages.target }),
    body: requiredText(pages.commentMessages.body, 2000),
  });
  const closeForm = z.object({ confirm: z.literal('oui').optional(), note: requiredText(pages.closeReason, 2000) });

  /** Every agent page of a request first checks the right to review it: reading alone is not enough here. */
  async function reviewed(request: FastifyRequest, id: string): Promise<P> {
    signedIn(request);
    const program = await pages.program(request, id);
    await requestResource(db, request.ctx, program, id, 'review');
    return program;
  }

  r.post(`${pages.path}/commentaires`, { schema: { params: requestParams } }, async (request, reply) => {
    const id = request.params.id;
    const program = await reviewed(request, id);
    const form = parseForm(commentForm, request.body);
    if (!form.ok) return pages.showReview(request, reply, id, form, 400);
    const [target, targetId = ''] = form.data.target.split(':') as ['field' | 'document', string];
    try {
      await pages.comment(request, program, id, { target, targetId, body: form.data.body });
    } catch (error) {
      if (error instanceof FieldValidationError) return pages.showReview(request, reply, id, { values: form.values, errors: commentErrors(error.fields) }, 400);
      throw error;
    }
    app.outbox.nudge();
    return reply.redirect(`${pages.href(id)}?fait=commentaire`, 303);
  });

  r.get(`${pages.path}/documents/:documentId`, { schema: { params: documentParams } }, async (request, reply) => {
    const program = await reviewed(request, request.params.id);
    const opened = await openDocument(db, request.ctx, settings, program, request.params.id, request.params.documentId);
    return sendPdf(reply, opened.name, opened.body, opened.size);
  });

  r.get(`${pages.path}/conforme`, { schema: { params: requestParams } }, async (request, reply) => {
    await reviewed(request, request.params.id);
    return pages.showDecision(request, reply, request.params.id, 'compliant', emptyForm, 200);
  });

  r.post(`${pages.path}/conforme`, { schema: { params: requestParams } }, async (request, reply) => {
    const id = request.params.id;
    const program = await reviewed(request, id);
    const form = parseForm(confirmForm, request.body);
    if (!form.ok) return reply.redirect(`${pages.href(id)}/conforme`, 303);
    await pages.markCompliant(request, program, id);
    app.outbox.nudge();
    return reply.redirect(`${pages.href(id)}?fait=conforme`, 303);
  });

  r.get(`${pages.path}/terminer`, { schema: { params: requestParams } }, async (request, reply) => {
    await reviewed(request, request.params.id);
    return pages.showDecision(request, reply, request.params.id, 'close', emptyForm, 200);
  });

  r.post(`${pages.path}/terminer`, { schema: { params: requestParams } }, async (request, reply) => {
    const id = request.params.id;
    const program = await reviewed(request, id);
    const form = parseForm(closeForm, request.body);
    if (!form.ok) return pages.showDecision(request, reply, id, 'close', form, 400);
    await pages.close(request, program, id, form.data.note);
    app.outbox.nudge();
    return reply.redirect(`${pages.href(id)}?fait=terminee`, 303);
  });
}
