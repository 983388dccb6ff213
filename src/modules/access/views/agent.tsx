import { DataTable, ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { EnrolmentFile, NumberCheck, QueueEntry } from '../service.js';
import { EventList } from './enrolment.js';

type QueueState = 'processing' | 'active' | 'refused';

export function QueuePage({ v, entries, state }: { v: ViewContext; entries: QueueEntry[]; state: QueueState }) {
  return (
    <>
      <form method="get" action="/agent/services-en-ligne" class="queue-filter">
        <SelectField
          v={v}
          name="etat"
          label={v.t('eservices.queue.filter')}
          form={{ values: { etat: state }, errors: {} }}
          options={(['processing', 'active', 'refused'] as const).map((s) => ({ value: s, label: v.t(`eservices.state.${s}`) }))}
        />
        <SubmitButton kind="secondary">{v.t('eservices.queue.show')}</SubmitButton>
      </form>
      <DataTable
        caption={v.t('eservices.queue.caption')}
        empty={v.t('eservices.queue.none')}
        rows={entries}
        rowKey={(e) => e.id}
        columns={[
          {
            header: v.t('eservices.queue.enterprise'),
            rowHeader: true,
            cell: (e) => (
              <>
                <a href={`/agent/services-en-ligne/${e.id}`} aria-label={v.t('eservices.queue.open', { name: e.legalName })}>
                  {e.legalName}
                </a>
                <br />
                <small>
                  {e.neq} — {v.t('eservices.transmittedAt', { date: formatDateTime(v.lang, e.transmittedAt) })}
                </small>
              </>
            ),
          },
          { header: v.t('eservices.queue.ministry'), cell: (e) => v.t(`eservices.ministry.${e.ministry}`) },
          { header: v.t('eservices.queue.number'), cell: (e) => e.ministryNumber },
          { header: v.t('eservices.queue.check'), cell: (e) => v.t(`eservices.check.${e.numberCheck as NumberCheck}`) },
          { header: v.t('eservices.state'), cell: (e) => v.t(`eservices.state.${e.state}`) },
        ]}
      />
    </>
  );
}

export function FilePage({ v, file, refuseForm, notice }: { v: ViewContext; file: EnrolmentFile; refuseForm: FormState; notice?: string }) {
  const e = file.enrolment;
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <dl class="summary">
        <dt>{v.t('eservices.queue.enterprise')}</dt>
        <dd>
          {e.legalName} ({e.neq})
        </dd>
        <dt>{v.t('eservices.queue.ministry')}</dt>
        <dd>{v.t(`eservices.ministry.${e.ministry}`)}</dd>
        <dt>{v.t(`eservices.number.${e.ministry}`)}</dt>
        <dd>{e.ministryNumber}</dd>
        <dt>{v.t('eservices.queue.check')}</dt>
        <dd>
          {v.t(`eservices.check.${e.numberCheck as NumberCheck}`)}
          {file.service ? (
            <>
              <br />
              {v.t('eservices.file.service', { name: file.service.name, neq: file.service.enterpriseNeq })}
            </>
          ) : null}
        </dd>
        <dt>{v.t('eservices.otherInformation')}</dt>
        <dd>{e.otherInformation ?? ''}</dd>
        <dt>{v.t('eservices.state')}</dt>
        <dd>
          <strong data-state={e.state}>{v.t(`eservices.state.${e.state}`)}</strong>
          {e.refusalReason ? (
            <>
              <br />
              {v.t('eservices.refusalReason', { reason: e.refusalReason })}
            </>
          ) : null}
        </dd>
      </dl>
      <EventList v={v} events={file.events} />
      {e.state === 'processing' ? (
        <>
          <Form v={v} action={`/agent/services-en-ligne/${e.id}/accepter`}>
            <SubmitButton>{v.t('eservices.file.accept')}</SubmitButton>
          </Form>
          <h2>{v.t('eservices.file.refuse')}</h2>
          <Form v={v} action={`/agent/services-en-ligne/${e.id}/refuser`}>
            <ErrorSummary v={v} errors={refuseForm.errors} labels={{ reason: v.t('eservices.file.reason') }} />
            <TextArea v={v} name="reason" label={v.t('eservices.file.reason')} hint={v.t('eservices.file.reason.hint')} form={refuseForm} required />
            <SubmitButton kind="danger">{v.t('eservices.file.refuse')}</SubmitButton>
          </Form>
        </>
      ) : null}
      <p>
        <a href="/agent/services-en-ligne">{v.t('eservices.file.back')}</a>
      </p>
    </>
  );
}
