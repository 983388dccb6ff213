import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { SMTPServer } from 'smtp-server';
import type { AccountKind } from '../src/platform/context.js';
import { createTestAccount, type TestAccount } from '../src/platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../src/platform/testing/app.js';
import { smtpTransport } from '../src/platform/outbox/worker.js';
import { translate, type MessageKey, type Params } from '../src/platform/i18n/index.js';
import { currentTotp } from '../src/modules/identity/totp.js';

/**
 * Shared harness of the browser tests: the real app listening on a local port, an SMTP server that
 * keeps what it receives, and Debian's Chromium driven by playwright-core. Every page a test
 * reaches is scanned with axe-core (WCAG 2.1 A and AA).
 */

const root = path.resolve(import.meta.dirname, '..');
const AXE_SCRIPT = path.join(root, 'node_modules/axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** French labels from the app's own catalogue, so wording changes do not break the tests. */
export function fr(key: MessageKey, params?: Params): string {
  return translate('fr', key, params);
}

export function en(key: MessageKey, params?: Params): string {
  return translate('en', key, params);
}

// --- Mail ----------------------------------------------------------------------------------------

export type ReceivedMail = { from: string; to: string[]; raw: string; subject: string; text: string };

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const soft = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitEntity(entity: string): { headers: string; body: string } {
  const index = entity.search(/\r?\n\r?\n/);
  if (index < 0) return { headers: entity, body: '' };
  const separator = /\r?\n\r?\n/.exec(entity.slice(index))?.[0] ?? '\n\n';
  return { headers: entity.slice(0, index), body: entity.slice(index + separator.length) };
}

function header(headers: string, name: string): string {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() ?? '';
}

/** The decoded text of every leaf part of a MIME entity (plain text and HTML alike), joined. */
function mimeText(entity: string): string {
  const { headers, body } = splitEntity(entity);
  const type = header(headers, 'Content-Type');
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'))
      .map((part) => mimeText(part.replace(/^\r?\n/, '')))
      .join('\n');
  }
  const encoding = header(headers, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** An encoded-word subject (=?UTF-8?Q?...?= or =?UTF-8?B?...?=) made readable. */
function decodeSubject(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_whole, kind: string, text: string) =>
      kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

/** An SMTP server on 127.0.0.1 that keeps every message it accepts. */
export class MailCatcher {
  readonly mails: ReceivedMail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers } = splitEntity(raw);
        this.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeSubject(header(headers, 'Subject')),
          text: mimeText(raw),
        });
        callback();
      });
    },
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The first mail to this address matching the predicate, polled for up to ten seconds. */
  async waitFor(to: string, predicate: (mail: ReceivedMail) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.find((m) => m.to.includes(to) && predicate(m));
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = this.mails.map((m) => `${m.to.join(',')}: ${m.subject}`).join('\n  ');
        assert.fail(`no mail to ${to} within ${timeoutMs} ms; received:\n  ${seen || '(none)'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Every http(s) link of a decoded mail. */
export function linksOf(mail: ReceivedMail): string[] {
  return [...mail.text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0].replace(/[.,;]+$/, ''));
}

// --- Environment ---------------------------------------------------------------------------------

export type E2E = {
  t: TestApp;
  baseUrl: string;
  mails: MailCatcher;
  browser: Browser;
  /**
   * A page in a fresh browser context (no cookies), French first in Accept-Language, with axe
   * loaded and the page's CSP bypassed; with enforceCsp, no axe and the app's CSP applies.
   */
  newPage(options?: { enforceCsp?: boolean }): Promise<Page>;
  /** A fresh account in the app's database (see createTestAccount). */
  account(kind: AccountKind, options?: Parameters<typeof createTestAccount>[2]): Promise<TestAccount>;
  close(): Promise<void>;
};

export async function startE2E(): Promise<E2E> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step();
  };
  try {
    const mails = new MailCatcher();
    await mails.start();
    cleanups.push(() => mails.close());
    // The SMTP server offers no STARTTLS; ignoreTLS keeps nodemailer from asking for it anyway.
    const t = await buildTestApp({
      mailTransport: smtpTransport(`${mails.url}?ignoreTLS=true`, 'guichet <ne-pas-repondre@guichet.test>', 'guichet.test'),
    });
    cleanups.push(() => t.close());
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    const baseUrl = `http://127.0.0.1:${port}`;
    return {
      t,
      baseUrl,
      mails,
      browser,
      async newPage(options = {}) {
        if (options.enforceCsp) {
          const context = await browser.newContext({ baseURL: baseUrl, locale: 'fr-CA' });
          return context.newPage();
        }
        // axe is injected in every document; bypassCSP lets it run whatever the page's policy.
        const context = await browser.newContext({ baseURL: baseUrl, bypassCSP: true, locale: 'fr-CA' });
        await context.addInitScript({ path: AXE_SCRIPT });
        return context.newPage();
      },
      account: (kind, options) => createTestAccount(t.db, kind, options),
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Runs the body with a page of a fresh context, closing the context afterwards. */
export async function withPage(env: E2E, body: (page: Page) => Promise<void>, options: { enforceCsp?: boolean } = {}): Promise<void> {
  const page = await env.newPage(options);
  try {
    await body(page);
  } finally {
    await page.context().close();
  }
}

// --- Accessibility -------------------------------------------------------------------------------

type AxeWindow = { axe?: { run(context: Document, options: object): Promise<AxeResults> } };

/** Runs axe-core on the page (WCAG 2.1 A and AA) and fails with the list of violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as unknown as AxeWindow).axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate(
    (tags) => (window as unknown as Required<AxeWindow>).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.html.slice(0, 200)}`).join('\n');
      return `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${nodes}`;
    })
    .join('\n');
  assert.equal(results.violations.length, 0, `accessibility violations on ${page.url()}:\n${report}`);
}

// --- Navigation ----------------------------------------------------------------------------------

/** Runs an action that navigates (a click on a link or a submit button) and waits for the new page. */
export async function navigating(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await action();
  await navigated;
  await page.waitForLoadState('load');
}

/** Goes to a path and checks its accessibility. */
export async function visit(page: Page, pathname: string): Promise<void> {
  await page.goto(pathname);
  await expectAccessible(page);
}

export function assertIncludes(text: string, part: string): void {
  assert.ok(text.includes(part), `expected to find ${JSON.stringify(part)} in:\n${text}`);
}

export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** Waits until the element has the focus (focus moves after a fragment navigation or a script). */
export async function waitForFocus(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, { timeout: 5000 });
}

/** The field labelled by a catalogue label (the label also holds the "required" mark). */
export function field(page: Page, key: MessageKey): Locator {
  return page.getByLabel(new RegExp(`^${escapeRegExp(fr(key))}`));
}

export function button(page: Page, key: MessageKey): Locator {
  return page.getByRole('button', { name: fr(key), exact: true });
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Signs in through the pages up to (not including) the second step; every page is scanned. */
export async function submitPassword(page: Page, who: TestAccount, password = who.password): Promise<void> {
  await visit(page, '/connexion');
  await field(page, 'signin.identifier').fill(who.identifier);
  await field(page, 'signin.password').fill(password);
  await navigating(page, () => button(page, 'signin.submit').click());
  await expectAccessible(page);
}

/** Answers the second step with the current TOTP code of the account. */
export async function submitTotp(page: Page, who: TestAccount): Promise<void> {
  assert.ok(who.totpSecret, 'the account has no TOTP secret');
  assert.equal(pathOf(page), '/connexion/mfa');
  await field(page, 'mfa.code').fill(currentTotp(who.totpSecret));
  await navigating(page, () => button(page, 'mfa.submit').click());
  await expectAccessible(page);
}
