/**
 * Helpers shared by the identity module's integration tests: expected page texts, TOTP codes that
 * are (or are not) accepted, and reads of the rows the module writes.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { sha256Hex } from '../../platform/crypto.js';
import type { Db } from '../../platform/db/index.js';
import type { TestClient } from '../../platform/testing/app.js';
import { translate, type Lang, type MessageKey, type Params } from '../../platform/i18n/index.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { SESSION_COOKIE } from './routes.js';
import { account, session } from './schema.js';
import { currentTotp } from './totp.js';

export { SESSION_COOKIE };

/** Escapes what the page renderer escapes in text, so catalogue texts can be looked up in pages. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A catalogue text as it appears in a page. */
export function pageText(key: MessageKey, params: Params = {}, lang: Lang = 'fr'): string {
  return escapeHtml(translate(lang, key, params));
}

export function assertHasText(body: string, key: MessageKey, params: Params = {}, lang: Lang = 'fr'): void {
  const expected = pageText(key, params, lang);
  assert.ok(body.includes(expected), `page should contain "${expected}"`);
}

export function assertLacksText(body: string, key: MessageKey, params: Params = {}, lang: Lang = 'fr'): void {
  const unexpected = pageText(key, params, lang);
  assert.ok(!body.includes(unexpected), `page should not contain "${unexpected}"`);
}

/** The links of the error summary, e.g. ['#newPassword']. */
export function errorSummaryLinks(body: string): string[] {
  const summary = /<div[^>]*id="error-summary"[^>]*>([\s\S]*?)<\/ul>/.exec(body);
  if (!summary?.[1]) return [];
  return [...summary[1].matchAll(/<a href="([^"]+)"/g)].map((m) => m[1] ?? '');
}

/** The value attribute of an input, or null when there is no such input. */
export function inputValue(body: string, name: string): string | null {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(body)?.[0];
  if (!input) return null;
  return /value="([^"]*)"/.exec(input)?.[1] ?? '';
}

/** The page without what changes from one request to another (CSRF token), for comparisons. */
export function stablePage(body: string): string {
  return body.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
}

export function assertRedirect(response: LightMyRequestResponse, location: string): void {
  assert.equal(response.statusCode, 303, `expected a 303 to ${location}, got ${response.statusCode}`);
  assert.equal(response.headers.location, location);
}

/** A response that clears the session cookie (empty value, expired). */
export function clearsSessionCookie(response: LightMyRequestResponse): boolean {
  return response.cookies.some(
    (c) => c.name === SESSION_COOKIE && (c.value === '' || (c.expires instanceof Date && c.expires.getTime() <= Date.now())),
  );
}

// --- TOTP ------------------------------------------------------------------------------------

/** The code of the next 30-second step: accepted (±1 step) and newer than a code used just now. */
export function nextStepTotp(secret: string): string {
  return currentTotp(secret, Date.now() + 30_000);
}

/** Six digits that match none of the steps around now. */
export function wrongTotp(secret: string): string {
  const now = Date.now();
  const near = new Set([-2, -1, 0, 1, 2].map((offset) => currentTotp(secret, now + offset * 30_000)));
  for (let n = 0; ; n++) {
    const candidate = String((123_456 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** The key shown on the enrolment page, without the spaces that group it. */
export function shownTotpSecret(body: string): string {
  const match = /<code class="totp-secret">([^<]+)<\/code>/.exec(body);
  assert.ok(match?.[1], 'the enrolment page shows the key');
  return match[1].replace(/\s/g, '');
}

/** The recovery codes listed once after enrolment. */
function shownRecoveryCodes(body: string): string[] {
  const list = /<ul class="recovery-codes">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
  return [...list.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1] ?? '');
}

// --- Rows ------------------------------------------------------------------------------------

export async function auditActionsFor(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .select({ action: auditEvent.action })
    .from(auditEvent)
    .where(eq(auditEvent.subjectId, accountId))
    .orderBy(asc(auditEvent.id));
  return rows.map((r) => r.action);
}

export async function auditEventsFor(db: Db, accountId: string, action: string) {
  return db
    .select()
    .from(auditEvent)
    .where(and(eq(auditEvent.subjectId, accountId), eq(auditEvent.action, action)))
    .orderBy(asc(auditEvent.id));
}

export async function lastAuditId(db: Db): Promise<number> {
  const [row] = await db.select({ id: auditEvent.id }).from(auditEvent).orderBy(desc(auditEvent.id)).limit(1);
  return row?.id ?? 0;
}

export async function auditEventsSince(db: Db, afterId: number) {
  return db.select().from(auditEvent).where(gt(auditEvent.id, afterId)).orderBy(asc(auditEvent.id));
}

export async function mailsTo(db: Db, recipient: string) {
  return db.select().from(outboxMail).where(eq(outboxMail.recipient, recipient)).orderBy(asc(outboxMail.id));
}

/** The path of the first link to `prefix` in a mail's text, e.g. /mot-de-passe/reinitialiser/abc. */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`http://localhost:3000(${prefix}[A-Za-z0-9_-]+)`).exec(text);
  assert.ok(match?.[1], `the mail contains a link to ${prefix}`);
  return match[1];
}

export async function accountRow(db: Db, accountId: string) {
  const [row] = await db.select().from(account).where(eq(account.id, accountId));
  assert.ok(row, 'the account exists');
  return row;
}

export async function sessionCount(db: Db, accountId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(session).where(eq(session.accountId, accountId));
  return row?.n ?? 0;
}

export async function sessionOfCookie(db: Db, cookie: string | undefined) {
  if (!cookie) return undefined;
  const [row] = await db.select().from(session).where(eq(session.idHash, sha256Hex(cookie)));
  return row;
}

/**
 * Completes an enrolment from the enrolment page: reads the key shown, answers with the current
 * code, and returns the key and the recovery codes shown.
 */
export async function enrolFromPage(client: TestClient): Promise<{ secret: string; codes: string[]; response: LightMyRequestResponse }> {
  const page = await client.get('/connexion/mfa/inscription');
  assert.equal(page.statusCode, 200);
  const secret = shownTotpSecret(page.body);
  const response = await client.post('/connexion/mfa/inscription', { code: currentTotp(secret) });
  assert.equal(response.statusCode, 200);
  return { secret, codes: shownRecoveryCodes(response.body), response };
}
