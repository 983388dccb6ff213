import type { Ctx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { applyRegistryRecords, formatImportError } from '../enterprises/import.js';
import type { RegistryRecord } from '../enterprises/registry.js';
import { enterpriseMember } from '../enterprises/schema.js';
import { enrolActiveForDemo } from '../enterprises/service.js';
import { DEMO_PASSWORD, demoAccountCtx } from '../identity/demo.js';
import { createAccount, type IdentitySettings } from '../identity/service.js';
import { demoTotpSecret } from '../identity/totp.js';
import { municipalityByCode } from '../places/service.js';
import {
  designationRequest,
  mandataryManager,
  mandate,
  organization,
  organizationFunction,
  profileGrant,
  servicePoint,
  servicePointStaff,
  type registryProfile,
} from './schema.js';
import { decideEnrolment, transmitEnrolment } from './service.js';

/**
 * The demo of the financial-aid registry (seed 004), in the caller's transaction, after the
 * identity and enterprise demos (it needs the support agent agente@guichet.test):
 * - Saint-Raymond (a municipality of the gazetteer) with its local manager MUN0001 (also its RSE),
 *   a deputy MUN0002, Requérant – Rédaction MUN0003 and Requérant – Consultation MUN0004;
 * - an organism (non-profit) with its local manager ORG0001;
 * - a firm with the service point « Bureau de Québec », its mandatary manager FIR0001 (attached to
 *   the point too) and FIR0002, attached, who holds Mandataire – Rédaction on Saint-Raymond through a
 *   running mandate;
 * - Baie-Saint-Paul's designation of its local manager (MUN0005) pending in the support desk's queue.
 *
 * The enterprises are enrolled and made active in the MAMH e-services through the services (the
 * RSE transmits, the agent accepts); the registry rows are inserted directly, as the support desk
 * and the managers would have left them, so every trigger of migration registry_constraints runs on them.
 */

export const REGISTRY_DEMO_PROGRAM = 'prabam';
/** The drinking-water program (migration aid_primeau), where Saint-Raymond's people hold the same profiles. */
export const REGISTRY_DEMO_SECOND_PROGRAM = 'primeau';
/** Saint-Raymond, Capitale-Nationale. */
export const DEMO_MUNICIPALITY_CODE = '34128';
/** Baie-Saint-Paul, Capitale-Nationale: its designation waits for the support desk. */
export const DEMO_PENDING_MUNICIPALITY_CODE = '16013';
export const DEMO_SERVICE_POINT_NAME = 'Bureau de Québec';
const SUPPORT_AGENT = 'agente@guichet.test';

type Profile = (typeof registryProfile.enumValues)[number];

type DemoPerson = {
  userCode: string;
  displayName: string;
  email: string;
  /** For the start-up banner. */
  role: { fr: string; en: string };
};

const people = {
  manager: {
    userCode: 'MUN0001',
    displayName: 'Geneviève Paquet',
    email: 'direction@saint-raymond.demo.test',
    role: { fr: 'Saint-Raymond : responsable locale des accès (PRABAM) et RSE', en: 'Saint-Raymond: local access manager (PRABAM) and RSE' },
  },
  deputy: {
    userCode: 'MUN0002',
    displayName: 'Mathieu Genois',
    email: 'tresorerie@saint-raymond.demo.test',
    role: { fr: 'Saint-Raymond : substitut', en: 'Saint-Raymond: deputy' },
  },
  writer: {
    userCode: 'MUN0003',
    displayName: 'Isabelle Moisan',
    email: 'travaux-publics@saint-raymond.demo.test',
    role: { fr: 'Saint-Raymond : Requérant – Rédaction', en: 'Saint-Raymond: Requester – Drafting' },
  },
  reader: {
    userCode: 'MUN0004',
    displayName: 'Patrick Alain',
    email: 'greffe@saint-raymond.demo.test',
    role: { fr: 'Saint-Raymond : Requérant – Consultation', en: 'Saint-Raymond: Requester – Read only' },
  },
  pending: {
    userCode: 'MUN0005',
    displayName: 'Claudine Simard',
    email: 'direction@baie-saint-paul.demo.test',
    role: { fr: 'Baie-Saint-Paul : RSE, sa désignation comme responsable locale attend le soutien', en: 'Baie-Saint-Paul: RSE, her designation as local manager awaits the support desk' },
  },
  organism: {
    userCode: 'ORG0001',
    displayName: 'Louise Bédard',
    email: 'direction@loisirs-portneuf.demo.test',
    role: { fr: 'organisme (OBNL) : responsable local des accès et RSE', en: 'organism (non-profit): local access manager and RSE' },
  },
  firmManager: {
    userCode: 'FIR0001',
    displayName: 'Stéphane Lortie',
    email: 'direction@groupe-conseil-cap.demo.test',
    role: { fr: 'firme : responsable mandataire du Bureau de Québec, rattaché, RSE', en: 'firm: mandatary manager of Bureau de Québec, attached, RSE' },
  },
  firmStaff: {
    userCode: 'FIR0002',
    displayName: 'Karine Dufour',
    email: 'ingenierie@groupe-conseil-cap.demo.test',
    role: { fr: 'firme : rattachée au Bureau de Québec, Mandataire – Rédaction pour Saint-Raymond', en: 'firm: attached to Bureau de Québec, Mandatary – Drafting for Saint-Raymond' },
  },
} as const satisfies Record<string, DemoPerson>;

type PersonKey = keyof typeof people;

/** The registry records (fake identifiers of the demo series 117000010N / 337000010N). */
const records = {
  municipality: {
    rqId: '1170000101',
    neq: '3370000101',
    legalName: 'Ville de Saint-Raymond',
    legalType: 'corporation',
    addressLine: '375, rue Saint-Joseph',
    municipality: 'Saint-Raymond',
    postalCode: 'G3L 1A1',
  },
  pendingMunicipality: {
    rqId: '1170000102',
    neq: '3370000102',
    legalName: 'Ville de Baie-Saint-Paul',
    legalType: 'corporation',
    addressLine: '15, rue Forget',
    municipality: 'Baie-Saint-Paul',
    postalCode: 'G3Z 1T3',
  },
  organism: {
    rqId: '1170000103',
    neq: '3370000103',
    legalName: 'Corporation des loisirs de Portneuf',
    legalType: 'nonprofit',
    addressLine: '200, rue Principale',
    municipality: 'Portneuf',
    postalCode: 'G0A 2Y0',
  },
  firm: {
    rqId: '1170000104',
    neq: '3370000104',
    legalName: 'Groupe Conseil Cap inc.',
    legalType: 'corporation',
    addressLine: '900, boulevard René-Lévesque Est',
    municipality: 'Québec',
    postalCode: 'G1R 2B5',
  },
} as const satisfies Record<string, Pick<RegistryRecord, 'rqId' | 'neq' | 'legalName' | 'legalType' | 'addressLine' | 'municipality' | 'postalCode'>>;

function registryRecord(fields: (typeof records)[keyof typeof records]): RegistryRecord {
  return {
    ...fields,
    returnFiled: true,
    mailingAddressOk: true,
    fileInGoodStanding: true,
    officersUpToDate: true,
    assessmentNumber: null,
    ownerSin: null,
    impotnetCode: null,
    officers: [],
  };
}

export type RegistryDemo = {
  /** Saint-Raymond. */
  municipality: { organizationId: string; geographicCode: string; name: string };
  /** Acting as the demo people, as when they are signed in (for the aid demo). */
  ctx: {
    /** MUN0003, Saint-Raymond's Requérant – Rédaction. */
    requesterWrite: Ctx;
    /** FIR0002, Mandataire – Rédaction for Saint-Raymond. */
    mandataryWrite: Ctx;
  };
};

function accountIdOf(ctx: Ctx): string {
  if (ctx.actor.type !== 'account') throw new Error('a demo person is an account');
  return ctx.actor.accountId;
}

/** An enterprise of the registry enrolled and active, `rse` its RSE, and active in the MAMH e-services. */
async function mamhEnterprise(tx: Db, ctx: Ctx, settings: IdentitySettings, agent: Ctx, rqId: string, rse: DemoPerson, members: DemoPerson[]): Promise<string> {
  const rseCtx = await demoAccountCtx(tx, rse.userCode);
  const [firstName = rse.displayName, ...rest] = rse.displayName.split(' ');
  const enrolled = await enrolActiveForDemo(tx, ctx, settings, {
    rqId,
    role: 'designated_by_resolution',
    firstName,
    lastName: rest.join(' '),
    email: rse.email,
    rseAccountId: accountIdOf(rseCtx),
  });
  for (const person of members) {
    const memberCtx = await demoAccountCtx(tx, person.userCode);
    await tx.insert(enterpriseMember).values({ enterpriseId: enrolled.enterpriseId, accountId: accountIdOf(memberCtx), role: 'user' });
  }
  const transmitted = await transmitEnrolment(tx, rseCtx, settings, enrolled.enterpriseId, {
    ministry: 'mamh',
    ministryNumber: `MAMH-${rqId.slice(-4)}`,
    otherInformation: 'Programmes d’aide financière aux infrastructures (démo)',
  });
  await decideEnrolment(tx, agent, settings, transmitted.id, { outcome: 'accept' });
  return enrolled.enterpriseId;
}

async function insertOrganization(tx: Db, kind: 'municipality' | 'organism', enterpriseId: string, geographicCode: string | null): Promise<string> {
  const [row] = await tx.insert(organization).values({ kind, geographicCode, enterpriseId }).returning({ id: organization.id });
  if (!row) throw new Error('no demo organization');
  return row.id;
}

/** Loads the registry demo; returns what the aid demo builds on. */
export async function seedRegistryDemo(tx: Db, ctx: Ctx, settings: IdentitySettings): Promise<RegistryDemo> {
  const program = REGISTRY_DEMO_PROGRAM;
  const municipality = await municipalityByCode(tx, DEMO_MUNICIPALITY_CODE);
  const pendingMunicipality = await municipalityByCode(tx, DEMO_PENDING_MUNICIPALITY_CODE);
  if (!municipality || !pendingMunicipality) throw new Error('the gazetteer is not loaded (migration gazetteer)');

  const imported = await applyRegistryRecords(
    tx,
    ctx,
    settings.secret,
    Object.values(records).map((fields, index) => ({ line: index + 1, record: registryRecord(fields) })),
    'demo-registry-access',
  );
  if (!imported.ok) throw new Error(`demo registry: ${imported.errors.map(formatImportError).join('; ')}`);

  const ids = {} as Record<PersonKey, string>;
  for (const [key, person] of Object.entries(people) as [PersonKey, DemoPerson][]) {
    const { account: created } = await createAccount(tx, ctx, settings, {
      kind: 'enterprise',
      userCode: person.userCode,
      email: person.email,
      displayName: person.displayName,
      password: DEMO_PASSWORD,
      mfaSecret: demoTotpSecret(person.userCode),
    });
    ids[key] = created.id;
  }

  const agent = await demoAccountCtx(tx, SUPPORT_AGENT);
  const agentId = accountIdOf(agent);
  const municipalityEnterpriseId = await mamhEnterprise(tx, ctx, settings, agent, records.municipality.rqId, people.manager, [people.deputy, people.writer, people.reader]);
  const pendingEnterpriseId = await mamhEnterprise(tx, ctx, settings, agent, records.pendingMunicipality.rqId, people.pending, []);
  const organismEnterpriseId = await mamhEnterprise(tx, ctx, settings, agent, records.organism.rqId, people.organism, []);
  const firmEnterpriseId = await mamhEnterprise(tx, ctx, settings, agent, records.firm.rqId, people.firmManager, [people.firmStaff]);

  // Saint-Raymond: its manager named by the support desk, a deputy named by the manager, two profiles.
  const municipalityId = await insertOrganization(tx, 'municipality', municipalityEnterpriseId, municipality.geographicCode);
  const fn = (accountId: string, fnKind: 'local_manager' | 'deputy', namedBy: string) => ({
    program,
    organizationId: municipalityId,
    enterpriseId: municipalityEnterpriseId,
    accountId,
    function: fnKind,
    namedBy,
  });
  await tx.insert(organizationFunction).values(fn(ids.manager, 'local_manager', agentId));
  await tx.insert(organizationFunction).values(fn(ids.deputy, 'deputy', ids.manager));
  const grant = (accountId: string, profile: Profile, grantedBy: string, servicePointId: string | null = null) => ({
    program,
    organizationId: municipalityId,
    accountId,
    profile,
    servicePointId,
    grantedBy,
  });
  await tx.insert(profileGrant).values(grant(ids.writer, 'requester_write', ids.manager));
  await tx.insert(profileGrant).values(grant(ids.reader, 'requester_read', ids.manager));
  // Profiles are per program: Saint-Raymond applies to PRIMEAU too, with the same manager and people.
  await tx.insert(organizationFunction).values({ ...fn(ids.manager, 'local_manager', agentId), program: REGISTRY_DEMO_SECOND_PROGRAM });
  await tx.insert(profileGrant).values({ ...grant(ids.writer, 'requester_write', ids.manager), program: REGISTRY_DEMO_SECOND_PROGRAM });
  await tx.insert(profileGrant).values({ ...grant(ids.reader, 'requester_read', ids.manager), program: REGISTRY_DEMO_SECOND_PROGRAM });

  // The organism and its manager.
  const organismId = await insertOrganization(tx, 'organism', organismEnterpriseId, null);
  await tx.insert(organizationFunction).values({ program, organizationId: organismId, enterpriseId: organismEnterpriseId, accountId: ids.organism, function: 'local_manager', namedBy: agentId });

  // The firm: its service point, the mandatary manager approved by the support desk, who attaches
  // himself and FIR0002; the deputy mandates the point and gives FIR0002 Mandataire – Rédaction.
  const [point] = await tx
    .insert(servicePoint)
    .values({ enterpriseId: firmEnterpriseId, name: DEMO_SERVICE_POINT_NAME, address: `${records.firm.addressLine}, Québec (Québec) ${records.firm.postalCode}` })
    .returning({ id: servicePoint.id });
  if (!point) throw new Error('no demo service point');
  await tx.insert(mandataryManager).values({ program, servicePointId: point.id, enterpriseId: firmEnterpriseId, accountId: ids.firmManager, namedBy: agentId });
  for (const accountId of [ids.firmManager, ids.firmStaff]) {
    await tx.insert(servicePointStaff).values({ program, servicePointId: point.id, enterpriseId: firmEnterpriseId, accountId, attachedBy: ids.firmManager });
  }
  await tx.insert(mandate).values({ program, organizationId: municipalityId, servicePointId: point.id, validUntil: null, grantedBy: ids.deputy });
  await tx.insert(profileGrant).values(grant(ids.firmStaff, 'mandatary_write', ids.deputy, point.id));

  // Baie-Saint-Paul is not in the registry yet: its RSE asks that she be its local manager.
  await tx.insert(designationRequest).values({
    kind: 'local_manager',
    replacement: false,
    program,
    enterpriseId: pendingEnterpriseId,
    geographicCode: pendingMunicipality.geographicCode,
    designatedAccountId: ids.pending,
    requestedBy: ids.pending,
    requesterName: people.pending.displayName,
    requesterFunction: 'Directrice générale et greffière-trésorière',
    target: `municipality:${pendingMunicipality.geographicCode}`,
  });

  return {
    municipality: { organizationId: municipalityId, geographicCode: municipality.geographicCode, name: municipality.name },
    ctx: {
      requesterWrite: await demoAccountCtx(tx, people.writer.userCode),
      mandataryWrite: await demoAccountCtx(tx, people.firmStaff.userCode),
    },
  };
}

/** The registry demo's logins, for the start-up banner and `npm run mfa:code` (password DEMO_PASSWORD, MFA from demoTotpSecret). */
export function registryDemoLogins(): { userCode: string; role: { fr: string; en: string } }[] {
  return Object.values(people).map((p) => ({ userCode: p.userCode, role: p.role }));
}

/** The banner's lines: the registry demo's logins and where to start. */
export function registryDemoLines(): string[] {
  return [
    'Registre des accès, aide financière PRABAM et PRIMEAU (démo) / access registry, PRABAM and PRIMEAU financial aid (demo) — /aide/prabam, /aide/primeau',
    ...registryDemoLogins().map((login) => `  ${login.userCode.padEnd(8)} ${login.role.fr} / ${login.role.en}`),
    `  Code MFA / MFA code : npm run mfa:code -- <MUN0001 | …>; soutien / support desk : ${SUPPORT_AGENT}`,
  ];
}

