import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Database, Db } from '../../platform/db/index.js';
import { FieldValidationError } from '../../platform/errors.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { translator } from '../../platform/i18n/index.js';
import { todayInQuebec } from '../../platform/time/index.js';
import { deactivateMember } from '../enterprises/members.js';
import { addTestMember, ctxOf } from '../enterprises/members-test-support.js';
import {
  attachStaff,
  changeProfile,
  currentRegister,
  detachStaff,
  exportRegister,
  firmByNeq,
  grantMandate,
  grantProfile,
  ownAccess,
  registerHistory,
  revokeMandate,
  withdrawProfile,
} from './grants.js';
import { csvCell, registerCsv } from './registry-routes.js';
import { effectiveAccess } from './registry.js';
import { code, createTestFirm, createTestOrganization, fieldErrors, mandateFirm, TEST_PROGRAM, type TestFirm, type TestOrganization } from './registry-test-support.js';
import { mandataryManager, mandate, organizationFunction, profileGrant, servicePoint, servicePointStaff } from './schema.js';

const settings = { publicUrl: 'http://localhost:3000' };

let database: Database;
let db: Db;
let agent: TestAccount;

before(async () => {
  database = await openTestDatabase();
  db = database.db;
  agent = await createTestAccount(db, 'agent');
});
after(async () => database?.close());

async function grantRows(org: TestOrganization, who: TestAccount) {
  return db
    .select()
    .from(profileGrant)
    .where(and(eq(profileGrant.organizationId, org.organizationId), eq(profileGrant.accountId, who.account.id)))
    .orderBy(profileGrant.createdAt);
}

async function audits(action: string, subjectId: string): Promise<number> {
  return (await db.select().from(auditEvent).where(and(eq(auditEvent.action, action), eq(auditEvent.subjectId, subjectId)))).length;
}

async function mailsTo(who: TestAccount): Promise<string[]> {
  return (await db.select({ subject: outboxMail.subject }).from(outboxMail).where(eq(outboxMail.recipient, who.account.email ?? ''))).map((m) => m.subject);
}

