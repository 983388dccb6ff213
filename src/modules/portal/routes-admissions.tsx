import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, ForbiddenError, FieldValidationError } from '../../platform/errors.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import {
  admissionForm,
  admissionsOf,
  admissionsOfFamily,
  admitByRegistrationNumber,
  admitFromReserve,
  decideOtherChoices,
  findByRegistrationNumber,
  PlacesFullError,
  placesOf,
  type AdmissionInput,
} from './admissions.js';
import { delegationOf, setDelegation } from './delegation.js';
import { admissionsHref, AdmissionsPage, AdmitFromReservePage, DelegationPage, NumberFoundPage, NumberSearchPage } from './views/admissions.js';
import { citizen } from './routes-families.js';
import { ConfirmActionPage } from './views/families.js';

/** The provider's admission routes (« Gérer la réserve et les admissions »); the authorization test enumerates them. */
export const admissionRoutes = [
  'GET /entreprise/reserves/:siteId/enfants/:choiceId/admettre',
  'POST /entreprise/reserves/:siteId/enfants/:choiceId/admettre',
  'GET /entreprise/admissions/:siteId',
  'GET /entreprise/admissions/:siteId/numero',
  'POST /entreprise/admissions/:siteId/numero',
  'POST /entreprise/admissions/:siteId/numero/admettre',
  'GET /entreprise/reserves/:siteId/bc',
  'POST /entreprise/reserves/:siteId/bc',
] as const;

/** The parent's answer about the other choices once a child is admitted. */
export const familyAdmissionRoutes = ['POST /famille/admissions/:admissionId/garder', 'GET /famille/admissions/:admissionId/retirer', 'POST /famille/admissions/:admissionId/retirer'] as const;

/** The form carries no rule of its own: the service's rules give the field errors, after the actor's right is checked. */
const admissionFormSchema = z.object({ plannedStart: z.string().optional(), override: z.array(z.string()).optional(), overrideReason: z.string().optional(), registrationNumber: z.string().optional() });
type AdmissionForm = z.infer<typeof admissionFormSchema>;

function admissionInput(data: AdmissionForm): AdmissionInput {
  return { plannedStart: (data.plannedStart ?? '').trim(), override: (data.override ?? []).includes('oui'), overrideReason: data.overrideReason ?? '' };
}

