import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { transaction, type Database, type Db } from '../../platform/db/index.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { demoChildcareServices, demoChildren, seedChildcareDemo, type DemoScenario } from './demo.js';
import { child, childAttendance, childcareService, installation, integrationAllowance, mesFunding } from './schema.js';
import { demoMapSites } from './demo-map.js';
import { findChildrenForEnterprise, hasIntegrationAllowance, mesFundingHistory, referenceYearOf, sitesOfEnterprise, todayInQuebec, type ChildAtSites } from './service.js';

const CPE_SOLEIL = '3370000009';
const BC_MOUSSAILLONS = '3370000010';
const today = todayInQuebec();
const previousYear = referenceYearOf(today) - 1;

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
  await transaction(db, seedChildcareDemo);
});
after(async () => database?.close());

/** The scenario's child as its enterprise's search finds it by NIREC. */
async function found(scenario: DemoScenario, neq: string): Promise<ChildAtSites | undefined> {
  const [result] = await findChildrenForEnterprise(db, neq, { nirec: demoChildren[scenario].nirec });
  return result;
}

async function allowanceAtScenarioSite(scenario: DemoScenario, neq: string): Promise<boolean> {
  const result = await found(scenario, neq);
  const site = result?.sites.find((s) => s.number === demoChildren[scenario].siteNumber);
  assert.ok(result && site, scenario);
  return hasIntegrationAllowance(db, result.child.id, site.id, today);
}

describe('childcare demo data', () => {
  test('30 children; CPE Soleil has three installations in three directorates, the BC two RSGE', async () => {
    assert.equal((await db.select().from(child)).length, 30);
    const soleil = await sitesOfEnterprise(db, CPE_SOLEIL);
    assert.equal(soleil.length, 3);
    assert.ok(soleil.every((s) => s.kind === 'installation' && s.divisionNumber === '3000-2001'));
    assert.deepEqual(new Set(soleil.map((s) => s.directorateCode)), new Set(['11', '12', '13']));
    const bc = await sitesOfEnterprise(db, BC_MOUSSAILLONS);
    assert.deepEqual(
      bc.map((s) => s.kind),
      ['home_provider', 'home_provider'],
    );
    assert.deepEqual(
      demoChildcareServices.map((s) => s.permitNumber),
      ['GAR-1001', 'GAR-1002', 'GAR-1003', 'CPE-2001', 'BC-3001'],
    );
  });

  test('the map: 200 more sites in 20 municipalities, every kind of provider, each with its places and positions', async () => {
    const sites = await db.select().from(installation);
    assert.equal(sites.length, 8 + 200);
    assert.ok(sites.every((s) => s.placesTotal !== null && s.latitude !== null && s.publicLatitude !== null), 'places and positions everywhere');
    const kinds = await db.select({ kind: childcareService.kind }).from(childcareService);
    assert.deepEqual(new Set(kinds.map((k) => k.kind)), new Set(['cpe', 'subsidized_daycare', 'daycare', 'coordinating_office']));
    const homes = sites.filter((s) => s.kind === 'home_provider');
    assert.equal(homes.length, 2 + 80);
    assert.ok(homes.every((s) => s.providerNeq !== null && (s.publicLatitude !== s.latitude || s.publicLongitude !== s.longitude)), 'an RSGE is shown away from its home');
    assert.ok(sites.filter((s) => s.kind === 'installation').every((s) => s.publicLatitude === s.latitude && s.publicLongitude === s.longitude));
    assert.deepEqual(demoMapSites(), demoMapSites(), 'deterministic');
  });

  test('new request: found by name with accents dropped, AIEH at the site, never funded', async () => {
    const { lastName, birthDate } = demoChildren.newRequest;
    const [result] = await findChildrenForEnterprise(db, CPE_SOLEIL, { lastName: lastName.toUpperCase(), firstName: 'eloise', birthDate });
    assert.equal(result?.child.nirec, demoChildren.newRequest.nirec);
    assert.ok(await allowanceAtScenarioSite('newRequest', CPE_SOLEIL));
    assert.deepEqual(await mesFundingHistory(db, result.child.id), []);
  });

  test('renewal and transfer: funded last reference year, here or elsewhere', async () => {
    const renewal = await found('renewal', CPE_SOLEIL);
    assert.ok(renewal);
    assert.deepEqual(
      (await mesFundingHistory(db, renewal.child.id)).map((f) => [f.siteNumber, f.referenceYear]),
      [[demoChildren.renewal.siteNumber, previousYear]],
    );
    const transfer = await found('transfer', CPE_SOLEIL);
    assert.ok(transfer);
    assert.deepEqual(
      transfer.sites.map((s) => s.number),
      [demoChildren.transfer.siteNumber],
    );
    const [funded] = await mesFundingHistory(db, transfer.child.id);
    assert.equal(funded?.referenceYear, previousYear);
    assert.notEqual(funded.siteNumber, demoChildren.transfer.siteNumber);
    assert.ok(await allowanceAtScenarioSite('transfer', CPE_SOLEIL));
  });

  test('without an AIEH, or with one that ended: no MES request', async () => {
    assert.equal(await allowanceAtScenarioSite('noAllowance', CPE_SOLEIL), false);
    assert.equal(await allowanceAtScenarioSite('allowanceEnded', CPE_SOLEIL), false);
    assert.ok(await allowanceAtScenarioSite('directorate11', CPE_SOLEIL));
    assert.equal((await found('directorate11', CPE_SOLEIL))?.sites[0]?.directorateCode, '11');
  });

  test("another enterprise's child and a child who left are not found by CPE Soleil", async () => {
    assert.equal(await found('otherEnterprise', CPE_SOLEIL), undefined);
    assert.equal(await found('left', CPE_SOLEIL), undefined);
    assert.ok(await found('otherEnterprise', '3370000001'));
    assert.equal((await found('twoInstallations', CPE_SOLEIL))?.sites.length, 2);
  });

  test('the BC finds the children of its RSGE', async () => {
    assert.ok(await allowanceAtScenarioSite('homeProviderNew', BC_MOUSSAILLONS));
    const renewal = await found('homeProviderRenewal', BC_MOUSSAILLONS);
    assert.ok(renewal);
    assert.equal((await mesFundingHistory(db, renewal.child.id))[0]?.referenceYear, previousYear);
  });

  test('most children have an AIEH; seeding twice adds nothing', async () => {
    const counts = async () => Promise.all([child, installation, childAttendance, integrationAllowance, mesFunding].map(async (table) => (await db.select().from(table)).length));
    const first = await counts();
    assert.ok((first[3] ?? 0) >= 20, `AIEH rows: ${first[3]}`);
    await transaction(db, seedChildcareDemo);
    assert.deepEqual(await counts(), first);
  });
});
