import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, FieldValidationError, ForbiddenError } from '../../platform/errors.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm, type FormValues } from '../../platform/http/forms.js';
import { sendPage, sendPdf, viewContext } from '../../platform/http/render.js';
import { isIsoDate } from '../../platform/time/index.js';
import { todayInQuebec } from '../childcare/service.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { agreementPdf } from './agreement-pdf.js';
import { agreementFormFor, agreementOf, agreementSites, agreementsOf, changeAgreement, endAgreement, recordAgreement, type AgreementView, type TermsInput } from './agreements.js';
import { AgreementListPage, AgreementPage, AGREEMENTS_HREF, ChangeAgreementPage, EndAgreementPage, RecordAgreementPage, type AgreementListQuery, type AgreementNotice } from './views/agreements.js';

/** The GES routes (« Gestion des ententes de services »); the authorization test enumerates them. */
export const agreementRoutes = [
  'GET /entreprise/ententes',
  'GET /entreprise/ententes/nouvelle/:admissionId',
  'POST /entreprise/ententes/nouvelle/:admissionId',
  'GET /entreprise/ententes/:agreementId',
  'GET /entreprise/ententes/:agreementId/pdf',
  'GET /entreprise/ententes/:agreementId/modifier',
  'POST /entreprise/ententes/:agreementId/modifier',
  'GET /entreprise/ententes/:agreementId/cessation',
  'POST /entreprise/ententes/:agreementId/cessation',
] as const;

const list = z.array(z.string());
/** Forms carry no rule of their own: the service's rules give the field errors, after the actor's right is checked. */
const termsForm = z.object({ startDate: z.string(), days: list, periods: list, contribution: z.string(), dailyRate: z.string(), signedOn: z.string(), version: z.string(), changeReason: z.string() }).partial();
const cessationForm = z.object({ endDate: z.string(), reason: z.string(), details: z.string(), version: z.string() }).partial();
/** The lists' filters, read as text: a bad date is ignored with a message, never an error page. */
const listQuery = z.object({ etat: z.enum(['active', 'terminee']).catch('active'), milieu: z.string().max(50).optional(), enfant: z.string().max(100).optional(), debutDu: z.string().max(20).optional(), debutAu: z.string().max(20).optional() });
const noticeQuery = z.object({ fait: z.enum(['recorded', 'changed', 'ended']).optional() });

function termsInput(data: z.infer<typeof termsForm>): TermsInput {
  return { startDate: (data.startDate ?? '').trim(), days: data.days ?? [], periods: data.periods ?? [], contribution: data.contribution ?? '', dailyRate: data.dailyRate ?? '', signedOn: (data.signedOn ?? '').trim() };
}

function versionOf(text: string | undefined): number {
  const version = Number(text);
  return Number.isInteger(version) && version >= 1 ? version : 0;
}

function termsValues(view: AgreementView): FormValues {
  const { current } = view;
  return {
    startDate: current.startDate,
    days: current.days.join(','),
    periods: current.periods.join(','),
    contribution: current.contribution,
    dailyRate: current.dailyRateCents === null ? '' : (current.dailyRateCents / 100).toFixed(2),
    signedOn: current.signedOn,
  };
}

