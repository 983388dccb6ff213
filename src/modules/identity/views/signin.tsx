import { ErrorSummary, Form, Notice, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';

export function SignInPage({ v, form, notice, retour }: { v: ViewContext; form: FormState; notice?: { kind: 'error' | 'success' | 'information'; text: string } | undefined; retour: string }) {
  return (
    <>
      {notice ? <Notice v={v} kind={notice.kind}>{<p>{notice.text}</p>}</Notice> : null}
      <ErrorSummary v={v} errors={form.errors} labels={{ identifier: v.t('signin.identifier'), password: v.t('signin.password') }} />
      <p>{v.t('signin.intro')}</p>
      <Form v={v} action={`/connexion${retour !== '/' ? `?retour=${encodeURIComponent(retour)}` : ''}`}>
        <TextField v={v} form={form} name="identifier" label={v.t('signin.identifier')} hint={v.t('signin.identifier.hint')} autocomplete="username" required />
        <TextField v={v} form={form} name="password" type="password" label={v.t('signin.password')} autocomplete="current-password" required />
        <SubmitButton>{v.t('signin.submit')}</SubmitButton>
      </Form>
      <ul>
        <li>
          <a href="/mot-de-passe/oubli">{v.t('signin.forgot')}</a>
        </li>
        <li>
          <a href="/inscription">{v.t('signin.register')}</a>
        </li>
      </ul>
    </>
  );
}

export function MfaPage({ v, form }: { v: ViewContext; form: FormState }) {
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={{ code: v.t('mfa.code') }} />
      <p>{v.t('mfa.intro')}</p>
      <Form v={v} action="/connexion/mfa">
        <TextField v={v} form={form} name="code" label={v.t('mfa.code')} hint={v.t('mfa.code.hint')} autocomplete="one-time-code" inputmode="text" required />
        <SubmitButton>{v.t('mfa.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function MfaEnrolPage({ v, form, secret }: { v: ViewContext; form: FormState; secret: string }) {
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={{ code: v.t('mfa.code') }} />
      <p>{v.t('mfaEnrol.intro')}</p>
      <ol>
        <li>{v.t('mfaEnrol.step1')}</li>
        <li>
          {v.t('mfaEnrol.step2')}
          <img class="qr-code" src="/connexion/mfa/qr.svg" alt={v.t('mfaEnrol.qrAlt')} width={220} height={220} />
          <p>
            {v.t('mfaEnrol.manual')} <code class="totp-secret">{secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
        </li>
        <li>{v.t('mfaEnrol.step3')}</li>
      </ol>
      <Form v={v} action="/connexion/mfa/inscription">
        <TextField v={v} form={form} name="code" label={v.t('mfa.code')} hint={v.t('mfaEnrol.code.hint')} autocomplete="one-time-code" inputmode="numeric" required />
        <SubmitButton>{v.t('mfaEnrol.submit')}</SubmitButton>
      </Form>
    </>
  );
}

export function RecoveryCodesPage({ v, codes, next }: { v: ViewContext; codes: string[]; next: string }) {
  return (
    <>
      <Notice v={v} kind="success" title={v.t('mfaEnrol.done')}>
        <p>{v.t('recovery.intro')}</p>
      </Notice>
      <ul class="recovery-codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <p>{v.t('recovery.once')}</p>
      <p>
        <a class="qc-button qc-primary" href={next}>
          {v.t('recovery.continue')}
        </a>
      </p>
    </>
  );
}
