import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.js';
import { parseConfig, type Config, type ConfigInput } from '../../config.js';
import type { Database } from '../db/index.js';
import type { LogStream } from '../http/logging.js';
import type { MailTransport } from '../outbox/worker.js';
import { openTestDatabase } from './database.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hmac-0123456789';

export function testConfig(overrides: ConfigInput = {}): Config {
  return parseConfig(
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', SECRET: TEST_SECRET, AUTH_FAILURE_DELAY_MS: '0', LOGIN_RATE_LIMIT_PER_MINUTE: '1000', ...overrides },
    () => TEST_SECRET,
  );
}

export type TestApp = {
  app: FastifyInstance;
  database: Database;
  db: Database['db'];
  config: Config;
  client(): TestClient;
  close(): Promise<void>;
};

/** The whole app on a fresh clone of the migrated template database. */
export async function buildTestApp(
  options: { config?: ConfigInput; mailTransport?: MailTransport; logStream?: LogStream } = {},
): Promise<TestApp> {
  const database = await openTestDatabase();
  // Uploaded files go to a directory of this app's own, removed at close.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-test-'));
  const config = testConfig({ DATA_DIR: dataDir, ...options.config });
  const app = await buildApp({ config, database, mailTransport: options.mailTransport, logStream: options.logStream, outboxIntervalMs: 3_600_000 });
  await app.ready();
  return {
    app,
    database,
    db: database.db,
    config,
    client: () => new TestClient(app),
    async close() {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser-like client over app.inject: keeps cookies and fills in the CSRF token of the last page. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  lastHtml = '';

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of response.cookies) {
      const expired = c.maxAge === 0 || (c.expires instanceof Date && c.expires.getTime() <= Date.now());
      if (expired || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    if (String(response.headers['content-type'] ?? '').includes('text/html')) this.lastHtml = response.body;
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  /** The CSRF token of the last HTML page received. */
  csrf(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!match?.[1]) throw new Error('no CSRF token on the last page');
    return match[1];
  }

  /** Posts a form as a browser would, with the CSRF token of the last page unless one is given. */
  async post(url: string, form: Record<string, string>, options: { csrf?: string | null } = {}): Promise<LightMyRequestResponse> {
    const token = options.csrf === undefined ? this.csrf() : options.csrf;
    const body = new URLSearchParams({ ...form, ...(token === null ? {} : { _csrf: token }) }).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      }),
    );
  }

  /**
   * Posts a multipart form as a browser would: the fields, then one file; the CSRF token of the
   * last page goes in the query string (the form's action carries it), unless one is given.
   */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    file: { name: string; filename: string; content: Buffer; contentType?: string },
    options: { csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const token = options.csrf === undefined ? this.csrf() : options.csrf;
    const target = token === null ? url : `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}`;
    const boundary = `----guichet${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    for (const [name, value] of Object.entries(fields)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/pdf'}\r\n\r\n`,
      ),
      file.content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url: target,
        headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      }),
    );
  }

  /** Follows a redirect (303) with a GET. */
  async follow(response: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    const location = response.headers.location;
    if (!location) throw new Error(`not a redirect: ${response.statusCode}`);
    return this.get(String(location));
  }
}
