import { QUEBEC_TIME_ZONE } from '../time/index.js';
import type { Lang } from './index.js';

// The request engine's files read Quebec's zone and days from here; platform/time is their home.
export { QUEBEC_TIME_ZONE, todayInQuebec as formatIsoDay } from '../time/index.js';

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
