import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { emailField, parseForm, requiredText } from '../../platform/http/forms.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { addMember, deactivateMember, listMembers, membershipOf, transferRse } from './members.js';
import type { EnterpriseSettings } from './service.js';
import { MemberAddedPage, MembersPage, TransferPage } from './views/members.js';

/**
 * The enterprise of the signed-in enterprise account; anonymous visitors go to sign-in, accounts
 * of no enterprise are refused. The service functions check the RSE's right themselves.
 */
export async function actorEnterpriseId(request: FastifyRequest, reply: FastifyReply): Promise<string | null> {
  const actor = request.ctx.actor;
  if (actor.type !== 'account') {
    void reply.redirect(`/connexion?retour=${encodeURIComponent(request.url)}`, 303);
    return null;
  }
  const m = actor.accountKind === 'enterprise' ? await membershipOf(request.server.db, actor.accountId) : null;
  if (!m) throw new ForbiddenError();
  return m.enterpriseId;
}

export function registerEnterpriseMembers(app: FastifyInstance): void {
  const settings: EnterpriseSettings = { secret: app.config.secret, publicUrl: app.config.publicUrl, failureDelayMs: app.config.AUTH_FAILURE_DELAY_MS };
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const crumbs = (v: ReturnType<typeof viewContext>) => [{ href: '/entreprise/utilisateurs', label: v.t('members.title') }];

  async function showList(request: FastifyRequest, reply: FastifyReply, enterpriseId: string, form: FormState, status = 200, notice?: string) {
    const members = await listMembers(db, request.ctx, enterpriseId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('members.title'), status }, <MembersPage v={v} members={members} form={form} notice={notice} />);
  }

  r.get('/entreprise/utilisateurs', { schema: { querystring: z.object({ fait: z.enum(['desactive', 'rse']).optional() }) } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const t = viewContext(request, reply).t;
    const notice = request.query.fait === 'desactive' ? t('members.deactivated') : undefined;
    return showList(request, reply, enterpriseId, emptyForm, 200, notice);
  });

  const addForm = z.object({
    firstName: requiredText('person.firstName.required', 100),
    lastName: requiredText('person.lastName.required', 100),
    email: emailField,
  });
  r.post('/entreprise/utilisateurs', async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const form = parseForm(addForm, request.body);
    if (!form.ok) {
      // The right is checked before the form is shown again.
      return showList(request, reply, enterpriseId, form, 400);
    }
    const added = await addMember(db, request.ctx, settings, enterpriseId, form.data);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('members.added.pageTitle'), breadcrumbs: crumbs(v) }, <MemberAddedPage v={v} added={added} />);
  });

  const memberParams = z.object({ accountId: z.uuid() });
  r.post('/entreprise/utilisateurs/:accountId/desactiver', { schema: { params: memberParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    parseForm(z.object({}), request.body);
    await deactivateMember(db, request.ctx, enterpriseId, request.params.accountId);
    return reply.redirect('/entreprise/utilisateurs?fait=desactive', 303);
  });

  r.get('/entreprise/utilisateurs/:accountId/rse', { schema: { params: memberParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const member = (await listMembers(db, request.ctx, enterpriseId)).find((m) => m.accountId === request.params.accountId && m.active && m.role === 'user');
    if (!member) throw new NotFoundError();
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('members.transfer.title'), breadcrumbs: crumbs(v) }, <TransferPage v={v} member={member} />);
  });

  r.post('/entreprise/utilisateurs/:accountId/rse', { schema: { params: memberParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request, reply);
    if (!enterpriseId) return reply;
    const form = parseForm(z.object({ confirm: z.literal('oui') }), request.body);
    if (!form.ok) return reply.redirect(`/entreprise/utilisateurs/${request.params.accountId}/rse`, 303);
    await transferRse(db, request.ctx, enterpriseId, request.params.accountId);
    return reply.redirect('/entreprise/mes-droits?fait=rse', 303);
  });
}
