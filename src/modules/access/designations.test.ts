import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { ConflictError } from '../../platform/errors.js';
import { translate } from '../../platform/i18n/index.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { addTestMember, createTestEnterprise, ctxOf } from '../enterprises/members-test-support.js';
import { enterpriseMember } from '../enterprises/schema.js';
import { account } from '../identity/schema.js';
import { mailsTo } from '../identity/test-support.js';
import {
  decideDesignation,
  listDeputies,
  nameDeputy,
  removeDeputy,
  reviewDesignation,
  submitDesignation,
  userRegistry,
  type DesignationInput,
} from './designations.js';
import { createMamhEnterprise, createTestFirm, createTestOrganization, fieldErrors, grantTestProfile, testMunicipality, TEST_PROGRAM } from './registry-test-support.js';
import { designationRequest, mandataryManager, organization, organizationFunction, servicePoint, servicePointStaff } from './schema.js';

const settings = { publicUrl: 'http://localhost:3000' };
let t: TestApp;
let db: Db;
let agent: TestAccount;
let agentCtx: Ctx;
let otherAgentCtx: Ctx;

function asAgent(who: TestAccount): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: 'agent', displayName: who.account.displayName }, lang: 'fr', requestId: null, ip: null };
}

before(async () => {
  t = await buildTestApp();
  db = t.db;
  agent = await createTestAccount(db, 'agent');
  agentCtx = asAgent(agent);
  otherAgentCtx = asAgent(await createTestAccount(db, 'agent'));
});
after(async () => t?.close());

function input(values: Partial<DesignationInput>): DesignationInput {
  return {
    targetKind: 'municipality',
    geographicCode: '',
    neq: '',
    servicePointId: null,
    servicePointName: '',
    servicePointAddress: '',
    userCode: '',
    requesterName: 'Diane Tremblay',
    requesterFunction: 'Directrice générale',
    ...values,
  };
}

async function currentFunctions(organizationId: string) {
  return db
    .select()
    .from(organizationFunction)
    .where(and(eq(organizationFunction.organizationId, organizationId), eq(organizationFunction.program, TEST_PROGRAM), isNull(organizationFunction.endedAt)));
}

async function auditOf(subjectId: string, action: string) {
  return db
    .select()
    .from(auditEvent)
    .where(and(eq(auditEvent.subjectId, subjectId), eq(auditEvent.action, action)));
}

