import { eq } from 'drizzle-orm';
import type { Rule } from '../../platform/authz.js';
import type { Db } from '../../platform/db/index.js';
import type { MessageKey } from '../../platform/i18n/index.js';
import { effectiveHolders, holdsProfile, organizationOfEnterprise, registryProgramByCode, writeProfiles, type Profile } from '../access/index.js';
import { agentWithRole } from '../identity/index.js';
import type { DocumentTypeDefinition, FieldDefinition, ProgramDefinition, RequestResource, StepDefinition } from '../requests/index.js';
import { registerProgram } from '../requests/index.js';
import { aidRequest } from './schema.js';

/**
 * A financial-aid program of the access registry (seed 004: « les divers programmes d'aide
 * financière gérés par la DGI ») is data: `defineAidProgram` turns its steps, fields, tables,
 * documents and checks into a definition on the request engine, with the registry's rules of
 * access for its code. The pages, the services and the rules of this module serve every program
 * defined this way (README); a new program is a definition, its messages and its demo data.
 */

/** A table of rows (costs, financing): each row is the engine's row index of its columns. */
export type AidTable = {
  readonly id: string;
  /** The columns, in order; the last one is the amount, summed under the table. */
  readonly columns: readonly [string, string];
  readonly caption: MessageKey;
  readonly intro: MessageKey;
};

/**
 * A rule across values that the field types cannot say, evaluated on the request's values; `step`
 * is where a person fixes it (the verification step links there).
 */
export type AidCheckDefinition = {
  readonly id: string;
  readonly label: MessageKey;
  /** Why `transmit` refuses the request while the check fails. */
  readonly refused: MessageKey;
  readonly step: string;
  readonly rule:
    | { readonly kind: 'totalsEqual'; readonly tables: readonly [string, string] }
    /** `field` is empty, or not before `reference` (dates `YYYY-MM-DD` compare as text); also a field error on save. */
    | { readonly kind: 'notBefore'; readonly field: string; readonly reference: string; readonly fieldError: MessageKey };
};

/** A step of an aid program: the organization, fields, a table, documents or verification. */
export type AidStep = StepDefinition & { readonly kind: 'organisation' | 'fields' | 'table' | 'documents' | 'verification'; readonly table?: string };

export type AidProgramSpec = {
  /** The registry's program code (`registry_program.code`): also `request.program` and the URL's segment. */
  readonly code: string;
  /** The ministry directorate that numbers the requests (`YYYY-RR-NNN`) and receives them. */
  readonly directorate: string;
  /** The program's full name (page titles) and its name in mails. */
  readonly title: MessageKey;
  readonly name: MessageKey;
  /** The field that names a request in lists and queues (the project's title). */
  readonly titleField: string;
  readonly steps: readonly AidStep[];
  readonly fields: readonly FieldDefinition[];
  readonly tables: readonly AidTable[];
  readonly documentTypes: readonly DocumentTypeDefinition[];
  readonly checks: readonly AidCheckDefinition[];
  readonly maxDocumentBytes: number;
};

export type AidProgram = ProgramDefinition & { readonly aid: AidProgramSpec };

