import type { Db } from '../../platform/db/index.js';
import { upsertChildcareService, upsertSite, type NewChildcareService, type NewSite } from './service.js';

/**
 * Services for the map (issue 7): 20 Quebec municipalities, each with two CPE installations, two
 * subsidized garderies, two non-subsidized garderies and four RSGE recognized by the
 * municipality's demo BC — 200 sites. Everything is fictional (names, addresses, NEQ 3379……),
 * placed deterministically within about 3 km of the municipality's centre, so two loads give the
 * same data. The centres are rounded approximations, enough for a demo.
 */
type Town = { name: string; region: string; directorate: string; fsa: string; latitude: number; longitude: number };

export const demoTowns: readonly Town[] = [
  { name: 'Montréal', region: '06', directorate: '12', fsa: 'H2X', latitude: 45.5089, longitude: -73.5617 },
  { name: 'Québec', region: '03', directorate: '11', fsa: 'G1R', latitude: 46.8139, longitude: -71.208 },
  { name: 'Laval', region: '13', directorate: '13', fsa: 'H7N', latitude: 45.5697, longitude: -73.692 },
  { name: 'Gatineau', region: '07', directorate: '13', fsa: 'J8X', latitude: 45.4765, longitude: -75.7013 },
  { name: 'Longueuil', region: '16', directorate: '14', fsa: 'J4K', latitude: 45.5312, longitude: -73.5181 },
  { name: 'Sherbrooke', region: '05', directorate: '14', fsa: 'J1H', latitude: 45.4042, longitude: -71.8929 },
  { name: 'Saguenay', region: '02', directorate: '11', fsa: 'G7H', latitude: 48.428, longitude: -71.0686 },
  { name: 'Lévis', region: '12', directorate: '11', fsa: 'G6V', latitude: 46.8033, longitude: -71.1779 },
  { name: 'Trois-Rivières', region: '04', directorate: '14', fsa: 'G9A', latitude: 46.3432, longitude: -72.5432 },
  { name: 'Terrebonne', region: '14', directorate: '13', fsa: 'J6W', latitude: 45.7, longitude: -73.6473 },
  { name: 'Saint-Jérôme', region: '15', directorate: '13', fsa: 'J7Z', latitude: 45.7803, longitude: -74.0036 },
  { name: 'Granby', region: '05', directorate: '14', fsa: 'J2G', latitude: 45.4001, longitude: -72.7324 },
  { name: 'Drummondville', region: '17', directorate: '14', fsa: 'J2B', latitude: 45.8838, longitude: -72.4843 },
  { name: 'Joliette', region: '14', directorate: '13', fsa: 'J6E', latitude: 46.0217, longitude: -73.4402 },
  { name: 'Rimouski', region: '01', directorate: '11', fsa: 'G5L', latitude: 48.4489, longitude: -68.5237 },
  { name: 'Rouyn-Noranda', region: '08', directorate: '13', fsa: 'J9X', latitude: 48.2366, longitude: -79.0231 },
  { name: 'Sept-Îles', region: '09', directorate: '11', fsa: 'G4R', latitude: 50.2001, longitude: -66.3821 },
  { name: 'Victoriaville', region: '17', directorate: '14', fsa: 'G6P', latitude: 46.0571, longitude: -71.9577 },
  { name: 'Shawinigan', region: '04', directorate: '14', fsa: 'G9N', latitude: 46.5668, longitude: -72.7491 },
  { name: 'Val-d’Or', region: '08', directorate: '13', fsa: 'J9P', latitude: 48.0975, longitude: -77.7974 },
];

const cpeNames = ['Les Bourgeons', 'La Ribambelle', 'Les Petits Pas', 'Le Cerf-Volant'];
const daycareNames = ['Les Lucioles', 'Au Pays des Merveilles', 'Le Petit Monde', 'Les Trésors', 'Arc-en-ciel', 'Le Nid'];
const firstNames = ['Caroline', 'Isabelle', 'Mélanie', 'Nadia', 'Karine', 'Annie', 'Josée', 'Véronique'];
const lastNames = ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné'];

