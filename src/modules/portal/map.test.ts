import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anonymous, type Ctx } from '../../platform/context.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { gazetteerGeocoder } from '../places/geocoder.js';
import { mapRoutes } from './routes-map.js';
import { noFilters, parseMapQuery, searchMap, type MapFilters, type MapSearch } from './map.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { openSheet, saveSheet } from './service.js';
import { createProvider, homeAddress, portalUser, publishedProvider, type PortalProvider } from './test-support.js';

let t: TestApp;
let unpublishedHome: PortalProvider;
let publishedHome: PortalProvider;
let cpe: PortalProvider;
const publicCtx: Ctx = { actor: anonymous, lang: 'fr', requestId: null, ip: null };

before(async () => {
  t = await buildTestApp();
  unpublishedHome = await createProvider(t.db, 'home_provider');
  publishedHome = await publishedProvider(t.db, 'home_provider');
  cpe = await publishedProvider(t.db, 'cpe');
  // The CPE shows its periods and languages; the RSGE keeps every optional section hidden.
  const sheetCtx = ctxOf(await portalUser(t.db, cpe, ['manage_sheet'], 'Fiche2'));
  const { sheet } = await openSheet(t.db, sheetCtx, cpe.siteId);
  await saveSheet(t.db, sheetCtx, cpe.siteId, {
    version: sheet.version,
    groupComposition: '',
    dailyRate: '',
    rateDetails: '',
    openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    opensAt: '07:00',
    closesAt: '17:30',
    carePeriods: ['full_time'],
    presentation: '',
    languages: ['fr'],
    otherLanguages: '',
    publicSections: ['periods', 'languages'],
  });
});
after(async () => t?.close());

async function around(place: string, radiusKm: number, filters: Partial<MapFilters> = {}): Promise<MapSearch> {
  const located = await gazetteerGeocoder(t.db).locate(place);
  assert.ok(located.ok, place);
  const all: MapSearch['entries'] = [];
  let search = await searchMap(t.db, publicCtx, located.place, radiusKm, { ...noFilters, ...filters }, 1);
  all.push(...search.entries);
  while (search.page < search.pageCount) {
    search = await searchMap(t.db, publicCtx, located.place, radiusKm, { ...noFilters, ...filters }, search.page + 1);
    all.push(...search.entries);
  }
  return { ...search, entries: all };
}

const ids = (search: MapSearch) => search.entries.map((e) => e.siteId);

