import { eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { demoMapSites } from '../childcare/demo-map.js';
import { installation } from '../childcare/schema.js';
import { admitFromReserve } from './admissions.js';
import { recordAgreement } from './agreements.js';
import { publishCriteria } from './criteria.js';
import { contactParent } from './messaging.js';
import { priorityCriterion, serviceSheet } from './schema.js';
import { sitesHeldBy, todayInQuebec } from '../childcare/service.js';
import { addGuardian, addMonths, chooseService, registerChild } from './families.js';
import { openSheet, publishSheet, saveSheet, type SheetInput } from './service.js';

/**
 * Demo sheets of CPE Soleil, in the caller's transaction, as its RSE (the demo login CPE0001,
 * who holds « Gérer la fiche ») fills them: Rosemont and Limoilou published, Laval adhered but
 * not published. The RSGE of the demo have no sign-in: their sheets are left to do (not adhered),
 * as a BC would find some on the map.
 */
const weekdaysOnly = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** By installation number; `null`: opened (adhered) and left empty. */
const demoSheets: Record<string, { input: Omit<SheetInput, 'version'>; publish: boolean } | null> = {
  '2001-01': {
    publish: true,
    input: {
      groupComposition: 'Dix groupes : deux pouponnières de cinq poupons, huit groupes de 18 mois à 5 ans.',
      dailyRate: '',
      rateDetails: 'Sorties éducatives comprises.',
      openingDays: weekdaysOnly,
      opensAt: '06:45',
      closesAt: '18:00',
      carePeriods: ['full_time', 'part_time'],
      presentation: 'Un CPE lumineux près du parc Molson, avec une cour arborée et un potager.',
      languages: ['fr', 'en'],
      otherLanguages: '',
      publicSections: ['group', 'rates', 'periods', 'presentation', 'languages'],
    },
  },
  '2001-02': {
    publish: true,
    input: {
      groupComposition: '',
      dailyRate: '',
      rateDetails: '',
      openingDays: weekdaysOnly,
      opensAt: '07:00',
      closesAt: '17:45',
      carePeriods: ['full_time'],
      presentation: 'Installation de quartier, à deux pas de la 3e Avenue.',
      languages: ['fr'],
      otherLanguages: 'Espagnol à l’occasion',
      publicSections: ['periods', 'presentation', 'languages'],
    },
  },
  '2001-03': null,
};

/** The priority criteria Rosemont publishes, in its order (codes of the migration's list). */
const rosemontCriteria = ['sibling', 'staff_child', 'territory'];

async function criterionId(tx: Db, code: string): Promise<string> {
  const [row] = await tx.select({ id: priorityCriterion.id }).from(priorityCriterion).where(eq(priorityCriterion.code, code));
  if (!row) throw new Error(`the priority criterion ${code} is missing`);
  return row.id;
}

/**
 * The sheets above, Rosemont's priority criteria (a brother or sister attending, a staff member's
 * child, living in the territory), then the demo family of parent@guichet.test (`parentCtx`): a
 * parent with its contact details and two children in the réserve of CPE Soleil's Rosemont
 * installation, which CPE0001 (holding « Gérer la réserve et les admissions ») sees at
 * /entreprise/reserves. Chloé (14 months) lives in the territory, criterion 3: she comes before
 * Félix, who meets none, although he wants an earlier date. The CPE has written to Félix's
 * parent (« Messagerie », one unread message); their eldest, Léa, is admitted at Rosemont with her
 * service agreement recorded (« Ententes de services »).
 */
export async function seedPortalDemo(tx: Db, rseCtx: Ctx, enterpriseNeq: string, parentCtx: Ctx, demoMail: { publicUrl: string }, now: Date = new Date()): Promise<void> {
  let rosemont: string | null = null;
  for (const site of await sitesHeldBy(tx, enterpriseNeq)) {
    const demo = demoSheets[site.number];
    if (demo === undefined) continue;
    const { sheet } = await openSheet(tx, rseCtx, site.id);
    if (demo === null) continue;
    await saveSheet(tx, rseCtx, site.id, { ...demo.input, version: sheet.version });
    if (demo.publish) await publishSheet(tx, rseCtx, site.id);
    if (site.number === '2001-01') rosemont = site.id;
  }
  if (!rosemont) throw new Error('the demo installation 2001-01 is missing');
  const criteria = await Promise.all(rosemontCriteria.map((code) => criterionId(tx, code)));
  await publishCriteria(tx, rseCtx, rosemont, criteria);
  await addGuardian(tx, parentCtx, { role: 'parent', name: 'Parent Démo', email: 'parent@guichet.test', phone: '418 555-0142' }, now);
  const today = todayInQuebec(now);
  const child = await registerChild(tx, parentCtx, { firstName: 'Chloé', lastName: 'Démo', birthDate: addMonths(today, -14) }, now);
  const territory = await criterionId(tx, 'territory');
  await chooseService(tx, parentCtx, child.id, rosemont, { desiredStart: addMonths(today, 3), days: weekdaysOnly, periods: ['full_time'], acceptsPartial: true, acceptsSubstitute: false, criteria: [territory] }, now);
  const brother = await registerChild(tx, parentCtx, { firstName: 'Félix', lastName: 'Démo', birthDate: addMonths(today, -30) }, now);
  const felix = await chooseService(tx, parentCtx, brother.id, rosemont, { desiredStart: addMonths(today, 1), days: weekdaysOnly, periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false }, now);
  await contactParent(tx, rseCtx, demoMail, rosemont, felix.id, { subject: 'Une place pour Félix', body: 'Bonjour, une place pourrait se libérer en juin. Pouvez-vous nous confirmer les jours souhaités?' }, now);
  const eldest = await registerChild(tx, parentCtx, { firstName: 'Léa', lastName: 'Démo', birthDate: addMonths(today, -40) }, now);
  const lea = await chooseService(tx, parentCtx, eldest.id, rosemont, { desiredStart: addMonths(today, 1), days: weekdaysOnly, periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false }, now);
  const admitted = await admitFromReserve(tx, rseCtx, rosemont, lea.id, { plannedStart: addMonths(today, 1), override: false, overrideReason: '' }, demoMail, now);
  await recordAgreement(tx, rseCtx, admitted.id, { startDate: addMonths(today, 1), days: ['mon', 'tue', 'wed', 'thu'], periods: ['full_time'], contribution: 'reduced', dailyRate: '', signedOn: today }, demoMail, now);
}

/**
 * Sheets of the map's demo sites (childcare `demo-map.ts`, 200 sites in 20 towns), as if brought
 * over from the previous portal (`adhered_by` null): per town, both CPE, a subsidized and a
 * non-subsidized garderie and two of the four RSGE published, one of them showing its name and
 * presentation; the other sites have not adhered, so the map shows them with the seed's notice.
 */
export async function seedMapSheetsDemo(tx: Db, now: Date = new Date()): Promise<number> {
  const sites = demoMapSites().map((d) => d.site);
  const rows = await tx.select({ id: installation.id, number: installation.number }).from(installation).where(inArray(installation.number, sites.map((s) => s.number)));
  const idOf = new Map(rows.map((r) => [r.number, r.id]));
  const sheets: (typeof serviceSheet.$inferInsert)[] = [];
  sites.forEach((site, serial) => {
    const position = serial % 10;
    // Positions 0–1 CPE, 2–3 subsidized garderies, 4–5 non-subsidized, 6–9 RSGE (demo-map.ts `layout`).
    if (![0, 1, 2, 4, 6, 7].includes(position)) return;
    const id = idOf.get(site.number);
    if (!id) throw new Error(`the demo site ${site.number} is missing`);
    const home = site.kind === 'home_provider';
    const saturday = serial % 3 === 0;
    sheets.push({
      installationId: id,
      adheredBy: null,
      adheredAt: now,
      publishedAt: now,
      openingDays: saturday ? [...weekdaysOnly, 'sat'] : weekdaysOnly,
      opensAt: home ? '07:30' : '06:45',
      closesAt: home ? '17:00' : '18:00',
      carePeriods: saturday ? ['full_time', 'atypical'] : serial % 2 === 0 ? ['full_time', 'part_time'] : ['full_time'],
      languages: serial % 4 === 0 ? ['fr', 'en'] : ['fr'],
      dailyRateCents: position === 4 ? 4500 + (serial % 5) * 250 : null,
      presentation: home ? 'Un milieu familial chaleureux, une cour clôturée et des sorties au parc chaque jour.' : 'Des locaux lumineux, une cour équipée et une équipe éducative stable.',
      publicSections: home ? (position === 6 ? ['name', 'presentation', 'languages', 'periods'] : []) : ['group', 'rates', 'periods', 'presentation', 'languages'],
    });
  });
  await tx.insert(serviceSheet).values(sheets).onConflictDoNothing({ target: serviceSheet.installationId });
  return sheets.length;
}
