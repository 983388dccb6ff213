import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, ConflictError, FieldValidationError } from '../../platform/errors.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, sendPdf, viewContext, type ViewContext } from '../../platform/http/render.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { InvalidValueError, missingFields, receivability, registerEnterpriseRequestRoutes, requestResource, StaleValueError, type EngineSettings } from '../requests/index.js';
import { childList, listColumns, requestList, requestLists, type ChildListQuery, type ListColumn, type ListQuery, type RequestList } from './lists.js';
import { mesPageFields, stepSaves } from './form-input.js';
import { mesRequestPdf } from './pdf.js';
import { mesProgram, mesRequestTypes } from './program.js';
import {
  childChoice,
  createMesRequest,
  declareDeparture,
  deleteMesDraft,
  mesRequestPage,
  mesSpace,
  OpenRequestExists,
  parseChildQuery,
  saveMesField,
  saveMesStep,
  searchChildren,
  transmitMesRequest,
  type MesRequestPage,
  type MesSpace,
} from './service.js';
import { placeComments } from './views/comments.js';
import { ChoicePage, SearchPage } from './views/create.js';
import { ChosenStep, DeleteConfirmPage, DeparturePage, DetailPage, isEditable } from './views/detail.js';
import { DocumentsStep, type UploadProblem } from './views/documents.js';
import { MesFrame, hourMinute, type MenuEntry } from './views/frame.js';
import { MesHome } from './views/home.js';
import { ChildListPage, listTitle, RequestListPage } from './views/lists.js';
import { isStepId, stepHref, stepIds, type StepId } from './views/steps.js';
import { SupportStep, type ErrorParams } from './views/support.js';
import { TransmitConfirmPage, TransmittedPage, VerificationStep } from './views/verification.js';

/** Every route registered here (the authorization test enumerates them). */
export const mesRoutes = [
  'GET /entreprise/mes',
  'GET /entreprise/mes/enfants',
  'GET /entreprise/mes/listes/:liste',
  'GET /entreprise/mes/creer',
  'POST /entreprise/mes/creer',
  'GET /entreprise/mes/creer/:childId',
  'POST /entreprise/mes/creer/:childId',
  'GET /entreprise/mes/demandes/:id',
  'GET /entreprise/mes/demandes/:id/modifier',
  'POST /entreprise/mes/demandes/:id/champs',
  'POST /entreprise/mes/demandes/:id/champ',
  'POST /entreprise/mes/demandes/:id/documents',
  'GET /entreprise/mes/demandes/:id/documents/:documentId',
  'POST /entreprise/mes/demandes/:id/documents/:documentId/supprimer',
  'POST /entreprise/mes/demandes/:id/commentaires/:commentId',
  'POST /entreprise/mes/demandes/:id/signer',
  'GET /entreprise/mes/demandes/:id/transmettre',
  'POST /entreprise/mes/demandes/:id/transmettre',
  'GET /entreprise/mes/demandes/:id/transmise',
  'GET /entreprise/mes/demandes/:id/imprimer',
  'GET /entreprise/mes/demandes/:id/supprimer',
  'POST /entreprise/mes/demandes/:id/supprimer',
  'GET /entreprise/mes/demandes/:id/depart',
  'POST /entreprise/mes/demandes/:id/depart',
] as const;

const requestParams = z.object({ id: z.uuid() });
const listSort = z.enum(['number', 'child', 'installation', 'submitted', 'created', 'updated', 'state', 'type', 'departure']);

