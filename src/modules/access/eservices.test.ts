import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Ctx } from '../../platform/context.js';
import { createTestAccount, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { translate } from '../../platform/i18n/index.js';
import { upsertChildcareService } from '../childcare/service.js';
import { addTestMember, createTestEnterprise, ctxOf, type TestEnterprise } from '../enterprises/members-test-support.js';
import { assertHasText, errorSummaryLinks, mailsTo } from '../identity/test-support.js';
import { eserviceEnrolment, eserviceEnrolmentEvent } from './schema.js';
import { decideEnrolment, transmitEnrolment } from './service.js';

const settings = { publicUrl: 'http://localhost:3000' };

let t: TestApp;
let agent: TestAccount;
let agentCtx: Ctx;
let otherAgentCtx: Ctx;
/** One agent's browser for the whole file: a TOTP code is accepted once, so the agent signs in once. */
let agentClient: TestClient;
before(async () => {
  t = await buildTestApp();
  agent = await createTestAccount(t.db, 'agent');
  const other = await createTestAccount(t.db, 'agent');
  agentCtx = { actor: { type: 'account', accountId: agent.account.id, accountKind: 'agent', displayName: 'Agente' }, lang: 'fr', requestId: null, ip: null };
  agentClient = t.client();
  await signInAs(agentClient, agent);
  otherAgentCtx = { actor: { type: 'account', accountId: other.account.id, accountKind: 'agent', displayName: 'Agent' }, lang: 'fr', requestId: null, ip: null };
});
after(async () => t?.close());

function permitNumber(): string {
  return `GAR-${randomInt(100_000, 999_999)}`;
}

/** A permit held by a childcare service of the enterprise (its NEQ) or of another one. */
async function permitOf(neq: string): Promise<string> {
  const number = permitNumber();
  await upsertChildcareService(t.db, { permitNumber: number, kind: 'subsidized_daycare', name: `Garderie ${number}`, enterpriseNeq: neq });
  return number;
}

async function enrolmentOf(e: TestEnterprise) {
  const [row] = await t.db.select().from(eserviceEnrolment).where(and(eq(eserviceEnrolment.enterpriseId, e.enterpriseId), eq(eserviceEnrolment.ministry, 'famille')));
  return row;
}

async function mailSubjects(email: string | null): Promise<string[]> {
  return (await mailsTo(t.db, email ?? '')).map((m) => m.subject);
}

describe('enrolment into a ministry’s e-services', () => {
  test('the RSE enrols through the pages; a permit of the enterprise is accepted at once, with a mail', async () => {
    const e = await createTestEnterprise(t.db);
    const permit = await permitOf(e.neq);
    const client = t.client();
    await signInAs(client, e.rse);

    const list = await client.get('/entreprise/services-en-ligne');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /data-state="none"/);
    const form = await client.get('/entreprise/services-en-ligne/famille');
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(e.neq), 'the form shows the enterprise’s information');

    const invalid = await client.post('/entreprise/services-en-ligne/famille', { ministryNumber: '', otherInformation: '' });
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(invalid.body), ['#ministryNumber']);

    const review = await client.post('/entreprise/services-en-ligne/famille', { ministryNumber: permit.toLowerCase(), otherInformation: 'Deux installations' });
    assert.equal(review.statusCode, 200);
    assertHasText(review.body, 'eservices.consent');
    assert.equal(await enrolmentOf(e), undefined, 'nothing is transmitted before the consent');

    const noConsent = await client.post('/entreprise/services-en-ligne/famille/transmettre', { ministryNumber: permit, otherInformation: 'Deux installations' });
    assert.equal(noConsent.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(noConsent.body), ['#consent']);

    const sent = await client.post('/entreprise/services-en-ligne/famille/transmettre', { ministryNumber: permit, otherInformation: 'Deux installations', consent: 'oui' });
    assert.equal(sent.statusCode, 303);
    const row = await enrolmentOf(e);
    assert.equal(row?.state, 'active');
    assert.equal(row?.numberCheck, 'matched');
    assert.equal(row?.decidedBy, null);
    assert.ok(row?.decidedAt);
    const page = await client.follow(sent);
    assertHasText(page.body, 'eservices.transmitted.active', { ministry: translate('fr', 'eservices.ministry.famille') });
    assert.match(page.body, /data-state="active"/);
    assert.ok((await mailSubjects(e.rse.account.email)).includes(translate('fr', 'eservices.mail.accepted.subject')));

    // Once active, transmitting again is refused.
    await client.get('/entreprise/services-en-ligne/famille');
    const again = await client.post('/entreprise/services-en-ligne/famille/transmettre', { ministryNumber: permit, consent: 'oui' });
    assert.equal(again.statusCode, 409);
  });

  test('a number of another enterprise or unknown goes to the agents; an agent accepts and the RSE is told in their language', async () => {
    const e = await createTestEnterprise(t.db, { rseLanguage: 'en' });
    const elsewhere = await permitOf('9999999999');
    const row = await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'famille', ministryNumber: elsewhere, otherInformation: null });
    assert.equal(row.state, 'processing');
    assert.equal(row.numberCheck, 'other_enterprise');
    assert.ok(!(await mailSubjects(e.rse.account.email)).includes(translate('en', 'eservices.mail.accepted.subject')));

    const client = agentClient;
    const queue = await client.get('/agent/services-en-ligne');
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(`/agent/services-en-ligne/${row.id}`));
    const file = await client.get(`/agent/services-en-ligne/${row.id}`);
    assertHasText(file.body, 'eservices.check.other_enterprise');
    const accepted = await client.post(`/agent/services-en-ligne/${row.id}/accepter`, {});
    assert.equal(accepted.statusCode, 303);
    const decided = await enrolmentOf(e);
    assert.equal(decided?.state, 'active');
    assert.equal(decided?.decidedBy, agent.account.id);
    const mails = await mailsTo(t.db, e.rse.account.email ?? '');
    const mail = mails.find((m) => m.subject === translate('en', 'eservices.mail.accepted.subject'));
    assert.ok(mail, 'the RSE gets the acceptance in English');
    assert.equal(mail.language, 'en');
    const audits = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'eservice-enrolment.accepted'), eq(auditEvent.subjectId, row.id)));
    assert.equal(audits.length, 1);
    assert.equal(audits[0]?.actorId, agent.account.id);

    // Unknown numbers go to the agents too.
    const unknown = await createTestEnterprise(t.db);
    const pending = await transmitEnrolment(t.db, ctxOf(unknown.rse), settings, unknown.enterpriseId, { ministry: 'famille', ministryNumber: permitNumber(), otherInformation: null });
    assert.equal(pending.state, 'processing');
    assert.equal(pending.numberCheck, 'unknown');
  });

  test('a refused enrolment shows its reason, is corrected and transmitted again; the history keeps every step', async () => {
    const e = await createTestEnterprise(t.db);
    const first = await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'famille', ministryNumber: permitNumber(), otherInformation: null });
    // While in processing, a second transmission is refused.
    await assert.rejects(transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'famille', ministryNumber: permitNumber(), otherInformation: null }), { status: 409 });

    const client = agentClient;
    await client.get(`/agent/services-en-ligne/${first.id}`);
    const empty = await client.post(`/agent/services-en-ligne/${first.id}/refuser`, { reason: ' ' });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummaryLinks(empty.body), ['#reason']);
    const refused = await client.post(`/agent/services-en-ligne/${first.id}/refuser`, { reason: 'Numéro de permis introuvable' });
    assert.equal(refused.statusCode, 303);
    assert.equal((await enrolmentOf(e))?.state, 'refused');
    const refusal = (await mailsTo(t.db, e.rse.account.email ?? '')).find((m) => m.subject === translate('fr', 'eservices.mail.refused.subject'));
    assert.ok(refusal);
    assert.ok(refusal.textBody.includes('Numéro de permis introuvable'));

    const rse = t.client();
    await signInAs(rse, e.rse);
    const list = await rse.get('/entreprise/services-en-ligne');
    assert.match(list.body, /data-state="refused"/);
    assertHasText(list.body, 'eservices.refusalReason', { reason: 'Numéro de permis introuvable' });
    assertHasText(list.body, 'eservices.correct', { ministry: translate('fr', 'eservices.ministry.famille') });

    const corrected = await permitOf(e.neq);
    await rse.get('/entreprise/services-en-ligne/famille');
    const sent = await rse.post('/entreprise/services-en-ligne/famille/transmettre', { ministryNumber: corrected, consent: 'oui' });
    assert.equal(sent.statusCode, 303);
    const row = await enrolmentOf(e);
    assert.equal(row?.id, first.id, 'the same enrolment, corrected');
    assert.equal(row?.state, 'active');
    assert.equal(row?.refusalReason, null);
    const events = await t.db.select().from(eserviceEnrolmentEvent).where(eq(eserviceEnrolmentEvent.enrolmentId, first.id));
    assert.deepEqual(events.map((ev) => ev.state).sort(), ['active', 'processing', 'processing', 'refused']);
    const audits = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'eservice-enrolment.retransmitted'), eq(auditEvent.subjectId, first.id)));
    assert.equal(audits.length, 1);
  });

  test('two agents deciding at once: one decision, the other gets a 409', async () => {
    const e = await createTestEnterprise(t.db);
    const row = await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, { ministry: 'famille', ministryNumber: permitNumber(), otherInformation: null });
    const results = await Promise.allSettled([
      decideEnrolment(t.db, agentCtx, settings, row.id, { outcome: 'accept' }),
      decideEnrolment(t.db, otherAgentCtx, settings, row.id, { outcome: 'refuse', reason: 'Doublon' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected && rejected.status === 'rejected');
    assert.equal((rejected.reason as { status?: number }).status, 409);
    const events = await t.db.select().from(eserviceEnrolmentEvent).where(eq(eserviceEnrolmentEvent.enrolmentId, row.id));
    assert.equal(events.length, 2, 'the transmission and one decision');

    // Through the pages, the late agent reads a clear message.
    const client = agentClient;
    await client.get(`/agent/services-en-ligne/${row.id}`);
    const late = await client.post(`/agent/services-en-ligne/${row.id}/accepter`, {});
    assert.equal(late.statusCode, 409);
    assertHasText(late.body, 'eservices.alreadyDecided');
  });

  test('only the enterprise’s RSE enrols it; agents only decide', async () => {
    const e = await createTestEnterprise(t.db);
    const user = await addTestMember(t.db, e);
    const other = await createTestEnterprise(t.db);
    const input = { ministry: 'famille' as const, ministryNumber: permitNumber(), otherInformation: null };
    await assert.rejects(transmitEnrolment(t.db, ctxOf(user), settings, e.enterpriseId, input), { status: 403 });
    await assert.rejects(transmitEnrolment(t.db, ctxOf(other.rse), settings, e.enterpriseId, input), { status: 403 });
    await assert.rejects(transmitEnrolment(t.db, agentCtx, settings, e.enterpriseId, input), { status: 403 });
    const row = await transmitEnrolment(t.db, ctxOf(e.rse), settings, e.enterpriseId, input);
    await assert.rejects(decideEnrolment(t.db, ctxOf(e.rse), settings, row.id, { outcome: 'accept' }), { status: 403 });
    // An enterprise whose own enrolment is not active cannot enrol into e-services.
    const deferred = await createTestEnterprise(t.db, { active: false });
    await assert.rejects(transmitEnrolment(t.db, ctxOf(deferred.rse), settings, deferred.enterpriseId, input), { status: 403 });
  });
});
