import type { Db } from '../../platform/db/index.js';
import { referenceYearOf, todayInQuebec } from './dates.js';
import { seedMapDemo } from './demo-map.js';
import {
  findServiceByPermit,
  recordMesFunding,
  upsertAttendance,
  upsertChild,
  upsertChildcareService,
  upsertIntegrationAllowance,
  upsertSite,
  type NewChildcareService,
  type NewSite,
} from './service.js';

/**
 * Demo childcare records. The services are held by demo enterprises of the registry (NEQ
 * 33700000NN): their permit numbers let the RSE's enrolment into the Famille e-services be
 * accepted at once. Children, parents, addresses are fictional (555 phones, @exemple.test mails).
 */
export const demoChildcareServices: readonly NewChildcareService[] = [
  { permitNumber: 'GAR-1001', kind: 'subsidized_daycare', name: 'Garderie Les Petits Explorateurs', enterpriseNeq: '3370000001', divisionNumber: '3000-1001' },
  { permitNumber: 'GAR-1002', kind: 'daycare', name: 'Garderie Le Jardin enchanté', enterpriseNeq: '3370000002', divisionNumber: '3000-1002' },
  { permitNumber: 'GAR-1003', kind: 'daycare', name: 'Garderie Trois Pommes', enterpriseNeq: '3370000003', divisionNumber: '3000-1003' },
  { permitNumber: 'CPE-2001', kind: 'cpe', name: 'Centre de la petite enfance Soleil', enterpriseNeq: '3370000009', divisionNumber: '3000-2001' },
  { permitNumber: 'BC-3001', kind: 'coordinating_office', name: 'Bureau coordonnateur Les Moussaillons', enterpriseNeq: '3370000010', divisionNumber: '3000-3001' },
];

type DemoSite = Omit<NewSite, 'serviceId'> & { permitNumber: string };

/**
 * CPE Soleil's installations (three directorates), the BC's two RSGE, and one installation of each
 * garderie (subsidized: GAR-1001; not subsidized: GAR-1002, GAR-1003): every kind of provider with
 * its places and position. The RSGE are enterprises of their own (NEQ 3370000012 and 3370000013,
 * not in the demo registry): their own sign-in comes with the enrolment of such an enterprise.
 */
export const demoSites = {
  soleilRosemont: { permitNumber: 'CPE-2001', kind: 'installation', number: '2001-01', name: 'CPE Soleil — Installation Rosemont', address: '6500, avenue Christophe-Colomb', municipality: 'Montréal', postalCode: 'H2S 2G8', region: '06', directorateCode: '12', placesTotal: 80, placesUnder18Months: 15, latitude: 45.54271, longitude: -73.60458 },
  soleilLimoilou: { permitNumber: 'CPE-2001', kind: 'installation', number: '2001-02', name: 'CPE Soleil — Installation Limoilou', address: '1200, 3e Avenue', municipality: 'Québec', postalCode: 'G1L 2X4', region: '03', directorateCode: '11', placesTotal: 62, placesUnder18Months: 10, latitude: 46.82853, longitude: -71.22516 },
  soleilLaval: { permitNumber: 'CPE-2001', kind: 'installation', number: '2001-03', name: 'CPE Soleil — Installation Laval', address: '300, boulevard des Laurentides', municipality: 'Laval', postalCode: 'H7G 2T9', region: '13', directorateCode: '13', placesTotal: 70, placesUnder18Months: 10, latitude: 45.60612, longitude: -73.68221 },
  moussaillonsGagnon: { permitNumber: 'BC-3001', kind: 'home_provider', number: 'RSGE-3001-01', name: 'Nathalie Gagnon', address: '45, rue des Pins', municipality: 'Rimouski', postalCode: 'G5L 3K2', region: '01', directorateCode: '11', providerNeq: '3370000012', placesTotal: 6, placesUnder18Months: 2, latitude: 48.44632, longitude: -68.53147 },
  moussaillonsLavoie: { permitNumber: 'BC-3001', kind: 'home_provider', number: 'RSGE-3001-02', name: 'Sophie Lavoie', address: '12, rue de la Grève', municipality: 'Sainte-Luce', postalCode: 'G0K 1P0', region: '01', directorateCode: '11', providerNeq: '3370000013', placesTotal: 9, placesUnder18Months: 4, latitude: 48.55268, longitude: -68.38421 },
  explorateurs: { permitNumber: 'GAR-1001', kind: 'installation', number: '1001-01', name: 'Garderie Les Petits Explorateurs', address: '2500, chemin de Chambly', municipality: 'Longueuil', postalCode: 'J4J 3X7', region: '16', directorateCode: '14', placesTotal: 60, placesUnder18Months: 10, latitude: 45.52104, longitude: -73.47832 },
  jardinEnchante: { permitNumber: 'GAR-1002', kind: 'installation', number: '1002-01', name: 'Garderie Le Jardin enchanté', address: '155, rue Principale', municipality: 'Granby', postalCode: 'J2G 2V1', region: '05', directorateCode: '14', placesTotal: 45, placesUnder18Months: 5, latitude: 45.40058, longitude: -72.73243 },
  troisPommes: { permitNumber: 'GAR-1003', kind: 'installation', number: '1003-01', name: 'Garderie Trois Pommes', address: '2020, boulevard Talbot', municipality: 'Saguenay', postalCode: 'G7H 7Y1', region: '02', directorateCode: '11', placesTotal: 50, placesUnder18Months: 0, latitude: 48.40123, longitude: -71.06874 },
} as const satisfies Record<string, DemoSite>;

