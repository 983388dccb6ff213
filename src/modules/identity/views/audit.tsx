import type { AuditEventRow } from '../../../platform/audit/service.js';
import { DataTable, SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
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
      <DataTable
        class="data-table"
        caption={v.t('audit.caption', { count: events.length })}
        empty={v.t('audit.none')}
        rows={events}
        rowKey={(e) => e.id}
        columns={[
          { header: '#', cell: (e) => e.id },
          { header: v.t('audit.col.time'), cell: (e) => formatDateTime(v.lang, e.occurredAt) },
          { header: v.t('audit.col.actor'), cell: (e) => `${e.actorKind}${e.actorId ? ` ${e.actorId}` : ''}` },
          { header: v.t('audit.col.action'), cell: (e) => e.action },
          { header: v.t('audit.col.subject'), cell: (e) => (e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : '') },
          { header: v.t('audit.col.request'), cell: (e) => `${e.requestId ?? ''}${e.ip ? ` (${e.ip})` : ''}` },
        ]}
      />
    </>
  );
}
