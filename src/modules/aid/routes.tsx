import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, ConflictError, FieldValidationError, NotFoundError } from '../../platform/errors.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { signedIn } from '../../platform/http/guards.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { deleteDraft, MAX_ROWS, receivability, registerEnterpriseRequestRoutes, registerReviewRoutes, type EngineSettings } from '../requests/index.js';
import { tableById, type AidProgram, type AidStep } from './definition.js';
import { aidProgramByCode, aidPrograms } from './programs/index.js';
import {
  aidFacts,
  aidQueue,
  aidRequestList,
  aidRequestPage,
  aidReviewPage,
  aidSpace,
  closeAidRequest,
  commentAidRequest,
  createAidRequest,
  inputName,
  markAidCompliant,
  programOfAidRequest,
  queueTabs,
  saveAidStep,
  transmitAidRequest,
  type AidRequestPage,
  type AidSpace,
  type FieldSave,
} from './service.js';
import { firstFieldStep, requestHref, requestsBase, reviewHref, stepById, stepHref } from './views/parts.js';
import { AidFrame, ConfirmPage, DetailPage, ListPage, NewPage, StepPage, type StepView } from './views/provider.js';
import { DecisionPage, QueueView, ReviewPage } from './views/review.js';

/** Every route of the provider's side (the refusal test enumerates them against `app.routeList`). */
export const aidRoutes = [
  'GET /aide/:program/demandes',
  'GET /aide/:program/demandes/nouvelle',
  'POST /aide/:program/demandes/nouvelle',
  'GET /aide/:program/demandes/:id',
  'GET /aide/:program/demandes/:id/etapes/:etape',
  'POST /aide/:program/demandes/:id/etapes/:etape',
  'POST /aide/:program/demandes/:id/documents',
  'GET /aide/:program/demandes/:id/documents/:documentId',
  'POST /aide/:program/demandes/:id/documents/:documentId/supprimer',
  'POST /aide/:program/demandes/:id/commentaires/:commentId',
  'POST /aide/:program/demandes/:id/signer',
  'GET /aide/:program/demandes/:id/transmettre',
  'POST /aide/:program/demandes/:id/transmettre',
  'GET /aide/:program/demandes/:id/supprimer',
  'POST /aide/:program/demandes/:id/supprimer',
] as const;

/** Every route of the ministry's side. */
export const aidReviewRoutes = [
  'GET /agent/aide',
  'GET /agent/aide/demandes/:id',
  'POST /agent/aide/demandes/:id/commentaires',
  'GET /agent/aide/demandes/:id/documents/:documentId',
  'GET /agent/aide/demandes/:id/conforme',
  'POST /agent/aide/demandes/:id/conforme',
  'GET /agent/aide/demandes/:id/terminer',
  'POST /agent/aide/demandes/:id/terminer',
] as const;

/** Only the programs defined here are served; any other code or step names nothing (404). */
const programParam = z.string().max(40);
const listParams = z.object({ program: programParam });
const requestParams = listParams.extend({ id: z.uuid() });
const stepParam = z.string().regex(/^[a-z]{1,40}$/);
const stepParams = requestParams.extend({ etape: stepParam });
const agentParams = z.object({ id: z.uuid() });

const createForm = z.object({
  organizationId: z.uuid('aid.create.organization.required'),
  creationKey: z.string().regex(/^[0-9a-f-]{36}$/, 'error.badRequest'),
});
const doneQuery = z.object({ fait: z.enum(['signee', 'document', 'document-supprime', 'enregistre', 'transmise', 'commentaire', 'conforme', 'terminee', 'supprimee']).optional() });
const doneNotices = {
  signee: 'aid.sign.saved',
  document: 'aid.documents.added',
  'document-supprime': 'aid.documents.deleted',
  enregistre: 'aid.saved',
  transmise: 'aid.transmit.done',
  commentaire: 'aid.review.comment.added',
  conforme: 'aid.review.compliant.done',
  terminee: 'aid.review.close.done',
  supprimee: 'aid.delete.done',
} as const satisfies Record<string, MessageKey>;

/** The fields a step's form posts: each with the version it was loaded with; a table's by row. */
function stepInputs(program: AidProgram, step: AidStep): { fieldId: string; row: number }[] {
  if (step.kind === 'fields') return step.fields.map((fieldId) => ({ fieldId, row: 0 }));
  const table = step.kind === 'table' ? tableById(program, step.table ?? '') : undefined;
  if (!table) return [];
  return Array.from({ length: MAX_ROWS }, (_, row) => table.columns.map((fieldId) => ({ fieldId, row }))).flat();
}

