import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { and, count, eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Ctx } from '../../platform/context.js';
import { queryRows, transaction } from '../../platform/db/index.js';
import { ForbiddenError } from '../../platform/errors.js';
import { translate } from '../../platform/i18n/index.js';
import { storedFile } from '../../platform/files/schema.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, TEST_SECRET, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { assertHasText, enrolFromPage, mailsTo, pageText } from '../identity/test-support.js';
import { upsertRegistryRecord } from './registry.js';
import type { LegalType } from './rules.js';
import { enrolment, enrolmentDocument, enrolmentEvent, enterpriseMember } from './schema.js';
import { submitEnrolment, type EnrolmentRequest } from './service.js';
import { verificationRoutes } from './verification-routes.js';
import { decideEnrolment, requirementStatus, verificationQueue } from './verification.js';
import { testRegistryRecord } from './registry-fixture.js';

const settings = { secret: TEST_SECRET, publicUrl: 'http://localhost:3000', failureDelayMs: 0 };
/** Small enough to test the limit with small files; the setting's floor is 1 KiB. */
const MAX_BYTES = 4096;

let t: TestApp;
before(async () => {
  t = await buildTestApp({ config: { UPLOAD_MAX_BYTES: String(MAX_BYTES) } });
});
after(async () => t?.close());

// --- Helpers ---------------------------------------------------------------------------------

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

let serial = 0;
function tenDigits(): string {
  serial++;
  return `${randomInt(100_000, 999_999)}${String(serial).padStart(4, '0')}`;
}

let ipSerial = 0;
function ctx(lang: 'fr' | 'en' = 'fr'): Ctx {
  ipSerial++;
  return { actor: { type: 'anonymous' }, lang, requestId: null, ip: `203.0.${Math.floor(ipSerial / 250)}.${(ipSerial % 250) + 1}` };
}

type Deferred = { enrolmentId: string; number: string; enterpriseId: string; email: string; userCode: string; temporaryPassword: string };

/** A deferred enrolment made through submitEnrolment, on an enterprise loaded in the registry. */
async function deferredEnrolment(legalType: LegalType = 'nonprofit', lang: 'fr' | 'en' = 'fr'): Promise<Deferred> {
  const rqId = tenDigits();
  const enterpriseId = await transaction(t.db, (tx) =>
    upsertRegistryRecord(tx, TEST_SECRET, testRegistryRecord({ rqId, neq: tenDigits(), legalName: `Centre de la petite enfance ${serial}`, legalType })),
  );
  const roles: Record<LegalType, EnrolmentRequest['role']> = {
    nonprofit: 'designated_by_resolution',
    corporation: 'designated_by_resolution',
    partnership: 'partner',
    sole_proprietor: 'named_by_proprietor',
  };
  const email = `rse-${serial}@cpe.test`;
  const result = await submitEnrolment(t.db, ctx(lang), settings, {
    legalType,
    role: roles[legalType],
    officerFunction: null,
    firstName: 'Josée',
    lastName: 'Lavoie',
    email,
    rqId,
    secrets: {},
  });
  assert.equal(result.outcome, 'deferred');
  return { enrolmentId: result.enrolment.id, number: result.enrolment.number, enterpriseId, email, userCode: result.userCode, temporaryPassword: result.temporaryPassword };
}

/** Signs the RSE in for the first time: temporary password, new password, MFA enrolment. */
async function signInRse(d: Deferred): Promise<TestClient> {
  const client = t.client();
  await client.get('/connexion');
  let response = await client.post('/connexion', { identifier: d.userCode, password: d.temporaryPassword });
  while (response.statusCode === 303 && response.headers.location !== '/mot-de-passe/changer') response = await client.follow(response);
  await client.follow(response);
  const newPassword = `Nouvelle-phrase-${serial}-solide-et-longue`;
  await client.post('/mot-de-passe/changer', { newPassword, confirmPassword: newPassword });
  await enrolFromPage(client);
  const page = await client.get('/entreprise/inscription');
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  return client;
}

const sessions = new Map<string, TestClient>();
/** One session per account: a second sign-in in the same 30 s would replay the TOTP code. */
async function signedIn(who: TestAccount): Promise<TestClient> {
  const known = sessions.get(who.account.id);
  if (known) return known;
  const client = t.client();
  const response = await signInAs(client, who);
  assert.equal(response.statusCode, 303);
  sessions.set(who.account.id, client);
  return client;
}

