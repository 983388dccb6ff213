import type { ComponentChildren } from 'preact';
import type { ViewContext } from '../../../platform/http/render.js';
import { isRequired } from '../../requests/program.js';
import type { CommentView, RequestDocumentView } from '../../requests/service.js';
import { longDay } from '../../mes/views/frame.js';
import { HistorySection } from '../../mes/views/request-parts.js';
import { AID_PROGRAM_ID, aidProgram, financingSources, tableTotal, tables, type TableId } from '../program.js';
import { aidFacts, tableRows, type AidRequestPage } from '../service.js';

/** The aid pages' parts that the provider's and the agent's pages share. */

export const requestsBase = `/aide/${AID_PROGRAM_ID}/demandes`;

export const stepIds = ['organisation', 'projet', 'couts', 'financement', 'documents', 'verification'] as const;
export type StepId = (typeof stepIds)[number];

export function requestHref(id: string): string {
  return `${requestsBase}/${id}`;
}

export function stepHref(id: string, step: StepId): string {
  return `${requestsBase}/${id}/etapes/${step}`;
}

export function reviewHref(id: string): string {
  return `/agent/aide/demandes/${id}`;
}

/** Dollars as people read them: « 12 500,00 $ » in French, « $12,500.00 » in English. */
export function money(v: ViewContext, cents: number): string {
  return new Intl.NumberFormat(v.lang === 'fr' ? 'fr-CA' : 'en-CA', { style: 'currency', currency: 'CAD' }).format(cents / 100);
}

/** A stored amount (« 1234.5 ») written as money. */
export function moneyOf(v: ViewContext, value: string): string {
  return value === '' ? '' : money(v, Math.round(Number(value) * 100));
}

export function Check({ v, ok }: { v: ViewContext; ok: boolean }) {
  return (
    <span class={ok ? 'mes-ok' : 'mes-missing'}>
      <span aria-hidden="true">{ok ? '✓' : '✗'}</span>
      <span class="qc-sr-only">{v.t(ok ? 'aid.check.ok' : 'aid.check.missing')}</span>
    </span>
  );
}

/** « Demande 2026-90-004 — Ville d'essai (code géographique 00042) — Brouillon ». */
export function RequestHeading({ v, page }: { v: ViewContext; page: AidRequestPage }) {
  const { organization, view } = page;
  return (
    <div class="mes-request-heading">
      <p>
        <strong>{v.t('aid.request.number')}</strong> {view.request.number} {' — '}
        {v.t('aid.detail.state')} : <strong>{v.t(`requests.state.${view.request.state}`)}</strong>
      </p>
      <p>
        <strong>{v.t('aid.organization')}</strong> {`${organization.name} (${v.t(`aid.identifier.${organization.kind}`)} ${organization.identifier})`}
      </p>
    </div>
  );
}

export function OrganizationFacts({ v, page }: { v: ViewContext; page: AidRequestPage }) {
  const { organization } = page;
  return (
    <dl class="summary">
      <dt>{v.t('aid.organization.name')}</dt>
      <dd>{organization.name}</dd>
      <dt>{v.t('aid.organization.kind')}</dt>
      <dd>{v.t(`aid.kind.${organization.kind}`)}</dd>
      <dt>{v.t(`aid.identifier.${organization.kind}`)}</dt>
      <dd>{organization.identifier}</dd>
    </dl>
  );
}

function valueOf(page: AidRequestPage, fieldId: string, row = 0): string {
  return page.view.values.get(`${fieldId}#${row}`)?.value ?? '';
}

