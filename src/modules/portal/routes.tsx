import { registerMapRoutes } from './routes-map.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, FieldValidationError } from '../../platform/errors.js';
import type { FormState } from '../../platform/http/components.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { missingForPublication, openSheet, publishSheet, saveSheet, sheetsOfEnterprise, StaleSheetError, unpublishSheet, type SheetPage } from './service.js';
import { registerAdmissions } from './routes-admissions.js';
import { registerAgreements } from './routes-agreements.js';
import { registerBc } from './routes-bc.js';
import { registerMessaging } from './routes-messaging.js';
import { criteriaRoutes, registerCriteria } from './routes-criteria.js';
import { registerFamilies } from './routes-families.js';
import { ConfirmPage, doneNotices, sheetHref, SheetEditPage, SheetListPage, sheetValues, type DoneNotice, type SheetNotice } from './views/sheet.js';

/** Every route registered here (the authorization test enumerates them). */
export const portalRoutes = [
  'GET /entreprise/fiches',
  'GET /entreprise/fiches/:siteId',
  'POST /entreprise/fiches/:siteId',
  'GET /entreprise/fiches/:siteId/publier',
  'POST /entreprise/fiches/:siteId/publier',
  'GET /entreprise/fiches/:siteId/retirer',
  'POST /entreprise/fiches/:siteId/retirer',
  ...criteriaRoutes,
] as const;

const siteParams = z.object({ siteId: z.uuid() });
const doneQuery = z.object({ fait: z.enum(Object.keys(doneNotices) as [DoneNotice, ...DoneNotice[]]).optional() });

const list = z.array(z.string());
/**
 * The sheet form: every field optional as a browser sends it (no box checked sends nothing), with
 * no rule of its own: the rules are the service's (`validateSheet`), applied after the actor's
 * right is checked, so that every bad value is a field error with the values kept.
 */
const sheetForm = z.object({
  version: z.string().optional(),
  groupComposition: z.string().optional(),
  dailyRate: z.string().optional(),
  rateDetails: z.string().optional(),
  openingDays: list.optional(),
  opensAt: z.string().optional(),
  closesAt: z.string().optional(),
  carePeriods: list.optional(),
  presentation: z.string().optional(),
  languages: list.optional(),
  otherLanguages: z.string().optional(),
  publicSections: list.optional(),
});

export function registerPortal(app: FastifyInstance): void {
  registerFamilies(app);
  registerAdmissions(app);
  registerBc(app);
  registerAgreements(app);
  registerMessaging(app);
  registerCriteria(app);
  registerMapRoutes(app, app.geocoder);
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const crumbs = (v: ViewContext) => [
    { href: '/entreprise', label: v.t('workspace.title') },
    { href: '/entreprise/fiches', label: v.t('portal.sheets.title') },
  ];

  function showSheet(request: FastifyRequest, reply: FastifyReply, page: SheetPage, form: FormState, notice: SheetNotice | undefined, status = 200) {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.sheet.title'), status, breadcrumbs: crumbs(v) }, <SheetEditPage v={v} page={page} form={form} notice={notice} />);
  }

  // Each handler starts with actorEnterpriseId: anonymous visitors go to sign-in, accounts of no
  // enterprise are refused; the service functions then check « Gérer la fiche » on the site.
  r.get('/entreprise/fiches', async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const sheets = await sheetsOfEnterprise(db, request.ctx, enterpriseId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('portal.sheets.title'), breadcrumbs: crumbs(v).slice(0, 1) }, <SheetListPage v={v} sheets={sheets} />);
  });

  // The first visit is the adhesion (openSheet records it): a page a provider opens, as the seed says.
  r.get('/entreprise/fiches/:siteId', { schema: { params: siteParams, querystring: doneQuery } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const page = await openSheet(db, request.ctx, request.params.siteId);
    const done = request.query.fait;
    const notice: SheetNotice | undefined = done ? { kind: 'success', key: done === 'enregistree' && page.sheet.publishedAt ? 'portal.sheet.savedPublished' : doneNotices[done] } : undefined;
    return showSheet(request, reply, page, { values: sheetValues(page.sheet), errors: {} }, notice);
  });

  r.post('/entreprise/fiches/:siteId', { schema: { params: siteParams } }, async (request, reply) => {
    await actorEnterpriseId(request);
    const { siteId } = request.params;
    const form = parseForm(sheetForm, request.body);
    // Only a body no page of ours sends fails here (parseForm's structure pass throws first).
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    const { data } = form;
    const version = Number(data.version ?? '');
    try {
      await saveSheet(db, request.ctx, siteId, {
        // A version that is not a number matches no sheet: refused as stale, never saved over.
        version: Number.isInteger(version) ? version : 0,
        groupComposition: data.groupComposition ?? '',
        dailyRate: data.dailyRate ?? '',
        rateDetails: data.rateDetails ?? '',
        openingDays: data.openingDays ?? [],
        opensAt: data.opensAt ?? '',
        closesAt: data.closesAt ?? '',
        carePeriods: data.carePeriods ?? [],
        presentation: data.presentation ?? '',
        languages: data.languages ?? [],
        otherLanguages: data.otherLanguages ?? '',
        publicSections: data.publicSections ?? [],
      });
      return reply.redirect(`${sheetHref(siteId)}?fait=enregistree`, 303);
    } catch (error) {
      if (error instanceof FieldValidationError) {
        const page = await openSheet(db, request.ctx, siteId);
        return showSheet(request, reply, page, { values: form.values, errors: error.fields }, undefined, 400);
      }
      if (error instanceof StaleSheetError) {
        // Nothing merged: the page shows the sheet as saved elsewhere, with the version to save over it.
        const page = await openSheet(db, request.ctx, siteId);
        return showSheet(request, reply, page, { values: sheetValues(page.sheet), errors: {} }, { kind: 'error', key: 'portal.sheet.stale' }, 409);
      }
      throw error;
    }
  });

  for (const what of ['publish', 'unpublish'] as const) {
    const path = `/entreprise/fiches/:siteId/${what === 'publish' ? 'publier' : 'retirer'}`;
    const title = what === 'publish' ? 'portal.publish.title' : 'portal.unpublish.title';

    r.get(path, { schema: { params: siteParams } }, async (request, reply) => {
      await actorEnterpriseId(request);
      const page = await openSheet(db, request.ctx, request.params.siteId);
      const already = what === 'publish' ? page.sheet.publishedAt !== null : page.sheet.publishedAt === null;
      if (already) return reply.redirect(sheetHref(page.site.id), 303);
      const v = viewContext(request, reply);
      const missing = what === 'publish' ? missingForPublication(page.sheet) : [];
      return sendPage(reply, v, { title: v.t(title), breadcrumbs: crumbs(v) }, <ConfirmPage v={v} site={page.site} what={what} missing={missing} />);
    });

    r.post(path, { schema: { params: siteParams } }, async (request, reply) => {
      await actorEnterpriseId(request);
      const { siteId } = request.params;
      if (what === 'publish') await publishSheet(db, request.ctx, siteId);
      else await unpublishSheet(db, request.ctx, siteId);
      return reply.redirect(`${sheetHref(siteId)}?fait=${what === 'publish' ? 'publiee' : 'retiree'}`, 303);
    });
  }
}