const listQuerySchema = z.object({
  tri: listSort.optional(),
  ordre: z.enum(['asc', 'desc']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  enfant: z.string().max(100).optional(),
  installation: z.union([z.uuid(), z.literal('')]).optional(),
  type: z.union([z.enum(mesRequestTypes), z.literal('')]).optional(),
  fait: z.enum(['supprimee']).optional(),
});

/** The list's default order: the newest change first, as people look for what just moved. */
function listQueryOf(list: RequestList, q: z.infer<typeof listQuerySchema>): ListQuery {
  const sort: ListColumn = q.tri && listColumns[list].includes(q.tri) ? q.tri : 'updated';
  return { sort, direction: q.ordre ?? (q.tri ? 'asc' : 'desc'), page: q.page ?? 1, child: q.enfant ?? '', installationId: q.installation || null, type: q.type || null };
}

const searchForm = z.object({
  nirec: z.string().max(20).optional(),
  necsg: z.string().max(20).optional(),
  lastName: z.string().max(100).optional(),
  firstName: z.string().max(100).optional(),
  birthDate: z.string().max(20).optional(),
});

const createForm = z.object({
  installation: z.uuid('mes.choice.site.required'),
  type: z.enum(mesRequestTypes, 'mes.type.required'),
  creationKey: z.string().regex(/^[0-9a-f-]{36}$/, 'error.badRequest'),
});

const autosaveBody = z.object({
  fieldId: z.string().max(100),
  value: z.string().max(10_000),
  version: z.coerce.number().int().min(0),
});

export function registerMes(app: FastifyInstance): void {
  const db = app.db;
  const settings: EngineSettings = { publicUrl: app.config.publicUrl, fileStore: app.files };
  const r = app.withTypeProvider<ZodTypeProvider>();

  const crumbs = (v: ViewContext) => [
    { href: '/entreprise', label: v.t('workspace.title') },
    { href: '/entreprise/mes', label: v.t('mes.title') },
  ];

  /** The enterprise guard: a signed-in enterprise account with a full session; the service then checks the MES rights. */
  async function enterpriseSpace(request: FastifyRequest): Promise<MesSpace> {
    return mesSpace(db, request.ctx, await actorEnterpriseId(request));
  }

  function framed(request: FastifyRequest, reply: FastifyReply, space: MesSpace, options: { title: string; current: MenuEntry | null; status?: number }, body: ComponentChildren) {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: options.title, status: options.status ?? 200, breadcrumbs: crumbs(v) }, (
      <MesFrame v={v} current={options.current} serviceLine={space.serviceLine} canCreate={space.canCreate}>
        {body}
      </MesFrame>
    ));
  }

  // --- Home and lists ---------------------------------------------------------------------------
  r.get('/entreprise/mes', async (request, reply) => {
    const space = await enterpriseSpace(request);
    const v = viewContext(request, reply);
    return framed(request, reply, space, { title: v.t('mes.title'), current: null }, <MesHome v={v} canCreate={space.canCreate} />);
  });

  const childQuerySchema = listQuerySchema.extend({ tri: z.enum(['child', 'installation']).optional() });
  r.get('/entreprise/mes/enfants', { schema: { querystring: childQuerySchema } }, async (request, reply) => {
    const space = await enterpriseSpace(request);
    const q = request.query;
    const query: ChildListQuery = { sort: q.tri ?? 'child', direction: q.ordre ?? 'asc', page: q.page ?? 1, child: q.enfant ?? '', installationId: q.installation || null };
    const page = await childList(db, request.ctx, space.enterprise.id, space.enterprise.neq, query);
    const v = viewContext(request, reply);
    return framed(request, reply, space, { title: v.t('mes.menu.children'), current: 'enfants' }, (
      <ChildListPage v={v} page={page} query={query} sites={space.sites} canCreate={space.canCreate} />
    ));
  });

  r.get('/entreprise/mes/listes/:liste', { schema: { params: z.object({ liste: z.enum(requestLists) }), querystring: listQuerySchema } }, async (request, reply) => {
    const space = await enterpriseSpace(request);
    const list = request.params.liste;
    const query = listQueryOf(list, request.query);
    const page = await requestList(db, request.ctx, space.enterprise.id, list, query);
    const v = viewContext(request, reply);
    const notice = request.query.fait === 'supprimee' ? v.t('mes.delete.done') : undefined;
    return framed(request, reply, space, { title: v.t(listTitle(list)), current: list }, (
      <>
        {notice ? <p role="status">{notice}</p> : null}
        <RequestListPage v={v} list={list} page={page} query={query} sites={space.sites} />
      </>
    ));
  });

  // --- Creation: steps 1 and 2 --------------------------------------------------------------------
  async function showSearch(request: FastifyRequest, reply: FastifyReply, space: MesSpace, form: FormState, results: Awaited<ReturnType<typeof searchChildren>> | null, status = 200) {
    const v = viewContext(request, reply);
    return framed(request, reply, space, { title: v.t('mes.create.title'), current: 'creer', status }, <SearchPage v={v} form={form} results={results} />);
  }

  r.get('/entreprise/mes/creer', async (request, reply) => {
    const space = await enterpriseSpace(request);
    if (!space.canCreate) throw new AppError(403, 'mes.error.cannotCreate');
    return showSearch(request, reply, space, emptyForm, null);
  });

  // A search is posted: the numbers and names typed stay out of addresses and browser history.
  r.post('/entreprise/mes/creer', async (request, reply) => {
    const space = await enterpriseSpace(request);
    const form = parseForm(searchForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const parsed = parseChildQuery({ nirec: form.data.nirec ?? '', necsg: form.data.necsg ?? '', lastName: form.data.lastName ?? '', firstName: form.data.firstName ?? '', birthDate: form.data.birthDate ?? '' });
    if (!parsed.ok) return showSearch(request, reply, space, { values: form.values, errors: parsed.errors }, null, 400);
    const results = await searchChildren(db, request.ctx, space.enterprise.id, parsed.query);
    return showSearch(request, reply, space, { values: form.values, errors: {} }, results);
  });

  const childParams = z.object({ childId: z.uuid() });
  async function showChoice(request: FastifyRequest, reply: FastifyReply, space: MesSpace, childId: string, installationId: string | null, form: FormState, status = 200) {
    const choice = await childChoice(db, request.ctx, space.enterprise.id, childId, installationId);
    const v = viewContext(request, reply);
    return framed(request, reply, space, { title: v.t('mes.create.title'), current: 'creer', status }, (
      <ChoicePage v={v} choice={choice} form={form} creationKey={form.values.creationKey ?? randomUUID()} />
    ));
  }

  r.get('/entreprise/mes/creer/:childId', { schema: { params: childParams, querystring: z.object({ installation: z.uuid().optional() }) } }, async (request, reply) => {
    const space = await enterpriseSpace(request);
    return showChoice(request, reply, space, request.params.childId, request.query.installation ?? null, emptyForm);
  });

  r.post('/entreprise/mes/creer/:childId', { schema: { params: childParams } }, async (request, reply) => {
    const space = await enterpriseSpace(request);
    const { childId } = request.params;
    const form = parseForm(createForm, request.body);
    const installationId = form.values.installation && z.uuid().safeParse(form.values.installation).success ? form.values.installation : null;
    if (!form.ok) return showChoice(request, reply, space, childId, installationId, form, 400);
    try {
      const { requestId } = await createMesRequest(db, request.ctx, space.enterprise.id, { childId, installationId: form.data.installation, type: form.data.type, creationKey: form.data.creationKey });
      return reply.redirect(stepHref(requestId, 'support'), 303);
    } catch (error) {
      // The page explains: no AIEH at this site, a request already open (with its link), a type that does not fit.
      if (error instanceof OpenRequestExists || (error instanceof ConflictError && error.messageKey === 'mes.error.noAllowance')) {
        return showChoice(request, reply, space, childId, installationId, { values: {}, errors: {} }, 409);
      }
      if (error instanceof FieldValidationError) return showChoice(request, reply, space, childId, installationId, { values: form.values, errors: error.fields }, 400);
      throw error;
    }
  });

  // --- One request -------------------------------------------------------------------------------
  async function loadPage(request: FastifyRequest, requestId: string): Promise<{ space: MesSpace; page: MesRequestPage }> {
    const space = await enterpriseSpace(request);
    return { space, page: await mesRequestPage(db, request.ctx, requestId) };
  }

  function requestTitle(v: ViewContext, page: MesRequestPage): string {
    return v.t('mes.request.title', { number: page.view.request.number });
  }

  /** What the page after a change says (`?fait=`). */
  const doneNotices = {
    depart: 'mes.departure.done',
    signee: 'mes.sign.saved',
    document: 'mes.documents.added',
    'document-supprime': 'mes.documents.deleted',
    enregistre: 'mes.support.saved',
  } as const satisfies Record<string, MessageKey>;
  const doneQuery = z.enum(['depart', 'signee', 'document', 'document-supprime', 'enregistre']).optional();

  r.get('/entreprise/mes/demandes/:id', { schema: { params: requestParams, querystring: z.object({ fait: doneQuery }) } }, async (request, reply) => {
    const loaded = await loadPage(request, request.params.id);
    const v = viewContext(request, reply);
    const key = request.query.fait ? doneNotices[request.query.fait] : undefined;
    return framed(request, reply, loaded.space, { title: requestTitle(v, loaded.page), current: null }, <DetailPage v={v} page={loaded.page} notice={key ? v.t(key) : undefined} />);
  });

  type StepView = { form?: FormState; errorParams?: ErrorParams; problem?: UploadProblem; signForm?: FormState; notice?: string; status?: number };

  function showStep(request: FastifyRequest, reply: FastifyReply, loaded: { space: MesSpace; page: MesRequestPage }, step: StepId, view: StepView = {}) {
    const v = viewContext(request, reply);
    const { page } = loaded;
    const placed = page.view.request.state === 'commented' ? placeComments(page.view) : [];
    const body = (() => {
      switch (step) {
        case 'identity':
        case 'type':
          return <ChosenStep v={v} page={page} step={step} />;
        case 'support':
          return <SupportStep v={v} page={page} form={view.form ?? emptyForm} errorParams={view.errorParams ?? {}} placed={placed} notice={view.notice} />;
        case 'documents':
          return <DocumentsStep v={v} page={page} placed={placed} problem={view.problem} notice={view.notice} />;
        case 'verification':
          return <VerificationStep v={v} page={page} items={receivability(mesProgram, page.view, page.facts)} placed={placed} signForm={view.signForm ?? emptyForm} notice={view.notice} />;
      }
    })();
    return framed(request, reply, loaded.space, { title: v.t('mes.edit.title'), current: null, status: view.status }, body);
  }

  /** The request's pages that change it: only while it is a draft or in comments, by a person who may edit. */
  async function loadEditable(request: FastifyRequest, reply: FastifyReply, requestId: string) {
    const loaded = await loadPage(request, requestId);
    if (!loaded.page.permitted.edit) throw new AppError(403, 'mes.error.cannotEdit');
    if (!isEditable(loaded.page)) throw new ConflictError('mes.error.readOnly', { state: viewContext(request, reply).t(`requests.state.${loaded.page.view.request.state}`) });
    return loaded;
  }

  r.get(
    '/entreprise/mes/demandes/:id/modifier',
    { schema: { params: requestParams, querystring: z.object({ etape: z.enum(stepIds).optional(), fait: doneQuery }) } },
    async (request, reply) => {
      const loaded = await loadEditable(request, reply, request.params.id);
      const key = request.query.fait ? doneNotices[request.query.fait] : undefined;
      return showStep(request, reply, loaded, request.query.etape ?? 'support', { notice: key ? viewContext(request, reply).t(key) : undefined });
    },
  );

  // The step's form without JavaScript: every field saved as the script saves it, then the next step if nothing is missing.
  r.post('/entreprise/mes/demandes/:id/champs', { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await loadEditable(request, reply, request.params.id);
    const { page } = loaded;
    const form = parseForm(mesPageFields(page), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const saved = await saveMesStep(db, request.ctx, page.view.request.id, stepSaves(page, form.data), page.view.values);
    const reloaded = await mesRequestPage(db, request.ctx, page.view.request.id);
    const go = form.data.aller ?? 'save';
    const errors = { ...saved.errors };
    if (go === 'next') {
      const { definition } = reloaded.view;
      const stepFields = new Set(definition.steps.find((s) => s.id === 'support')?.fields ?? []);
      for (const field of missingFields(definition, reloaded.view.values, reloaded.facts)) {
        if (stepFields.has(field.id) && !errors[field.id]) errors[field.id] = 'mes.field.required';
      }
    }
    if (Object.keys(errors).length > 0) {
      // A field in error keeps what was typed (and, changed elsewhere, the newer version); the others show what is saved.
      const values: Record<string, string> = {};
      for (const fieldId of Object.keys(errors)) {
        values[fieldId] = form.values[fieldId] ?? '';
        const current = saved.stale.get(fieldId);
        values[`version:${fieldId}`] = current ? String(current.version) : (form.values[`version:${fieldId}`] ?? '0');
      }
      return showStep(request, reply, { space: loaded.space, page: reloaded }, 'support', { form: { values, errors }, errorParams: saved.params, status: 400 });
    }
    if (go === 'next') return reply.redirect(stepHref(page.view.request.id, 'documents'), 303);
    if (go === 'previous') return reply.redirect(stepHref(page.view.request.id, 'type'), 303);
    return reply.redirect(`${stepHref(page.view.request.id, 'support')}&fait=enregistre`, 303);
  });

  // Autosave of one field (public/mes-autosave.js): JSON in, JSON out.
  r.post('/entreprise/mes/demandes/:id/champ', { schema: { params: requestParams } }, async (request, reply) => {
    if (request.ctx.actor.type !== 'account') return reply.status(401).send({ ok: false });
    await actorEnterpriseId(request);
    const body = autosaveBody.safeParse(request.body);
    if (!body.success) throw new AppError(400, 'error.badRequest');
    const v = viewContext(request, reply);
    try {
      const saved = await saveMesField(db, request.ctx, request.params.id, { fieldId: body.data.fieldId, value: body.data.value, expectedVersion: body.data.version });
      return reply.send({ ok: true, version: saved.version, message: v.t('mes.autosave.saved', { time: hourMinute(saved.savedAt) }) });
    } catch (error) {
      if (error instanceof StaleValueError) {
        return reply.status(409).send({ ok: false, stale: true, message: v.t('mes.autosave.stale', { name: error.current.changedByName, time: hourMinute(error.current.changedAt) }), reload: v.t('mes.autosave.reload') });
      }
      if (error instanceof InvalidValueError) return reply.status(400).send({ ok: false, message: v.t(error.reason, error.reasonParams) });
      if (error instanceof FieldValidationError) return reply.status(400).send({ ok: false, message: v.t(error.fields[body.data.fieldId] ?? 'field.invalid') });
      if (error instanceof AppError) return reply.status(error.status).send({ ok: false, message: v.t(error.messageKey, error.params) });
      throw error;
    }
  });

  r.get('/entreprise/mes/demandes/:id/transmise', { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await loadPage(request, request.params.id);
    if (loaded.page.view.request.state !== 'submitted') return reply.redirect(`/entreprise/mes/demandes/${request.params.id}`, 303);
    const v = viewContext(request, reply);
    return framed(request, reply, loaded.space, { title: v.t('mes.transmitted.pageTitle'), current: null }, <TransmittedPage v={v} page={loaded.page} />);
  });

  r.get('/entreprise/mes/demandes/:id/imprimer', { schema: { params: requestParams } }, async (request, reply) => {
    const loaded = await loadPage(request, request.params.id);
    const pdf = await mesRequestPdf(loaded.page, request.ctx.lang);
    return sendPdf(reply, `MES-${loaded.page.view.request.number}.pdf`, pdf);
  });

  // Documents, comments corrected, signature, transmission and deletion: the engine's handlers.
  registerEnterpriseRequestRoutes<{ space: MesSpace; page: MesRequestPage }>(app, {
    path: '/entreprise/mes/demandes/:id',
    sign: { firstName: 'mes.sign.firstName.required', lastName: 'mes.sign.lastName.required', function: 'mes.sign.function.required', attestation: 'mes.sign.attestation.required' },
    refusals: { cannotTransmit: 'mes.error.cannotSign', notDraft: 'mes.delete.onlyDraft' },
    program: () => mesProgram,
    enter: async (request) => {
      await actorEnterpriseId(request);
    },
    loadEditable,
    showDocuments: (request, reply, loaded, problem, status) => showStep(request, reply, loaded, 'documents', { problem, status }),
    showVerification: (request, reply, loaded, signForm, status) => showStep(request, reply, loaded, 'verification', { signForm, status }),
    showConfirm: (request, reply, loaded, kind) => {
      const v = viewContext(request, reply);
      return kind === 'transmit'
        ? framed(request, reply, loaded.space, { title: v.t('mes.transmit.title'), current: null }, <TransmitConfirmPage v={v} page={loaded.page} />)
        : framed(request, reply, loaded.space, { title: v.t('mes.delete.title', { number: loaded.page.view.request.number }), current: null }, <DeleteConfirmPage v={v} page={loaded.page} />);
    },
    commentReturn: (_request, id, step, commentId) => `${stepHref(id, step && isStepId(step) ? step : 'support')}#commentaire-${commentId}`,
    outcome: (_request, id, done) => {
      switch (done) {
        case 'document':
        case 'document-supprime':
          return `${stepHref(id, 'documents')}&fait=${done}`;
        case 'signee':
          return `${stepHref(id, 'verification')}&fait=signee`;
        case 'transmise':
          return `/entreprise/mes/demandes/${id}/transmise`;
        case 'supprimee':
          return '/entreprise/mes/listes/brouillons?fait=supprimee';
      }
    },
    confirmHref: (_request, id, kind) => `/entreprise/mes/demandes/${id}/${kind === 'transmit' ? 'transmettre' : 'supprimer'}`,
    transmit: async (request, id) => {
      await transmitMesRequest(db, request.ctx, settings, id);
    },
    deleteDraft: (request, id) => deleteMesDraft(db, request.ctx, settings, id),
  });

  async function showDeparture(request: FastifyRequest, reply: FastifyReply, requestId: string, form: FormState, status = 200) {
    const loaded = await loadPage(request, requestId);
    if (!loaded.page.permitted.edit) throw new AppError(403, 'mes.error.cannotEdit');
    if (loaded.page.view.request.state !== 'compliant') throw new ConflictError('mes.departure.onlyCompliant');
    const v = viewContext(request, reply);
    return framed(request, reply, loaded.space, { title: v.t('mes.departure.title'), current: null, status }, <DeparturePage v={v} page={loaded.page} form={form} />);
  }

  r.get('/entreprise/mes/demandes/:id/depart', { schema: { params: requestParams } }, async (request, reply) => showDeparture(request, reply, request.params.id, emptyForm));

  r.post('/entreprise/mes/demandes/:id/depart', { schema: { params: requestParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    await requestResource(db, request.ctx, mesProgram, request.params.id, 'edit');
    const form = parseForm(z.object({ departureDate: z.string().trim().max(20).optional() }), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      await declareDeparture(db, request.ctx, settings, request.params.id, form.data.departureDate ?? '');
    } catch (error) {
      if (error instanceof FieldValidationError) return showDeparture(request, reply, request.params.id, { values: form.values, errors: error.fields }, 400);
      throw error;
    }
    app.outbox.nudge();
    return reply.redirect(`/entreprise/mes/demandes/${request.params.id}?fait=depart`, 303);
  });
}