type SiteName = keyof typeof demoSites;

/**
 * Dates relative to the reference year of the day the demo is loaded, so that "the previous
 * reference year" of the MES type proposal always means something.
 */
type When = 'previousYearStart' | 'previousSeptember' | 'currentYearStart' | 'previousYearEnd';

function dateOf(when: When, year: number): string {
  switch (when) {
    case 'previousYearStart':
      return `${year - 1}-04-01`;
    case 'previousSeptember':
      return `${year - 1}-09-01`;
    case 'currentYearStart':
      return `${year}-04-01`;
    case 'previousYearEnd':
      return `${year}-03-31`;
  }
}

type DemoPeriod = { site: SiteName; from: When; to?: When };

type DemoChild = {
  firstName: string;
  lastName: string;
  birthDate: string;
  parent: string;
  otherParent?: string;
  street: string;
  municipality: string;
  postalCode: string;
  attendance: DemoPeriod[];
  allowance: DemoPeriod[];
  /** MES funding in the previous reference year, at these sites. */
  fundedLastYear: SiteName[];
};

/** The children the MES demo and e2e tests rely on, by scenario. */
const scenarios = {
  /** At CPE Soleil Rosemont with an AIEH and no MES funding ever: « Nouvelle demande ». Accents for the name search. */
  newRequest: { firstName: 'Éloïse', lastName: 'Bélanger-Côté', birthDate: '2022-03-14', parent: 'Marie-Ève Bélanger', otherParent: 'Olivier Côté', street: '125, rue des Érables', municipality: 'Montréal', postalCode: 'H2S 1A1', attendance: [{ site: 'soleilRosemont', from: 'previousSeptember' }], allowance: [{ site: 'soleilRosemont', from: 'previousSeptember' }], fundedLastYear: [] },
  /** Funded at CPE Soleil Rosemont last reference year, still there with an AIEH: renewal. */
  renewal: { firstName: 'Samuel', lastName: 'Gagnon', birthDate: '2021-11-02', parent: 'Julie Gagnon', street: '88, rue Beaubien Est', municipality: 'Montréal', postalCode: 'H2S 1R2', attendance: [{ site: 'soleilRosemont', from: 'previousYearStart' }], allowance: [{ site: 'soleilRosemont', from: 'previousYearStart' }], fundedLastYear: ['soleilRosemont'] },
  /** Funded last year at another enterprise's installation, at CPE Soleil Rosemont since April: transfer. */
  transfer: { firstName: 'Zoé', lastName: 'Pelletier', birthDate: '2021-07-23', parent: 'Catherine Pelletier', otherParent: 'Marc Dufour', street: '19, rue Saint-Zotique Est', municipality: 'Montréal', postalCode: 'H2S 1K6', attendance: [{ site: 'explorateurs', from: 'previousYearStart', to: 'previousYearEnd' }, { site: 'soleilRosemont', from: 'currentYearStart' }], allowance: [{ site: 'explorateurs', from: 'previousYearStart', to: 'previousYearEnd' }, { site: 'soleilRosemont', from: 'currentYearStart' }], fundedLastYear: ['explorateurs'] },
  /** At CPE Soleil Rosemont without an AIEH: a MES request is refused. */
  noAllowance: { firstName: 'Noah', lastName: 'Bouchard', birthDate: '2022-08-30', parent: 'Annie Bouchard', street: '7, rue Holt', municipality: 'Montréal', postalCode: 'H2S 2J3', attendance: [{ site: 'soleilRosemont', from: 'previousYearStart' }], allowance: [], fundedLastYear: [] },
  /** At CPE Soleil Limoilou (directorate 11) whose AIEH ended on March 31: refused too. */
  allowanceEnded: { firstName: 'Florence', lastName: 'Roy', birthDate: '2021-05-09', parent: 'Isabelle Roy', street: '540, 8e Rue', municipality: 'Québec', postalCode: 'G1J 2N1', attendance: [{ site: 'soleilLimoilou', from: 'previousYearStart' }], allowance: [{ site: 'soleilLimoilou', from: 'previousYearStart', to: 'previousYearEnd' }], fundedLastYear: [] },
  /** At CPE Soleil Limoilou with an AIEH: a request that goes to directorate 11. */
  directorate11: { firstName: 'Charlotte', lastName: 'Lévesque', birthDate: '2022-01-17', parent: 'Valérie Lévesque', otherParent: 'Patrick Simard', street: '1010, 4e Avenue', municipality: 'Québec', postalCode: 'G1J 3A5', attendance: [{ site: 'soleilLimoilou', from: 'previousSeptember' }], allowance: [{ site: 'soleilLimoilou', from: 'previousSeptember' }], fundedLastYear: [] },
  /** At two of CPE Soleil's installations, with an AIEH at each: the form asks which one. */
  twoInstallations: { firstName: 'Thomas', lastName: 'Ouellet', birthDate: '2021-12-05', parent: 'Mélanie Ouellet', street: '230, boulevard Saint-Martin Ouest', municipality: 'Laval', postalCode: 'H7M 1Y8', attendance: [{ site: 'soleilLaval', from: 'previousYearStart' }, { site: 'soleilRosemont', from: 'currentYearStart' }], allowance: [{ site: 'soleilLaval', from: 'previousYearStart' }, { site: 'soleilRosemont', from: 'currentYearStart' }], fundedLastYear: [] },
  /** Left CPE Soleil on March 31: the CPE's search no longer finds the child. */
  left: { firstName: 'Rosalie', lastName: 'Gauthier', birthDate: '2020-10-11', parent: 'Karine Gauthier', street: '64, rue Bellechasse', municipality: 'Montréal', postalCode: 'H2S 1W9', attendance: [{ site: 'soleilRosemont', from: 'previousYearStart', to: 'previousYearEnd' }], allowance: [{ site: 'soleilRosemont', from: 'previousYearStart', to: 'previousYearEnd' }], fundedLastYear: ['soleilRosemont'] },
  /** At another enterprise's installation only: CPE Soleil's search finds nothing, as for an unknown child. */
  otherEnterprise: { firstName: 'Jacob', lastName: 'Fortin', birthDate: '2022-06-21', parent: 'Émilie Fortin', street: '310, rue Saint-Charles Ouest', municipality: 'Longueuil', postalCode: 'J4H 1E3', attendance: [{ site: 'explorateurs', from: 'previousYearStart' }], allowance: [{ site: 'explorateurs', from: 'previousYearStart' }], fundedLastYear: [] },
  /** With RSGE Nathalie Gagnon of the BC Les Moussaillons, with an AIEH: a BC's new request (the RSGE signs). */
  homeProviderNew: { firstName: 'William', lastName: 'Côté', birthDate: '2022-02-28', parent: 'Stéphanie Côté', otherParent: 'Jonathan Bérubé', street: '17, rue de l’Évêché Est', municipality: 'Rimouski', postalCode: 'G5L 1X5', attendance: [{ site: 'moussaillonsGagnon', from: 'previousSeptember' }], allowance: [{ site: 'moussaillonsGagnon', from: 'previousSeptember' }], fundedLastYear: [] },
  /** With RSGE Sophie Lavoie, funded there last year: a BC's renewal. */
  homeProviderRenewal: { firstName: 'Alice', lastName: 'Morin', birthDate: '2021-09-14', parent: 'Nadia Morin', street: '3, rue du Phare', municipality: 'Sainte-Luce', postalCode: 'G0K 1P0', attendance: [{ site: 'moussaillonsLavoie', from: 'previousYearStart' }], allowance: [{ site: 'moussaillonsLavoie', from: 'previousYearStart' }], fundedLastYear: ['moussaillonsLavoie'] },
} as const satisfies Record<string, DemoChild>;

