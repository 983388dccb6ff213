import type { ComponentChildren } from 'preact';
import { ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import { isRequired } from '../../requests/program.js';
import type { ReceivabilityItem } from '../../requests/service.js';
import { isoDay, longDay } from '../../mes/views/frame.js';
import { aidProgram, financingSources, tableTotal, tables, type TableId } from '../program.js';
import { aidFacts, inputName, tableRows, type AidListRow, type AidRequestPage, type AidSpace } from '../service.js';
import { Check, DocumentList, money, OrganizationFacts, RequestHeading, RequestSummary, requestHref, requestsBase, stepHref, stepIds, stepOf, targetLabel, type StepId } from './parts.js';

/** The provider's aid pages: the list, the creation, the six steps, the confirmations. */

export function AidFrame({ v, space, current, children }: { v: ViewContext; space: AidSpace; current: 'list' | 'new' | null; children: ComponentChildren }) {
  return (
    <div class="mes-frame">
      {/* The MES pages' stylesheet (menu, steps, checks, comments): the same layout, no script. */}
      <link rel="stylesheet" href="/static/mes.css" />
      <nav class="mes-menu" aria-label={v.t('aid.menu.label')}>
        <ul>
          <li>
            <a href={requestsBase} aria-current={current === 'list' ? 'page' : undefined}>
              {v.t('aid.menu.list')}
            </a>
          </li>
          {space.writable.length > 0 ? (
            <li>
              <a href={`${requestsBase}/nouvelle`} aria-current={current === 'new' ? 'page' : undefined}>
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
              <th scope="col">{v.t('aid.field.title')}</th>
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
                  <a href={requestHref(r.id)}>{r.number}</a>
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
      <Form v={v} action={`${requestsBase}/nouvelle`}>
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

export function StepList({ v, current, requestId }: { v: ViewContext; current: StepId; requestId: string }) {
  return (
    <nav aria-label={v.t('aid.steps.label')}>
      <ol class="mes-steps">
        {aidProgram.steps.map((step) => {
          const id = stepIds.find((s) => s === step.id) ?? 'organisation';
          const label = (
            <>
              <strong>{v.t(step.title)}</strong>
              <span>{v.t(step.subtitle)}</span>
            </>
          );
          return (
            <li key={step.id} class={id === current ? 'mes-step-current' : undefined}>
              {id === current ? <span aria-current="step">{label}</span> : <a href={stepHref(requestId, id)}>{label}</a>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** The comments of the current round on this step's fields or documents, each with its « Corrigé » form. */
function StepComments({ v, page, step }: { v: ViewContext; page: AidRequestPage; step: StepId }) {
  const { request } = page.view;
  if (request.state !== 'commented') return null;
  const here = page.view.comments.filter((c) => c.round === request.round && stepOf(c) === step);
  if (here.length === 0) return null;
  return (
    <section aria-labelledby="commentaires-etape" class="mes-comment-bar">
      <h2 id="commentaires-etape">{v.t('aid.comments.title')}</h2>
      {here.map((c) => (
        <div key={c.id} id={`commentaire-${c.id}`} class="mes-comment">
          <p class="mes-comment-title">
            <strong>{targetLabel(v, c)}</strong> — {v.t('aid.comments.by', { name: c.authorName, date: longDay(v, c.createdAt), round: c.round })}
          </p>
          <p class="mes-comment-body">{c.body}</p>
          {page.permitted.edit ? (
            <Form v={v} action={`${requestHref(request.id)}/commentaires/${c.id}`}>
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

function StepButtons({ v, previous, next }: { v: ViewContext; previous: StepId | null; next: StepId | null }) {
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

function StepLinks({ v, id, previous, next }: { v: ViewContext; id: string; previous: StepId | null; next: StepId | null }) {
  return (
    <div class="qc-button-group">
      {previous ? (
        <a href={stepHref(id, previous)} class="qc-button qc-secondary">
          {v.t('aid.previous')}
        </a>
      ) : null}
      {next ? (
        <a href={stepHref(id, next)} class="qc-button qc-primary">
          {v.t('aid.next')}
        </a>
      ) : null}
    </div>
  );
}

export type StepView = { form: FormState; params: Record<string, Record<string, string | number>>; notice?: string; uploadError?: { documentType: string; key: MessageKey; params: Record<string, string | number> } };

/** A field's value for the form: what was typed when in error, else what is stored. */
function formValue(page: AidRequestPage, form: FormState, fieldId: string, row: number): string {
  const name = inputName(fieldId, row);
  return form.values[name] ?? page.view.values.get(`${fieldId}#${row}`)?.value ?? '';
}

function versionInput(page: AidRequestPage, form: FormState, fieldId: string, row: number) {
  const name = inputName(fieldId, row);
  const version = form.values[`version:${name}`] ?? String(page.view.values.get(`${fieldId}#${row}`)?.version ?? 0);
  return <input type="hidden" name={`version:${name}`} value={version} />;
}

function errorText(v: ViewContext, view: StepView, name: string): string | undefined {
  const key = view.form.errors[name];
  return key ? v.t(key, view.params[name] ?? {}) : undefined;
}

function ProjectStep({ v, page, view }: { v: ViewContext; page: AidRequestPage; view: StepView }) {
  const fields = aidProgram.steps.find((s) => s.id === 'projet')?.fields ?? [];
  const values: Record<string, string> = {};
  for (const fieldId of fields) values[fieldId] = formValue(page, view.form, fieldId, 0);
  const messages: Record<string, string> = {};
  for (const fieldId of fields) {
    const text = errorText(v, view, fieldId);
    if (text) messages[fieldId] = text;
  }
  return (
    <Form v={v} action={`${requestHref(page.view.request.id)}/etapes/projet`}>
      <FieldErrorsSummary v={v} messages={messages} />
      {fields.map((fieldId) => {
        const field = aidProgram.fields.find((f) => f.id === fieldId);
        if (!field) return null;
        // The field's error names its bound (« au plus {max} caractères »): its parameters go with it.
        const fieldV: ViewContext = { ...v, t: (key, params) => v.t(key, { ...(view.params[fieldId] ?? {}), ...params }) };
        const props = { v: fieldV, name: fieldId, label: v.t(field.label), required: true, form: { values, errors: messages[fieldId] ? { [fieldId]: view.form.errors[fieldId] ?? 'field.invalid' } : {} }, hint: field.help ? v.t(field.help) : undefined };
        return (
          <div key={fieldId}>
            {field.type === 'textarea' ? <TextArea {...props} /> : <TextField {...props} type={field.type === 'date' ? 'date' : 'text'} />}
            {versionInput(page, view.form, fieldId, 0)}
          </div>
        );
      })}
      <StepButtons v={v} previous="organisation" next="couts" />
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
function shownRows(page: AidRequestPage, view: StepView, table: TableId): number[] {
  const rows = new Set(tableRows(page.view.values, table));
  for (const name of Object.keys(view.form.values)) {
    const match = /^(?:costs|financing)\.\w+\.(\d+)$/.exec(name);
    if (match && name.startsWith(`${table}.`) && (view.form.values[name] ?? '') !== '') rows.add(Number(match[1]));
  }
  const next = rows.size === 0 ? 0 : Math.max(...rows) + 1;
  rows.add(next);
  rows.add(next + 1);
  return [...rows].filter((r) => r < 100).sort((a, b) => a - b);
}

function TableStep({ v, page, view, table }: { v: ViewContext; page: AidRequestPage; view: StepView; table: TableId }) {
  const group = tables[table];
  const step: StepId = table === 'costs' ? 'couts' : 'financement';
  const rows = shownRows(page, view, table);
  const messages: Record<string, string> = {};
  for (const name of Object.keys(view.form.errors)) {
    const text = errorText(v, view, name);
    if (text) messages[name] = text;
  }
  const cell = (fieldId: string, row: number, label: string) => {
    const name = inputName(fieldId, row);
    const error = messages[name];
    const value = formValue(page, view.form, fieldId, row);
    const describedBy = error ? `${name}-error` : undefined;
    const control =
      fieldId === 'financing.source' ? (
        <select id={name} name={name} class="qc-select" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
          <option value="">{v.t('aid.source.choose')}</option>
          {financingSources.map((s) => (
            <option key={s} value={s} selected={s === value}>
              {v.t(`aid.source.${s}`)}
            </option>
          ))}
        </select>
      ) : (
        <input id={name} name={name} type="text" value={value} inputmode={fieldId.endsWith('.amount') ? 'decimal' : undefined} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy} />
      );
    return (
      <td class={error ? 'qc-textfield field-invalid' : 'qc-textfield'}>
        <label class="qc-sr-only" for={name}>
          {v.t('aid.table.cellLabel', { label, row: row + 1 })}
        </label>
        {error ? (
          <div class="qc-form-error" id={`${name}-error`}>
            <span>{error}</span>
          </div>
        ) : null}
        {control}
        {versionInput(page, view.form, fieldId, row)}
      </td>
    );
  };
  const firstLabel = v.t(table === 'costs' ? 'aid.field.costDescription' : 'aid.field.source');
  const amountLabel = v.t('aid.field.amount');
  return (
    <Form v={v} action={`${requestHref(page.view.request.id)}/etapes/${step}`}>
      <FieldErrorsSummary v={v} messages={messages} />
      <p>{v.t(table === 'costs' ? 'aid.costs.intro' : 'aid.financing.intro')}</p>
      <p>{v.t('aid.table.howTo')}</p>
      <table class="data-table">
        <caption>{v.t(table === 'costs' ? 'aid.costs.caption' : 'aid.financing.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{firstLabel}</th>
            <th scope="col">{`${amountLabel} (${v.t('aid.unit.dollars')})`}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row}>
              {cell(group.first, row, firstLabel)}
              {cell(group.amount, row, amountLabel)}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{v.t('aid.total.saved')}</th>
            <td class="numeric">
              <strong>{money(v, tableTotal(page.view.values, table))}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {table === 'financing' ? (
        <p>
          <Check v={v} ok={page.checks.find((c) => c.key === 'financingEqualsCosts')?.ok ?? false} />{' '}
          {v.t('aid.financing.compare', { costs: money(v, tableTotal(page.view.values, 'costs')), financing: money(v, tableTotal(page.view.values, 'financing')) })}
        </p>
      ) : null}
      <StepButtons v={v} previous={table === 'costs' ? 'projet' : 'couts'} next={table === 'costs' ? 'financement' : 'documents'} />
    </Form>
  );
}

function DocumentsStep({ v, page, view }: { v: ViewContext; page: AidRequestPage; view: StepView }) {
  const id = page.view.request.id;
  const problem = view.uploadError;
  return (
    <>
      {problem ? <FieldErrorsSummary v={v} messages={{ [`fichier-${problem.documentType}`]: v.t(problem.key, problem.params) }} /> : null}
      <p>{v.t('aid.documents.intro', { size: String(aidProgram.maxDocumentBytes / 1024 / 1024) })}</p>
      {aidProgram.documentTypes.map((type) => {
        const inputId = `fichier-${type.id}`;
        const error = problem?.documentType === type.id ? v.t(problem.key, problem.params) : undefined;
        return (
          <section key={type.id} class="mes-document-type" aria-labelledby={`type-${type.id}`}>
            <h2 id={`type-${type.id}`}>
              {v.t(type.label)}
              {isRequired(type.required, aidFacts) ? <span class="qc-required">{` (${v.t('form.required')})`}</span> : null}
            </h2>
            <DocumentList v={v} documents={page.view.documents.filter((d) => d.documentType === type.id)} href={(documentId) => `${requestHref(id)}/documents/${documentId}`}>
              {(d) => (
                <form method="post" action={`${requestHref(id)}/documents/${d.id}/supprimer`} class="inline-form">
                  <input type="hidden" name="_csrf" value={v.csrf} />
                  <button type="submit" class="link-button mes-link-button">
                    {v.t('aid.documents.delete')}
                    <span class="qc-sr-only">{` ${d.name}`}</span>
                  </button>
                </form>
              )}
            </DocumentList>
            <Form v={v} action={`${requestHref(id)}/documents`} enctype="multipart/form-data">
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
      <StepLinks v={v} id={id} previous="financement" next="verification" />
    </>
  );
}

function itemLabel(v: ViewContext, item: ReceivabilityItem): string {
  if (item.key === 'documents') {
    const type = aidProgram.documentTypes.find((d) => d.id === item.detail);
    return v.t('aid.check.document', { document: type ? v.t(type.label) : '' });
  }
  return v.t(`aid.check.${item.key}`);
}

function itemHref(page: AidRequestPage, item: ReceivabilityItem): string {
  const id = page.view.request.id;
  if (item.key === 'documents') return `${stepHref(id, 'documents')}#fichier-${item.detail ?? ''}`;
  if (item.key === 'signature') return '#signature';
  if (item.key === 'comments') {
    const open = page.view.comments.find((c) => c.round === page.view.request.round && c.correctedAt === null);
    return open ? `${stepHref(id, stepOf(open))}#commentaire-${open.id}` : stepHref(id, 'projet');
  }
  const field = aidProgram.fields.find((f) => f.id === item.detail);
  const step = aidProgram.steps.find((s) => field && s.fields.includes(field.id))?.id;
  return stepHref(id, stepIds.find((s) => s === step) ?? 'projet');
}

function VerificationStep({ v, page, items, view }: { v: ViewContext; page: AidRequestPage; items: ReceivabilityItem[]; view: StepView }) {
  const id = page.view.request.id;
  const allOk = items.every((i) => i.ok) && page.checks.every((c) => c.ok);
  const signLabels = { firstName: v.t('aid.sign.firstName'), lastName: v.t('aid.sign.lastName'), function: v.t('aid.sign.function'), attested: v.t('aid.sign.attestationLegend') };
  return (
    <>
      <h2>{v.t('aid.check.title')}</h2>
      <ul class="mes-checklist">
        {items.map((item, index) => (
          <li key={index}>
            <Check v={v} ok={item.ok} /> {item.ok ? itemLabel(v, item) : <a href={itemHref(page, item)}>{itemLabel(v, item)}</a>}
          </li>
        ))}
        {page.checks.map((check) => (
          <li key={check.key}>
            <Check v={v} ok={check.ok} />{' '}
            {check.ok ? v.t(`aid.check.${check.key}`) : <a href={stepHref(id, check.key === 'datesInOrder' ? 'projet' : 'financement')}>{v.t(`aid.check.${check.key}`)}</a>}
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
          <Form v={v} action={`${requestHref(id)}/signer`}>
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
        <a href={stepHref(id, 'documents')} class="qc-button qc-secondary">
          {v.t('aid.previous')}
        </a>
        {page.permitted.sign && allOk ? (
          <a href={`${requestHref(id)}/transmettre`} class="qc-button qc-primary">
            {v.t('aid.transmit.submit')}
          </a>
        ) : null}
      </div>
      {page.permitted.sign && !allOk ? <p>{v.t('aid.transmit.notYet')}</p> : null}
    </>
  );
}

export function StepPage({ v, page, step, items, view }: { v: ViewContext; page: AidRequestPage; step: StepId; items: ReceivabilityItem[]; view: StepView }) {
  const id = page.view.request.id;
  const body = (() => {
    switch (step) {
      case 'organisation':
        return (
          <>
            <p>{v.t('aid.organisation.intro')}</p>
            <OrganizationFacts v={v} page={page} />
            <StepLinks v={v} id={id} previous={null} next="projet" />
          </>
        );
      case 'projet':
        return <ProjectStep v={v} page={page} view={view} />;
      case 'couts':
        return <TableStep v={v} page={page} view={view} table="costs" />;
      case 'financement':
        return <TableStep v={v} page={page} view={view} table="financing" />;
      case 'documents':
        return <DocumentsStep v={v} page={page} view={view} />;
      case 'verification':
        return <VerificationStep v={v} page={page} items={items} view={view} />;
    }
  })();
  return (
    <>
      <StepList v={v} current={step} requestId={id} />
      <RequestHeading v={v} page={page} />
      {view.notice ? (
        <Notice v={v} kind="success">
          <p>{view.notice}</p>
        </Notice>
      ) : null}
      <p>{v.t('aid.requiredLegend')}</p>
      <StepComments v={v} page={page} step={step} />
      {body}
    </>
  );
}

export function DetailPage({ v, page, notice }: { v: ViewContext; page: AidRequestPage; notice?: string }) {
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
          <a href={stepHref(request.id, request.state === 'commented' ? 'projet' : 'organisation')} class="qc-button qc-primary">
            {v.t('aid.detail.edit')}
          </a>
        ) : null}
        {editable && request.state === 'draft' ? (
          <a href={`${requestHref(request.id)}/supprimer`} class="qc-button qc-secondary">
            {v.t('aid.delete.submit')}
          </a>
        ) : null}
      </div>
      <RequestSummary v={v} page={page} documentHref={(documentId) => `${requestHref(request.id)}/documents/${documentId}`} />
    </>
  );
}

export function ConfirmPage({ v, page, kind }: { v: ViewContext; page: AidRequestPage; kind: 'transmit' | 'delete' }) {
  const id = page.view.request.id;
  return (
    <>
      <RequestHeading v={v} page={page} />
      <p>{v.t(kind === 'transmit' ? 'aid.transmit.confirm' : 'aid.delete.confirm', { number: page.view.request.number })}</p>
      <p>{v.t(kind === 'transmit' ? 'aid.transmit.readOnly' : 'aid.delete.final')}</p>
      <Form v={v} action={`${requestHref(id)}/${kind === 'transmit' ? 'transmettre' : 'supprimer'}`}>
        <input type="hidden" name="confirm" value="oui" />
        <div class="qc-button-group">
          <a href={kind === 'transmit' ? stepHref(id, 'verification') : requestHref(id)} class="qc-button qc-secondary">
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
