import { DateField, ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { RecognitionStatus, Site } from '../../childcare/service.js';
import type { recognitionChange } from '../../childcare/schema.js';
import type { AdmissionRow } from '../admissions.js';
import { AgreementCell } from './agreements.js';
import type { AdmissionToConfirm, ReminderResult, RsgeRow } from '../bc.js';

export const BC_HREF = '/entreprise/bc';

const yesNo = (v: ViewContext, value: boolean) => v.t(value ? 'portal.yes' : 'portal.no');

/** A count that links somewhere: the screen reader also hears what it counts and for whom (the visible count starts the name). */
function CountLink({ href, count, context }: { href: string; count: number; context: string }) {
  return (
    <a href={href}>
      {count}
      <span class="qc-sr-only">{` — ${context}`}</span>
    </a>
  );
}

export function BcRsgePage({ v, rows, reminded, dueBack }: { v: ViewContext; rows: RsgeRow[]; reminded: ReminderResult | null; dueBack: { siteId: string; name: string; number: string; plannedReturn: string }[] }) {
  const notAdhered = rows.filter((r) => !r.adhered).length;
  return (
    <>
      {reminded ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.bcSpace.remind.done', { ...reminded })}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.bcSpace.intro')}</p>
      {dueBack.length > 0 ? (
        <Notice v={v} kind="information" title={v.t('portal.bcSpace.dueBack')}>
          <ul>
            {dueBack.map((d) => (
              <li key={d.siteId}>
                <a href={`${BC_HREF}/rsge/${d.siteId}`}>{v.t('portal.bcSpace.dueBack.item', { name: d.name, number: d.number, date: d.plannedReturn })}</a>
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <ul>
        <li>
          <a href={`${BC_HREF}/admissions`}>{v.t('portal.bcSpace.confirm.title')}</a>
        </li>
        {notAdhered > 0 ? (
          <li>
            <a href={`${BC_HREF}/rappel`}>{v.t('portal.bcSpace.remind')}</a>
          </li>
        ) : null}
      </ul>
      {rows.length === 0 ? (
        <p>{v.t('portal.bcSpace.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.bcSpace.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.bcSpace.rsge')}</th>
              <th scope="col">{v.t('portal.bcSpace.status')}</th>
              <th scope="col">{v.t('portal.bcSpace.account')}</th>
              <th scope="col">{v.t('portal.bcSpace.adhered')}</th>
              <th scope="col">{v.t('portal.bcSpace.completed')}</th>
              <th scope="col">{v.t('portal.bcSpace.published')}</th>
              <th scope="col">{v.t('portal.bcSpace.delegated')}</th>
              <th scope="col">{v.t('portal.bcSpace.admissions')}</th>
              <th scope="col">{v.t('portal.bcSpace.toConfirm')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.siteId}>
                <th scope="row">
                  <a href={`${BC_HREF}/rsge/${r.siteId}`}>{`${r.name} (${r.number})`}</a>
                  {r.remindedAt ? <div class="qc-description">{v.t('portal.bcSpace.reminded', { date: r.remindedAt.toISOString().slice(0, 10) })}</div> : null}
                </th>
                <td>{v.t(`portal.registry.status.${r.recognitionStatus}`)}</td>
                <td>{yesNo(v, r.hasAccount)}</td>
                <td>{yesNo(v, r.adhered)}</td>
                <td>{yesNo(v, r.completed)}</td>
                <td>{yesNo(v, r.published)}</td>
                <td>{yesNo(v, r.delegated)}</td>
                <td>{r.admissions > 0 ? <CountLink href={`${BC_HREF}/rsge/${r.siteId}`} count={r.admissions} context={`${v.t('portal.bcSpace.children')} — ${r.name}`} /> : '0'}</td>
                <td>{r.toConfirm > 0 ? <CountLink href={`${BC_HREF}/admissions?rsge=${r.siteId}`} count={r.toConfirm} context={`${v.t('portal.bcSpace.confirm.title')} — ${r.name}`} /> : '0'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ReminderConfirmPage({ v, count }: { v: ViewContext; count: number }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{v.t('portal.bcSpace.remind.text', { count })}</p>
      </Notice>
      <Form v={v} action={`${BC_HREF}/rappel`}>
        <div class="qc-button-group">
          <a href={BC_HREF} class="qc-button qc-secondary">
            {v.t('portal.family.cancelDelete')}
          </a>
          <button type="submit" class="qc-button qc-primary">
            {v.t('portal.bcSpace.remind.confirm')}
          </button>
        </div>
      </Form>
    </>
  );
}

export function ConfirmAdmissionsPage({ v, rsge, query, found, more, done }: { v: ViewContext; rsge: RsgeRow[]; query: { rsge: string; enfant: string }; found: AdmissionToConfirm[]; more: boolean; done: boolean }) {
  const form = { values: query, errors: {} };
  return (
    <>
      {done ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.bcSpace.confirm.done')}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.bcSpace.confirm.intro')}</p>
      <form method="get" action={`${BC_HREF}/admissions`} role="search">
        <SelectField v={v} name="rsge" label={v.t('portal.bcSpace.confirm.rsge')} form={form} placeholder={v.t('portal.bcSpace.confirm.allRsge')} options={rsge.map((r) => ({ value: r.siteId, label: `${r.name} (${r.number})` }))} />
        <TextField v={v} name="enfant" label={v.t('portal.bcSpace.confirm.child')} form={form} />
        <SubmitButton kind="secondary">{v.t('portal.bcSpace.confirm.search')}</SubmitButton>
      </form>
      {more ? (
        <Notice v={v} kind="information">
          <p>{v.t('portal.bcSpace.confirm.more', { count: found.length })}</p>
        </Notice>
      ) : null}
      {found.length === 0 ? (
        <p>{v.t('portal.bcSpace.confirm.none')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{v.t('portal.bcSpace.rsge')}</th>
              <th scope="col">{v.t('portal.admission.child')}</th>
              <th scope="col">{v.t('portal.admission.plannedStart')}</th>
              <th scope="col">{v.t('portal.admission.state')}</th>
            </tr>
          </thead>
          <tbody>
            {found.map(({ admission, child, site }) => (
              <tr key={admission.id}>
                <td>{`${site.name} (${site.number})`}</td>
                <td>{`${child.firstName} ${child.lastName} (${child.registrationNumber})`}</td>
                <td>{admission.plannedStart}</td>
                <td>
                  <Form v={v} action={`${BC_HREF}/admissions/${admission.id}/confirmer`}>
                    <SubmitButton>{v.t('portal.bcSpace.confirm.button', { child: `${child.firstName} ${child.lastName}` })}</SubmitButton>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={BC_HREF}>{v.t('portal.bcSpace.title')}</a>
      </p>
    </>
  );
}

type HistoryRow = typeof recognitionChange.$inferSelect;

/** One RSGE for its BC: its record and recognition with their history, and the children admitted there. */
export function RsgePage({ v, site, history, rows, notice }: { v: ViewContext; site: Site; history: HistoryRow[]; rows: AdmissionRow[]; notice: 'dossier' | 'reconnaissance' | null }) {
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{v.t(notice === 'dossier' ? 'portal.registry.saved' : 'portal.registry.recognition.saved')}</p>
        </Notice>
      ) : null}
      <dl class="summary">
        <dt>{v.t('portal.registry.name')}</dt>
        <dd>{`${site.name} (${site.number})`}</dd>
        <dt>{v.t('portal.registry.status')}</dt>
        <dd>{v.t(`portal.registry.status.${site.recognitionStatus}`)}</dd>
        <dt>{v.t('portal.registry.address')}</dt>
        <dd>{`${site.address}, ${site.municipality} ${site.postalCode}`}</dd>
        <dt>{v.t('portal.registry.email')}</dt>
        <dd>{site.contactEmail ?? '—'}</dd>
        <dt>{v.t('portal.registry.phone')}</dt>
        <dd>{site.contactPhone ?? '—'}</dd>
        <dt>{v.t('portal.registry.places')}</dt>
        <dd>{site.placesTotal === null ? '—' : `${site.placesTotal} (${v.t('portal.registry.infants')} : ${site.placesUnder18Months ?? 0})`}</dd>
      </dl>
      <ul>
        <li>
          <a href={`${BC_HREF}/rsge/${site.id}/dossier`}>{v.t('portal.registry.link')}</a>
        </li>
        <li>
          <a href={`${BC_HREF}/rsge/${site.id}/reconnaissance`}>{v.t('portal.registry.recognition.link')}</a>
        </li>
        <li>
          <a href={`/entreprise/messages/rsge/${site.id}`}>{v.t('portal.message.bcRsge.toRsge')}</a>
        </li>
      </ul>
      <h2>{v.t('portal.registry.history')}</h2>
      {history.length === 0 ? (
        <p>{v.t('portal.registry.history.none')}</p>
      ) : (
        <ul>
          {history.map((h) => (
            <li key={h.id}>{`${h.effectiveDate} — ${v.t(`portal.registry.status.${h.status as RecognitionStatus}`)}${h.plannedReturn ? ` (${v.t('portal.registry.plannedReturn')} : ${h.plannedReturn})` : ''} — ${h.reason}`}</li>
          ))}
        </ul>
      )}
      <h2>{v.t('portal.bcSpace.children')}</h2>
      {rows.length === 0 ? (
        <p>{v.t('portal.bcSpace.children.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.bcSpace.children.title', { rsge: `${site.name} (${site.number})` })}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.admission.child')}</th>
              <th scope="col">{v.t('portal.admission.plannedStart')}</th>
              <th scope="col">{v.t('portal.admission.state')}</th>
              <th scope="col">{v.t('portal.agreement.title')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.admission.id}>
                <td>{`${row.child.firstName} ${row.child.lastName} (${row.child.registrationNumber})`}</td>
                <td>{row.admission.plannedStart}</td>
                <td>{v.t(`portal.admission.state.${row.admission.state as 'admitted'}`)}</td>
                <td>
                  {/* The page is the BC’s own: the BC records the agreements of its RSGE. */}
                  <AgreementCell v={v} row={row} site={site} canRecord />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={BC_HREF}>{v.t('portal.bcSpace.title')}</a>
      </p>
    </>
  );
}

const recordLabels = (v: ViewContext): Record<string, string> => ({
  name: v.t('portal.registry.name'),
  address: v.t('portal.registry.address'),
  municipality: v.t('portal.registry.municipality'),
  postalCode: v.t('portal.registry.postalCode'),
  email: v.t('portal.registry.email'),
  phone: v.t('portal.registry.phone'),
  placesTotal: v.t('portal.registry.places'),
  placesUnder18Months: v.t('portal.registry.infants'),
});

export function RecordFormPage({ v, site, form }: { v: ViewContext; site: Site; form: FormState }) {
  const labels = recordLabels(v);
  const text = (name: string, extra: { hint?: string; required?: boolean; type?: 'email' | 'tel' } = {}) => (
    <TextField v={v} name={name} label={labels[name] ?? ''} form={form} required={extra.required} hint={extra.hint} type={extra.type} />
  );
  return (
    <>
      <p>{v.t('portal.registry.intro')}</p>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={`${BC_HREF}/rsge/${site.id}/dossier`}>
        {text('name', { required: true })}
        {text('address', { required: true })}
        {text('municipality', { required: true })}
        {text('postalCode', { required: true })}
        {text('email', { hint: v.t('portal.registry.email.hint'), type: 'email' })}
        {text('phone', { type: 'tel' })}
        {text('placesTotal', { required: true })}
        {text('placesUnder18Months', { required: true })}
        <SubmitButton>{v.t('portal.registry.save')}</SubmitButton>
      </Form>
    </>
  );
}

const recognitionLabels = (v: ViewContext): Record<string, string> => ({
  status: v.t('portal.registry.newStatus'),
  effectiveDate: v.t('portal.registry.effectiveDate'),
  plannedReturn: v.t('portal.registry.plannedReturn'),
  showDaysBefore: v.t('portal.registry.showDaysBefore'),
  reason: v.t('portal.registry.reason'),
});

export function RecognitionFormPage({ v, site, allowed, form, problem }: { v: ViewContext; site: Site; allowed: readonly RecognitionStatus[]; form: FormState; problem: string | null }) {
  const labels = recognitionLabels(v);
  return (
    <>
      <p>{v.t('portal.registry.recognition.intro')}</p>
      <p>{v.t('portal.registry.recognition.current', { status: v.t(`portal.registry.status.${site.recognitionStatus}`) })}</p>
      {problem ? (
        <Notice v={v} kind="warning">
          <p>{problem}</p>
        </Notice>
      ) : null}
      {allowed.length === 0 ? (
        <p>{v.t('portal.registry.recognition.final')}</p>
      ) : (
        <>
          <ErrorSummary v={v} errors={form.errors} labels={labels} />
          <Form v={v} action={`${BC_HREF}/rsge/${site.id}/reconnaissance`}>
            <SelectField v={v} name="status" label={labels.status ?? ''} form={form} required options={allowed.map((s) => ({ value: s, label: v.t(`portal.registry.status.${s}`) }))} />
            <DateField v={v} name="effectiveDate" label={labels.effectiveDate ?? ''} form={form} required />
            <DateField v={v} name="plannedReturn" label={labels.plannedReturn ?? ''} form={form} />
            <TextField v={v} name="showDaysBefore" label={labels.showDaysBefore ?? ''} hint={v.t('portal.registry.showDaysBefore.hint')} form={form} inputmode="numeric" />
            <TextArea v={v} name="reason" label={labels.reason ?? ''} form={form} required />
            <SubmitButton>{v.t('portal.registry.recognition.save')}</SubmitButton>
          </Form>
        </>
      )}
      <p>
        <a href={`${BC_HREF}/rsge/${site.id}`}>{`${site.name} (${site.number})`}</a>
      </p>
    </>
  );
}
