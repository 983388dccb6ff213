import { eq } from 'drizzle-orm';
import type { Rule } from '../../platform/authz.js';
import type { Db } from '../../platform/db/index.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { effectiveHolders, holdsProfile, organizationOfEnterprise, registryProgramByCode, writeProfiles, type Profile } from '../access/registry.js';
import { agentWithRole } from '../identity/agents.js';
import type { FieldDefinition, ProgramDefinition, RequestResource } from '../requests/program.js';
import { registerProgram } from '../requests/service.js';
import { aidRequest } from './schema.js';

/**
 * The financial-aid program PRABAM (Programme d'aide financière pour les bâtiments municipaux) as a
 * definition on the request engine. Its id is the registry's program code: the profiles and
 * mandates of `access` are kept per program code, and the request's `program` column holds it too.
 * Who may do what is read from the registry at every check (never cached), so a withdrawn profile
 * or an expired or revoked mandate refuses the person's next request.
 */
export const AID_PROGRAM_ID = 'prabam';
/** The Direction générale des infrastructures numbers the requests and receives them (migration 0013). */
export const AID_DIRECTORATE = '90';

export const financingSources = ['municipal', 'requested', 'other'] as const;
export type FinancingSource = (typeof financingSources)[number];

/** An amount in dollars: up to a billion, cents at most, never negative. */
const amount = { type: 'decimal', min: 0, max: 1_000_000_000, step: 2 } as const;

const fields: readonly FieldDefinition[] = [
  { id: 'project.title', type: 'text', label: 'aid.field.title', required: true, maxLength: 200 },
  { id: 'project.description', type: 'textarea', label: 'aid.field.description', help: 'aid.field.description.help', required: true, maxLength: 4000 },
  { id: 'project.address', type: 'text', label: 'aid.field.address', help: 'aid.field.address.help', required: true, maxLength: 300 },
  { id: 'project.startDate', type: 'date', label: 'aid.field.startDate', help: 'aid.date.hint', required: true },
  { id: 'project.endDate', type: 'date', label: 'aid.field.endDate', help: 'aid.date.hint', required: true },
  { id: 'costs.description', type: 'text', label: 'aid.field.costDescription', required: true, maxLength: 200 },
  { id: 'costs.amount', ...amount, label: 'aid.field.amount', unit: 'aid.unit.dollars', required: true },
  {
    id: 'financing.source',
    type: 'choice',
    label: 'aid.field.source',
    required: true,
    choices: financingSources.map((value) => ({ value, label: `aid.source.${value}` as const })),
  },
  { id: 'financing.amount', ...amount, label: 'aid.field.amount', unit: 'aid.unit.dollars', required: true },
];

/** The repeated groups: each row of the table is the engine's row index of both fields. */
export const tables = {
  costs: { first: 'costs.description', amount: 'costs.amount' },
  financing: { first: 'financing.source', amount: 'financing.amount' },
} as const;
export type TableId = keyof typeof tables;

