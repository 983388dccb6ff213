import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { desc, eq, gt } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import { transaction } from '../../platform/db/index.js';
import { ConflictError, ForbiddenError } from '../../platform/errors.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { createTestFirm, createTestOrganization, grantTestProfile, joinTestProgram, mandateFirm, type TestFirm, type TestOrganization } from '../access/registry-test-support.js';
import { mandate, registryProgram } from '../access/schema.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { request } from '../requests/schema.js';
import { loadRequest, setCommentCorrected, sign, type EngineSettings } from '../requests/service.js';
import { seedAidDemo } from './demo.js';
import { attachAidDocuments, fillAidRequest, signAndTransmitAid } from './fixtures.js';
import { aidRequest } from './schema.js';
import { cents, evaluateChecks, tableTotal } from './definition.js';
import { prabamProgram as aidProgram, primeauProgram } from './programs/index.js';

const AID_PROGRAM_ID = aidProgram.id;
import { aidQueue, aidRequestPage, aidReviewPage, commentAidRequest, createAidRequest, markAidCompliant, saveAidStep, transmitAidRequest } from './service.js';

let t: TestApp;
let settings: EngineSettings;
let agent: TestAccount;
let familleAgent: TestAccount;
let org: TestOrganization;
let other: TestOrganization;
let firm: TestFirm;
let requester: TestAccount;
let reader: TestAccount;
let noProfile: TestAccount;
let mandatary: TestAccount;
let mandataryReader: TestAccount;
let otherRequester: TestAccount;

function agentCtx(who: TestAccount): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: 'agent', displayName: who.account.displayName }, lang: 'fr', requestId: null, ip: null };
}

before(async () => {
  t = await buildTestApp();
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
  agent = await createTestAccount(t.db, 'agent');
  familleAgent = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: null }, { role: 'support', directorateCode: null }] });
  org = await createTestOrganization(t.db, agent.account.id, { members: 3 });
  other = await createTestOrganization(t.db, agent.account.id, { members: 1 });
  firm = await createTestFirm(t.db, agent.account.id, { staff: 2 });
  [requester, reader, noProfile] = org.members as [TestAccount, TestAccount, TestAccount];
  [mandatary, mandataryReader] = firm.staff as [TestAccount, TestAccount];
  otherRequester = other.members[0] as TestAccount;
  await grantTestProfile(t.db, org, requester, 'requester_write');
  await grantTestProfile(t.db, org, reader, 'requester_read');
  await mandateFirm(t.db, org, firm);
  await grantTestProfile(t.db, org, mandatary, 'mandatary_write', firm.servicePointId);
  await grantTestProfile(t.db, org, mandataryReader, 'mandatary_read', firm.servicePointId);
  await grantTestProfile(t.db, other, otherRequester, 'requester_write');
});
after(async () => t?.close());

async function draftBy(who: TestAccount): Promise<string> {
  const { requestId } = await createAidRequest(t.db, ctxOf(who), aidProgram, { organizationId: org.organizationId, creationKey: randomUUID() });
  return requestId;
}

async function refused(work: Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(work, (error) => error instanceof ForbiddenError || (error instanceof Error && 'status' in error && error.status === 404), label);
}

