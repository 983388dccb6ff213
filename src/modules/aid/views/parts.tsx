import type { ComponentChildren } from 'preact';
import type { ViewContext } from '../../../platform/http/render.js';
import { fieldById, isRequired, type FieldDefinition } from '../../requests/program.js';
import type { CommentView, RequestDocumentView } from '../../requests/service.js';
import { longDay } from '../../mes/views/frame.js';
import { HistorySection } from '../../mes/views/request-parts.js';
import { tableById, tableRows, tableTotal, type AidProgram, type AidStep, type AidTable } from '../definition.js';
import { aidFacts, type AidRequestPage } from '../service.js';

/** The aid pages' parts that the provider's and the agent's pages share, for any aid program. */

export function requestsBase(program: AidProgram): string {
  return `/aide/${program.id}/demandes`;
}

export function requestHref(program: AidProgram, id: string): string {
  return `${requestsBase(program)}/${id}`;
}

export function stepHref(program: AidProgram, id: string, step: string): string {
  return `${requestsBase(program)}/${id}/etapes/${step}`;
}

export function reviewHref(id: string): string {
  return `/agent/aide/demandes/${id}`;
}

export function stepById(program: AidProgram, id: string): AidStep | undefined {
  return program.aid.steps.find((step) => step.id === id);
}

/** The first step where values are entered (where a person starts correcting). */
export function firstFieldStep(program: AidProgram): string {
  return program.aid.steps.find((step) => step.fields.length > 0)?.id ?? program.aid.steps[0]?.id ?? '';
}

/** Dollars as people read them: « 12 500,00 $ » in French, « $12,500.00 » in English. */
export function money(v: ViewContext, cents: number): string {
  return new Intl.NumberFormat(v.lang === 'fr' ? 'fr-CA' : 'en-CA', { style: 'currency', currency: 'CAD' }).format(cents / 100);
}

/** A stored amount (« 1234.5 ») written as money. */
export function moneyOf(v: ViewContext, value: string): string {
  return value === '' ? '' : money(v, Math.round(Number(value) * 100));
}

/** A stored value as a person reads it: a choice by its label, an amount in dollars, a number with its unit. */
export function shownValue(v: ViewContext, field: FieldDefinition, value: string): string {
  if (value === '') return '';
  if (field.type === 'choice') {
    const choice = field.choices?.find((c) => c.value === value);
    return choice ? v.t(choice.label) : value;
  }
  if (field.unit === 'aid.unit.dollars') return moneyOf(v, value);
  return field.unit ? `${value} ${v.t(field.unit)}` : value;
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

/** A table as read: each row in use and its total. */
export function TableSummary({ v, page, table }: { v: ViewContext; page: AidRequestPage; table: AidTable }) {
  const [first, amount] = table.columns.map((id) => fieldById(page.program, id));
  if (!first || !amount) return null;
  return (
    <table class="data-table">
      <caption>{v.t(table.caption)}</caption>
      <thead>
        <tr>
          <th scope="col">{v.t(first.label)}</th>
          <th scope="col">{v.t(amount.label)}</th>
        </tr>
      </thead>
      <tbody>
        {tableRows(table, page.view.values).map((row) => (
          <tr key={row}>
            <td>{shownValue(v, first, valueOf(page, first.id, row))}</td>
            <td class="numeric">{moneyOf(v, valueOf(page, amount.id, row))}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{v.t('aid.total')}</th>
          <td class="numeric">
            <strong>{money(v, tableTotal(page.program, page.view.values, table.id))}</strong>
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

/** The label of what a comment is about: a field of the form (with its step for a table's column) or a document type. */
export function targetLabel(v: ViewContext, program: AidProgram, comment: Pick<CommentView, 'target' | 'targetId'>): string {
  if (comment.target === 'field') {
    const field = fieldById(program, comment.targetId);
    if (!field) return comment.targetId;
    const step = program.aid.steps.find((s) => s.kind === 'table' && s.fields.includes(field.id));
    return step ? `${v.t(field.label)} — ${v.t(step.title)}` : v.t(field.label);
  }
  const type = program.documentTypes.find((d) => d.id === comment.targetId);
  return type ? v.t(type.label) : comment.targetId;
}

/** The step where a comment's target is entered. */
export function stepOf(program: AidProgram, comment: Pick<CommentView, 'target' | 'targetId'>): string {
  if (comment.target === 'document') return program.aid.steps.find((s) => s.kind === 'documents')?.id ?? firstFieldStep(program);
  return program.aid.steps.find((s) => s.fields.includes(comment.targetId))?.id ?? firstFieldStep(program);
}

/** Comments as read: each with its target, author, date and whether it is corrected. */
export function CommentList({ v, program, comments }: { v: ViewContext; program: AidProgram; comments: CommentView[] }) {
  if (comments.length === 0) return <p>{v.t('aid.comments.none')}</p>;
  return (
    <ul class="mes-plain-list">
      {comments.map((c) => (
        <li key={c.id} class="mes-comment">
          <p class="mes-comment-title">
            <strong>{targetLabel(v, program, c)}</strong> — {v.t('aid.comments.by', { name: c.authorName, date: longDay(v, c.createdAt), round: c.round })}
          </p>
          <p class="mes-comment-body">{c.body}</p>
          <p>{v.t(c.correctedAt ? 'aid.comments.isCorrected' : 'aid.comments.notCorrected')}</p>
        </li>
      ))}
    </ul>
  );
}

/** One step read-only, as the program defines it. */
function StepSummary({ v, page, step }: { v: ViewContext; page: AidRequestPage; step: AidStep }) {
  const program = page.program;
  switch (step.kind) {
    case 'organisation':
      return <OrganizationFacts v={v} page={page} />;
    case 'fields':
      return (
        <dl class="summary">
          {step.fields.map((fieldId) => {
            const field = fieldById(program, fieldId);
            return field ? (
              <>
                <dt>{v.t(field.label)}</dt>
                <dd>{shownValue(v, field, valueOf(page, fieldId)) || '—'}</dd>
              </>
            ) : null;
          })}
        </dl>
      );
    case 'table': {
      const table = tableById(program, step.table ?? '');
      const checks = page.checks.filter((c) => c.check.step === step.id && c.check.rule.kind === 'totalsEqual');
      return table ? (
        <>
          <TableSummary v={v} page={page} table={table} />
          {checks.map(({ check, ok }) => (
            <p key={check.id}>
              <Check v={v} ok={ok} /> {v.t(check.label)}
            </p>
          ))}
        </>
      ) : null;
    }
    case 'documents':
    case 'verification':
      return null;
  }
}

/** The whole request read-only: every step of its program, documents, signature, comments, history. */
export function RequestSummary({ v, page, documentHref }: { v: ViewContext; page: AidRequestPage; documentHref: (documentId: string) => string }) {
  const program = page.program;
  return (
    <>
      {program.aid.steps
        .filter((step) => step.kind !== 'documents' && step.kind !== 'verification')
        .map((step) => (
          <section key={step.id} aria-labelledby={step.id}>
            <h2 id={step.id}>{v.t(step.title)}</h2>
            <StepSummary v={v} page={page} step={step} />
          </section>
        ))}
      <section aria-labelledby="documents">
        <h2 id="documents">{v.t('aid.step.documents')}</h2>
        {program.documentTypes.map((type) => (
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
        <CommentList v={v} program={program} comments={page.view.comments} />
      </section>
      <HistorySection v={v} page={page} />
    </>
  );
}
