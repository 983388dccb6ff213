import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { transaction, type Database, type Db } from '../../platform/db/index.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { mesFunding } from './schema.js';
import {
  childForEnterprise,
  directorateByCode,
  directorates,
  findChildrenForEnterprise,
  hasIntegrationAllowance,
  mesFundingHistory,
  recordMesFunding,
  servicesOfEnterprise,
  siteById,
  sitesOfEnterprise,
  todayInQuebec,
  upsertAttendance,
  upsertChild,
  upsertChildcareService,
  upsertIntegrationAllowance,
  upsertSite,
  type NewChild,
  type NewSite,
} from './service.js';

const OURS = '3370090001';
const THEIRS = '3370090002';
const today = todayInQuebec();

/** A date `days` from today, `YYYY-MM-DD` (UTC arithmetic on a calendar date). */
function shift(days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

let database: Database;
let db: Db;
const ids = { cpe: '', bc: '', cpeSite1: '', cpeSite2: '', rsge: '', theirSite: '', lea: '', max: '', other: '', gone: '', both: '' };

function site(serviceId: string, number: string, kind: NewSite['kind'], directorateCode: string): NewSite {
  return { serviceId, kind, number, name: `Site ${number}`, address: '1, rue Essai', municipality: 'Québec', postalCode: 'G1K 1A1', region: '03', directorateCode };
}

function kid(nirec: string, necsg: string, lastName: string, firstName: string, birthDate: string): NewChild {
  return { nirec, necsg, lastName, firstName, birthDate, parentName: 'Parent Essai', homeAddress: '2, rue Essai, Québec (Québec)', homePostalCode: 'G1K 1A2' };
}

before(async () => {
  database = await openTestDatabase();
  db = database.db;
  await transaction(db, async (tx) => {
    const cpe = await upsertChildcareService(tx, { permitNumber: 'CPE-9001', kind: 'cpe', name: 'CPE Essai', enterpriseNeq: OURS, divisionNumber: '3000-9001' });
    const bc = await upsertChildcareService(tx, { permitNumber: 'BC-9002', kind: 'coordinating_office', name: 'BC Essai', enterpriseNeq: OURS });
    const theirs = await upsertChildcareService(tx, { permitNumber: 'GAR-9003', kind: 'subsidized_daycare', name: 'Garderie Autre', enterpriseNeq: THEIRS });
    ids.cpe = cpe.id;
    ids.bc = bc.id;
    ids.cpeSite1 = await upsertSite(tx, site(cpe.id, '9001-01', 'installation', '11'));
    ids.cpeSite2 = await upsertSite(tx, site(cpe.id, '9001-02', 'installation', '12'));
    ids.rsge = await upsertSite(tx, site(bc.id, 'RSGE-9002-01', 'home_provider', '11'));
    ids.theirSite = await upsertSite(tx, site(theirs.id, '9003-01', 'installation', '14'));

    ids.lea = await upsertChild(tx, kid('3000000001', '300000001', 'Lévesque-Bélair', 'Léa', '2022-05-01'));
    ids.max = await upsertChild(tx, kid('3000000002', '300000002', 'Tremblay', 'Max', '2021-02-03'));
    ids.other = await upsertChild(tx, kid('3000000003', '300000003', 'Autre', 'Enfant', '2021-02-03'));
    ids.gone = await upsertChild(tx, kid('3000000004', '300000004', 'Parti', 'Enfant', '2021-02-03'));
    ids.both = await upsertChild(tx, kid('3000000005', '300000005', 'Partout', 'Enfant', '2021-02-03'));

    await upsertAttendance(tx, { childId: ids.lea, installationId: ids.cpeSite1, startDate: shift(-100), endDate: null });
    await upsertAttendance(tx, { childId: ids.lea, installationId: ids.rsge, startDate: shift(-10), endDate: shift(10) });
    await upsertAttendance(tx, { childId: ids.max, installationId: ids.cpeSite2, startDate: shift(-300), endDate: null });
    await upsertAttendance(tx, { childId: ids.other, installationId: ids.theirSite, startDate: shift(-300), endDate: null });
    await upsertAttendance(tx, { childId: ids.gone, installationId: ids.cpeSite1, startDate: shift(-300), endDate: shift(-1) });
    await upsertAttendance(tx, { childId: ids.both, installationId: ids.cpeSite1, startDate: shift(-300), endDate: null });
    await upsertAttendance(tx, { childId: ids.both, installationId: ids.theirSite, startDate: shift(-300), endDate: null });
  });
});
after(async () => database?.close());

describe('directorates and services', () => {
  test('the four directorates with their phones and e-mail', async () => {
    const all = await directorates(db);
    assert.deepEqual(
      all.map((d) => d.code),
      ['11', '12', '13', '14'],
    );
    const capitale = await directorateByCode(db, '11');
    assert.ok(capitale);
    assert.ok(capitale.nameFr.includes('Capitale-Nationale'));
    assert.ok(capitale.phone && capitale.tollFreePhone && capitale.email.includes('@'));
    assert.equal(await directorateByCode(db, '99'), undefined);
    // MAMH's infrastructure branch numbers the aid requests; it is not one of Famille's directorates.
    assert.deepEqual((await directorates(db, 'mamh')).map((d) => d.code), ['90', '91']);
  });

  test("an enterprise's services and sites: installations and, for its BC, the RSGE", async () => {
    assert.deepEqual(
      (await servicesOfEnterprise(db, OURS)).map((s) => s.permitNumber),
      ['BC9002', 'CPE9001'],
    );
    const sites = await sitesOfEnterprise(db, OURS);
    assert.deepEqual(
      sites.map((s) => [s.number, s.kind, s.serviceKind, s.directorateCode]),
      [
        ['RSGE-9002-01', 'home_provider', 'coordinating_office', '11'],
        ['9001-01', 'installation', 'cpe', '11'],
        ['9001-02', 'installation', 'cpe', '12'],
      ],
    );
    assert.deepEqual(await sitesOfEnterprise(db, '3370099999'), []);
  });

  test('a site with its service', async () => {
    const found = await siteById(db, ids.cpeSite1);
    assert.equal(found?.serviceName, 'CPE Essai');
    assert.equal(found.divisionNumber, '3000-9001');
    assert.equal(found.enterpriseNeq, OURS);
    assert.equal(found.postalCode, 'G1K 1A1');
    assert.equal(await siteById(db, 'pas-un-uuid'), undefined);
    assert.equal(await siteById(db, '00000000-0000-4000-8000-000000000000'), undefined);
  });

  test('upserting a service without a division number keeps the one it has', async () => {
    await upsertChildcareService(db, { permitNumber: 'CPE-9001', kind: 'cpe', name: 'CPE Essai', enterpriseNeq: OURS });
    assert.equal((await siteById(db, ids.cpeSite1))?.divisionNumber, '3000-9001');
  });
});

describe('child search for an enterprise', () => {
  test('by NIREC or NECSG: the child with the enterprise sites it attends today', async () => {
    for (const query of [{ nirec: '3000000001' }, { nirec: '30000 00001' }, { necsg: '300000001' }]) {
      const [found, ...rest] = await findChildrenForEnterprise(db, OURS, query);
      assert.equal(rest.length, 0);
      assert.equal(found?.child.id, ids.lea, JSON.stringify(query));
      assert.deepEqual(found.sites.map((s) => s.number).sort(), ['9001-01', 'RSGE-9002-01']);
      assert.equal(found.child.parentName, 'Parent Essai');
    }
  });

  test('by name and birth date, whatever the case, accents and spaces', async () => {
    for (const [lastName, firstName] of [
      ['Lévesque-Bélair', 'Léa'],
      ['LEVESQUE-BELAIR', 'lea'],
      ['  levesque-belair ', ' LÉA'],
    ]) {
      const found = await findChildrenForEnterprise(db, OURS, { lastName: lastName as string, firstName: firstName as string, birthDate: '2022-05-01' });
      assert.deepEqual(
        found.map((f) => f.child.id),
        [ids.lea],
        `${lastName} ${firstName}`,
      );
    }
    assert.deepEqual(await findChildrenForEnterprise(db, OURS, { lastName: 'Lévesque-Bélair', firstName: 'Léa', birthDate: '2022-05-02' }), []);
  });

  test("another enterprise's child is not found, exactly as a child who does not exist", async () => {
    const unknown = await findChildrenForEnterprise(db, OURS, { nirec: '3999999999' });
    assert.deepEqual(unknown, []);
    for (const query of [{ nirec: '3000000003' }, { necsg: '300000003' }, { lastName: 'Autre', firstName: 'Enfant', birthDate: '2021-02-03' }]) {
      assert.deepEqual(await findChildrenForEnterprise(db, OURS, query), unknown, JSON.stringify(query));
    }
    // The other enterprise finds its own child.
    assert.equal((await findChildrenForEnterprise(db, THEIRS, { nirec: '3000000003' }))[0]?.child.id, ids.other);
    assert.equal(await childForEnterprise(db, OURS, ids.other), null);
  });

  test('a child who attends both enterprises is shown with our sites only', async () => {
    const [found] = await findChildrenForEnterprise(db, OURS, { nirec: '3000000005' });
    assert.deepEqual(
      found?.sites.map((s) => s.number),
      ['9001-01'],
    );
    assert.deepEqual(
      (await childForEnterprise(db, THEIRS, ids.both))?.sites.map((s) => s.number),
      ['9003-01'],
    );
  });

  test('a child whose attendance ended yesterday is not found; a site is shown only while attended', async () => {
    assert.deepEqual(await findChildrenForEnterprise(db, OURS, { nirec: '3000000004' }), []);
    assert.equal(await childForEnterprise(db, OURS, ids.gone), null);
    // Found on a day its attendance covered.
    assert.equal((await findChildrenForEnterprise(db, OURS, { nirec: '3000000004' }, shift(-1)))[0]?.child.id, ids.gone);
    // Léa's RSGE attendance runs to today + 10: on day 11 only the installation is left.
    assert.deepEqual(
      (await childForEnterprise(db, OURS, ids.lea, shift(11)))?.sites.map((s) => s.number),
      ['9001-01'],
    );
  });

  test('malformed queries find nobody without asking the database to fail', async () => {
    for (const query of [{ nirec: 'abc' }, { necsg: '12' }, { lastName: '', firstName: 'Léa', birthDate: '2022-05-01' }]) {
      assert.deepEqual(await findChildrenForEnterprise(db, OURS, query), []);
    }
    assert.equal(await childForEnterprise(db, OURS, 'pas-un-uuid'), null);
  });
});

describe('integration allowance (AIEH)', () => {
  test('holds on the days its period covers, at its site only', async () => {
    await upsertIntegrationAllowance(db, { childId: ids.max, installationId: ids.cpeSite2, startDate: '2025-04-01', endDate: '2026-03-31' });
    const on = (date: string, site = ids.cpeSite2) => hasIntegrationAllowance(db, ids.max, site, date);
    assert.equal(await on('2025-03-31'), false);
    assert.equal(await on('2025-04-01'), true);
    assert.equal(await on('2026-03-31'), true);
    assert.equal(await on('2026-04-01'), false);
    assert.equal(await on('2025-06-01', ids.cpeSite1), false);
    assert.equal(await hasIntegrationAllowance(db, ids.lea, ids.cpeSite2, '2025-06-01'), false);
  });

  test('an open period holds from its start; recording it again with an end closes it', async () => {
    await upsertIntegrationAllowance(db, { childId: ids.max, installationId: ids.cpeSite1, startDate: '2024-09-01', endDate: null });
    assert.equal(await hasIntegrationAllowance(db, ids.max, ids.cpeSite1, '2099-01-01'), true);
    await upsertIntegrationAllowance(db, { childId: ids.max, installationId: ids.cpeSite1, startDate: '2024-09-01', endDate: '2024-12-31' });
    assert.equal(await hasIntegrationAllowance(db, ids.max, ids.cpeSite1, '2099-01-01'), false);
    assert.equal(await hasIntegrationAllowance(db, ids.max, ids.cpeSite1, '2024-12-31'), true);
  });
});

describe('MES funding', () => {
  test('recorded once per child, site and reference year; the history comes latest first', async () => {
    await transaction(db, async (tx) => {
      await recordMesFunding(tx, ids.max, ids.cpeSite1, 2023);
      await recordMesFunding(tx, ids.max, ids.cpeSite2, 2024);
      await recordMesFunding(tx, ids.max, ids.cpeSite2, 2024);
    });
    assert.equal((await db.select().from(mesFunding).where(eq(mesFunding.childId, ids.max))).length, 2);
    const history = await mesFundingHistory(db, ids.max);
    assert.deepEqual(
      history.map((h) => [h.referenceYear, h.siteNumber, h.serviceId, h.divisionNumber]),
      [
        [2024, '9001-02', ids.cpe, '3000-9001'],
        [2023, '9001-01', ids.cpe, '3000-9001'],
      ],
    );
    assert.deepEqual(await mesFundingHistory(db, ids.lea), []);
  });
});
