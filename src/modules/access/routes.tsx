import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../../platform/authz.js';
import { AppError, NotFoundError } from '../../platform/errors.js';
import { signedIn } from '../../platform/http/guards.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm, requiredText } from '../../platform/http/forms.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { enterpriseOf } from '../enterprises/members.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { eservices, isGrantable, ministries, ministryNumberPattern, rightKinds, type Eservice, type Ministry, type RightKind, type RightRef } from './catalogue.js';
import {
  accessActions,
  decideEnrolment,
  enrolmentFile,
  enrolmentQueue,
  enterpriseEnrolments,
  myRights,
  rightsMatrix,
  saveRights,
  transmitEnrolment,
  type AccessSettings,
} from './service.js';
import { FilePage, QueuePage } from './views/agent.js';
import { EnrolFormPage, EnrolReviewPage, EnterpriseEservicesPage } from './views/enrolment.js';
import { MyRightsPage, rightsPageHref, RightsPage } from './views/rights.js';

const ministryParams = z.object({ ministry: z.enum(ministries) });

const enrolmentForm = z.object({
  ministryNumber: z
    .string()
    .transform((value) => value.replace(/\s/g, '').toUpperCase())
    .pipe(z.string().min(1, 'eservices.number.required').regex(ministryNumberPattern, 'eservices.number.invalid')),
  otherInformation: z.string().trim().max(2000, 'field.tooLong').optional(),
});

const transmitForm = enrolmentForm.extend({
  consent: z.array(z.literal('oui'), 'eservices.consent.required').min(1, 'eservices.consent.required'),
});

/**
 * A page of the rights matrix as submitted: its e-service (`service`), its page (`page`, to come
 * back to), the users it showed (`membres`) and, per user, the boxes checked (`u_<id>`).
 */
const matrixBody = z.record(
  z.string().regex(/^(service|page|membres|u_[0-9a-f-]{36})$/),
  z.union([z.string().max(100), z.array(z.string().max(100)).max(5000)]),
);

function isRightKind(value: string): value is RightKind {
  return (rightKinds as readonly string[]).includes(value);
}

type SubmittedRights = { eservice: Eservice; page: number; desired: Map<string, RightRef[]> };

function submittedRights(body: unknown): SubmittedRights {
  const parsed = matrixBody.safeParse(body ?? {});
  if (!parsed.success) throw new AppError(400, 'error.badRequest');
  const service = z.enum(eservices).safeParse(parsed.data.service);
  const page = z.coerce.number().int().min(1).max(10_000).safeParse(parsed.data.page ?? '1');
  if (!service.success || !page.success) throw new AppError(400, 'error.badRequest');
  const eservice = service.data;
  const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const desired = new Map<string, RightRef[]>();
  for (const accountId of list(parsed.data.membres)) {
    if (!z.uuid().safeParse(accountId).success) throw new AppError(400, 'error.badRequest');
    const refs = list(parsed.data[`u_${accountId}`]).map((value) => {
      const right = value.startsWith(`${eservice}:`) ? value.slice(eservice.length + 1) : '';
      // Only a box of the e-service the page showed: anything else is not something our page sends.
      if (!isRightKind(right) || !isGrantable(eservice, right)) throw new AppError(400, 'error.badRequest');
      return { eservice, right };
    });
    desired.set(accountId, refs);
  }
  // A box for a user not shown on the form is not something our page sends either.
  for (const key of Object.keys(parsed.data)) {
    if (key.startsWith('u_') && !desired.has(key.slice(2))) throw new AppError(400, 'error.badRequest');
  }
  return { eservice, page: page.data, desired };
}

