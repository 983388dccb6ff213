import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../../platform/authz.js';
import { FieldValidationError, ForbiddenError } from '../../platform/errors.js';
import { signedIn } from '../../platform/http/guards.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm, requiredText } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import {
  decideDesignation,
  designationActions,
  designationFile,
  designationFormContext,
  designationQueue,
  deputyOf,
  listDeputies,
  nameDeputy,
  ownFunction,
  removeDeputy,
  reviewDesignation,
  submitDesignation,
  targetKinds,
  userRegistry,
  type DesignationInput,
  type DesignationReview,
  type Settings,
} from './designations.js';
import { DeputiesPage, DesignationFormPage, DesignationReviewPage, NoFunctionPage, RemoveDeputyPage, type FormMode } from './views/designation.js';
import { programName } from './views/registry.js';
import { SupportFilePage, SupportQueuePage, UserRegistryPage } from './views/support.js';

/** Every route of this file: the refusal tests try each one. */
export const designationRoutes = [
  'GET /aide/:program/designation',
  'POST /aide/:program/designation',
  'POST /aide/:program/designation/confirmer',
  'GET /aide/:program/remplacement',
  'POST /aide/:program/remplacement',
  'POST /aide/:program/remplacement/confirmer',
  'GET /aide/:program/adjoints',
  'POST /aide/:program/adjoints',
  'GET /aide/:program/adjoints/:id/retirer',
  'POST /aide/:program/adjoints/:id/retirer',
  'GET /agent/registre',
  'GET /agent/registre/utilisateur',
  'GET /agent/registre/:id',
  'POST /agent/registre/:id/approuver',
  'POST /agent/registre/:id/refuser',
] as const;

const text = (max: number) => z.string().trim().max(max, 'field.tooLong').default('');

/** Both forms' fields; the service checks their meaning and answers with field errors. */
const designationBody = z.object({
  targetKind: z.enum(targetKinds, 'designation.targetKind.required'),
  geographicCode: text(20),
  neq: text(20),
  servicePointId: z.union([z.literal(''), z.uuid()], 'designation.servicePoint.unknown').default(''),
  servicePointName: text(200),
  servicePointAddress: text(300),
  userCode: text(20),
  requesterName: text(200),
  requesterFunction: text(200),
  programs: z.array(z.string().max(50)).optional(),
  step: z.enum(['confirm', 'modify']).optional(),
});
type DesignationBody = z.infer<typeof designationBody>;

function inputOf(data: DesignationBody): DesignationInput {
  return {
    targetKind: data.targetKind,
    geographicCode: data.geographicCode,
    neq: data.neq,
    servicePointId: data.servicePointId || null,
    servicePointName: data.servicePointName,
    servicePointAddress: data.servicePointAddress,
    userCode: data.userCode,
    requesterName: data.requesterName,
    requesterFunction: data.requesterFunction,
  };
}

