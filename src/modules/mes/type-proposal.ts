import { MES_FIRST_REFERENCE_YEAR, mesRequestTypes, type MesRequestType } from './program.js';

/** One year of MES funding the ministry granted the child at a site. */
export type FundingRecord = { installationId: string; referenceYear: number };

/** Why a type fits the child's history at the chosen site (catalogue key `mes.type.reason.<reason>`). */
export type TypeReason = 'neverHere' | 'previousYearHere' | 'recentHere' | 'recentElsewhere' | 'lapsed' | 'firstYear';

export type TypeOption = { type: MesRequestType; fits: boolean; reason: TypeReason | null };

export type TypeProposal = {
  /** The types that may be chosen, the best first. */
  options: TypeOption[];
  /** The first reference year of the e-service: every type may be chosen. */
  firstYear: boolean;
};

/**
 * The request types that fit a child's MES history at the chosen site (seed 001, « Type de la
 * demande »):
 * - Nouvelle: never funded at this site;
 * - Renouvellement sans changement: funded at this site during the previous reference year;
 * - Renouvellement avec changement: funded at this site during the current or previous year;
 * - Transfert: funded at another site during the current or previous year.
 * The best fit comes first: continuing at the same site, then a transfer, then a new request.
 * A child funded here long ago and nowhere since fits none of them: the funding lapsed, and a new
 * request is what the ministry needs then. During the first reference year of the e-service the
 * history is not yet complete, so every type may be chosen, the fitting ones first.
 */
export function proposeTypes(history: readonly FundingRecord[], installationId: string, currentYear: number): TypeProposal {
  const recent = (r: FundingRecord) => r.referenceYear === currentYear || r.referenceYear === currentYear - 1;
  const here = history.filter((r) => r.installationId === installationId);
  const reasons: Record<MesRequestType, TypeReason | null> = {
    renewal_unchanged: here.some((r) => r.referenceYear === currentYear - 1) ? 'previousYearHere' : null,
    renewal_changed: here.some(recent) ? 'recentHere' : null,
    transfer: history.some((r) => r.installationId !== installationId && recent(r)) ? 'recentElsewhere' : null,
    new: here.length === 0 ? 'neverHere' : null,
  };
  const order: MesRequestType[] = ['renewal_unchanged', 'renewal_changed', 'transfer', 'new'];
  const fitting = order.filter((type) => reasons[type] !== null).map((type) => ({ type, fits: true, reason: reasons[type] }));
  const firstYear = currentYear <= MES_FIRST_REFERENCE_YEAR;
  if (firstYear) {
    const others = mesRequestTypes.filter((type) => reasons[type] === null).map((type) => ({ type, fits: false, reason: 'firstYear' as const }));
    return { options: [...fitting, ...others], firstYear };
  }
  if (fitting.length === 0) return { options: [{ type: 'new', fits: true, reason: 'lapsed' }], firstYear };
  return { options: fitting, firstYear };
}

export function isTypeAllowed(proposal: TypeProposal, type: MesRequestType): boolean {
  return proposal.options.some((option) => option.type === type);
}