function stepFormSchema(program: AidProgram, step: AidStep) {
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const { fieldId, row } of stepInputs(program, step)) {
    const name = inputName(program, fieldId, row);
    shape[name] = z.string().max(10_000).optional();
    shape[`version:${name}`] = z.string().regex(/^\d{1,9}$/).optional();
  }
  return z.object({ ...shape, aller: z.string().regex(/^(enregistrer|etape:[a-z]+)$/).optional() });
}

function stepSaves(program: AidProgram, step: AidStep, data: Record<string, string | undefined>): FieldSave[] {
  return stepInputs(program, step).flatMap(({ fieldId, row }) => {
    const name = inputName(program, fieldId, row);
    const value = data[name];
    if (value === undefined) return [];
    return [{ fieldId, row, value, expectedVersion: Number(data[`version:${name}`] ?? 0) }];
  });
}

/** The program an address names (`/aide/:program/…`); an unknown code is a 404. */
function programOf(request: FastifyRequest): AidProgram {
  const parsed = listParams.safeParse(request.params);
  const program = parsed.success ? aidProgramByCode(parsed.data.program) : undefined;
  if (!program) throw new NotFoundError();
  return program;
}

/** A step of the request's program, or 404 for a name the program does not define. */
function stepOfProgram(program: AidProgram, id: string): AidStep {
  const step = stepById(program, id);
  if (!step) throw new NotFoundError();
  return step;
}

/** A program's step of a given kind (its documents, its verification), where a form sends the person back. */
function stepOfKind(program: AidProgram, kind: AidStep['kind']): AidStep {
  return stepOfProgram(program, program.aid.steps.find((s) => s.kind === kind)?.id ?? '');
}

type Loaded = { space: AidSpace; page: AidRequestPage };

