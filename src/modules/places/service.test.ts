import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { gazetteerSql, parseGazetteer, parsePostalAreas } from '../../../scripts/gazetteer-sql.js';
import { queryRows, type Database, type Db } from '../../platform/db/index.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { foldForSearch, municipalityByCode, searchMunicipalities } from './service.js';

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

const csv = readFileSync(new URL('../../../db/reference/municipalities.csv', import.meta.url), 'utf8');
const postalCsv = readFileSync(new URL('../../../db/reference/postal-areas.csv', import.meta.url), 'utf8');

describe('gazetteer', () => {
  test('the latest gazetteer migration holds every row of the CSVs, as the script generates it', async () => {
    const rows = parseGazetteer(csv);
    assert.equal(rows.length, 1130);
    assert.equal(rows.filter((r) => r.latitude !== null).length, 359, 'the README gives this coverage');
    const postalAreas = parsePostalAreas(postalCsv);
    assert.equal(postalAreas.length, 418);
    const migration = readFileSync(new URL('../../../db/migrations/0019_map_gazetteer.sql', import.meta.url), 'utf8');
    assert.equal(migration, gazetteerSql(rows, postalAreas), 'run npx tsx scripts/gazetteer-sql.ts');
    const [areas] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from postal_area`);
    assert.equal(areas?.n, 418);
    // Tests may add municipalities of their own (codes the gazetteer does not use); the real ones are all there.
    const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from municipality where geographic_code in ${rows.map((r) => r.geographicCode)}`);
    assert.equal(count?.n, 1130);
    const regions = await queryRows<{ region_code: string }>(db, sql`select distinct region_code from municipality order by region_code`);
    assert.equal(regions.length, 17);
  });

  test('a municipality by its geographic code', async () => {
    assert.deepEqual(await municipalityByCode(db, '23027'), {
      geographicCode: '23027',
      name: 'Québec',
      regionCode: '03',
      regionName: 'Capitale-Nationale',
      latitude: 46.81228,
      longitude: -71.21454,
    });
    assert.equal((await municipalityByCode(db, '66 023'))?.name, 'Montréal');
    assert.equal(await municipalityByCode(db, '00000'), null);
    assert.equal(await municipalityByCode(db, 'abcde'), null);
  });

  test('search by name ignores accents, case, hyphens; names starting with the words come first', async () => {
    const trois = await searchMunicipalities(db, 'TROIS rivieres');
    assert.equal(trois[0]?.geographicCode, '37067');
    const levis = await searchMunicipalities(db, 'levis');
    assert.ok(levis.some((m) => m.geographicCode === '25213' && m.name === 'Lévis'));
    const saintJean = await searchMunicipalities(db, 'saint jean port', 5);
    assert.ok(saintJean.some((m) => m.name === 'Saint-Jean-Port-Joli'));
    const valcourt = await searchMunicipalities(db, 'Valcourt');
    assert.deepEqual(valcourt.map((m) => m.geographicCode).sort(), ['42055', '42060']);
    assert.equal((await searchMunicipalities(db, 'saint', 10)).length, 10);
    assert.deepEqual(await searchMunicipalities(db, '%'), []);
    assert.deepEqual(await searchMunicipalities(db, '   '), []);
    assert.deepEqual((await searchMunicipalities(db, '94068')).map((m) => m.name), ['Saguenay']);
  });

  test('folding lowers and drops accents as the SQL side does', async () => {
    assert.equal(foldForSearch('Île-d’Orléans Sainte-Pétronille'), 'ile-d’orleans sainte-petronille');
    const [row] = await queryRows<{ folded: string }>(db, sql`select translate(lower('Île-d’Orléans Sainte-Pétronille'), 'àâäáãéèêëíìîïóòôöõúùûüçñÿœæ', 'aaaaaeeeeiiiiooooouuuucnyoa') as folded`);
    assert.equal(row?.folded, foldForSearch('Île-d’Orléans Sainte-Pétronille'));
  });
});
