import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { distinctAuditActions, listAuditEvents } from '../../platform/audit/service.js';
import { anonymous } from '../../platform/context.js';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { parseForm, emailField, requiredText } from '../../platform/http/forms.js';
import { safeReturnPath } from '../../platform/http/navigation.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { FieldValidationError } from '../../platform/errors.js';
import { formatDateTime } from '../../platform/i18n/format.js';
import { quebecMidnight } from '../../platform/time/index.js';
import {
  activeSessionCount,
  changePassword,
  confirmMfaEnrolment,
  isResetTokenUsable,
  registerCitizen,
  requestPasswordReset,
  resetPassword,
  resolveSession,
  signIn,
  signOut,
  signOutEverywhere,
  startMfaEnrolment,
  unusedRecoveryCodeCount,
  verifyEmail,
  verifySecondFactor,
  type IdentitySettings,
  type SessionInfo,
  type SessionStage,
} from './service.js';
import { totpUri } from './totp.js';
import { AccountPage } from './views/account.js';
import { AuditPage } from './views/audit.js';
import { ChangePasswordPage, ForgotPasswordPage, InvalidLinkPage, ResetPasswordPage } from './views/password.js';
import { ConfirmEmailPage, RegisteredPage, RegisterPage } from './views/register.js';
import { MfaEnrolPage, MfaPage, RecoveryCodesPage, SignInPage } from './views/signin.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | null;
  }
}

export const SESSION_COOKIE = 'guichet_session';

const stagePath: Record<SessionStage, string> = {
  mfa: '/connexion/mfa',
  password_change: '/mot-de-passe/changer',
  mfa_enrol: '/connexion/mfa/inscription',
  full: '/compte',
};

function fieldErrors(error: unknown): FormState['errors'] {
  if (error instanceof FieldValidationError) return error.fields;
  throw error;
}

