import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import { loadDemoDataIfEmpty } from '../../demo.js';
import { signInAs } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { DEMO_PASSWORD, demoAccountCtx } from '../identity/demo.js';
import { account } from '../identity/schema.js';
import { demoTotpSecret } from '../identity/totp.js';
import { designationQueue } from './designations.js';
import { accessibleOrganizations, currentFunction, effectiveAccess, organizationById, personByUserCode } from './registry.js';
import { DEMO_MUNICIPALITY_CODE, DEMO_PENDING_MUNICIPALITY_CODE, DEMO_SERVICE_POINT_NAME, REGISTRY_DEMO_PROGRAM, registryDemoLogins, registryDemoLines } from './registry-demo.js';
import { eserviceEnrolment, mandataryManager, organization, servicePoint, servicePointStaff } from './schema.js';
import { aidRequest } from '../aid/schema.js';
import { request } from '../requests/schema.js';

/** The registry demo as `npm start` loads it (src/demo.ts): its people, functions, profiles, mandate and queue. */
let t: TestApp;
const program = REGISTRY_DEMO_PROGRAM;
before(async () => {
  t = await buildTestApp();
  assert.ok(await loadDemoDataIfEmpty(t.db, t.config, t.app.files));
});
after(async () => t?.close());

async function idOf(userCode: string): Promise<string> {
  const person = await personByUserCode(t.db, userCode);
  assert.ok(person, userCode);
  return person.accountId;
}

async function saintRaymond(): Promise<string> {
  const [row] = await t.db.select({ id: organization.id }).from(organization).where(eq(organization.geographicCode, DEMO_MUNICIPALITY_CODE));
  assert.ok(row, 'Saint-Raymond is an organization');
  return row.id;
}

describe('registry demo data', () => {
  test('every demo person is found by user code, an active member of an enterprise active in the MAMH e-services', async () => {
    const codes = registryDemoLogins().map((l) => l.userCode);
    assert.deepEqual(codes, ['MUN0001', 'MUN0002', 'MUN0003', 'MUN0004', 'MUN0005', 'ORG0001', 'FIR0001', 'FIR0002']);
    for (const code of codes) {
      const person = await personByUserCode(t.db, code);
      assert.ok(person?.active && person.enterpriseId, code);
      const [mamh] = await t.db
        .select({ state: eserviceEnrolment.state })
        .from(eserviceEnrolment)
        .where(and(eq(eserviceEnrolment.enterpriseId, person.enterpriseId), eq(eserviceEnrolment.ministry, 'mamh')));
      assert.equal(mamh?.state, 'active', code);
    }
    assert.ok(registryDemoLines().some((line) => line.includes('MUN0003') && line.includes('Requérant – Rédaction')));
  });

  test('Saint-Raymond: MUN0001 local manager, MUN0002 deputy, MUN0003 and MUN0004 Requérant profiles', async () => {
    const orgId = await saintRaymond();
    const org = await organizationById(t.db, orgId);
    assert.equal(org?.name, 'Saint-Raymond');
    assert.equal(org?.identifier, DEMO_MUNICIPALITY_CODE);
    assert.equal(await currentFunction(t.db, await idOf('MUN0001'), program, orgId), 'local_manager');
    assert.equal(await currentFunction(t.db, await idOf('MUN0002'), program, orgId), 'deputy');
    assert.deepEqual(await effectiveAccess(t.db, await idOf('MUN0003'), program, orgId), { profile: 'requester_write', servicePointId: null });
    assert.deepEqual(await effectiveAccess(t.db, await idOf('MUN0004'), program, orgId), { profile: 'requester_read', servicePointId: null });
    // A function gives no access to the files by itself.
    assert.equal(await effectiveAccess(t.db, await idOf('MUN0001'), program, orgId), null);
  });

  test('the organism has ORG0001 as local manager', async () => {
    const orgId = await t.db.select({ id: organization.id }).from(organization).where(eq(organization.kind, 'organism'));
    assert.equal(orgId.length, 1);
    assert.equal(await currentFunction(t.db, await idOf('ORG0001'), program, orgId[0]?.id ?? ''), 'local_manager');
  });

  test('the firm: FIR0001 manages Bureau de Québec, FIR0002 is attached and drafts for Saint-Raymond under the mandate', async () => {
    const [point] = await t.db.select().from(servicePoint).where(eq(servicePoint.name, DEMO_SERVICE_POINT_NAME));
    assert.ok(point);
    const [manager] = await t.db
      .select({ accountId: mandataryManager.accountId })
      .from(mandataryManager)
      .where(and(eq(mandataryManager.servicePointId, point.id), isNull(mandataryManager.endedAt)));
    assert.equal(manager?.accountId, await idOf('FIR0001'));
    const staff = await t.db.select({ accountId: servicePointStaff.accountId }).from(servicePointStaff).where(eq(servicePointStaff.servicePointId, point.id));
    assert.deepEqual(new Set(staff.map((s) => s.accountId)), new Set([await idOf('FIR0001'), await idOf('FIR0002')]));
    const orgId = await saintRaymond();
    assert.deepEqual(await effectiveAccess(t.db, await idOf('FIR0002'), program, orgId), { profile: 'mandatary_write', servicePointId: point.id });
    assert.deepEqual(
      (await accessibleOrganizations(t.db, await idOf('FIR0002'), program)).map((o) => o.name),
      ['Saint-Raymond'],
    );
  });

  test('the aid demo ran on Saint-Raymond: PRABAM requests drafted by the mandatary, PRIMEAU ones by MUN0003, in several states', async () => {
    const rows = await t.db
      .select({ program: request.program, state: request.state, createdBy: request.createdBy })
      .from(aidRequest)
      .innerJoin(request, eq(request.id, aidRequest.requestId))
      .where(eq(aidRequest.organizationId, await saintRaymond()));
    for (const [program, creator] of [['prabam', 'FIR0002'], ['primeau', 'MUN0003']] as const) {
      const ofProgram = rows.filter((r) => r.program === program);
      assert.ok(ofProgram.length >= 2, `${program} requests`);
      assert.ok(ofProgram.some((r) => r.state === 'draft'));
      assert.ok(ofProgram.some((r) => r.state !== 'draft'));
      const creatorId = await idOf(creator);
      assert.ok(ofProgram.every((r) => r.createdBy === creatorId), `${program} drafted by ${creator}`);
    }
  });

  test('the support desk finds Baie-Saint-Paul’s designation of MUN0005 pending', async () => {
    const queue = await designationQueue(t.db, await demoAccountCtx(t.db, 'agente@guichet.test'));
    const pending = queue.pending.find((row) => row.geographicCode === DEMO_PENDING_MUNICIPALITY_CODE);
    assert.ok(pending, 'pending designation');
    assert.equal(pending.targetName, 'Baie-Saint-Paul');
    assert.equal(pending.designatedCode, 'MUN0005');
    assert.equal(pending.kind, 'local_manager');
  });

  test('MUN0001 signs in with the demo password and MFA and opens the register', async () => {
    const [row] = await t.db.select().from(account).where(eq(account.userCode, 'MUN0001'));
    assert.ok(row);
    const client = t.client();
    const signedIn = await signInAs(client, { account: row, identifier: 'MUN0001', password: DEMO_PASSWORD, totpSecret: demoTotpSecret('MUN0001') });
    assert.equal(signedIn.statusCode, 303);
    const page = await client.get(`/aide/${program}/registre`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('Isabelle Moisan') && page.body.includes('Karine Dufour'), page.body);
  });
});
