import { ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { isoDay } from '../../mes/views/frame.js';
import { fieldById } from '../../requests/index.js';
import type { AidProgram } from '../definition.js';
import { queueTabs, type AidRequestPage, type QueueRow, type QueueTab } from '../service.js';
import { RequestHeading, RequestSummary, reviewHref, targetLabel } from './parts.js';

/** The ministry's aid pages: the queue, a request with its comment form and decisions, the confirmations. */

export function queueHref(program: AidProgram, tab: QueueTab): string {
  return `/agent/aide?programme=${program.id}&onglet=${tab}`;
}

export function QueueView({ v, programs, program, rows, tab }: { v: ViewContext; programs: AidProgram[]; program: AidProgram; rows: QueueRow[]; tab: QueueTab }) {
  return (
    <>
      <nav aria-label={v.t('aid.review.programs')}>
        <ul class="mes-plain-list">
          {programs.map((p) => (
            <li key={p.id}>
              <a href={queueHref(p, 'transmises')} aria-current={p.id === program.id ? 'page' : undefined}>
                {v.t(p.aid.title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{v.t(program.aid.title)}</h2>
      <nav aria-label={v.t('aid.review.tabs')}>
        <ul class="mes-plain-list">
          {queueTabs.map((t) => (
            <li key={t}>
              <a href={queueHref(program, t)} aria-current={t === tab ? 'page' : undefined}>
                {v.t(`aid.review.tab.${t}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? (
        <p>{v.t('aid.review.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t(`aid.review.tab.${tab}`)}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('aid.list.number')}</th>
              <th scope="col">{v.t('aid.organization')}</th>
              <th scope="col">{v.t(fieldById(program, program.aid.titleField)?.label ?? 'aid.field.title')}</th>
              <th scope="col">{v.t('aid.list.submitted')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={reviewHref(r.id)}>{r.number}</a>
                </td>
                <td>{`${r.organizationName} (${r.organizationIdentifier})`}</td>
                <td>{r.title || '—'}</td>
                <td>{isoDay(r.lastSubmittedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ReviewPage({ v, page, form, notice }: { v: ViewContext; page: AidRequestPage; form: FormState; notice?: string }) {
  const { request } = page.view;
  const id = request.id;
  const { program } = page;
  const targets = [
    ...program.fields.map((f) => ({ value: `field:${f.id}`, label: targetLabel(v, program, { target: 'field', targetId: f.id }) })),
    ...program.documentTypes.map((d) => ({ value: `document:${d.id}`, label: v.t(d.label) })),
  ];
  const labels = { target: v.t('aid.review.comment.target'), body: v.t('aid.review.comment.body') };
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <RequestHeading v={v} page={page} />
      <p>{v.t('aid.review.rule')}</p>
      <div class="qc-button-group">
        {request.state === 'submitted' ? (
          <a href={`${reviewHref(id)}/conforme`} class="qc-button qc-primary">
            {v.t('aid.review.compliant')}
          </a>
        ) : null}
        {request.state === 'compliant' ? (
          <a href={`${reviewHref(id)}/terminer`} class="qc-button qc-secondary">
            {v.t('aid.review.close')}
          </a>
        ) : null}
      </div>
      <RequestSummary v={v} page={page} documentHref={(documentId) => `${reviewHref(id)}/documents/${documentId}`} />
      {request.state === 'submitted' || request.state === 'commented' ? (
        <section aria-labelledby="nouveau-commentaire">
          <h2 id="nouveau-commentaire">{v.t('aid.review.comment.title')}</h2>
          <p>{v.t('aid.review.comment.hint')}</p>
          <Form v={v} action={`${reviewHref(id)}/commentaires`}>
            <ErrorSummary v={v} errors={form.errors} labels={labels} />
            <SelectField v={v} name="target" label={labels.target} required form={form} placeholder={v.t('aid.review.comment.choose')} options={targets} />
            <TextArea v={v} name="body" label={labels.body} required form={form} />
            <SubmitButton kind="secondary">{v.t('aid.review.comment.submit')}</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function DecisionPage({ v, page, decision, form }: { v: ViewContext; page: AidRequestPage; decision: 'compliant' | 'close'; form: FormState }) {
  const id = page.view.request.id;
  return (
    <>
      <RequestHeading v={v} page={page} />
      <p>{v.t(decision === 'compliant' ? 'aid.review.compliant.confirm' : 'aid.review.close.confirm', { number: page.view.request.number })}</p>
      <Form v={v} action={`${reviewHref(id)}/${decision === 'compliant' ? 'conforme' : 'terminer'}`}>
        <ErrorSummary v={v} errors={form.errors} labels={{ note: v.t('aid.review.close.reason') }} />
        <input type="hidden" name="confirm" value="oui" />
        {decision === 'close' ? <TextArea v={v} name="note" label={v.t('aid.review.close.reason')} hint={v.t('aid.review.close.reason.hint')} required form={form} /> : null}
        <div class="qc-button-group">
          <a href={reviewHref(id)} class="qc-button qc-secondary">
            {v.t('aid.cancel')}
          </a>
          <button type="submit" class="qc-button qc-primary">
            {v.t(decision === 'compliant' ? 'aid.review.compliant' : 'aid.review.close')}
          </button>
        </div>
      </Form>
    </>
  );
}
