import type { Lang } from './index.js';

/** Quebec's civil time (Eastern): every date and time a person reads, and the day a rule counts, is in it. */
export const QUEBEC_TIME_ZONE = 'America/Toronto';

// One formatter per language, made once: building an Intl.DateTimeFormat costs far more than
// formatting with it, and a page of the agents' queue formats 50 dates.
const dateTimeFormats: Record<Lang, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-CA', { dateStyle: 'long', timeStyle: 'short', timeZone: QUEBEC_TIME_ZONE }),
  en: new Intl.DateTimeFormat('en-CA', { dateStyle: 'long', timeStyle: 'short', timeZone: QUEBEC_TIME_ZONE }),
};

/** Dates and times as read in Quebec, in the reader's language. */
export function formatDateTime(lang: Lang, date: Date): string {
  return dateTimeFormats[lang].format(date);
}

const longDateFormats: Record<Lang, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-CA', { dateStyle: 'long', timeZone: QUEBEC_TIME_ZONE }),
  en: new Intl.DateTimeFormat('en-CA', { dateStyle: 'long', timeZone: QUEBEC_TIME_ZONE }),
};

/** « 22 juillet 2021 »: a day as read in Quebec, in the reader's language. */
export function formatLongDate(lang: Lang, date: Date): string {
  return longDateFormats[lang].format(date);
}

const isoDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: QUEBEC_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** « 2021-07-29 »: the day in Quebec of an instant, as lists write it. */
export function formatIsoDay(date: Date): string {
  return isoDayFormat.format(date);
}