/** A CSRF token for the client's session (or its visitor seed). */
async function csrfOf(client: TestClient): Promise<string> {
  const home = await client.get('/');
  if (/name="_csrf"/.test(home.body)) return client.csrf();
  await client.get('/connexion');
  return client.csrf();
}

async function upload(client: TestClient, kind: string, content: Buffer, filename = `${kind}.pdf`): Promise<LightMyRequestResponse> {
  await client.get('/entreprise/inscription');
  return client.postMultipart('/entreprise/inscription/documents', { kind }, { name: 'file', filename, content });
}

async function stateOf(enrolmentId: string) {
  const [row] = await t.db.select().from(enrolment).where(eq(enrolment.id, enrolmentId));
  assert.ok(row);
  return row;
}

async function documentsOf(enrolmentId: string) {
  return t.db.select().from(enrolmentDocument).where(eq(enrolmentDocument.enrolmentId, enrolmentId));
}

async function eventsOf(enrolmentId: string) {
  return t.db.select().from(enrolmentEvent).where(eq(enrolmentEvent.enrolmentId, enrolmentId)).orderBy(enrolmentEvent.createdAt);
}

async function storedFileCount(): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(storedFile);
  return row?.n ?? 0;
}

function filesOnDisk(dir = path.join(t.config.DATA_DIR, 'files')): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesOnDisk(full) : [full];
  });
}

async function auditActions(enrolmentId: string): Promise<string[]> {
  const rows = await t.db.select({ action: auditEvent.action }).from(auditEvent).where(and(eq(auditEvent.subjectType, 'enrolment'), eq(auditEvent.subjectId, enrolmentId)));
  return rows.map((r) => r.action);
}

function agentCtx(agent: TestAccount): Ctx {
  return { actor: { type: 'account', accountId: agent.account.id, accountKind: 'agent', displayName: agent.account.displayName }, lang: 'fr', requestId: null, ip: null };
}

/** A file with every requirement of an OBNL sent, submitted for verification. */
async function submittedFile(lang: 'fr' | 'en' = 'fr'): Promise<Deferred & { client: TestClient }> {
  const d = await deferredEnrolment('nonprofit', lang);
  const client = await signInRse(d);
  assert.equal((await upload(client, 'board_resolution', PDF)).statusCode, 303);
  assert.equal((await upload(client, 'signed_forms', PDF)).statusCode, 303);
  await client.get('/entreprise/inscription');
  assert.equal((await client.post('/entreprise/inscription/soumettre', {})).statusCode, 303);
  assert.equal((await stateOf(d.enrolmentId)).state, 'under_verification');
  return { ...d, client };
}

// --- Rules -----------------------------------------------------------------------------------

describe('requirements', () => {
  test('a proof of authority is any of the articles, by-laws, resolutions, agreement or other proof', () => {
    for (const kind of ['articles_of_incorporation', 'bylaws', 'board_resolution', 'sole_administrator_resolution', 'unanimous_shareholder_agreement', 'other_proof'] as const) {
      assert.deepEqual(requirementStatus(['proof_of_authority'], [kind]), [{ requirement: 'proof_of_authority', satisfied: true }], kind);
    }
    assert.deepEqual(requirementStatus(['proof_of_authority'], ['signed_forms', 'mandate']), [{ requirement: 'proof_of_authority', satisfied: false }]);
    assert.deepEqual(requirementStatus(['signed_forms', 'mandate'], ['signed_forms']), [
      { requirement: 'signed_forms', satisfied: true },
      { requirement: 'mandate', satisfied: false },
    ]);
    assert.deepEqual(requirementStatus(['board_resolution'], ['sole_administrator_resolution']), [{ requirement: 'board_resolution', satisfied: false }]);
  });
});

// --- The enterprise's side -------------------------------------------------------------------

