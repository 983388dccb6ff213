import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../crypto.js';
import type { Metrics } from './metrics.js';

/**
 * GET /metrics for Prometheus, only when METRICS_TOKEN is set and only with it as a bearer token:
 * the figures (routes, volumes) are not for the public, and a reverse proxy on the same host
 * would make a loopback-only rule useless.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  if (!token) return;
  app.get('/metrics', async (request, reply) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!safeEqual(given, token)) return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(await metrics.registry.metrics());
  });
}
