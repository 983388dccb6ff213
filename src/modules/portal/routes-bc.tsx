import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { actorEnterpriseId } from '../enterprises/members-routes.js';
import { admissionsToConfirm, childrenOfRsge, confirmAdmission, remindNotAdhered, rsgeOfBc, type ReminderResult } from './bc.js';
import { BC_HREF, BcRsgePage, ConfirmAdmissionsPage, ReminderConfirmPage, RsgeChildrenPage } from './views/bc.js';

/** The BC's workspace routes; the authorization test enumerates them. */
export const bcRoutes = [
  'GET /entreprise/bc',
  'GET /entreprise/bc/rappel',
  'POST /entreprise/bc/rappel',
  'GET /entreprise/bc/admissions',
  'POST /entreprise/bc/admissions/:admissionId/confirmer',
  'GET /entreprise/bc/rsge/:siteId',
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

  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: ComponentChildren, deeper: boolean) => {
    const v: ViewContext = viewContext(request, reply);
    const crumbs = [{ href: '/entreprise', label: v.t('workspace.title') }, ...(deeper ? [{ href: BC_HREF, label: v.t('portal.bcSpace.title') }] : [])];
    return sendPage(reply, v, { title, breadcrumbs: crumbs }, body);
  };

  r.get(BC_HREF, { schema: { querystring: listQuery } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const rows = await rsgeOfBc(db, request.ctx, enterpriseId);
    const q = request.query;
    const reminded: ReminderResult | null = q.envoyes === undefined ? null : { mailed: q.envoyes, withoutAddress: q.sansAdresse ?? 0, alreadyToday: q.deja ?? 0 };
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.bcSpace.title'), <BcRsgePage v={v} rows={rows} reminded={reminded} />, false);
  });

  r.get(`${BC_HREF}/rappel`, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const rows = await rsgeOfBc(db, request.ctx, enterpriseId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.bcSpace.remind.title'), <ReminderConfirmPage v={v} count={rows.filter((row) => !row.adhered).length} />, true);
  });

  r.post(`${BC_HREF}/rappel`, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    parseForm(z.object({}), request.body);
    const result = await remindNotAdhered(db, request.ctx, enterpriseId, settings);
    app.outbox.nudge();
    return reply.redirect(`${BC_HREF}?envoyes=${result.mailed}&sansAdresse=${result.withoutAddress}&deja=${result.alreadyToday}`, 303);
  });

  r.get(`${BC_HREF}/admissions`, { schema: { querystring: confirmQuery } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const rsge = await rsgeOfBc(db, request.ctx, enterpriseId);
    const siteId = rsge.some((row) => row.siteId === request.query.rsge) ? request.query.rsge : undefined;
    const found = await admissionsToConfirm(db, request.ctx, enterpriseId, { siteId, childName: request.query.enfant });
    const v = viewContext(request, reply);
    const query = { rsge: siteId ?? '', enfant: request.query.enfant ?? '' };
    return page(request, reply, v.t('portal.bcSpace.confirm.title'), <ConfirmAdmissionsPage v={v} rsge={rsge} query={query} found={found} done={request.query.fait === 'confirmee'} />, true);
  });

  r.post(`${BC_HREF}/admissions/:admissionId/confirmer`, { schema: { params: z.object({ admissionId: z.uuid() }) } }, async (request, reply) => {
    if (!(await actorEnterpriseId(request, reply))) return reply;
    const form = parseForm(z.object({}), request.body);
    if (!form.ok) throw new AppError(400, 'error.badRequest');
    await confirmAdmission(db, request.ctx, request.params.admissionId, settings);
    app.outbox.nudge();
    return reply.redirect(`${BC_HREF}/admissions?fait=confirmee`, 303);
  });

  r.get(`${BC_HREF}/rsge/:siteId`, { schema: { params: z.object({ siteId: z.uuid() }) } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const { site, rows } = await childrenOfRsge(db, request.ctx, enterpriseId, request.params.siteId);
    const v = viewContext(request, reply);
    return page(request, reply, v.t('portal.bcSpace.children.title', { rsge: site.name }), <RsgeChildrenPage v={v} site={site} rows={rows} />, true);
  });
}
