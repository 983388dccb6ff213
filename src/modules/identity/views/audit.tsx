import type { AuditEventRow } from '../../../platform/audit/service.js';
import { SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';

export function AuditPage({ v, events, actions, filters, limit }: { v: ViewContext; events: AuditEventRow[]; actions: string[]; filters: FormState; limit: number }) {
  return (
    <>
      <p>{v.t('audit.intro', { limit })}</p>
      <form method="get" action="/agent/journal" class="filters">
        <TextField v={v} form={filters} name="acteur" label={v.t('audit.filter.actor')} />
        <SelectField v={v} form={filters} name="action" label={v.t('audit.filter.action')} placeholder={v.t('audit.filter.any')} options={actions.map((a) => ({ value: a, label: a }))} />
        <TextField v={v} form={filters} name="du" type="date" label={v.t('audit.filter.from')} />
        <TextField v={v} form={filters} name="au" type="date" label={v.t('audit.filter.to')} />
        <SubmitButton kind="secondary">{v.t('audit.filter.submit')}</SubmitButton>
      </form>
      {events.length === 0 ? (
        <p>{v.t('audit.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('audit.caption', { count: events.length })}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{v.t('audit.col.time')}</th>
              <th scope="col">{v.t('audit.col.actor')}</th>
              <th scope="col">{v.t('audit.col.action')}</th>
              <th scope="col">{v.t('audit.col.subject')}</th>
              <th scope="col">{v.t('audit.col.request')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{e.id}</td>
                <td>{formatDateTime(v.lang, e.occurredAt)}</td>
                <td>
                  {e.actorKind}
                  {e.actorId ? ` ${e.actorId}` : ''}
                </td>
                <td>{e.action}</td>
                <td>{e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : ''}</td>
                <td>
                  {e.requestId ?? ''}
                  {e.ip ? ` (${e.ip})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
