import { Fragment } from 'preact';
import { ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import { fieldById, isShown } from '../../requests/program.js';
import { valueKey, type ChangesSinceComments, type CommentView } from '../../requests/service.js';
import { queueTabs, type QueueCursor, type QueuePage, type QueueTab } from '../review.js';
import type { MesRequestPage } from '../service.js';
import { longDay } from './frame.js';
import { HistorySection, IdentitySection, RequestHeading } from './request-parts.js';

export function reviewHref(requestId: string, suffix = ''): string {
  return `/agent/mes/demandes/${requestId}${suffix}`;
}

function cursorHref(tab: QueueTab, directorate: string | null, cursor: QueueCursor): string {
  const query = new URLSearchParams({ onglet: tab, [cursor.direction === 'after' ? 'apres' : 'avant']: `${cursor.at.toISOString()}_${cursor.id}` });
  if (directorate) query.set('direction', directorate);
  return `/agent/mes?${query.toString()}`;
}

/** The agents' queue: one tab per state, the directorate filter, keyset pages. */
export function QueuePageView({ v, page, tab, directorate }: { v: ViewContext; page: QueuePage; tab: QueueTab; directorate: string | null }) {
  const directorateName = (code: string) => {
    const found = page.directorates.find((d) => d.code === code);
    return found ? (v.lang === 'fr' ? found.nameFr : found.nameEn) : code;
  };
  return (
    <>
      <p>{v.t('mes.review.queue.scope', { directorates: page.directorates.map((d) => directorateName(d.code)).join(' ; ') })}</p>
      <nav aria-label={v.t('mes.review.queue.tabs')}>
        <ul class="mes-tabs">
          {queueTabs.map((t) => (
            <li key={t}>
              <a href={`/agent/mes?onglet=${t}${directorate ? `&direction=${directorate}` : ''}`} aria-current={t === tab ? 'page' : undefined}>
                {v.t(`mes.review.tab.${t}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {page.directorates.length > 1 ? (
        <form method="get" action="/agent/mes" class="mes-filter">
          <input type="hidden" name="onglet" value={tab} />
          <SelectField
            v={v}
            name="direction"
            label={v.t('mes.review.queue.directorate')}
            form={{ values: { direction: directorate ?? '' }, errors: {} }}
            placeholder={v.t('mes.review.queue.allDirectorates')}
            options={page.directorates.map((d) => ({ value: d.code, label: directorateName(d.code) }))}
          />
          <SubmitButton kind="secondary">{v.t('mes.review.queue.filter')}</SubmitButton>
        </form>
      ) : null}
      {page.rows.length === 0 ? (
        <p>{v.t('mes.review.queue.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t(`mes.review.tab.${tab}`)}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('mes.review.col.number')}</th>
              <th scope="col">{v.t('mes.review.col.service')}</th>
              <th scope="col">{v.t('mes.review.col.child')}</th>
              <th scope="col">{v.t('mes.review.col.site')}</th>
              <th scope="col">{v.t('mes.review.col.type')}</th>
              <th scope="col">{v.t('mes.review.col.submitted')}</th>
              <th scope="col">{v.t('mes.review.col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  <a href={reviewHref(row.id)}>{row.number}</a>
                </th>
                <td>{row.serviceName}</td>
                <td>{row.childName}</td>
                <td>{row.siteName}</td>
                <td>{v.t(`mes.type.${row.type}`)}</td>
                <td>{formatDateTime(v.lang, row.lastSubmittedAt)}</td>
                <td>{formatDateTime(v.lang, row.changedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label={v.t('mes.review.queue.pages')}>
        <ul class="mes-pager">
          {page.previous ? (
            <li>
              <a href={cursorHref(tab, directorate, page.previous)}>{v.t('mes.review.queue.previous')}</a>
            </li>
          ) : null}
          {page.next ? (
            <li>
              <a href={cursorHref(tab, directorate, page.next)}>{v.t('mes.review.queue.next')}</a>
            </li>
          ) : null}
        </ul>
      </nav>
    </>
  );
}

function CommentList({ v, comments }: { v: ViewContext; comments: readonly CommentView[] }) {
  if (comments.length === 0) return null;
  return (
    <ul class="mes-review-comments">
      {comments.map((c) => (
        <li key={c.id}>
          <strong>{c.correctedAt ? v.t('mes.review.comment.corrected') : v.t('mes.review.comment.open')}</strong>
          {` — ${c.body} `}
          <span class="qc-description">{v.t('mes.review.comment.by', { name: c.authorName, date: formatDateTime(v.lang, c.createdAt), round: c.round })}</span>
        </li>
      ))}
    </ul>
  );
}

/** The support form's values, read-only, each with the comments made on it. */
function ValuesSection({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const fields = page.view.definition.fields.filter((f) => isShown(f, page.facts));
  return (
    <section aria-labelledby="valeurs">
      <h2 id="valeurs">{v.t('mes.review.values')}</h2>
      <dl class="summary">
        {fields.map((field) => {
          const value = page.view.values.get(valueKey(field.id))?.value;
          const comments = page.view.comments.filter((c) => c.target === 'field' && c.targetId === field.id);
          return (
            <Fragment key={field.id}>
              <dt id={`champ-${field.id}`}>{v.t(field.label)}</dt>
              <dd>
                {value ? (field.unit ? `${value} ${v.t(field.unit)}` : value) : '—'}
                <CommentList v={v} comments={comments} />
              </dd>
            </Fragment>
          );
        })}
      </dl>
    </section>
  );
}

function DocumentsSection({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const { view } = page;
  return (
    <section aria-labelledby="documents">
      <h2 id="documents">{v.t('mes.detail.documents')}</h2>
      <table class="data-table">
        <caption class="qc-sr-only">{v.t('mes.detail.documents')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('mes.documents.type')}</th>
            <th scope="col">{v.t('mes.documents.name')}</th>
            <th scope="col">{v.t('mes.review.comments')}</th>
          </tr>
        </thead>
        <tbody>
          {view.definition.documentTypes.map((type) => {
            const documents = view.documents.filter((d) => d.documentType === type.id);
            const comments = view.comments.filter((c) => c.target === 'document' && c.targetId === type.id);
            return (
              <tr key={type.id}>
                <th scope="row">{v.t(type.label)}</th>
                <td>
                  {documents.length === 0 ? (
                    v.t('mes.review.noDocument')
                  ) : (
                    <ul>
                      {documents.map((d) => (
                        <li key={d.id}>
                          <a href={reviewHref(view.request.id, `/documents/${d.id}`)}>{v.t('mes.review.openDocument', { name: d.name })}</a>
                          {` — ${longDay(v, d.uploadedAt)}`}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <CommentList v={v} comments={comments} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function ChangesSection({ v, page, changes }: { v: ViewContext; page: MesRequestPage; changes: ChangesSinceComments }) {
  const none = changes.fields.length === 0 && changes.documentsAdded.length === 0 && changes.documentsRemoved.length === 0;
  return (
    <section aria-labelledby="changements">
      <h2 id="changements">{v.t('mes.review.changes')}</h2>
      {none ? (
        <p>{v.t('mes.review.changes.none')}</p>
      ) : (
        <>
          {changes.fields.length > 0 ? (
            <table class="data-table">
              <caption class="qc-sr-only">{v.t('mes.review.changes')}</caption>
              <thead>
                <tr>
                  <th scope="col">{v.t('mes.review.changes.field')}</th>
                  <th scope="col">{v.t('mes.review.changes.before')}</th>
                  <th scope="col">{v.t('mes.review.changes.after')}</th>
                </tr>
              </thead>
              <tbody>
                {changes.fields.map((change) => {
                  const field = fieldById(page.view.definition, change.key.split('#')[0] ?? '');
                  return (
                    <tr key={change.key}>
                      <th scope="row">{field ? v.t(field.label) : change.key}</th>
                      <td>{change.before ?? '—'}</td>
                      <td>{change.after ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          {changes.documentsAdded.length > 0 ? <p>{v.t('mes.review.changes.added', { names: changes.documentsAdded.join(', ') })}</p> : null}
          {changes.documentsRemoved.length > 0 ? <p>{v.t('mes.review.changes.removed', { names: changes.documentsRemoved.join(', ') })}</p> : null}
        </>
      )}
    </section>
  );
}

/** The targets an agent may comment on: every field shown, then every document type. */
function commentTargets(v: ViewContext, page: MesRequestPage) {
  const fields = page.view.definition.fields.filter((f) => isShown(f, page.facts)).map((f) => ({ value: `field:${f.id}`, label: `${v.t('mes.review.target.field')} ${v.t(f.label)}` }));
  const documents = page.view.definition.documentTypes.map((d) => ({ value: `document:${d.id}`, label: `${v.t('mes.review.target.document')} ${v.t(d.label)}` }));
  return [...fields, ...documents];
}

function CommentForm({ v, page, form }: { v: ViewContext; page: MesRequestPage; form: FormState }) {
  const labels = { target: v.t('mes.review.comment.target'), body: v.t('mes.review.comment.body') };
  return (
    <section aria-labelledby="commenter">
      <h2 id="commenter">{v.t('mes.review.comment.title')}</h2>
      <p>{v.t('mes.review.comment.explain')}</p>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={reviewHref(page.view.request.id, '/commentaires')}>
        <SelectField v={v} name="target" label={labels.target} form={form} required placeholder={v.t('mes.review.comment.choose')} options={commentTargets(v, page)} />
        <TextArea v={v} name="body" label={labels.body} form={form} required />
        <SubmitButton>{v.t('mes.review.comment.submit')}</SubmitButton>
      </Form>
    </section>
  );
}

function Decisions({ v, page }: { v: ViewContext; page: MesRequestPage }) {
  const { state, id } = page.view.request;
  if (state !== 'submitted' && state !== 'compliant') return null;
  return (
    <section aria-labelledby="decision">
      <h2 id="decision">{v.t('mes.review.decision')}</h2>
      {state === 'submitted' ? (
        <p>
          <a class="qc-button qc-primary" href={reviewHref(id, '/conforme')}>
            {v.t('mes.review.compliant')}
          </a>
        </p>
      ) : (
        <p>
          <a class="qc-button qc-secondary" href={reviewHref(id, '/terminer')}>
            {v.t('mes.review.close')}
          </a>
        </p>
      )}
    </section>
  );
}

/** An agent reads a request in full: data, documents, comments, changes since the comments, history. */
export function ReviewPage({ v, page, changes, form, notice }: { v: ViewContext; page: MesRequestPage; changes: ChangesSinceComments | null; form: FormState; notice?: string }) {
  const { view } = page;
  const commentable = view.request.state === 'submitted' || view.request.state === 'commented';
  const open = view.comments.filter((c) => c.round === view.request.round && !c.correctedAt).length;
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <RequestHeading v={v} page={page} />
      {view.request.state === 'commented' ? <p>{v.t('mes.review.waiting', { open })}</p> : null}
      {changes ? <ChangesSection v={v} page={page} changes={changes} /> : null}
      <IdentitySection v={v} page={page} />
      <ValuesSection v={v} page={page} />
      <DocumentsSection v={v} page={page} />
      {view.signature ? (
        <p>
          {v.t('mes.review.signedBy', {
            name: `${view.signature.firstName} ${view.signature.lastName}`,
            function: view.signature.function,
            date: formatDateTime(v.lang, view.signature.signedAt),
          })}
        </p>
      ) : null}
      {commentable ? <CommentForm v={v} page={page} form={form} /> : null}
      <Decisions v={v} page={page} />
      <HistorySection v={v} page={page} />
    </>
  );
}

/** Conforme or Terminée: a confirmation page before the irreversible step. */
export function DecisionConfirmPage({ v, page, decision, form }: { v: ViewContext; page: MesRequestPage; decision: 'compliant' | 'close'; form: FormState }) {
  const id = page.view.request.id;
  return (
    <>
      <RequestHeading v={v} page={page} />
      <p>{v.t(decision === 'compliant' ? 'mes.review.compliant.explain' : 'mes.review.close.explain')}</p>
      <ErrorSummary v={v} errors={form.errors} labels={{ note: v.t('mes.review.close.note') }} />
      <Form v={v} action={reviewHref(id, decision === 'compliant' ? '/conforme' : '/terminer')}>
        <input type="hidden" name="confirm" value="oui" />
        {decision === 'close' ? <TextArea v={v} name="note" label={v.t('mes.review.close.note')} form={form} required /> : null}
        <SubmitButton>{v.t(decision === 'compliant' ? 'mes.review.compliant.confirm' : 'mes.review.close.confirm')}</SubmitButton>
      </Form>
      <p>
        <a href={reviewHref(id)}>{v.t('mes.review.back')}</a>
      </p>
    </>
  );
}
