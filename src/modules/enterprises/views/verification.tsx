import { ErrorSummary, FileField, Form, Notice, Pager, SelectField, SubmitButton, TextArea, type FormState } from '../../../platform/http/components.js';
import { formatKeyset } from '../../../platform/http/cursor.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatMebibytes } from '../../../platform/files/service.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import { legalTypes } from '../rules.js';
import {
  documentKinds,
  enrolmentStates,
  type DocumentView,
  type EnrolmentFile,
  type EventView,
  type QueueCursor,
  type QueueFilters,
  type QueuePage,
} from '../verification.js';

function fileSize(v: ViewContext, bytes: number): string {
  return bytes < 1_048_576 ? v.t('verification.size.kb', { size: Math.max(1, Math.round(bytes / 1024)) }) : v.t('verification.size.mb', { size: formatMebibytes(bytes) });
}

function EnrolmentSummary({ v, file }: { v: ViewContext; file: EnrolmentFile }) {
  const { enrolment, enterprise } = file;
  return (
    <dl class="summary">
      <dt>{v.t('ack.number')}</dt>
      <dd>{enrolment.number}</dd>
      <dt>{v.t('verification.state')}</dt>
      <dd>
        <strong data-state={enrolment.state}>{v.t(`verification.state.${enrolment.state}`)}</strong>
      </dd>
      <dt>{v.t('ack.legalName')}</dt>
      <dd>{enterprise.legalName}</dd>
      <dt>{v.t('ack.neq')}</dt>
      <dd>{enterprise.neq}</dd>
      <dt>{v.t('ack.legalType')}</dt>
      <dd>{v.t(`ack.legalType.${enrolment.legalType}`)}</dd>
      <dt>{v.t('ack.enrollerName')}</dt>
      <dd>{`${enrolment.enrollerFirstName} ${enrolment.enrollerLastName} (${enrolment.enrollerEmail})`}</dd>
      <dt>{v.t('ack.enrollerRole')}</dt>
      <dd>
        {v.t(`ack.role.${enrolment.enrollerRole}`)}
        {enrolment.enrollerFunction ? ` — ${v.t(`ack.function.${enrolment.enrollerFunction}`)}` : ''}
      </dd>
      <dt>{v.t('ack.transmittedAt')}</dt>
      <dd>{formatDateTime(v.lang, enrolment.createdAt)}</dd>
      {enrolment.refusalReason ? (
        <>
          <dt>{v.t('verification.refusalReason')}</dt>
          <dd>{enrolment.refusalReason}</dd>
        </>
      ) : null}
    </dl>
  );
}

