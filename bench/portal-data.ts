import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { transaction, type Db } from '../src/platform/db/index.js';
import { publicPosition } from '../src/modules/childcare/position.js';
import { todayInQuebec } from '../src/modules/childcare/dates.js';
import { addMonths } from '../src/modules/portal/families.js';
import { insertInBatches } from './childcare-data.js';

/**
 * The registration portal at Quebec scale (issue 7): `sites` sites in all (20,000: installations of
 * CPE and garderies, two per service, and RSGE recognized by bureaux coordonnateurs), about 60 % of
 * them adhering to the portal (a sheet) and half of those published; `families` citizen accounts
 * with a family file and one or two children; `choices` reserve_choice rows (250,000) in all: `largeEntries` (2,000) in the réserve of one given site (the measured
 * provider's, created beforehand through the services), the rest spread over the other sites. Rows go in batched INSERTs in one
 * transaction. Call it once per database (fixed identifiers: sites PORTAL-…, permits PBENCH…,
 * RSGE NEQs 02xxxxxxxx, e-mails parent-n@bench.invalid).
 */

export type PortalBenchOptions = {
  /** The large provider's site: it receives `largeEntries` entries. */
  largeSiteId: string;
  /** The account recorded as having opened the sheets (adhered_by). */
  adheredBy: string;
  sites?: number;
  families?: number;
  choices?: number;
  largeEntries?: number;
  batchSize?: number;
};

export type PortalBenchData = {
  /** Families with a child in the large réserve (their account ids), for the family page. */
  largeFamilies: { familyId: string; accountId: string }[];
  counts: { services: number; sites: number; rsge: number; sheets: number; published: number; families: number; children: number; choices: number; largeEntries: number; inReserve: number };
};

