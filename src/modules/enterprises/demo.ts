import { Readable } from 'node:stream';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { anonymous, type Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import type { FileStore } from '../../platform/files/store.js';
import { demoAccountCtx } from '../identity/demo.js';
import { applyRegistryRecords, formatImportError } from './import.js';
import type { RegistryRecord } from './registry.js';
import { addMember } from './members.js';
import { enrolActiveForDemo, submitEnrolment, type EnterpriseSettings } from './service.js';
import { submitForVerification, uploadEnrolmentDocument, type DocumentKind } from './verification.js';

/**
 * The demo registry: every legal type of seed 000, and a corporation for each condition of the
 * invitation number. All identifiers are fake (RQ IDs 117000000N, NEQs 337000000N, assessment
 * numbers VQ2400000N); the social insurance numbers pass the Luhn check but start with 0, which is
 * never assigned.
 */
export type DemoEnterprise = RegistryRecord & {
  /** What the demo shows with it (seed 000). */
  case: { fr: string; en: string };
};

const inGoodStanding = { returnFiled: true, mailingAddressOk: true, fileInGoodStanding: true, officersUpToDate: true } as const;
const noPersonalSecrets = { ownerSin: null, impotnetCode: null } as const;

export const demoEnterprises: readonly DemoEnterprise[] = [
  {
    rqId: '1170000001',
    neq: '3370000001',
    legalName: 'Garderie Les Petits Explorateurs inc.',
    legalType: 'corporation',
    addressLine: '1250, rue Sainte-Catherine Est',
    municipality: 'Montréal',
    postalCode: 'H2L 2H1',
    ...inGoodStanding,
    assessmentNumber: 'VQ24000001',
    ...noPersonalSecrets,
    officers: [
      { function: 'president', firstName: 'Marie', lastName: 'Tremblay' },
      { function: 'treasurer', firstName: 'Luc', lastName: 'Gagnon' },
    ],
    case: {
      fr: 'société en règle : un dirigeant obtient un numéro d\'invitation, l\'inscription est activée sur-le-champ',
      en: 'corporation in good standing: an officer gets an invitation number, the enrolment is activated at once',
    },
  },
  {
    rqId: '1170000002',
    neq: '3370000002',
    legalName: 'Garderie Le Jardin enchanté inc.',
    legalType: 'corporation',
    addressLine: '45, rue Saint-Jean',
    municipality: 'Québec',
    postalCode: 'G1R 1N6',
    ...inGoodStanding,
    mailingAddressOk: false,
    assessmentNumber: 'VQ24000002',
    ...noPersonalSecrets,
    officers: [{ function: 'president', firstName: 'Paul', lastName: 'Lavoie' }],
    case: { fr: 'adresse de correspondance qui n\'est pas en règle : pas de numéro d\'invitation', en: 'mailing address not in good standing: no invitation number' },
  },
  {
    rqId: '1170000003',
    neq: '3370000003',
    legalName: 'Garderie Trois Pommes inc.',
    legalType: 'corporation',
    addressLine: '300, boulevard de la Concorde Est',
    municipality: 'Laval',
    postalCode: 'H7G 2E6',
    ...inGoodStanding,
    officersUpToDate: false,
    assessmentNumber: 'VQ24000003',
    ...noPersonalSecrets,
    officers: [{ function: 'president', firstName: 'Nadia', lastName: 'Roy' }],
    case: { fr: 'dirigeants pas à jour au Registre des entreprises : pas de numéro d\'invitation', en: 'officers not up to date in the enterprise register: no invitation number' },
  },
  {
    rqId: '1170000004',
    neq: '3370000004',
    legalName: 'Garderie Nouvelle Vague inc.',
    legalType: 'corporation',
    addressLine: '88, rue Saint-Charles Ouest',
    municipality: 'Longueuil',
    postalCode: 'J4H 1C5',
    ...inGoodStanding,
    returnFiled: false,
    assessmentNumber: null,
    ...noPersonalSecrets,
    officers: [{ function: 'president', firstName: 'Hugo', lastName: 'Morin' }],
    case: { fr: 'aucune déclaration produite ni avis de cotisation : pas de numéro d\'invitation', en: 'no return filed, no assessment notice: no invitation number' },
  },
  {
    rqId: '1170000005',
    neq: '3370000005',
    legalName: 'Garderie Au Bord du Lac inc.',
    legalType: 'corporation',
    addressLine: '12, rue du Lac-des-Nations',
    municipality: 'Sherbrooke',
    postalCode: 'J1H 1Z1',
    ...inGoodStanding,
    fileInGoodStanding: false,
    assessmentNumber: 'VQ24000005',
    ...noPersonalSecrets,
    officers: [{ function: 'president', firstName: 'Claude', lastName: 'Pelletier' }],
    case: { fr: 'dossier qui n\'est pas en règle (faillite) : pas de numéro d\'invitation', en: 'file not in good standing (bankruptcy): no invitation number' },
  },
  {
    rqId: '1170000006',
    neq: '3370000006',
    legalName: 'Garderie Les Bricoleurs inc.',
    legalType: 'corporation',
    addressLine: '150, rue Principale',
    municipality: 'Gatineau',
    postalCode: 'J9H 3K9',
    ...inGoodStanding,
    assessmentNumber: 'VQ24000006',
    ...noPersonalSecrets,
    officers: [{ function: 'sole_administrator', firstName: 'Karine', lastName: 'Lévesque' }],
    case: { fr: 'société en règle dirigée par une administratrice unique', en: 'corporation in good standing run by a sole administrator' },
  },
  {
    rqId: '1170000007',
    neq: '3370000007',
    legalName: 'Garderie Chez Julie',
    legalType: 'sole_proprietor',
    addressLine: '2100, rue des Forges',
    municipality: 'Trois-Rivières',
    postalCode: 'G8Z 1V4',
    ...inGoodStanding,
    assessmentNumber: 'VQ24000007',
    ownerSin: '046454286',
    impotnetCode: 'IMPOTNET26',
    officers: [],
    case: {
      fr: 'particulière en affaires (Julie Bergeron) avec NAS, code impôtNET et avis de cotisation : activée sur-le-champ',
      en: 'sole proprietor (Julie Bergeron) with SIN, impôtNET code and assessment number: activated at once',
    },
  },
  {
    rqId: '1170000008',
    neq: '3370000008',
    legalName: 'Garderie Les Lucioles',
    legalType: 'sole_proprietor',
    addressLine: '475, boulevard Talbot',
    municipality: 'Saguenay',
    postalCode: 'G7H 4A5',
    ...inGoodStanding,
    assessmentNumber: 'VQ24000008',
    ownerSin: '046454294',
    impotnetCode: null,
    officers: [],
    case: {
      fr: 'particulier en affaires (Marc Ouellet) sans code impôtNET : inscription différée',
      en: 'sole proprietor (Marc Ouellet) without an impôtNET code: deferred enrolment',
    },
  },
  {
    rqId: '1170000009',
    neq: '3370000009',
    legalName: 'Centre de la petite enfance Soleil',
    legalType: 'nonprofit',
    addressLine: '6500, avenue Christophe-Colomb',
    municipality: 'Montréal',
    postalCode: 'H2S 2G8',
    ...inGoodStanding,
    assessmentNumber: null,
    ...noPersonalSecrets,
    officers: [
      { function: 'president', firstName: 'Isabelle', lastName: 'Fortin' },
      { function: 'secretary', firstName: 'Martin', lastName: 'Bélanger' },
    ],
    case: {
      fr: 'OBNL (CPE) déjà inscrit et actif (seedEnrolmentsDemo) : le compte démo CPE0001 en est le RSE, actif aux services en ligne Famille',
      en: 'nonprofit (CPE) already enrolled and active (seedEnrolmentsDemo): the demo login CPE0001 is its RSE, active in the Famille e-services',
    },
  },
  {
    rqId: '1170000010',
    neq: '3370000010',
    legalName: 'Bureau coordonnateur Les Moussaillons',
    legalType: 'nonprofit',
    addressLine: '90, rue Saint-Germain Est',
    municipality: 'Rimouski',
    postalCode: 'G5L 1A9',
    ...inGoodStanding,
    assessmentNumber: null,
    ...noPersonalSecrets,
    officers: [{ function: 'president', firstName: 'Chantal', lastName: 'Girard' }],
    case: {
      fr: 'OBNL (bureau coordonnateur) : inscription différée soumise avec sa résolution du conseil et ses formulaires signés, en vérification dans la file des agents (seedEnrolmentsDemo)',
      en: 'nonprofit (coordinating office): deferred enrolment submitted with its board resolution and signed forms, under verification in the agents\' queue (seedEnrolmentsDemo)',
    },
  },
  {
    rqId: '1170000011',
    neq: '3370000011',
    legalName: 'Garderie Arc-en-ciel S.E.N.C.',
    legalType: 'partnership',
    addressLine: '5400, boulevard de la Rive-Sud',
    municipality: 'Lévis',
    postalCode: 'G6V 4Z2',
    ...inGoodStanding,
    assessmentNumber: null,
    ...noPersonalSecrets,
    officers: [
      { function: 'partner', firstName: 'Sylvie', lastName: 'Côté' },
      { function: 'partner', firstName: 'André', lastName: 'Gauthier' },
    ],
    case: { fr: 'société de personnes (associés) : inscription différée', en: 'partnership (partners): deferred enrolment' },
  },
];

function demoEnterprise(rqId: string): DemoEnterprise {
  const found = demoEnterprises.find((e) => e.rqId === rqId);
  if (!found) throw new Error(`no demo enterprise ${rqId}`);
  return found;
}

/** Loads the demo registry in the caller's transaction. */
export async function seedEnterprisesDemo(tx: Db, ctx: Ctx, settings: Pick<EnterpriseSettings, 'secret'>): Promise<readonly DemoEnterprise[]> {
  const records = demoEnterprises.map(({ case: _case, ...record }, index) => ({ line: index + 1, record }));
  const result = await applyRegistryRecords(tx, ctx, settings.secret, records, 'demo');
  if (!result.ok) throw new Error(`demo registry: ${result.errors.map(formatImportError).join('; ')}`);
  return demoEnterprises;
}

/** The enrolled demo enterprise, CPE Soleil, whose RSE is the demo login CPE0001. */
export const DEMO_ACTIVE_RQ_ID = '1170000009';
/** The deferred demo enrolment waiting for an agent: Bureau coordonnateur Les Moussaillons. */
export const DEMO_DEFERRED_RQ_ID = '1170000010';

export type DemoEnrolments = { activeEnterpriseId: string; userAccountId: string };

/** Where the demo's documents go: the app's file store and its upload limit. */
export type DemoFiles = { store: FileStore; maxBytes: number };

/** The documents Les Moussaillons sends: what an OBNL's deferred enrolment waits for. */
const demoDocuments: readonly { kind: DocumentKind; fileName: string; title: string }[] = [
  { kind: 'board_resolution', fileName: 'resolution-conseil-administration.pdf', title: 'Résolution du conseil d’administration — document de démonstration' },
  { kind: 'signed_forms', fileName: 'formulaires-signes.pdf', title: 'Formulaires d’inscription signés — document de démonstration' },
];

/** A one-page PDF showing its title, so an agent who opens a demo document reads what it stands for. */
async function demoPdf(title: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  page.drawText(title, { x: 56, y: 720, size: 12, font });
  page.drawText('Bureau coordonnateur Les Moussaillons — guichet (démonstration / demo)', { x: 56, y: 696, size: 10, font });
  return Buffer.from(await doc.save());
}

/**
 * The demo RSE of Les Moussaillons sends its documents and submits its file as a real RSE does:
 * through the upload service (checked by content, stored, audited) and `submitForVerification`.
 */
async function submitDemoDocuments(tx: Db, settings: EnterpriseSettings, files: DemoFiles, rseCtx: Ctx, enrolmentId: string): Promise<void> {
  for (const document of demoDocuments) {
    const source = Readable.from([await demoPdf(document.title)]);
    await uploadEnrolmentDocument(tx, rseCtx, files.store, { enrolmentId, kind: document.kind, source, fileName: document.fileName, maxBytes: files.maxBytes });
  }
  await submitForVerification(tx, rseCtx, settings, enrolmentId);
}

/**
 * Demo enrolments, in the caller's transaction (after the registry and the identity demo):
 * - CPE Soleil enrolled and active, the demo login `rseCtx` (CPE0001) its RSE, with one more user;
 * - Les Moussaillons enrolled through `submitEnrolment` (deferred, its RSE's own account), its
 *   board resolution and signed forms sent to `files` and its file submitted, so the agents' queue
 *   shows a file with documents to open.
 */
export async function seedEnrolmentsDemo(tx: Db, ctx: Ctx, settings: EnterpriseSettings, rseCtx: Ctx, files: DemoFiles): Promise<DemoEnrolments> {
  if (rseCtx.actor.type !== 'account') throw new Error('the demo RSE is an account');
  const active = await enrolActiveForDemo(tx, ctx, settings, {
    rqId: DEMO_ACTIVE_RQ_ID,
    role: 'designated_by_resolution',
    firstName: 'Directrice',
    lastName: 'CPE Soleil',
    email: 'direction@cpe-soleil.test',
    rseAccountId: rseCtx.actor.accountId,
  });
  const user = await addMember(tx, rseCtx, settings, active.enterpriseId, { firstName: 'Julien', lastName: 'Caron', email: 'educateur@cpe-soleil.test' });

  const deferredRecord = demoEnterprise(DEMO_DEFERRED_RQ_ID);
  const president = deferredRecord.officers[0];
  const deferred = await submitEnrolment(tx, { actor: anonymous, lang: 'fr', requestId: null, ip: null }, settings, {
    legalType: 'nonprofit',
    role: 'designated_by_resolution',
    officerFunction: null,
    firstName: president?.firstName ?? 'Chantal',
    lastName: president?.lastName ?? 'Girard',
    email: 'direction@moussaillons.test',
    rqId: DEMO_DEFERRED_RQ_ID,
    secrets: {},
  });
  if (deferred.outcome !== 'deferred') throw new Error(`demo deferred enrolment: ${deferred.outcome}`);
  await submitDemoDocuments(tx, settings, files, await demoAccountCtx(tx, deferred.userCode), deferred.enrolment.id);
  return { activeEnterpriseId: active.enterpriseId, userAccountId: user.accountId };
}

const spacedSin = (sin: string) => `${sin.slice(0, 3)} ${sin.slice(3, 6)} ${sin.slice(6)}`;

/** For the start-up banner: the identifiers to try the invitation number and an immediate enrolment. */
export function demoRegistryLines(): string[] {
  const corporation = demoEnterprise('1170000001');
  const president = corporation.officers.find((o) => o.function === 'president');
  const proprietor = demoEnterprise('1170000007');
  return [
    'Registre des entreprises (démo) / enterprise registry (demo):',
    `  Société / corporation ${corporation.rqId} — présidente / president ${president?.firstName} ${president?.lastName}, avis de cotisation / assessment ${corporation.assessmentNumber}`,
    `  Particulier / sole proprietor ${proprietor.rqId} — NAS / SIN ${spacedSin(proprietor.ownerSin ?? '')}, impôtNET ${proprietor.impotnetCode}, avis / assessment ${proprietor.assessmentNumber}`,
  ];
}
