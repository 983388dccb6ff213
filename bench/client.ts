import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { currentTotp } from '../src/modules/identity/totp.js';
import { CookieJar, csrfFrom } from './http.js';
import type { ClientJob, ClientReply, HttpJob, Measured, SignInCredentials, SignInJob } from './lib.js';

/**
 * The load generator, forked by runClientJob (bench/lib.ts): receives one job over IPC, measures
 * it against the server, sends the raw measurements back and exits.
 */

const MAX_ERROR_SAMPLES = 5;

function isSuccess(status: number): boolean {
  return status >= 200 && status < 400;
}

const FORM = 'application/x-www-form-urlencoded';

/** Autocannon's requests for the job: a GET, one repeated form POST, or each write once. */
function requestsOf(job: HttpJob): autocannon.Request[] | undefined {
  if (job.writes) {
    const writes = job.writes;
    let next = 0;
    return [
      {
        setupRequest: (request) => {
          const write = writes[next++];
          if (!write) throw new Error(`only ${writes.length} writes were prepared`);
          return { ...request, method: 'POST', path: write.path, body: write.form, headers: { ...request.headers, 'content-type': FORM } };
        },
      },
    ];
  }
  if (job.form) return [{ method: 'POST', body: job.form, headers: { ...job.headers, 'content-type': FORM } }];
  return undefined;
}

async function runHttp(job: HttpJob): Promise<Measured[]> {
  for (let i = 0; i < job.warmupRequests; i++) {
    const response = await fetch(job.url, {
      method: job.form ? 'POST' : 'GET',
      headers: job.form ? { ...job.headers, 'content-type': FORM } : job.headers,
      body: job.form,
      redirect: 'manual',
    });
    await response.arrayBuffer();
  }
  const latenciesMs: number[] = [];
  const errorSamples: string[] = [];
  let badStatuses = 0;
  const started = performance.now();
  // Writes that cannot repeat stop when the last one is sent, however long that takes.
  const length = job.writes ? { amount: job.writes.length } : { duration: job.durationS };
  const instance = autocannon({ url: job.url, connections: job.connections, ...length, headers: job.headers, requests: requestsOf(job) });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    latenciesMs.push(responseTimeMs);
    if (!isSuccess(statusCode)) {
      badStatuses++;
      if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(`HTTP ${statusCode}`);
    }
  });
  instance.on('reqError', (error) => {
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(error.message);
  });
  const result = await instance;
  const durationMs = performance.now() - started;
  return [
    {
      operation: job.url,
      latenciesMs,
      durationMs,
      requests: latenciesMs.length + result.errors,
      errors: badStatuses + result.errors,
      errorSamples,
    },
  ];
}

// --- Sign-in ---------------------------------------------------------------------------------------

const SIGN_IN_STEPS = ['GET /connexion', 'POST /connexion', 'GET /connexion/mfa', 'POST /connexion/mfa', 'GET /compte'] as const;
type Step = (typeof SIGN_IN_STEPS)[number];

type StepStats = { latenciesMs: number[]; requests: number; errors: number };

class FlowError extends Error {}

async function signInFlow(baseUrl: string, who: SignInCredentials, stats: Map<Step, StepStats>): Promise<void> {
  const jar = new CookieJar();
  const request = async (
    step: Step,
    path: string,
    expect: { status: number; location?: string },
    form?: Record<string, string>,
  ): Promise<string> => {
    const stepStats = stats.get(step)!;
    stepStats.requests++;
    const headers: Record<string, string> = { 'accept-language': 'fr-CA,fr;q=0.9' };
    const cookie = jar.header();
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const started = performance.now();
    let response: Response;
    let body: string;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: form ? 'POST' : 'GET',
        headers,
        body: form ? new URLSearchParams(form).toString() : undefined,
        redirect: 'manual',
      });
      body = await response.text();
    } catch (error) {
      stepStats.errors++;
      throw new FlowError(`${step}: ${error instanceof Error ? error.message : String(error)}`);
    }
    stepStats.latenciesMs.push(performance.now() - started);
    jar.store(response);
    const location = response.headers.get('location') ?? undefined;
    if (response.status !== expect.status || (expect.location !== undefined && location !== expect.location)) {
      stepStats.errors++;
      throw new FlowError(`${step}: expected ${expect.status} ${expect.location ?? ''}, got ${response.status} ${location ?? ''}`.trim());
    }
    return body;
  };

  const signInPage = await request('GET /connexion', '/connexion', { status: 200 });
  await request('POST /connexion', '/connexion', { status: 303, location: '/connexion/mfa' }, {
    identifier: who.identifier,
    password: who.password,
    _csrf: csrfFrom(signInPage),
  });
  // The CSRF token is bound to the session from here on: take the one of the MFA page.
  const mfaPage = await request('GET /connexion/mfa', '/connexion/mfa', { status: 200 });
  await request('POST /connexion/mfa', '/connexion/mfa', { status: 303, location: '/compte' }, {
    code: currentTotp(who.totpSecret),
    _csrf: csrfFrom(mfaPage),
  });
  await request('GET /compte', '/compte', { status: 200 });
}

async function runSignIn(job: SignInJob): Promise<Measured[]> {
  const stats = new Map<Step, StepStats>(SIGN_IN_STEPS.map((s) => [s, { latenciesMs: [], requests: 0, errors: 0 }]));
  const flowLatencies: number[] = [];
  const errorSamples: string[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (let i = next++; i < job.accounts.length; i = next++) {
      const flowStarted = performance.now();
      try {
        await signInFlow(job.baseUrl, job.accounts[i]!, stats);
        flowLatencies.push(performance.now() - flowStarted);
      } catch (error) {
        if (!(error instanceof FlowError)) throw error;
        if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(error.message);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  const durationMs = performance.now() - started;
  const all = [...stats.values()];
  return [
    {
      operation: 'sign-in flow',
      latenciesMs: flowLatencies,
      durationMs,
      requests: all.reduce((n, s) => n + s.requests, 0),
      errors: all.reduce((n, s) => n + s.errors, 0),
      errorSamples,
    },
    ...SIGN_IN_STEPS.map((step): Measured => {
      const s = stats.get(step)!;
      return { operation: step, latenciesMs: s.latenciesMs, durationMs, requests: s.requests, errors: s.errors, errorSamples: [] };
    }),
  ];
}

function reply(message: ClientReply): void {
  // Exits at once: keep-alive sockets would otherwise hold the process for seconds.
  process.send?.(message, () => process.exit(0));
}

process.once('message', (job: ClientJob) => {
  const work = job.kind === 'http' ? runHttp(job) : runSignIn(job);
  work.then(
    (measured) => reply({ ok: true, measured }),
    (error: unknown) => reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
