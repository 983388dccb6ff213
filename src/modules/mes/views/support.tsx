import { Form, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { isRequired, isShown, maxOf, type FieldDefinition } from '../../requests/program.js';
import { valueKey } from '../../requests/service.js';
import type { MesRequestPage } from '../service.js';
import { CommentAt, CommentBar, CorrectionForms, type PlacedComment } from './comments.js';
import { IdentitySection, RequestHeading } from './request-parts.js';
import { StepList } from './steps.js';

/** The fields of « Demande de soutien » this request asks for, under its revision (the RSG's name only for a BC). */
export function supportFields(page: MesRequestPage): FieldDefinition[] {
  const { definition } = page.view;
  const step = definition.steps.find((s) => s.id === 'support');
  return definition.fields.filter((f) => step?.fields.includes(f.id) && isShown(f, page.facts));
}

function numberHint(v: ViewContext, field: FieldDefinition, page: MesRequestPage): string {
  const max = maxOf(field, page.facts);
  if (field.type === 'decimal') return v.t('mes.hint.decimal', { max: max ?? '' });
  if (field.type === 'integer') return v.t('mes.hint.integer', { min: field.min ?? 1, max: max ?? '' });
  if (field.type === 'date') return v.t('mes.date.hint');
  return '';
}

function Control({ field, value, version, describedBy, invalid, required }: { field: FieldDefinition; value: string; version: number; describedBy: string; invalid: boolean; required: boolean }) {
  const common = {
    id: field.id,
    name: field.id,
    required,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
    'data-mes-field': field.id,
    'data-mes-version': String(version),
  };
  if (field.type === 'textarea') {
    return (
      <textarea {...common} maxlength={field.maxLength} rows={6}>
        {value}
      </textarea>
    );
  }
  const type = field.type === 'date' ? 'date' : field.type === 'phone' ? 'tel' : 'text';
  const inputmode = field.type === 'decimal' ? 'decimal' : field.type === 'integer' ? 'numeric' : undefined;
  return <input {...common} type={type} inputmode={inputmode} value={value} maxlength={field.maxLength} autocomplete={field.type === 'phone' ? 'tel' : undefined} />;
}

/** The bounds a field's message names (« au plus {max} »), per field. */
export type ErrorParams = Record<string, Record<string, string | number>>;

/** The error summary of the step, with each message's bounds filled in; each entry links to its field. */
function StepErrorSummary({ v, fields, form, errorParams }: { v: ViewContext; fields: FieldDefinition[]; form: FormState; errorParams: ErrorParams }) {
  const entries = fields.filter((f) => form.errors[f.id]);
  if (entries.length === 0) return null;
  return (
    <div class="qc-notice qc-error error-summary" tabindex={-1} id="error-summary">
      <div class="content-container">
        <div class="content" role="alert">
          <h2>{v.t(entries.length === 1 ? 'form.errorSummary.one' : 'form.errorSummary.many', { count: entries.length })}</h2>
          <ul>
            {entries.map((f) => {
              const key = form.errors[f.id];
              return key ? (
                <li key={f.id}>
                  <a href={`#${f.id}`}>{`${v.t(f.label)} : ${v.t(key, errorParams[f.id])}`}</a>
                </li>
              ) : null;
            })}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** One field of the form with its label, help, unit, error, the comment on it and its version for the stale check. */
function FieldBlock({ v, field, page, form, errorParams, placed, editable }: { v: ViewContext; field: FieldDefinition; page: MesRequestPage; form: FormState; errorParams: ErrorParams; placed: PlacedComment[]; editable: boolean }) {
  const stored = page.view.values.get(valueKey(field.id));
  const value = form.values[field.id] ?? stored?.value ?? '';
  const version = Number(form.values[`version:${field.id}`] ?? stored?.version ?? 0);
  const error = form.errors[field.id];
  const required = isRequired(field.required, page.facts);
  const hints = [field.help ? v.t(field.help) : '', numberHint(v, field, page)].filter(Boolean).join(' ');
  const describedBy = [hints && `${field.id}-hint`, field.unit && `${field.id}-unit`, error && `${field.id}-error`].filter(Boolean).join(' ');
  return (
    <div class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
      <CommentAt v={v} placed={placed} targetId={field.id} editable={editable} />
      <label class="qc-label" for={field.id}>
        <span class="qc-label-text">{v.t(field.label)}</span>
        {required ? (
          <span class="qc-required">
            <span aria-hidden="true">*</span>
            <span class="qc-sr-only">{v.t('form.required')}</span>
          </span>
        ) : null}
      </label>
      {hints ? (
        <div class="qc-description" id={`${field.id}-hint`}>
          {hints}
        </div>
      ) : null}
      {error ? (
        <div class="qc-form-error" id={`${field.id}-error`}>
          <span>{v.t(error, errorParams[field.id])}</span>
        </div>
      ) : null}
      <input type="hidden" name={`version:${field.id}`} value={String(version)} />
      <Control field={field} value={value} version={version} describedBy={describedBy} invalid={Boolean(error)} required={required} />
      {field.unit ? (
        <span class="mes-unit" id={`${field.id}-unit`}>
          {v.t(field.unit)}
        </span>
      ) : null}
    </div>
  );
}

/**
 * « Demande de soutien »: the identity and the service read-only, then the provider's fields. Each
 * field saves itself on change (public/mes-autosave.js); without JavaScript the buttons post the
 * whole step, saved the same way, versions included.
 */
export function SupportStep({ v, page, form, errorParams, placed, notice }: { v: ViewContext; page: MesRequestPage; form: FormState; errorParams: ErrorParams; placed: PlacedComment[]; notice?: string }) {
  const id = page.view.request.id;
  const fields = supportFields(page);
  return (
    <>
      <StepList v={v} steps={page.view.definition.steps} current="support" requestId={id} />
      <RequestHeading v={v} page={page} />
      <CommentBar v={v} placed={placed} />
      <StepErrorSummary v={v} fields={fields} form={form} errorParams={errorParams} />
      {notice ? <p role="status">{notice}</p> : null}
      <p>{v.t('mes.support.autosave')}</p>
      <p class="mes-save-status" role="status" aria-live="polite" id="mes-save-status" />
      <IdentitySection v={v} page={page} />
      <Form v={v} action={`/entreprise/mes/demandes/${id}/champs`} class="mes-step-form">
        <input type="hidden" name="etape" value="support" />
        <div data-mes-autosave={`/entreprise/mes/demandes/${id}/champ`} data-mes-csrf={v.csrf} data-mes-reload={`/entreprise/mes/demandes/${id}/modifier?etape=support`} data-mes-offline={v.t('mes.autosave.offline')}>
          <h2>{v.t('mes.support.title')}</h2>
          <p>{v.t('mes.requiredLegend')}</p>
          {fields.map((field) => (
            <FieldBlock key={field.id} v={v} field={field} page={page} form={form} errorParams={errorParams} placed={placed} editable />
          ))}
        </div>
        <div class="qc-button-group">
          <button type="submit" name="aller" value="previous" class="qc-button qc-secondary">
            {v.t('mes.previous')}
          </button>
          <button type="submit" name="aller" value="save" class="qc-button qc-secondary">
            {v.t('mes.save')}
          </button>
          <button type="submit" name="aller" value="next" class="qc-button qc-primary">
            {v.t('mes.next')}
          </button>
        </div>
      </Form>
      <CorrectionForms v={v} requestId={id} placed={placed} step="support" />
      <p>
        <a href={`/entreprise/mes/demandes/${id}/imprimer`}>{v.t('mes.print')}</a>
      </p>
    </>
  );
}
