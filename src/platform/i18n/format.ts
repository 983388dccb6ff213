import type { Lang } from './index.js';

/** Dates and times as read in Quebec, in the reader's language. */
export function formatDateTime(lang: Lang, date: Date): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'America/Toronto',
  }).format(date);
}
