import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/index.js';
import { pendingMailCount } from '../outbox/service.js';

/**
 * What an instance reports to Prometheus at /metrics. A registry per app (tests build many apps
 * in one process); series are labelled by route pattern, never by URL, which can carry tokens.
 */
export type Metrics = {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** A periodic job's or a mail delivery's failure: `outbox.delivery`, `outbox.batch`, `portal.interest_reminders`. */
  jobFailed(job: string): void;
};

export function createMetrics(database: Database): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'guichet_' });
  const requests = new Histogram({
    name: 'guichet_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status: count and duration.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'guichet_job_failures_total',
    help: 'Failures of periodic jobs and of mail deliveries (retried later), by job.',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'guichet_outbox_pending_mails',
    help: 'Mails queued in the outbox and not sent yet (all instances).',
    registers: [registry],
    async collect() {
      this.set(await pendingMailCount(database.db));
    },
  });
  const pool = new Gauge({
    name: 'guichet_db_pool_connections',
    help: 'Connections of this instance to the PostgreSQL server, by state (none on the embedded database).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = database.poolStats();
      if (!stats) return;
      pool.set({ state: 'total' }, stats.total);
      pool.set({ state: 'idle' }, stats.idle);
      pool.set({ state: 'waiting' }, stats.waiting);
    },
  });
  return {
    registry,
    observeRequest: (method, route, status, seconds) => requests.observe({ method, route, status: String(status) }, seconds),
    jobFailed: (job) => failures.inc({ job }),
  };
}
