/**
 * What the database refuses when the service is bypassed (seed 004; DESIGN: invariants enforced by
 * the database itself). Every write here is a direct insert, update or delete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import { pgErrorCode, type Database } from '../../platform/db/index.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { todayInQuebec } from '../../platform/time/index.js';
import { addTestMember, createTestEnterprise } from '../enterprises/members-test-support.js';
import { enterpriseMember } from '../enterprises/schema.js';
import { createMamhEnterprise, createTestFirm, createTestOrganization, grantTestProfile, mandateFirm, TEST_PROGRAM } from './registry-test-support.js';
import { mandataryManager, organizationFunction, profileGrant } from './schema.js';

let database: Database;
let agent: TestAccount;
before(async () => {
  database = await openTestDatabase();
  agent = await createTestAccount(database.db, 'agent');
});
after(async () => database?.close());

/** The write fails with this Postgres error code: 23505 unique, 23503 foreign key, 23514 check or trigger. */
async function refused(write: Promise<unknown>, code: '23505' | '23503' | '23514'): Promise<void> {
  await assert.rejects(write, (error: unknown) => {
    assert.equal(pgErrorCode(error), code, String(error));
    return true;
  });
}

function yesterday(): string {
  const day = new Date(`${todayInQuebec()}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

describe('the registry’s invariants, enforced by the database', () => {
  test('a second current local manager of an organization and program', async () => {
    const db = database.db;
    const org = await createTestOrganization(db, agent.account.id, { members: 1 });
    const other = org.members[0]!;
    await refused(
      db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: other.account.id, function: 'local_manager', namedBy: agent.account.id }),
      '23505',
    );
  });

  test('a local manager named by someone other than the support desk, a deactivated member as deputy', async () => {
    const db = database.db;
    const org = await createTestOrganization(db, agent.account.id, { members: 2 });
    const [first, second] = org.members as [TestAccount, TestAccount];
    // The manager ended, then someone of the organization names a new one without the desk.
    const [current] = await db.select().from(organizationFunction).where(and(eq(organizationFunction.organizationId, org.organizationId), isNull(organizationFunction.endedAt)));
    await db.update(organizationFunction).set({ endedAt: new Date(), endedBy: agent.account.id }).where(eq(organizationFunction.id, current!.id));
    await refused(
      db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: first.account.id, function: 'local_manager', namedBy: org.manager.account.id }),
      '23514',
    );
    await db.update(enterpriseMember).set({ active: false }).where(eq(enterpriseMember.accountId, second.account.id));
    await refused(
      db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: second.account.id, function: 'deputy', namedBy: agent.account.id }),
      '23514',
    );
  });

  test('a second current mandatary manager on one service point', async () => {
    const db = database.db;
    const firm = await createTestFirm(db, agent.account.id, { staff: 1 });
    await refused(
      db.insert(mandataryManager).values({ program: TEST_PROGRAM, servicePointId: firm.servicePointId, enterpriseId: firm.enterprise.enterpriseId, accountId: firm.staff[0]!.account.id, namedBy: agent.account.id }),
      '23505',
    );
  });

  test('a deputy named by a deputy', async () => {
    const db = database.db;
    const org = await createTestOrganization(db, agent.account.id, { members: 2 });
    const [deputy, other] = org.members as [TestAccount, TestAccount];
    await db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: deputy.account.id, function: 'deputy', namedBy: org.manager.account.id });
    await refused(
      db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: other.account.id, function: 'deputy', namedBy: deputy.account.id }),
      '23514',
    );
  });

  test('a manager or deputy who is a member of another enterprise (composite foreign key)', async () => {
    const db = database.db;
    const org = await createTestOrganization(db, agent.account.id);
    const outside = await createMamhEnterprise(db, 1);
    const stranger = outside.members[0]!;
    // Claimed as a member of the organization's enterprise: no such membership (the membership
    // trigger runs before the foreign key, so it is the one that answers).
    await refused(
      db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: stranger.account.id, function: 'deputy', namedBy: org.manager.account.id }),
      '23514',
    );
    // Claimed with the person's own enterprise: not the organization's.
    await refused(
      db.insert(organizationFunction).values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: outside.enterprise.enterpriseId, accountId: stranger.account.id, function: 'deputy', namedBy: agent.account.id }),
      '23503',
    );
    // A firm's mandatary manager from another enterprise.
    const firm = await createTestFirm(db, agent.account.id);
    const lone = await createTestEnterprise(db);
    const person = await addTestMember(db, lone);
    await refused(
      db.insert(mandataryManager).values({ program: TEST_PROGRAM, servicePointId: firm.servicePointId, enterpriseId: firm.enterprise.enterpriseId, accountId: person.account.id, namedBy: agent.account.id }),
      '23514',
    );
  });

  test('a Mandataire profile without a mandate, and one after the mandate expired', async () => {
    const db = database.db;
    const org = await createTestOrganization(db, agent.account.id);
    const firm = await createTestFirm(db, agent.account.id, { staff: 1 });
    const employee = firm.staff[0]!;
    await refused(grantTestProfile(db, org, employee, 'mandatary_write', firm.servicePointId), '23514');

    const other = await createTestOrganization(db, agent.account.id);
    await mandateFirm(db, other, firm, yesterday());
    await refused(grantTestProfile(db, other, employee, 'mandatary_read', firm.servicePointId), '23514');

    // A Mandataire profile needs the service point named (check constraint), and a Requérant one a member.
    await refused(db.insert(profileGrant).values({ program: TEST_PROGRAM, organizationId: org.organizationId, accountId: employee.account.id, profile: 'mandatary_write', grantedBy: org.manager.account.id }), '23514');
    await refused(grantTestProfile(db, org, employee, 'requester_write'), '23514');
  });

  test('an ended registry row is history: it is neither changed nor deleted; a current row changes only by its end', async () => {
    const db = database.db;
    const org = await createTestOrganization(db, agent.account.id, { members: 2 });
    const [deputy, other] = org.members as [TestAccount, TestAccount];
    const [row] = await db
      .insert(organizationFunction)
      .values({ program: TEST_PROGRAM, organizationId: org.organizationId, enterpriseId: org.enterprise.enterpriseId, accountId: deputy.account.id, function: 'deputy', namedBy: org.manager.account.id })
      .returning();
    // A current row: only its end may change.
    await refused(db.update(organizationFunction).set({ accountId: other.account.id }).where(eq(organizationFunction.id, row!.id)), '23514');
    await refused(db.delete(organizationFunction).where(eq(organizationFunction.id, row!.id)), '23514');
    await db.update(organizationFunction).set({ endedAt: new Date(), endedBy: org.manager.account.id }).where(eq(organizationFunction.id, row!.id));
    await refused(db.update(organizationFunction).set({ endedAt: null, endedBy: null }).where(eq(organizationFunction.id, row!.id)), '23514');
    await refused(db.update(organizationFunction).set({ endedBy: agent.account.id }).where(eq(organizationFunction.id, row!.id)), '23514');
    await refused(db.delete(organizationFunction).where(eq(organizationFunction.id, row!.id)), '23514');

    const firm = await createTestFirm(db, agent.account.id);
    await db.update(mandataryManager).set({ endedAt: new Date(), endedBy: agent.account.id }).where(eq(mandataryManager.servicePointId, firm.servicePointId));
    await refused(db.delete(mandataryManager).where(eq(mandataryManager.servicePointId, firm.servicePointId)), '23514');
  });
});