export function registerAccess(app: FastifyInstance): void {
  const settings: AccessSettings = { publicUrl: app.config.publicUrl };
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const enterpriseCrumbs = (v: ReturnType<typeof viewContext>) => [{ href: '/entreprise/services-en-ligne', label: v.t('eservices.title') }];
  const agentCrumbs = (v: ReturnType<typeof viewContext>) => [{ href: '/agent/services-en-ligne', label: v.t('eservices.queue.title') }];

  // --- The enterprise's enrolments (RSE) -----------------------------------------------------
  r.get(
    '/entreprise/services-en-ligne',
    { schema: { querystring: z.object({ transmis: z.enum(ministries).optional(), etat: z.enum(['active', 'processing']).optional() }) } },
    async (request, reply) => {
      const enterpriseId = await actorEnterpriseId(request);
      const views = await enterpriseEnrolments(db, request.ctx, enterpriseId);
      const v = viewContext(request, reply);
      const { transmis, etat } = request.query;
      const notice = transmis && etat ? v.t(etat === 'active' ? 'eservices.transmitted.active' : 'eservices.transmitted.processing', { ministry: v.t(`eservices.ministry.${transmis}`) }) : undefined;
      return sendPage(reply, v, { title: v.t('eservices.title') }, <EnterpriseEservicesPage v={v} views={views} notice={notice} />);
    },
  );

  async function showForm(request: FastifyRequest, reply: FastifyReply, enterpriseId: string, ministry: Ministry, form: FormState, status = 200) {
    await authorize(db, request.ctx.actor, accessActions.enrol, { enterpriseId });
    const enterprise = await enterpriseOf(db, enterpriseId);
    if (!enterprise) throw new NotFoundError();
    const v = viewContext(request, reply);
    const title = v.t('eservices.form.title', { ministry: v.t(`eservices.ministry.${ministry}`) });
    return sendPage(reply, v, { title, status, breadcrumbs: enterpriseCrumbs(v) }, <EnrolFormPage v={v} ministry={ministry} enterprise={enterprise} form={form} />);
  }

  r.get('/entreprise/services-en-ligne/:ministry', { schema: { params: ministryParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    return showForm(request, reply, enterpriseId, request.params.ministry, emptyForm);
  });

  async function showReview(request: FastifyRequest, reply: FastifyReply, enterpriseId: string, ministry: Ministry, values: { ministryNumber: string; otherInformation: string }, form: FormState, status = 200) {
    await authorize(db, request.ctx.actor, accessActions.enrol, { enterpriseId });
    const enterprise = await enterpriseOf(db, enterpriseId);
    if (!enterprise) throw new NotFoundError();
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('eservices.review.title'), status, breadcrumbs: enterpriseCrumbs(v) }, (
      <EnrolReviewPage v={v} ministry={ministry} enterprise={enterprise} values={values} form={form} />
    ));
  }

  r.post('/entreprise/services-en-ligne/:ministry', { schema: { params: ministryParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const form = parseForm(enrolmentForm, request.body);
    if (!form.ok) return showForm(request, reply, enterpriseId, request.params.ministry, form, 400);
    return showReview(request, reply, enterpriseId, request.params.ministry, { ministryNumber: form.data.ministryNumber, otherInformation: form.data.otherInformation ?? '' }, emptyForm);
  });

  r.post('/entreprise/services-en-ligne/:ministry/transmettre', { schema: { params: ministryParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const { ministry } = request.params;
    const form = parseForm(transmitForm, request.body);
    if (!form.ok) {
      if (form.errors.consent && Object.keys(form.errors).length === 1) {
        return showReview(request, reply, enterpriseId, ministry, { ministryNumber: form.values.ministryNumber ?? '', otherInformation: form.values.otherInformation ?? '' }, form, 400);
      }
      return showForm(request, reply, enterpriseId, ministry, form, 400);
    }
    const row = await transmitEnrolment(db, request.ctx, settings, enterpriseId, {
      ministry,
      ministryNumber: form.data.ministryNumber,
      otherInformation: form.data.otherInformation || null,
    });
    app.outbox.nudge();
    return reply.redirect(`/entreprise/services-en-ligne?transmis=${ministry}&etat=${row.state === 'active' ? 'active' : 'processing'}`, 303);
  });

  // --- Ministry agents ------------------------------------------------------------------------
  r.get('/agent/services-en-ligne', { schema: { querystring: z.object({ etat: z.enum(['processing', 'active', 'refused']).optional() }) } }, async (request, reply) => {
    signedIn(request);
    const state = request.query.etat ?? 'processing';
    const entries = await enrolmentQueue(db, request.ctx, { state });
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('eservices.queue.title') }, <QueuePage v={v} entries={entries} state={state} />);
  });

  const fileParams = z.object({ id: z.uuid() });
  async function showFile(request: FastifyRequest, reply: FastifyReply, id: string, refuseForm: FormState, status = 200, notice?: string) {
    const file = await enrolmentFile(db, request.ctx, id);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('eservices.file.title', { name: file.enrolment.legalName }), status, breadcrumbs: agentCrumbs(v) }, (
      <FilePage v={v} file={file} refuseForm={refuseForm} notice={notice} />
    ));
  }

  r.get('/agent/services-en-ligne/:id', { schema: { params: fileParams, querystring: z.object({ fait: z.literal('1').optional() }) } }, async (request, reply) => {
    signedIn(request);
    const notice = request.query.fait ? viewContext(request, reply).t('eservices.file.decided') : undefined;
    return showFile(request, reply, request.params.id, emptyForm, 200, notice);
  });

  r.post('/agent/services-en-ligne/:id/accepter', { schema: { params: fileParams } }, async (request, reply) => {
    signedIn(request);
    parseForm(z.object({}), request.body);
    await decideEnrolment(db, request.ctx, settings, request.params.id, { outcome: 'accept' });
    app.outbox.nudge();
    return reply.redirect(`/agent/services-en-ligne/${request.params.id}?fait=1`, 303);
  });

  const refuseForm = z.object({ reason: requiredText('eservices.file.reason.required', 2000) });
  r.post('/agent/services-en-ligne/:id/refuser', { schema: { params: fileParams } }, async (request, reply) => {
    signedIn(request);
    const form = parseForm(refuseForm, request.body);
    if (!form.ok) return showFile(request, reply, request.params.id, form, 400);
    await decideEnrolment(db, request.ctx, settings, request.params.id, { outcome: 'refuse', reason: form.data.reason });
    app.outbox.nudge();
    return reply.redirect(`/agent/services-en-ligne/${request.params.id}?fait=1`, 303);
  });

  // --- Rights ---------------------------------------------------------------------------------
  const rightsQuery = z.object({
    service: z.enum(eservices).optional(),
    page: z.coerce.number().int().min(1).max(10_000).optional(),
    accordes: z.coerce.number().int().min(0).optional(),
    retires: z.coerce.number().int().min(0).optional(),
  });
  r.get('/entreprise/droits', { schema: { querystring: rightsQuery } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const { service, page, accordes, retires } = request.query;
    const matrix = await rightsMatrix(db, request.ctx, enterpriseId, { eservice: service, page });
    const v = viewContext(request, reply);
    const notice = accordes !== undefined && retires !== undefined ? v.t('rights.saved', { granted: accordes, revoked: retires }) : undefined;
    return sendPage(reply, v, { title: v.t('rights.title') }, <RightsPage v={v} matrix={matrix} notice={notice} />);
  });

  r.post('/entreprise/droits', async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    await authorize(db, request.ctx.actor, accessActions.manageRights, { enterpriseId });
    const submitted = submittedRights(request.body);
    const saved = await saveRights(db, request.ctx, enterpriseId, submitted.desired, submitted.eservice);
    return reply.redirect(`${rightsPageHref(submitted.eservice, submitted.page)}&accordes=${saved.granted}&retires=${saved.revoked}`, 303);
  });

  r.get('/entreprise/mes-droits', { schema: { querystring: z.object({ fait: z.literal('rse').optional() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const own = await myRights(db, request.ctx);
    const v = viewContext(request, reply);
    const notice = request.query.fait === 'rse' ? v.t('rights.mine.nowUser') : undefined;
    return sendPage(reply, v, { title: v.t('rights.mine.title') }, <MyRightsPage v={v} own={own} notice={notice} />);
  });
}
