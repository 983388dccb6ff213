import { ErrorSummary, Form, Notice, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { DesignationFile, QueueRow, RegistryEntry, UserRegistry } from '../designations.js';
import { DesignationRows, kindLabel } from './designation.js';

function QueueTable({ v, rows, caption }: { v: ViewContext; rows: QueueRow[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{v.t('designation.col.target')}</th>
          <th scope="col">{v.t('designation.col.kind')}</th>
          <th scope="col">{v.t('designation.col.person')}</th>
          <th scope="col">{v.t('designation.col.sent')}</th>
          <th scope="col">{v.t('designation.col.state')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <th scope="row">
              <a href={`/agent/registre/${r.id}`} aria-label={v.t('designation.queue.open', { name: r.targetName })}>
                {r.targetName}
              </a>
              <br />
              <small>
                {r.geographicCode ?? r.neq} — {r.program}
              </small>
            </th>
            <td>{kindLabel(v, r.kind, r.replacement)}</td>
            <td>
              {r.designatedName} ({r.designatedCode})
            </td>
            <td>{formatDateTime(v.lang, r.createdAt)}</td>
            <td>
              <span data-state={r.state}>{v.t(`designation.state.${r.state}`)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SupportQueuePage({ v, pending, decided }: { v: ViewContext; pending: QueueRow[]; decided: QueueRow[] }) {
  return (
    <>
      <p>
        <a href="/agent/registre/utilisateur">{v.t('designation.queue.userLookup')}</a>
      </p>
      <h2>{v.t('designation.queue.pending')}</h2>
      {pending.length === 0 ? <p>{v.t('designation.queue.none')}</p> : <QueueTable v={v} rows={pending} caption={v.t('designation.queue.pending')} />}
      {decided.length > 0 ? (
        <>
          <h2>{v.t('designation.queue.decided')}</h2>
          <QueueTable v={v} rows={decided} caption={v.t('designation.queue.decided')} />
        </>
      ) : null}
    </>
  );
}

export function SupportFilePage({ v, file, refuseForm, notice }: { v: ViewContext; file: DesignationFile; refuseForm: FormState; notice?: string | undefined }) {
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <dl class="summary">
        <DesignationRows
          v={v}
          kind={file.kind}
          replacement={file.replacement}
          programs={file.program}
          targetName={file.targetName}
          identifier={file.geographicCode ?? file.neq}
          regionName={file.regionName}
          servicePoint={
            file.servicePointId === null && file.servicePointName
              ? v.t('designation.review.servicePointNew', { name: file.servicePointName, address: file.servicePointAddress ?? '' })
              : (file.servicePointLabel ?? '')
          }
          personName={file.designatedName}
          personCode={file.designatedCode}
        />
        <dt>{v.t('designation.file.currentHolder')}</dt>
        <dd>{file.currentHolderName ?? v.t('designation.file.noHolder')}</dd>
        <dt>{v.t('designation.file.requestedBy')}</dt>
        <dd>
          {v.t('designation.review.requesterValue', { name: file.requesterName, function: file.requesterFunction })} — {file.requestedByName}
        </dd>
        <dt>{v.t('designation.file.requestedAt')}</dt>
        <dd>{formatDateTime(v.lang, file.createdAt)}</dd>
        <dt>{v.t('designation.col.state')}</dt>
        <dd>
          <strong data-state={file.state}>{v.t(`designation.state.${file.state}`)}</strong>
          {file.decidedAt && file.decidedByName ? (
            <>
              <br />
              {v.t('designation.file.decidedBy', { name: file.decidedByName, date: formatDateTime(v.lang, file.decidedAt) })}
            </>
          ) : null}
          {file.refusalReason ? (
            <>
              <br />
              {v.t('designation.file.refusalReason', { reason: file.refusalReason })}
            </>
          ) : null}
        </dd>
      </dl>
      {file.state === 'pending' ? (
        <>
          <Form v={v} action={`/agent/registre/${file.id}/approuver`}>
            <SubmitButton>{v.t('designation.file.approve')}</SubmitButton>
          </Form>
          <h2>{v.t('designation.file.refuse')}</h2>
          <Form v={v} action={`/agent/registre/${file.id}/refuser`}>
            <ErrorSummary v={v} errors={refuseForm.errors} labels={{ reason: v.t('designation.file.reason') }} />
            <TextArea v={v} name="reason" label={v.t('designation.file.reason')} hint={v.t('designation.file.reason.hint')} form={refuseForm} required />
            <SubmitButton kind="danger">{v.t('designation.file.refuse')}</SubmitButton>
          </Form>
        </>
      ) : null}
      <p>
        <a href="/agent/registre">{v.t('designation.file.back')}</a>
      </p>
    </>
  );
}

function entryLabel(v: ViewContext, entry: RegistryEntry): string {
  const kind = v.t(`designation.support.kind.${entry.kind}`);
  switch (entry.profile) {
    case 'requester_write':
    case 'requester_read':
    case 'mandatary_write':
    case 'mandatary_read':
      return `${kind} ${v.t(`designation.support.profile.${entry.profile}`)}`;
    default:
      return kind;
  }
}

export function UserRegistryPage({ v, form, registry }: { v: ViewContext; form: FormState; registry: UserRegistry | null }) {
  return (
    <>
      <form method="get" action="/agent/registre/utilisateur" novalidate>
        <ErrorSummary v={v} errors={form.errors} labels={{ code: v.t('designation.support.code') }} />
        <TextField v={v} name="code" label={v.t('designation.support.code')} hint={v.t('designation.userCode.hint')} form={form} required />
        <SubmitButton>{v.t('designation.support.search')}</SubmitButton>
      </form>
      {registry ? (
        <>
          <h2>{v.t('designation.support.person', { name: registry.person.displayName, code: registry.person.userCode })}</h2>
          <p>
            {registry.enterpriseName ? v.t('designation.support.enterprise', { name: registry.enterpriseName }) : v.t('designation.support.noEnterprise')}
            {registry.person.active ? null : (
              <>
                <br />
                <strong>{v.t('designation.support.inactive')}</strong>
              </>
            )}
          </p>
          {registry.entries.length === 0 ? (
            <p>{v.t('designation.support.none')}</p>
          ) : (
            <table>
              <caption>{v.t('designation.support.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{v.t('designation.support.col.what')}</th>
                  <th scope="col">{v.t('designation.support.col.program')}</th>
                  <th scope="col">{v.t('designation.support.col.where')}</th>
                  <th scope="col">{v.t('designation.support.col.granted')}</th>
                  <th scope="col">{v.t('designation.support.col.ended')}</th>
                </tr>
              </thead>
              <tbody>
                {registry.entries.map((e, index) => (
                  <tr key={index} data-current={e.endedAt ? 'no' : 'yes'}>
                    <th scope="row">{entryLabel(v, e)}</th>
                    <td>{e.program}</td>
                    <td>
                      {e.place}
                      {e.servicePoint ? `, ${v.t('designation.support.point', { name: e.servicePoint })}` : null}
                    </td>
                    <td>{v.t('designation.support.byOn', { name: e.grantedByName, date: formatDateTime(v.lang, e.grantedAt) })}</td>
                    <td>{e.endedAt ? v.t('designation.support.byOn', { name: e.endedByName ?? '', date: formatDateTime(v.lang, e.endedAt) }) : v.t('designation.support.current')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </>
  );
}
