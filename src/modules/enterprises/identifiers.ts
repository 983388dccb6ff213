/**
 * Formats of the identifiers the enrolment asks for. Revenu Québec does not publish the check
 * digits of its numbers, so RQ ID and NEQ are checked as 10 digits and against the registry; the
 * social insurance number carries the public Luhn check.
 */
export function normalizeIdentifier(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

export const isTenDigits = (value: string): boolean => /^\d{10}$/.test(value);

export function isValidSin(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let digit = Number(value[i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export const isImpotnetCode = (value: string): boolean => /^[A-Z0-9]{6,12}$/.test(value);
export const isAssessmentNumber = (value: string): boolean => /^[A-Z0-9]{6,15}$/.test(value);

/** Letters and digits a person cannot confuse when reading a letter (no O/0, I/1). */
export const INVITATION_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const isInvitationNumber = (value: string): boolean => /^[A-Z0-9]{8}$/.test(value);
