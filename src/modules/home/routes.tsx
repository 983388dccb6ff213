import type { FastifyInstance } from 'fastify';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { AccessibilityPage, HomePage, PrivacyPage } from './views/pages.js';

export function registerHome(app: FastifyInstance): void {
  app.get('/', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('home.title') }, <HomePage v={v} />);
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