describe('the map search', () => {
  test('sites within the radius, nearest first, published or not; an RSGE only at its approximate position, without name or address', async () => {
    const search = await around('G5L 4B7', 10);
    assert.equal(search.place.label, 'G5L');
    for (const site of [unpublishedHome, publishedHome, cpe]) assert.ok(ids(search).includes(site.siteId), site.siteName);
    const distances = search.entries.map((e) => e.distanceKm);
    assert.deepEqual(distances, [...distances].sort((a, b) => a - b));
    assert.equal(search.total, search.entries.length);
    const located = await gazetteerGeocoder(t.db).locate('G5L 4B7');
    assert.ok(located.ok);
    const beyond = await searchMap(t.db, publicCtx, located.place, 10, noFilters, 99);
    assert.deepEqual([beyond.entries.length, beyond.total], [0, search.total], 'a page past the end still counts them');

    const home = search.entries.find((e) => e.siteId === publishedHome.siteId);
    assert.ok(home);
    assert.equal(home.kind, 'home_provider');
    assert.equal(home.name, null, 'the RSGE does not show its name');
    assert.equal(home.address, null);
    assert.deepEqual(home.position, { latitude: 48.43, longitude: -68.535 }, 'the grid cell centre');
    assert.equal(home.published, true);
    assert.deepEqual(home.openingDays, ['mon', 'tue', 'wed', 'thu', 'fri']);
    assert.equal(home.opensAt, '07:00');

    const notYet = search.entries.find((e) => e.siteId === unpublishedHome.siteId);
    assert.ok(notYet);
    assert.equal(notYet.published, false);
    assert.deepEqual(notYet.openingDays, []);

    const installation = search.entries.find((e) => e.siteId === cpe.siteId);
    assert.equal(installation?.name, cpe.siteName);
    assert.deepEqual(installation?.address, { street: '500, boulevard René-Lévesque', postalCode: 'G5L 1A1' });

    const json = JSON.stringify(search.entries.filter((e) => e.kind === 'home_provider'));
    for (const secret of [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude), publishedHome.siteName]) assert.ok(!json.includes(secret), secret);
  });

  test('the radius bounds the results; Montréal does not see Rimouski', async () => {
    assert.ok(!ids(await around('H2X', 50)).includes(cpe.siteId));
    // The RSGE's public point is 4.9 km from G5L's, the CPE's exact one 5.3 km.
    const near = ids(await around('G5L', 5));
    assert.ok(near.includes(publishedHome.siteId) && !near.includes(cpe.siteId));
    const one = await around('G5L', 1);
    assert.ok(!ids(one).includes(publishedHome.siteId));
    // A site 4.998 km due west of the centre is inside a 5 km circle: the box the index narrows to must hold the whole circle.
    const position = (await around('G5L', 10)).entries.find((e) => e.siteId === cpe.siteId)?.position;
    assert.ok(position);
    const dLongitude = 4.998 / (111.19508 * Math.cos((position.latitude * Math.PI) / 180));
    const eastOfIt = { label: 'test', precision: 'postal_area' as const, latitude: position.latitude, longitude: position.longitude + dLongitude };
    const edge = await searchMap(t.db, publicCtx, eastOfIt, 5, noFilters);
    assert.equal(edge.entries.find((e) => e.siteId === cpe.siteId)?.distanceKm, 5);
  });

  test('filters: kind, subsidized, age group, days; periods and languages only where the sheet shows them', async () => {
    const homes = ids(await around('G5L', 10, { kinds: ['home_provider'] }));
    assert.ok(homes.includes(publishedHome.siteId) && homes.includes(unpublishedHome.siteId) && !homes.includes(cpe.siteId));
    const cpes = ids(await around('G5L', 10, { kinds: ['cpe'] }));
    assert.ok(cpes.includes(cpe.siteId) && !cpes.includes(publishedHome.siteId), 'an RSGE is not of its BC’s kind');
    const both = ids(await around('G5L', 10, { kinds: ['cpe', 'home_provider'] }));
    assert.ok(both.includes(cpe.siteId) && both.includes(publishedHome.siteId));
    assert.ok(!ids(await around('G5L', 10, { kinds: ['daycare', 'subsidized_daycare'] })).includes(cpe.siteId));
    assert.ok(!ids(await around('G5L', 10, { subsidized: false })).includes(cpe.siteId));
    assert.ok(ids(await around('G5L', 10, { subsidized: true, ageGroup: 'under_18_months' })).includes(cpe.siteId));
    const weekdays = ids(await around('G5L', 10, { days: ['mon', 'fri'] }));
    assert.ok(weekdays.includes(publishedHome.siteId) && !weekdays.includes(unpublishedHome.siteId), 'an unpublished site has no public days');
    assert.ok(!ids(await around('G5L', 10, { days: ['sat'] })).includes(publishedHome.siteId));
    // Both speak French and offer full time; only the CPE shows those sections (an RSGE starts with none shown).
    const french = ids(await around('G5L', 10, { language: 'fr' }));
    assert.ok(french.includes(cpe.siteId) && !french.includes(publishedHome.siteId), 'a hidden section is not searchable');
    const fullTime = ids(await around('G5L', 10, { periods: ['full_time', 'atypical'] }));
    assert.ok(fullTime.includes(cpe.siteId) && !fullTime.includes(publishedHome.siteId));
  });

  test('the URL: radius 1 to 50 km, filters from the form only', () => {
    assert.deepEqual(parseMapQuery({ lieu: 'G5L' }), { ok: true, query: { place: 'G5L', radiusKm: 5, page: 1, filters: noFilters } });
    for (const rayon of ['0', '51', '-3', '2.5', 'abc', '1e1']) assert.deepEqual(parseMapQuery({ lieu: 'G5L', rayon }), { ok: false, error: 'radius', place: 'G5L' }, rayon);
    for (const bad of [{ type: 'zoo' }, { jours: ['mon', 'someday'] }, { subventionne: 'peut-être' }, { age: '3' }, { langue: 'xx' }, { page: '0' }]) {
      assert.equal(parseMapQuery({ lieu: 'G5L', ...bad }).ok, false, JSON.stringify(bad));
    }
    const parsed = parseMapQuery({ lieu: 'G5L', rayon: '50', type: ['cpe', 'home_provider'], subventionne: 'oui', age: 'from_18_months', jours: 'sat', periodes: 'atypical', langue: 'en', page: '2' });
    assert.deepEqual(parsed, {
      ok: true,
      query: { place: 'G5L', radiusKm: 50, page: 2, filters: { kinds: ['cpe', 'home_provider'], subsidized: true, ageGroup: 'from_18_months', days: ['sat'], periods: ['atypical'], language: 'en' } },
    });
  });
});