export function registerDesignations(app: FastifyInstance): void {
  const settings: Settings = { publicUrl: app.config.publicUrl };
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const programParams = z.object({ program: z.string().regex(/^[a-z0-9-]{1,40}$/) });
  const deputyParams = programParams.extend({ id: z.uuid() });
  const fileParams = z.object({ id: z.uuid() });
  const agentCrumbs = (v: ViewContext) => [{ href: '/agent/registre', label: v.t('designation.queue.title') }];

  // --- Designation and replacement forms --------------------------------------------------------
  async function showForm(request: FastifyRequest, reply: FastifyReply, programCode: string, mode: FormMode, form: FormState, status = 200, notice?: string) {
    const context = await designationFormContext(db, request.ctx, programCode);
    const v = viewContext(request, reply);
    const name = programName(v, context.program);
    const title = v.t(mode === 'designation' ? 'designation.title' : 'designation.replacement.title', { program: name });
    const shown = form === emptyForm && mode === 'remplacement' ? { values: { programs: context.program.code }, errors: {} } : form;
    return sendPage(reply, v, { title, status }, (
      <DesignationFormPage v={v} program={context.program} mode={mode} form={shown} points={context.points} programs={context.programs} mine={context.mine} notice={notice} />
    ));
  }

  /** The values the review carries to the confirmation, as the form sent them. */
  function carried(values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).filter(([key]) => key !== 'step'));
  }

  function programsOf(mode: FormMode, programCode: string, data: DesignationBody): string[] {
    return mode === 'designation' ? [programCode] : (data.programs ?? []);
  }

  for (const mode of ['designation', 'remplacement'] as const) {
    const replacement = mode === 'remplacement';

    r.get(`/aide/:program/${mode}`, { schema: { params: programParams, querystring: z.object({ transmis: z.literal('1').optional() }) } }, async (request, reply) => {
      signedIn(request);
      const notice = request.query.transmis ? viewContext(request, reply).t('designation.sent') : undefined;
      return showForm(request, reply, request.params.program, mode, emptyForm, 200, notice);
    });

    r.post(`/aide/:program/${mode}`, { schema: { params: programParams } }, async (request, reply) => {
      signedIn(request);
      await authorize(db, request.ctx.actor, designationActions.submit, undefined);
      const { program } = request.params;
      const form = parseForm(designationBody, request.body);
      if (!form.ok) return showForm(request, reply, program, mode, form, 400);
      const programs = programsOf(mode, program, form.data);
      if (programs.length === 0) return showForm(request, reply, program, mode, { values: form.values, errors: { programs: 'designation.programs.required' } }, 400);
      const reviews: DesignationReview[] = [];
      try {
        for (const code of programs) reviews.push(await reviewDesignation(db, request.ctx, code, inputOf(form.data), replacement));
      } catch (error) {
        if (error instanceof FieldValidationError) return showForm(request, reply, program, mode, { values: form.values, errors: error.fields }, 400);
        throw error;
      }
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t('designation.review.title') }, (
        <DesignationReviewPage v={v} mode={mode} reviews={reviews} values={carried(form.values)} holderName={reviews[0]?.currentHolderName ?? null} />
      ));
    });

    r.post(`/aide/:program/${mode}/confirmer`, { schema: { params: programParams } }, async (request, reply) => {
      signedIn(request);
      await authorize(db, request.ctx.actor, designationActions.submit, undefined);
      const { program } = request.params;
      const form = parseForm(designationBody, request.body);
      if (!form.ok) return showForm(request, reply, program, mode, form, 400);
      if (form.data.step === 'modify') return showForm(request, reply, program, mode, { values: carried(form.values), errors: {} });
      try {
        await submitDesignation(db, request.ctx, settings, programsOf(mode, program, form.data), inputOf(form.data), replacement);
      } catch (error) {
        if (error instanceof FieldValidationError) return showForm(request, reply, program, mode, { values: carried(form.values), errors: error.fields }, 400);
        throw error;
      }
      app.outbox.nudge();
      return reply.redirect(`/aide/${program}/${mode}?transmis=1`, 303);
    });
  }

  // --- Deputies ---------------------------------------------------------------------------------
  /** The organization the signed-in local manager manages, or the page that says why not. */
  async function managerScope(request: FastifyRequest, reply: FastifyReply, programCode: string) {
    const own = await ownFunction(db, request.ctx, programCode);
    if (!own.organization || !own.held) {
      const v = viewContext(request, reply);
      await sendPage(reply, v, { title: v.t('designation.noFunction.title'), status: 403 }, <NoFunctionPage v={v} program={own.program} />);
      return null;
    }
    if (own.held !== 'local_manager') throw new ForbiddenError('designation.deputies.managerOnly');
    return { program: own.program, organization: own.organization };
  }

  async function showDeputies(request: FastifyRequest, reply: FastifyReply, programCode: string, form: FormState, status = 200, notice?: string) {
    const scope = await managerScope(request, reply, programCode);
    if (!scope) return reply;
    const deputies = await listDeputies(db, request.ctx, scope.program.code, scope.organization.id);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('designation.deputies.title', { program: programName(v, scope.program) }), status }, (
      <DeputiesPage v={v} program={scope.program} organization={scope.organization} deputies={deputies} form={form} notice={notice} />
    ));
  }

  r.get('/aide/:program/adjoints', { schema: { params: programParams, querystring: z.object({ fait: z.enum(['nomme', 'retire']).optional() }) } }, async (request, reply) => {
    signedIn(request);
    const v = viewContext(request, reply);
    const { fait } = request.query;
    const notice = fait === 'retire' ? v.t('designation.deputies.removed') : fait === 'nomme' ? v.t('designation.deputies.named') : undefined;
    return showDeputies(request, reply, request.params.program, emptyForm, 200, notice);
  });

  const deputyForm = z.object({ userCode: requiredText('designation.userCode.required', 20) });
  r.post('/aide/:program/adjoints', { schema: { params: programParams } }, async (request, reply) => {
    signedIn(request);
    const scope = await managerScope(request, reply, request.params.program);
    if (!scope) return reply;
    const form = parseForm(deputyForm, request.body);
    if (!form.ok) return showDeputies(request, reply, scope.program.code, form, 400);
    try {
      await nameDeputy(db, request.ctx, settings, scope.program.code, scope.organization.id, form.data.userCode);
    } catch (error) {
      if (error instanceof FieldValidationError) return showDeputies(request, reply, scope.program.code, { values: form.values, errors: error.fields }, 400);
      throw error;
    }
    app.outbox.nudge();
    return reply.redirect(`/aide/${scope.program.code}/adjoints?fait=nomme`, 303);
  });

  r.get('/aide/:program/adjoints/:id/retirer', { schema: { params: deputyParams } }, async (request, reply) => {
    signedIn(request);
    const scope = await managerScope(request, reply, request.params.program);
    if (!scope) return reply;
    const deputy = await deputyOf(db, request.ctx, scope.program.code, scope.organization.id, request.params.id);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('designation.deputies.confirm.title') }, <RemoveDeputyPage v={v} program={scope.program} organization={scope.organization} deputy={deputy} />);
  });

  r.post('/aide/:program/adjoints/:id/retirer', { schema: { params: deputyParams } }, async (request, reply) => {
    signedIn(request);
    const scope = await managerScope(request, reply, request.params.program);
    if (!scope) return reply;
    parseForm(z.object({}), request.body);
    await removeDeputy(db, request.ctx, scope.program.code, scope.organization.id, request.params.id);
    return reply.redirect(`/aide/${scope.program.code}/adjoints?fait=retire`, 303);
  });

  // --- The support desk -------------------------------------------------------------------------
  r.get('/agent/registre', async (request, reply) => {
    signedIn(request);
    const queue = await designationQueue(db, request.ctx);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('designation.queue.title') }, <SupportQueuePage v={v} pending={queue.pending} decided={queue.decided} />);
  });

  r.get('/agent/registre/utilisateur', { schema: { querystring: z.object({ code: z.string().max(50).optional() }) } }, async (request, reply) => {
    signedIn(request);
    await authorize(db, request.ctx.actor, designationActions.viewUserRegistry, undefined);
    const v = viewContext(request, reply);
    const code = request.query.code;
    const page = (form: FormState, registry: Awaited<ReturnType<typeof userRegistry>> | null, status = 200) =>
      sendPage(reply, v, { title: v.t('designation.support.title'), status, breadcrumbs: agentCrumbs(v) }, <UserRegistryPage v={v} form={form} registry={registry} />);
    if (code === undefined) return page(emptyForm, null);
    try {
      return page({ values: { code }, errors: {} }, await userRegistry(db, request.ctx, code));
    } catch (error) {
      if (error instanceof FieldValidationError) return page({ values: { code }, errors: error.fields }, null, 400);
      throw error;
    }
  });

  async function showFile(request: FastifyRequest, reply: FastifyReply, id: string, refuseForm: FormState, status = 200, notice?: string) {
    const file = await designationFile(db, request.ctx, id);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('designation.file.title', { name: file.targetName }), status, breadcrumbs: agentCrumbs(v) }, (
      <SupportFilePage v={v} file={file} refuseForm={refuseForm} notice={notice} />
    ));
  }

  r.get('/agent/registre/:id', { schema: { params: fileParams, querystring: z.object({ fait: z.literal('1').optional() }) } }, async (request, reply) => {
    signedIn(request);
    const notice = request.query.fait ? viewContext(request, reply).t('designation.file.decided') : undefined;
    return showFile(request, reply, request.params.id, emptyForm, 200, notice);
  });

  r.post('/agent/registre/:id/approuver', { schema: { params: fileParams } }, async (request, reply) => {
    signedIn(request);
    parseForm(z.object({}), request.body);
    await decideDesignation(db, request.ctx, settings, request.params.id, { outcome: 'approve' });
    app.outbox.nudge();
    return reply.redirect(`/agent/registre/${request.params.id}?fait=1`, 303);
  });

  const refuseForm = z.object({ reason: requiredText('designation.file.reason.required', 2000) });
  r.post('/agent/registre/:id/refuser', { schema: { params: fileParams } }, async (request, reply) => {
    signedIn(request);
    await authorize(db, request.ctx.actor, designationActions.decide, undefined);
    const form = parseForm(refuseForm, request.body);
    if (!form.ok) return showFile(request, reply, request.params.id, form, 400);
    await decideDesignation(db, request.ctx, settings, request.params.id, { outcome: 'refuse', reason: form.data.reason });
    app.outbox.nudge();
    return reply.redirect(`/agent/registre/${request.params.id}?fait=1`, 303);
  });
}
