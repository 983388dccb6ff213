import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { submitForm } from '../../platform/http/form-route.js';
import { parseForm } from '../../platform/http/forms.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { actorEnterpriseId } from '../enterprises/index.js';
import { clientOf, listClients, registerClient, revokeClient } from './service.js';
import { ClientRegisteredPage, ClientsPage, RevokePage } from './views/clients.js';

/** The pages of the enterprise space where its RSE registers and revokes its management software. */
export const clientRoutes = ['GET /entreprise/api', 'POST /entreprise/api', 'GET /entreprise/api/:clientId/revoquer', 'POST /entreprise/api/:clientId/revoquer'];

export function registerApiClients(app: FastifyInstance): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const crumbs = (v: ReturnType<typeof viewContext>) => [{ href: '/entreprise', label: v.t('api.clients.crumb') }];
  const clientParams = z.object({ clientId: z.uuid() });

  async function showList(request: FastifyRequest, reply: FastifyReply, enterpriseId: string, form: FormState, status = 200, notice?: string) {
    const clients = await listClients(db, request.ctx, enterpriseId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('api.clients.title'), status, breadcrumbs: crumbs(v) }, <ClientsPage v={v} clients={clients} form={form} notice={notice} />);
  }

  r.get('/entreprise/api', { schema: { querystring: z.object({ fait: z.literal('revoque').optional() }) } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const revoked = request.query.fait === 'revoque';
    return showList(request, reply, enterpriseId, emptyForm, 200, revoked ? viewContext(request, reply).t('api.clients.revoked') : undefined);
  });

  const registerForm = z.object({ name: z.string(), scopes: z.array(z.string()).default([]) });
  r.post('/entreprise/api', async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    return submitForm(request.body, reply, {
      schema: registerForm,
      act: (data) => registerClient(db, request.ctx, { secret: app.config.secret }, enterpriseId, data),
      show: (form, status) => showList(request, reply, enterpriseId, form, status),
      done: ({ client, clientSecret }) => {
        const v = viewContext(request, reply);
        return sendPage(reply, v, { title: v.t('api.clients.registered.title'), breadcrumbs: crumbs(v) }, <ClientRegisteredPage v={v} client={client} clientSecret={clientSecret} />);
      },
    });
  });

  r.get('/entreprise/api/:clientId/revoquer', { schema: { params: clientParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const { clientId } = request.params;
    const client = await clientOf(db, request.ctx, enterpriseId, clientId);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('api.clients.revoke.title'), breadcrumbs: crumbs(v) }, <RevokePage v={v} client={client} />);
  });

  r.post('/entreprise/api/:clientId/revoquer', { schema: { params: clientParams } }, async (request, reply) => {
    const enterpriseId = await actorEnterpriseId(request);
    const { clientId } = request.params;
    parseForm(z.object({}), request.body);
    await revokeClient(db, request.ctx, enterpriseId, clientId);
    return reply.redirect('/entreprise/api?fait=revoque', 303);
  });
}
