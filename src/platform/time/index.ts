/**
 * Quebec's civil time (Eastern): every date and time a person reads, and the day a rule counts, is
 * in it. Calendar days are ISO dates (`YYYY-MM-DD`); a day changes at midnight in Quebec, not at
 * midnight UTC.
 */
export const QUEBEC_TIME_ZONE = 'America/Toronto';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written `YYYY-MM-DD` (2025-02-29 is not one). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// Made once: building an Intl.DateTimeFormat costs far more than formatting with it.
const quebecDate = new Intl.DateTimeFormat('en-CA', { timeZone: QUEBEC_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Quebec at this instant (now by default), `YYYY-MM-DD`. */
export function todayInQuebec(now: Date = new Date()): string {
  return quebecDate.format(now);
}

/** The calendar year in Quebec at this instant. */
export function quebecYear(at: Date): number {
  return Number(todayInQuebec(at).slice(0, 4));
}

/**
 * Midnight starting a calendar day (plus `addDays`) in Quebec, as the dates on the pages are read:
 * UTC-4 in summer, UTC-5 in winter. Clocks change at 2 a.m., so the offset in force at the UTC
 * midnight of that day is the one in force at its local midnight.
 */
export function quebecMidnight(day: string, addDays = 0): Date {
  const utc = new Date(`${day}T00:00:00Z`);
  utc.setUTCDate(utc.getUTCDate() + addDays);
  const zone = new Intl.DateTimeFormat('en-CA', { timeZone: QUEBEC_TIME_ZONE, timeZoneName: 'longOffset' })
    .formatToParts(utc)
    .find((part) => part.type === 'timeZoneName')?.value;
  const offset = zone?.replace('GMT', '') || '+00:00';
  return new Date(`${utc.toISOString().slice(0, 10)}T00:00:00${offset}`);
}

const quebecTimestamp = new Intl.DateTimeFormat('sv-SE', { timeZone: QUEBEC_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** « 2021-07-29 14:05:09 »: an instant in Quebec time, as exported files write it. */
export function formatQuebecTimestamp(at: Date): string {
  return quebecTimestamp.format(at);
}