describe('the RSE sends documents', () => {
  test('the page shows the state, the documents required and the forms to sign, prefilled', async () => {
    const d = await deferredEnrolment('nonprofit');
    const client = await signInRse(d);
    const page = await client.get('/entreprise/inscription');
    assert.ok(page.body.includes(d.number));
    assertHasText(page.body, 'verification.state.waiting_documents');
    assertHasText(page.body, 'ack.document.board_resolution');
    assertHasText(page.body, 'ack.document.signed_forms');
    assertHasText(page.body, 'verification.submit.notReady');
    assert.ok(!page.body.includes('action="/entreprise/inscription/soumettre"'));
    const pdf = await client.get('/entreprise/inscription/formulaires.pdf');
    assert.equal(pdf.statusCode, 200);
    assert.match(String(pdf.headers['content-type']), /^application\/pdf/);
    const doc = await PDFDocument.load(pdf.rawPayload);
    assert.ok(doc.getPageCount() >= 1);
    assert.equal(doc.getTitle(), pageText('verification.forms.pdfTitle', { number: d.number }));
  });

  test('uploads: a non-PDF renamed .pdf, a PDF over the limit and an empty file are refused, nothing of them is kept, and the page keeps the other documents', async () => {
    const d = await deferredEnrolment('nonprofit');
    const client = await signInRse(d);
    const ok = await upload(client, 'board_resolution', PDF, 'résolution du CA.pdf');
    assert.equal(ok.statusCode, 303);
    const rows = await storedFileCount();
    const onDisk = filesOnDisk().length;
    assert.equal(onDisk, rows, 'one body per row');

    const notPdf = await upload(client, 'signed_forms', Buffer.from('PK\x03\x04 this is a zip file really'), 'formulaires.pdf');
    assert.equal(notPdf.statusCode, 400);
    assertHasText(notPdf.body, 'files.upload.notPdf');
    assert.ok(notPdf.body.includes('résolution du CA.pdf'), 'the other document is still listed');

    const tooBig = await upload(client, 'signed_forms', Buffer.concat([PDF, Buffer.alloc(MAX_BYTES * 4, 0x20)]), 'gros.pdf');
    assert.equal(tooBig.statusCode, 413);
    assertHasText(tooBig.body, 'files.upload.tooLarge', { size: '0' });
    assert.ok(tooBig.body.includes('résolution du CA.pdf'));

    const empty = await upload(client, 'signed_forms', Buffer.alloc(0), 'vide.pdf');
    assert.equal(empty.statusCode, 400);
    assertHasText(empty.body, 'files.upload.empty');
    assert.ok(empty.body.includes('résolution du CA.pdf'));

    assert.equal(await storedFileCount(), rows, 'no row was kept for a refused file');
    assert.equal(filesOnDisk().length, onDisk, 'no body was kept for a refused file');
    const docs = await documentsOf(d.enrolmentId);
    assert.deepEqual(docs.map((doc) => doc.kind), ['board_resolution']);
  });

  test('an upload without a kind or a file says which is missing; a multipart form without its CSRF token is refused', async () => {
    const d = await deferredEnrolment('nonprofit');
    const client = await signInRse(d);
    const noKind = await upload(client, '', PDF);
    assert.equal(noKind.statusCode, 400);
    assertHasText(noKind.body, 'verification.kind.required');
    const noFile = await upload(client, 'signed_forms', Buffer.alloc(0), '');
    assert.equal(noFile.statusCode, 400);
    assertHasText(noFile.body, 'files.upload.missing');
    await client.get('/entreprise/inscription');
    const forged = await client.postMultipart('/entreprise/inscription/documents', { kind: 'signed_forms' }, { name: 'file', filename: 'f.pdf', content: PDF }, { csrf: null });
    assert.equal(forged.statusCode, 403);
    assert.equal((await documentsOf(d.enrolmentId)).length, 0);
  });

  test('a document can be downloaded by its enterprise and deleted while waiting', async () => {
    const d = await deferredEnrolment('nonprofit');
    const client = await signInRse(d);
    await upload(client, 'board_resolution', PDF);
    const [doc] = await documentsOf(d.enrolmentId);
    assert.ok(doc);
    const download = await client.get(`/entreprise/inscription/documents/${doc.id}`);
    assert.equal(download.statusCode, 200);
    assert.deepEqual(download.rawPayload, PDF);
    const files = filesOnDisk().length;
    await client.get('/entreprise/inscription');
    assert.equal((await client.post(`/entreprise/inscription/documents/${doc.id}/supprimer`, {})).statusCode, 303);
    assert.equal((await documentsOf(d.enrolmentId)).length, 0);
    assert.equal(filesOnDisk().length, files - 1, 'the body is deleted too');
    assert.ok((await auditActions(d.enrolmentId)).includes('enrolment.document-deleted'));
  });

  test('submitting needs every requirement covered; after it, documents can no longer change', async () => {
    const d = await deferredEnrolment('nonprofit');
    const client = await signInRse(d);
    await upload(client, 'board_resolution', PDF);
    await client.get('/entreprise/inscription');
    const early = await client.post('/entreprise/inscription/soumettre', {});
    assert.equal(early.statusCode, 409);
    assertHasText(early.body, 'verification.submit.incomplete');
    assert.equal((await stateOf(d.enrolmentId)).state, 'waiting_documents');

    await upload(client, 'signed_forms', PDF);
    const page = await client.get('/entreprise/inscription');
    assert.ok(page.body.includes('action="/entreprise/inscription/soumettre"'));
    assertHasText(page.body, 'verification.submit.ready');
    assert.equal((await client.post('/entreprise/inscription/soumettre', {})).statusCode, 303);
    assert.equal((await stateOf(d.enrolmentId)).state, 'under_verification');
    assert.deepEqual((await eventsOf(d.enrolmentId)).map((e) => [e.kind, e.state]), [['submitted', 'under_verification']]);
    assert.ok((await auditActions(d.enrolmentId)).includes('enrolment.submitted'));

    const after = await client.get('/entreprise/inscription');
    assertHasText(after.body, 'verification.state.under_verification');
    assertHasText(after.body, 'verification.event.submitted');
    const late = await upload(client, 'other_proof', PDF);
    assert.equal(late.statusCode, 409);
    const [doc] = await documentsOf(d.enrolmentId);
    assert.equal((await client.post(`/entreprise/inscription/documents/${doc!.id}/supprimer`, {})).statusCode, 409);
    assert.equal((await documentsOf(d.enrolmentId)).length, 2);
  });

  test('submitting tells the person who enrolled by mail, in their language, that the file is under verification', async () => {
    for (const lang of ['fr', 'en'] as const) {
      const f = await submittedFile(lang);
      const params = { number: f.number, name: await legalNameOf(f.enterpriseId) };
      const received = translate(lang, 'verification.mail.submitted', params);
      const mails = (await mailsTo(t.db, f.email)).filter((m) => m.textBody.includes(received));
      assert.equal(mails.length, 1, `one mail "${received}" to ${f.email}`);
      const [mail] = mails;
      assert.equal(mail?.subject, translate(lang, 'verification.mail.subject', params));
      assert.equal(mail?.language, lang);
      assert.ok(mail?.textBody.includes(translate(lang, 'verification.mail.submittedNext', params)), mail?.textBody);
      assert.ok(mail?.textBody.includes('http://localhost:3000/entreprise/inscription'), 'a link to the enrolment page');
    }
  });
});

