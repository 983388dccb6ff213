import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError, FieldValidationError } from '../../platform/errors.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { recognitionHistory, todayInQuebec } from '../childcare/service.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { admissionsToConfirm, childrenOfRsge, confirmAdmission, dueBackSoon, remindNotAdhered, rsgeOfBc, type ReminderResult } from './bc.js';
import { allowedChanges, changeRecognition, rsgeRecord, updateRsgeRecord } from './rsge-registry.js';
import { BC_HREF, BcRsgePage, ConfirmAdmissionsPage, RecognitionFormPage, RecordFormPage, ReminderConfirmPage, RsgePage } from './views/bc.js';

/** The BC's workspace routes; the authorization test enumerates them. */
export const bcRoutes = [
  'GET /entreprise/bc',
  'GET /entreprise/bc/rappel',
  'POST /entreprise/bc/rappel',
  'GET /entreprise/bc/admissions',
  'POST /entreprise/bc/admissions/:admissionId/confirmer',
  'GET /entreprise/bc/rsge/:siteId',
  'GET /entreprise/bc/rsge/:siteId/dossier',
  'POST /entreprise/bc/rsge/:siteId/dossier',
  'GET /entreprise/bc/rsge/:siteId/reconnaissance',
  'POST /entreprise/bc/rsge/:siteId/reconnaissance',
] as const;

const count = z.coerce.number().int().min(0).max(100_000).optional();
/** The reminder's result comes back in the address of the page that shows it (counts only). */
const listQuery = z.object({ envoyes: count, sansAdresse: count, deja: count });
/** The search: read as text; an RSGE that is not the BC's finds nothing. */
const confirmQuery = z.object({ rsge: z.string().max(50).optional(), enfant: z.string().max(100).optional(), fait: z.literal('confirmee').optional() });