describe('designation of a local manager', () => {
  test('a municipality not yet in the registry: submitted, approved; the organization is created on the submitter’s enterprise, mails in each person’s language', async () => {
    const { enterprise, members } = await createMamhEnterprise(db, 1);
    const designee = members[0]!;
    await db.update(account).set({ language: 'en' }).where(eq(account.id, designee.account.id));
    const code = await testMunicipality(db, 'Saint-Essai');
    const ctx = ctxOf(enterprise.rse);

    const review = await reviewDesignation(db, ctx, TEST_PROGRAM, input({ geographicCode: code, userCode: designee.account.userCode!.toLowerCase() }), false);
    assert.equal(review.targetName, `Saint-Essai ${code}`);
    assert.equal(review.regionName, 'Laurentides');
    assert.equal(review.designated.displayName, designee.account.displayName);
    assert.equal(review.organizationId, null);

    const [row] = await submitDesignation(db, ctx, settings, [TEST_PROGRAM], input({ geographicCode: code, userCode: designee.account.userCode! }), false);
    assert.equal(row?.state, 'pending');
    assert.equal((await auditOf(row!.id, 'registry.designationSubmitted')).length, 1);

    const approved = await decideDesignation(db, agentCtx, settings, row!.id, { outcome: 'approve' });
    assert.equal(approved.state, 'approved');
    const [org] = await db.select().from(organization).where(eq(organization.geographicCode, code));
    assert.equal(org?.enterpriseId, enterprise.enterpriseId);
    assert.equal(org?.kind, 'municipality');
    const functions = await currentFunctions(org!.id);
    assert.deepEqual(
      functions.map((f) => [f.accountId, f.function, f.namedBy]),
      [[designee.account.id, 'local_manager', agent.account.id]],
    );
    assert.equal((await auditOf(row!.id, 'registry.designationApproved')).length, 1);
    const mailsOfDesignee = await mailsTo(db, designee.account.email ?? '');
    assert.ok(mailsOfDesignee.some((m) => m.subject === translate('en', 'designation.mail.approved.subject')));
    const mailsOfRequester = await mailsTo(db, enterprise.rse.account.email ?? '');
    assert.ok(mailsOfRequester.some((m) => m.subject === translate('fr', 'designation.mail.approved.subject')));

    // Now that a manager is in office, the designation form sends the person to the replacement form.
    const again = await fieldErrors(reviewDesignation(db, ctx, TEST_PROGRAM, input({ geographicCode: code, userCode: enterprise.rse.account.userCode! }), false));
    assert.equal(again.geographicCode, 'designation.useReplacement');
  });

  test('an organism by its NEQ; a second pending form for the same target is a conflict, even sent at once', async () => {
    const { enterprise, members } = await createMamhEnterprise(db, 2);
    const ctx = ctxOf(enterprise.rse);
    const results = await Promise.allSettled([
      submitDesignation(db, ctx, settings, [TEST_PROGRAM], input({ targetKind: 'organism', neq: enterprise.neq, userCode: members[0]!.account.userCode! }), false),
      submitDesignation(db, ctx, settings, [TEST_PROGRAM], input({ targetKind: 'organism', neq: enterprise.neq, userCode: members[1]!.account.userCode! }), false),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failure = results.find((r) => r.status === 'rejected');
    assert.ok(failure?.status === 'rejected' && failure.reason instanceof ConflictError);
    assert.equal(failure.reason.messageKey, 'designation.pending');
    await assert.rejects(
      submitDesignation(db, ctx, settings, [TEST_PROGRAM], input({ targetKind: 'organism', neq: enterprise.neq, userCode: members[1]!.account.userCode! }), false),
      (error: unknown) => error instanceof ConflictError && error.status === 409,
    );
  });

  test('bad input: each is a field error', async () => {
    const { enterprise, members } = await createMamhEnterprise(db, 3);
    const [disabled, inactive, ok] = members as [TestAccount, TestAccount, TestAccount];
    await db.update(account).set({ disabledAt: new Date() }).where(eq(account.id, disabled.account.id));
    await db.update(enterpriseMember).set({ active: false }).where(eq(enterpriseMember.accountId, inactive.account.id));
    const ctx = ctxOf(enterprise.rse);
    const code = await testMunicipality(db);
    const outsider = (await createMamhEnterprise(db, 1)).members[0]!;
    const review = (values: Partial<DesignationInput>) => fieldErrors(reviewDesignation(db, ctx, TEST_PROGRAM, input(values), false));

    assert.equal((await review({ geographicCode: '1234', userCode: ok.account.userCode! })).geographicCode, 'designation.geographicCode.invalid');
    assert.equal((await review({ geographicCode: '99999', userCode: ok.account.userCode! })).geographicCode, 'designation.geographicCode.unknown');
    assert.equal((await review({ targetKind: 'organism', neq: '12345', userCode: ok.account.userCode! })).neq, 'designation.neq.invalid');
    assert.equal((await review({ targetKind: 'organism', neq: '0000000001', userCode: ok.account.userCode! })).neq, 'designation.neq.unknown');
    assert.equal((await review({ geographicCode: code, userCode: 'ZZZZ999' })).userCode, 'designation.userCode.unknown');
    assert.equal((await review({ geographicCode: code, userCode: 'AB1' })).userCode, 'designation.userCode.invalid');
    assert.equal((await review({ geographicCode: code, userCode: disabled.account.userCode! })).userCode, 'designation.userCode.deactivated');
    assert.equal((await review({ geographicCode: code, userCode: inactive.account.userCode! })).userCode, 'designation.userCode.deactivated');
    assert.equal((await review({ geographicCode: code, userCode: outsider.account.userCode! })).userCode, 'designation.userCode.notMember');
    const missing = await review({ geographicCode: code, userCode: ok.account.userCode!, requesterName: ' ', requesterFunction: '' });
    assert.equal(missing.requesterName, 'designation.requesterName.required');
    assert.equal(missing.requesterFunction, 'designation.requesterFunction.required');
    // The submitter must belong to the organism named, and it must be active in the MAMH e-services.
    const otherOrganism = await createMamhEnterprise(db);
    assert.equal((await review({ targetKind: 'organism', neq: otherOrganism.enterprise.neq, userCode: ok.account.userCode! })).neq, 'designation.submitterNotMember');
    const notEnrolled = await createTestEnterprise(db);
    const notEnrolledUser = await addTestMember(db, notEnrolled);
    const errors = await fieldErrors(reviewDesignation(db, ctxOf(notEnrolled.rse), TEST_PROGRAM, input({ targetKind: 'organism', neq: notEnrolled.neq, userCode: notEnrolledUser.account.userCode! }), false));
    assert.equal(errors.neq, 'designation.notActiveInMamh');
    assert.equal((await db.select().from(designationRequest).where(eq(designationRequest.enterpriseId, enterprise.enterpriseId))).length, 0);
  });

  test('refusal needs a reason, is mailed; two agents deciding at once: one decides, the other gets a 409', async () => {
    const { enterprise, members } = await createMamhEnterprise(db, 1);
    const [row] = await submitDesignation(db, ctxOf(enterprise.rse), settings, [TEST_PROGRAM], input({ targetKind: 'organism', neq: enterprise.neq, userCode: members[0]!.account.userCode! }), false);
    const results = await Promise.allSettled([
      decideDesignation(db, agentCtx, settings, row!.id, { outcome: 'refuse', reason: 'Pièce manquante' }),
      decideDesignation(db, otherAgentCtx, settings, row!.id, { outcome: 'approve' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failure = results.find((r) => r.status === 'rejected');
    assert.ok(failure?.status === 'rejected' && failure.reason instanceof ConflictError && failure.reason.status === 409, String(failure?.status === 'rejected' ? failure.reason : ''));
    const [decided] = await db.select().from(designationRequest).where(eq(designationRequest.id, row!.id));
    if (decided?.state === 'refused') {
      assert.equal(decided.refusalReason, 'Pièce manquante');
      assert.ok((await mailsTo(db, members[0]!.account.email ?? '')).some((m) => m.subject === translate('fr', 'designation.mail.refused.subject') && m.textBody.includes('Pièce manquante')));
    } else {
      assert.equal(decided?.state, 'approved');
    }
    // Only the support desk decides.
    const famille = await createTestAccount(db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: null }] });
    await assert.rejects(decideDesignation(db, asAgent(famille), settings, row!.id, { outcome: 'approve' }), { status: 403 });
  });

  test('two approvals of two managers for one organization at once: exactly one succeeds', async () => {
    const { enterprise, members } = await createMamhEnterprise(db, 2);
    const [created] = await db.insert(organization).values({ kind: 'organism', enterpriseId: enterprise.enterpriseId }).returning();
    const ctx = ctxOf(enterprise.rse);
    const [first] = await submitDesignation(db, ctx, settings, [TEST_PROGRAM], input({ targetKind: 'organism', neq: enterprise.neq, userCode: members[0]!.account.userCode! }), false);
    // A second pending form for the same organization under another target, as if two forms had
    // named it differently: only the database's one-manager index stands between them.
    const [second] = await db
      .insert(designationRequest)
      .values({ ...first!, id: undefined, target: 'test:other', designatedAccountId: members[1]!.account.id, createdAt: undefined, updatedAt: undefined })
      .returning();
    const results = await Promise.allSettled([
      decideDesignation(db, agentCtx, settings, first!.id, { outcome: 'approve' }),
      decideDesignation(db, otherAgentCtx, settings, second!.id, { outcome: 'approve' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failure = results.find((r) => r.status === 'rejected');
    assert.ok(failure?.status === 'rejected' && failure.reason instanceof ConflictError, String(failure?.status === 'rejected' ? failure.reason : ''));
    assert.equal(failure.reason.messageKey, 'designation.managerExists');
    const managers = (await currentFunctions(created!.id)).filter((f) => f.function === 'local_manager');
    assert.equal(managers.length, 1);
  });
});

describe('replacement', () => {
  test('a deputy replaces the manager for the programs named: the deputy row ends first, the former manager is ended by the agent, audited', async () => {
    const org = await createTestOrganization(db, agent.account.id, { members: 1 });
    const deputy = org.members[0]!;
    await nameDeputy(db, ctxOf(org.manager), settings, TEST_PROGRAM, org.organizationId, deputy.account.userCode!);
    const [orgRow] = await db.select().from(organization).where(eq(organization.id, org.organizationId));
    const values = input({ geographicCode: orgRow!.geographicCode!, userCode: deputy.account.userCode!, requesterName: 'Jean Roy', requesterFunction: 'Maire' });

    // The designation form refuses while a manager is in office; the replacement form refuses without programs.
    assert.equal((await fieldErrors(reviewDesignation(db, ctxOf(deputy), TEST_PROGRAM, values, false))).geographicCode, 'designation.useReplacement');
    assert.equal((await fieldErrors(submitDesignation(db, ctxOf(deputy), settings, [], values, true))).programs, 'designation.programs.required');

    const review = await reviewDesignation(db, ctxOf(deputy), TEST_PROGRAM, values, true);
    assert.equal(review.currentHolderName, org.manager.account.displayName);
    const [row] = await submitDesignation(db, ctxOf(deputy), settings, [TEST_PROGRAM], values, true);
    assert.equal(row?.replacement, true);
    assert.equal(row?.requesterFunction, 'Maire');
    await decideDesignation(db, agentCtx, settings, row!.id, { outcome: 'approve' });

    const all = await db.select().from(organizationFunction).where(eq(organizationFunction.organizationId, org.organizationId));
    const former = all.find((f) => f.accountId === org.manager.account.id);
    assert.ok(former?.endedAt);
    assert.equal(former.endedBy, agent.account.id);
    const deputyRow = all.find((f) => f.accountId === deputy.account.id && f.function === 'deputy');
    assert.ok(deputyRow?.endedAt);
    assert.deepEqual(
      (await currentFunctions(org.organizationId)).map((f) => [f.accountId, f.function]),
      [[deputy.account.id, 'local_manager']],
    );
    const [event] = await auditOf(org.organizationId, 'registry.managerReplaced');
    assert.equal(event?.details.formerAccountId, org.manager.account.id);
    assert.equal(event?.details.newAccountId, deputy.account.id);
  });
});

describe('mandatary manager of a service point', () => {
  test('a new service point: created on approval with its manager, who is attached to its staff; an existing point with a manager asks for a replacement', async () => {
    const { enterprise, members } = await createMamhEnterprise(db, 1);
    const designee = members[0]!;
    const ctx = ctxOf(enterprise.rse);
    const values = input({ targetKind: 'service_point', neq: enterprise.neq, servicePointName: 'Bureau de Laval', servicePointAddress: '1, boul. Essai, Laval', userCode: designee.account.userCode! });
    const missing = await fieldErrors(reviewDesignation(db, ctx, TEST_PROGRAM, { ...values, servicePointName: '', servicePointAddress: '' }, false));
    assert.equal(missing.servicePointName, 'designation.servicePoint.name.required');
    assert.equal(missing.servicePointAddress, 'designation.servicePoint.address.required');
    const [row] = await submitDesignation(db, ctx, settings, [TEST_PROGRAM], values, false);
    await decideDesignation(db, agentCtx, settings, row!.id, { outcome: 'approve' });
    const [point] = await db.select().from(servicePoint).where(eq(servicePoint.enterpriseId, enterprise.enterpriseId));
    assert.equal(point?.name, 'Bureau de Laval');
    const [manager] = await db.select().from(mandataryManager).where(and(eq(mandataryManager.servicePointId, point!.id), isNull(mandataryManager.endedAt)));
    assert.equal(manager?.accountId, designee.account.id);
    const [staff] = await db.select().from(servicePointStaff).where(and(eq(servicePointStaff.servicePointId, point!.id), isNull(servicePointStaff.endedAt)));
    assert.equal(staff?.accountId, designee.account.id);

    const again = await fieldErrors(reviewDesignation(db, ctx, TEST_PROGRAM, { ...values, servicePointId: point!.id, userCode: enterprise.rse.account.userCode! }, false));
    assert.equal(again.servicePointId, 'designation.useReplacement');
    const taken = await fieldErrors(reviewDesignation(db, ctx, TEST_PROGRAM, { ...values, servicePointName: 'bureau de laval' }, false));
    assert.equal(taken.servicePointName, 'designation.servicePoint.name.taken');
  });

  test('a replacement of the mandatary manager ends the former one', async () => {
    const firm = await createTestFirm(db, agent.account.id, { staff: 1 });
    const next = firm.staff[0]!;
    const values = input({ targetKind: 'service_point', neq: firm.enterprise.neq, servicePointId: firm.servicePointId, userCode: next.account.userCode! });
    const [row] = await submitDesignation(db, ctxOf(firm.manager), settings, [TEST_PROGRAM], values, true);
    await decideDesignation(db, agentCtx, settings, row!.id, { outcome: 'approve' });
    const rows = await db.select().from(mandataryManager).where(eq(mandataryManager.servicePointId, firm.servicePointId));
    assert.deepEqual(rows.filter((r) => r.endedAt === null).map((r) => r.accountId), [next.account.id]);
    assert.equal(rows.find((r) => r.accountId === firm.manager.account.id)?.endedBy, agent.account.id);
    assert.equal((await auditOf(firm.servicePointId, 'registry.managerReplaced')).length, 1);
  });
});

describe('deputies', () => {
  test('the manager names and removes deputies; a deputy may not; an outsider or deactivated person is a field error', async () => {
    const org = await createTestOrganization(db, agent.account.id, { members: 2 });
    const [deputy, colleague] = org.members as [TestAccount, TestAccount];
    const outsider = (await createMamhEnterprise(db, 1)).members[0]!;
    const managerCtx = ctxOf(org.manager);

    assert.equal((await fieldErrors(nameDeputy(db, managerCtx, settings, TEST_PROGRAM, org.organizationId, outsider.account.userCode!))).userCode, 'designation.userCode.notMember');
    assert.equal((await fieldErrors(nameDeputy(db, managerCtx, settings, TEST_PROGRAM, org.organizationId, 'NOPE999'))).userCode, 'designation.userCode.unknown');
    await nameDeputy(db, managerCtx, settings, TEST_PROGRAM, org.organizationId, deputy.account.userCode!);
    assert.equal((await fieldErrors(nameDeputy(db, managerCtx, settings, TEST_PROGRAM, org.organizationId, deputy.account.userCode!))).userCode, 'designation.deputy.alreadyHolds');
    const deputies = await listDeputies(db, managerCtx, TEST_PROGRAM, org.organizationId);
    assert.deepEqual(deputies.map((d) => d.accountId), [deputy.account.id]);

    // A deputy names no deputy and removes none.
    await assert.rejects(nameDeputy(db, ctxOf(deputy), settings, TEST_PROGRAM, org.organizationId, colleague.account.userCode!), { status: 403 });
    await assert.rejects(removeDeputy(db, ctxOf(deputy), TEST_PROGRAM, org.organizationId, deputies[0]!.id), { status: 403 });
    // Another organization's manager neither.
    const other = await createTestOrganization(db, agent.account.id);
    await assert.rejects(removeDeputy(db, ctxOf(other.manager), TEST_PROGRAM, org.organizationId, deputies[0]!.id), { status: 403 });

    await removeDeputy(db, managerCtx, TEST_PROGRAM, org.organizationId, deputies[0]!.id);
    assert.deepEqual(await listDeputies(db, managerCtx, TEST_PROGRAM, org.organizationId), []);
    assert.equal((await auditOf(deputies[0]!.id, 'registry.deputyRemoved')).length, 1);
  });
});

describe('the support desk’s view of a user code', () => {
  test('every function, attachment and profile, current and ended, with who granted it; an unknown code is a field error', async () => {
    const org = await createTestOrganization(db, agent.account.id, { members: 1 });
    const person = org.members[0]!;
    await nameDeputy(db, ctxOf(org.manager), settings, TEST_PROGRAM, org.organizationId, person.account.userCode!);
    const [deputyRow] = await listDeputies(db, ctxOf(org.manager), TEST_PROGRAM, org.organizationId);
    await removeDeputy(db, ctxOf(org.manager), TEST_PROGRAM, org.organizationId, deputyRow!.id);
    await grantTestProfile(db, org, person, 'requester_write');

    const registry = await userRegistry(db, agentCtx, person.account.userCode!.toLowerCase());
    assert.equal(registry.person.accountId, person.account.id);
    const kinds = registry.entries.map((e) => [e.kind, e.profile, e.endedAt === null]);
    assert.deepEqual(kinds, [
      ['profile', 'requester_write', true],
      ['deputy', null, false],
    ]);
    assert.equal(registry.entries[1]?.grantedByName, org.manager.account.displayName);
    assert.equal(registry.entries[1]?.endedByName, org.manager.account.displayName);
    assert.match(registry.entries[0]?.place ?? '', /Municipalité d’essai/);

    assert.equal((await fieldErrors(userRegistry(db, agentCtx, 'ZZZ9999'))).code, 'designation.support.unknownCode');
    assert.equal((await fieldErrors(userRegistry(db, agentCtx, '12'))).code, 'designation.userCode.invalid');
    const famille = await createTestAccount(db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: null }] });
    await assert.rejects(userRegistry(db, asAgent(famille), person.account.userCode!), { status: 403 });
    await assert.rejects(userRegistry(db, ctxOf(org.manager), person.account.userCode!), { status: 403 });
  });
});
