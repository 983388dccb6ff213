import type { FieldDefinition } from '../../requests/index.js';
import { defineAidProgram } from '../definition.js';

/**
 * The Programme d'aide financière pour les bâtiments municipaux (PRABAM, seed 004): a project,
 * its costs and its financing in two tables whose totals must be equal, two required documents.
 */
export const financingSources = ['municipal', 'requested', 'other'] as const;

/** An amount in dollars: up to a billion, cents at most, never negative. */
const amount = { type: 'decimal', min: 0, max: 1_000_000_000, step: 2, unit: 'aid.unit.dollars' } as const;

const fields: readonly FieldDefinition[] = [
  { id: 'project.title', type: 'text', label: 'aid.field.title', required: true, maxLength: 200 },
  { id: 'project.description', type: 'textarea', label: 'aid.field.description', help: 'aid.field.description.help', required: true, maxLength: 4000 },
  { id: 'project.address', type: 'text', label: 'aid.field.address', help: 'aid.field.address.help', required: true, maxLength: 300 },
  { id: 'project.startDate', type: 'date', label: 'aid.field.startDate', help: 'aid.date.hint', required: true },
  { id: 'project.endDate', type: 'date', label: 'aid.field.endDate', help: 'aid.date.hint', required: true },
  { id: 'costs.description', type: 'text', label: 'aid.field.costDescription', required: true, maxLength: 200 },
  { id: 'costs.amount', ...amount, label: 'aid.field.amount', required: true },
  {
    id: 'financing.source',
    type: 'choice',
    label: 'aid.field.source',
    required: true,
    choices: financingSources.map((value) => ({ value, label: `aid.source.${value}` as const })),
  },
  { id: 'financing.amount', ...amount, label: 'aid.field.amount', required: true },
];

export const prabamProgram = defineAidProgram({
  code: 'prabam',
  // The Direction générale des infrastructures (migration 0013).
  directorate: '90',
  title: 'aid.title',
  name: 'aid.program.name',
  titleField: 'project.title',
  steps: [
    { id: 'organisation', kind: 'organisation', title: 'aid.step.organisation', subtitle: 'aid.step.organisation.subtitle', fields: [] },
    { id: 'projet', kind: 'fields', title: 'aid.step.projet', subtitle: 'aid.step.projet.subtitle', fields: ['project.title', 'project.description', 'project.address', 'project.startDate', 'project.endDate'] },
    { id: 'couts', kind: 'table', table: 'costs', title: 'aid.step.couts', subtitle: 'aid.step.couts.subtitle', fields: ['costs.description', 'costs.amount'] },
    { id: 'financement', kind: 'table', table: 'financing', title: 'aid.step.financement', subtitle: 'aid.step.financement.subtitle', fields: ['financing.source', 'financing.amount'] },
    { id: 'documents', kind: 'documents', title: 'aid.step.documents', subtitle: 'aid.step.documents.subtitle', fields: [] },
    { id: 'verification', kind: 'verification', title: 'aid.step.verification', subtitle: 'aid.step.verification.subtitle', fields: [] },
  ],
  fields,
  tables: [
    { id: 'costs', columns: ['costs.description', 'costs.amount'], caption: 'aid.costs.caption', intro: 'aid.costs.intro' },
    { id: 'financing', columns: ['financing.source', 'financing.amount'], caption: 'aid.financing.caption', intro: 'aid.financing.intro' },
  ],
  documentTypes: [
    { id: 'council_resolution', label: 'aid.document.council_resolution', required: true },
    { id: 'cost_estimate', label: 'aid.document.cost_estimate', required: true },
    { id: 'other', label: 'aid.document.other', required: false },
  ],
  checks: [
    { id: 'financingEqualsCosts', label: 'aid.check.financingEqualsCosts', refused: 'aid.check.financingEqualsCosts.refused', step: 'financement', rule: { kind: 'totalsEqual', tables: ['costs', 'financing'] } },
    {
      id: 'datesInOrder',
      label: 'aid.check.datesInOrder',
      refused: 'aid.check.datesInOrder.refused',
      step: 'projet',
      rule: { kind: 'notBefore', field: 'project.endDate', reference: 'project.startDate', fieldError: 'aid.field.endDate.beforeStart' },
    },
  ],
  maxDocumentBytes: 10 * 1024 * 1024,
});