export type DemoScenario = keyof typeof scenarios;

/** More children so that lists have something to show: most with an AIEH, every fourth without. */
const firstNames = ['Léo', 'Emma', 'Liam', 'Olivia', 'Nathan', 'Mia', 'Félix', 'Juliette', 'Arthur', 'Chloé', 'Édouard', 'Béatrice', 'Louis', 'Clara', 'Jules', 'Anaïs', 'Hugo', 'Maélie', 'Adam'];
const lastNames = ['Tremblay', 'Roy', 'Girard', 'Bergeron', 'Caron', 'Fournier', 'Lapointe', 'Dubé', 'Poirier', 'Leblanc', 'Boucher', 'Martel', 'Paquette', 'Hébert', 'Cloutier', 'Bédard', 'Nadeau', 'Lemieux', 'Thériault'];
const crowdSites: SiteName[] = ['soleilRosemont', 'soleilLimoilou', 'soleilLaval', 'moussaillonsGagnon', 'moussaillonsLavoie'];

function crowd(): DemoChild[] {
  return firstNames.map((firstName, i) => {
    const lastName = lastNames[i] as string;
    const site = crowdSites[i % crowdSites.length] as SiteName;
    const { municipality, postalCode } = demoSites[site];
    const period: DemoPeriod = { site, from: i % 2 === 0 ? 'previousYearStart' : 'previousSeptember' };
    return {
      firstName,
      lastName,
      birthDate: `${2021 + (i % 4)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(3 + i).padStart(2, '0')}`,
      parent: `${['Sylvie', 'Geneviève', 'François', 'Sonia', 'David'][i % 5]} ${lastName}`,
      street: `${100 + i * 7}, rue des Lilas`,
      municipality,
      postalCode,
      attendance: [period],
      allowance: i % 4 === 3 ? [] : [period],
      fundedLastYear: [],
    };
  });
}

