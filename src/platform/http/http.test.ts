import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.js';
import { translate, type Lang, type MessageKey } from '../i18n/index.js';
import { createTestAccount } from '../testing/accounts.js';
import { buildTestApp, testConfig, type TestApp, type TestClient } from '../testing/app.js';
import { registerPlatformRoutes } from './routes.js';
import { safeReturnPath } from './navigation.js';

/** Text as preact renders it in a page. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pageText(lang: Lang, key: MessageKey): string {
  return escapeHtml(translate(lang, key));
}

function isHtmlPage(response: LightMyRequestResponse): boolean {
  return String(response.headers['content-type']).startsWith('text/html') && response.body.startsWith('<!DOCTYPE html>');
}

describe('HTTP platform', () => {
  let t: TestApp;
  const logLines: string[] = [];
  before(async () => {
    t = await buildTestApp({ config: { LOG_LEVEL: 'trace' }, logStream: { write: (line) => void logLines.push(line) } });
  });
  after(async () => t.close());

  /** A request with the cookies of a client, for bodies the client does not send. */
  function inject(client: TestClient, options: { method: 'POST'; url: string; headers: Record<string, string>; payload: string | Buffer; remoteAddress?: string }) {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ ...options, headers: { cookie, ...options.headers } });
  }

  test('/healthz and /readyz answer 200 in JSON', async () => {
    const health = await t.app.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.match(String(health.headers['content-type']), /application\/json/);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ok' });
  });

  test('every response carries the security headers and a request id', async () => {
    for (const url of ['/', '/connexion', '/nexiste-pas', '/healthz', '/api/rien']) {
      const response = await t.app.inject({ url });
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /(^|;)\s*script-src 'self'(;|$)/, url);
      assert.match(csp, /(^|;)\s*default-src 'self'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /object-src 'none'/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['referrer-policy'], 'same-origin', url);
      assert.match(String(response.headers['x-request-id']), /^[\w-]{8,64}$/, url);
    }
  });

  test('the request id is the one given when well-formed, else a new one; an error page shows it', async () => {
    const given = await t.app.inject({ url: '/nexiste-pas', headers: { 'x-request-id': 'proxy-req-0001' } });
    assert.equal(given.headers['x-request-id'], 'proxy-req-0001');
    assert.match(given.body, /proxy-req-0001/);
    for (const bad of ['short', 'with spaces in it', '<script>alert(1)</script>', 'x'.repeat(65)]) {
      const response = await t.app.inject({ url: '/nexiste-pas', headers: { 'x-request-id': bad } });
      assert.notEqual(response.headers['x-request-id'], bad);
      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    }
    const one = await t.app.inject({ url: '/' });
    const two = await t.app.inject({ url: '/' });
    assert.notEqual(one.headers['x-request-id'], two.headers['x-request-id']);
  });

  test('the 404 page is in French by default, in English by Accept-Language', async () => {
    const fr = await t.app.inject({ url: '/nexiste-pas' });
    assert.equal(fr.statusCode, 404);
    assert.ok(isHtmlPage(fr));
    assert.match(fr.body, /<html lang="fr"/);
    assert.ok(fr.body.includes(pageText('fr', 'error.notFound.title')));
    assert.ok(fr.body.includes(pageText('fr', 'error.notFound')));

    const en = await t.app.inject({ url: '/nexiste-pas', headers: { 'accept-language': 'en-CA,en;q=0.9' } });
    assert.equal(en.statusCode, 404);
    assert.match(en.body, /<html lang="en"/);
    assert.ok(en.body.includes(pageText('en', 'error.notFound.title')));
    assert.ok(!en.body.includes(pageText('fr', 'error.notFound.title')));

    const preferred = await t.app.inject({ url: '/nexiste-pas', headers: { 'accept-language': 'en;q=0.4, fr-CA;q=0.8' } });
    assert.match(preferred.body, /<html lang="fr"/);
  });

  test('/langue sets the language cookie and returns to the page, never to another site', async () => {
    const client = t.client();
    const response = await client.get('/langue?l=en&retour=/connexion');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/connexion');
    assert.equal(client.cookies.get('guichet_langue'), 'en');
    const cookie = response.cookies.find((c) => c.name === 'guichet_langue');
    assert.ok(cookie?.httpOnly);
    // The cookie wins over Accept-Language.
    const page = await client.get('/nexiste-pas', { 'accept-language': 'fr-CA,fr;q=0.9' });
    assert.match(page.body, /<html lang="en"/);
    assert.ok(page.body.includes(pageText('en', 'error.notFound.title')));
    const signIn = await client.get('/connexion');
    assert.match(signIn.body, /<html lang="en"/);
    // And back to French.
    await client.get('/langue?l=fr&retour=/');
    assert.match((await client.get('/nexiste-pas')).body, /<html lang="fr"/);

    for (const retour of [
      '//evil.example',
      '%2F%2Fevil.example',
      '/%5Cevil.example',
      'https://evil.example/',
      'evil.example',
      // Browsers drop tabs and newlines from a URL: "/\t/evil.example" is "//evil.example".
      '/%09/evil.example',
      '/%0A/evil.example',
      '/%0D%0ASet-Cookie:%20x=y',
      '/%E2%82%AC',
    ]) {
      const away = await t.app.inject({ url: `/langue?l=en&retour=${retour}` });
      assert.equal(away.statusCode, 303, retour);
      assert.equal(away.headers.location, '/', retour);
    }
    const withQuery = await t.app.inject({ url: `/langue?l=en&retour=${encodeURIComponent('/connexion?retour=%2Fcompte')}` });
    assert.equal(withQuery.headers.location, '/connexion?retour=%2Fcompte');
    const unknown = await t.app.inject({ url: '/langue?l=de&retour=/' });
    assert.equal(unknown.statusCode, 400);
    assert.ok(isHtmlPage(unknown));
  });

  test('safeReturnPath keeps paths of this site only', () => {
    assert.equal(safeReturnPath('/compte'), '/compte');
    assert.equal(safeReturnPath('/dev/courriels/3?x=1#y'), '/dev/courriels/3?x=1#y');
    for (const value of [undefined, '', 'compte', '//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/ /x', 'javascript:alert(1)', '/é']) {
      assert.equal(safeReturnPath(value), '/', JSON.stringify(value));
    }
  });

  test('under /api, errors are JSON', async () => {
    const response = await t.app.inject({ url: '/api/anything' });
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /application\/json/);
    assert.deepEqual(response.json(), { error: { status: 404, message: translate('fr', 'error.notFound') } });
    const en = await t.app.inject({ url: '/api/anything/else', headers: { 'accept-language': 'en' } });
    assert.deepEqual(en.json(), { error: { status: 404, message: translate('en', 'error.notFound') } });
  });

  test('malformed or hostile bodies on POST /connexion get a 4xx page, never a 500', async () => {
    const client = t.client();
    await client.get('/connexion');
    const csrf = client.csrf();
    const form = 'application/x-www-form-urlencoded';
    const json = 'application/json';
    const cases: { name: string; type: string; payload: string | Buffer; status?: number }[] = [
      { name: 'unknown field', type: form, payload: `identifier=a&password=b&admin=1&_csrf=${csrf}`, status: 400 },
      { name: 'repeated field', type: form, payload: `identifier=a&identifier=b&password=c&_csrf=${csrf}`, status: 400 },
      { name: 'repeated CSRF token', type: form, payload: `identifier=a&password=c&_csrf=${csrf}&_csrf=${csrf}`, status: 403 },
      { name: 'no CSRF token', type: form, payload: 'identifier=a&password=b', status: 403 },
      { name: 'empty body', type: form, payload: '', status: 403 },
      { name: 'broken percent-encoding', type: form, payload: `identifier=%E0%A4%A&password=%&_csrf=${csrf}` },
      { name: 'field over the limit', type: form, payload: `identifier=${'a'.repeat(20_000)}&password=b&_csrf=${csrf}`, status: 400 },
      { name: 'form over 64 KiB', type: form, payload: `identifier=${'a'.repeat(70 * 1024)}&password=b&_csrf=${csrf}`, status: 413 },
      { name: 'JSON with a number', type: json, payload: JSON.stringify({ identifier: 5, password: 'x', _csrf: csrf }), status: 400 },
      { name: 'JSON with an object', type: json, payload: JSON.stringify({ identifier: { $ne: '' }, password: 'x', _csrf: csrf }), status: 400 },
      { name: 'JSON with a non-string token', type: json, payload: JSON.stringify({ identifier: 'a', password: 'x', _csrf: [csrf] }), status: 403 },
      { name: 'JSON array', type: json, payload: JSON.stringify([csrf]), status: 403 },
      { name: 'JSON scalar', type: json, payload: '42', status: 403 },
      { name: 'JSON null', type: json, payload: 'null', status: 403 },
      { name: 'invalid JSON', type: json, payload: '{"identifier": "a", ', status: 400 },
      { name: 'prototype pollution', type: json, payload: `{"identifier":"a","password":"b","_csrf":"${csrf}","__proto__":{"admin":true}}`, status: 400 },
      { name: 'JSON over 64 KiB', type: json, payload: JSON.stringify({ identifier: 'a'.repeat(70 * 1024), password: 'x', _csrf: csrf }), status: 413 },
      { name: 'plain text', type: 'text/plain', payload: 'identifier=a', status: 403 },
      { name: 'unsupported media type', type: 'application/xml', payload: '<identifier>a</identifier>', status: 415 },
      // Multipart is parsed for uploads; its CSRF token must be in the query string, so a body alone is refused.
      { name: 'multipart', type: 'multipart/form-data; boundary=x', payload: `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--x--\r\n`, status: 403 },
    ];
    for (const c of cases) {
      const response = await inject(client, { method: 'POST', url: '/connexion', headers: { 'content-type': c.type }, payload: c.payload });
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${c.name}: ${response.statusCode}`);
      if (c.status) assert.equal(response.statusCode, c.status, c.name);
      assert.ok(isHtmlPage(response), `${c.name}: an HTML page`);
      assert.match(response.body, /<html lang="fr"/, c.name);
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    // With its token in the query string, a multipart body on a page that expects a plain form is still a 4xx page.
    const multipart = await inject(client, {
      method: 'POST',
      url: `/connexion?_csrf=${encodeURIComponent(csrf)}`,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="identifier"\r\n\r\na\r\n--x--\r\n',
    });
    assert.ok(multipart.statusCode >= 400 && multipart.statusCode < 500, `multipart with a token: ${multipart.statusCode}`);
    assert.ok(isHtmlPage(multipart));
  });

  test('pages have no inline script, style or event handler, and the assets they link to are served', async () => {
    const client = t.client();
    const assets = new Set<string>();
    for (const url of ['/', '/connexion', '/inscription', '/mot-de-passe/oubli', '/nexiste-pas', '/dev/courriels']) {
      const response = await client.get(url);
      assert.ok(isHtmlPage(response), url);
      const html = response.body;
      assert.doesNotMatch(html, /<script\b(?![^>]*\ssrc=)[^>]*>/i, `${url}: inline <script>`);
      assert.doesNotMatch(html, /<style\b/i, `${url}: <style>`);
      assert.doesNotMatch(html, /<[^>]*\sstyle=/i, `${url}: style attribute`);
      assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/i, `${url}: event handler attribute`);
      assert.doesNotMatch(html, /javascript:/i, `${url}: javascript: URL`);
      for (const match of html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) assets.add(match[1]!);
    }
    assert.ok(assets.has('/static/app.js'));
    for (const asset of assets) {
      const response = await t.app.inject({ url: asset });
      assert.equal(response.statusCode, 200, asset);
    }
  });

  test('user input is escaped in the page', async () => {
    const client = t.client();
    await client.get('/connexion');
    const script = await client.post('/connexion', { identifier: '<script>alert(1)</script>', password: 'x' });
    assert.equal(script.statusCode, 401);
    assert.ok(script.body.includes('&lt;script'));
    assert.ok(!script.body.includes('<script>alert(1)'));
    const quote = await client.post('/connexion', { identifier: '"><img src=x onerror=alert(1)>', password: 'x' });
    assert.ok(quote.body.includes('value="&quot;>&lt;img src=x onerror=alert(1)>"'));
    assert.ok(!quote.body.includes('<img src=x'));
  });

  test('logs carry no personal data: no email, password, IP, session cookie or token from a URL', async () => {
    const email = 'journal.personne@guichet.test';
    const who = await createTestAccount(t.db, 'citizen', { email });
    const client = t.client();
    const ip = '198.51.100.23';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    await client.get('/connexion');
    const form = (fields: Record<string, string>) => new URLSearchParams({ ...fields, _csrf: client.csrf() }).toString();

    const failed = await inject(client, { method: 'POST', url: '/connexion', headers, payload: form({ identifier: email, password: 'Mauvais-mot-de-passe-99' }), remoteAddress: ip });
    assert.equal(failed.statusCode, 401);
    const signedIn = await inject(client, { method: 'POST', url: '/connexion', headers, payload: form({ identifier: email, password: who.password }), remoteAddress: ip });
    assert.equal(signedIn.statusCode, 303);
    // The IP does reach the application (the audit log keeps it), not the log.
    const audited = await queryRows<{ n: number }>(t.db as Db, sql`select count(*)::int as n from audit_event where ip = ${ip}`);
    assert.ok(audited[0]!.n > 0);
    for (const c of signedIn.cookies) client.cookies.set(c.name, c.value);
    const session = client.cookies.get('guichet_session');
    assert.ok(session);
    assert.equal((await client.get('/compte')).statusCode, 200);

    // A reset link: its token is in the URL path.
    const anonymousClient = t.client();
    await anonymousClient.get('/mot-de-passe/oubli');
    assert.equal((await anonymousClient.post('/mot-de-passe/oubli', { identifier: email })).statusCode, 200);
    const [mail] = await queryRows<{ text_body: string }>(t.db, sql`select text_body from outbox_mail where recipient = ${email} order by id desc limit 1`);
    const token = /\/mot-de-passe\/reinitialiser\/([\w-]+)/.exec(mail!.text_body)?.[1];
    assert.ok(token);
    assert.equal((await anonymousClient.get(`/mot-de-passe/reinitialiser/${token}?retour=${encodeURIComponent(email)}`)).statusCode, 200);
    await t.app.outbox.drain();

    const log = logLines.join('');
    assert.ok(logLines.length > 0);
    // The capture works: the request lines are there, with route patterns.
    assert.match(log, /"route":"\/connexion".*"status":303/);
    assert.match(log, /"route":"\/mot-de-passe\/reinitialiser\/:token"/);
    for (const secret of [email, 'journal.personne', who.password, 'Mauvais-mot-de-passe-99', ip, '127.0.0.1', session, token]) {
      assert.ok(!log.includes(secret), `the log contains ${secret}`);
    }
  });
});

describe('/readyz', () => {
  test('answers 503 when the database does not', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.decorate('config', testConfig());
    app.decorate('devMailbox', false);
    const failing = {
      execute: async () => {
        throw new Error('connection refused');
      },
    } as unknown as Db;
    registerPlatformRoutes(app, { db: failing, kind: 'postgres', migrate: async () => {}, poolStats: () => null, close: async () => {} });
    try {
      const response = await app.inject({ url: '/readyz' });
      assert.equal(response.statusCode, 503);
      assert.deepEqual(response.json(), { status: 'unavailable' });
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