// --- Registry agents -------------------------------------------------------------------------

describe('registry agents', () => {
  let agent: TestAccount;
  before(async () => {
    agent = await createTestAccount(t.db, 'agent');
  });

  test('the queue lists deferred enrolments oldest first, filtered by legal type and state, 50 a page by keyset', async () => {
    const a = await deferredEnrolment('partnership');
    const b = await deferredEnrolment('partnership');
    const c = await deferredEnrolment('corporation');
    const ordered = async (filters: Parameters<typeof verificationQueue>[2]) => (await verificationQueue(t.db, agentCtx(agent), filters)).rows.map((r) => r.number);
    const partnerships = await ordered({ legalType: 'partnership', state: 'waiting_documents' });
    assert.ok(partnerships.indexOf(a.number) >= 0 && partnerships.indexOf(a.number) < partnerships.indexOf(b.number), 'oldest first');
    assert.ok(!partnerships.includes(c.number), 'filtered by legal type');
    assert.ok(!(await ordered({ state: 'under_verification' })).includes(a.number), 'filtered by state');
    assert.ok((await ordered({ legalType: 'corporation' })).includes(c.number), 'every state when none is chosen');

    // 60 more corporations, inserted in bulk, older than every other enrolment, two by two at the
    // same instant and a microsecond apart: the cursor keeps microseconds and breaks ties by id.
    const rse = agent.account.id;
    await t.db.execute(sql`
      insert into registry_enterprise (rq_id, neq, legal_name, legal_type, address_line, municipality, postal_code, return_filed, mailing_address_ok, file_in_good_standing, officers_up_to_date)
      select lpad((7000000000 + g)::text, 10, '0'), lpad((8000000000 + g)::text, 10, '0'), 'Garderie en lot ' || g, 'corporation', '1, rue Principale', 'Lévis', 'G6V 1A1', true, true, true, true
      from generate_series(1, 60) g`);
    await t.db.execute(sql`
      insert into enrolment (number, enterprise_id, legal_type, state, enroller_first_name, enroller_last_name, enroller_email, enroller_role, enroller_recognised, identifiers_given, documents_required, consented_at, rse_account_id, created_at)
      select 'INS-2000-' || lpad(row_number() over (order by e.rq_id)::text, 6, '0'), e.id, 'corporation', 'under_verification', 'Lot', 'Test', 'lot@cpe.test', 'employee', false, '{rqId}', '{signed_forms,proof_of_authority}', now(), ${rse}, timestamptz '2000-01-01' + (row_number() over (order by e.rq_id) / 2) * interval '1 microsecond'
      from registry_enterprise e where e.legal_name like 'Garderie en lot %'`);
    const filters = { legalType: 'corporation', state: 'under_verification' } as const;
    const first = await verificationQueue(t.db, agentCtx(agent), filters);
    assert.equal(first.rows.length, 50);
    assert.equal(first.previous, null);
    assert.ok(first.next);
    const second = await verificationQueue(t.db, agentCtx(agent), { ...filters, from: { direction: 'after', cursor: first.next } });
    assert.equal(second.rows.length, 10);
    assert.equal(second.next, null);
    assert.ok(second.previous);
    const numbers = [...first.rows, ...second.rows].map((r) => r.number);
    assert.deepEqual([...numbers].sort(), Array.from({ length: 60 }, (_, i) => `INS-2000-${String(i + 1).padStart(6, '0')}`), 'each entry once');
    const back = await verificationQueue(t.db, agentCtx(agent), { ...filters, from: { direction: 'before', cursor: second.previous } });
    assert.deepEqual(back.rows.map((r) => r.number), first.rows.map((r) => r.number), 'the previous page is the first one again');
    assert.equal(back.previous, null);
    for (const page of [first, second]) {
      const keys = page.rows.map((r) => `${r.cursor.at} ${r.cursor.id}`);
      assert.deepEqual(keys, [...keys].sort(), 'ordered by (created_at, id)');
    }

    const client = await signedIn(agent);
    const firstHtml = await client.get('/agent/inscriptions?type=corporation&etat=under_verification');
    const next = /<a href="([^"]+)" rel="next"/.exec(firstHtml.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(next && next.includes('apres='), 'a "next" link after the last entry shown');
    const html = await client.get(next);
    assert.equal(html.statusCode, 200);
    assert.equal((html.body.match(/data-enrolment=/g) ?? []).length, 10);
    assert.ok(!html.body.includes(first.rows[49]!.number), 'the second page starts after the first');
    assertHasText(html.body, 'verification.queue.previous');
    assert.equal((await client.get('/agent/inscriptions?etat=nimporte')).statusCode, 400);
    assert.equal((await client.get('/agent/inscriptions?apres=hier')).statusCode, 400);
    // The page shows the files waiting for an agent by default.
    const byDefault = await client.get('/agent/inscriptions');
    assert.ok(byDefault.body.includes(first.rows[0]!.number));
    assert.ok(!byDefault.body.includes(c.number), 'a file waiting for documents is not in the default queue');
    assert.ok((await client.get('/agent/inscriptions?type=corporation&etat=waiting_documents')).body.includes(c.number));
  });

  test('every filter of the queue reads an index in the queue order (no sort, no count)', async () => {
    const position = sql`(timestamptz '2000-01-01', '00000000-0000-0000-0000-000000000000'::uuid)`;
    for (const where of [
      sql`state = 'under_verification' and (created_at, id) > ${position}`,
      sql`state = 'under_verification' and legal_type = 'nonprofit' and (created_at, id) > ${position}`,
      sql`true`,
    ]) {
      // The test database is small: without this the planner would rather read the whole table.
      const plan = await transaction(t.db, async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const lines = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain select id from enrolment where ${where} order by created_at, id limit 51`);
        return lines.map((r) => r['QUERY PLAN']).join('\n');
      });
      assert.match(plan, /Index (Only )?Scan using enrolment_(queue|queue_type|created)_idx/, plan);
      assert.doesNotMatch(plan, /Sort/, plan);
    }
  });

  test('asking for more documents sends the file back to the RSE, with a mail in the RSE’s language and an audit event', async () => {
    const f = await submittedFile('en');
    const client = await signedIn(agent);
    const page = await client.get(`/agent/inscriptions/${f.enrolmentId}`);
    assert.equal(page.statusCode, 200);
    assertHasText(page.body, 'verification.activate');
    const [doc] = await documentsOf(f.enrolmentId);
    const download = await client.get(`/agent/inscriptions/${f.enrolmentId}/documents/${doc!.id}`);
    assert.equal(download.statusCode, 200);
    assert.deepEqual(download.rawPayload, PDF);

    const empty = await client.post(`/agent/inscriptions/${f.enrolmentId}/demander`, { message: '  ' });
    assert.equal(empty.statusCode, 400);
    assertHasText(empty.body, 'verification.askMore.required');
    const message = 'Please send the by-laws adopted in 2024.';
    assert.equal((await client.post(`/agent/inscriptions/${f.enrolmentId}/demander`, { message })).statusCode, 303);
    assert.equal((await stateOf(f.enrolmentId)).state, 'waiting_documents');
    const events = await eventsOf(f.enrolmentId);
    assert.deepEqual(events.at(-1) && [events.at(-1)!.kind, events.at(-1)!.message, events.at(-1)!.actorAccountId], ['more_documents_asked', message, agent.account.id]);
    const actions = await auditActions(f.enrolmentId);
    assert.ok(actions.includes('enrolment.more-documents-asked'));
    assert.ok(actions.includes('enrolment.document-viewed'), 'the agent’s download is audited');
    const mails = await mailsTo(t.db, f.email);
    const mail = mails.at(-1);
    assert.ok(mail);
    assert.equal(mail.language, 'en');
    assert.ok(mail.textBody.includes(message));
    assert.ok(mail.textBody.includes(f.number));

    // The RSE reads the message and can send documents again.
    const rsePage = await f.client.get('/entreprise/inscription');
    assert.ok(rsePage.body.includes(message));
    assert.equal((await upload(f.client, 'bylaws', PDF)).statusCode, 303);
  });

  test('activating and refusing record the decision, its history, its audit event and its mail', async () => {
    const client = await signedIn(agent);
    const yes = await submittedFile();
    await client.get(`/agent/inscriptions/${yes.enrolmentId}`);
    assert.equal((await client.post(`/agent/inscriptions/${yes.enrolmentId}/activer`, {})).statusCode, 303);
    const activated = await stateOf(yes.enrolmentId);
    assert.equal(activated.state, 'active');
    assert.ok(activated.activatedAt);
    assert.ok((await auditActions(yes.enrolmentId)).includes('enrolment.verified-activated'));
    assert.equal((await eventsOf(yes.enrolmentId)).at(-1)?.kind, 'activated');
    const yesMail = (await mailsTo(t.db, yes.email)).at(-1);
    const name = await legalNameOf(yes.enterpriseId);
    assert.equal(yesMail?.subject, pageText('verification.mail.subject', { number: yes.number, name }));
    assert.ok(yesMail?.textBody.includes(pageText('verification.mail.activated', { number: yes.number, name })));

    const no = await submittedFile();
    await client.get(`/agent/inscriptions/${no.enrolmentId}`);
    const noReason = await client.post(`/agent/inscriptions/${no.enrolmentId}/refuser`, { reason: '' });
    assert.equal(noReason.statusCode, 400);
    assertHasText(noReason.body, 'verification.refuse.required');
    const reason = 'La résolution n’est pas signée par le secrétaire.';
    assert.equal((await client.post(`/agent/inscriptions/${no.enrolmentId}/refuser`, { reason })).statusCode, 303);
    const refused = await stateOf(no.enrolmentId);
    assert.equal(refused.state, 'refused');
    assert.equal(refused.refusalReason, reason);
    assert.ok((await auditActions(no.enrolmentId)).includes('enrolment.refused'));
    const noMail = (await mailsTo(t.db, no.email)).at(-1);
    assert.equal(noMail?.language, 'fr');
    assert.ok(noMail?.textBody.includes(reason));
    const rsePage = await no.client.get('/entreprise/inscription');
    assertHasText(rsePage.body, 'verification.state.refused');
    assert.ok(rsePage.body.includes(reason), 'the RSE reads the reason');

    // A decided file takes no other decision.
    const again = await client.post(`/agent/inscriptions/${no.enrolmentId}/activer`, {});
    assert.equal(again.statusCode, 409);
    assert.equal((await stateOf(no.enrolmentId)).state, 'refused');
  });

  test('two agents deciding the same file at once: exactly one decision, the other gets a 409 page', async () => {
    const f = await submittedFile();
    const other = await createTestAccount(t.db, 'agent');
    const first = await signedIn(agent);
    const second = await signedIn(other);
    await first.get(`/agent/inscriptions/${f.enrolmentId}`);
    await second.get(`/agent/inscriptions/${f.enrolmentId}`);
    const mailsBefore = (await mailsTo(t.db, f.email)).length;
    const responses = await Promise.all([
      first.post(`/agent/inscriptions/${f.enrolmentId}/activer`, {}),
      second.post(`/agent/inscriptions/${f.enrolmentId}/refuser`, { reason: 'Documents illisibles.' }),
    ]);
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [303, 409]);
    const conflict = responses.find((r) => r.statusCode === 409);
    assertHasText(conflict!.body, 'verification.conflict');
    const decisions = (await eventsOf(f.enrolmentId)).filter((e) => e.kind === 'activated' || e.kind === 'refused');
    assert.equal(decisions.length, 1);
    assert.equal((await mailsTo(t.db, f.email)).length, mailsBefore + 1);
    const state = (await stateOf(f.enrolmentId)).state;
    assert.equal(state, decisions[0]!.kind === 'activated' ? 'active' : 'refused');

    // The same race through the service.
    const g = await submittedFile();
    const results = await Promise.allSettled([
      decideEnrolment(t.db, agentCtx(agent), settings, g.enrolmentId, { kind: 'activate' }),
      decideEnrolment(t.db, agentCtx(other), settings, g.enrolmentId, { kind: 'ask_more', message: 'Autre chose.' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
  });

  test('the history is append-only in the database', async () => {
    const f = await submittedFile();
    const appendOnly = (error: unknown) => /append-only/.test(String(error instanceof Error ? (error.cause ?? error) : error));
    await assert.rejects(t.db.execute(sql`update enrolment_event set message = 'changé' where enrolment_id = ${f.enrolmentId}`), appendOnly);
    await assert.rejects(t.db.execute(sql`delete from enrolment_event where enrolment_id = ${f.enrolmentId}`), appendOnly);
  });
});

async function legalNameOf(enterpriseId: string): Promise<string> {
  const [row] = await queryRows<{ legal_name: string }>(t.db, sql`select legal_name from registry_enterprise where id = ${enterpriseId}`);
  assert.ok(row);
  return row.legal_name;
}

// --- Who may do what -------------------------------------------------------------------------

describe('authorization on every route of deferred enrolments', () => {
  test('another enterprise’s RSE, an enterprise user of another enterprise, a citizen, an RSE on agent pages and an anonymous visitor are refused', async () => {
    // Enterprise A: the file attacked, under verification, with one document.
    const a = await submittedFile();
    const [doc] = await documentsOf(a.enrolmentId);
    assert.ok(doc);
    // Enterprise B: its RSE and one of its users.
    const b = await deferredEnrolment('partnership');
    const otherRse = await signInRse(b);
    const userOfB = await createTestAccount(t.db, 'enterprise');
    await t.db.insert(enterpriseMember).values({ enterpriseId: b.enterpriseId, accountId: userOfB.account.id, role: 'user' });
    const citizen = await createTestAccount(t.db, 'citizen');
    const loneEnterpriseAccount = await createTestAccount(t.db, 'enterprise');

    type Actor = { name: string; client: () => Promise<TestClient>; anonymous?: boolean };
    const actors: Actor[] = [
      { name: 'another enterprise’s RSE', client: async () => otherRse },
      { name: 'an enterprise user of another enterprise', client: () => signedIn(userOfB) },
      { name: 'a citizen', client: () => signedIn(citizen) },
      { name: 'an enterprise account of no enterprise', client: () => signedIn(loneEnterpriseAccount) },
      { name: 'an anonymous visitor', client: async () => t.client(), anonymous: true },
    ];
    type Route = { method: 'GET' | 'POST' | 'MULTIPART'; url: string; /** Scoped to the actor's own enterprise: B's people reach B's own file there. */ own?: boolean; agentsOnly?: boolean };
    const routes: Route[] = [
      { method: 'GET', url: '/entreprise/inscription', own: true },
      { method: 'GET', url: '/entreprise/inscription/formulaires.pdf', own: true },
      { method: 'MULTIPART', url: '/entreprise/inscription/documents', own: true },
      { method: 'GET', url: `/entreprise/inscription/documents/${doc.id}` },
      { method: 'POST', url: `/entreprise/inscription/documents/${doc.id}/supprimer` },
      { method: 'POST', url: '/entreprise/inscription/soumettre', own: true },
      { method: 'GET', url: '/agent/inscriptions', agentsOnly: true },
      { method: 'GET', url: `/agent/inscriptions/${a.enrolmentId}`, agentsOnly: true },
      { method: 'GET', url: `/agent/inscriptions/${a.enrolmentId}/documents/${doc.id}`, agentsOnly: true },
      { method: 'POST', url: `/agent/inscriptions/${a.enrolmentId}/activer`, agentsOnly: true },
      { method: 'POST', url: `/agent/inscriptions/${a.enrolmentId}/demander`, agentsOnly: true },
      { method: 'POST', url: `/agent/inscriptions/${a.enrolmentId}/refuser`, agentsOnly: true },
    ];
    // Every route this module part registers is in the list.
    const patterns = routes.map((r) => `${r.method === 'GET' ? 'GET' : 'POST'} ${r.url.replace(doc.id, ':documentId').replace(a.enrolmentId, ':id')}`);
    assert.deepEqual(new Set(patterns), new Set(verificationRoutes));
    for (const entry of verificationRoutes) {
      const [method, url] = entry.split(' ') as ['GET' | 'POST', string];
      assert.ok(t.app.hasRoute({ method, url }), `${entry} is registered`);
    }
    const bodies: { name: string; url: string; body: string }[] = [];
    // A's own RSE, for the routes A's people may use: they answer normally (the test would pass for nothing otherwise).
    const rseOfA = a.client;
    assert.equal((await rseOfA.get(`/entreprise/inscription/documents/${doc.id}`)).statusCode, 200);

    for (const actor of actors) {
      const client = await actor.client();
      for (const route of routes) {
        const csrf = await csrfOf(client);
        const response =
          route.method === 'GET'
            ? await client.get(route.url)
            : route.method === 'POST'
              ? await client.post(route.url, route.url.endsWith('/demander') ? { message: 'x' } : route.url.endsWith('/refuser') ? { reason: 'x' } : {}, { csrf })
              : await client.postMultipart(route.url, { kind: 'other_proof' }, { name: 'file', filename: 'x.pdf', content: PDF }, { csrf });
        const label = `${actor.name} → ${route.method} ${route.url}`;
        if (actor.anonymous) {
          assert.equal(response.statusCode, 303, label);
          assert.match(String(response.headers.location), /^\/connexion\?retour=/, label);
          continue;
        }
        const isMemberOfB = actor.name === 'another enterprise’s RSE' || actor.name === 'an enterprise user of another enterprise';
        if (route.own && isMemberOfB) {
          // B's people act on B's own file, never on A's: checked below on A's data.
          assert.ok(response.statusCode < 500, label);
        } else {
          assert.ok(response.statusCode === 403 || response.statusCode === 404, `${label}: ${response.statusCode}`);
        }
        assert.ok(!String(response.headers['content-type'] ?? '').includes('application/pdf') || route.url.endsWith('formulaires.pdf'), label);
        bodies.push({ name: actor.name, url: route.url, body: response.body });
      }
    }
    for (const entry of bodies) assert.ok(!entry.body.includes(a.number), `${entry.name} → ${entry.url} shows nothing of A`);
    // A's file is as it was.
    assert.equal((await stateOf(a.enrolmentId)).state, 'under_verification');
    assert.equal((await documentsOf(a.enrolmentId)).length, 2);
    assert.equal((await eventsOf(a.enrolmentId)).length, 1);
    // B's user may read B's page but not send documents for it.
    const bDocs = await documentsOf(b.enrolmentId);
    assert.ok(bDocs.every((d) => d.uploadedBy !== userOfB.account.id));
  });

  test('service functions refuse the same actors', async () => {
    const citizen = await createTestAccount(t.db, 'citizen');
    const citizenCtx: Ctx = { actor: { type: 'account', accountId: citizen.account.id, accountKind: 'citizen', displayName: 'x' }, lang: 'fr', requestId: null, ip: null };
    await assert.rejects(verificationQueue(t.db, citizenCtx, {}), ForbiddenError);
    await assert.rejects(verificationQueue(t.db, ctx(), {}), ForbiddenError);
    const f = await deferredEnrolment('nonprofit');
    await assert.rejects(decideEnrolment(t.db, citizenCtx, settings, f.enrolmentId, { kind: 'activate' }), ForbiddenError);
  });
});