const scenarioNames = Object.keys(scenarios) as DemoScenario[];

/** NIREC and NECSG of the n-th demo child (from 1): fictional and recognizable. */
const demoNirec = (n: number): string => `20000001${String(n).padStart(2, '0')}`;
const demoNecsg = (n: number): string => `1000001${String(n).padStart(2, '0')}`;

/** The scenario children as the MES demo and e2e tests search them, with the site of the scenario. */
export const demoChildren = Object.fromEntries(
  scenarioNames.map((name, index) => {
    const { firstName, lastName, birthDate, attendance } = scenarios[name];
    const site = attendance[attendance.length - 1]?.site as SiteName;
    return [name, { nirec: demoNirec(index + 1), necsg: demoNecsg(index + 1), firstName, lastName, birthDate, siteNumber: demoSites[site].number, permitNumber: demoSites[site].permitNumber }];
  }),
) as Record<DemoScenario, { nirec: string; necsg: string; firstName: string; lastName: string; birthDate: string; siteNumber: string; permitNumber: string }>;

/** `marie-eve.belanger@exemple.test`: the parent's name folded to an address. */
function demoEmail(parent: string): string {
  const ascii = parent.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return `${ascii.replace(/[^a-z]+/g, '.')}@exemple.test`;
}

async function seedChild(tx: Db, n: number, demo: DemoChild, siteIds: Map<SiteName, string>, year: number): Promise<void> {
  const childId = await upsertChild(tx, {
    nirec: demoNirec(n),
    necsg: demoNecsg(n),
    lastName: demo.lastName,
    firstName: demo.firstName,
    birthDate: demo.birthDate,
    parentName: demo.parent,
    otherParentName: demo.otherParent ?? null,
    homeAddress: `${demo.street}, ${demo.municipality} (Québec)`,
    homePostalCode: demo.postalCode,
    parentEmail: demoEmail(demo.parent),
    homePhone: `418 555-${String(1000 + n).slice(-4)}`,
    mobilePhone: n % 3 === 0 ? null : `581 555-${String(2000 + n).slice(-4)}`,
  });
  const period = (p: DemoPeriod) => ({ childId, installationId: siteIds.get(p.site) as string, startDate: dateOf(p.from, year), endDate: p.to ? dateOf(p.to, year) : null });
  for (const p of demo.attendance) await upsertAttendance(tx, period(p));
  for (const p of demo.allowance) await upsertIntegrationAllowance(tx, period(p));
  for (const site of demo.fundedLastYear) await recordMesFunding(tx, childId, siteIds.get(site) as string, year - 1);
}

async function seedSites(tx: Db): Promise<Map<SiteName, string>> {
  const ids = new Map<SiteName, string>();
  for (const [name, { permitNumber, ...site }] of Object.entries(demoSites) as [SiteName, DemoSite][]) {
    const service = await findServiceByPermit(tx, permitNumber);
    if (!service) throw new Error(`demo service ${permitNumber} missing`);
    ids.set(name, await upsertSite(tx, { ...site, serviceId: service.id }));
  }
  return ids;
}

/**
 * Loads the demo services, sites and 30 children (the scenarios first, so their numbers stay
 * put), then the 200 sites of the map (demo-map.ts).
 */
export async function seedChildcareDemo(tx: Db): Promise<void> {
  for (const service of demoChildcareServices) await upsertChildcareService(tx, service);
  const siteIds = await seedSites(tx);
  const year = referenceYearOf(todayInQuebec());
  const children: DemoChild[] = [...scenarioNames.map((name) => scenarios[name]), ...crowd()];
  for (const [index, demo] of children.entries()) await seedChild(tx, index + 1, demo, siteIds, year);
  await seedMapDemo(tx);
}