function Requirements({ v, file }: { v: ViewContext; file: EnrolmentFile }) {
  if (file.requirements.length === 0) return null;
  return (
    <>
      <h2>{v.t('verification.requirements')}</h2>
      <ul class="requirements">
        {file.requirements.map((r) => (
          <li key={r.requirement} data-requirement={r.requirement} data-satisfied={String(r.satisfied)}>
            <strong>{v.t(`ack.document.${r.requirement}`)}</strong> — {v.t(r.satisfied ? 'verification.requirement.received' : 'verification.requirement.missing')}
            <br />
            <span class="qc-description">{v.t(`ack.document.${r.requirement}.detail`)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function Documents({ v, documents, hrefOf, deleteHrefOf }: { v: ViewContext; documents: DocumentView[]; hrefOf: (d: DocumentView) => string; deleteHrefOf?: ((d: DocumentView) => string) | undefined }) {
  if (documents.length === 0) return <p>{v.t('verification.documents.none')}</p>;
  return (
    <table class="data-table">
      <caption>{v.t('verification.documents')}</caption>
      <thead>
        <tr>
          <th scope="col">{v.t('verification.document.kind')}</th>
          <th scope="col">{v.t('verification.document.name')}</th>
          <th scope="col">{v.t('verification.document.size')}</th>
          <th scope="col">{v.t('verification.document.uploadedAt')}</th>
          {deleteHrefOf ? <th scope="col">{v.t('verification.document.actions')}</th> : null}
        </tr>
      </thead>
      <tbody>
        {documents.map((d) => (
          <tr key={d.id} data-document={d.id}>
            <td>{v.t(`verification.kind.${d.kind}`)}</td>
            <td>
              <a href={hrefOf(d)}>{d.originalName}</a>
            </td>
            <td>{fileSize(v, d.size)}</td>
            <td>{formatDateTime(v.lang, d.uploadedAt)}</td>
            {deleteHrefOf ? (
              <td>
                <Form v={v} action={deleteHrefOf(d)}>
                  <button type="submit" class="qc-button qc-secondary">
                    {v.t('verification.document.delete')}
                    <span class="qc-sr-only"> {d.originalName}</span>
                  </button>
                </Form>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ v, file }: { v: ViewContext; file: EnrolmentFile }) {
  return (
    <>
      <h2>{v.t('verification.history')}</h2>
      <ol class="history">
        <li>
          {formatDateTime(v.lang, file.enrolment.createdAt)} — {v.t('verification.event.created')}
        </li>
        {file.events.map((e: EventView) => (
          <li key={e.id} data-event={e.kind}>
            {formatDateTime(v.lang, e.at)} — {v.t(`verification.event.${e.kind}`)}
            {e.actorName ? ` (${e.actorName})` : ''}
            {e.message ? (
              <>
                <br />
                <q>{e.message}</q>
              </>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

export type UploadNotice = { kind: 'error'; key: MessageKey; params?: Record<string, string | number> } | { kind: 'success'; key: MessageKey };

export function OwnEnrolmentPage({
  v,
  file,
  canSend,
  form,
  notice,
  maxBytes,
}: {
  v: ViewContext;
  file: EnrolmentFile;
  canSend: boolean;
  form: FormState;
  notice?: UploadNotice | undefined;
  maxBytes: number;
}) {
  const { enrolment } = file;
  const waiting = enrolment.state === 'waiting_documents';
  const lastAsk = [...file.events].reverse().find((e) => e.kind === 'more_documents_asked');
  const labels = { kind: v.t('verification.document.kind'), file: v.t('verification.upload.file') };
  return (
    <>
      {notice ? (
        <Notice v={v} kind={notice.kind}>
          <p>{notice.kind === 'error' ? v.t(notice.key, notice.params) : v.t(notice.key)}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <p>{v.t(`verification.explain.${enrolment.state}`)}</p>
      {waiting && lastAsk?.message ? (
        <Notice v={v} kind="warning" title={v.t('verification.askedMore')}>
          <p>{lastAsk.message}</p>
        </Notice>
      ) : null}
      <EnrolmentSummary v={v} file={file} />
      <Requirements v={v} file={file} />
      {file.requirements.length > 0 ? (
        <p>
          <a href="/entreprise/inscription/formulaires.pdf">{v.t('verification.forms.download')}</a>
        </p>
      ) : null}
      <h2>{v.t('verification.documents')}</h2>
      <Documents
        v={v}
        documents={file.documents}
        hrefOf={(d) => `/entreprise/inscription/documents/${d.id}`}
        deleteHrefOf={waiting && canSend ? (d) => `/entreprise/inscription/documents/${d.id}/supprimer` : undefined}
      />
      {waiting && canSend ? (
        <>
          <h2>{v.t('verification.upload.title')}</h2>
          <Form v={v} action="/entreprise/inscription/documents" enctype="multipart/form-data">
            <SelectField
              v={v}
              form={form}
              name="kind"
              label={labels.kind}
              required
              placeholder={v.t('form.choose')}
              options={documentKinds.map((k) => ({ value: k, label: v.t(`verification.kind.${k}`) }))}
            />
            <FileField v={v} form={form} name="file" label={labels.file} hint={v.t('verification.upload.hint', { size: formatMebibytes(maxBytes) })} accept="application/pdf,.pdf" required />
            <SubmitButton kind="secondary">{v.t('verification.upload.submit')}</SubmitButton>
          </Form>
          <h2>{v.t('verification.submit.title')}</h2>
          {file.complete ? (
            <Form v={v} action="/entreprise/inscription/soumettre">
              <p>{v.t('verification.submit.ready')}</p>
              <SubmitButton>{v.t('verification.submit')}</SubmitButton>
            </Form>
          ) : (
            <p>{v.t('verification.submit.notReady')}</p>
          )}
        </>
      ) : null}
      <History v={v} file={file} />
    </>
  );
}

export function NoEnrolmentPage({ v }: { v: ViewContext }) {
  return <p>{v.t('verification.none')}</p>;
}

/** A link of the queue: the same filters, the page after or before a position. */
function queueHref(filters: QueueFilters, position: { apres: QueueCursor } | { avant: QueueCursor }): string {
  const params = new URLSearchParams();
  if (filters.legalType) params.set('type', filters.legalType);
  params.set('etat', filters.state ?? 'tous');
  if ('apres' in position) params.set('apres', formatKeyset(position.apres));
  else params.set('avant', formatKeyset(position.avant));
  return `/agent/inscriptions?${params.toString()}`;
}

export function QueuePageView({ v, queue, filters }: { v: ViewContext; queue: QueuePage; filters: QueueFilters }) {
  return (
    <>
      <p>{v.t('verification.queue.intro')}</p>
      <form method="get" action="/agent/inscriptions" class="filters">
        <div class="qc-select">
          <label class="qc-label" for="type">
            <span class="qc-label-text">{v.t('ack.legalType')}</span>
          </label>
          <select id="type" name="type">
            <option value="">{v.t('verification.filter.all')}</option>
            {legalTypes.map((type) => (
              <option key={type} value={type} selected={filters.legalType === type}>
                {v.t(`ack.legalType.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="qc-select">
          <label class="qc-label" for="etat">
            <span class="qc-label-text">{v.t('verification.state')}</span>
          </label>
          <select id="etat" name="etat">
            {enrolmentStates.map((state) => (
              <option key={state} value={state} selected={filters.state === state}>
                {v.t(`verification.state.${state}`)}
              </option>
            ))}
            <option value="tous" selected={!filters.state}>
              {v.t('verification.filter.all')}
            </option>
          </select>
        </div>
        <SubmitButton kind="secondary">{v.t('verification.filter.apply')}</SubmitButton>
      </form>
      <p role="status">{v.t('verification.queue.shown', { count: queue.rows.length })}</p>
      {queue.rows.length === 0 ? (
        <p>{v.t('verification.queue.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('verification.queue.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('ack.number')}</th>
              <th scope="col">{v.t('ack.legalName')}</th>
              <th scope="col">{v.t('ack.legalType')}</th>
              <th scope="col">{v.t('verification.state')}</th>
              <th scope="col">{v.t('ack.transmittedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.rows.map((row) => (
              <tr key={row.id} data-enrolment={row.number}>
                <td>
                  <a href={`/agent/inscriptions/${row.id}`}>{row.number}</a>
                </td>
                <td>
                  {row.legalName} <span class="qc-description">({row.neq})</span>
                </td>
                <td>{v.t(`ack.legalType.${row.legalType}`)}</td>
                <td>{v.t(`verification.state.${row.state}`)}</td>
                <td>{formatDateTime(v.lang, row.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        label={v.t('verification.queue.pages')}
        previous={queue.previous ? { href: queueHref(filters, { avant: queue.previous }), label: v.t('verification.queue.previous') } : null}
        next={queue.next ? { href: queueHref(filters, { apres: queue.next }), label: v.t('verification.queue.next') } : null}
      />
    </>
  );
}

export function AgentEnrolmentPage({ v, file, askForm, refuseForm }: { v: ViewContext; file: EnrolmentFile; askForm: FormState; refuseForm: FormState }) {
  const base = `/agent/inscriptions/${file.enrolment.id}`;
  const deciding = file.enrolment.state === 'under_verification';
  return (
    <>
      <ErrorSummary v={v} errors={{ ...askForm.errors, ...refuseForm.errors }} labels={{ message: v.t('verification.askMore.message'), reason: v.t('verification.refuse.reason') }} />
      <p>
        <a href="/agent/inscriptions">{v.t('verification.queue.back')}</a>
      </p>
      <EnrolmentSummary v={v} file={file} />
      <Requirements v={v} file={file} />
      <h2>{v.t('verification.documents')}</h2>
      <Documents v={v} documents={file.documents} hrefOf={(d) => `${base}/documents/${d.id}`} />
      {deciding ? (
        <>
          <h2>{v.t('verification.decide.title')}</h2>
          <Form v={v} action={`${base}/activer`}>
            <p>{v.t('verification.activate.explain')}</p>
            <SubmitButton>{v.t('verification.activate')}</SubmitButton>
          </Form>
          <Form v={v} action={`${base}/demander`}>
            <TextArea v={v} form={askForm} name="message" label={v.t('verification.askMore.message')} hint={v.t('verification.askMore.hint')} required />
            <SubmitButton kind="secondary">{v.t('verification.askMore')}</SubmitButton>
          </Form>
          <Form v={v} action={`${base}/refuser`}>
            <TextArea v={v} form={refuseForm} name="reason" label={v.t('verification.refuse.reason')} hint={v.t('verification.refuse.hint')} required />
            <SubmitButton kind="danger">{v.t('verification.refuse')}</SubmitButton>
          </Form>
        </>
      ) : (
        <p>{v.t('verification.decide.notNow')}</p>
      )}
      <History v={v} file={file} />
    </>
  );
}

export function ConflictPage({ v, href }: { v: ViewContext; href: string }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{v.t('verification.conflict')}</p>
      </Notice>
      <p>
        <a href={href}>{v.t('verification.conflict.back')}</a>
      </p>
    </>
  );
}