describe('who may do what on an aid request', () => {
  test('a Requérant – Rédaction creates, edits, reads, signs and transmits; the request is numbered by the DGI (90)', async () => {
    const id = await draftBy(requester);
    const view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.match(view.request.number, /^\d{4}-90-\d{3}$/);
    assert.equal(view.request.enterpriseId, org.enterprise.enterpriseId);
    await fillAidRequest(t.db, ctxOf(requester), aidProgram, id);
    await attachAidDocuments(t.db, ctxOf(requester), settings, aidProgram, id);
    await signAndTransmitAid(t.db, ctxOf(requester), settings, aidProgram, id);
    const mails = await t.db.select().from(outboxMail).where(eq(outboxMail.recipient, 'infrastructures@mamh.guichet.test'));
    assert.ok(mails.some((m) => m.subject.includes(view.request.number)), 'the directorate is mailed');
  });

  test('a Mandataire – Rédaction creates, edits and reads, but neither signs nor transmits (the program does not allow it)', async () => {
    const id = await draftBy(mandatary);
    await fillAidRequest(t.db, ctxOf(mandatary), aidProgram, id);
    await attachAidDocuments(t.db, ctxOf(mandatary), settings, aidProgram, id);
    const page = await aidRequestPage(t.db, ctxOf(mandatary), aidProgram, id);
    assert.deepEqual({ edit: page.permitted.edit, sign: page.permitted.sign }, { edit: true, sign: false });
    assert.equal(page.profile, 'mandatary_write');
    await refused(sign(t.db, ctxOf(mandatary), aidProgram, id, { firstName: 'A', lastName: 'B', function: 'C', attested: true }), 'mandatary signs');
    await refused(transmitAidRequest(t.db, ctxOf(mandatary), settings, aidProgram, id), 'mandatary transmits');
    // The organization's requester transmits what the mandatary drafted.
    await signAndTransmitAid(t.db, ctxOf(requester), settings, aidProgram, id);
    assert.equal((await loadRequest(t.db, ctxOf(mandatary), aidProgram, id)).request.state, 'submitted');
  });

  test('when the registry lets mandataries transmit, a Mandataire – Rédaction signs and transmits (read at each check)', async () => {
    const id = await draftBy(mandatary);
    await fillAidRequest(t.db, ctxOf(mandatary), aidProgram, id);
    await attachAidDocuments(t.db, ctxOf(mandatary), settings, aidProgram, id);
    await t.db.update(registryProgram).set({ mandatariesMayTransmit: true }).where(eq(registryProgram.code, AID_PROGRAM_ID));
    try {
      await signAndTransmitAid(t.db, ctxOf(mandatary), settings, aidProgram, id);
    } finally {
      await t.db.update(registryProgram).set({ mandatariesMayTransmit: false }).where(eq(registryProgram.code, AID_PROGRAM_ID));
    }
    assert.equal((await loadRequest(t.db, ctxOf(requester), aidProgram, id)).request.state, 'submitted');
  });

  test('Consultation profiles read only; no profile, another organization, its manager and an agent without the mamh role are refused', async () => {
    const id = await draftBy(requester);
    for (const who of [reader, mandataryReader]) {
      const page = await aidRequestPage(t.db, ctxOf(who), aidProgram, id);
      assert.deepEqual(page.permitted, { edit: false, sign: false, review: false });
      await refused(saveAidStep(t.db, ctxOf(who), aidProgram, id, [{ fieldId: 'project.title', row: 0, value: 'x', expectedVersion: 0 }]), 'consultation edits');
      await refused(createAidRequest(t.db, ctxOf(who), aidProgram, { organizationId: org.organizationId, creationKey: randomUUID() }), 'consultation creates');
    }
    // The local manager's function gives no access to the program's files (seed 004, question 1).
    for (const who of [noProfile, org.manager, otherRequester, other.manager, firm.manager]) {
      await refused(aidRequestPage(t.db, ctxOf(who), aidProgram, id), `${who.account.displayName} reads`);
      await refused(saveAidStep(t.db, ctxOf(who), aidProgram, id, [{ fieldId: 'project.title', row: 0, value: 'x', expectedVersion: 0 }]), 'outsider edits');
      await refused(createAidRequest(t.db, ctxOf(who), aidProgram, { organizationId: org.organizationId, creationKey: randomUUID() }), 'outsider creates');
    }
    await refused(aidRequestPage(t.db, agentCtx(familleAgent), aidProgram, id), 'agent without mamh reads');
    await refused(aidQueue(t.db, agentCtx(familleAgent), aidProgram, 'transmises'), 'agent without mamh opens the queue');
  });

  test('a revoked mandate ends the mandatary’s access at once; the requester keeps it (expiry: routes.test.ts)', async () => {
    const local = await createTestFirm(t.db, agent.account.id, { staff: 1 });
    const person = local.staff[0] as TestAccount;
    const mandateId = await mandateFirm(t.db, org, local);
    await grantTestProfile(t.db, org, person, 'mandatary_write', local.servicePointId);
    const id = await draftBy(person);
    await aidRequestPage(t.db, ctxOf(person), aidProgram, id);
    await t.db.update(mandate).set({ endedAt: new Date(), endedBy: org.manager.account.id }).where(eq(mandate.id, mandateId));
    await refused(aidRequestPage(t.db, ctxOf(person), aidProgram, id), 'after revocation');
    await aidRequestPage(t.db, ctxOf(requester), aidProgram, id);
  });
});

