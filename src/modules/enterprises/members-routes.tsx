import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../platform/errors.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { submitForm } from '../../platform/http/form-route.js';
import { emailField, parseForm, requiredText } from '../../platform/http/forms.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/render.js';
import { actorEnterpriseId, addMember, deactivateMember, listMembers, transferRse } from './members.js';
import type { EnterpriseSettings } from './service.js';
import { MemberAddedPage, MembersPage, TransferPage } from './views/members.js';

const listQuery = z.object({ fait: z.enum(['desactive', 'rse']).optional() });
const addForm = z.object({
  firstName: requiredText('person.firstName.required', 100),
  lastName: requiredText('person.lastName.required', 100),
  email: emailField,
});
const memberParams = z.object({ accountId: z.uuid() });
type MemberRequest = FastifyRequest<{ Params: z.infer<typeof memberParams> }>;

const crumbs = (v: ViewContext) => [{ href: '/entreprise/utilisateurs', label: v.t('members.title') }];

function settingsOf(request: FastifyRequest): EnterpriseSettings {
  const config = request.server.config;
  return { secret: config.secret, publicUrl: config.publicUrl, failureDelayMs: config.AUTH_FAILURE_DELAY_MS };
}

async function showList(request: FastifyRequest, reply: FastifyReply, enterpriseId: string, form: FormState, status = 200, notice?: string) {
  const members = await listMembers(request.server.db, request.ctx, enterpriseId);
  const v = viewContext(request, reply);
  return sendPage(reply, v, { title: v.t('members.title'), status }, <MembersPage v={v} members={members} form={form} notice={notice} />);
}

async function membersPage(request: FastifyRequest<{ Querystring: z.infer<typeof listQuery> }>, reply: FastifyReply) {
  const enterpriseId = await actorEnterpriseId(request);
  const t = viewContext(request, reply).t;
  const notice = request.query.fait === 'desactive' ? t('members.deactivated') : undefined;
  return showList(request, reply, enterpriseId, emptyForm, 200, notice);
}

async function addMemberRoute(request: FastifyRequest, reply: FastifyReply) {
  const enterpriseId = await actorEnterpriseId(request);
  return submitForm(request.body, reply, {
    schema: addForm,
    act: (data) => addMember(request.server.db, request.ctx, settingsOf(request), enterpriseId, data),
    // The right is checked before the form is shown again.
    show: (form, status) => showList(request, reply, enterpriseId, form, status),
    done: (added) => {
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t('members.added.pageTitle'), breadcrumbs: crumbs(v) }, <MemberAddedPage v={v} added={added} />);
    },
  });
}

async function deactivateMemberRoute(request: MemberRequest, reply: FastifyReply) {
  const enterpriseId = await actorEnterpriseId(request);
  parseForm(z.object({}), request.body);
  await deactivateMember(request.server.db, request.ctx, enterpriseId, request.params.accountId);
  return reply.redirect('/entreprise/utilisateurs?fait=desactive', 303);
}

async function transferPage(request: MemberRequest, reply: FastifyReply) {
  const enterpriseId = await actorEnterpriseId(request);
  const members = await listMembers(request.server.db, request.ctx, enterpriseId);
  const member = members.find((m) => m.accountId === request.params.accountId && m.active && m.role === 'user');
  if (!member) throw new NotFoundError();
  const v = viewContext(request, reply);
  return sendPage(reply, v, { title: v.t('members.transfer.title'), breadcrumbs: crumbs(v) }, <TransferPage v={v} member={member} />);
}

async function transferRseRoute(request: MemberRequest, reply: FastifyReply) {
  const enterpriseId = await actorEnterpriseId(request);
  const form = parseForm(z.object({ confirm: z.literal('oui') }), request.body);
  if (!form.ok) return reply.redirect(`/entreprise/utilisateurs/${request.params.accountId}/rse`, 303);
  await transferRse(request.server.db, request.ctx, enterpriseId, request.params.accountId);
  return reply.redirect('/entreprise/mes-droits?fait=rse', 303);
}

export function registerEnterpriseMembers(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/entreprise/utilisateurs', { schema: { querystring: listQuery } }, membersPage);
  r.post('/entreprise/utilisateurs', addMemberRoute);
  r.post('/entreprise/utilisateurs/:accountId/desactiver', { schema: { params: memberParams } }, deactivateMemberRoute);
  r.get('/entreprise/utilisateurs/:accountId/rse', { schema: { params: memberParams } }, transferPage);
  r.post('/entreprise/utilisateurs/:accountId/rse', { schema: { params: memberParams } }, transferRseRoute);
}