export function registerAdmissions(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const settings = { publicUrl: app.config.publicUrl };
  // The registration number is a secret the parent shares: guesses are limited per address, as sign-ins are.
  const guessLimit = { rateLimit: { max: app.config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } };

  const crumbs = (v: ViewContext, siteId?: string) => [
    { href: '/entreprise', label: v.t('workspace.title') },
    { href: '/entreprise/reserves', label: v.t('portal.reserves.title') },
    ...(siteId ? [{ href: admissionsHref(siteId), label: v.t('portal.admission.title') }] : []),
  ];
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: ComponentChildren, siteId?: string, status = 200) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title, status, breadcrumbs: crumbs(v, siteId) }, body);
  };

  /** A refusal the form can explain (places full, not in the réserve any more, admitted elsewhere): shown on the form, nothing saved. */
  function problemOf(v: ViewContext, error: unknown): string | null {
    if (error instanceof PlacesFullError || (error instanceof AppError && error.status === 409)) return v.t(error.messageKey, error.params);
    return null;
  }

  // --- From the réserve ----------------------------------------------------------------------------
  const choiceParams = z.object({ siteId: z.uuid(), choiceId: z.uuid() });

  async function showReserveForm(request: FastifyRequest, reply: FastifyReply, siteId: string, choiceId: string, form: FormState, problem: string | null, status: number) {
    const found = await admissionForm(db, request.ctx, siteId, choiceId);
    const v = viewContext(request, reply);
    const values = { plannedStart: found.choice.desiredStart, ...form.values, choiceId };
    return page(request, reply, v.t('portal.admission.fromReserve'), <AdmitFromReservePage v={v} site={found.site} child={found.child} desiredStart={found.choice.desiredStart} places={found.places} form={{ values, errors: form.errors }} problem={problem} />, siteId, status);
  }

  r.get('/entreprise/reserves/:siteId/enfants/:choiceId/admettre', { schema: { params: choiceParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showReserveForm(request, reply, request.params.siteId, request.params.choiceId, { values: {}, errors: {} }, null, 200);
  });

  r.post('/entreprise/reserves/:siteId/enfants/:choiceId/admettre', { schema: { params: choiceParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { siteId, choiceId } = request.params;
    const form = parseForm(admissionFormSchema, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      await admitFromReserve(db, request.ctx, siteId, choiceId, admissionInput(form.data), settings);
      app.outbox.nudge();
      return reply.redirect(`${admissionsHref(siteId)}?fait=admis`, 303);
    } catch (error) {
      if (error instanceof FieldValidationError) return showReserveForm(request, reply, siteId, choiceId, { values: form.values, errors: error.fields }, null, 400);
      const problem = problemOf(viewContext(request, reply), error);
      if (!problem) throw error;
      // The entry may have left the réserve: the admissions list then says why.
      if (error instanceof AppError && error.messageKey === 'portal.admission.error.notInReserve') throw error;
      return showReserveForm(request, reply, siteId, choiceId, { values: form.values, errors: {} }, problem, 409);
    }
  });

  // --- The site's admissions -------------------------------------------------------------------------
  const siteParams = z.object({ siteId: z.uuid() });

  r.get('/entreprise/admissions/:siteId', { schema: { params: siteParams, querystring: z.object({ fait: z.literal('admis').optional() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { site, rows, places, permitted } = await admissionsOf(db, request.ctx, request.params.siteId);
    const canDelegate = permitted.has('manageDelegation');
    const canRecord = permitted.has('recordAgreement');
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.admission.title'), <AdmissionsPage v={v} site={site} rows={rows} places={places} done={request.query.fait === 'admis'} canDelegate={canDelegate} canRecord={canRecord} />);
  });

  // --- With a registration number ------------------------------------------------------------------
  async function showNumberSearch(request: FastifyRequest, reply: FastifyReply, siteId: string, form: FormState, status: number) {
    const { site } = await admissionsOf(db, request.ctx, siteId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.admission.byNumber'), <NumberSearchPage v={v} site={site} form={form} />, siteId, status);
  }

  r.get('/entreprise/admissions/:siteId/numero', { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showNumberSearch(request, reply, request.params.siteId, { values: {}, errors: {} }, 200);
  });

  // The number is posted: it stays out of addresses, logs and browser history.
  r.post('/entreprise/admissions/:siteId/numero', { schema: { params: siteParams }, config: guessLimit }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(admissionFormSchema, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const { siteId } = request.params;
    try {
      const { site, file } = await findByRegistrationNumber(db, request.ctx, siteId, form.data.registrationNumber ?? '');
      const v = viewContext(request, reply);
      const values = { plannedStart: file.choice?.desiredStart ?? '' };
      return page(request, reply, v.t('portal.admission.byNumber'), <NumberFoundPage v={v} site={site} file={file} places={await placesOf(db, site)} form={{ values, errors: {} }} problem={null} />, siteId);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showNumberSearch(request, reply, siteId, { values: form.values, errors: error.fields }, 400);
    }
  });

  r.post('/entreprise/admissions/:siteId/numero/admettre', { schema: { params: siteParams }, config: guessLimit }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(admissionFormSchema, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const { siteId } = request.params;
    const number = form.data.registrationNumber ?? '';
    try {
      await admitByRegistrationNumber(db, request.ctx, siteId, number, admissionInput(form.data), settings);
      app.outbox.nudge();
      return reply.redirect(`${admissionsHref(siteId)}?fait=admis`, 303);
    } catch (error) {
      const v = viewContext(request, reply);
      const problem = problemOf(v, error);
      if (!(error instanceof FieldValidationError) && !problem) throw error;
      if (error instanceof FieldValidationError && error.fields.registrationNumber) return showNumberSearch(request, reply, siteId, { values: { registrationNumber: number }, errors: error.fields }, 400);
      const { site, file } = await findByRegistrationNumber(db, request.ctx, siteId, number);
      const errors = error instanceof FieldValidationError ? error.fields : {};
      return page(request, reply, v.t('portal.admission.byNumber'), <NumberFoundPage v={v} site={site} file={file} places={await placesOf(db, site)} form={{ values: form.values, errors }} problem={problem} />, siteId, problem ? 409 : 400);
    }
  });

  // --- The RSGE's authorization of its BC ----------------------------------------------------------
  r.get('/entreprise/reserves/:siteId/bc', { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { site, delegated } = await delegationOf(db, request.ctx, request.params.siteId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.bc.title'), <DelegationPage v={v} site={site} delegated={delegated} />, site.id);
  });

  r.post('/entreprise/reserves/:siteId/bc', { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(z.object({ autoriser: z.enum(['oui', 'non']) }), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    await setDelegation(db, request.ctx, request.params.siteId, form.data.autoriser === 'oui');
    return reply.redirect(`/entreprise/reserves/${request.params.siteId}/bc`, 303);
  });

  // --- The parent's answer -------------------------------------------------------------------------
  const admissionParams = z.object({ admissionId: z.uuid() });

  r.post('/famille/admissions/:admissionId/garder', { schema: { params: admissionParams } }, async (request, reply) => {
    citizen(request);
    parseForm(z.object({}), request.body);
    await decideOtherChoices(db, request.ctx, request.params.admissionId, 'kept');
    return reply.redirect('/famille?fait=choixGardes', 303);
  });

  r.get('/famille/admissions/:admissionId/retirer', { schema: { params: admissionParams } }, async (request, reply) => {
    citizen(request);
    const admission = (await admissionsOfFamily(db, request.ctx)).find((a) => a.admission.id === request.params.admissionId);
    if (!admission) throw new ForbiddenError();
    const v = viewContext(request, reply);
    const text = v.t('portal.family.admission.withdraw.confirm', { count: admission.otherChoices, child: `${admission.child.firstName} ${admission.child.lastName}` });
    return sendPage(reply, v, { title: v.t('portal.family.admission.withdraw'), breadcrumbs: [{ href: '/famille', label: v.t('portal.family.title') }] }, (
      <ConfirmActionPage v={v} action={`/famille/admissions/${admission.admission.id}/retirer`} text={text} confirm="portal.family.admission.withdraw" />
    ));
  });

  r.post('/famille/admissions/:admissionId/retirer', { schema: { params: admissionParams } }, async (request, reply) => {
    citizen(request);
    parseForm(z.object({}), request.body);
    await decideOtherChoices(db, request.ctx, request.params.admissionId, 'withdrawn');
    return reply.redirect('/famille?fait=choixRetires', 303);
  });
}
