import type { ViewContext } from '../../../platform/http/render.js';
import type { RequestView } from '../../requests/service.js';
import type { MesRequestPage } from '../service.js';
import { longDay } from './frame.js';

/** Under the title of a request's pages: the service and site, the type and the number (seed's « Modifier une demande »). */
export function RequestHeading({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const { site, mes, view } = page;
  return (
    <div class="mes-request-heading">
      <p>
        <strong>{v.t('mes.serviceLine')}</strong> {[site.divisionNumber, site.serviceName].filter(Boolean).join(' ')}
        {' — '}
        <strong>{v.t('mes.installationLine')}</strong> {`${site.name} (${site.number})`}
      </p>
      <p>
        <strong>{v.t('mes.requestLine', { type: v.t(`mes.type.${mes.type}`) })}</strong> {view.request.number}
        {' — '}
        {v.t('mes.detail.state')} : <strong>{v.t(`requests.state.${view.request.state}`)}</strong>
      </p>
    </div>
  );
}

/** The child's and parents' identity and the service's data, read-only: they come from the ministry's records. */
export function IdentitySection({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const { child, site } = page;
  return (
    <>
      <section aria-labelledby="identite">
        <h2 id="identite">{v.t('mes.identity.title')}</h2>
        <p class="qc-description">{v.t('mes.identity.source')}</p>
        <dl class="summary">
          <dt>{v.t('mes.identity.child')}</dt>
          <dd>{`${child.firstName} ${child.lastName} — ${child.birthDate}`}</dd>
          <dt>{v.t('mes.identity.numbers')}</dt>
          <dd>{`NIREC ${child.nirec} — NECSG ${child.necsg}`}</dd>
          <dt>{v.t('mes.identity.parent')}</dt>
          <dd>{child.parentName}</dd>
          <dt>{v.t('mes.identity.otherParent')}</dt>
          <dd>{child.otherParentName ?? '—'}</dd>
          <dt>{v.t('mes.identity.address')}</dt>
          <dd>{`${child.homeAddress} ${child.homePostalCode}`}</dd>
          <dt>{v.t('mes.identity.email')}</dt>
          <dd>{child.parentEmail ?? '—'}</dd>
          <dt>{v.t('mes.identity.homePhone')}</dt>
          <dd>{child.homePhone ?? '—'}</dd>
          <dt>{v.t('mes.identity.mobilePhone')}</dt>
          <dd>{child.mobilePhone ?? '—'}</dd>
        </dl>
      </section>
      <section aria-labelledby="service">
        <h2 id="service">{v.t('mes.service.title')}</h2>
        <p class="qc-description">{v.t('mes.service.source')}</p>
        <dl class="summary">
          <dt>{v.t('mes.service.name')}</dt>
          <dd>{site.serviceName}</dd>
          <dt>{v.t('mes.service.division')}</dt>
          <dd>{site.divisionNumber ?? '—'}</dd>
          <dt>{v.t('mes.service.installation')}</dt>
          <dd>{`${site.name} (${site.number})`}</dd>
          <dt>{v.t('mes.service.address')}</dt>
          <dd>{`${site.address}, ${site.municipality} ${site.postalCode}`}</dd>
        </dl>
      </section>
    </>
  );
}

/** The request's history: each change of state, when and by whom, with its note (a departure, a reason). */
export function HistorySection({ v, page }: { v: ViewContext; page: { view: Pick<RequestView, 'transitions'> } }) {
  return (
    <section aria-labelledby="historique">
      <h2 id="historique">{v.t('mes.detail.history')}</h2>
      <ul>
        {page.view.transitions.map((tr, index) => (
          <li key={index}>
            {v.t('mes.detail.transition', { date: longDay(v, tr.at), state: v.t(`requests.state.${tr.toState}`), name: tr.actorName ?? v.t('mes.detail.system') })}
            {tr.note ? ` — ${tr.note}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