describe('the map pages', () => {
  test('the map is the two public GET routes, answered to a visitor without an account', async () => {
    assert.deepEqual(new Set(t.app.routeList.filter((r) => / \/carte/.test(r))), new Set(mapRoutes));
    for (const route of mapRoutes) {
      const response = await t.client().get(`${route.replace('GET ', '')}?lieu=G5L&rayon=5`);
      assert.equal(response.statusCode, 200, route);
    }
  });

  test('without a place: the form alone; with one: the list, each with « Détails et admission », and a shareable link', async () => {
    const empty = await t.client().get('/carte');
    assert.equal(empty.statusCode, 200);
    assert.ok(empty.body.includes('name="lieu"') && !empty.body.includes('class="map-list"'));
    const page = await t.client().get('/carte?lieu=G5L+4B7&rayon=5');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`href="/services/${publishedHome.siteId}"`));
    assert.ok(page.body.includes('Détails et admission'));
    assert.ok(page.body.includes('Ce milieu n’a pas encore publié sa fiche descriptive.'), 'the unpublished one says so');
    assert.ok(page.body.includes('href="/carte?lieu=G5L+4B7&amp;rayon=5"'), 'the share link');
    assert.ok(page.body.includes('GeoNames (geonames.org), licence CC BY 4.0'), 'the gazetteer’s attribution, as its licence asks');
    assert.ok(page.body.includes('src="/static/map.js"') && !/<script>/.test(page.body), 'scripts from files only');
    assert.ok(String(page.headers['content-security-policy']).includes('img-src \'self\' data: https://tile.openstreetmap.org'));
  });

  test('bad input: a message on the page and in the JSON, in French and English, never a 500', async () => {
    const cases: Array<[string, string, string]> = [
      ['lieu=G5L&rayon=0', 'Le rayon doit être un nombre entier de 1 à 50 km.', 'radius'],
      ['lieu=G5L&rayon=51', 'Le rayon doit être un nombre entier de 1 à 50 km.', 'radius'],
      ['lieu=H2X+1Y&rayon=5', 'Ce code postal n’est pas valide.', 'malformed_postal_code'],
      ['lieu=K1A+0B1', 'ne correspond à aucune zone postale connue du Québec', 'postal_code_outside_quebec'],
      ['lieu=Atlantide', 'Ce lieu est introuvable.', 'unknown_place'],
      [`lieu=${encodeURIComponent("'; drop table installation; --")}`, 'Ce lieu est introuvable.', 'unknown_place'],
      [`lieu=${encodeURIComponent('<script>alert(1)</script>')}`, 'Ce lieu est introuvable.', 'unknown_place'],
      [`lieu=${'x'.repeat(5000)}`, 'Le lieu inscrit est trop long', 'too_long'],
      ['lieu=', 'Inscrivez une adresse, un code postal ou une municipalité.', 'empty'],
      ['lieu=G5L&type=zoo', 'Un des filtres de cette adresse n’est pas valide.', 'filter'],
      [`lieu=G5L&rayon=${encodeURIComponent("5' or 1=1")}`, 'Le rayon doit être un nombre entier', 'radius'],
    ];
    for (const [query, message, code] of cases) {
      const page = await t.client().get(`/carte?${query}`);
      assert.equal(page.statusCode, 400, query);
      assert.ok(page.body.includes(message), `${query}: ${message}`);
      assert.ok(!page.body.includes('<script>alert'), 'escaped');
      const json = await t.client().get(`/carte.json?${query}`);
      assert.equal(json.statusCode, 400, query);
      assert.equal(json.json().error.code, code, query);
      assert.ok(String(json.json().error.message).includes(message.slice(0, 20)), query);
    }
    const english = await t.client().get('/carte.json?lieu=G5L&rayon=0', { 'accept-language': 'en' });
    assert.equal(english.json().error.message, 'The radius must be a whole number from 1 to 50 km.');
    const page = await t.client().get('/carte?lieu=Atlantide', { 'accept-language': 'en' });
    assert.ok(page.body.includes('This place cannot be found.'));
    assert.ok(page.body.includes('value="Atlantide"'), 'the value is kept');
  });

  test('the JSON: the same results, with the place and links, and nothing exact of an RSGE', async () => {
    const response = await t.client().get('/carte.json?lieu=G5L&rayon=10&type=home_provider');
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.place.label, 'G5L');
    assert.equal(body.radiusKm, 10);
    const entry = body.results.find((e: { siteId: string }) => e.siteId === publishedHome.siteId);
    assert.equal(entry.detailsUrl, `/services/${publishedHome.siteId}`);
    for (const secret of [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude), publishedHome.siteName, unpublishedHome.siteName]) {
      assert.ok(!response.body.includes(secret), secret);
    }
  });
});
