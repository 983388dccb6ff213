import { Fragment } from 'preact';
import { DateField, ErrorSummary, Form, Notice, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { valueKey } from '../../requests/service.js';
import { fieldById } from '../../requests/program.js';
import type { MesRequestPage } from '../service.js';
import { DocumentActions } from './documents.js';
import { longDay } from './frame.js';
import { HistorySection, IdentitySection, RequestHeading } from './request-parts.js';
import { stepHref, StepList } from './steps.js';

export function isEditable(page: MesRequestPage): boolean {
  const state = page.view.request.state;
  return page.permitted.edit && (state === 'draft' || state === 'commented');
}

/** « 4.5 heures / jour »: a value and its unit, as the seed's summary shows it. */
function valueWithUnit(v: ViewContext, page: MesRequestPage, fieldId: string): string {
  const field = fieldById(page.view.definition, fieldId);
  const value = page.view.values.get(valueKey(fieldId))?.value;
  if (!field || !value) return '—';
  return field.unit ? `${value} ${v.t(field.unit)}` : value;
}

/** « Résumé de la demande du service de garde ». */
function Summary({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  return (
    <section aria-labelledby="resume">
      <h2 id="resume">{v.t('mes.detail.summary')}</h2>
      <dl class="summary">
        {['support.hoursPerDay', 'support.daysPerWeek', 'support.plannedDays', 'support.startDate'].map((id) => {
          const field = fieldById(page.view.definition, id);
          return field ? (
            <Fragment key={id}>
              <dt>{v.t(field.label)}</dt>
              <dd>{valueWithUnit(v, page, id)}</dd>
            </Fragment>
          ) : null;
        })}
      </dl>
    </section>
  );
}

function Actions({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const id = page.view.request.id;
  const state = page.view.request.state;
  return (
    <ul class="mes-actions">
      {isEditable(page) ? (
        <li>
          <a href={stepHref(id, 'support')} class="qc-button qc-primary">
            {v.t('mes.detail.edit')}
          </a>
        </li>
      ) : null}
      {page.permitted.edit && state === 'draft' ? (
        <li>
          <a href={`/entreprise/mes/demandes/${id}/supprimer`} class="qc-button qc-secondary">
            {v.t('mes.detail.delete')}
          </a>
        </li>
      ) : null}
      {page.permitted.edit && state === 'compliant' ? (
        <li>
          <a href={`/entreprise/mes/demandes/${id}/depart`} class="qc-button qc-secondary">
            {v.t('mes.detail.departure')}
          </a>
        </li>
      ) : null}
      <li>
        <a href={`/entreprise/mes/demandes/${id}/imprimer`} class="qc-button qc-secondary">
          {v.t('mes.print')}
        </a>
      </li>
    </ul>
  );
}

/** The seed's « Détails de la demande » page. */
export function DetailPage({ v, page, notice }: { v: ViewContext; page: MesRequestPage; notice?: string }) {
  const { view, mes, child, site } = page;
  const id = view.request.id;
  const editable = isEditable(page);
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <section aria-labelledby="details">
        <h2 id="details">{v.t('mes.detail.title')}</h2>
        <dl class="summary">
          <dt>{v.t('mes.detail.installation')}</dt>
          <dd>{`${site.name} (${site.number})`}</dd>
          <dt>{v.t('mes.detail.child')}</dt>
          <dd>{`${child.firstName} ${child.lastName}`}</dd>
          <dt>{v.t('mes.detail.parent')}</dt>
          <dd>{child.parentName}</dd>
          <dt>{v.t('mes.detail.otherParent')}</dt>
          <dd>{child.otherParentName ?? '—'}</dd>
          <dt>{v.t('mes.detail.address')}</dt>
          <dd>{`${child.homeAddress} ${child.homePostalCode}`}</dd>
          <dt>{v.t('mes.detail.type')}</dt>
          <dd>{v.t(`mes.type.${mes.type}`)}</dd>
          <dt>{v.t('mes.detail.state')}</dt>
          <dd>{v.t(`requests.state.${view.request.state}`)}</dd>
          <dt>{v.t('mes.detail.submittedAt')}</dt>
          <dd>{view.request.firstSubmittedAt ? longDay(v, view.request.firstSubmittedAt) : v.t('mes.detail.notSubmitted')}</dd>
          <dt>{v.t('mes.detail.referenceYear')}</dt>
          <dd>{`${mes.referenceYear}-${mes.referenceYear + 1}`}</dd>
          {mes.departureDate ? (
            <>
              <dt>{v.t('mes.detail.departureDate')}</dt>
              <dd>{longDay(v, mes.departureDate)}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <Summary v={v} page={page} />
      <Actions v={v} page={page} />
      <section aria-labelledby="documents">
        <h2 id="documents">{v.t('mes.detail.documents')}</h2>
        {view.documents.length === 0 ? (
          <p>{v.t('mes.documents.noneAtAll')}</p>
        ) : (
          <table class="data-table">
            <caption class="qc-sr-only">{v.t('mes.detail.documents')}</caption>
            <thead>
              <tr>
                <th scope="col">{v.t('mes.documents.name')}</th>
                <th scope="col">{v.t('mes.documents.type')}</th>
                <th scope="col">{v.t('mes.documents.receivedAt')}</th>
                <th scope="col">{v.t('mes.documents.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {view.documents.map((d) => {
                const type = view.definition.documentTypes.find((t) => t.id === d.documentType);
                return (
                  <tr key={d.id}>
                    <th scope="row">{d.name}</th>
                    <td>{type ? v.t(type.label) : d.documentType}</td>
                    <td>{longDay(v, d.uploadedAt)}</td>
                    <td>
                      <DocumentActions v={v} requestId={id} document={d} editable={editable} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {editable ? (
          <p>
            <a href={stepHref(id, 'documents')}>{v.t('mes.detail.addDocument')}</a>
          </p>
        ) : null}
      </section>
      <HistorySection v={v} page={page} />
    </>
  );
}

/** Steps 1 and 2 of an existing request: the child and the type, fixed at creation. */
export function ChosenStep({ v, page, step }: { v: ViewContext; page: MesRequestPage; step: 'identity' | 'type' }) {
  const id = page.view.request.id;
  return (
    <>
      <StepList v={v} steps={page.view.definition.steps} current={step} requestId={id} />
      <RequestHeading v={v} page={page} />
      {step === 'identity' ? (
        <IdentitySection v={v} page={page} />
      ) : (
        <dl class="summary">
          <dt>{v.t('mes.detail.installation')}</dt>
          <dd>{`${page.site.name} (${page.site.number})`}</dd>
          <dt>{v.t('mes.detail.type')}</dt>
          <dd>{v.t(`mes.type.${page.mes.type}`)}</dd>
          <dt>{v.t('mes.detail.referenceYear')}</dt>
          <dd>{`${page.mes.referenceYear}-${page.mes.referenceYear + 1}`}</dd>
        </dl>
      )}
      <p>{v.t('mes.chosen.fixed')}</p>
      <div class="qc-button-group">
        <a href={stepHref(id, step === 'identity' ? 'type' : 'support')} class="qc-button qc-primary">
          {v.t('mes.next')}
        </a>
      </div>
    </>
  );
}

export function DeleteConfirmPage({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const id = page.view.request.id;
  return (
    <>
      <RequestHeading v={v} page={page} />
      <Notice v={v} kind="warning">
        <p>{v.t('mes.delete.warning')}</p>
      </Notice>
      <Form v={v} action={`/entreprise/mes/demandes/${id}/supprimer`}>
        <input type="hidden" name="confirm" value="oui" />
        <div class="qc-button-group">
          <a href={`/entreprise/mes/demandes/${id}`} class="qc-button qc-secondary">
            {v.t('mes.cancel')}
          </a>
          <button type="submit" class="qc-button qc-primary qc-danger">
            {v.t('mes.delete.submit')}
          </button>
        </div>
      </Form>
    </>
  );
}

export function DeparturePage({ v, page, form }: { v: ViewContext; page: MesRequestPage; form: FormState }) {
  const id = page.view.request.id;
  const label = v.t('mes.departure.date');
  return (
    <>
      <RequestHeading v={v} page={page} />
      <p>{v.t('mes.departure.explain')}</p>
      <ErrorSummary v={v} errors={form.errors} labels={{ departureDate: label }} />
      <Form v={v} action={`/entreprise/mes/demandes/${id}/depart`}>
        <DateField v={v} name="departureDate" label={label} hint={v.t('mes.date.hint')} form={form} required />
        <div class="qc-button-group">
          <a href={`/entreprise/mes/demandes/${id}`} class="qc-button qc-secondary">
            {v.t('mes.cancel')}
          </a>
          <button type="submit" class="qc-button qc-primary">
            {v.t('mes.departure.submit')}
          </button>
        </div>
      </Form>
    </>
  );
}
