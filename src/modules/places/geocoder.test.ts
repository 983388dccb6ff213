import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/index.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { gazetteerGeocoder, postalAreaOf, type GeocodeResult, type Geocoder } from './geocoder.js';

let database: Database;
let geocoder: Geocoder;
before(async () => {
  database = await openTestDatabase();
  geocoder = gazetteerGeocoder(database.db);
});
after(async () => database?.close());

function placeOf(result: GeocodeResult) {
  assert.ok(result.ok, JSON.stringify(result));
  return result.place;
}

describe('the gazetteer geocoder', () => {
  test('a postal code, complete or its area alone, in any case and spacing, is placed at its area', async () => {
    for (const query of ['H2X 1Y4', 'h2x1y4', ' H2X ', 'h2x']) {
      const place = placeOf(await geocoder.locate(query));
      assert.equal(place.label, 'H2X', query);
      assert.equal(place.precision, 'postal_area');
      assert.ok(Math.abs(place.latitude - 45.5115) < 0.001 && Math.abs(place.longitude + 73.5683) < 0.001, query);
    }
  });

  test('a malformed postal code and one outside Quebec are told apart from an unknown place', async () => {
    for (const query of ['H2X 1Y', 'H2X 1YY', 'Z9Z 9Z9', 'HHX 1Y4', 'D1A']) assert.deepEqual(await geocoder.locate(query), { ok: false, reason: 'malformed_postal_code' }, query);
    // Ottawa (K), Toronto (M): well formed, not in Quebec.
    for (const query of ['K1A 0B1', 'M5V 3L9']) assert.deepEqual(await geocoder.locate(query), { ok: false, reason: 'postal_code_outside_quebec' }, query);
    assert.equal(postalAreaOf('g5l 4b7'), 'G5L');
    assert.equal(postalAreaOf('G5L-4B7'), null);
  });

  test('a municipality by its name, accents and case ignored; namesakes say their region', async () => {
    const montreal = placeOf(await geocoder.locate('montreal'));
    assert.equal(montreal.label, 'Montréal');
    assert.equal(montreal.precision, 'municipality');
    assert.equal(placeOf(await geocoder.locate('TROIS-RIVIÈRES')).label, 'Trois-Rivières');
    assert.equal(placeOf(await geocoder.locate('Saint Raymond')).label, 'Saint-Raymond');
  });

  test('an address: its postal code first, else the municipality after the street', async () => {
    assert.equal(placeOf(await geocoder.locate('1234, rue Saint-Denis, Montréal (Québec) H2X 3K2')).label, 'H2X');
    assert.equal(placeOf(await geocoder.locate('1234, rue Principale, Joliette, QC')).label, 'Joliette');
    // « Québec » closing an address is the province when a municipality came before it.
    assert.equal(placeOf(await geocoder.locate('200, rue Notre-Dame, Lévis, Québec')).label, 'Lévis');
    assert.equal(placeOf(await geocoder.locate('Québec')).label, 'Québec');
  });

  test('a municipality the gazetteer has no position for says so rather than picking another town', async () => {
    assert.deepEqual(await geocoder.locate('Grosse-Île'), { ok: false, reason: 'municipality_without_position' });
  });

  test('nothing, too much, nonsense and injection attempts are refused with a reason, never an error', async () => {
    assert.deepEqual(await geocoder.locate('   '), { ok: false, reason: 'empty' });
    assert.deepEqual(await geocoder.locate('a'.repeat(201)), { ok: false, reason: 'too_long' });
    for (const query of ["'; drop table municipality; --", '%', '\\', '<script>alert(1)</script>', 'Atlantide', "' or 1=1 --"]) {
      assert.deepEqual(await geocoder.locate(query), { ok: false, reason: 'unknown_place' }, query);
    }
    assert.equal(placeOf(await geocoder.locate('montreal')).label, 'Montréal', 'the table is still there');
  });
});
