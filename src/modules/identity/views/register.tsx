import { ErrorSummary, Form, Notice, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';

export function RegisterPage({ v, form }: { v: ViewContext; form: FormState }) {
  const labels = {
    displayName: v.t('register.name'),
    email: v.t('register.email'),
    password: v.t('password.new'),
    confirmPassword: v.t('password.confirm'),
  };
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <p>{v.t('register.intro')}</p>
      <Form v={v} action="/inscription">
        <TextField v={v} form={form} name="displayName" label={labels.displayName} autocomplete="name" required />
        <TextField v={v} form={form} name="email" type="email" label={labels.email} autocomplete="email" required />
        <TextField v={v} form={form} name="password" type="password" label={labels.password} hint={v.t('password.rules')} autocomplete="new-password" required />
        <TextField v={v} form={form} name="confirmPassword" type="password" label={labels.confirmPassword} autocomplete="new-password" required />
        <SubmitButton>{v.t('register.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function RegisteredPage({ v }: { v: ViewContext }) {
  return (
    <Notice v={v} kind="success" title={v.t('register.doneTitle')}>
      <p>{v.t('register.done')}</p>
    </Notice>
  );
}

export function ConfirmEmailPage({ v, token }: { v: ViewContext; token: string }) {
  return (
    <>
      <p>{v.t('confirm.intro')}</p>
      <Form v={v} action={`/inscription/confirmer/${encodeURIComponent(token)}`}>
        <SubmitButton>{v.t('confirm.submit')}</SubmitButton>
      </Form>
    </>
  );
}
