import { Form, Notice, SubmitButton } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import type { Account } from '../service.js';

export function AccountPage({ v, account, sessions, recoveryCodesLeft, notice }: { v: ViewContext; account: Account; sessions: number; recoveryCodesLeft: number; notice?: string | undefined }) {
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <dl class="summary">
        <dt>{v.t('account.kind')}</dt>
        <dd>{v.t(`account.kind.${account.kind}`)}</dd>
        {account.userCode ? (
          <>
            <dt>{v.t('account.userCode')}</dt>
            <dd>{account.userCode}</dd>
          </>
        ) : null}
        {account.email ? (
          <>
            <dt>{v.t('account.email')}</dt>
            <dd>{account.email}</dd>
          </>
        ) : null}
        <dt>{v.t('account.mfa')}</dt>
        <dd>
          {account.mfaEnabledAt
            ? v.t('account.mfa.on', { date: formatDateTime(v.lang, account.mfaEnabledAt), codes: recoveryCodesLeft })
            : v.t('account.mfa.off')}
        </dd>
        <dt>{v.t('account.sessions')}</dt>
        <dd>{sessions}</dd>
      </dl>
      <h2>{v.t('account.security')}</h2>
      <ul>
        <li>
          <a href="/mot-de-passe/changer">{v.t('account.changePassword')}</a>
        </li>
        {account.mfaEnabledAt ? null : (
          <li>
            <a href="/connexion/mfa/inscription">{v.t('account.enableMfa')}</a>
          </li>
        )}
        {account.kind === 'agent' ? (
          <li>
            <a href="/agent">{v.t('agentHome.title')}</a>
          </li>
        ) : null}
        {account.kind === 'citizen' ? (
          <li>
            <a href="/famille">{v.t('portal.family.link')}</a>
          </li>
        ) : null}
        {account.kind === 'enterprise' ? (
          <li>
            <a href="/entreprise">{v.t('workspace.title')}</a>
          </li>
        ) : null}
      </ul>
      <h2>{v.t('account.signOutEverywhere')}</h2>
      <p>{v.t('account.signOutEverywhere.intro')}</p>
      <Form v={v} action="/deconnexion/partout">
        <SubmitButton kind="secondary">{v.t('account.signOutEverywhere.submit')}</SubmitButton>
      </Form>
    </>
  );
}
