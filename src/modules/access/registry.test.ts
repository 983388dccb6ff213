import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/context.js';
import { pgErrorCode, type Database, type Db } from '../../platform/db/index.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../../platform/time/index.js';
import { deactivateMember } from '../enterprises/members.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { accessibleOrganizations, effectiveAccess, holdsFunction, holdsProfile, localManager, localManagerOrDeputy, mandataryManagerOf } from './registry.js';
import { createTestFirm, createTestOrganization, grantTestProfile, mandateFirm, TEST_PROGRAM, type TestFirm, type TestOrganization } from './registry-test-support.js';
import { mandate, organizationFunction, servicePointStaff } from './schema.js';

let database: Database;
let db: Db;
let agent: TestAccount;

before(async () => {
  database = await openTestDatabase();
  db = database.db;
  agent = await createTestAccount(db, 'agent');
});
after(async () => database?.close());

function actorOf(who: TestAccount): Actor {
  return ctxOf(who).actor;
}

/** The day after `day` (YYYY-MM-DD): the first day a mandate valid until `day` no longer runs. */
function dayAfter(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

async function nameDeputy(org: TestOrganization, who: TestAccount): Promise<void> {
  await db.insert(organizationFunction).values({
    program: TEST_PROGRAM,
    organizationId: org.organizationId,
    enterpriseId: org.enterprise.enterpriseId,
    accountId: who.account.id,
    function: 'deputy',
    namedBy: org.manager.account.id,
  });
}

async function dbRefusal(work: Promise<unknown>): Promise<string | null> {
  try {
    await work;
    return null;
  } catch (error) {
    return pgErrorCode(error);
  }
}

describe('effective access (registry.ts)', () => {
  let org: TestOrganization;
  let firm: TestFirm;
  before(async () => {
    org = await createTestOrganization(db, agent.account.id, { members: 3 });
    firm = await createTestFirm(db, agent.account.id, { staff: 3 });
  });

  test('a Requérant counts while an active member of the organization; deactivated, nothing', async () => {
    const [member, other] = org.members as [TestAccount, TestAccount];
    await grantTestProfile(db, org, member, 'requester_write');
    await grantTestProfile(db, org, other, 'requester_read');
    assert.deepEqual(await effectiveAccess(db, member.account.id, TEST_PROGRAM, org.organizationId), { profile: 'requester_write', servicePointId: null });
    const listed = await accessibleOrganizations(db, other.account.id, TEST_PROGRAM);
    assert.deepEqual(
      listed.map((o) => [o.id, o.profile]),
      [[org.organizationId, 'requester_read']],
    );
    await deactivateMember(db, ctxOf(org.enterprise.rse), org.enterprise.enterpriseId, other.account.id);
    assert.equal(await effectiveAccess(db, other.account.id, TEST_PROGRAM, org.organizationId), null);
    assert.deepEqual(await accessibleOrganizations(db, other.account.id, TEST_PROGRAM), []);
  });

  test('a Mandataire counts while the mandate runs (valid_until included) and the person is attached', async () => {
    const [running, expiring, detached] = firm.staff as [TestAccount, TestAccount, TestAccount];
    const today = todayInQuebec();
    const mandateId = await mandateFirm(db, org, firm, today);
    for (const person of [running, expiring, detached]) await grantTestProfile(db, org, person, 'mandatary_write', firm.servicePointId);
    assert.deepEqual(await effectiveAccess(db, running.account.id, TEST_PROGRAM, org.organizationId, today), { profile: 'mandatary_write', servicePointId: firm.servicePointId });
    assert.equal((await accessibleOrganizations(db, running.account.id, TEST_PROGRAM, today)).length, 1);

    // The day after its last day, the mandate no longer runs: valid_until is then yesterday.
    const tomorrow = dayAfter(today);
    assert.equal(await effectiveAccess(db, expiring.account.id, TEST_PROGRAM, org.organizationId, tomorrow), null);
    assert.deepEqual(await accessibleOrganizations(db, expiring.account.id, TEST_PROGRAM, tomorrow), []);

    // Detached from the service point: nothing, though the profile row is still current.
    await db.update(servicePointStaff).set({ endedAt: new Date(), endedBy: firm.manager.account.id }).where(eq(servicePointStaff.accountId, detached.account.id));
    assert.equal(await effectiveAccess(db, detached.account.id, TEST_PROGRAM, org.organizationId, today), null);
    assert.deepEqual(await accessibleOrganizations(db, detached.account.id, TEST_PROGRAM, today), []);

    // Revoked: nothing at once, even before the profile rows are ended.
    await db.update(mandate).set({ endedAt: new Date(), endedBy: org.manager.account.id }).where(eq(mandate.id, mandateId));
    assert.equal(await effectiveAccess(db, running.account.id, TEST_PROGRAM, org.organizationId, today), null);
    assert.deepEqual(await accessibleOrganizations(db, running.account.id, TEST_PROGRAM, today), []);
  });

  test('holdsProfile asks the same question for a signed-in enterprise user only', async () => {
    const member = org.members[2] as TestAccount;
    await grantTestProfile(db, org, member, 'requester_read');
    const resource = { program: TEST_PROGRAM, organizationId: org.organizationId };
    assert.equal(await holdsProfile('requester_read', 'requester_write')(actorOf(member), resource, db), true);
    assert.equal(await holdsProfile('requester_write')(actorOf(member), resource, db), false);
    assert.equal(await holdsProfile('requester_read')({ type: 'anonymous' }, resource, db), false);
  });

  test('the database refuses a Mandataire profile without a running mandate, and a Requérant for an outsider', async () => {
    const otherFirm = await createTestFirm(db, agent.account.id, { staff: 1 });
    const person = otherFirm.staff[0] as TestAccount;
    assert.equal(await dbRefusal(grantTestProfile(db, org, person, 'mandatary_write', otherFirm.servicePointId)), '23514');
    assert.equal(await dbRefusal(grantTestProfile(db, org, person, 'requester_write')), '23514');
    assert.equal(await dbRefusal(db.execute(sql`delete from profile_grant where organization_id = ${org.organizationId}`)), '23514', 'history is kept');
  });
});

describe('the registry’s rules', () => {
  test('holdsFunction, localManagerOrDeputy, localManager: the organization’s current manager and deputies, members only', async () => {
    const org = await createTestOrganization(db, agent.account.id, { members: 2 });
    const other = await createTestOrganization(db, agent.account.id);
    const [deputy, member] = org.members as [TestAccount, TestAccount];
    await nameDeputy(org, deputy);
    const resource = { program: TEST_PROGRAM, organizationId: org.organizationId };
    assert.equal(await localManager(actorOf(org.manager), resource, db), true);
    assert.equal(await localManagerOrDeputy(actorOf(org.manager), resource, db), true);
    assert.equal(await localManagerOrDeputy(actorOf(deputy), resource, db), true);
    assert.equal(await localManager(actorOf(deputy), resource, db), false, 'a deputy does not name deputies');
    assert.equal(await holdsFunction('deputy')(actorOf(deputy), resource, db), true);
    assert.equal(await localManagerOrDeputy(actorOf(member), resource, db), false);
    assert.equal(await localManagerOrDeputy(actorOf(other.manager), resource, db), false, 'another organization’s manager');
    assert.equal(await localManagerOrDeputy({ type: 'anonymous' }, resource, db), false);
    assert.equal(await localManagerOrDeputy(actorOf(org.manager), { program: 'autre', organizationId: org.organizationId }, db), false, 'another program');
    // A deputy deactivated by the RSE loses the function's powers at once.
    await deactivateMember(db, ctxOf(org.enterprise.rse), org.enterprise.enterpriseId, deputy.account.id);
    assert.equal(await localManagerOrDeputy(actorOf(deputy), resource, db), false);
  });

  test('mandataryManagerOf: the service point’s current mandatary manager, nobody else', async () => {
    const firm = await createTestFirm(db, agent.account.id, { staff: 1 });
    const other = await createTestFirm(db, agent.account.id);
    const resource = { program: TEST_PROGRAM, servicePointId: firm.servicePointId };
    assert.equal(await mandataryManagerOf(actorOf(firm.manager), resource, db), true);
    assert.equal(await mandataryManagerOf(actorOf(firm.staff[0] as TestAccount), resource, db), false);
    assert.equal(await mandataryManagerOf(actorOf(other.manager), resource, db), false);
    assert.equal(await mandataryManagerOf(actorOf(firm.manager), { program: TEST_PROGRAM, servicePointId: other.servicePointId }, db), false);
    const citizen = await createTestAccount(db, 'citizen');
    assert.equal(await mandataryManagerOf({ type: 'account', accountId: citizen.account.id, accountKind: 'citizen', displayName: 'x' }, resource, db), false);
  });
});
