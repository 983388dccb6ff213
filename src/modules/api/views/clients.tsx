import { ChoiceGroup, DataTable, ErrorSummary, Form, Notice, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import { apiScopes, isApiScope } from '../scopes.js';
import type { ClientSummary } from '../service.js';
import { scopeLabel } from './docs.js';

function scopesOf(v: ViewContext, scopes: string[]): string {
  return scopes.filter(isApiScope).map((s) => scopeLabel(v, s)).join(', ');
}

/** The RSE's management software: registered clients, revocation, and the form to register one. */
export function ClientsPage({ v, clients, form, notice }: { v: ViewContext; clients: ClientSummary[]; form: FormState; notice?: string }) {
  const labels = { name: v.t('api.clients.name'), scopes: v.t('api.clients.scopes') };
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>{v.t('api.clients.intro')}</p>
      <p>
        <a href="/api/v1/docs">{v.t('api.clients.docsLink')}</a>
      </p>
      <DataTable
        caption={v.t('api.clients.caption')}
        empty={v.t('api.clients.none')}
        rows={clients}
        rowKey={(c) => c.id}
        columns={[
          { header: v.t('api.clients.name'), rowHeader: true, cell: (c) => c.name },
          { header: v.t('api.clients.clientId'), cell: (c) => <code>{c.id}</code> },
          { header: v.t('api.clients.scopes'), cell: (c) => scopesOf(v, c.scopes) },
          {
            header: v.t('api.clients.state'),
            cell: (c) => (c.revokedAt ? v.t('api.clients.revokedAt', { date: formatDateTime(v.lang, c.revokedAt) }) : v.t('api.clients.createdAt', { date: formatDateTime(v.lang, c.createdAt) })),
          },
          { header: v.t('api.clients.actions'), cell: (c) => (c.revokedAt ? null : <a href={`/entreprise/api/${c.id}/revoquer`}>{v.t('api.clients.revoke')}</a>) },
        ]}
      />
      <h2>{v.t('api.clients.register.title')}</h2>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action="/entreprise/api">
        <TextField v={v} name="name" label={labels.name} hint={v.t('api.clients.name.hint')} form={form} required />
        <ChoiceGroup v={v} name="scopes" label={labels.scopes} form={form} multiple required options={apiScopes.map((s) => ({ value: s, label: `${scopeLabel(v, s)} (${s})` }))} />
        <SubmitButton>{v.t('api.clients.register.submit')}</SubmitButton>
      </Form>
    </>
  );
}

/** Shown once: the secret is not kept, only its hash. */
export function ClientRegisteredPage({ v, client, clientSecret }: { v: ViewContext; client: ClientSummary; clientSecret: string }) {
  return (
    <>
      <Notice v={v} kind="warning" title={v.t('api.clients.secret.once')}>
        <p>{v.t('api.clients.secret.body')}</p>
      </Notice>
      <dl>
        <dt>{v.t('api.clients.name')}</dt>
        <dd>{client.name}</dd>
        <dt>{v.t('api.clients.clientId')}</dt>
        <dd>
          <code>{client.id}</code>
        </dd>
        <dt>{v.t('api.clients.secret')}</dt>
        <dd>
          <code>{clientSecret}</code>
        </dd>
        <dt>{v.t('api.clients.scopes')}</dt>
        <dd>{scopesOf(v, client.scopes)}</dd>
      </dl>
      <p>
        <a href="/entreprise/api">{v.t('api.clients.back')}</a>
      </p>
    </>
  );
}

export function RevokePage({ v, client }: { v: ViewContext; client: ClientSummary }) {
  return (
    <>
      <p>{v.t('api.clients.revoke.confirm', { name: client.name })}</p>
      <Form v={v} action={`/entreprise/api/${client.id}/revoquer`}>
        <SubmitButton kind="danger">{v.t('api.clients.revoke')}</SubmitButton>
      </Form>
      <p>
        <a href="/entreprise/api">{v.t('api.clients.back')}</a>
      </p>
    </>
  );
}