describe('totals and receivability', () => {
  test('amounts add up in cents; financing must equal costs for the request to be transmitted', async () => {
    assert.equal(cents('1234.5'), 123450);
    assert.equal(cents('0.07'), 7);
    const id = await draftBy(requester);
    await fillAidRequest(t.db, ctxOf(requester), aidProgram, id);
    await attachAidDocuments(t.db, ctxOf(requester), settings, aidProgram, id);
    let view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.equal(tableTotal(aidProgram, view.values, 'costs'), 25_000_000);
    assert.equal(tableTotal(aidProgram, view.values, 'financing'), 25_000_000);
    assert.ok(evaluateChecks(aidProgram, view.values).every((c) => c.ok));
    // 0.10 $ more aid than costs: not receivable, and transmit refuses it under the lock.
    const version = view.values.get('financing.amount#1')?.version ?? 0;
    await saveAidStep(t.db, ctxOf(requester), aidProgram, id, [{ fieldId: 'financing.amount', row: 1, value: '150000,10', expectedVersion: version }]);
    view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.equal(tableTotal(aidProgram, view.values, 'financing'), 25_000_010);
    assert.equal(evaluateChecks(aidProgram, view.values).find((c) => c.check.id === 'financingEqualsCosts')?.ok, false);
    await sign(t.db, ctxOf(requester), aidProgram, id, { firstName: 'J', lastName: 'L', function: 'DG', attested: true });
    await assert.rejects(transmitAidRequest(t.db, ctxOf(requester), settings, aidProgram, id), (e) => e instanceof ConflictError && e.messageKey === 'aid.check.financingEqualsCosts.refused');
    // A cost row of 0.10 $ balances the tables; the change removed the signature, so the requester signs again.
    await saveAidStep(t.db, ctxOf(requester), aidProgram, id, [
      { fieldId: 'costs.description', row: 5, value: 'Frais bancaires', expectedVersion: 0 },
      { fieldId: 'costs.amount', row: 5, value: '0.10', expectedVersion: 0 },
    ]);
    view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.equal(tableTotal(aidProgram, view.values, 'costs'), 25_000_010);
    assert.equal(view.signature, null);
    await signAndTransmitAid(t.db, ctxOf(requester), settings, aidProgram, id);
    assert.equal((await loadRequest(t.db, ctxOf(requester), aidProgram, id)).request.state, 'submitted');
  });

  test('bad values are field errors and nothing of them is saved', async () => {
    const id = await draftBy(requester);
    const result = await saveAidStep(t.db, ctxOf(requester), aidProgram, id, [
      { fieldId: 'costs.description', row: 0, value: 'Toiture', expectedVersion: 0 },
      { fieldId: 'costs.amount', row: 0, value: '-5', expectedVersion: 0 },
      { fieldId: 'costs.description', row: 1, value: 'Fenêtres', expectedVersion: 0 },
      { fieldId: 'costs.amount', row: 1, value: 'douze', expectedVersion: 0 },
      { fieldId: 'costs.description', row: 2, value: 'Portes', expectedVersion: 0 },
      { fieldId: 'costs.amount', row: 2, value: '', expectedVersion: 0 },
      { fieldId: 'project.startDate', row: 0, value: '2027-06-01', expectedVersion: 0 },
      { fieldId: 'project.endDate', row: 0, value: '2027-05-31', expectedVersion: 0 },
    ]);
    assert.deepEqual(result.errors, {
      'costs.amount.0': 'requests.error.min',
      'costs.amount.1': 'requests.error.decimal',
      'costs.amount.2': 'aid.table.amountRequired',
      'project.endDate': 'aid.field.endDate.beforeStart',
    });
    const view = await loadRequest(t.db, ctxOf(requester), aidProgram, id);
    assert.equal(view.values.get('costs.amount#0'), undefined);
    assert.equal(view.values.get('project.endDate#0'), undefined);
    assert.equal(view.values.get('project.startDate#0')?.value, '2027-06-01');
  });
});

