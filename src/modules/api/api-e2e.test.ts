import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from '../portal/admissions.js';
import { addMonths } from '../portal/families.js';
import { admission, serviceAgreement } from '../portal/schema.js';
import { childInReserve, coordinatingOfficeOf, publishedProvider } from '../portal/test-support.js';
import { apiIdempotencyKey } from './schema.js';
import { apiClientOf, apiGet, apiPost, tokenOf } from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({ config: { API_TOKEN_RATE_LIMIT_PER_MINUTE: '1000' } });
});
after(async () => t?.close());

const start = () => ({ plannedStart: addMonths(todayInQuebec(), 1), override: false, overrideReason: '' });

describe('a management software through the API', () => {
  test('gets a token, reads the réserve page by page, confirms an admission and retries its POST safely', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const first = await childInReserve(t.db, rsge.siteId, { firstName: 'Éloïse', desiredStart: addMonths(todayInQuebec(), 2) });
    const second = await childInReserve(t.db, rsge.siteId, { firstName: 'Noah', desiredStart: addMonths(todayInQuebec(), 3) });
    const third = await childInReserve(t.db, rsge.siteId, { firstName: 'Zoé', desiredStart: addMonths(todayInQuebec(), 4) });

    // The RSGE's software reads its réserve, two entries a page, in the réserve's order.
    const rsgeToken = await tokenOf(t, await apiClientOf(t, rsge, ['reserve:read']));
    const sites = await apiGet(t, rsgeToken, '/api/v1/sites');
    assert.equal(sites.statusCode, 200, sites.body);
    assert.deepEqual((sites.json() as { data: { id: string }[] }).data.map((s) => s.id), [rsge.siteId]);
    const page1 = await apiGet(t, rsgeToken, `/api/v1/sites/${rsge.siteId}/reserve?limit=2`);
    assert.equal(page1.statusCode, 200, page1.body);
    const body1 = page1.json() as { data: { choice_id: string }[]; next_cursor: string | null; total: number };
    assert.equal(body1.total, 3);
    assert.deepEqual(body1.data.map((e) => e.choice_id), [first.choice.id, second.choice.id]);
    assert.ok(body1.next_cursor);
    const page2 = (await apiGet(t, rsgeToken, `/api/v1/sites/${rsge.siteId}/reserve?limit=2&cursor=${body1.next_cursor}`)).json() as { data: { choice_id: string }[]; next_cursor: string | null };
    assert.deepEqual(page2.data.map((e) => e.choice_id), [third.choice.id]);
    assert.equal(page2.next_cursor, null);
    const whole = (await apiGet(t, rsgeToken, `/api/v1/sites/${rsge.siteId}/reserve?limit=3`)).json() as { data: unknown[]; next_cursor: string | null };
    assert.equal(whole.data.length, 3);
    assert.equal(whole.next_cursor, null, 'a full last page says it is the last');
    const [read] = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'api.reserve.read'), eq(auditEvent.subjectId, rsge.siteId)));
    assert.equal(read?.actorKind, 'client', 'each call is audited with the client');

    // The RSGE admits; its BC's software finds the admission and confirms it.
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, first.choice.id, start(), { publicUrl: t.config.publicUrl });
    const bcClient = await apiClientOf(t, bc, ['admissions:read', 'admissions:write'], 'Logiciel BC');
    const bcToken = await tokenOf(t, bcClient);
    const toConfirm = await apiGet(t, bcToken, '/api/v1/admissions-to-confirm');
    assert.equal(toConfirm.statusCode, 200, toConfirm.body);
    assert.deepEqual((toConfirm.json() as { data: { admission_id: string }[] }).data.map((a) => a.admission_id), [row.id]);

    const url = `/api/v1/admissions/${row.id}/confirmation`;
    const done = await apiPost(t, bcToken, url, { key: 'confirm-1' });
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(done.json(), { admission_id: row.id, state: 'confirmed' });
    const again = await apiPost(t, bcToken, url, { key: 'confirm-1' });
    assert.equal(again.statusCode, 200, 'the retry replays the answer');
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), done.json());
    const events = await t.db.select().from(auditEvent).where(eq(auditEvent.action, 'portal.admission.confirmed'));
    assert.equal(events.filter((e) => (e.details as { admissionId?: string }).admissionId === row.id).length, 1, 'confirmed once');
    assert.equal(events.find((e) => (e.details as { admissionId?: string }).admissionId === row.id)?.actorId, bcClient.clientId);
    const [confirmed] = await t.db.select().from(admission).where(eq(admission.id, row.id));
    assert.equal(confirmed?.state, 'confirmed');

    const otherBody = await apiPost(t, bcToken, url, { key: 'confirm-1', body: '{"x":1}' });
    assert.equal(otherBody.statusCode, 400, 'an unknown field is refused before the key is looked at');
    const otherRequest = await apiPost(t, bcToken, `/api/v1/admissions/${second.choice.id}/confirmation`, { key: 'confirm-1' });
    assert.equal(otherRequest.statusCode, 409, 'the same key with another request');
    assert.match(String(otherRequest.headers['content-type']), /^application\/problem\+json/);
    const fresh = await apiPost(t, bcToken, url, { key: 'confirm-2' });
    assert.equal(fresh.statusCode, 409, 'a new key: confirmed already, said as a conflict');
    assert.equal((await apiPost(t, bcToken, url, { key: 'confirm-2' })).statusCode, 409, 'the conflict is replayed');

    // A refused request (another BC's admission) keeps no key: nothing was done under it.
    const foreign = await apiPost(t, rsgeToken, url, { key: 'confirm-3' });
    assert.equal(foreign.statusCode, 403);
    assert.deepEqual(await t.db.select().from(apiIdempotencyKey).where(eq(apiIdempotencyKey.key, 'confirm-3')), []);
  });

  test('two identical POSTs at once: one confirms, the other replays its answer', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const { choice } = await childInReserve(t.db, rsge.siteId);
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, start(), { publicUrl: t.config.publicUrl });
    const token = await tokenOf(t, await apiClientOf(t, bc, ['admissions:write']));
    const url = `/api/v1/admissions/${row.id}/confirmation`;
    const answers = await Promise.all([apiPost(t, token, url, { key: 'same', body: '{}' }), apiPost(t, token, url, { key: 'same', body: '{}' })]);
    assert.deepEqual(answers.map((a) => a.statusCode), [200, 200]);
    assert.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 1);
    const events = await t.db.select().from(auditEvent).where(eq(auditEvent.action, 'portal.admission.confirmed'));
    assert.equal(events.filter((e) => (e.details as { admissionId?: string }).admissionId === row.id).length, 1);
  });

  test('records a service agreement, changes it, lists it and ends it; a retried POST acts once, a changed body under its key is a conflict', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const bc = await coordinatingOfficeOf(t.db, rsge);
    const child = await childInReserve(t.db, rsge.siteId, { firstName: 'Gabrielle' });
    const row = await admitFromReserve(t.db, ctxOf(rsge.reserveUser), rsge.siteId, child.choice.id, start(), { publicUrl: t.config.publicUrl });
    const bcToken = await tokenOf(t, await apiClientOf(t, bc, ['admissions:write', 'agreements:read', 'agreements:write'], 'Logiciel BC'));
    const today = todayInQuebec();
    const terms = { start_date: addMonths(today, 1), days: ['mon', 'wed', 'fri'], periods: ['full_time'], contribution: 'reduced', signed_on: today };

    const early = await apiPost(t, bcToken, `/api/v1/admissions/${row.id}/agreement`, { key: 'ges-0', body: JSON.stringify(terms) });
    assert.equal(early.statusCode, 409, 'an RSGE’s admission is confirmed first');
    assert.equal((await apiPost(t, bcToken, `/api/v1/admissions/${row.id}/confirmation`, { key: 'confirm' })).statusCode, 200);

    const recordUrl = `/api/v1/admissions/${row.id}/agreement`;
    const recorded = await apiPost(t, bcToken, recordUrl, { key: 'ges-1', body: JSON.stringify(terms) });
    assert.equal(recorded.statusCode, 201, recorded.body);
    const agreement = recorded.json() as { agreement_id: string; version: number; state: string; days: string[] };
    assert.deepEqual([agreement.version, agreement.state, agreement.days], [1, 'active', ['mon', 'wed', 'fri']]);
    const retried = await apiPost(t, bcToken, recordUrl, { key: 'ges-1', body: JSON.stringify(terms) });
    assert.equal(retried.statusCode, 201, 'the retry replays the answer');
    assert.equal(retried.headers['idempotent-replayed'], 'true');
    assert.deepEqual(retried.json(), recorded.json());
    assert.equal((await t.db.select().from(serviceAgreement).where(eq(serviceAgreement.admissionId, row.id))).length, 1, 'recorded once');
    const changedBody = await apiPost(t, bcToken, recordUrl, { key: 'ges-1', body: JSON.stringify({ ...terms, days: ['tue'] }) });
    assert.equal(changedBody.statusCode, 409, 'the same key with another body');
    assert.match(String(changedBody.headers['content-type']), /^application\/problem\+json/);

    const changed = await apiPost(t, bcToken, `/api/v1/agreements/${agreement.agreement_id}/versions`, { key: 'ges-2', body: JSON.stringify({ ...terms, periods: ['part_time'], version: 1, change_reason: 'Temps partiel' }) });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal((changed.json() as { version: number }).version, 2);

    const active = await apiGet(t, bcToken, '/api/v1/agreements?state=active');
    assert.deepEqual((active.json() as { data: { agreement_id: string; periods: string[] }[] }).data.map((a) => [a.agreement_id, a.periods]), [[agreement.agreement_id, ['part_time']]]);

    const ended = await apiPost(t, bcToken, `/api/v1/agreements/${agreement.agreement_id}/cessation`, { key: 'ges-3', body: JSON.stringify({ version: 2, end_date: addMonths(today, 3), reason: 'school' }) });
    assert.equal(ended.statusCode, 200, ended.body);
    assert.deepEqual([(ended.json() as { state: string }).state, (ended.json() as { end_reason: string }).end_reason], ['ended', 'school']);
    const [admitted] = await t.db.select().from(admission).where(eq(admission.id, row.id));
    assert.equal(admitted?.state, 'ended', 'the cessation ends the admission');
    const endedList = await apiGet(t, bcToken, '/api/v1/agreements?state=ended');
    assert.deepEqual((endedList.json() as { data: { agreement_id: string }[] }).data.map((a) => a.agreement_id), [agreement.agreement_id]);
    const events = await t.db.select().from(auditEvent).where(eq(auditEvent.action, 'portal.agreement.ended'));
    assert.equal(events.filter((e) => (e.details as { agreementId?: string }).agreementId === agreement.agreement_id).length, 1);
    const [recordedEvent] = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.agreement.recorded'), eq(auditEvent.subjectId, child.child.id)));
    assert.equal(recordedEvent?.actorKind, 'client', 'audited with the client’s identity');
  });
});