type Kind = 'cpe' | 'subsidized_daycare' | 'daycare' | 'home_provider';
/** What each town has, in this order: 10 sites. */
const layout: readonly Kind[] = ['cpe', 'cpe', 'subsidized_daycare', 'subsidized_daycare', 'daycare', 'daycare', 'home_provider', 'home_provider', 'home_provider', 'home_provider'];

/** A deterministic offset of at most `max` degrees, from the site's serial. */
function offset(serial: number, prime: number, max: number): number {
  return (((serial * prime) % 101) / 100 - 0.5) * 2 * max;
}

export type DemoMapSite = { service: NewChildcareService; site: Omit<NewSite, 'serviceId'> };

/** The 200 sites and the services holding them (one per installation; a BC per town for its RSGE). */
export function demoMapSites(): DemoMapSite[] {
  const sites: DemoMapSite[] = [];
  demoTowns.forEach((town, t) => {
    const townNumber = String(t + 1).padStart(2, '0');
    const bc: NewChildcareService = { permitNumber: `BC-90${townNumber}`, kind: 'coordinating_office', name: `Bureau coordonnateur de ${town.name}`, enterpriseNeq: `33790${townNumber}000`, divisionNumber: null };
    layout.forEach((kind, k) => {
      const serial = t * layout.length + k;
      const number = String(serial + 1).padStart(3, '0');
      const position = { latitude: Math.round((town.latitude + offset(serial, 37, 0.025)) * 1e5) / 1e5, longitude: Math.round((town.longitude + offset(serial, 53, 0.035)) * 1e5) / 1e5 };
      const common = {
        address: `${100 + serial * 7}, rue ${['Principale', 'Saint-Jean', 'des Érables', 'Notre-Dame'][k % 4]}`,
        municipality: town.name,
        postalCode: `${town.fsa} ${(k % 9) + 1}${'ABCEGHJKLM'[k] ?? 'A'}${(serial % 9) + 1}`,
        region: town.region,
        directorateCode: town.directorate,
        ...position,
      };
      if (kind === 'home_provider') {
        const person = `${firstNames[serial % firstNames.length]} ${lastNames[(serial * 3) % lastNames.length]}`;
        sites.push({
          service: bc,
          site: { kind: 'home_provider', number: `RSGE-90${townNumber}-${number}`, name: person, ...common, providerNeq: `33791${number.padStart(5, '0')}`, placesTotal: k % 2 === 0 ? 6 : 9, placesUnder18Months: k % 2 === 0 ? 2 : 4 },
        });
        return;
      }
      const name = kind === 'cpe' ? `CPE ${cpeNames[serial % cpeNames.length]} de ${town.name}` : `Garderie ${daycareNames[serial % daycareNames.length]} de ${town.name}`;
      const prefix = kind === 'cpe' ? 'CPE' : 'GAR';
      sites.push({
        service: { permitNumber: `${prefix}-9${number}`, kind, name, enterpriseNeq: `33792${number.padStart(5, '0')}`, divisionNumber: `3000-9${number}` },
        site: { kind: 'installation', number: `9${number}-01`, name, ...common, providerNeq: null, placesTotal: kind === 'cpe' ? 80 : 50 + (serial % 4) * 5, placesUnder18Months: kind === 'daycare' && k % 2 === 1 ? 0 : 10 },
      });
    });
  });
  return sites;
}

/** Loads the map's demo sites in the caller's transaction; a second load changes nothing. */
export async function seedMapDemo(tx: Db): Promise<void> {
  const serviceIds = new Map<string, string>();
  for (const { service, site } of demoMapSites()) {
    let serviceId = serviceIds.get(service.permitNumber);
    if (!serviceId) {
      serviceId = (await upsertChildcareService(tx, service)).id;
      serviceIds.set(service.permitNumber, serviceId);
    }
    await upsertSite(tx, { ...site, serviceId });
  }
}
