import type { OutboxRow } from '../../outbox/service.js';
import { formatDateTime } from '../../i18n/format.js';
import type { ViewContext } from '../render.js';

export function MailboxList({ v, mails }: { v: ViewContext; mails: OutboxRow[] }) {
  if (mails.length === 0) return <p>{v.t('mailbox.empty')}</p>;
  return (
    <>
      <p>{v.t('mailbox.intro')}</p>
      <table class="data-table">
        <caption>{v.t('mailbox.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('mailbox.to')}</th>
            <th scope="col">{v.t('mailbox.subject')}</th>
            <th scope="col">{v.t('mailbox.createdAt')}</th>
            <th scope="col">{v.t('mailbox.status')}</th>
          </tr>
        </thead>
        <tbody>
          {mails.map((mail) => (
            <tr key={mail.id}>
              <td>{mail.recipient}</td>
              <td>
                <a href={`/dev/courriels/${mail.id}`}>{mail.subject}</a>
              </td>
              <td>{formatDateTime(v.lang, mail.createdAt)}</td>
              <td>{mail.sentAt ? v.t('mailbox.sent') : v.t('mailbox.pending', { attempts: mail.attempts })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function MailView({ v, mail }: { v: ViewContext; mail: OutboxRow }) {
  return (
    <>
      <dl class="summary">
        <dt>{v.t('mailbox.to')}</dt>
        <dd>{mail.recipient}</dd>
        <dt>{v.t('mailbox.createdAt')}</dt>
        <dd>{formatDateTime(v.lang, mail.createdAt)}</dd>
      </dl>
      <pre class="mail-body">{mail.textBody}</pre>
    </>
  );
}
