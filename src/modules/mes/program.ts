import { isSignedIn, type Rule } from '../../platform/authz.js';
import { heldRights } from '../access/service.js';
import { workingDaysOf } from '../childcare/service.js';
import { agentOfDirectorate } from '../identity/agents.js';
import type { Condition, FieldDefinition, ProgramDefinition, RequestFacts, Requirement } from '../requests/program.js';
import { registerProgram } from '../requests/service.js';

/**
 * The MES program (seed 001) as a definition on the request engine: five steps, the fields the
 * provider enters on « Demande de soutien », the four document types, the director's signature,
 * and who may do what. The child's and parents' identity and the service's data are not fields:
 * they are read from the childcare records and shown read-only.
 */

export const MES_PROGRAM_ID = 'mes';

/**
 * The first reference year (April–March, named by its starting year) of the e-service: during it
 * any request type may be chosen, since the ministry's funding history is not yet in the system
 * (seed: « La première année, le système permettra … de créer n'importe quel type de demande »).
 */
export const MES_FIRST_REFERENCE_YEAR = 2025;

/** The program's maximum of support per day: a childcare day (10 hours). */
export const MES_MAX_HOURS_PER_DAY = 10;

export const mesRequestTypes = ['new', 'renewal_unchanged', 'renewal_changed', 'transfer'] as const;
export type MesRequestType = (typeof mesRequestTypes)[number];

export function isMesRequestType(value: unknown): value is MesRequestType {
  return typeof value === 'string' && (mesRequestTypes as readonly string[]).includes(value);
}

/** The facts the program's rules depend on, as the engine carries them. */
export type MesFacts = { type: MesRequestType; serviceKind: string; referenceYear: number };

/**
 * The request's facts as the definition's conditions read them; `plannedDaysMax` is the maximum
 * of « Fréquentation prévue »: the working days of the reference year.
 */
export function mesFacts(facts: MesFacts): RequestFacts {
  return {
    attributes: {
      type: facts.type,
      serviceKind: facts.serviceKind,
      referenceYear: String(facts.referenceYear),
      plannedDaysMax: String(workingDaysOf(facts.referenceYear)),
    },
  };
}

const isCoordinatingOffice: Condition = { attribute: 'serviceKind', in: ['coordinating_office'] };
/** The health professional signs and is named, except for a renewal without change (seed). */
const needsProfessional: Requirement = { when: { attribute: 'type', notIn: ['renewal_unchanged'] } };

const fields: readonly FieldDefinition[] = [
  { id: 'support.hoursPerDay', type: 'decimal', label: 'mes.field.hoursPerDay', help: 'mes.field.hoursPerDay.help', unit: 'mes.unit.hoursPerDay', required: true, min: 0.1, max: MES_MAX_HOURS_PER_DAY, step: 1 },
  { id: 'support.daysPerWeek', type: 'integer', label: 'mes.field.daysPerWeek', help: 'mes.field.daysPerWeek.help', unit: 'mes.unit.daysPerWeek', required: true, min: 1, max: 7 },
  { id: 'support.plannedDays', type: 'integer', label: 'mes.field.plannedDays', help: 'mes.field.plannedDays.help', unit: 'mes.unit.days', required: true, min: 1, max: { attribute: 'plannedDaysMax' } },
  { id: 'support.startDate', type: 'date', label: 'mes.field.startDate', help: 'mes.field.startDate.help', required: true },
  { id: 'needs.description', type: 'textarea', label: 'mes.field.needs', help: 'mes.field.needs.help', required: true, maxLength: 4000 },
  { id: 'support.description', type: 'textarea', label: 'mes.field.measures', help: 'mes.field.measures.help', required: true, maxLength: 4000 },
  { id: 'professional.name', type: 'text', label: 'mes.field.professionalName', required: needsProfessional, maxLength: 200 },
  { id: 'professional.title', type: 'text', label: 'mes.field.professionalTitle', help: 'mes.field.professionalTitle.help', required: needsProfessional, maxLength: 200 },
  { id: 'homeProvider.name', type: 'text', label: 'mes.field.homeProvider', help: 'mes.field.homeProvider.help', required: true, maxLength: 200, shownWhen: isCoordinatingOffice },
  { id: 'contact.name', type: 'text', label: 'mes.field.contactName', required: true, maxLength: 200 },
  { id: 'contact.phone', type: 'phone', label: 'mes.field.contactPhone', help: 'mes.field.contactPhone.help', required: true, maxLength: 30 },
];

/** The people and rights of the enterprise side: an active member of the enterprise holding one of these MES rights. */
export function memberWithMesRight(...rights: ('consult' | 'enter' | 'sign')[]): Rule<{ enterpriseId: string }> {
  return async (actor, resource, db) => {
    if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
    const held = await heldRights(db, actor.accountId, resource.enterpriseId, 'mes');
    return rights.some((right) => held.includes(right));
  };
}

const familleAgent = agentOfDirectorate('famille');

export const mesProgram: ProgramDefinition = {
  id: MES_PROGRAM_ID,
  revision: 1,
  eservice: 'mes',
  steps: [
    { id: 'identity', title: 'mes.step.identity', subtitle: 'mes.step.identity.subtitle', fields: [] },
    { id: 'type', title: 'mes.step.type', subtitle: 'mes.step.type.subtitle', fields: [] },
    { id: 'support', title: 'mes.step.support', subtitle: 'mes.step.support.subtitle', fields: fields.map((f) => f.id) },
    { id: 'documents', title: 'mes.step.documents', subtitle: 'mes.step.documents.subtitle', fields: [] },
    { id: 'verification', title: 'mes.step.verification', subtitle: 'mes.step.verification.subtitle', fields: [] },
  ],
  fields,
  documentTypes: [
    { id: 'integration_plan', label: 'mes.document.integration_plan', required: true },
    { id: 'individual_service_plan', label: 'mes.document.individual_service_plan', required: false },
    { id: 'health_professional_report', label: 'mes.document.health_professional_report', required: false },
    { id: 'signatures', label: 'mes.document.signatures', required: true },
  ],
  maxDocumentBytes: 4 * 1024 * 1024,
  signatureRequired: true,
  access: {
    create: [memberWithMesRight('enter', 'sign')],
    read: [memberWithMesRight('consult', 'enter', 'sign'), familleAgent],
    edit: [memberWithMesRight('enter', 'sign')],
    sign: [memberWithMesRight('sign')],
    review: [familleAgent],
  },
  name: 'mes.program.name',
  paths: {
    enterprise: (id) => `/entreprise/mes/demandes/${id}`,
    agent: (id) => `/agent/mes/demandes/${id}`,
  },
};

registerProgram(mesProgram);