describe('profiles: grant, change, withdraw', () => {
  let org: TestOrganization;
  let firm: TestFirm;
  let deputy: TestAccount;
  before(async () => {
    org = await createTestOrganization(db, agent.account.id, { members: 4 });
    firm = await createTestFirm(db, agent.account.id, { staff: 3 });
    deputy = org.members[3] as TestAccount;
    await db.insert(organizationFunction).values({
      program: TEST_PROGRAM,
      organizationId: org.organizationId,
      enterpriseId: org.enterprise.enterpriseId,
      accountId: deputy.account.id,
      function: 'deputy',
      namedBy: org.manager.account.id,
    });
  });

  test('a Requérant profile goes to an active member; audited, mailed; each wrong case a field error', async () => {
    const member = org.members[0] as TestAccount;
    const id = await grantProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, { userCode: code(member).toLowerCase(), profile: 'requester_write' });
    assert.equal(await audits('registry.profileGranted', id), 1);
    assert.ok((await mailsTo(member)).some((s) => s.startsWith('Un profil vous a été accordé')));
    assert.deepEqual(await effectiveAccess(db, member.account.id, TEST_PROGRAM, org.organizationId), { profile: 'requester_write', servicePointId: null });

    const manager = ctxOf(org.manager);
    assert.deepEqual(await fieldErrors(grantProfile(db, manager, settings, TEST_PROGRAM, { userCode: code(member), profile: 'requester_read' })), { userCode: 'registry.grant.alreadyHolds' });
    assert.deepEqual(await fieldErrors(grantProfile(db, manager, settings, TEST_PROGRAM, { userCode: 'AB', profile: 'requester_read' })), { userCode: 'registry.userCode.invalid' });
    assert.deepEqual(await fieldErrors(grantProfile(db, manager, settings, TEST_PROGRAM, { userCode: 'ZZZZZZ9', profile: 'requester_read' })), { userCode: 'registry.userCode.unknown' });
    const outsider = firm.staff[0] as TestAccount;
    assert.deepEqual(await fieldErrors(grantProfile(db, manager, settings, TEST_PROGRAM, { userCode: code(outsider), profile: 'requester_read' })), { userCode: 'registry.grant.notMember' });
    const leaving = org.members[2] as TestAccount;
    await deactivateMember(db, ctxOf(org.enterprise.rse), org.enterprise.enterpriseId, leaving.account.id);
    assert.deepEqual(await fieldErrors(grantProfile(db, manager, settings, TEST_PROGRAM, { userCode: code(leaving), profile: 'requester_read' })), { userCode: 'registry.userCode.deactivated' });
    assert.deepEqual(await fieldErrors(grantProfile(db, manager, settings, TEST_PROGRAM, { userCode: code(org.members[1] as TestAccount), profile: 'mandatary_write' })), {
      userCode: 'registry.grant.ownMemberMandatary',
    });
  });

  test('a Mandataire profile needs the person attached to a service point the organization mandates, with the mandate running', async () => {
    const [person, notAttached] = firm.staff as [TestAccount, TestAccount];
    const ctx = ctxOf(deputy);
    assert.deepEqual(await fieldErrors(grantProfile(db, ctx, settings, TEST_PROGRAM, { userCode: code(person), profile: 'mandatary_write' })), { userCode: 'registry.grant.noMandate' });
    await db.update(servicePointStaff).set({ endedAt: new Date(), endedBy: firm.manager.account.id }).where(eq(servicePointStaff.accountId, notAttached.account.id));
    assert.deepEqual(await fieldErrors(grantProfile(db, ctx, settings, TEST_PROGRAM, { userCode: code(notAttached), profile: 'mandatary_write' })), { userCode: 'registry.grant.notAttached' });

    // The deputy mandates the firm's service point (found by its NEQ), then grants.
    const found = await firmByNeq(db, ctx, TEST_PROGRAM, firm.enterprise.neq);
    assert.deepEqual(
      found.servicePoints.map((p) => p.id),
      [firm.servicePointId],
    );
    const mandateId = await grantMandate(db, ctx, settings, TEST_PROGRAM, { servicePointId: firm.servicePointId, validUntil: null });
    assert.equal(await audits('registry.mandateGranted', mandateId), 1);
    const id = await grantProfile(db, ctx, settings, TEST_PROGRAM, { userCode: code(person), profile: 'mandatary_write' });
    const [row] = await db.select().from(profileGrant).where(eq(profileGrant.id, id));
    assert.equal(row?.servicePointId, firm.servicePointId, 'the service point comes from the attachment');
    assert.equal(row?.grantedBy, deputy.account.id);
  });

  test('changing ends the row (changed) and starts another; withdrawing ends it (withdrawn); both audited and mailed', async () => {
    const member = org.members[1] as TestAccount;
    const first = await grantProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, { userCode: code(member), profile: 'requester_read' });
    assert.deepEqual(await fieldErrors(changeProfile(db, ctxOf(deputy), settings, TEST_PROGRAM, first, 'requester_read')), { profile: 'registry.change.same' });
    const second = await changeProfile(db, ctxOf(deputy), settings, TEST_PROGRAM, first, 'requester_write');
    assert.equal(await audits('registry.profileChanged', second), 1);
    await assert.rejects(changeProfile(db, ctxOf(deputy), settings, TEST_PROGRAM, first, 'requester_read'), { status: 409 });
    await withdrawProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, second);
    assert.equal(await audits('registry.profileWithdrawn', second), 1);
    await assert.rejects(withdrawProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, second), { status: 409 });
    const rows = await grantRows(org, member);
    assert.deepEqual(
      rows.map((r) => [r.profile, r.endReason]),
      [
        ['requester_read', 'changed'],
        ['requester_write', 'withdrawn'],
      ],
    );
    const subjects = await mailsTo(member);
    assert.ok(subjects.some((s) => s.startsWith('Votre profil a été modifié')));
    assert.ok(subjects.some((s) => s.startsWith('Votre profil a été retiré')));
    assert.equal(await effectiveAccess(db, member.account.id, TEST_PROGRAM, org.organizationId), null);

    const history = await registerHistory(db, ctxOf(org.manager), TEST_PROGRAM);
    assert.ok(history.entries.some((e) => e.id === first && e.endReason === 'changed'));
    const register = await currentRegister(db, ctxOf(org.manager), TEST_PROGRAM);
    assert.ok(!register.entries.some((e) => e.accountId === member.account.id));
  });

  test('two grants to one person at once: one succeeds, the other is a field error, never a 500', async () => {
    const other = await createTestOrganization(db, agent.account.id, { members: 1 });
    const person = other.members[0] as TestAccount;
    const results = await Promise.allSettled([
      grantProfile(db, ctxOf(other.manager), settings, TEST_PROGRAM, { userCode: code(person), profile: 'requester_write' }),
      grantProfile(db, ctxOf(other.manager), settings, TEST_PROGRAM, { userCode: code(person), profile: 'requester_read' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected');
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof FieldValidationError);
    assert.deepEqual(refused.reason.fields, { userCode: 'registry.grant.alreadyHolds' });
  });

  test('only the manager or a deputy; the function gives no profile; another organization’s grant is not found', async () => {
    const other = await createTestOrganization(db, agent.account.id, { members: 1 });
    const member = org.members[0] as TestAccount;
    await assert.rejects(grantProfile(db, ctxOf(member), settings, TEST_PROGRAM, { userCode: code(org.members[1] as TestAccount), profile: 'requester_read' }), { status: 403 });
    await assert.rejects(currentRegister(db, ctxOf(firm.manager), TEST_PROGRAM), { status: 403 });
    assert.equal(await effectiveAccess(db, org.manager.account.id, TEST_PROGRAM, org.organizationId), null, 'being manager gives no profile');
    const [grant] = await grantRows(org, member);
    await assert.rejects(withdrawProfile(db, ctxOf(other.manager), settings, TEST_PROGRAM, grant?.id ?? ''), { status: 404 });
    await assert.rejects(changeProfile(db, ctxOf(other.manager), settings, TEST_PROGRAM, grant?.id ?? '', 'requester_read'), { status: 404 });
  });
});

describe('mandates', () => {
  test('a mandate’s end date is not in the past; the own NEQ, an unknown or malformed NEQ, a second mandate are field errors', async () => {
    const org = await createTestOrganization(db, agent.account.id);
    const firm = await createTestFirm(db, agent.account.id);
    const ctx = ctxOf(org.manager);
    assert.deepEqual(await fieldErrors(grantMandate(db, ctx, settings, TEST_PROGRAM, { servicePointId: firm.servicePointId, validUntil: '2000-01-01' })), { validUntil: 'registry.mandate.validUntil.past' });
    assert.deepEqual(await fieldErrors(grantMandate(db, ctx, settings, TEST_PROGRAM, { servicePointId: firm.servicePointId, validUntil: '2031-02-30' })), { validUntil: 'registry.mandate.validUntil.invalid' });
    assert.deepEqual(await fieldErrors(firmByNeq(db, ctx, TEST_PROGRAM, org.enterprise.neq)), { neq: 'registry.neq.own' });
    assert.deepEqual(await fieldErrors(firmByNeq(db, ctx, TEST_PROGRAM, '12345')), { neq: 'registry.neq.invalid' });
    assert.deepEqual(await fieldErrors(firmByNeq(db, ctx, TEST_PROGRAM, '0000000001')), { neq: 'registry.neq.unknown' });
    await grantMandate(db, ctx, settings, TEST_PROGRAM, { servicePointId: firm.servicePointId, validUntil: todayInQuebec() });
    assert.deepEqual(await fieldErrors(grantMandate(db, ctx, settings, TEST_PROGRAM, { servicePointId: firm.servicePointId, validUntil: null })), { servicePointId: 'registry.mandate.already' });
  });

  test('revoking ends the mandate and, in the same transaction, the Mandataire profiles given through it', async () => {
    const org = await createTestOrganization(db, agent.account.id);
    const firm = await createTestFirm(db, agent.account.id, { staff: 2 });
    const ctx = ctxOf(org.manager);
    const mandateId = await mandateFirm(db, org, firm);
    for (const person of firm.staff) await grantProfile(db, ctx, settings, TEST_PROGRAM, { userCode: code(person), profile: 'mandatary_read' });
    assert.equal(await revokeMandate(db, ctx, settings, TEST_PROGRAM, mandateId), 2);
    assert.equal(await audits('registry.mandateRevoked', mandateId), 1);
    for (const person of firm.staff) {
      assert.deepEqual(
        (await grantRows(org, person)).map((r) => r.endReason),
        ['mandate_ended'],
      );
      assert.equal(await effectiveAccess(db, person.account.id, TEST_PROGRAM, org.organizationId), null);
      assert.ok((await mailsTo(person)).some((s) => s.startsWith('Votre profil a pris fin')));
    }
    const [row] = await db.select().from(mandate).where(eq(mandate.id, mandateId));
    assert.ok(row?.endedAt);
    await assert.rejects(revokeMandate(db, ctx, settings, TEST_PROGRAM, mandateId), { status: 409 });
    // The mandatary's own page: nothing in force, the grant shown as ended with its reason.
    const own = await ownAccess(db, ctxOf(firm.staff[0] as TestAccount), TEST_PROGRAM);
    assert.deepEqual(own.effective, []);
    assert.equal(own.grants[0]?.endReason, 'mandate_ended');
    assert.equal(own.attachment?.servicePointId, firm.servicePointId);
  });

  test('an expired mandate shows as not effective with why, and a new mandate of the point replaces it', async () => {
    const org = await createTestOrganization(db, agent.account.id);
    const firm = await createTestFirm(db, agent.account.id, { staff: 1 });
    const person = firm.staff[0] as TestAccount;
    const old = await mandateFirm(db, org, firm, todayInQuebec());
    await grantProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, { userCode: code(person), profile: 'mandatary_write' });
    // The mandate's last day was yesterday (the trigger would refuse such a grant; the row ages instead).
    await db.execute(sql`alter table mandate disable trigger mandate_history`);
    await db.execute(sql`update mandate set valid_until = current_date - 2 where id = ${old}`);
    await db.execute(sql`alter table mandate enable trigger mandate_history`);
    const own = await ownAccess(db, ctxOf(person), TEST_PROGRAM);
    assert.deepEqual(own.effective, []);
    assert.equal(own.grants[0]?.notEffective, 'mandateExpired');
    const register = await currentRegister(db, ctxOf(org.manager), TEST_PROGRAM);
    assert.equal(register.entries[0]?.notEffective, 'mandateExpired');
    await grantMandate(db, ctxOf(org.manager), settings, TEST_PROGRAM, { servicePointId: firm.servicePointId, validUntil: null });
    const [ended] = await db.select().from(mandate).where(eq(mandate.id, old));
    assert.ok(ended?.endedAt, 'the expired mandate is ended');
    assert.deepEqual(
      (await grantRows(org, person)).map((r) => r.endReason),
      ['mandate_ended'],
    );
  });
});

