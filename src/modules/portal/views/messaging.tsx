import { ErrorSummary, FileField, Form, Notice, SelectField, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import { formatMebibytes } from '../../../platform/files/service.js';
import { audiences, ATTACHMENT_MAX_BYTES, type ThreadSummary, type ThreadView } from '../messaging.js';

export const MESSAGES_HREF = '/messages';

function messageLabels(v: ViewContext): Record<string, string> {
  return { audience: v.t('portal.message.audience'), subject: v.t('portal.message.subject'), body: v.t('portal.message.body'), attachment: v.t('portal.message.attachment') };
}

/** The link to the inbox, with the number of unread messages. */
export function InboxLink({ v, unread }: { v: ViewContext; unread: number }) {
  return <a href={MESSAGES_HREF}>{unread > 0 ? v.t('portal.message.linkUnread', { count: unread }) : v.t('portal.message.title')}</a>;
}

export function InboxPage({ v, threads, sent }: { v: ViewContext; threads: ThreadSummary[]; sent: boolean }) {
  return (
    <>
      {sent ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.message.sent')}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.message.intro')}</p>
      {threads.length === 0 ? (
        <p>{v.t('portal.message.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.message.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.message.subject')}</th>
              <th scope="col">{v.t('portal.message.kind')}</th>
              <th scope="col">{v.t('portal.message.about')}</th>
              <th scope="col">{v.t('portal.message.last')}</th>
              <th scope="col">{v.t('portal.message.unread')}</th>
            </tr>
          </thead>
          <tbody>
            {threads.map((t) => (
              <tr key={t.thread.id}>
                <td>
                  <a href={`${MESSAGES_HREF}/${t.thread.id}`}>{t.thread.subject}</a>
                </td>
                <td>{v.t(`portal.message.kind.${t.thread.kind as 'registration'}`)}</td>
                <td>{[t.siteName, t.child].filter(Boolean).join(' — ') || '—'}</td>
                <td>{formatDateTime(v.lang, t.thread.lastMessageAt)}</td>
                <td>{t.unread > 0 ? <strong>{String(t.unread)}</strong> : '0'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ThreadPage({ v, view, form, problem }: { v: ViewContext; view: ThreadView; form: FormState; problem: string | null }) {
  const labels = messageLabels(v);
  const { thread } = view;
  return (
    <>
      <p>{`${v.t(`portal.message.kind.${thread.kind as 'registration'}`)}${view.site ? ` — ${view.site.name}` : ''}`}</p>
      <ol class="messages">
        {view.messages.map((m) => (
          <li key={m.message.id}>
            <p>
              <strong>{m.mine ? v.t('portal.message.me') : m.author}</strong> — {formatDateTime(v.lang, m.message.createdAt)}
            </p>
            {m.message.body.split('\n').map((line, i) => (
              <p key={i}>{line}</p>
            ))}
            {m.attachment ? (
              <p>
                <a href={`${MESSAGES_HREF}/${thread.id}/pieces/${m.message.id}`}>{v.t('portal.message.download', { name: m.attachment.name, size: formatMebibytes(m.attachment.size) })}</a>
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {problem ? (
        <Notice v={v} kind="error">
          <p>{problem}</p>
        </Notice>
      ) : null}
      {view.canWrite ? (
        <>
          <h2>{v.t('portal.message.reply')}</h2>
          <ErrorSummary v={v} errors={form.errors} labels={labels} />
          <Form v={v} action={`${MESSAGES_HREF}/${thread.id}`} enctype="multipart/form-data">
            <TextArea v={v} name="body" label={labels.body ?? ''} form={form} required />
            <FileField v={v} name="attachment" label={labels.attachment ?? ''} hint={v.t('portal.message.attachment.hint', { size: formatMebibytes(ATTACHMENT_MAX_BYTES) })} form={form} accept="application/pdf" />
            <SubmitButton>{v.t('portal.message.send')}</SubmitButton>
          </Form>
        </>
      ) : (
        <p>{v.t('portal.message.readOnly')}</p>
      )}
      <p>
        <a href={MESSAGES_HREF}>{v.t('portal.message.back')}</a>
      </p>
    </>
  );
}

/** A new thread: to a parent about its child's entry, between an RSGE and its BC, or an announcement (`withAudience`). */
export function NewThreadPage({ v, action, lead, form, withAudience }: { v: ViewContext; action: string; lead: string; form: FormState; withAudience?: boolean }) {
  const labels = messageLabels(v);
  return (
    <>
      <p>{lead}</p>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={action}>
        {withAudience ? <SelectField v={v} name="audience" label={labels.audience ?? ''} form={form} required placeholder={v.t('portal.message.audience.choose')} options={audiences.map((a) => ({ value: a, label: v.t(`portal.message.audience.${a}`) }))} /> : null}
        <TextField v={v} name="subject" label={labels.subject ?? ''} form={form} required />
        <TextArea v={v} name="body" label={labels.body ?? ''} hint={v.t('portal.message.body.hint')} form={form} required />
        <SubmitButton>{v.t('portal.message.send')}</SubmitButton>
      </Form>
      <p>{v.t('portal.message.next')}</p>
    </>
  );
}
