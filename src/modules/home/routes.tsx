import type { FastifyInstance } from 'fastify';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { signedInAs } from '../../platform/http/guards.js';
import { agentAssignments } from '../identity/agents.js';
import { AccessibilityPage, AgentHomePage, HomePage, PrivacyPage } from './views/pages.js';

export function registerHome(app: FastifyInstance): void {
  app.get('/', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('home.title') }, <HomePage v={v} />);
  });
  app.get('/agent', async (request, reply) => {
    const actor = signedInAs(request, 'agent', '/agent');
    const v = viewContext(request, reply);
    const roles = [...new Set((await agentAssignments(app.db, actor.accountId)).map((a) => a.role))];
    return sendPage(reply, v, { title: v.t('agentHome.title') }, <AgentHomePage v={v} roles={roles} />);
  });
  app.get('/accessibilite', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('footer.accessibility') }, <AccessibilityPage v={v} />);
  });
  app.get('/confidentialite', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('footer.privacy') }, <PrivacyPage v={v} />);
  });
}
