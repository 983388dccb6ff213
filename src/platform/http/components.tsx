import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../errors.js';
import type { MessageKey } from '../i18n/index.js';
import type { FormValues } from './forms.js';
import type { ViewContext } from './render.js';

/**
 * Form components with the design system's markup. Every field takes its label already translated,
 * shows its error under the label, and is described by its help text and error for screen readers.
 */
export type FormState = { values: FormValues; errors: FieldErrors };

export const emptyForm: FormState = { values: {}, errors: {} };

export function Form({
  v,
  action,
  children,
  class: className,
  enctype,
}: {
  v: ViewContext;
  action: string;
  children: ComponentChildren;
  class?: string;
  /** A multipart form carries its CSRF token in the action's query string: the body is read later. */
  enctype?: 'multipart/form-data';
}) {
  const target = enctype ? `${action}${action.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(v.csrf)}` : action;
  return (
    <form method="post" action={target} novalidate class={className} enctype={enctype}>
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

function FieldError({ v, id, error }: { v: ViewContext; id: string; error: MessageKey | undefined }) {
  if (!error) return null;
  return (
    <div class="qc-form-error" id={id}>
      <div role="img" class="qc-icon" data-img-type="warning" data-img-size="nm" aria-hidden="true" />
      <span>{v.t(error)}</span>
    </div>
  );
}

type FieldProps = {
  v: ViewContext;
  name: string;
  label: string;
  form: FormState;
  hint?: string;
  required?: boolean;
};

function RequiredMark({ v, required }: { v: ViewContext; required?: boolean | undefined }) {
  if (!required) return null;
  return (
    <span class="qc-required">
      <span aria-hidden="true">*</span>
      <span class="qc-sr-only">{v.t('form.required')}</span>
    </span>
  );
}

/** The attributes that tie a control to its state, its hint and its error for screen readers. */
function controlAttributes({ name, hint, required, form }: FieldProps) {
  const error = form.errors[name];
  const describedBy = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ');
  return {
    id: name,
    name,
    required,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy || undefined,
  };
}

function HintAndError(props: FieldProps) {
  const { v, name, hint, form } = props;
  return (
    <>
      {hint ? (
        <div class="qc-description" id={`${name}-hint`}>
          {hint}
        </div>
      ) : null}
      <FieldError v={v} id={`${name}-error`} error={form.errors[name]} />
    </>
  );
}

/** A labelled control with its hint and error, in the design system's wrapper. */
function FieldShell({ wrapper, children, ...props }: FieldProps & { wrapper: 'qc-textfield' | 'qc-select'; children: ComponentChildren }) {
  return (
    <div class={props.form.errors[props.name] ? `${wrapper} field-invalid` : wrapper}>
      <label class="qc-label" for={props.name}>
        <span class="qc-label-text">{props.label}</span>
        <RequiredMark v={props.v} required={props.required} />
      </label>
      <HintAndError {...props} />
      {children}
    </div>
  );
}

export function TextField(
  props: FieldProps & { type?: 'text' | 'email' | 'password' | 'tel' | 'date'; autocomplete?: string; inputmode?: 'numeric' | 'text' | 'email' },
) {
  const { type = 'text', autocomplete, inputmode } = props;
  // Passwords are never sent back to the browser.
  const value = type === 'password' ? '' : (props.form.values[props.name] ?? '');
  return (
    <FieldShell {...props} wrapper="qc-textfield">
      <input type={type} value={value} autocomplete={autocomplete} inputmode={inputmode} {...controlAttributes(props)} />
    </FieldShell>
  );
}

export function DateField(props: FieldProps) {
  return <TextField {...props} type="date" />;
}

export function TextArea(props: FieldProps) {
  return (
    <FieldShell {...props} wrapper="qc-textfield">
      <textarea {...controlAttributes(props)}>{props.form.values[props.name] ?? ''}</textarea>
    </FieldShell>
  );
}

export type Option = { value: string; label: string };

export function SelectField(props: FieldProps & { options: Option[]; placeholder?: string }) {
  const selected = props.form.values[props.name] ?? '';
  return (
    <FieldShell {...props} wrapper="qc-select">
      <select {...controlAttributes(props)}>
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === selected}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Radios or checkboxes in a fieldset; the first choice carries the field's id for the summary link. */
export function ChoiceGroup(props: FieldProps & { options: Option[]; multiple?: boolean }) {
  const { v, name, label, form, options, multiple = false } = props;
  const chosen = new Set((form.values[name] ?? '').split(',').filter(Boolean));
  const { 'aria-describedby': describedBy } = controlAttributes(props);
  const group = (
    <fieldset class="qc-fieldset" aria-describedby={describedBy}>
      <legend>
        <span class="qc-label-text">{label}</span>
        <RequiredMark v={v} required={props.required} />
      </legend>
      <HintAndError {...props} />
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
  return form.errors[name] ? <div class="qc-fieldset-invalid">{group}</div> : group;
}

export function FileField(props: FieldProps & { accept?: string }) {
  return (
    <FieldShell {...props} wrapper="qc-textfield">
      <input type="file" accept={props.accept} {...controlAttributes(props)} />
    </FieldShell>
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

/** What a list says when it has nothing to show, in place of its table. */
export function EmptyState({ children }: { children: ComponentChildren }) {
  return <p>{children}</p>;
}

/** A column of a `DataTable`: its header, and what each row shows in it (the row's header cell when `rowHeader`). */
export type Column<T> = { header: ComponentChildren; cell: (row: T) => ComponentChildren; rowHeader?: boolean };

/**
 * A list as a table with its caption and column headers (`scope` set for screen readers), or its
 * empty state when there are no rows.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  class: className,
}: {
  caption: ComponentChildren;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  empty: ComponentChildren;
  class?: string;
}) {
  if (rows.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <table class={className}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th scope="col" key={index}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column, index) =>
              column.rowHeader ? (
                <th scope="row" key={index}>
                  {column.cell(row)}
                </th>
              ) : (
                <td key={index}>{column.cell(row)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export type PageLink = { href: string; label: string };

/**
 * The links to a list's previous and next pages, in a navigation landmark named `label`; nothing
 * when there is a single page. `children` come before the links (e.g. « Page 2 of 5 »).
 */
export function Pager({ label, previous, next, children }: { label: string; previous: PageLink | null; next: PageLink | null; children?: ComponentChildren }) {
  if (!previous && !next) return null;
  return (
    <nav aria-label={label}>
      {children}
      <ul class="pagination">
        {previous ? (
          <li>
            <a href={previous.href} rel="prev">
              {previous.label}
            </a>
          </li>
        ) : null}
        {next ? (
          <li>
            <a href={next.href} rel="next">
              {next.label}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
