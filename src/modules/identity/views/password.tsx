import { ErrorSummary, Form, Notice, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';

export function ChangePasswordPage({ v, form, forced }: { v: ViewContext; form: FormState; forced: boolean }) {
  const labels = { currentPassword: v.t('password.current'), newPassword: v.t('password.new'), confirmPassword: v.t('password.confirm') };
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <p>{forced ? v.t('password.forcedIntro') : v.t('password.changeIntro')}</p>
      <Form v={v} action="/mot-de-passe/changer">
        {forced ? null : <TextField v={v} form={form} name="currentPassword" type="password" label={labels.currentPassword} autocomplete="current-password" required />}
        <TextField v={v} form={form} name="newPassword" type="password" label={labels.newPassword} hint={v.t('password.rules')} autocomplete="new-password" required />
        <TextField v={v} form={form} name="confirmPassword" type="password" label={labels.confirmPassword} autocomplete="new-password" required />
        <SubmitButton>{v.t('password.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function ForgotPasswordPage({ v, form, sent }: { v: ViewContext; form: FormState; sent: boolean }) {
  if (sent) {
    return (
      <Notice v={v} kind="success" title={v.t('forgot.sentTitle')}>
        <p>{v.t('forgot.sent')}</p>
      </Notice>
    );
  }
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={{ identifier: v.t('signin.identifier') }} />
      <p>{v.t('forgot.intro')}</p>
      <Form v={v} action="/mot-de-passe/oubli">
        <TextField v={v} form={form} name="identifier" label={v.t('signin.identifier')} hint={v.t('signin.identifier.hint')} autocomplete="username" required />
        <SubmitButton>{v.t('forgot.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function ResetPasswordPage({ v, form, token }: { v: ViewContext; form: FormState; token: string }) {
  const labels = { newPassword: v.t('password.new'), confirmPassword: v.t('password.confirm') };
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <p>{v.t('reset.intro')}</p>
      <Form v={v} action={`/mot-de-passe/reinitialiser/${encodeURIComponent(token)}`}>
        <TextField v={v} form={form} name="newPassword" type="password" label={labels.newPassword} hint={v.t('password.rules')} autocomplete="new-password" required />
        <TextField v={v} form={form} name="confirmPassword" type="password" label={labels.confirmPassword} autocomplete="new-password" required />
        <SubmitButton>{v.t('reset.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function InvalidLinkPage({ v, retryHref, retryLabel }: { v: ViewContext; retryHref: string; retryLabel: string }) {
  return (
    <>
      <Notice v={v} kind="error">
        <p>{v.t('link.invalid')}</p>
      </Notice>
      <p>
        <a href={retryHref}>{retryLabel}</a>
      </p>
    </>
  );
}