export function registerBc(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const settings = { publicUrl: app.config.publicUrl };

  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: ComponentChildren, deeper: boolean, status = 200) => {
    const v: ViewContext = viewContext(request, reply);
    const crumbs = [{ href: '/entreprise', label: v.t('workspace.title') }, ...(deeper ? [{ href: BC_HREF, label: v.t('portal.bcSpace.title') }] : [])];
    return sendPage(reply, v, { title, status, breadcrumbs: crumbs }, body);
  };

  r.get(BC_HREF, { schema: { querystring: listQuery } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const [rows, dueBack] = await Promise.all([rsgeOfBc(db, request.ctx, enterpriseId), dueBackSoon(db, request.ctx, enterpriseId, todayInQuebec())]);
    const q = request.query;
    const reminded: ReminderResult | null = q.envoyes === undefined ? null : { mailed: q.envoyes, withoutAddress: q.sansAdresse ?? 0, alreadyToday: q.deja ?? 0 };
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.bcSpace.title'), <BcRsgePage v={v} rows={rows} reminded={reminded} dueBack={dueBack} />, false);
  });

  r.get(`${BC_HREF}/rappel`, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const rows = await rsgeOfBc(db, request.ctx, enterpriseId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.bcSpace.remind.title'), <ReminderConfirmPage v={v} count={rows.filter((row) => !row.adhered).length} />, true);
  });

  r.post(`${BC_HREF}/rappel`, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    parseForm(z.object({}), request.body);
    const result = await remindNotAdhered(db, request.ctx, enterpriseId, settings);
    app.outbox.nudge();
    return reply.redirect(`${BC_HREF}?envoyes=${result.mailed}&sansAdresse=${result.withoutAddress}&deja=${result.alreadyToday}`, 303);
  });

  r.get(`${BC_HREF}/admissions`, { schema: { querystring: confirmQuery } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const rsge = await rsgeOfBc(db, request.ctx, enterpriseId);
    const siteId = rsge.some((row) => row.siteId === request.query.rsge) ? request.query.rsge : undefined;
    const { found, more } = await admissionsToConfirm(db, request.ctx, enterpriseId, { siteId, childName: request.query.enfant });
    const v = viewContext(request, reply);
    const query = { rsge: siteId ?? '', enfant: request.query.enfant ?? '' };
    return page(request, reply, v.t('portal.bcSpace.confirm.title'), <ConfirmAdmissionsPage v={v} rsge={rsge} query={query} found={found} more={more} done={request.query.fait === 'confirmee'} />, true);
  });

  r.post(`${BC_HREF}/admissions/:admissionId/confirmer`, { schema: { params: z.object({ admissionId: z.uuid() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(z.object({}), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    await confirmAdmission(db, request.ctx, request.params.admissionId, settings);
    app.outbox.nudge();
    return reply.redirect(`${BC_HREF}/admissions?fait=confirmee`, 303);
  });

  const siteParams = z.object({ siteId: z.uuid() });

  r.get(`${BC_HREF}/rsge/:siteId`, { schema: { params: siteParams, querystring: z.object({ fait: z.enum(['dossier', 'reconnaissance']).optional() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { site, rows } = await childrenOfRsge(db, request.ctx, request.params.siteId);
    const history = await recognitionHistory(db, site.id);
    const v = viewContext(request, reply);
    return page(request, reply, `${site.name} (${site.number})`, <RsgePage v={v} site={site} history={history} rows={rows} notice={request.query.fait ?? null} />, true);
  });

  // --- The Registre des RSGE -------------------------------------------------------------------------
  const recordForm = z.object({ name: z.string(), address: z.string(), municipality: z.string(), postalCode: z.string(), email: z.string(), phone: z.string(), placesTotal: z.string(), placesUnder18Months: z.string() });

  async function showRecord(request: FastifyRequest, reply: FastifyReply, siteId: string, form: FormState | null, status = 200) {
    const { site } = await rsgeRecord(db, request.ctx, siteId);
    const v = viewContext(request, reply);
    const values = form?.values ?? { name: site.name, address: site.address, municipality: site.municipality, postalCode: site.postalCode, email: site.contactEmail ?? '', phone: site.contactPhone ?? '', placesTotal: String(site.placesTotal ?? ''), placesUnder18Months: String(site.placesUnder18Months ?? '') };
    return page(request, reply, v.t('portal.registry.title'), <RecordFormPage v={v} site={site} form={{ values, errors: form?.errors ?? {} }} />, true, status);
  }

  r.get(`${BC_HREF}/rsge/:siteId/dossier`, { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showRecord(request, reply, request.params.siteId, null);
  });

  r.post(`${BC_HREF}/rsge/:siteId/dossier`, { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(recordForm.partial(), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const d = form.data;
    try {
      await updateRsgeRecord(db, request.ctx, request.params.siteId, { name: d.name ?? '', address: d.address ?? '', municipality: d.municipality ?? '', postalCode: d.postalCode ?? '', email: d.email ?? '', phone: d.phone ?? '', placesTotal: d.placesTotal ?? '', placesUnder18Months: d.placesUnder18Months ?? '' });
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showRecord(request, reply, request.params.siteId, { values: form.values, errors: error.fields }, 400);
    }
    return reply.redirect(`${BC_HREF}/rsge/${request.params.siteId}?fait=dossier`, 303);
  });

  const recognitionForm = z.object({ status: z.string(), effectiveDate: z.string(), plannedReturn: z.string(), showDaysBefore: z.string(), reason: z.string() }).partial();

  async function showRecognition(request: FastifyRequest, reply: FastifyReply, siteId: string, form: FormState, problem: string | null, status = 200) {
    const { site } = await rsgeRecord(db, request.ctx, siteId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.registry.recognition.title'), <RecognitionFormPage v={v} site={site} allowed={allowedChanges(site.recognitionStatus)} form={form} problem={problem} />, true, status);
  }

  r.get(`${BC_HREF}/rsge/:siteId/reconnaissance`, { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showRecognition(request, reply, request.params.siteId, { values: { effectiveDate: todayInQuebec() }, errors: {} }, null);
  });

  r.post(`${BC_HREF}/rsge/:siteId/reconnaissance`, { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const form = parseForm(recognitionForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const d = form.data;
    try {
      await changeRecognition(db, request.ctx, request.params.siteId, { status: d.status ?? '', effectiveDate: d.effectiveDate ?? '', plannedReturn: d.plannedReturn ?? '', showDaysBefore: d.showDaysBefore ?? '', reason: d.reason ?? '' });
    } catch (error) {
      if (error instanceof FieldValidationError) return showRecognition(request, reply, request.params.siteId, { values: form.values, errors: error.fields }, null, 400);
      if (error instanceof AppError && error.status === 409) return showRecognition(request, reply, request.params.siteId, { values: form.values, errors: {} }, viewContext(request, reply).t(error.messageKey), 409);
      throw error;
    }
    return reply.redirect(`${BC_HREF}/rsge/${request.params.siteId}?fait=reconnaissance`, 303);
  });
}
