import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentTotp } from '../src/modules/identity/totp.js';
import { sampleSupportValues } from '../src/modules/mes/fixtures.js';
import { CookieJar, csrfFrom } from '../bench/http.js';

/**
 * The mixed workload: virtual people, each with its own cookies, sending what their browser would
 * through the proxy until the deadline.
 * - visitors search the public map (the page and its JSON, now and then a radius out of bounds);
 * - enterprise users sign in (password, then TOTP);
 * - providers make MES requests from start to end: create, autosave each field, attach the two
 *   documents, sign, transmit;
 * - a provider's user reads its réserve.
 * A POST that gets 502 from the proxy (its instance died before answering) is sent again once, as a
 * person would press the button again; what the retry may then answer is listed with it.
 */

export type Credentials = { identifier: string; password: string; totpSecret: string };

export type Outcome = { operation: string; method: string; status: number; ms: number; at: number; expected: boolean };

/** A MES request as its provider saw it: what was typed, and whether the transmission was acknowledged. */
export type MadeRequest = { id: string; values: Record<string, string>; transmitted: boolean };

export class Recorder {
  readonly outcomes: Outcome[] = [];
  readonly made: MadeRequest[] = [];
  readonly flowErrors: string[] = [];
  record(outcome: Outcome): void {
    this.outcomes.push(outcome);
  }
}

type Reply = { status: number; location: string; body: string };
type Body = { form?: Record<string, string>; multipart?: FormData; json?: boolean };

class FlowError extends Error {}

const FRENCH = { 'accept-language': 'fr-CA,fr;q=0.9' };
const RETRY_AFTER_MS = 300;

/** One person's browser. */
class Browser {
  private readonly jar = new CookieJar();

  constructor(
    private readonly baseUrl: string,
    private readonly recorder: Recorder,
  ) {}

  async send(operation: string, method: 'GET' | 'POST', path: string, body: Body, expected: readonly number[]): Promise<Reply> {
    const headers: Record<string, string> = { ...FRENCH };
    const cookie = this.jar.header();
    if (cookie) headers.cookie = cookie;
    if (body.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (body.json) headers.accept = 'application/json';
    const started = performance.now();
    const at = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body.form ? new URLSearchParams(body.form).toString() : body.multipart,
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      this.recorder.record({ operation, method, status: 0, ms: performance.now() - started, at, expected: false });
      throw new FlowError(`${operation}: ${(error as Error).message}`);
    }
    const status = response.status;
    this.recorder.record({ operation, method, status, ms: performance.now() - started, at, expected: expected.includes(status) });
    this.jar.store(response);
    return { status, location: response.headers.get('location') ?? '', body: text };
  }

  async expect(operation: string, method: 'GET' | 'POST', path: string, body: Body, expected: readonly number[]): Promise<Reply> {
    const reply = await this.send(operation, method, path, body, expected);
    if (!expected.includes(reply.status)) throw new FlowError(`${operation}: HTTP ${reply.status}`);
    return reply;
  }

  /** A POST, sent again once if the proxy answered 502; `onRetry`: what the second may also answer. */
  async post(operation: string, path: string, body: Body, expected: readonly number[], onRetry: readonly number[] = []): Promise<Reply & { retried: boolean }> {
    const first = await this.send(operation, 'POST', path, body, expected);
    if (first.status !== 502) {
      if (!expected.includes(first.status)) throw new FlowError(`${operation}: HTTP ${first.status}`);
      return { ...first, retried: false };
    }
    await sleep(RETRY_AFTER_MS);
    return { ...(await this.expect(operation, 'POST', path, body, [...expected, ...onRetry])), retried: true };
  }

  /** Signs in; returns the TOTP time step of the code used (a code works once). */
  async signIn(who: Credentials): Promise<number> {
    const page = await this.expect('sign-in: GET /connexion', 'GET', '/connexion', {}, [200]);
    const password = await this.post('sign-in: POST /connexion', '/connexion', { form: { identifier: who.identifier, password: who.password, _csrf: csrfFrom(page.body) } }, [303]);
    if (password.location !== '/connexion/mfa') throw new FlowError(`sign-in: POST /connexion went to ${password.location}`);
    // The CSRF token is bound to the session from here on: take the MFA page's.
    const mfaPage = await this.expect('sign-in: GET /connexion/mfa', 'GET', '/connexion/mfa', {}, [200]);
    const at = Date.now();
    const mfa = await this.post('sign-in: POST /connexion/mfa', '/connexion/mfa', { form: { code: currentTotp(who.totpSecret, at), _csrf: csrfFrom(mfaPage.body) } }, [303]);
    if (mfa.location !== '/compte') throw new FlowError(`sign-in: POST /connexion/mfa went to ${mfa.location}`);
    await this.expect('sign-in: GET /compte', 'GET', '/compte', {}, [200]);
    return totpStep(at);
  }
}

export type Workload = {
  baseUrl: string;
  deadline: number;
  recorder: Recorder;
  year: number;
  pdf: Buffer;
};

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

async function untilDeadline(w: Workload, step: () => Promise<void>): Promise<void> {
  while (Date.now() < w.deadline) {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      if (w.recorder.flowErrors.length < 20) w.recorder.flowErrors.push(error.message);
    }
  }
}

const MAP_FILTERS = ['', '&type=cpe', '&subventionne=oui', '&age=under_18_months', '&jours=mon&jours=fri', '&langue=en'];

