import { ErrorSummary, Form, Notice, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { AddedMember, Member } from '../members.js';

export function MembersPage({ v, members, form, notice }: { v: ViewContext; members: Member[]; form: FormState; notice?: string }) {
  const labels = { firstName: v.t('members.firstName'), lastName: v.t('members.lastName'), email: v.t('members.email') };
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>{v.t('members.intro')}</p>
      <p>
        <a href="/entreprise/droits">{v.t('members.rightsLink')}</a>
      </p>
      <table class="members">
        <caption>{v.t('members.table.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('members.table.name')}</th>
            <th scope="col">{v.t('members.table.userCode')}</th>
            <th scope="col">{v.t('members.email')}</th>
            <th scope="col">{v.t('members.table.role')}</th>
            <th scope="col">{v.t('members.table.state')}</th>
            <th scope="col">{v.t('members.table.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.accountId}>
              <th scope="row">{m.displayName}</th>
              <td>{m.userCode}</td>
              <td>{m.email}</td>
              <td>{v.t(m.role === 'rse' ? 'members.role.rse' : 'members.role.user')}</td>
              <td>
                {v.t(m.active ? 'members.state.active' : 'members.state.inactive')}
                <br />
                <small>{v.t('members.addedAt', { date: formatDateTime(v.lang, m.addedAt) })}</small>
              </td>
              <td>
                {m.role === 'user' && m.active ? (
                  <>
                    <Form v={v} action={`/entreprise/utilisateurs/${m.accountId}/desactiver`}>
                      <SubmitButton kind="secondary">{v.t('members.deactivate', { name: m.displayName })}</SubmitButton>
                    </Form>
                    <a href={`/entreprise/utilisateurs/${m.accountId}/rse`}>{v.t('members.transfer.link', { name: m.displayName })}</a>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{v.t('members.add.title')}</h2>
      <Form v={v} action="/entreprise/utilisateurs">
        <ErrorSummary v={v} errors={form.errors} labels={labels} />
        <TextField v={v} name="firstName" label={labels.firstName} form={form} required autocomplete="off" />
        <TextField v={v} name="lastName" label={labels.lastName} form={form} required autocomplete="off" />
        <TextField v={v} name="email" type="email" label={labels.email} form={form} required autocomplete="off" hint={v.t('members.email.hint')} />
        <SubmitButton>{v.t('members.add.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function MemberAddedPage({ v, added }: { v: ViewContext; added: AddedMember }) {
  return (
    <>
      <Notice v={v} kind="success" title={v.t('members.added.title', { name: added.displayName })}>
        <p>{v.t('members.added.once')}</p>
      </Notice>
      <dl class="summary">
        <dt>{v.t('members.table.userCode')}</dt>
        <dd>
          <strong data-user-code>{added.userCode}</strong>
        </dd>
        <dt>{v.t('members.added.temporaryPassword')}</dt>
        <dd>
          <strong data-temporary-password>{added.temporaryPassword}</strong>
        </dd>
      </dl>
      <p>{v.t('members.added.next')}</p>
      <p>
        <a href="/entreprise/utilisateurs">{v.t('members.back')}</a>
      </p>
    </>
  );
}

export function TransferPage({ v, member }: { v: ViewContext; member: Member }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{v.t('members.transfer.warning', { name: member.displayName })}</p>
      </Notice>
      <Form v={v} action={`/entreprise/utilisateurs/${member.accountId}/rse`}>
        <input type="hidden" name="confirm" value="oui" />
        <SubmitButton kind="danger">{v.t('members.transfer.confirm', { name: member.displayName })}</SubmitButton>
      </Form>
      <p>
        <a href="/entreprise/utilisateurs">{v.t('members.cancel')}</a>
      </p>
    </>
  );
}
