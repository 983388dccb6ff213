import type { ComponentChildren } from 'preact';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatIsoDay, formatLongDate, QUEBEC_TIME_ZONE } from '../../../platform/i18n/format.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import type { RequestList } from '../lists.js';

export type MenuEntry = 'enfants' | RequestList | 'creer';

const menu: { entry: MenuEntry; href: string; label: MessageKey }[] = [
  { entry: 'enfants', href: '/entreprise/mes/enfants', label: 'mes.menu.children' },
  { entry: 'en-cours', href: '/entreprise/mes/listes/en-cours', label: 'mes.menu.inProgress' },
  { entry: 'brouillons', href: '/entreprise/mes/listes/brouillons', label: 'mes.menu.drafts' },
  { entry: 'conformes', href: '/entreprise/mes/listes/conformes', label: 'mes.menu.compliant' },
  { entry: 'terminees', href: '/entreprise/mes/listes/terminees', label: 'mes.menu.closed' },
  { entry: 'creer', href: '/entreprise/mes/creer', label: 'mes.menu.create' },
];

/** The page's own stylesheet and the autosave script: files, as the CSP allows no inline code. */
export function MesAssets() {
  return (
    <>
      <link rel="stylesheet" href="/static/mes.css" />
      <script src="/static/mes-autosave.js" defer />
    </>
  );
}

/**
 * Every MES page of the enterprise: the seed's menu (Liste des enfants … Créer une demande) beside
 * the content, and the « Service de garde : … » line under the title.
 */
export function MesFrame({ v, current, serviceLine, canCreate, children }: { v: ViewContext; current: MenuEntry | null; serviceLine: string; canCreate: boolean; children: ComponentChildren }) {
  return (
    <div class="mes-frame">
      <MesAssets />
      <nav class="mes-menu" aria-label={v.t('mes.menu.label')}>
        <ul>
          {menu
            .filter((m) => m.entry !== 'creer' || canCreate)
            .map((m) => (
              <li key={m.entry}>
                <a href={m.href} aria-current={m.entry === current ? 'page' : undefined}>
                  {v.t(m.label)}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <div class="mes-content">
        <p class="mes-service-line">
          <strong>{v.t('mes.serviceLine')}</strong> {serviceLine || v.t('mes.serviceLine.none')}
        </p>
        {children}
      </div>
    </div>
  );
}

/** Dates as the seed's lists write them: 2021-07-29, in Quebec time. */
export function isoDay(date: Date | null): string {
  return date ? formatIsoDay(date) : '';
}

/** « 22 juillet 2021 », as the seed's detail page writes a date. */
export function longDay(v: ViewContext, date: Date | string | null): string {
  if (!date) return '';
  const value = typeof date === 'string' ? new Date(`${date}T12:00:00Z`) : date;
  return formatLongDate(v.lang, value);
}

const clock = new Intl.DateTimeFormat('en-CA', { timeZone: QUEBEC_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** « 14:05 » in Quebec time, as the autosave status shows it. */
export function hourMinute(date: Date): string {
  const parts = clock.formatToParts(date);
  const part = (type: 'hour' | 'minute') => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('hour')}:${part('minute')}`;
}
