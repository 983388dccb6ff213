import type { FieldDefinition } from '../../requests/index.js';
import { defineAidProgram } from '../definition.js';

/**
 * The Programme d'infrastructures municipales pour l'eau (PRIMEAU): a municipality's drinking-water
 * works (the structure, the population it serves, the schedule), their costs and their financing,
 * and the engineering study behind them. Only data: the pages, services and rules are the aid
 * module's, its access the registry's profiles for the code `primeau`.
 */
const kinds = ['intake', 'treatment', 'storage', 'distribution'] as const;
const sources = ['requested', 'municipal', 'federal', 'other'] as const;
const amount = { type: 'decimal', min: 0, max: 1_000_000_000, step: 2, unit: 'aid.unit.dollars' } as const;
const date = { type: 'date', help: 'aid.date.hint', required: true } as const;

const fields: readonly FieldDefinition[] = [
  { id: 'works.title', type: 'text', label: 'aid.primeau.field.title', required: true, maxLength: 200 },
  {
    id: 'works.kind',
    type: 'choice',
    label: 'aid.primeau.field.kind',
    required: true,
    choices: kinds.map((value) => ({ value, label: `aid.primeau.kind.${value}` as const })),
  },
  { id: 'works.population', type: 'integer', label: 'aid.primeau.field.population', help: 'aid.primeau.field.population.help', unit: 'aid.primeau.unit.people', required: true, min: 1, max: 2_000_000 },
  { id: 'works.description', type: 'textarea', label: 'aid.primeau.field.description', help: 'aid.primeau.field.description.help', required: true, maxLength: 4000 },
  { id: 'works.startDate', ...date, label: 'aid.primeau.field.startDate' },
  { id: 'works.endDate', ...date, label: 'aid.primeau.field.endDate' },
  { id: 'items.description', type: 'text', label: 'aid.primeau.field.item', required: true, maxLength: 200 },
  { id: 'items.amount', ...amount, label: 'aid.field.amount', required: true },
  {
    id: 'funding.source',
    type: 'choice',
    label: 'aid.field.source',
    required: true,
    choices: sources.map((value) => ({ value, label: `aid.primeau.source.${value}` as const })),
  },
  { id: 'funding.amount', ...amount, label: 'aid.field.amount', required: true },
];

export const primeauProgram = defineAidProgram({
  code: 'primeau',
  directorate: '91',
  title: 'aid.primeau.title',
  name: 'aid.primeau.name',
  titleField: 'works.title',
  steps: [
    { id: 'organisation', kind: 'organisation', title: 'aid.step.organisation', subtitle: 'aid.step.organisation.subtitle', fields: [] },
    { id: 'ouvrage', kind: 'fields', title: 'aid.primeau.step.ouvrage', subtitle: 'aid.primeau.step.ouvrage.subtitle', fields: ['works.title', 'works.kind', 'works.population', 'works.description', 'works.startDate', 'works.endDate'] },
    { id: 'travaux', kind: 'table', table: 'items', title: 'aid.primeau.step.travaux', subtitle: 'aid.primeau.step.travaux.subtitle', fields: ['items.description', 'items.amount'] },
    { id: 'financement', kind: 'table', table: 'funding', title: 'aid.step.financement', subtitle: 'aid.step.financement.subtitle', fields: ['funding.source', 'funding.amount'] },
    { id: 'documents', kind: 'documents', title: 'aid.step.documents', subtitle: 'aid.step.documents.subtitle', fields: [] },
    { id: 'verification', kind: 'verification', title: 'aid.step.verification', subtitle: 'aid.step.verification.subtitle', fields: [] },
  ],
  fields,
  tables: [
    { id: 'items', columns: ['items.description', 'items.amount'], caption: 'aid.primeau.items.caption', intro: 'aid.primeau.items.intro' },
    { id: 'funding', columns: ['funding.source', 'funding.amount'], caption: 'aid.financing.caption', intro: 'aid.primeau.funding.intro' },
  ],
  documentTypes: [
    { id: 'council_resolution', label: 'aid.document.council_resolution', required: true },
    { id: 'engineering_study', label: 'aid.primeau.document.engineering_study', required: true },
    { id: 'water_analysis', label: 'aid.primeau.document.water_analysis', required: false },
  ],
  checks: [
    { id: 'fundingEqualsCosts', label: 'aid.primeau.check.fundingEqualsCosts', refused: 'aid.primeau.check.fundingEqualsCosts.refused', step: 'financement', rule: { kind: 'totalsEqual', tables: ['items', 'funding'] } },
    {
      id: 'datesInOrder',
      label: 'aid.check.datesInOrder',
      refused: 'aid.check.datesInOrder.refused',
      step: 'ouvrage',
      rule: { kind: 'notBefore', field: 'works.endDate', reference: 'works.startDate', fieldError: 'aid.field.endDate.beforeStart' },
    },
  ],
  maxDocumentBytes: 20 * 1024 * 1024,
});