/** "1234.5" → 123450 cents; amounts are checked decimals with at most two places. */
export function cents(value: string): number {
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

/** The sum of a table's amounts, in cents, from the request's values (keys `field#row`). */
export function tableTotal(values: ReadonlyMap<string, { readonly value: string }>, table: TableId): number {
  const prefix = `${tables[table].amount}#`;
  let total = 0;
  for (const [key, stored] of values) if (key.startsWith(prefix) && stored.value !== '') total += cents(stored.value);
  return total;
}

/** The program's checks beyond required fields, in the order the verification step shows them. */
export type AidCheck = { key: 'financingEqualsCosts' | 'datesInOrder'; ok: boolean };

export function aidChecks(values: ReadonlyMap<string, { readonly value: string }>): AidCheck[] {
  const costs = tableTotal(values, 'costs');
  const start = values.get('project.startDate#0')?.value ?? '';
  const end = values.get('project.endDate#0')?.value ?? '';
  return [
    { key: 'financingEqualsCosts', ok: costs > 0 && costs === tableTotal(values, 'financing') },
    { key: 'datesInOrder', ok: start === '' || end === '' || end >= start },
  ];
}

function receivable(values: ReadonlyMap<string, { readonly value: string }>): MessageKey | null {
  const failed = aidChecks(values).find((check) => !check.ok);
  return failed ? `aid.check.${failed.key}.refused` : null;
}

/** The organization a request is made for (its aid row), or null for a request of no organization. */
export async function organizationOfRequest(db: Db, requestId: string): Promise<string | null> {
  const [row] = await db.select({ organizationId: aidRequest.organizationId }).from(aidRequest).where(eq(aidRequest.requestId, requestId));
  return row?.organizationId ?? null;
}

/** The person holds one of these profiles, effective today, on the organization of the request. */
function onRequest(...wanted: Profile[]): Rule<RequestResource> {
  const held = holdsProfile(...wanted);
  return async (actor, resource, db) => {
    const organizationId = await organizationOfRequest(db, resource.id);
    return organizationId !== null && held(actor, { program: AID_PROGRAM_ID, organizationId }, db);
  };
}

/** Creating a request for the organization an enterprise represents: a Rédaction profile on it. */
export const writerOfEnterprise: Rule<{ enterpriseId: string }> = async (actor, resource, db) => {
  const organization = await organizationOfEnterprise(db, resource.enterpriseId);
  return organization !== null && holdsProfile(...writeProfiles)(actor, { program: AID_PROGRAM_ID, organizationId: organization.id }, db);
};

/**
 * Signing and transmitting: the organization's Requérant – Rédaction; a Mandataire – Rédaction too
 * only while the registry's program lets mandataries transmit (read at each check).
 */
const transmitter: Rule<RequestResource> = async (actor, resource, db) => {
  const program = await registryProgramByCode(db, AID_PROGRAM_ID);
  const wanted: Profile[] = program?.mandatariesMayTransmit ? ['requester_write', 'mandatary_write'] : ['requester_write'];
  return onRequest(...wanted)(actor, resource, db);
};

const mamhAgent = agentWithRole('mamh');

/**
 * The enterprise side's mails (comments, decisions) go to the organization's people holding a
 * Rédaction profile today: a mandatary whose mandate ended is no longer told about the file.
 */
async function writers(tx: Db, requestId: string): Promise<string[]> {
  const organizationId = await organizationOfRequest(tx, requestId);
  if (!organizationId) return [];
  return effectiveHolders(tx, AID_PROGRAM_ID, organizationId, writeProfiles);
}

export const aidProgram: ProgramDefinition = {
  id: AID_PROGRAM_ID,
  revision: 1,
  eservice: 'aid',
  steps: [
    { id: 'organisation', title: 'aid.step.organisation', subtitle: 'aid.step.organisation.subtitle', fields: [] },
    { id: 'projet', title: 'aid.step.projet', subtitle: 'aid.step.projet.subtitle', fields: ['project.title', 'project.description', 'project.address', 'project.startDate', 'project.endDate'] },
    { id: 'couts', title: 'aid.step.couts', subtitle: 'aid.step.couts.subtitle', fields: ['costs.description', 'costs.amount'] },
    { id: 'financement', title: 'aid.step.financement', subtitle: 'aid.step.financement.subtitle', fields: ['financing.source', 'financing.amount'] },
    { id: 'documents', title: 'aid.step.documents', subtitle: 'aid.step.documents.subtitle', fields: [] },
    { id: 'verification', title: 'aid.step.verification', subtitle: 'aid.step.verification.subtitle', fields: [] },
  ],
  fields,
  documentTypes: [
    { id: 'council_resolution', label: 'aid.document.council_resolution', required: true },
    { id: 'cost_estimate', label: 'aid.document.cost_estimate', required: true },
    { id: 'other', label: 'aid.document.other', required: false },
  ],
  maxDocumentBytes: 10 * 1024 * 1024,
  signatureRequired: true,
  access: {
    create: [writerOfEnterprise],
    read: [onRequest('requester_write', 'requester_read', 'mandatary_write', 'mandatary_read'), mamhAgent],
    edit: [onRequest(...writeProfiles)],
    sign: [transmitter],
    review: [mamhAgent],
  },
  receivable,
  enterpriseRecipients: writers,
  name: 'aid.program.name',
  paths: {
    enterprise: (id) => `/aide/${AID_PROGRAM_ID}/demandes/${id}`,
    agent: (id) => `/agent/aide/demandes/${id}`,
  },
};

registerProgram(aidProgram);