export function registerAgreements(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const settings = { publicUrl: app.config.publicUrl };

  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: ComponentChildren, status = 200) => {
    const v = viewContext(request, reply);
    const breadcrumbs = [
      { href: '/entreprise', label: v.t('workspace.title') },
      { href: AGREEMENTS_HREF, label: v.t('portal.agreement.list.title') },
    ];
    return sendPage(reply, v, { title, status, breadcrumbs }, body);
  };

  /** A refusal of the service (409) shown on the form, with what was typed kept. */
  const conflictMessage = (request: FastifyRequest, reply: FastifyReply, error: unknown): string | null => (error instanceof AppError && error.status === 409 ? viewContext(request, reply).t(error.messageKey, error.params) : null);

  r.get(AGREEMENTS_HREF, { schema: { querystring: listQuery } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const q = request.query;
    const sites = await agreementSites(db, request.ctx, enterpriseId);
    const siteId = sites.some((s) => s.id === q.milieu) ? q.milieu : undefined;
    const dates = [q.debutDu, q.debutAu].map((d) => d?.trim() ?? '');
    const badDate = dates.some((d) => d !== '' && !isIsoDate(d));
    const [startFrom, startTo] = dates.map((d) => (isIsoDate(d) ? d : undefined));
    const { rows, more } = await agreementsOf(db, request.ctx, enterpriseId, { state: q.etat === 'terminee' ? 'ended' : 'active', siteId, childName: q.enfant, startFrom, startTo });
    const v = viewContext(request, reply);
    const query: AgreementListQuery = { etat: q.etat, milieu: siteId ?? '', enfant: q.enfant ?? '', debutDu: startFrom ?? '', debutAu: startTo ?? '' };
    const options = sites.map((s) => ({ id: s.id, label: `${s.name} (${s.number})` }));
    return page(request, reply, v.t('portal.agreement.list.title'), <AgreementListPage v={v} sites={options} query={query} rows={rows} more={more} problem={badDate ? v.t('portal.agreement.list.badFilter') : null} />);
  });

  const admissionParams = z.object({ admissionId: z.uuid() });

  async function showRecord(request: FastifyRequest, reply: FastifyReply, admissionId: string, form: FormState, problem: string | null, status = 200) {
    const { site, admission, child } = await agreementFormFor(db, request.ctx, admissionId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.agreement.record.title'), <RecordAgreementPage v={v} admissionId={admissionId} child={child} site={site} plannedStart={admission.plannedStart} form={form} problem={problem} />, status);
  }

  r.get(`${AGREEMENTS_HREF}/nouvelle/:admissionId`, { schema: { params: admissionParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { admission } = await agreementFormFor(db, request.ctx, request.params.admissionId);
    const values = { startDate: admission.plannedStart, days: 'mon,tue,wed,thu,fri', periods: 'full_time', contribution: 'reduced', signedOn: todayInQuebec() };
    return showRecord(request, reply, request.params.admissionId, { values, errors: {} }, null);
  });

  r.post(`${AGREEMENTS_HREF}/nouvelle/:admissionId`, { schema: { params: admissionParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(termsForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      const agreement = await recordAgreement(db, request.ctx, request.params.admissionId, termsInput(form.data), settings);
      app.outbox.nudge();
      return reply.redirect(`${AGREEMENTS_HREF}/${agreement.id}?fait=recorded`, 303);
    } catch (error) {
      if (error instanceof FieldValidationError) return showRecord(request, reply, request.params.admissionId, { values: form.values, errors: error.fields }, null, 400);
      const problem = conflictMessage(request, reply, error);
      if (problem) return showRecord(request, reply, request.params.admissionId, { values: form.values, errors: {} }, problem, 409);
      throw error;
    }
  });

  const agreementParams = z.object({ agreementId: z.uuid() });

  r.get(`${AGREEMENTS_HREF}/:agreementId`, { schema: { params: agreementParams, querystring: noticeQuery } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const view = await agreementOf(db, request.ctx, request.params.agreementId);
    const v = viewContext(request, reply);
    const notice: AgreementNotice | null = request.query.fait ?? null;
    return page(request, reply, v.t('portal.agreement.title'), <AgreementPage v={v} view={view} notice={notice} />);
  });

  r.get(`${AGREEMENTS_HREF}/:agreementId/pdf`, { schema: { params: agreementParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const view = await agreementOf(db, request.ctx, request.params.agreementId);
    return sendPdf(reply, `entente-${view.child.registrationNumber}-v${view.agreement.version}.pdf`, await agreementPdf(view, request.ctx.lang));
  });

  /** The change and cessation forms are for those who record the agreement, not for an RSGE that only reads it. */
  async function recordableView(request: FastifyRequest): Promise<AgreementView> {
    const view = await agreementOf(db, request.ctx, (request.params as { agreementId: string }).agreementId);
    if (!view.canRecord) throw new ForbiddenError();
    return view;
  }

  async function showChange(request: FastifyRequest, reply: FastifyReply, form: FormState | null, problem: string | null, status = 200) {
    const view = await recordableView(request);
    const v = viewContext(request, reply);
    // After a conflict the form is drawn again from the current version, as the message says.
    const shown = form ?? { values: termsValues(view), errors: {} };
    return page(request, reply, v.t('portal.agreement.change.title'), <ChangeAgreementPage v={v} view={view} form={shown} problem={problem} />, status);
  }

  r.get(`${AGREEMENTS_HREF}/:agreementId/modifier`, { schema: { params: agreementParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showChange(request, reply, null, null);
  });

  r.post(`${AGREEMENTS_HREF}/:agreementId/modifier`, { schema: { params: agreementParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(termsForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      await changeAgreement(db, request.ctx, request.params.agreementId, { ...termsInput(form.data), version: versionOf(form.data.version), changeReason: form.data.changeReason ?? '' }, settings);
      app.outbox.nudge();
      return reply.redirect(`${AGREEMENTS_HREF}/${request.params.agreementId}?fait=changed`, 303);
    } catch (error) {
      if (error instanceof FieldValidationError) return showChange(request, reply, { values: form.values, errors: error.fields }, null, 400);
      const problem = conflictMessage(request, reply, error);
      if (problem) return showChange(request, reply, null, problem, 409);
      throw error;
    }
  });

  async function showEnd(request: FastifyRequest, reply: FastifyReply, form: FormState, problem: string | null, status = 200) {
    const view = await recordableView(request);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.agreement.end.title'), <EndAgreementPage v={v} view={view} form={form} problem={problem} />, status);
  }

  r.get(`${AGREEMENTS_HREF}/:agreementId/cessation`, { schema: { params: agreementParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showEnd(request, reply, { values: { endDate: todayInQuebec() }, errors: {} }, null);
  });

  r.post(`${AGREEMENTS_HREF}/:agreementId/cessation`, { schema: { params: agreementParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(cessationForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const d = form.data;
    try {
      await endAgreement(db, request.ctx, request.params.agreementId, versionOf(d.version), { endDate: (d.endDate ?? '').trim(), reason: d.reason ?? '', details: d.details ?? '' }, settings);
      app.outbox.nudge();
      return reply.redirect(`${AGREEMENTS_HREF}/${request.params.agreementId}?fait=ended`, 303);
    } catch (error) {
      if (error instanceof FieldValidationError) return showEnd(request, reply, { values: form.values, errors: error.fields }, null, 400);
      const problem = conflictMessage(request, reply, error);
      if (problem) return showEnd(request, reply, { values: form.values, errors: {} }, problem, 409);
      throw error;
    }
  });
}
