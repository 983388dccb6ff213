/**
 * Dates of the childcare records: ISO calendar dates (`YYYY-MM-DD`) in Quebec time, and the
 * ministry's reference year (April 1 to March 31, named by the year it starts).
 */

// The request engine's files read these from here; platform/time is their home.
export { isIsoDate, todayInQuebec } from '../../platform/time/index.js';

/** The reference year of a date (`YYYY-MM-DD`): 2021 runs from 2021-04-01 to 2022-03-31. */
export function referenceYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= '04-01' ? year : year - 1;
}

/** First and last day of a reference year. */
export function referenceYearPeriod(referenceYear: number): { start: string; end: string } {
  return { start: `${referenceYear}-04-01`, end: `${referenceYear + 1}-03-31` };
}

/**
 * Monday-to-Friday days of a reference year: 260 to 262 (262 when the year holds 53 of one
 * weekday, e.g. 2019 and 2027). Public holidays are not taken off: the seed's example plans 262
 * days, the most a year can have.
 */
export function workingDaysOf(referenceYear: number): number {
  let count = 0;
  const day = new Date(Date.UTC(referenceYear, 3, 1));
  const end = Date.UTC(referenceYear + 1, 2, 31);
  while (day.getTime() <= end) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return count;
}
