import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';

const sections: { label: MessageKey; description: MessageKey; href: string; create?: boolean }[] = [
  { label: 'mes.menu.children', description: 'mes.home.children', href: '/entreprise/mes/enfants' },
  { label: 'mes.menu.inProgress', description: 'mes.home.inProgress', href: '/entreprise/mes/listes/en-cours' },
  { label: 'mes.menu.drafts', description: 'mes.home.drafts', href: '/entreprise/mes/listes/brouillons' },
  { label: 'mes.menu.compliant', description: 'mes.home.compliant', href: '/entreprise/mes/listes/conformes' },
  { label: 'mes.menu.closed', description: 'mes.home.closed', href: '/entreprise/mes/listes/terminees' },
  { label: 'mes.menu.create', description: 'mes.home.create', href: '/entreprise/mes/creer', create: true },
];

/** The MES home: the seed's explanation of each section, each a link. */
export function MesHome({ v, canCreate }: { v: ViewContext; canCreate: boolean }) {
  return (
    <>
      <p>{v.t('mes.home.intro')}</p>
      <table class="data-table">
        <caption>{v.t('mes.home.sections')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('mes.home.section')}</th>
            <th scope="col">{v.t('mes.home.description')}</th>
          </tr>
        </thead>
        <tbody>
          {sections
            .filter((s) => !s.create || canCreate)
            .map((s) => (
              <tr key={s.href}>
                <th scope="row">
                  <a href={s.href}>{v.t(s.label)}</a>
                </th>
                <td>{v.t(s.description)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {canCreate ? null : <p>{v.t('mes.home.consultOnly')}</p>}
    </>
  );
}
