import type { ComponentChildren } from 'preact';
import { ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import { fieldById, isRequired, type FieldDefinition } from '../../requests/program.js';
import type { ReceivabilityItem } from '../../requests/service.js';
import { isoDay, longDay } from '../../mes/views/frame.js';
import { tableById, tableRows, tableTotal, type AidProgram, type AidStep, type AidTable } from '../definition.js';
import { aidFacts, inputName, type AidListRow, type AidRequestPage, type AidSpace } from '../service.js';
import { Check, DocumentList, firstFieldStep, money, OrganizationFacts, RequestHeading, RequestSummary, requestHref, requestsBase, stepHref, stepOf, targetLabel } from './parts.js';

/** The provider's aid pages for any aid program: the list, the creation, the program's steps, the confirmations. */

export function AidFrame({ v, space, current, children }: { v: ViewContext; space: AidSpace; current: 'list' | 'new' | null; children: ComponentChildren }) {
  return (
    <div class="mes-frame">
      {/* The MES pages' stylesheet (menu, steps, checks, comments): the same layout, no script. */}
      <link rel="stylesheet" href="/static/mes.css" />
      <nav class="mes-menu" aria-label={v.t('aid.menu.label')}>
        <ul>
          <li>
            <a href={requestsBase(space.program)} aria-current={current === 'list' ? 'page' : undefined}>
              {v.t('aid.menu.list')}
            </a>
          </li>
          {space.writable.length > 0 ? (
            <li>
              <a href={`${requestsBase(space.program)}/nouvelle`} aria-current={current === 'new' ? 'page' : undefined}>
                {v.t('aid.menu.new')}
              </a>
            </li>
          ) : null}
        </ul>
      </nav>
      <div class="mes-content">{children}</div>
    </div>
  );
}

export function ListPage({ v, space, rows, notice }: { v: ViewContext; space: AidSpace; rows: AidListRow[]; notice?: string }) {
  return (
    <>
      {notice ? <p role="status">{notice}</p> : null}
      <p>{v.t('aid.list.intro')}</p>
      <ul>
        {space.organizations.map((o) => (
          <li key={o.id}>{v.t('aid.list.profile', { organization: o.name, profile: v.t(`aid.profile.${o.profile}`) })}</li>
        ))}
      </ul>
      {rows.length === 0 ? (
        <p>{v.t('aid.list.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('aid.list.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('aid.list.number')}</th>
              <th scope="col">{v.t('aid.organization')}</th>
              <th scope="col">{v.t(fieldById(space.program, space.program.aid.titleField)?.label ?? 'aid.field.title')}</th>
              <th scope="col">{v.t('aid.detail.state')}</th>
              <th scope="col">{v.t('aid.list.created')}</th>
              <th scope="col">{v.t('aid.list.submitted')}</th>
              <th scope="col">{v.t('aid.list.changed')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={requestHref(space.program, r.id)}>{r.number}</a>
                </td>
                <td>{r.organizationName}</td>
                <td>{r.title || '—'}</td>
                <td>{v.t(`requests.state.${r.state}`)}</td>
                <td>{isoDay(r.createdAt)}</td>
                <td>{isoDay(r.lastSubmittedAt)}</td>
                <td>{isoDay(r.changedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function NewPage({ v, space, form, creationKey }: { v: ViewContext; space: AidSpace; form: FormState; creationKey: string }) {
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={{ organizationId: v.t('aid.create.organization') }} />
      <p>{v.t('aid.create.intro')}</p>
      <Form v={v} action={`${requestsBase(space.program)}/nouvelle`}>
        <input type="hidden" name="creationKey" value={creationKey} />
        <SelectField
          v={v}
          name="organizationId"
          label={v.t('aid.create.organization')}
          required
          form={form}
          placeholder={v.t('aid.create.organization.choose')}
          options={space.writable.map((o) => ({ value: o.id, label: `${o.name} (${o.identifier})` }))}
        />
        <SubmitButton>{v.t('aid.create.submit')}</SubmitButton>
      </Form>
    </>
  );
}

/** The steps before and after one, for the buttons at the bottom of each step. */
function neighbours(program: AidProgram, step: string): { previous: string | null; next: string | null } {
  const index = program.aid.steps.findIndex((s) => s.id === step);
  return { previous: program.aid.steps[index - 1]?.id ?? null, next: program.aid.steps[index + 1]?.id ?? null };
}

export function StepList({ v, program, current, requestId }: { v: ViewContext; program: AidProgram; current: string; requestId: string }) {
  return (
    <nav aria-label={v.t('aid.steps.label')}>
      <ol class="mes-steps">
        {program.aid.steps.map((step) => {
          const label = (
            <>
              <strong>{v.t(step.title)}</strong>
              <span>{v.t(step.subtitle)}</span>
            </>
          );
          return (
            <li key={step.id} class={step.id === current ? 'mes-step-current' : undefined}>
              {step.id === current ? <span aria-current="step">{label}</span> : <a href={stepHref(program, requestId, step.id)}>{label}</a>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** The comments of the current round on this step's fields or documents, each with its « Corrigé » form. */
function StepComments({ v, page, step }: { v: ViewContext; page: AidRequestPage; step: string }) {
  const { request } = page.view;
  if (request.state !== 'commented') return null;
  const here = page.view.comments.filter((c) => c.round === request.round && stepOf(page.program, c) === step);
  if (here.length === 0) return null;
  return (
    <section aria-labelledby="commentaires-etape" class="mes-comment-bar">
      <h2 id="commentaires-etape">{v.t('aid.comments.title')}</h2>
      {here.map((c) => (
        <div key={c.id} id={`commentaire-${c.id}`} class="mes-comment">
          <p class="mes-comment-title">
            <strong>{targetLabel(v, page.program, c)}</strong> — {v.t('aid.comments.by', { name: c.authorName, date: longDay(v, c.createdAt), round: c.round })}
          </p>
          <p class="mes-comment-body">{c.body}</p>
          {page.permitted.edit ? (
            <Form v={v} action={`${requestHref(page.program, request.id)}/commentaires/${c.id}`}>
              <input type="hidden" name="etape" value={step} />
              <input type="hidden" name="corrected" value={c.correctedAt ? 'non' : 'oui'} />
              <p>{v.t(c.correctedAt ? 'aid.comments.isCorrected' : 'aid.comments.notCorrected')}</p>
              <button type="submit" class="qc-button qc-secondary mes-small-button">
                {v.t(c.correctedAt ? 'aid.comments.reopen' : 'aid.comments.markCorrected')}
              </button>
            </Form>
          ) : (
            <p>{v.t(c.correctedAt ? 'aid.comments.isCorrected' : 'aid.comments.notCorrected')}</p>
          )}
        </div>
      ))}
    </section>
  );
}

function StepButtons({ v, program, step }: { v: ViewContext; program: AidProgram; step: string }) {
  const { previous, next } = neighbours(program, step);
  return (
    <div class="qc-button-group">
      {previous ? (
        <button type="submit" name="aller" value={`etape:${previous}`} class="qc-button qc-secondary">
          {v.t('aid.previous')}
        </button>
      ) : null}
      <button type="submit" name="aller" value="enregistrer" class="qc-button qc-secondary">
        {v.t('aid.save')}
      </button>
      {next ? (
        <button type="submit" name="aller" value={`etape:${next}`} class="qc-button qc-primary">
          {v.t('aid.next')}
        </button>
      ) : null}
    </div>
  );
}

function StepLinks({ v, program, id, step }: { v: ViewContext; program: AidProgram; id: string; step: string }) {
  const { previous, next } = neighbours(program, step);
  return (
    <div class="qc-button-group">
      {previous ? (
        <a href={stepHref(program, id, previous)} class="qc-button qc-secondary">
          {v.t('aid.previous')}
        </a>
      ) : null}
      {next ? (
        <a href={stepHref(program, id, next)} class="qc-button qc-primary">
          {v.t('aid.next')}
        </a>
      ) : null}
    </div>
  );
}

export type StepView = { form: FormState; params: Record<string, Record<string, string | number>>; notice?: string; uploadError?: { documentType: string; key: MessageKey; params: Record<string, string | number> } };

/** A field's value for the form: what was typed when in error, else what is stored. */
function formValue(page: AidRequestPage, form: FormState, fieldId: string, row: number): string {
  const name = inputName(page.program, fieldId, row);
  return form.values[name] ?? page.view.values.get(`${fieldId}#${row}`)?.value ?? '';
}

function versionInput(page: AidRequestPage, form: FormState, fieldId: string, row: number) {
  const name = inputName(page.program, fieldId, row);
  const version = form.values[`version:${name}`] ?? String(page.view.values.get(`${fieldId}#${row}`)?.version ?? 0);
  return <input type="hidden" name={`version:${name}`} value={version} />;
}

function errorText(v: ViewContext, view: StepView, name: string): string | undefined {
  const key = view.form.errors[name];
  return key ? v.t(key, view.params[name] ?? {}) : undefined;
}

/** The messages of every input in error, written with their bounds. */
function errorMessages(v: ViewContext, view: StepView): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const name of Object.keys(view.form.errors)) {
    const text = errorText(v, view, name);
    if (text) messages[name] = text;
  }
  return messages;
}

/** One field's input, by its type: a text area, a list of choices, a date or a text input. */
function FieldInput({ v, field, value, error, errorKey, params }: { v: ViewContext; field: FieldDefinition; value: string; error: string | undefined; errorKey: MessageKey | undefined; params: Record<string, string | number> }) {
  // The field's error names its bound (« au plus {max} caractères »): its parameters go with it.
  const fieldV: ViewContext = { ...v, t: (key, extra) => v.t(key, { ...params, ...extra }) };
  const props = { v: fieldV, name: field.id, label: v.t(field.label), required: true, form: { values: { [field.id]: value }, errors: error && errorKey ? { [field.id]: errorKey } : {} }, hint: field.help ? v.t(field.help) : undefined };
  if (field.type === 'textarea') return <TextArea {...props} />;
  if (field.type === 'choice') return <SelectField {...props} placeholder={v.t('aid.choice.choose')} options={(field.choices ?? []).map((c) => ({ value: c.value, label: v.t(c.label) }))} />;
  const inputmode = field.type === 'integer' ? 'numeric' : undefined;
  return <TextField {...props} type={field.type === 'date' ? 'date' : 'text'} inputmode={inputmode} />;
}

function FieldsStep({ v, page, step, view }: { v: ViewContext; page: AidRequestPage; step: AidStep; view: StepView }) {
  const messages = errorMessages(v, view);
  return (
    <Form v={v} action={stepHref(page.program, page.view.request.id, step.id)}>
      <FieldErrorsSummary v={v} messages={messages} />
      {step.fields.map((fieldId) => {
        const field = fieldById(page.program, fieldId);
        if (!field) return null;
        return (
          <div key={fieldId}>
            <FieldInput v={v} field={field} value={formValue(page, view.form, fieldId, 0)} error={messages[fieldId]} errorKey={view.form.errors[fieldId]} params={view.params[fieldId] ?? {}} />
            {versionInput(page, view.form, fieldId, 0)}
          </div>
        );
      })}
      <StepButtons v={v} program={page.program} step={step.id} />
    </Form>
  );
}

/** The error summary with the messages already written (with their bounds), each linking to its input. */
function FieldErrorsSummary({ v, messages }: { v: ViewContext; messages: Record<string, string> }) {
  const entries = Object.entries(messages);
  if (entries.length === 0) return null;
  return (
    <div class="qc-notice qc-error error-summary" tabindex={-1} id="error-summary">
      <div class="content-container">
        <div class="content" role="alert">
          <h2>{v.t(entries.length === 1 ? 'form.errorSummary.one' : 'form.errorSummary.many', { count: entries.length })}</h2>
          <ul>
            {entries.map(([name, text]) => (
              <li key={name}>
                <a href={`#${name}`}>{text}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** The rows shown: those in use, those typed in error, and two empty ones to add to the table. */
function shownRows(page: AidRequestPage, view: StepView, table: AidTable): number[] {
  const rows = new Set(tableRows(table, page.view.values));
  for (const [name, value] of Object.entries(view.form.values)) {
    const column = table.columns.find((c) => name.startsWith(`${c}.`));
    const row = column ? Number(name.slice(column.length + 1)) : NaN;
    if (Number.isInteger(row) && (value ?? '') !== '') rows.add(row);
  }
  const next = rows.size === 0 ? 0 : Math.max(...rows) + 1;
  rows.add(next);
  rows.add(next + 1);
  return [...rows].filter((r) => r >= 0 && r < 100).sort((a, b) => a - b);
}

/** The comparison of a « totals equal » check, under the table it is fixed on. */
function TotalsCheck({ v, page, step }: { v: ViewContext; page: AidRequestPage; step: string }) {
  return (
    <>
      {page.checks.map(({ check, ok }) =>
        check.step === step && check.rule.kind === 'totalsEqual' ? (
          <p key={check.id}>
            <Check v={v} ok={ok} />{' '}
            {v.t('aid.financing.compare', { first: money(v, tableTotal(page.program, page.view.values, check.rule.tables[0])), second: money(v, tableTotal(page.program, page.view.values, check.rule.tables[1])) })}
          </p>
        ) : null,
      )}
    </>
  );
}

function TableStep({ v, page, step, view, table }: { v: ViewContext; page: AidRequestPage; step: AidStep; view: StepView; table: AidTable }) {
  const program = page.program;
  const rows = shownRows(page, view, table);
  const messages = errorMessages(v, view);
  const [firstField, amountField] = table.columns.map((id) => fieldById(program, id));
  if (!firstField || !amountField) return null;
  const cell = (field: FieldDefinition, row: number) => {
    const name = inputName(program, field.id, row);
    const error = messages[name];
    const value = formValue(page, view.form, field.id, row);
    const describedBy = error ? `${name}-error` : undefined;
    const control =
      field.type === 'choice' ? (
        <select id={name} name={name} class="qc-select" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
          <option value="">{v.t('aid.source.choose')}</option>
          {(field.choices ?? []).map((c) => (
            <option key={c.value} value={c.value} selected={c.value === value}>
              {v.t(c.label)}
            </option>
          ))}
        </select>
      ) : (
        <input id={name} name={name} type="text" value={value} inputmode={field === amountField ? 'decimal' : undefined} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} />
      );
    return (
      <td class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
        <label class="qc-sr-only" for={name}>
          {v.t('aid.table.cellLabel', { label: v.t(field.label), row: row + 1 })}
        </label>
        {error ? (
          <div class="qc-form-error" id={`${name}-error`}>
            <span>{error}</span>
          </div>
        ) : null}
        {control}
        {versionInput(page, view.form, field.id, row)}
      </td>
    );
  };
  return (
    <Form v={v} action={stepHref(program, page.view.request.id, step.id)}>
      <FieldErrorsSummary v={v} messages={messages} />
      <p>{v.t(table.intro)}</p>
      <p>{v.t('aid.table.howTo')}</p>
      <table class="data-table">
        <caption>{v.t(table.caption)}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t(firstField.label)}</th>
            <th scope="col">{`${v.t(amountField.label)} (${v.t('aid.unit.dollars')})`}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row}>
              {cell(firstField, row)}
              {cell(amountField, row)}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{v.t('aid.total.saved')}</th>
            <td class="numeric">
              <strong>{money(v, tableTotal(program, page.view.values, table.id))}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      <TotalsCheck v={v} page={page} step={step.id} />
      <StepButtons v={v} program={program} step={step.id} />
    </Form>
  );
}

function DocumentsStep({ v, page, step, view }: { v: ViewContext; page: AidRequestPage; step: AidStep; view: StepView }) {
  const program = page.program;
  const id = page.view.request.id;
  const problem = view.uploadError;
  return (
    <>
      {problem ? <FieldErrorsSummary v={v} messages={{ [`fichier-${problem.documentType}`]: v.t(problem.key, problem.params) }} /> : null}
      <p>{v.t('aid.documents.intro', { size: String(program.maxDocumentBytes / 1024 / 1024) })}</p>
      {program.documentTypes.map((type) => {
        const inputId = `fichier-${type.id}`;
        const error = problem?.documentType === type.id ? v.t(problem.key, problem.params) : undefined;
        return (
          <section key={type.id} class="mes-document-type" aria-labelledby={`type-${type.id}`}>
            <h2 id={`type-${type.id}`}>
              {v.t(type.label)}
              {isRequired(type.required, aidFacts) ? <span class="qc-required">{` (${v.t('form.required')})`}</span> : null}
            </h2>
            <DocumentList v={v} documents={page.view.documents.filter((d) => d.documentType === type.id)} href={(documentId) => `${requestHref(program, id)}/documents/${documentId}`}>
              {(d) => (
                <form method="post" action={`${requestHref(program, id)}/documents/${d.id}/supprimer`} class="inline-form">
                  <input type="hidden" name="_csrf" value={v.csrf} />
                  <button type="submit" class="link-button mes-link-button">
                    {v.t('aid.documents.delete')}
                    <span class="qc-sr-only">{` ${d.name}`}</span>
                  </button>
                </form>
              )}
            </DocumentList>
            <Form v={v} action={`${requestHref(program, id)}/documents`} enctype="multipart/form-data">
              <input type="hidden" name="documentType" value={type.id} />
              <div class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
                <label class="qc-label" for={inputId}>
                  <span class="qc-label-text">{v.t('aid.documents.add', { type: v.t(type.label) })}</span>
                </label>
                {error ? (
                  <div class="qc-form-error" id={`${inputId}-error`}>
                    <span>{error}</span>
                  </div>
                ) : null}
                <input type="file" id={inputId} name="file" accept="application/pdf,.pdf" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${inputId}-error` : undefined} />
              </div>
              <div class="qc-button-group">
                <button type="submit" class="qc-button qc-secondary">
                  {v.t('aid.documents.submit')}
                </button>
              </div>
            </Form>
          </section>
        );
      })}
      <StepLinks v={v} program={program} id={id} step={step.id} />
    </>
  );
}

function itemLabel(v: ViewContext, program: AidProgram, item: ReceivabilityItem): string {
  if (item.key === 'documents') {
    const type = program.documentTypes.find((d) => d.id === item.detail);
    return v.t('aid.check.document', { document: type ? v.t(type.label) : '' });
  }
  return v.t(`aid.check.${item.key}`);
}

function itemHref(page: AidRequestPage, item: ReceivabilityItem): string {
  const program = page.program;
  const id = page.view.request.id;
  if (item.key === 'documents') return `${stepHref(program, id, stepOf(program, { target: 'document', targetId: item.detail ?? '' }))}#fichier-${item.detail ?? ''}`;
  if (item.key === 'signature') return '#signature';
  if (item.key === 'comments') {
    const open = page.view.comments.find((c) => c.round === page.view.request.round && c.correctedAt === null);
    return open ? `${stepHref(program, id, stepOf(program, open))}#commentaire-${open.id}` : stepHref(program, id, firstFieldStep(program));
  }
  return stepHref(program, id, stepOf(program, { target: 'field', targetId: item.detail ?? '' }));
}

function VerificationStep({ v, page, step, items, view }: { v: ViewContext; page: AidRequestPage; step: AidStep; items: ReceivabilityItem[]; view: StepView }) {
  const program = page.program;
  const id = page.view.request.id;
  const allOk = items.every((i) => i.ok) && page.checks.every((c) => c.ok);
  const signLabels = { firstName: v.t('aid.sign.firstName'), lastName: v.t('aid.sign.lastName'), function: v.t('aid.sign.function'), attested: v.t('aid.sign.attestationLegend') };
  const { previous } = neighbours(program, step.id);
  return (
    <>
      <h2>{v.t('aid.check.title')}</h2>
      <ul class="mes-checklist">
        {items.map((item, index) => (
          <li key={index}>
            <Check v={v} ok={item.ok} /> {item.ok ? itemLabel(v, program, item) : <a href={itemHref(page, item)}>{itemLabel(v, program, item)}</a>}
          </li>
        ))}
        {page.checks.map(({ check, ok }) => (
          <li key={check.id}>
            <Check v={v} ok={ok} /> {ok ? v.t(check.label) : <a href={stepHref(program, id, check.step)}>{v.t(check.label)}</a>}
          </li>
        ))}
      </ul>
      <section aria-labelledby="signature">
        <h2 id="signature">{v.t('aid.sign.title')}</h2>
        {page.view.signature ? (
          <p>
            {v.t('aid.sign.done', { name: `${page.view.signature.firstName} ${page.view.signature.lastName}`, function: page.view.signature.function, date: longDay(v, page.view.signature.signedAt) })}
          </p>
        ) : null}
        {page.permitted.sign ? (
          <Form v={v} action={`${requestHref(program, id)}/signer`}>
            <ErrorSummary v={v} errors={view.form.errors} labels={signLabels} />
            <TextField v={v} name="firstName" label={signLabels.firstName} required form={view.form} autocomplete="given-name" />
            <TextField v={v} name="lastName" label={signLabels.lastName} required form={view.form} autocomplete="family-name" />
            <TextField v={v} name="function" label={signLabels.function} required form={view.form} />
            <fieldset class={view.form.errors.attested ? 'qc-fieldset qc-fieldset-invalid' : 'qc-fieldset'}>
              <legend>{signLabels.attested}</legend>
              {view.form.errors.attested ? (
                <div class="qc-form-error">
                  <span>{v.t(view.form.errors.attested)}</span>
                </div>
              ) : null}
              <label class="qc-choicefield-label">
                <input type="checkbox" class="qc-choicefield" id="attested" name="attested" value="oui" checked={view.form.values.attested === 'oui'} />
                <span>{v.t('aid.sign.attestation')}</span>
              </label>
            </fieldset>
            <SubmitButton kind="secondary">{v.t('aid.sign.submit')}</SubmitButton>
          </Form>
        ) : (
          <Notice v={v} kind="information">
            <p>{v.t(page.profile === 'mandatary_write' ? 'aid.sign.mandatary' : 'aid.sign.noRight')}</p>
          </Notice>
        )}
      </section>
      <div class="qc-button-group">
        {previous ? (
          <a href={stepHref(program, id, previous)} class="qc-button qc-secondary">
            {v.t('aid.previous')}
          </a>
        ) : null}
        {page.permitted.sign && allOk ? (
          <a href={`${requestHref(program, id)}/transmettre`} class="qc-button qc-primary">
            {v.t('aid.transmit.submit')}
          </a>
        ) : null}
      </div>
      {page.permitted.sign && !allOk ? <p>{v.t('aid.transmit.notYet')}</p> : null}
    </>
  );
}

function StepBody({ v, page, step, items, view }: { v: ViewContext; page: AidRequestPage; step: AidStep; items: ReceivabilityItem[]; view: StepView }) {
  switch (step.kind) {
    case 'organisation':
      return (
        <>
          <p>{v.t('aid.organisation.intro')}</p>
          <OrganizationFacts v={v} page={page} />
          <StepLinks v={v} program={page.program} id={page.view.request.id} step={step.id} />
        </>
      );
    case 'fields':
      return <FieldsStep v={v} page={page} step={step} view={view} />;
    case 'table': {
      const table = tableById(page.program, step.table ?? '');
      return table ? <TableStep v={v} page={page} step={step} view={view} table={table} /> : null;
    }
    case 'documents':
      return <DocumentsStep v={v} page={page} step={step} view={view} />;
    case 'verification':
      return <VerificationStep v={v} page={page} step={step} items={items} view={view} />;
  }
}

export function StepPage({ v, page, step, items, view }: { v: ViewContext; page: AidRequestPage; step: AidStep; items: ReceivabilityItem[]; view: StepView }) {
  return (
    <>
      <StepList v={v} program={page.program} current={step.id} requestId={page.view.request.id} />
      <RequestHeading v={v} page={page} />
      {view.notice ? (
        <Notice v={v} kind="success">
          <p>{view.notice}</p>
        </Notice>
      ) : null}
      <p>{v.t('aid.requiredLegend')}</p>
      <StepComments v={v} page={page} step={step.id} />
      <StepBody v={v} page={page} step={step} items={items} view={view} />
    </>
  );
}

export function DetailPage({ v, page, notice }: { v: ViewContext; page: AidRequestPage; notice?: string }) {
  const { program } = page;
  const { request } = page.view;
  const editable = page.permitted.edit && (request.state === 'draft' || request.state === 'commented');
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <RequestHeading v={v} page={page} />
      <div class="qc-button-group">
        {editable ? (
          <a href={stepHref(program, request.id, request.state === 'commented' ? firstFieldStep(program) : (program.aid.steps[0]?.id ?? ''))} class="qc-button qc-primary">
            {v.t('aid.detail.edit')}
          </a>
        ) : null}
        {editable && request.state === 'draft' ? (
          <a href={`${requestHref(program, request.id)}/supprimer`} class="qc-button qc-secondary">
            {v.t('aid.delete.submit')}
          </a>
        ) : null}
      </div>
      <RequestSummary v={v} page={page} documentHref={(documentId) => `${requestHref(program, request.id)}/documents/${documentId}`} />
    </>
  );
}

export function ConfirmPage({ v, page, kind }: { v: ViewContext; page: AidRequestPage; kind: 'transmit' | 'delete' }) {
  const { program } = page;
  const id = page.view.request.id;
  const verification = program.aid.steps.find((s) => s.kind === 'verification')?.id ?? '';
  return (
    <>
      <RequestHeading v={v} page={page} />
      <p>{v.t(kind === 'transmit' ? 'aid.transmit.confirm' : 'aid.delete.confirm', { number: page.view.request.number })}</p>
      <p>{v.t(kind === 'transmit' ? 'aid.transmit.readOnly' : 'aid.delete.final')}</p>
      <Form v={v} action={`${requestHref(program, id)}/${kind === 'transmit' ? 'transmettre' : 'supprimer'}`}>
        <input type="hidden" name="confirm" value="oui" />
        <div class="qc-button-group">
          <a href={kind === 'transmit' ? stepHref(program, id, verification) : requestHref(program, id)} class="qc-button qc-secondary">
            {v.t('aid.cancel')}
          </a>
          <button type="submit" class={kind === 'transmit' ? 'qc-button qc-primary' : 'qc-button qc-primary qc-danger'}>
            {v.t(kind === 'transmit' ? 'aid.transmit.submit' : 'aid.delete.submit')}
          </button>
        </div>
      </Form>
    </>
  );
}