describe('service point staff', () => {
  test('attach a member of the firm, one service point per person and program; detaching ends the profiles given through the point', async () => {
    const firm = await createTestFirm(db, agent.account.id);
    const otherFirm = await createTestFirm(db, agent.account.id, { staff: 1 });
    const org = await createTestOrganization(db, agent.account.id);
    const newcomer = await addTestMember(db, firm.enterprise, 'Recrue');
    const ctx = ctxOf(firm.manager);
    const staffId = await attachStaff(db, ctx, TEST_PROGRAM, firm.servicePointId, code(newcomer));
    assert.equal(await audits('registry.staffAttached', staffId), 1);
    assert.deepEqual(await fieldErrors(attachStaff(db, ctx, TEST_PROGRAM, firm.servicePointId, code(newcomer))), { userCode: 'registry.staff.alreadyHere' });
    assert.deepEqual(await fieldErrors(attachStaff(db, ctx, TEST_PROGRAM, firm.servicePointId, code(otherFirm.staff[0] as TestAccount))), { userCode: 'registry.staff.notMember' });
    assert.deepEqual(await fieldErrors(attachStaff(db, ctxOf(otherFirm.manager), TEST_PROGRAM, otherFirm.servicePointId, code(otherFirm.staff[0] as TestAccount))), {
      userCode: 'registry.staff.alreadyHere',
    });
    await assert.rejects(attachStaff(db, ctxOf(otherFirm.manager), TEST_PROGRAM, firm.servicePointId, code(newcomer)), { status: 403 }, 'another point’s manager');
    // A second point of the same firm, managed by the same person: the newcomer is attached elsewhere already.
    const [second] = await db.insert(servicePoint).values({ enterpriseId: firm.enterprise.enterpriseId, name: 'Bureau de Lévis', address: '1, rue Principale, Lévis' }).returning({ id: servicePoint.id });
    await db.insert(mandataryManager).values({ program: TEST_PROGRAM, servicePointId: second?.id ?? '', enterpriseId: firm.enterprise.enterpriseId, accountId: firm.manager.account.id, namedBy: agent.account.id });
    assert.deepEqual(await fieldErrors(attachStaff(db, ctx, TEST_PROGRAM, second?.id ?? '', code(newcomer))), { userCode: 'registry.staff.elsewhere' });

    await mandateFirm(db, org, firm);
    await grantProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, { userCode: code(newcomer), profile: 'mandatary_write' });
    await assert.rejects(detachStaff(db, ctxOf(otherFirm.manager), settings, TEST_PROGRAM, staffId), { status: 403 });
    const { ended } = await detachStaff(db, ctx, settings, TEST_PROGRAM, staffId);
    assert.equal(ended, 1);
    assert.equal(await audits('registry.staffDetached', staffId), 1);
    assert.deepEqual(
      (await grantRows(org, newcomer)).map((r) => r.endReason),
      ['detached'],
    );
    await assert.rejects(detachStaff(db, ctx, settings, TEST_PROGRAM, staffId), { status: 409 });
  });
});

describe('the register’s export', () => {
  test('CSV cells are quoted and neutralised against formulas; the export is audited', async () => {
    assert.equal(csvCell('=SOMME(A1)'), "'=SOMME(A1)");
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('-2'), "'-2");
    assert.equal(csvCell('@x'), "'@x");
    assert.equal(csvCell('a,"b"'), '"a,""b"""');
    assert.equal(csvCell('Lévis'), 'Lévis');
    const org = await createTestOrganization(db, agent.account.id, { members: 1 });
    await grantProfile(db, ctxOf(org.manager), settings, TEST_PROGRAM, { userCode: code(org.members[0] as TestAccount), profile: 'requester_read' });
    const { entries } = await exportRegister(db, ctxOf(org.manager), TEST_PROGRAM);
    assert.equal(await audits('registry.registerExported', org.organizationId), 1);
    const csv = registerCsv(translator('fr'), entries);
    assert.ok(csv.startsWith('\uFEFFPersonne,Code d’utilisateur,Profil'));
    assert.equal(csv.trim().split('\r\n').length, 2);
    assert.match(csv, /Requérant – Consultation/);
  });
});