/** "1234.5" → 123450 cents; amounts are checked decimals with at most two places. */
export function cents(value: string): number {
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

export function tableById(program: AidProgram, id: string): AidTable | undefined {
  return program.aid.tables.find((table) => table.id === id);
}

/** The table a field is a column of, if any: its values are posted and shown by row. */
export function tableOfField(program: AidProgram, fieldId: string): AidTable | undefined {
  return program.aid.tables.find((table) => table.columns.includes(fieldId));
}

type Values = ReadonlyMap<string, { readonly value: string }>;

/** The sum of a table's amounts, in cents, from the request's values (keys `field#row`). */
export function tableTotal(program: AidProgram, values: Values, tableId: string): number {
  const table = tableById(program, tableId);
  if (!table) return 0;
  const prefix = `${table.columns[1]}#`;
  let total = 0;
  for (const [key, stored] of values) if (key.startsWith(prefix) && stored.value !== '') total += cents(stored.value);
  return total;
}

/** The rows of a table in use (a value in one of its columns), in row order. */
export function tableRows(table: AidTable, values: Values): number[] {
  const rows = new Set<number>();
  for (const [key, stored] of values) {
    const [fieldId = '', row = '0'] = key.split('#');
    if (table.columns.includes(fieldId) && stored.value !== '') rows.add(Number(row));
  }
  return [...rows].sort((a, b) => a - b);
}

export type AidCheckResult = { check: AidCheckDefinition; ok: boolean };

export function evaluateChecks(program: AidProgram, values: Values): AidCheckResult[] {
  return program.aid.checks.map((check) => {
    const rule = check.rule;
    if (rule.kind === 'totalsEqual') {
      const first = tableTotal(program, values, rule.tables[0]);
      return { check, ok: first > 0 && first === tableTotal(program, values, rule.tables[1]) };
    }
    const value = values.get(`${rule.field}#0`)?.value ?? '';
    const reference = values.get(`${rule.reference}#0`)?.value ?? '';
    return { check, ok: value === '' || reference === '' || value >= reference };
  });
}

/** The organization a request is made for (its aid row), or null for a request of no organization. */
export async function organizationOfRequest(db: Db, requestId: string): Promise<string | null> {
  const [row] = await db.select({ organizationId: aidRequest.organizationId }).from(aidRequest).where(eq(aidRequest.requestId, requestId));
  return row?.organizationId ?? null;
}

const mamhAgent = agentWithRole('mamh');

/** Who may do what, read from the registry at every check (never cached): README, « Who may do what ». */
function registryAccess(code: string): ProgramDefinition['access'] {
  const onRequest = (...wanted: Profile[]): Rule<RequestResource> => {
    const held = holdsProfile(...wanted);
    return async (actor, resource, db) => {
      const organizationId = await organizationOfRequest(db, resource.id);
      return organizationId !== null && held(actor, { program: code, organizationId }, db);
    };
  };
  const writerOfEnterprise: Rule<{ enterpriseId: string }> = async (actor, resource, db) => {
    const organization = await organizationOfEnterprise(db, resource.enterpriseId);
    return organization !== null && holdsProfile(...writeProfiles)(actor, { program: code, organizationId: organization.id }, db);
  };
  // A Mandataire – Rédaction transmits only while the registry's program lets mandataries transmit.
  const transmitter: Rule<RequestResource> = async (actor, resource, db) => {
    const program = await registryProgramByCode(db, code);
    const wanted: Profile[] = program?.mandatariesMayTransmit ? ['requester_write', 'mandatary_write'] : ['requester_write'];
    return onRequest(...wanted)(actor, resource, db);
  };
  return {
    create: [writerOfEnterprise],
    read: [onRequest('requester_write', 'requester_read', 'mandatary_write', 'mandatary_read'), mamhAgent],
    edit: [onRequest(...writeProfiles)],
    sign: [transmitter],
    review: [mamhAgent],
  };
}

const programs = new Map<string, AidProgram>();

/** Builds the engine's definition of an aid program and registers it with the engine and here. */
export function defineAidProgram(spec: AidProgramSpec): AidProgram {
  const program: AidProgram = {
    id: spec.code,
    revision: 1,
    eservice: 'aid',
    steps: spec.steps,
    fields: spec.fields,
    documentTypes: spec.documentTypes,
    maxDocumentBytes: spec.maxDocumentBytes,
    signatureRequired: true,
    access: registryAccess(spec.code),
    receivable: (values) => evaluateChecks(program, values).find((result) => !result.ok)?.check.refused ?? null,
    // The enterprise side's mails go to the organization's people holding a Rédaction profile today.
    enterpriseRecipients: async (tx, requestId) => {
      const organizationId = await organizationOfRequest(tx, requestId);
      return organizationId ? effectiveHolders(tx, spec.code, organizationId, writeProfiles) : [];
    },
    name: spec.name,
    paths: {
      enterprise: (id) => `/aide/${spec.code}/demandes/${id}`,
      agent: (id) => `/agent/aide/demandes/${id}`,
    },
    aid: spec,
  };
  registerProgram(program);
  programs.set(spec.code, program);
  return program;
}

export function aidProgramByCode(code: string): AidProgram | undefined {
  return programs.get(code);
}

export function aidPrograms(): AidProgram[] {
  return [...programs.values()];
}
