import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../errors.js';
import type { FormValues } from './forms.js';
import type { ViewContext } from './render.js';

/**
 * Form components with the design system's markup. Every field takes its label already translated,
 * shows its error under the label, and is described by its help text and error for screen readers.
 */
export type FormState = { values: FormValues; errors: FieldErrors };

export const emptyForm: FormState = { values: {}, errors: {} };

export function Form({ v, action, children, class: className }: { v: ViewContext; action: string; children: ComponentChildren; class?: string }) {
  return (
    <form method="post" action={action} novalidate class={className}>
      <input type="hidden" name="_csrf" value={v.csrf} />
      {children}
    </form>
  );
}

/** The error summary at the top of a form: each message links to its field. */
export function ErrorSummary({ v, errors, labels }: { v: ViewContext; errors: FieldErrors; labels: Record<string, string> }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="qc-notice qc-error error-summary" tabindex={-1} id="error-summary">
      <div class="icon-container">
        <div class="qc-icon">
          <div role="img" class="qc-icon" data-img-type="error" data-img-size="nm" aria-label={v.t('form.errorIcon')} />
        </div>
      </div>
      <div class="content-container">
        <div class="content" role="alert">
          <h2>{v.t(entries.length === 1 ? 'form.errorSummary.one' : 'form.errorSummary.many', { count: entries.length })}</h2>
          <ul>
            {entries.map(([field, key]) => (
              <li key={field}>
                <a href={`#${field}`}>{labels[field] ? `${labels[field]} : ${v.t(key)}` : v.t(key)}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

export function Notice({ v, kind, title, children }: { v: ViewContext; kind: 'information' | 'success' | 'warning' | 'error'; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`qc-notice qc-${kind}`}>
      <div class="icon-container">
        <div class="qc-icon">
          <div role="img" class="qc-icon" data-img-type={kind} data-img-size="nm" aria-label={v.t(`notice.${kind}`)} />
        </div>
      </div>
      <div class="content-container">
        <div class="content" role={kind === 'error' ? 'alert' : kind === 'success' ? 'status' : undefined}>
          {title ? <h2>{title}</h2> : null}
          {children}
        </div>
      </div>
    </div>
  );
}

function FieldError({ v, id, error }: { v: ViewContext; id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <div class="qc-form-error" id={id}>
      <div role="img" class="qc-icon" data-img-type="warning" data-img-size="nm" aria-hidden="true" />
      <span>{v.t(error as Parameters<ViewContext['t']>[0])}</span>
    </div>
  );
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

type FieldProps = {
  v: ViewContext;
  name: string;
  label: string;
  form: FormState;
  hint?: string;
  required?: boolean;
};

function Label({ v, name, label, required }: { v: ViewContext; name: string; label: string; required?: boolean | undefined }) {
  return (
    <label class="qc-label" for={name}>
      <span class="qc-label-text">{label}</span>
      {required ? (
        <span class="qc-required">
          <span aria-hidden="true">*</span>
          <span class="qc-sr-only">{v.t('form.required')}</span>
        </span>
      ) : null}
    </label>
  );
}

export function TextField({
  v,
  name,
  label,
  form,
  hint,
  required,
  type = 'text',
  autocomplete,
  inputmode,
}: FieldProps & { type?: 'text' | 'email' | 'password' | 'tel' | 'date'; autocomplete?: string; inputmode?: 'numeric' | 'text' | 'email' }) {
  const error = form.errors[name];
  // Passwords are never sent back to the browser.
  const value = type === 'password' ? '' : (form.values[name] ?? '');
  return (
    <div class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
      <Label v={v} name={name} label={label} required={required} />
      {hint ? (
        <div class="qc-description" id={`${name}-hint`}>
          {hint}
        </div>
      ) : null}
      <FieldError v={v} id={`${name}-error`} error={error} />
      <input
        type={type}
        id={name}
        name={name}
        value={value}
        autocomplete={autocomplete}
        inputmode={inputmode}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}
      />
    </div>
  );
}

export function DateField(props: FieldProps) {
  return <TextField {...props} type="date" />;
}

export function TextArea({ v, name, label, form, hint, required }: FieldProps) {
  const error = form.errors[name];
  return (
    <div class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
      <Label v={v} name={name} label={label} required={required} />
      {hint ? <div class="qc-description" id={`${name}-hint`}>{hint}</div> : null}
      <FieldError v={v} id={`${name}-error`} error={error} />
      <textarea
        id={name}
        name={name}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}
      >
        {form.values[name] ?? ''}
      </textarea>
    </div>
  );
}

export type Option = { value: string; label: string };

export function SelectField({ v, name, label, form, hint, required, options, placeholder }: FieldProps & { options: Option[]; placeholder?: string }) {
  const error = form.errors[name];
  const selected = form.values[name] ?? '';
  return (
    <div class={error ? 'qc-select field-invalid' : 'qc-select'}>
      <Label v={v} name={name} label={label} required={required} />
      {hint ? <div class="qc-description" id={`${name}-hint`}>{hint}</div> : null}
      <FieldError v={v} id={`${name}-error`} error={error} />
      <select
        id={name}
        name={name}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === selected}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radios or checkboxes in a fieldset; the first choice carries the field's id for the summary link. */
export function ChoiceGroup({
  v,
  name,
  label,
  form,
  hint,
  required,
  options,
  multiple = false,
}: FieldProps & { options: Option[]; multiple?: boolean }) {
  const error = form.errors[name];
  const chosen = new Set((form.values[name] ?? '').split(',').filter(Boolean));
  const group = (
    <fieldset class="qc-fieldset" aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}>
      <legend>
        <span class="qc-label-text">{label}</span>
        {required ? (
          <span class="qc-required">
            <span aria-hidden="true">*</span>
            <span class="qc-sr-only">{v.t('form.required')}</span>
          </span>
        ) : null}
      </legend>
      {hint ? <div class="qc-description" id={`${name}-hint`}>{hint}</div> : null}
      <FieldError v={v} id={`${name}-error`} error={error} />
      <div class="qc-field-elements-flex qc-field-elements-flex-sm">
        {options.map((o, index) => (
          <label class="qc-choicefield-label" key={o.value}>
            <input
              type={multiple ? 'checkbox' : 'radio'}
              class="qc-choicefield"
              id={index === 0 ? name : `${name}-${o.value}`}
              name={name}
              value={o.value}
              checked={chosen.has(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
  return error ? <div class="qc-fieldset-invalid">{group}</div> : group;
}

export function FileField({ v, name, label, form, hint, required, accept }: FieldProps & { accept?: string }) {
  const error = form.errors[name];
  return (
    <div class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
      <Label v={v} name={name} label={label} required={required} />
      {hint ? <div class="qc-description" id={`${name}-hint`}>{hint}</div> : null}
      <FieldError v={v} id={`${name}-error`} error={error} />
      <input
        type="file"
        id={name}
        name={name}
        accept={accept}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}
      />
    </div>
  );
}

export function SubmitButton({ children, kind = 'primary' }: { children: ComponentChildren; kind?: 'primary' | 'secondary' | 'danger' }) {
  return (
    <div class="qc-button-group">
      <button type="submit" class={`qc-button qc-${kind === 'danger' ? 'primary qc-danger' : kind}`}>
        {children}
      </button>
    </div>
  );
}