export async function registerIdentity(app: FastifyInstance): Promise<void> {
  const settings: IdentitySettings = {
    secret: app.config.secret,
    publicUrl: app.config.publicUrl,
    failureDelayMs: app.config.AUTH_FAILURE_DELAY_MS,
  };
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  app.decorateRequest('session', null);

  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: app.config.cookieSecure };
  function setSessionCookie(reply: FastifyReply, token: string) {
    reply.setCookie(SESSION_COOKIE, token, cookieOptions);
  }
  function clearSessionCookie(reply: FastifyReply) {
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
  }

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/static/') || request.url === '/healthz') return;
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const info = await resolveSession(db, token);
    if (!info) {
      // Tampered, expired or ended elsewhere: the visitor is simply signed out.
      clearSessionCookie(reply);
      return;
    }
    request.session = info;
    request.sessionToken = info.token;
    if (info.stage === 'full') {
      request.ctx.actor = { type: 'account', accountId: info.account.id, accountKind: info.account.kind, displayName: info.account.displayName };
      if (info.account.language !== request.ctx.lang && !request.cookies.guichet_langue) {
        request.ctx.lang = info.account.language === 'en' ? 'en' : 'fr';
      }
    }
  });

  /**
   * The view of a page answering a request that ended its session: the cookie is cleared and the
   * page's forms carry a CSRF token for a signed-out visitor, not one bound to the ended session.
   */
  function signedOutView(request: FastifyRequest, reply: FastifyReply) {
    clearSessionCookie(reply);
    request.session = null;
    request.sessionToken = null;
    request.ctx.actor = anonymous;
    return viewContext(request, reply);
  }

  /** Pages for signed-in people: others go to sign-in, half-signed-in ones to their next step. */
  function requireFull(request: FastifyRequest, reply: FastifyReply): SessionInfo | null {
    const info = request.session;
    if (info?.stage === 'full') return info;
    const target = info ? stagePath[info.stage] : `/connexion?retour=${encodeURIComponent(request.url)}`;
    void reply.redirect(target, 303);
    return null;
  }

  function afterStep(reply: FastifyReply, token: string, stage: SessionStage, retour = '/compte') {
    setSessionCookie(reply, token);
    return reply.redirect(stage === 'full' ? safeReturnPath(retour) : stagePath[stage], 303);
  }

  const loginRateLimit = { rateLimit: { max: app.config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } };
  const retourQuery = z.object({ retour: z.string().max(2000).optional() });

  // --- Sign-in -------------------------------------------------------------------------------
  r.get('/connexion', { schema: { querystring: retourQuery } }, async (request, reply) => {
    const v = viewContext(request, reply);
    if (request.session?.stage === 'full') return reply.redirect('/compte', 303);
    return sendPage(reply, v, { title: v.t('signin.title') }, <SignInPage v={v} form={emptyForm} retour={safeReturnPath(request.query.retour)} />);
  });

  const signInForm = z.object({
    identifier: requiredText('signin.identifier.required', 254),
    password: z.string().min(1, 'signin.password.required').max(1000, 'field.tooLong'),
  });
  r.post('/connexion', { schema: { querystring: retourQuery }, config: loginRateLimit }, async (request, reply) => {
    const v = viewContext(request, reply);
    const retour = request.query.retour ? safeReturnPath(request.query.retour) : '/compte';
    const form = parseForm(signInForm, request.body);
    const show = (state: FormState, status: number, notice?: { kind: 'error'; text: string }) =>
      sendPage(reply, v, { title: v.t('signin.title'), status }, <SignInPage v={v} form={state} notice={notice} retour={retour} />);
    if (!form.ok) return show(form, 400);
    const result = await signIn(db, request.ctx, settings, { ...form.data, previousToken: request.sessionToken });
    const kept = { values: { identifier: form.values.identifier ?? '' }, errors: {} };
    switch (result.outcome) {
      case 'signed-in':
        return afterStep(reply, result.token, result.stage, retour);
      case 'locked':
        return show(kept, 429, { kind: 'error', text: v.t('signin.locked', { time: formatDateTime(v.lang, result.until) }) });
      case 'unverified':
        return show(kept, 403, { kind: 'error', text: v.t('signin.unverified') });
      case 'invalid':
        return show(kept, 401, { kind: 'error', text: v.t('signin.invalid') });
    }
  });

  // --- Second factor -------------------------------------------------------------------------
  r.get('/connexion/mfa', async (request, reply) => {
    if (request.session?.stage !== 'mfa') return reply.redirect('/connexion', 303);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('mfa.title') }, <MfaPage v={v} form={emptyForm} />);
  });

  const codeForm = z.object({ code: requiredText('mfa.code.required', 40) });
  r.post('/connexion/mfa', { config: loginRateLimit }, async (request, reply) => {
    if (request.session?.stage !== 'mfa') return reply.redirect('/connexion', 303);
    const v = viewContext(request, reply);
    const form = parseForm(codeForm, request.body);
    const show = (state: FormState, status: number) => sendPage(reply, v, { title: v.t('mfa.title'), status }, <MfaPage v={v} form={state} />);
    if (!form.ok) return show(form, 400);
    const result = await verifySecondFactor(db, request.ctx, settings, request.session, form.data.code);
    if (result.outcome === 'ok') return afterStep(reply, result.token, result.stage);
    if (result.outcome === 'locked') {
      const out = signedOutView(request, reply);
      return sendPage(reply, out, { title: out.t('signin.title'), status: 429 }, (
        <SignInPage v={out} form={emptyForm} retour="/" notice={{ kind: 'error', text: out.t('signin.locked', { time: formatDateTime(out.lang, result.until) }) }} />
      ));
    }
    return show({ values: {}, errors: { code: 'mfa.code.invalid' } }, 401);
  });

  // --- MFA enrolment -------------------------------------------------------------------------
  function canEnrol(info: SessionInfo | null): info is SessionInfo {
    return info !== null && (info.stage === 'mfa_enrol' || (info.stage === 'full' && !info.account.mfaEnabledAt));
  }

  r.get('/connexion/mfa/inscription', async (request, reply) => {
    if (!canEnrol(request.session)) return reply.redirect(request.session ? '/compte' : '/connexion', 303);
    const secret = await startMfaEnrolment(db, settings, request.session);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('mfaEnrol.title') }, <MfaEnrolPage v={v} form={emptyForm} secret={secret} />);
  });

  r.get('/connexion/mfa/qr.svg', async (request, reply) => {
    if (!canEnrol(request.session)) return reply.status(404).send();
    const secret = await startMfaEnrolment(db, settings, request.session);
    const label = request.session.account.userCode ?? request.session.account.email ?? request.session.account.id;
    const svg = await QRCode.toString(totpUri(secret, label), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return reply.header('content-type', 'image/svg+xml').header('cache-control', 'no-store').send(svg);
  });

  r.post('/connexion/mfa/inscription', async (request, reply) => {
    if (!canEnrol(request.session)) return reply.redirect(request.session ? '/compte' : '/connexion', 303);
    const v = viewContext(request, reply);
    const form = parseForm(codeForm, request.body);
    const secret = await startMfaEnrolment(db, settings, request.session);
    const show = (state: FormState, status: number) =>
      sendPage(reply, v, { title: v.t('mfaEnrol.title'), status }, <MfaEnrolPage v={v} form={state} secret={secret} />);
    if (!form.ok) return show(form, 400);
    const result = await confirmMfaEnrolment(db, request.ctx, settings, request.session, form.data.code);
    if (result.outcome === 'invalid') return show({ values: {}, errors: { code: 'mfa.code.invalid' } }, 400);
    setSessionCookie(reply, result.token);
    request.sessionToken = result.token;
    const v2 = viewContext(request, reply);
    return sendPage(reply, v2, { title: v.t('recovery.title') }, <RecoveryCodesPage v={v2} codes={result.recoveryCodes} next={stagePath[result.stage]} />);
  });

  // --- Passwords -----------------------------------------------------------------------------
  function passwordStage(request: FastifyRequest): 'forced' | 'voluntary' | null {
    if (request.session?.stage === 'password_change') return 'forced';
    if (request.session?.stage === 'full') return 'voluntary';
    return null;
  }

  r.get('/mot-de-passe/changer', async (request, reply) => {
    const stage = passwordStage(request);
    if (!stage) return reply.redirect('/connexion?retour=%2Fmot-de-passe%2Fchanger', 303);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('password.title') }, <ChangePasswordPage v={v} form={emptyForm} forced={stage === 'forced'} />);
  });

  const newPasswordRules = {
    newPassword: z.string().min(1, 'password.required').max(1000, 'field.tooLong'),
    confirmPassword: z.string().min(1, 'password.confirm.required').max(1000, 'field.tooLong'),
  };
  const matching = <T extends { newPassword: string; confirmPassword: string }>(value: T) => value.newPassword === value.confirmPassword;
  const mismatch = { message: 'password.mismatch', path: ['confirmPassword'] };
  const changeForm = z.object({ currentPassword: z.string().max(1000).optional(), ...newPasswordRules }).refine(matching, mismatch);

  r.post('/mot-de-passe/changer', async (request, reply) => {
    const stage = passwordStage(request);
    if (!stage) return reply.redirect('/connexion', 303);
    const v = viewContext(request, reply);
    const form = parseForm(changeForm, request.body);
    const show = (state: FormState) =>
      sendPage(reply, v, { title: v.t('password.title'), status: 400 }, <ChangePasswordPage v={v} form={state} forced={stage === 'forced'} />);
    if (!form.ok) return show(form);
    try {
      const result = await changePassword(db, request.ctx, settings, request.session, {
        currentPassword: form.data.currentPassword,
        newPassword: form.data.newPassword,
      });
      return afterStep(reply, result.token, result.stage, '/compte?avis=mot-de-passe');
    } catch (error) {
      return show({ values: {}, errors: fieldErrors(error) });
    }
  });

  r.get('/mot-de-passe/oubli', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('forgot.title') }, <ForgotPasswordPage v={v} form={emptyForm} sent={false} />);
  });

  const forgotForm = z.object({ identifier: requiredText('signin.identifier.required', 254) });
  r.post('/mot-de-passe/oubli', { config: loginRateLimit }, async (request, reply) => {
    const v = viewContext(request, reply);
    const form = parseForm(forgotForm, request.body);
    if (!form.ok) return sendPage(reply, v, { title: v.t('forgot.title'), status: 400 }, <ForgotPasswordPage v={v} form={form} sent={false} />);
    await requestPasswordReset(db, request.ctx, settings, form.data.identifier);
    app.outbox.nudge();
    return sendPage(reply, v, { title: v.t('forgot.title') }, <ForgotPasswordPage v={v} form={emptyForm} sent />);
  });

  const tokenParams = z.object({ token: z.string().min(10).max(100) });
  r.get('/mot-de-passe/reinitialiser/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const v = viewContext(request, reply);
    if (!(await isResetTokenUsable(db, request.params.token))) {
      return sendPage(reply, v, { title: v.t('reset.title'), status: 410 }, <InvalidLinkPage v={v} retryHref="/mot-de-passe/oubli" retryLabel={v.t('reset.retry')} />);
    }
    return sendPage(reply, v, { title: v.t('reset.title') }, <ResetPasswordPage v={v} form={emptyForm} token={request.params.token} />);
  });

  const resetForm = z.object(newPasswordRules).refine(matching, mismatch);
  r.post('/mot-de-passe/reinitialiser/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const v = viewContext(request, reply);
    const token = request.params.token;
    const form = parseForm(resetForm, request.body);
    const show = (state: FormState) => sendPage(reply, v, { title: v.t('reset.title'), status: 400 }, <ResetPasswordPage v={v} form={state} token={token} />);
    if (!form.ok) return show(form);
    try {
      const outcome = await resetPassword(db, request.ctx, settings, token, form.data.newPassword);
      app.outbox.nudge();
      if (outcome === 'invalid-token') {
        return sendPage(reply, v, { title: v.t('reset.title'), status: 410 }, <InvalidLinkPage v={v} retryHref="/mot-de-passe/oubli" retryLabel={v.t('reset.retry')} />);
      }
      const out = signedOutView(request, reply);
      return sendPage(reply, out, { title: out.t('signin.title') }, <SignInPage v={out} form={emptyForm} retour="/" notice={{ kind: 'success', text: out.t('reset.done') }} />);
    } catch (error) {
      return show({ values: {}, errors: fieldErrors(error) });
    }
  });

  // --- Citizen self-registration -------------------------------------------------------------
  r.get('/inscription', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('register.title') }, <RegisterPage v={v} form={emptyForm} />);
  });

  const registerForm = z
    .object({
      displayName: requiredText('register.name.required', 120),
      email: emailField,
      password: z.string().min(1, 'password.required').max(1000, 'field.tooLong'),
      confirmPassword: z.string().min(1, 'password.confirm.required').max(1000, 'field.tooLong'),
    })
    .refine((value) => value.password === value.confirmPassword, mismatch);

  r.post('/inscription', { config: loginRateLimit }, async (request, reply) => {
    const v = viewContext(request, reply);
    const form = parseForm(registerForm, request.body);
    const show = (state: FormState) => sendPage(reply, v, { title: v.t('register.title'), status: 400 }, <RegisterPage v={v} form={state} />);
    if (!form.ok) return show(form);
    try {
      await registerCitizen(db, request.ctx, settings, form.data);
    } catch (error) {
      return show({ values: form.values, errors: fieldErrors(error) });
    }
    app.outbox.nudge();
    return sendPage(reply, v, { title: v.t('register.title') }, <RegisteredPage v={v} />);
  });

  r.get('/inscription/confirmer/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('confirm.title') }, <ConfirmEmailPage v={v} token={request.params.token} />);
  });

  r.post('/inscription/confirmer/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const v = viewContext(request, reply);
    if (!(await verifyEmail(db, request.ctx, request.params.token))) {
      return sendPage(reply, v, { title: v.t('confirm.title'), status: 410 }, <InvalidLinkPage v={v} retryHref="/inscription" retryLabel={v.t('confirm.retry')} />);
    }
    return sendPage(reply, v, { title: v.t('signin.title') }, <SignInPage v={v} form={emptyForm} retour="/" notice={{ kind: 'success', text: v.t('confirm.done') }} />);
  });

  // --- Sign-out ------------------------------------------------------------------------------
  r.post('/deconnexion', async (request, reply) => {
    await signOut(db, request.ctx, request.session);
    clearSessionCookie(reply);
    return reply.redirect('/', 303);
  });

  r.post('/deconnexion/partout', async (request, reply) => {
    if (!requireFull(request, reply)) return reply;
    await signOutEverywhere(db, request.ctx, request.session);
    clearSessionCookie(reply);
    return reply.redirect('/connexion', 303);
  });

  // --- Account -------------------------------------------------------------------------------
  r.get('/compte', { schema: { querystring: z.object({ avis: z.enum(['mot-de-passe']).optional() }) } }, async (request, reply) => {
    const info = requireFull(request, reply);
    if (!info) return reply;
    const v = viewContext(request, reply);
    const [sessions, codes] = await Promise.all([activeSessionCount(db, info.account.id), unusedRecoveryCodeCount(db, info.account.id)]);
    const notice = request.query.avis === 'mot-de-passe' ? v.t('password.changed') : undefined;
    return sendPage(reply, v, { title: v.t('account.title') }, <AccountPage v={v} account={info.account} sessions={sessions} recoveryCodesLeft={codes} notice={notice} />);
  });

  // --- Audit log (agents) --------------------------------------------------------------------
  const auditQuery = z.object({
    acteur: z.string().max(100).optional(),
    action: z.string().max(100).optional(),
    du: z.union([z.literal(''), z.iso.date()]).optional(),
    au: z.union([z.literal(''), z.iso.date()]).optional(),
  });
  r.get('/agent/journal', { schema: { querystring: auditQuery } }, async (request, reply) => {
    if (!requireFull(request, reply)) return reply;
    const q = request.query;
    const limit = 200;
    const events = await listAuditEvents(
      db,
      request.ctx,
      {
        actorId: q.acteur?.trim() || undefined,
        action: q.action || undefined,
        from: q.du ? quebecMidnight(q.du) : undefined,
        to: q.au ? quebecMidnight(q.au, 1) : undefined,
      },
      limit,
    );
    const actions = await distinctAuditActions(db, request.ctx);
    const v = viewContext(request, reply);
    const filters: FormState = { values: Object.fromEntries(Object.entries(q).filter(([, val]) => val)) as Record<string, string>, errors: {} };
    return sendPage(reply, v, { title: v.t('audit.title') }, <AuditPage v={v} events={events} actions={actions} filters={filters} limit={limit} />);
  });
}