export function registerAid(app: FastifyInstance): void {
  const db = app.db;
  const settings: EngineSettings = { publicUrl: app.config.publicUrl, fileStore: app.files };
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** The provider's guard: signed in, the program known, a profile in it today (checked again by each service call). */
  async function space(request: FastifyRequest): Promise<AidSpace> {
    signedIn(request);
    return aidSpace(db, request.ctx, programOf(request));
  }

  function framed(request: FastifyRequest, reply: FastifyReply, s: AidSpace, options: { title: string; current: 'list' | 'new' | null; status?: number }, body: ComponentChildren) {
    const v = viewContext(request, reply);
    const breadcrumbs = [
      { href: '/entreprise', label: v.t('workspace.title') },
      { href: requestsBase(s.program), label: v.t(s.program.aid.title) },
    ];
    return sendPage(reply, v, { title: options.title, status: options.status ?? 200, breadcrumbs }, (
      <AidFrame v={v} space={s} current={options.current}>
        {body}
      </AidFrame>
    ));
  }

  // --- List and creation --------------------------------------------------------------------------
  r.get('/aide/:program/demandes', { schema: { params: listParams, querystring: doneQuery } }, async (request, reply) => {
    const s = await space(request);
    const v = viewContext(request, reply);
    const rows = await aidRequestList(db, s);
    const notice = request.query.fait ? v.t(doneNotices[request.query.fait]) : undefined;
    return framed(request, reply, s, { title: v.t(s.program.aid.title), current: 'list' }, <ListPage v={v} space={s} rows={rows} notice={notice} />);
  });

  function showNew(request: FastifyRequest, reply: FastifyReply, s: AidSpace, form: FormState, status = 200) {
    const v = viewContext(request, reply);
    if (s.writable.length === 0) throw new AppError(403, 'aid.error.cannotCreate');
    return framed(request, reply, s, { title: v.t('aid.create.title'), current: 'new', status }, <NewPage v={v} space={s} form={form} creationKey={form.values.creationKey ?? randomUUID()} />);
  }

  r.get('/aide/:program/demandes/nouvelle', { schema: { params: listParams } }, async (request, reply) => showNew(request, reply, await space(request), emptyForm));

  r.post('/aide/:program/demandes/nouvelle', { schema: { params: listParams } }, async (request, reply) => {
    const s = await space(request);
    const form = parseForm(createForm, request.body);
    if (!form.ok) return showNew(request, reply, s, form, 400);
    try {
      // The service checks the Rédaction profile on the organization chosen (another one is refused).
      const { requestId } = await createAidRequest(db, request.ctx, s.program, form.data);
      return reply.redirect(stepHref(s.program, requestId, s.program.aid.steps[0]?.id ?? ''), 303);
    } catch (error) {
      if (error instanceof FieldValidationError) return showNew(request, reply, s, { values: form.values, errors: error.fields }, 400);
      throw error;
    }
  });

  // --- One request ---------------------------------------------------------------------------------
  async function loadPage(request: FastifyRequest, id: string): Promise<Loaded> {
    const s = await space(request);
    return { space: s, page: await aidRequestPage(db, request.ctx, s.program, id) };
  }

  /** The pages that change a request: a Rédaction profile, and the request a draft or in comments. */
  async function loadEditable(request: FastifyRequest, reply: FastifyReply, id: string): Promise<Loaded> {
    const loaded = await loadPage(request, id);
    if (!loaded.page.permitted.edit) throw new AppError(403, 'aid.error.cannotEdit');
    const state = loaded.page.view.request.state;
    if (state !== 'draft' && state !== 'commented') throw new ConflictError('aid.error.readOnly', { state: viewContext(request, reply).t(`requests.state.${state}`) });
    return loaded;
  }

  r.get('/aide/:program/demandes/:id', { schema: { params: requestParams, querystring: doneQuery } }, async (request, reply) => {
    const loaded = await loadPage(request, request.params.id);
    const v = viewContext(request, reply);
    const notice = request.query.fait ? v.t(doneNotices[request.query.fait]) : undefined;
    return framed(request, reply, loaded.space, { title: v.t('aid.request.title', { number: loaded.page.view.request.number }), current: null }, <DetailPage v={v} page={loaded.page} notice={notice} />);
  });

  function showStep(request: FastifyRequest, reply: FastifyReply, loaded: Loaded, step: AidStep, view: StepView, status = 200) {
    const v = viewContext(request, reply);
    const title = `${v.t('aid.edit.title')} — ${v.t(step.title)}`;
    const items = receivability(loaded.space.program, loaded.page.view, aidFacts);
    return framed(request, reply, loaded.space, { title, current: null, status }, <StepPage v={v} page={loaded.page} step={step} items={items} view={view} />);
  }

  r.get('/aide/:program/demandes/:id/etapes/:etape', { schema: { params: stepParams, querystring: doneQuery } }, async (request, reply) => {
    const loaded = await loadEditable(request, reply, request.params.id);
    const v = viewContext(request, reply);
    const notice = request.query.fait ? v.t(doneNotices[request.query.fait]) : undefined;
    return showStep(request, reply, loaded, stepOfProgram(loaded.space.program, request.params.etape), { form: emptyForm, params: {}, notice });
  });

  r.post('/aide/:program/demandes/:id/etapes/:etape', { schema: { params: stepParams } }, async (request, reply) => {
    const loaded = await loadEditable(request, reply, request.params.id);
    const program = loaded.space.program;
    const step = stepOfProgram(program, request.params.etape);
    const form = parseForm(stepFormSchema(program, step), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const id = request.params.id;
    const saved = await saveAidStep(db, request.ctx, program, id, stepSaves(program, step, form.data));
    if (Object.keys(saved.errors).length > 0) {
      const page = await aidRequestPage(db, request.ctx, program, id);
      // Every input keeps what was typed; a stale one shows the newer version so the next save can go through.
      const values = { ...form.values };
      for (const [key, stored] of page.view.values) {
        const [fieldId = '', row = '0'] = key.split('#');
        const name = inputName(program, fieldId, Number(row));
        if (saved.errors[name] === 'aid.error.stale') values[`version:${name}`] = String(stored.version);
        else if (!saved.errors[name]) {
          values[name] = stored.value;
          values[`version:${name}`] = String(stored.version);
        }
      }
      return showStep(request, reply, { space: loaded.space, page }, step, { form: { values, errors: saved.errors }, params: saved.params }, 400);
    }
    const go = form.data.aller ?? 'enregistrer';
    const target = go.startsWith('etape:') ? stepById(program, go.slice('etape:'.length)) : undefined;
    return reply.redirect(target ? stepHref(program, id, target.id) : `${stepHref(program, id, step.id)}?fait=enregistre`, 303);
  });

  // Documents, comments corrected, signature, transmission and deletion: the engine's handlers.
  registerEnterpriseRequestRoutes<Loaded>(app, {
    path: '/aide/:program/demandes/:id',
    params: { program: programParam },
    sign: { firstName: 'aid.sign.firstName.required', lastName: 'aid.sign.lastName.required', function: 'aid.sign.function.required', attestation: 'aid.sign.attestation.required' },
    refusals: { cannotTransmit: 'aid.error.cannotTransmit', notDraft: 'requests.error.notDraft' },
    program: programOf,
    enter: async (request) => {
      await space(request);
    },
    loadEditable,
    showDocuments: (request, reply, loaded, problem, status) => showStep(request, reply, loaded, stepOfKind(loaded.space.program, 'documents'), { form: emptyForm, params: {}, uploadError: problem }, status),
    showVerification: (request, reply, loaded, form, status) => showStep(request, reply, loaded, stepOfKind(loaded.space.program, 'verification'), { form, params: {} }, status),
    showConfirm: (request, reply, loaded, kind) => {
      const v = viewContext(request, reply);
      return framed(request, reply, loaded.space, { title: v.t(kind === 'transmit' ? 'aid.transmit.title' : 'aid.delete.title'), current: null }, <ConfirmPage v={v} page={loaded.page} kind={kind} />);
    },
    commentReturn: (request, id, step, commentId) => {
      const program = programOf(request);
      return `${stepHref(program, id, stepById(program, step ?? '')?.id ?? firstFieldStep(program))}#commentaire-${commentId}`;
    },
    outcome: (request, id, done) => {
      const program = programOf(request);
      switch (done) {
        case 'document':
        case 'document-supprime':
          return `${stepHref(program, id, stepOfKind(program, 'documents').id)}?fait=${done}`;
        case 'signee':
          return `${stepHref(program, id, stepOfKind(program, 'verification').id)}?fait=signee`;
        case 'transmise':
          return `${requestHref(program, id)}?fait=transmise`;
        case 'supprimee':
          return `${requestsBase(program)}?fait=supprimee`;
      }
    },
    confirmHref: (request, id, kind) => `${requestHref(programOf(request), id)}/${kind === 'transmit' ? 'transmettre' : 'supprimer'}`,
    transmit: async (request, id) => {
      await transmitAidRequest(db, request.ctx, settings, programOf(request), id);
    },
    deleteDraft: (request, id) => deleteDraft(db, request.ctx, settings, programOf(request), id),
  });

  // --- The ministry's side: the address names the request; its program is the request's -------------
  const agentCrumbs = (v: ViewContext) => [
    { href: '/agent', label: v.t('agentHome.title') },
    { href: '/agent/aide', label: v.t('aid.review.queue.title') },
  ];

  const queueQuery = z.object({ programme: programParam.optional(), onglet: z.enum(queueTabs).optional() });
  r.get('/agent/aide', { schema: { querystring: queueQuery } }, async (request, reply) => {
    signedIn(request);
    const programs = aidPrograms();
    const program = request.query.programme === undefined ? programs[0] : aidProgramByCode(request.query.programme);
    if (!program) throw new NotFoundError();
    const tab = request.query.onglet ?? 'transmises';
    const rows = await aidQueue(db, request.ctx, program, tab);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('aid.review.queue.title'), breadcrumbs: [{ href: '/agent', label: v.t('agentHome.title') }] }, (
      <QueueView v={v} programs={programs} program={program} rows={rows} tab={tab} />
    ));
  });

  async function showReview(request: FastifyRequest, reply: FastifyReply, id: string, form: FormState = emptyForm, status = 200, notice?: string) {
    const page = await aidReviewPage(db, request.ctx, await programOfAidRequest(db, id), id);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('aid.review.request.title', { number: page.view.request.number }), status, breadcrumbs: agentCrumbs(v) }, (
      <ReviewPage v={v} page={page} form={form} notice={notice} />
    ));
  }

  r.get('/agent/aide/demandes/:id', { schema: { params: agentParams, querystring: doneQuery } }, async (request, reply) => {
    signedIn(request);
    const done = request.query.fait;
    return showReview(request, reply, request.params.id, emptyForm, 200, done ? viewContext(request, reply).t(doneNotices[done]) : undefined);
  });

  // Comments, documents and the decisions: the engine's handlers.
  registerReviewRoutes(app, {
    path: '/agent/aide/demandes/:id',
    href: reviewHref,
    commentMessages: { target: 'aid.review.comment.target.required', body: 'aid.review.comment.body.required' },
    closeReason: 'aid.review.close.reason.required',
    program: (_request, id) => programOfAidRequest(db, id),
    showReview: (request, reply, id, form, status) => showReview(request, reply, id, form, status),
    showDecision: async (request, reply, id, decision, form, status) => {
      const page = await aidReviewPage(db, request.ctx, await programOfAidRequest(db, id), id);
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t(decision === 'compliant' ? 'aid.review.compliant' : 'aid.review.close'), status, breadcrumbs: agentCrumbs(v) }, (
        <DecisionPage v={v} page={page} decision={decision} form={form} />
      ));
    },
    comment: async (request, program, id, input) => {
      await commentAidRequest(db, request.ctx, settings, program, id, input);
    },
    markCompliant: async (request, program, id) => {
      await markAidCompliant(db, request.ctx, settings, program, id);
    },
    close: async (request, program, id, note) => {
      await closeAidRequest(db, request.ctx, settings, program, id, note);
    },
  });
}