/** A table (costs or financing) as read: each row in use and its total. */
export function TableSummary({ v, page, table }: { v: ViewContext; page: AidRequestPage; table: TableId }) {
  const group = tables[table];
  const rows = tableRows(page.view.values, table);
  const firstLabel = table === 'costs' ? 'aid.field.costDescription' : 'aid.field.source';
  return (
    <table class="data-table">
      <caption>{v.t(table === 'costs' ? 'aid.costs.caption' : 'aid.financing.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{v.t(firstLabel)}</th>
          <th scope="col">{v.t('aid.field.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const first = valueOf(page, group.first, row);
          const shown = table === 'financing' && (financingSources as readonly string[]).includes(first) ? v.t(`aid.source.${first as (typeof financingSources)[number]}`) : first;
          return (
            <tr key={row}>
              <td>{shown}</td>
              <td class="numeric">{moneyOf(v, valueOf(page, group.amount, row))}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{v.t('aid.total')}</th>
          <td class="numeric">
            <strong>{money(v, tableTotal(page.view.values, table))}</strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

export function DocumentList({ v, documents, href, children }: { v: ViewContext; documents: RequestDocumentView[]; href: (documentId: string) => string; children?: (d: RequestDocumentView) => ComponentChildren }) {
  if (documents.length === 0) return <p>{v.t('aid.documents.none')}</p>;
  return (
    <ul class="mes-plain-list">
      {documents.map((d) => (
        <li key={d.id}>
          <a href={href(d.id)}>{d.name}</a>
          {` (${longDay(v, d.uploadedAt)}) `}
          {children ? children(d) : null}
        </li>
      ))}
    </ul>
  );
}

/** The label of what a comment is about: a field of the form or a document type. */
export function targetLabel(v: ViewContext, comment: Pick<CommentView, 'target' | 'targetId'>): string {
  if (comment.target === 'field') {
    const field = aidProgram.fields.find((f) => f.id === comment.targetId);
    return field ? v.t(field.label) : comment.targetId;
  }
  const type = aidProgram.documentTypes.find((d) => d.id === comment.targetId);
  return type ? v.t(type.label) : comment.targetId;
}

/** The step where a comment's target is entered. */
export function stepOf(comment: Pick<CommentView, 'target' | 'targetId'>): StepId {
  if (comment.target === 'document') return 'documents';
  const step = aidProgram.steps.find((s) => s.fields.includes(comment.targetId))?.id;
  return stepIds.find((id) => id === step) ?? 'projet';
}

/** Comments as read: each with its target, author, date and whether it is corrected. */
export function CommentList({ v, comments }: { v: ViewContext; comments: CommentView[] }) {
  if (comments.length === 0) return <p>{v.t('aid.comments.none')}</p>;
  return (
    <ul class="mes-plain-list">
      {comments.map((c) => (
        <li key={c.id} class="mes-comment">
          <p class="mes-comment-title">
            <strong>{targetLabel(v, c)}</strong> — {v.t('aid.comments.by', { name: c.authorName, date: longDay(v, c.createdAt), round: c.round })}
          </p>
          <p class="mes-comment-body">{c.body}</p>
          <p>{v.t(c.correctedAt ? 'aid.comments.isCorrected' : 'aid.comments.notCorrected')}</p>
        </li>
      ))}
    </ul>
  );
}

/** The whole request read-only: organization, project, both tables, documents, comments, history. */
export function RequestSummary({ v, page, documentHref }: { v: ViewContext; page: AidRequestPage; documentHref: (documentId: string) => string }) {
  const project = aidProgram.steps.find((s) => s.id === 'projet')?.fields ?? [];
  return (
    <>
      <section aria-labelledby="organisation">
        <h2 id="organisation">{v.t('aid.step.organisation')}</h2>
        <OrganizationFacts v={v} page={page} />
      </section>
      <section aria-labelledby="projet">
        <h2 id="projet">{v.t('aid.step.projet')}</h2>
        <dl class="summary">
          {project.map((fieldId) => {
            const field = aidProgram.fields.find((f) => f.id === fieldId);
            return field ? (
              <>
                <dt>{v.t(field.label)}</dt>
                <dd>{valueOf(page, fieldId) || '—'}</dd>
              </>
            ) : null;
          })}
        </dl>
      </section>
      <section aria-labelledby="couts">
        <h2 id="couts">{v.t('aid.step.couts')}</h2>
        <TableSummary v={v} page={page} table="costs" />
      </section>
      <section aria-labelledby="financement">
        <h2 id="financement">{v.t('aid.step.financement')}</h2>
        <TableSummary v={v} page={page} table="financing" />
        <p>
          <Check v={v} ok={page.checks.find((c) => c.key === 'financingEqualsCosts')?.ok ?? false} /> {v.t('aid.check.financingEqualsCosts')}
        </p>
      </section>
      <section aria-labelledby="documents">
        <h2 id="documents">{v.t('aid.step.documents')}</h2>
        {aidProgram.documentTypes.map((type) => (
          <div key={type.id}>
            <h3>
              {v.t(type.label)}
              {isRequired(type.required, aidFacts) ? ` (${v.t('form.required')})` : ''}
            </h3>
            <DocumentList v={v} documents={page.view.documents.filter((d) => d.documentType === type.id)} href={documentHref} />
          </div>
        ))}
      </section>
      {page.view.signature ? (
        <p>
          {v.t('aid.sign.done', {
            name: `${page.view.signature.firstName} ${page.view.signature.lastName}`,
            function: page.view.signature.function,
            date: longDay(v, page.view.signature.signedAt),
          })}
        </p>
      ) : null}
      <section aria-labelledby="commentaires">
        <h2 id="commentaires">{v.t('aid.comments.title')}</h2>
        <CommentList v={v} comments={page.view.comments} />
      </section>
      <HistorySection v={v} page={page} />
    </>
  );
}
