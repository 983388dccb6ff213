import { Form, Notice } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import { isRequired } from '../../requests/program.js';
import type { RequestDocumentView } from '../../requests/service.js';
import type { MesRequestPage } from '../service.js';
import { CommentAt, CommentBar, CorrectionForms, type PlacedComment } from './comments.js';
import { longDay } from './frame.js';
import { RequestHeading } from './request-parts.js';
import { stepHref, StepList } from './steps.js';

export type UploadProblem = { documentType: string; key: MessageKey; params: Record<string, string | number> };

function sizeText(v: ViewContext, bytes: number): string {
  return bytes >= 1024 * 1024 ? v.t('mes.size.mb', { size: (bytes / 1024 / 1024).toFixed(1) }) : v.t('mes.size.kb', { size: Math.max(1, Math.round(bytes / 1024)) });
}

/** A document with its « Ouvrir » link and, while the request can change, its « Supprimer » button. */
export function DocumentActions({ v, requestId, document, editable }: { v: ViewContext; requestId: string; document: RequestDocumentView; editable: boolean }) {
  return (
    <span class="mes-document-actions">
      <a href={`/entreprise/mes/demandes/${requestId}/documents/${document.id}`}>
        {v.t('mes.documents.open')}
        <span class="qc-sr-only">{` ${document.name}`}</span>
      </a>
      {editable ? (
        <form method="post" action={`/entreprise/mes/demandes/${requestId}/documents/${document.id}/supprimer`} class="inline-form">
          <input type="hidden" name="_csrf" value={v.csrf} />
          <button type="submit" class="link-button mes-link-button">
            {v.t('mes.documents.delete')}
            <span class="qc-sr-only">{` ${document.name}`}</span>
          </button>
        </form>
      ) : null}
    </span>
  );
}

/**
 * « Documents à joindre »: the four types, the required ones marked with *, the documents sent
 * with Ouvrir / Supprimer, and one upload form per type (PDF, 4 Mo at most). A refused file is
 * explained at its type; the documents already sent stay.
 */
export function DocumentsStep({ v, page, placed, problem, notice }: { v: ViewContext; page: MesRequestPage; placed: PlacedComment[]; problem?: UploadProblem; notice?: string }) {
  const id = page.view.request.id;
  return (
    <>
      <StepList v={v} steps={page.view.definition.steps} current="documents" requestId={id} />
      <RequestHeading v={v} page={page} />
      <CommentBar v={v} placed={placed} />
      {problem ? (
        <div class="qc-notice qc-error error-summary" tabindex={-1} id="error-summary">
          <div class="content-container">
            <div class="content" role="alert">
              <h2>{v.t('mes.documents.refused')}</h2>
              <p>
                <a href={`#fichier-${problem.documentType}`}>{v.t(problem.key, problem.params)}</a>
              </p>
            </div>
          </div>
        </div>
      ) : null}
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <p>{v.t('mes.documents.intro', { size: String(page.view.definition.maxDocumentBytes / 1024 / 1024) })}</p>
      <p>{v.t('mes.documents.signaturesHint')}</p>
      {page.view.definition.documentTypes.map((type) => {
        const documents = page.view.documents.filter((d) => d.documentType === type.id);
        const required = isRequired(type.required, page.facts);
        const error = problem?.documentType === type.id ? problem : undefined;
        const inputId = `fichier-${type.id}`;
        return (
          <section key={type.id} class="mes-document-type" aria-labelledby={`type-${type.id}`}>
            <h2 id={`type-${type.id}`}>
              {v.t(type.label)}
              {required ? (
                <span class="qc-required">
                  <span aria-hidden="true"> *</span>
                  <span class="qc-sr-only">{v.t('form.required')}</span>
                </span>
              ) : null}
            </h2>
            <CommentAt v={v} placed={placed} targetId={type.id} editable />
            {documents.length > 0 ? (
              <ul class="mes-plain-list">
                {documents.map((d) => (
                  <li key={d.id}>
                    {`${d.name} (${sizeText(v, d.size)}, ${longDay(v, d.uploadedAt)}) `}
                    <DocumentActions v={v} requestId={id} document={d} editable />
                  </li>
                ))}
              </ul>
            ) : (
              <p>{v.t('mes.documents.none')}</p>
            )}
            <Form v={v} action={`/entreprise/mes/demandes/${id}/documents`} enctype="multipart/form-data" class="mes-upload">
              <input type="hidden" name="documentType" value={type.id} />
              <div class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
                <label class="qc-label" for={inputId}>
                  <span class="qc-label-text">{v.t('mes.documents.add', { type: v.t(type.label) })}</span>
                </label>
                <div class="qc-description" id={`${inputId}-hint`}>
                  {v.t('mes.documents.hint', { size: String(page.view.definition.maxDocumentBytes / 1024 / 1024) })}
                </div>
                {error ? (
                  <div class="qc-form-error" id={`${inputId}-error`}>
                    <span>{v.t(error.key, error.params)}</span>
                  </div>
                ) : null}
                <input type="file" id={inputId} name="file" accept="application/pdf,.pdf" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${inputId}-hint ${inputId}-error` : `${inputId}-hint`} />
              </div>
              <div class="qc-button-group">
                <button type="submit" class="qc-button qc-secondary">
                  {v.t('mes.documents.submit')}
                </button>
              </div>
            </Form>
          </section>
        );
      })}
      <CorrectionForms v={v} requestId={id} placed={placed} step="documents" />
      <div class="qc-button-group">
        <a href={stepHref(id, 'support')} class="qc-button qc-secondary">
          {v.t('mes.previous')}
        </a>
        <a href={stepHref(id, 'verification')} class="qc-button qc-primary">
          {v.t('mes.next')}
        </a>
      </div>
    </>
  );
}