const digits = (value: number, length: number): string => String(value).padStart(length, '0');
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A registration number of the portal's format, unique per n (not random: the data set is fixed). */
function registrationNumber(n: number): string {
  let rest = n * 7_919 + 104_729;
  const chars: string[] = [];
  for (let i = 0; i < 10; i++) {
    chars.push(ALPHABET[rest % ALPHABET.length] as string);
    rest = Math.floor(rest / ALPHABET.length);
  }
  const s = chars.join('');
  return `P-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

const lastNames = ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné', 'Ouellet', 'Pelletier', 'Bélanger', 'Lévesque', 'Bergeron', 'Leblanc', 'Paquette', 'Girard', 'Simard', 'Boucher'];
const firstNames = ['Léa', 'Emma', 'Olivia', 'Alice', 'Florence', 'Charlie', 'Zoé', 'Charlotte', 'William', 'Liam', 'Thomas', 'Noah', 'Léo', 'Jacob', 'Félix', 'Louis'];
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
type Row = Record<string, unknown>;

/**
 * Sites follow the population, as the services do: half around Montréal, a tenth around Québec, a
 * few in the other cities, the rest spread over southern Quebec (45.0–48.5 N, 79.0–64.0 W). The map
 * search around Montréal is then the dense case it is in life.
 */
const cities = [
  { share: 0.5, latitude: 45.52, longitude: -73.65, spread: 0.18 },
  { share: 0.1, latitude: 46.82, longitude: -71.25, spread: 0.1 },
  { share: 0.04, latitude: 45.48, longitude: -75.7, spread: 0.06 },
  { share: 0.03, latitude: 45.4, longitude: -71.9, spread: 0.05 },
  { share: 0.02, latitude: 48.42, longitude: -71.07, spread: 0.05 },
  { share: 0.02, latitude: 46.35, longitude: -72.55, spread: 0.05 },
];

function sitePosition(random: () => number): { latitude: number; longitude: number } {
  let draw = random();
  for (const city of cities) {
    if (draw < city.share) {
      // Box–Muller: a normal spread around the city's centre.
      const radius = Math.sqrt(-2 * Math.log(1 - random())) * city.spread;
      const angle = 2 * Math.PI * random();
      return { latitude: city.latitude + radius * Math.cos(angle), longitude: city.longitude + (radius * Math.sin(angle)) / Math.cos((city.latitude * Math.PI) / 180) };
    }
    draw -= city.share;
  }
  return { latitude: 45 + random() * 3.5, longitude: -79 + random() * 15 };
}

export async function insertPortalBenchData(db: Db, options: PortalBenchOptions): Promise<PortalBenchData> {
  const totalSites = options.sites ?? 20_000;
  const familyCount = options.families ?? 60_000;
  const choiceCount = options.choices ?? 250_000;
  const largeEntries = options.largeEntries ?? 2_000;
  const batchSize = options.batchSize ?? 5_000;
  const random = generator(2026);
  const today = todayInQuebec();
  const now = Date.now();

  return transaction(db, async (tx) => {
    // --- Services and sites: 3,000 CPE and garderies with two installations each, the rest RSGE under 160 BCs.
    const installationServices = 3_000;
    const bcs = 160;
    const services: Row[] = [];
    for (let i = 0; i < installationServices; i++) {
      const kind = i % 3 === 0 ? 'cpe' : i % 3 === 1 ? 'subsidized_daycare' : 'daycare';
      services.push({ id: randomUUID(), permit_number: `PBENCH${digits(i, 5)}`, kind, name: `Service ${i + 1} du portail`, enterprise_neq: `39${digits(i, 8)}` });
    }
    for (let i = 0; i < bcs; i++) services.push({ id: randomUUID(), permit_number: `PBENCHBC${digits(i, 4)}`, kind: 'coordinating_office', name: `BC ${i + 1} du portail`, enterprise_neq: `37${digits(i, 8)}` });
    await insertInBatches(tx, 'childcare_service', services, batchSize);

    const otherSites = totalSites - 1; // the large provider's site exists already
    const sites: Row[] = [];
    let rsge = 0;
    for (let n = 0; n < otherSites; n++) {
      const home = n >= installationServices * 2;
      const service = home ? services[installationServices + (n % bcs)] : services[Math.floor(n / 2)];
      const exact = sitePosition(random);
      const shown = publicPosition(home ? 'home_provider' : 'installation', exact);
      if (home) rsge++;
      sites.push({
        id: randomUUID(),
        service_id: (service as Row).id,
        kind: home ? 'home_provider' : 'installation',
        number: `PORTAL-${digits(n, 6)}`,
        name: home ? `${firstNames[n % firstNames.length]} ${lastNames[n % lastNames.length]} ${n}` : `Installation ${n}`,
        address: `${(n % 900) + 1}, rue du Portail`,
        municipality: 'Québec',
        postal_code: 'G1K 1A1',
        region: digits((n % 17) + 1, 2),
        directorate_code: String(11 + (n % 4)),
        provider_neq: home ? `02${digits(n, 8)}` : null,
        places_total: home ? 6 : 40 + (n % 5) * 10,
        places_under_18_months: home ? 2 : 10,
        latitude: exact.latitude,
        longitude: exact.longitude,
        public_latitude: shown.latitude,
        public_longitude: shown.longitude,
      });
    }
    await insertInBatches(tx, 'installation', sites, batchSize);

    // --- Sheets: 60 % of the sites adhere, half of those publish.
    const sheets: Row[] = [];
    let published = 0;
    sites.forEach((site, n) => {
      if (n % 5 >= 3) return;
      const isPublished = n % 2 === 0;
      if (isPublished) published++;
      sheets.push({
        id: randomUUID(),
        installation_id: site.id,
        adhered_by: options.adheredBy,
        published_at: isPublished ? new Date(now - 86_400_000).toISOString() : null,
        opening_days: weekdays,
        opens_at: '07:00',
        closes_at: '17:30',
        care_periods: n % 4 === 0 ? ['full_time', 'part_time'] : ['full_time'],
        languages: n % 7 === 0 ? ['fr', 'en'] : ['fr'],
        daily_rate_cents: site.kind === 'installation' && n % 3 === 2 ? 5_500 : null,
        public_sections: site.kind === 'installation' || n % 3 === 0 ? ['name', 'group', 'rates', 'periods', 'presentation', 'languages'] : [],
      });
    });
    await insertInBatches(tx, 'service_sheet', sheets, batchSize);

    // --- Families: a citizen account each, a parent, one or two children.
    const accounts: Row[] = [];
    const families: Row[] = [];
    const guardians: Row[] = [];
    const children: Row[] = [];
    for (let f = 0; f < familyCount; f++) {
      const accountId = randomUUID();
      const familyId = randomUUID();
      const name = `${firstNames[f % firstNames.length]} ${lastNames[Math.floor(f / firstNames.length) % lastNames.length]}`;
      accounts.push({ id: accountId, kind: 'citizen', email: `parent-${f}@bench.invalid`, display_name: name, language: 'fr', password_hash: 'bench: no sign-in' });
      families.push({ id: familyId, account_id: accountId, interest_confirmed_at: new Date(now - Math.floor(random() * 150) * 86_400_000).toISOString() });
      guardians.push({ id: randomUUID(), family_id: familyId, role: 'parent', name, email: `parent-${f}@bench.invalid`, phone: '418 555-0100' });
      const kids = f % 2 === 0 ? 2 : 1;
      for (let k = 0; k < kids; k++) {
        const n = children.length;
        // Born in the last 4 years, or expected within 6 months.
        const birth = addMonths(today, -Math.floor(random() * 54) + 6);
        children.push({
          id: randomUUID(),
          family_id: familyId,
          registration_number: registrationNumber(n),
          first_name: firstNames[(f + k) % firstNames.length],
          last_name: lastNames[f % lastNames.length],
          birth_date: birth,
          expected: birth > today,
        });
      }
    }
    await insertInBatches(tx, 'account', accounts, batchSize);
    await insertInBatches(tx, 'family', families, batchSize);
    await insertInBatches(tx, 'family_guardian', guardians, batchSize);
    await insertInBatches(tx, 'family_child', children, batchSize);

    // --- Choices: the large réserve first (children 0…largeEntries-1), then the rest over the other sites.
    const choices: Row[] = [];
    let inReserve = 0;
    const choice = (childRow: Row, installationId: unknown, large: boolean) => {
      const r = random();
      // Large réserve: all counted; elsewhere 90 % waiting, some contacted/offered, admitted, withdrawn, inactive.
      const state = large || r < 0.9 ? 'waiting' : r < 0.93 ? 'contacted' : r < 0.95 ? 'offered' : r < 0.97 ? 'admitted' : 'withdrawn';
      const inactive = !large && state === 'waiting' && random() < 0.03;
      if (['waiting', 'contacted', 'offered'].includes(state) && !inactive) inReserve++;
      const created = new Date(now - Math.floor(random() * 700 * 86_400_000)).toISOString();
      choices.push({
        id: randomUUID(),
        child_id: childRow.id,
        installation_id: installationId,
        desired_start: new Date(Date.parse(`${today}T12:00:00Z`) + (30 + Math.floor(random() * 700)) * 86_400_000).toISOString().slice(0, 10),
        days: weekdays,
        periods: random() < 0.8 ? ['full_time'] : ['part_time'],
        accepts_partial: random() < 0.4,
        accepts_substitute: random() < 0.2,
        state,
        inactive_since: inactive ? created : null,
        created_at: created,
        updated_at: created,
      });
    };
    const accountOfFamily = new Map(families.map((f) => [f.id as string, f.account_id as string]));
    const largeFamilies = new Map<string, string>();
    for (let c = 0; c < largeEntries; c++) {
      const childRow = children[c % children.length] as Row;
      choice(childRow, options.largeSiteId, true);
      const familyId = childRow.family_id as string;
      if (!largeFamilies.has(familyId)) largeFamilies.set(familyId, accountOfFamily.get(familyId) as string);
    }
    const rest = choiceCount - largeEntries;
    for (let i = 0; i < rest; i++) {
      const c = i % children.length;
      const round = Math.floor(i / children.length);
      // Distinct sites per child: the rounds move by a step prime to the number of sites.
      const site = sites[(c * 7_919 + round * 104_729) % sites.length] as Row;
      choice(children[c] as Row, site.id, false);
    }
    await insertInBatches(tx, 'reserve_choice', choices, batchSize);
    await tx.execute(sql`analyze childcare_service, installation, service_sheet, account, family, family_guardian, family_child, reserve_choice`);

    return {
      largeFamilies: [...largeFamilies].map(([familyId, accountId]) => ({ familyId, accountId })),
      counts: { services: services.length, sites: otherSites + 1, rsge, sheets: sheets.length, published, families: familyCount, children: children.length, choices: choices.length, largeEntries, inReserve },
    };
  });
}