export async function mapVisitor(w: Workload, postalAreas: readonly string[]): Promise<void> {
  const browser = new Browser(w.baseUrl, w.recorder);
  let n = 0;
  await untilDeadline(w, async () => {
    const search = `lieu=${pick(postalAreas)}&rayon=${pick([5, 10, 25, 50])}${pick(MAP_FILTERS)}`;
    await browser.expect('map: GET /carte', 'GET', `/carte?${search}`, {}, [200]);
    await browser.expect('map: GET /carte.json', 'GET', `/carte.json?${search}`, {}, [200]);
    if (++n % 10 === 0) await browser.expect('map: GET /carte.json, radius 51 km', 'GET', '/carte.json?lieu=H2X&rayon=51', {}, [400]);
  });
}

const totpStep = (at: number) => Math.floor(at / 30_000);

/**
 * Sign-ins with accounts taken in turn. A TOTP code is accepted once: an account signs in again
 * only in a step after the one of its last code (which may be later than the step it was taken in).
 */
export async function signInUser(w: Workload, pool: Credentials[]): Promise<void> {
  const lastStep = new Map<Credentials, number>();
  await untilDeadline(w, async () => {
    const step = totpStep(Date.now());
    const who = pool.find((c) => (lastStep.get(c) ?? -1) < step);
    if (!who) {
      await sleep(1000);
      return;
    }
    lastStep.set(who, step);
    lastStep.set(who, await new Browser(w.baseUrl, w.recorder).signIn(who));
  });
}

export async function reserveReader(w: Workload, who: Credentials, siteId: string): Promise<void> {
  const browser = new Browser(w.baseUrl, w.recorder);
  await browser.signIn(who);
  await untilDeadline(w, async () => {
    await browser.expect('réserve: GET /entreprise/reserves/:siteId', 'GET', `/entreprise/reserves/${siteId}`, {}, [200]);
  });
}

const DOCUMENTS = [
  { type: 'integration_plan', name: 'plan-integration' },
  { type: 'signatures', name: 'signatures-mes' },
] as const;

async function attach(browser: Browser, w: Workload, id: string, csrf: string, document: (typeof DOCUMENTS)[number]): Promise<void> {
  const filename = `${document.name}-${id}.pdf`;
  const form = () => {
    const data = new FormData();
    data.set('documentType', document.type);
    data.set('file', new Blob([new Uint8Array(w.pdf)], { type: 'application/pdf' }), filename);
    return data;
  };
  const path = `/entreprise/mes/demandes/${id}/documents?_csrf=${encodeURIComponent(csrf)}`;
  const first = await browser.send('MES: POST documents (upload)', 'POST', path, { multipart: form() }, [303]);
  if (first.status === 303) return;
  if (first.status !== 502) throw new FlowError(`MES upload: HTTP ${first.status}`);
  // A person looks at the list before sending the file again.
  const page = await browser.expect('MES: GET documents step', 'GET', `/entreprise/mes/demandes/${id}/modifier?etape=documents`, {}, [200]);
  if (!page.body.includes(filename)) await browser.expect('MES: POST documents (upload)', 'POST', path, { multipart: form() }, [303]);
}

/** One MES request from creation to transmission. */
async function makeMesRequest(browser: Browser, w: Workload, childId: string, siteId: string): Promise<void> {
  const choice = await browser.expect('MES: GET creer/:childId', 'GET', `/entreprise/mes/creer/${childId}?installation=${siteId}`, {}, [200]);
  const csrf = csrfFrom(choice.body);
  const creationKey = /name="creationKey" value="([^"]+)"/.exec(choice.body)?.[1];
  if (!creationKey) throw new FlowError('MES: no creation key on the page');
  const created = await browser.post('MES: POST creer/:childId', `/entreprise/mes/creer/${childId}`, { form: { installation: siteId, type: 'new', creationKey, _csrf: csrf } }, [303]);
  const id = /^\/entreprise\/mes\/demandes\/([0-9a-f-]{36})\//.exec(created.location)?.[1];
  if (!id) throw new FlowError(`MES: creation went to ${created.location}`);
  const made: MadeRequest = { id, values: {}, transmitted: false };
  w.recorder.made.push(made);

  for (const [fieldId, value] of Object.entries(sampleSupportValues(w.year))) {
    if (fieldId === 'homeProvider.name') continue;
    // Saved by the first attempt, the retry finds version 1 and is told so (409).
    await browser.post('MES: POST champ (autosave)', `/entreprise/mes/demandes/${id}/champ`, { form: { fieldId, value, version: '0', _csrf: csrf }, json: true }, [200], [409]);
    made.values[fieldId] = value;
  }
  for (const document of DOCUMENTS) await attach(browser, w, id, csrf, document);
  await browser.post('MES: POST signer', `/entreprise/mes/demandes/${id}/signer`, { form: { firstName: 'Sylvie', lastName: 'Fortin', function: 'Directrice générale', attested: 'oui', _csrf: csrf } }, [303]);
  // Transmitted by the first attempt, the retry is told the request is already transmitted (409).
  await browser.post('MES: POST transmettre', `/entreprise/mes/demandes/${id}/transmettre`, { form: { confirm: 'oui', _csrf: csrf } }, [303], [409]);
  made.transmitted = true;
  await browser.expect('MES: GET transmise', 'GET', `/entreprise/mes/demandes/${id}/transmise`, {}, [200]);
}

export async function mesProvider(w: Workload, who: Credentials, siteId: string, childIds: readonly string[]): Promise<{ unused: number }> {
  const browser = new Browser(w.baseUrl, w.recorder);
  await browser.signIn(who);
  let next = 0;
  await untilDeadline(w, async () => {
    const childId = childIds[next++];
    if (!childId) throw new Error(`a provider made requests for all its ${childIds.length} children before the deadline: give it more`);
    await makeMesRequest(browser, w, childId, siteId);
  });
  return { unused: childIds.length - next };
}
