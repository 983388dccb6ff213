import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, FieldValidationError } from '../../platform/errors.js';
import { signedIn } from '../../platform/http/guards.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { addCriterion, criteriaList, criteriaSettings, publishCriteria, retireCriterion, type CriteriaSettings } from './criteria.js';
import { criteriaValues, CriteriaListPage, CriteriaSettingsPage, positionFields } from './views/criteria.js';
import { sheetHref } from './views/sheet.js';

/** The provider's criteria routes, under its sheet's (the authorization test of /entreprise/fiches enumerates them). */
export const criteriaRoutes = ['GET /entreprise/fiches/:siteId/criteres', 'POST /entreprise/fiches/:siteId/criteres'] as const;

/** The agents' routes of the ministry's list. */
export const criteriaAgentRoutes = ['GET /agent/criteres', 'POST /agent/criteres', 'POST /agent/criteres/:criterionId/retirer'] as const;

const siteParams = z.object({ siteId: z.uuid() });
const positionsForm = z.object(Object.fromEntries(positionFields.map((name) => [name, z.string().optional()])) as Record<string, z.ZodOptional<z.ZodString>>);
const criterionForm = z.object({ code: z.string().optional(), labelFr: z.string().optional(), labelEn: z.string().optional() });
const listQuery = z.object({ fait: z.enum(['added', 'retired']).optional() });

export function registerCriteria(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();

  // --- The provider's published criteria ------------------------------------------------------
  const crumbs = (v: ViewContext, siteId: string) => [
    { href: '/entreprise', label: v.t('workspace.title') },
    { href: '/entreprise/fiches', label: v.t('portal.sheets.title') },
    { href: sheetHref(siteId), label: v.t('portal.sheet.title') },
  ];

  function showSettings(request: FastifyRequest, reply: FastifyReply, settings: CriteriaSettings, form: FormState | null, published: boolean, status = 200) {
    const siteId = settings.site.id;
    const v = viewContext(request, reply);
    const state = form ?? { values: criteriaValues(settings.published), errors: {} };
    return sendPage(reply, v, { title: v.t('portal.criteria.title'), status, breadcrumbs: crumbs(v, siteId) }, <CriteriaSettingsPage v={v} settings={settings} form={state} published={published} />);
  }

  r.get('/entreprise/fiches/:siteId/criteres', { schema: { params: siteParams, querystring: z.object({ fait: z.literal('1').optional() }) } }, async (request, reply) => {
    await actorEnterpriseId(request);
    return showSettings(request, reply, await criteriaSettings(db, request.ctx, request.params.siteId), null, request.query.fait === '1');
  });

  r.post('/entreprise/fiches/:siteId/criteres', { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { siteId } = request.params;
    // The right first (and the page to show again): a refused actor learns nothing from the form's checks.
    const settings = await criteriaSettings(db, request.ctx, siteId);
    const form = parseForm(positionsForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    // The positions in order, empty selects left out: the list closes its gaps.
    const chosen = positionFields.map((name) => form.data[name] ?? '').filter((id) => id !== '');
    try {
      await publishCriteria(db, request.ctx, siteId, chosen);
      return reply.redirect(`${sheetHref(siteId)}/criteres?fait=1`, 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showSettings(request, reply, settings, { values: form.values, errors: error.fields }, false, 400);
    }
  });

  // --- The ministry's list (agents) --------------------------------------------------------------

  async function showList(request: FastifyRequest, reply: FastifyReply, form: FormState, notice: 'added' | 'retired' | undefined, status = 200) {
    const criteria = await criteriaList(db, request.ctx);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.criteria.list.title'), status, breadcrumbs: [{ href: '/agent', label: v.t('agentHome.title') }] }, (
      <CriteriaListPage v={v} criteria={criteria} form={form} notice={notice} />
    ));
  }

  r.get('/agent/criteres', { schema: { querystring: listQuery } }, async (request, reply) => {
    signedIn(request);
    return showList(request, reply, { values: {}, errors: {} }, request.query.fait);
  });

  r.post('/agent/criteres', async (request, reply) => {
    signedIn(request);
    const form = parseForm(criterionForm, request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    try {
      await addCriterion(db, request.ctx, { code: form.data.code ?? '', labelFr: form.data.labelFr ?? '', labelEn: form.data.labelEn ?? '' });
      return reply.redirect('/agent/criteres?fait=added', 303);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showList(request, reply, { values: form.values, errors: error.fields }, undefined, 400);
    }
  });

  r.post('/agent/criteres/:criterionId/retirer', { schema: { params: z.object({ criterionId: z.uuid() }) } }, async (request, reply) => {
    signedIn(request);
    parseForm(z.object({}), request.body);
    await retireCriterion(db, request.ctx, request.params.criterionId);
    return reply.redirect('/agent/criteres?fait=retired', 303);
  });
}
