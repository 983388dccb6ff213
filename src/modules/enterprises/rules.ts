/**
 * Seed 000, as data: who may enrol each legal type, which identifiers each type asks for, when an
 * enrolment is activated at once, and which documents a deferred one waits for.
 */
export const legalTypes = ['sole_proprietor', 'corporation', 'nonprofit', 'partnership'] as const;
export type LegalType = (typeof legalTypes)[number];

export const officerFunctions = ['president', 'vice_president', 'secretary', 'treasurer', 'sole_administrator', 'partner', 'administrator'] as const;
export type OfficerFunction = (typeof officerFunctions)[number];

/** The officers who may ask for an invitation number and enrol a corporation at once. */
export const corporationOfficerFunctions = ['president', 'vice_president', 'secretary', 'treasurer', 'sole_administrator'] as const satisfies readonly OfficerFunction[];
export type CorporationOfficerFunction = (typeof corporationOfficerFunctions)[number];

export type EnrollerRole =
  | 'proprietor'
  | 'named_by_proprietor'
  | 'officer'
  | 'employee'
  | 'professional'
  | 'designated_by_resolution'
  | 'partner'
  | 'administrator'
  | 'named_by_partnership';

export const rolesByLegalType: Record<LegalType, readonly EnrollerRole[]> = {
  sole_proprietor: ['proprietor', 'named_by_proprietor'],
  corporation: ['officer', 'employee', 'professional', 'designated_by_resolution'],
  nonprofit: ['designated_by_resolution'],
  partnership: ['partner', 'administrator', 'named_by_partnership'],
};

export type SecretIdentifier = 'sin' | 'impotnetCode' | 'assessmentNumber' | 'invitationNumber';

/** Besides the Revenu Québec identification number, which every type gives. */
export const identifiersByLegalType: Record<LegalType, readonly SecretIdentifier[]> = {
  sole_proprietor: ['sin', 'impotnetCode', 'assessmentNumber'],
  corporation: ['assessmentNumber', 'invitationNumber'],
  nonprofit: [],
  partnership: [],
};

export type DocumentRequirement = 'signed_forms' | 'mandate' | 'board_resolution' | 'proof_of_authority';

export type Outcome = { activation: 'immediate' } | { activation: 'deferred'; documents: DocumentRequirement[] };

export type OutcomeInput = {
  legalType: LegalType;
  role: EnrollerRole;
  /** For a corporation's officer: the registry lists this person with the function claimed. */
  recognisedOfficer: boolean;
  /** The type's identifiers that were given; every given one has been checked and matches. */
  identifiersGiven: readonly SecretIdentifier[];
};

function gaveAll(input: OutcomeInput): boolean {
  return identifiersByLegalType[input.legalType].every((id) => input.identifiersGiven.includes(id));
}

export function decideOutcome(input: OutcomeInput): Outcome {
  switch (input.legalType) {
    case 'sole_proprietor':
      if (input.role === 'proprietor') return gaveAll(input) ? { activation: 'immediate' } : { activation: 'deferred', documents: ['signed_forms'] };
      return { activation: 'deferred', documents: ['signed_forms', 'mandate'] };
    case 'corporation':
      if (input.role === 'officer' && input.recognisedOfficer) {
        // An officer the register knows sends no supporting document (seed 000, "Devez-vous fournir des documents?").
        return gaveAll(input) ? { activation: 'immediate' } : { activation: 'deferred', documents: ['signed_forms'] };
      }
      if (input.role === 'designated_by_resolution') return { activation: 'deferred', documents: ['signed_forms', 'board_resolution'] };
      return { activation: 'deferred', documents: ['signed_forms', 'proof_of_authority'] };
    case 'nonprofit':
      return { activation: 'deferred', documents: ['signed_forms', 'board_resolution'] };
    case 'partnership':
      if (input.role === 'named_by_partnership') return { activation: 'deferred', documents: ['signed_forms', 'proof_of_authority'] };
      return { activation: 'deferred', documents: ['signed_forms'] };
  }
}

/** The invitation-number conditions of seed 000, in the order a person would fix them. */
export const invitationConditions = ['returnFiled', 'mailingAddressOk', 'fileInGoodStanding', 'officersUpToDate', 'noActiveEnrolment'] as const;
export type InvitationCondition = (typeof invitationConditions)[number];

export const INVITATION_VALID_DAYS = 90;