describe('the ministry’s review', () => {
  test('comments go to the organization’s Rédaction people; corrected and transmitted again, the request is found compliant', async () => {
    const id = await draftBy(mandatary);
    await fillAidRequest(t.db, ctxOf(mandatary), aidProgram, id);
    await attachAidDocuments(t.db, ctxOf(mandatary), settings, aidProgram, id);
    await signAndTransmitAid(t.db, ctxOf(requester), settings, aidProgram, id);
    const queue = await aidQueue(t.db, agentCtx(agent), aidProgram, 'transmises');
    assert.ok(queue.some((row) => row.id === id));
    for (let i = 1; i < queue.length; i++) assert.ok((queue[i - 1]?.lastSubmittedAt ?? 0) <= (queue[i]?.lastSubmittedAt ?? 0), 'oldest first');
    const [newest] = await t.db.select({ id: outboxMail.id }).from(outboxMail).orderBy(desc(outboxMail.id)).limit(1);
    const since = newest?.id ?? 0;
    const comment = await commentAidRequest(t.db, agentCtx(agent), settings, aidProgram, id, { target: 'field', targetId: 'project.address', body: 'Précisez le numéro de lot.' });
    const mails = await t.db.select().from(outboxMail).where(gt(outboxMail.id, since));
    const told = new Set(mails.map((m) => m.recipient));
    assert.ok(told.has(requester.account.email ?? '') && told.has(mandatary.account.email ?? ''), 'Rédaction people are told');
    assert.ok(!told.has(reader.account.email ?? '') && !told.has(mandataryReader.account.email ?? ''), 'Consultation people are not');
    assert.equal((await aidReviewPage(t.db, agentCtx(agent), aidProgram, id)).view.request.state, 'commented');
    await setCommentCorrected(t.db, ctxOf(mandatary), aidProgram, id, comment.id, true);
    await signAndTransmitAid(t.db, ctxOf(requester), settings, aidProgram, id);
    await refused(markAidCompliant(t.db, agentCtx(familleAgent), settings, aidProgram, id), 'agent without mamh decides');
    assert.equal((await markAidCompliant(t.db, agentCtx(agent), settings, aidProgram, id)).state, 'compliant');
  });
});

describe('the demo', () => {
  test('seeds, in one transaction, a draft by the mandatary and requests transmitted, in comments and compliant', async () => {
    const demoOrg = await createTestOrganization(t.db, agent.account.id, { members: 1 });
    const demoFirm = await createTestFirm(t.db, agent.account.id, { staff: 1 });
    const demoRequester = demoOrg.members[0] as TestAccount;
    const demoMandatary = demoFirm.staff[0] as TestAccount;
    await grantTestProfile(t.db, demoOrg, demoRequester, 'requester_write');
    await mandateFirm(t.db, demoOrg, demoFirm);
    await grantTestProfile(t.db, demoOrg, demoMandatary, 'mandatary_write', demoFirm.servicePointId);
    await joinTestProgram(t.db, demoOrg, agent.account.id, primeauProgram.id);
    await grantTestProfile(t.db, demoOrg, demoRequester, 'requester_write', null, primeauProgram.id);
    await transaction(t.db, (tx) =>
      seedAidDemo(tx, settings, { organizationId: demoOrg.organizationId, requesterCtx: ctxOf(demoRequester), mandataryCtx: ctxOf(demoMandatary), agentCtx: agentCtx(agent) }),
    );
    const rows = await t.db.select({ program: request.program, state: request.state, createdBy: request.createdBy, number: request.number }).from(aidRequest).innerJoin(request, eq(request.id, aidRequest.requestId)).where(eq(aidRequest.organizationId, demoOrg.organizationId));
    const prabam = rows.filter((r) => r.program === aidProgram.id);
    assert.deepEqual(prabam.map((r) => r.state).sort(), ['commented', 'compliant', 'draft', 'submitted']);
    assert.ok(prabam.every((r) => r.createdBy === demoMandatary.account.id), 'drafted by the mandatary');
    const primeau = rows.filter((r) => r.program === primeauProgram.id);
    assert.deepEqual(primeau.map((r) => r.state).sort(), ['draft', 'submitted']);
    assert.ok(primeau.every((r) => /^\d{4}-91-\d{3}$/.test(r.number)), 'numbered in the program\'s own series');
  });
});

