import { ChoiceGroup, ErrorSummary, Form, Notice, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { EnterpriseInfo } from '../../enterprises/members.js';
import { eservicesOf, type Ministry } from '../catalogue.js';
import type { EnrolmentView, EserviceEnrolmentEvent } from '../service.js';

export function EventList({ v, events }: { v: ViewContext; events: EserviceEnrolmentEvent[] }) {
  if (events.length === 0) return null;
  return (
    <>
      <h3>{v.t('eservices.history')}</h3>
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            {formatDateTime(v.lang, e.createdAt)} —{' '}
            {e.state === 'processing'
              ? v.t('eservices.event.processing', { number: e.ministryNumber ?? '' })
              : e.state === 'refused'
                ? v.t('eservices.event.refused', { reason: e.reason ?? '' })
                : e.actorAccountId === null
                  ? v.t('eservices.event.activeAutomatic')
                  : v.t('eservices.event.active')}
          </li>
        ))}
      </ul>
    </>
  );
}

export function EnterpriseEservicesPage({ v, views, notice }: { v: ViewContext; views: EnrolmentView[]; notice?: string }) {
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>{v.t('eservices.intro')}</p>
      {views.map(({ ministry, enrolment, events }) => {
        const state = enrolment?.state ?? 'none';
        return (
          <section key={ministry} aria-labelledby={`ministry-${ministry}`}>
            <h2 id={`ministry-${ministry}`}>{v.t(`eservices.ministry.${ministry}.title`)}</h2>
            <p>
              {v.t('eservices.offered')} : {eservicesOf[ministry].map((e) => v.t(`eservices.eservice.${e}`)).join(', ')}
            </p>
            <p>
              {v.t('eservices.state')} : <strong data-state={state}>{v.t(`eservices.state.${state}`)}</strong>
            </p>
            {enrolment ? (
              <>
                <p>{v.t(`eservices.state.${enrolment.state}.help`)}</p>
                {enrolment.refusalReason ? <p>{v.t('eservices.refusalReason', { reason: enrolment.refusalReason })}</p> : null}
                <p>
                  {v.t('eservices.transmittedAt', { date: formatDateTime(v.lang, enrolment.transmittedAt) })}
                  {enrolment.decidedAt ? ` — ${v.t('eservices.decidedAt', { date: formatDateTime(v.lang, enrolment.decidedAt) })}` : null}
                </p>
              </>
            ) : null}
            {state === 'none' || state === 'refused' ? (
              <p>
                <a class="qc-button qc-primary" href={`/entreprise/services-en-ligne/${ministry}`}>
                  {v.t(state === 'none' ? 'eservices.enrol' : 'eservices.correct', { ministry: v.t(`eservices.ministry.${ministry}`) })}
                </a>
              </p>
            ) : null}
            <EventList v={v} events={events} />
          </section>
        );
      })}
      <p>
        <a href="/entreprise/droits">{v.t('members.rightsLink')}</a>
      </p>
    </>
  );
}

function EnterpriseSummary({ v, enterprise }: { v: ViewContext; enterprise: EnterpriseInfo }) {
  return (
    <>
      <h2>{v.t('eservices.form.enterpriseInfo')}</h2>
      <dl class="summary">
        <dt>{v.t('eservices.form.legalName')}</dt>
        <dd>{enterprise.legalName}</dd>
        <dt>{v.t('eservices.form.neq')}</dt>
        <dd>{enterprise.neq}</dd>
      </dl>
    </>
  );
}

export function EnrolFormPage({ v, ministry, enterprise, form }: { v: ViewContext; ministry: Ministry; enterprise: EnterpriseInfo; form: FormState }) {
  const labels = { ministryNumber: v.t(`eservices.number.${ministry}`), otherInformation: v.t('eservices.otherInformation') };
  return (
    <Form v={v} action={`/entreprise/services-en-ligne/${ministry}`}>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <h2>{v.t('eservices.form.ministryInfo')}</h2>
      <p>
        {v.t('eservices.offered')} : {eservicesOf[ministry].map((e) => v.t(`eservices.eservice.${e}`)).join(', ')}
      </p>
      <TextField v={v} name="ministryNumber" label={labels.ministryNumber} hint={v.t(`eservices.number.${ministry}.hint`)} form={form} required autocomplete="off" />
      <EnterpriseSummary v={v} enterprise={enterprise} />
      <h2>{v.t('eservices.form.otherInfo')}</h2>
      <TextArea v={v} name="otherInformation" label={labels.otherInformation} form={form} />
      <SubmitButton>{v.t('eservices.continue')}</SubmitButton>
    </Form>
  );
}

export function EnrolReviewPage({
  v,
  ministry,
  enterprise,
  values,
  form,
}: {
  v: ViewContext;
  ministry: Ministry;
  enterprise: EnterpriseInfo;
  values: { ministryNumber: string; otherInformation: string };
  form: FormState;
}) {
  return (
    <>
      <p>{v.t('eservices.review.intro')}</p>
      <h2>{v.t('eservices.form.ministryInfo')}</h2>
      <dl class="summary">
        <dt>{v.t(`eservices.number.${ministry}`)}</dt>
        <dd>{values.ministryNumber}</dd>
        <dt>{v.t('eservices.otherInformation')}</dt>
        <dd>{values.otherInformation}</dd>
      </dl>
      <EnterpriseSummary v={v} enterprise={enterprise} />
      <p>
        <a href={`/entreprise/services-en-ligne/${ministry}`}>{v.t('eservices.review.modify')}</a>
      </p>
      <Form v={v} action={`/entreprise/services-en-ligne/${ministry}/transmettre`}>
        <ErrorSummary v={v} errors={form.errors} labels={{ consent: v.t('eservices.consent.label') }} />
        <input type="hidden" name="ministryNumber" value={values.ministryNumber} />
        <input type="hidden" name="otherInformation" value={values.otherInformation} />
        <ChoiceGroup v={v} name="consent" label={v.t('eservices.consent.label')} form={form} required multiple options={[{ value: 'oui', label: v.t('eservices.consent') }]} />
        <SubmitButton>{v.t('eservices.transmit')}</SubmitButton>
      </Form>
    </>
  );
}
