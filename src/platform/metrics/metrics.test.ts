import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../testing/app.js';
import { enqueueMail } from '../outbox/service.js';

const TOKEN = 'metrics-token-for-the-tests-0123456789abcdef';

describe('/metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      config: { METRICS_TOKEN: TOKEN },
      mailTransport: {
        name: 'refusing',
        send: async () => {
          throw Object.assign(new Error('550 refused'), { responseCode: 550 });
        },
        close: () => undefined,
      },
    });
  });
  after(async () => t?.close());

  const scrape = (authorization?: string) => t.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });

  test('only with the bearer token: no token or a wrong one is a 401', async () => {
    assert.equal((await scrape()).statusCode, 401);
    assert.equal((await scrape(`Bearer ${TOKEN}x`)).statusCode, 401);
    assert.equal((await scrape(TOKEN)).statusCode, 401);
    assert.equal((await scrape(`Bearer ${TOKEN}`)).statusCode, 200);
  });

  test('requests by route pattern and status, the outbox depth, delivery failures, the pool on a server', async () => {
    const serviceId = '00000000-0000-4000-8000-000000000000';
    await t.client().get(`/services/${serviceId}`);
    await t.client().get('/healthz');
    await enqueueMail(t.db, { to: 'quelquun@example.com', language: 'fr', subject: 'Essai', text: 'Bonjour', html: '<p>Bonjour</p>' });
    await enqueueMail(t.db, { to: 'autre@example.com', language: 'fr', subject: 'Essai', text: 'Bonjour', html: '<p>Bonjour</p>' });
    await t.app.outbox.drain();

    const response = await scrape(`Bearer ${TOKEN}`);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const body = response.body;
    assert.match(body, /guichet_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1\n/);
    assert.match(body, /guichet_http_request_duration_seconds_count\{method="GET",route="\/services\/:siteId",status="\d{3}"\} 1\n/);
    assert.ok(!body.includes(serviceId), 'route patterns, not URLs');
    assert.match(body, /guichet_outbox_pending_mails 2\n/, 'both refused mails wait for their retry');
    assert.match(body, /guichet_job_failures_total\{job="outbox.delivery"\} 2\n/);
    assert.ok(!body.includes('quelquun@example.com'), 'no personal data');
    if (t.database.kind === 'postgres') assert.match(body, /guichet_db_pool_connections\{state="total"\} [1-9]/);
    else assert.ok(!body.includes('guichet_db_pool_connections{'), 'no pool on the embedded database');
    assert.match(body, /guichet_process_cpu_seconds_total/);
  });
});

test('without METRICS_TOKEN there is no /metrics', async () => {
  const t = await buildTestApp();
  try {
    assert.equal((await t.app.inject({ url: '/metrics' })).statusCode, 404);
  } finally {
    await t.close();
  }
});
