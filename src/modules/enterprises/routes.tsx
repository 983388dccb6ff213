import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emptyForm, type FormState } from '../../platform/http/components.js';
import { emailField, parseForm, requiredText } from '../../platform/http/forms.js';
import { sendPage, sendPdf, viewContext } from '../../platform/http/render.js';
import { workspaceLinks } from '../../platform/http/workspace.js';
import { acknowledgementPdf } from './acknowledgement-pdf.js';
import { isAssessmentNumber, isImpotnetCode, isInvitationNumber, isTenDigits, isValidSin, normalizeIdentifier } from './identifiers.js';
import { corporationOfficerFunctions, identifiersByLegalType, legalTypes, rolesByLegalType, type LegalType, type SecretIdentifier } from './rules.js';
import {
  listLetters,
  readDraft,
  requestInvitationNumber,
  saveDraft,
  submitEnrolment,
  takeAcknowledgement,
  takeDraft,
  type EnrolmentRequest,
  type EnterpriseSettings,
} from './service.js';
import { AcknowledgementPage, DetailsPage, DraftGonePage, LegalTypePage, ReviewPage } from './views/enrolment.js';
import { InvitationPage, type InvitationNotice } from './views/invitation.js';
import { LettersPage } from './views/letters.js';
import { NoEnterprisePage, WorkspacePage } from './views/workspace.js';
import { enterpriseOf, membershipOf } from './members.js';

const DRAFT_COOKIE = 'guichet_inscription';

const rqIdField = z.string().transform(normalizeIdentifier).pipe(z.string().min(1, 'enterprise.rqId.required').refine(isTenDigits, 'enterprise.rqId.invalid'));

function optionalSecret(check: (value: string) => boolean, message: 'enrolment.sin.invalid' | 'enrolment.impotnetCode.invalid' | 'enrolment.assessmentNumber.invalid' | 'enrolment.invitationNumber.invalid') {
  return z
    .string()
    .optional()
    .transform((value) => (value ? normalizeIdentifier(value) : ''))
    .refine((value) => value === '' || check(value), message);
}

const secretRules: Record<SecretIdentifier, ReturnType<typeof optionalSecret>> = {
  sin: optionalSecret(isValidSin, 'enrolment.sin.invalid'),
  impotnetCode: optionalSecret(isImpotnetCode, 'enrolment.impotnetCode.invalid'),
  assessmentNumber: optionalSecret(isAssessmentNumber, 'enrolment.assessmentNumber.invalid'),
  invitationNumber: optionalSecret(isInvitationNumber, 'enrolment.invitationNumber.invalid'),
};

/** The details form of one legal type: its roles, and only the identifiers the seed asks of it. */
function detailsSchema(legalType: LegalType) {
  const roles = rolesByLegalType[legalType] as [string, ...string[]];
  const secrets = Object.fromEntries(identifiersByLegalType[legalType].map((id) => [id, secretRules[id]]));
  return z
    .object({
      firstName: requiredText('person.firstName.required', 100),
      lastName: requiredText('person.lastName.required', 100),
      email: emailField,
      role: z.enum(roles, 'enrolment.role.required'),
      officerFunction: z.union([z.literal(''), z.enum(corporationOfficerFunctions)]).optional(),
      rqId: rqIdField,
      ...secrets,
    })
    .refine((value) => value.role !== 'officer' || Boolean(value.officerFunction), { message: 'enrolment.officerFunction.required', path: ['officerFunction'] });
}

function requestFrom(legalType: LegalType, data: z.infer<ReturnType<typeof detailsSchema>> & Partial<Record<SecretIdentifier, string>>): EnrolmentRequest {
  const secrets: Partial<Record<SecretIdentifier, string>> = {};
  for (const id of identifiersByLegalType[legalType]) if (data[id]) secrets[id] = data[id];
  return {
    legalType,
    role: data.role as EnrolmentRequest['role'],
    officerFunction: data.role === 'officer' && data.officerFunction ? data.officerFunction : null,
    firstName: data.firstName,
    lastName: data.lastName,
    email: data.email,
    rqId: data.rqId,
    secrets,
  };
}

/** The draft's values for the details form, without its secrets (they are typed again). */
function formOf(request: EnrolmentRequest): FormState {
  return {
    values: { firstName: request.firstName, lastName: request.lastName, email: request.email, role: request.role, officerFunction: request.officerFunction ?? '', rqId: request.rqId },
    errors: {},
  };
}

export function registerEnterprises(app: FastifyInstance): void {
  const settings: EnterpriseSettings = { secret: app.config.secret, publicUrl: app.config.publicUrl, failureDelayMs: app.config.AUTH_FAILURE_DELAY_MS };
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const guessLimit = { rateLimit: { max: app.config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } };
  const draftCookie = { path: '/entreprises/inscription', httpOnly: true, sameSite: 'lax' as const, secure: app.config.cookieSecure };
  const crumbs = (v: ReturnType<typeof viewContext>) => [{ href: '/entreprises/inscription', label: v.t('enrolment.title') }];

  // --- Workspace ---------------------------------------------------------------------------
  r.get('/entreprise', async (request, reply) => {
    const actor = request.ctx.actor;
    if (actor.type !== 'account') return reply.redirect('/connexion?retour=%2Fentreprise', 303);
    const v = viewContext(request, reply);
    const membership = actor.accountKind === 'enterprise' ? await membershipOf(db, actor.accountId) : null;
    const enterprise = membership ? await enterpriseOf(db, membership.enterpriseId) : null;
    if (!membership || !enterprise) return sendPage(reply, v, { title: v.t('workspace.title') }, <NoEnterprisePage v={v} />);
    const links = await workspaceLinks(app.workspaceContributions, db, request.ctx, membership.enterpriseId);
    return sendPage(
      reply,
      v,
      { title: v.t('workspace.title') },
      <WorkspacePage v={v} enterprise={enterprise} membership={membership} links={links} />,
    );
  });

  // --- Invitation numbers ------------------------------------------------------------------
  r.get('/entreprises/numero-invitation', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('invitation.title') }, <InvitationPage v={v} form={emptyForm} />);
  });

  const invitationForm = z.object({
    rqId: rqIdField,
    firstName: requiredText('person.firstName.required', 100),
    lastName: requiredText('person.lastName.required', 100),
    officerFunction: z.enum(corporationOfficerFunctions, 'invitation.function.required'),
  });
  r.post('/entreprises/numero-invitation', { config: guessLimit }, async (request, reply) => {
    const v = viewContext(request, reply);
    const form = parseForm(invitationForm, request.body);
    const show = (state: FormState, status: number, notice?: InvitationNotice) =>
      sendPage(reply, v, { title: v.t('invitation.title'), status }, <InvitationPage v={v} form={state} notice={notice} />);
    if (!form.ok) return show(form, 400);
    const result = await requestInvitationNumber(db, request.ctx, settings, form.data);
    const kept = { values: form.values, errors: {} };
    switch (result.outcome) {
      case 'issued':
        return show(emptyForm, 200, { kind: 'issued', addressee: result.addressee, address: result.address });
      case 'conditions-unmet':
        return show(kept, 409, { kind: 'conditions-unmet', failing: result.failing });
      case 'not-recognised':
        return show(kept, 404, { kind: 'not-recognised' });
      case 'locked':
        return show(kept, 429, { kind: 'locked', until: result.until });
    }
  });

  // --- Letters -----------------------------------------------------------------------------
  r.get('/agent/lettres', async (request, reply) => {
    if (request.ctx.actor.type !== 'account') return reply.redirect(`/connexion?retour=${encodeURIComponent('/agent/lettres')}`, 303);
    const letters = await listLetters(db, request.ctx, settings, { reveal: false });
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('letters.title') }, <LettersPage v={v} letters={letters} />);
  });
  if (app.config.NODE_ENV !== 'production') {
    // Outside production only. Unlike /dev/courriels it does not depend on SMTP being configured:
    // no post office delivers these letters, whatever the mail transport.
    r.get('/dev/lettres', async (request, reply) => {
      const letters = await listLetters(db, request.ctx, settings, { reveal: true });
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t('letters.title') }, <LettersPage v={v} letters={letters} />);
    });
  }

  // --- Enrolment wizard --------------------------------------------------------------------
  r.get('/entreprises/inscription', async (request, reply) => {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('enrolment.title') }, <LegalTypePage v={v} form={emptyForm} />);
  });

  const typeForm = z.object({ legalType: z.enum(legalTypes, 'enrolment.legalType.required') });
  r.post('/entreprises/inscription', async (request, reply) => {
    const form = parseForm(typeForm, request.body);
    if (form.ok) return reply.redirect(`/entreprises/inscription/${form.data.legalType}`, 303);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('enrolment.title'), status: 400 }, <LegalTypePage v={v} form={form} />);
  });

  const typeParams = z.object({ legalType: z.enum(legalTypes) });
  r.get(
    '/entreprises/inscription/:legalType',
    { schema: { params: typeParams, querystring: z.object({ modifier: z.literal('1').optional() }) } },
    async (request, reply) => {
      const v = viewContext(request, reply);
      const token = request.cookies[DRAFT_COOKIE];
      const draft = request.query.modifier && token ? await readDraft(db, settings, token) : null;
      const form = draft?.legalType === request.params.legalType ? formOf(draft) : emptyForm;
      return sendPage(reply, v, { title: v.t(`legalType.${request.params.legalType}.long`), breadcrumbs: crumbs(v) }, (
        <DetailsPage v={v} legalType={request.params.legalType} form={form} />
      ));
    },
  );

  r.post('/entreprises/inscription/:legalType', { schema: { params: typeParams } }, async (request, reply) => {
    const { legalType } = request.params;
    const form = parseForm(detailsSchema(legalType), request.body);
    if (!form.ok) {
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t(`legalType.${legalType}.long`), status: 400, breadcrumbs: crumbs(v) }, (
        <DetailsPage v={v} legalType={legalType} form={form} />
      ));
    }
    const token = await saveDraft(db, settings, requestFrom(legalType, form.data), request.cookies[DRAFT_COOKIE]);
    reply.setCookie(DRAFT_COOKIE, token, draftCookie);
    return reply.redirect('/entreprises/inscription/verification', 303);
  });

  async function showReview(request: FastifyRequest, reply: FastifyReply, draft: EnrolmentRequest, status: number, form: FormState, notice?: Parameters<typeof ReviewPage>[0]['notice']) {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('enrolment.review.title'), status, breadcrumbs: crumbs(v) }, <ReviewPage v={v} request={draft} form={form} notice={notice} />);
  }

  function draftGone(request: FastifyRequest, reply: FastifyReply) {
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('enrolment.review.title'), status: 410, breadcrumbs: crumbs(v) }, <DraftGonePage v={v} />);
  }

  r.get('/entreprises/inscription/verification', async (request, reply) => {
    const token = request.cookies[DRAFT_COOKIE];
    const draft = token ? await readDraft(db, settings, token) : null;
    if (!draft) return draftGone(request, reply);
    return showReview(request, reply, draft, 200, emptyForm);
  });

  const consentForm = z.object({ consent: z.array(z.literal('oui'), 'enrolment.consent.required').min(1, 'enrolment.consent.required') });
  r.post('/entreprises/inscription/verification', { config: guessLimit }, async (request, reply) => {
    const token = request.cookies[DRAFT_COOKIE];
    if (!token) return draftGone(request, reply);
    const form = parseForm(consentForm, request.body);
    if (!form.ok) {
      const draft = await readDraft(db, settings, token);
      return draft ? showReview(request, reply, draft, 400, form) : draftGone(request, reply);
    }
    // Taken before transmitting: a second click on "Transmettre" finds nothing to send twice.
    const draft = await takeDraft(db, settings, token);
    if (!draft) return draftGone(request, reply);
    const result = await submitEnrolment(db, request.ctx, settings, draft);
    if (result.outcome === 'identifiers-invalid' || result.outcome === 'already-enrolled' || result.outcome === 'locked') {
      await saveDraft(db, settings, draft, token);
      const notice = result.outcome === 'locked' ? { locked: result.until } : result.outcome;
      return showReview(request, reply, draft, result.outcome === 'locked' ? 429 : 409, emptyForm, notice);
    }
    app.outbox.nudge();
    reply.clearCookie(DRAFT_COOKIE, draftCookie);
    const v = viewContext(request, reply);
    return sendPage(reply, v, { title: v.t('ackPage.title'), breadcrumbs: crumbs(v) }, (
      <AcknowledgementPage
        v={v}
        enrolment={result.enrolment}
        legalName={result.legalName}
        userCode={result.userCode}
        temporaryPassword={result.temporaryPassword}
        pdfHref={`/entreprises/inscription/accuse/${result.acknowledgementToken}`}
      />
    ));
  });

  r.get('/entreprises/inscription/accuse/:token', { schema: { params: z.object({ token: z.string().min(20).max(100) }) } }, async (request, reply) => {
    const ack = await takeAcknowledgement(db, settings, request.params.token);
    if (!ack) {
      const v = viewContext(request, reply);
      return sendPage(reply, v, { title: v.t('ackPage.title'), status: 410 }, <p>{v.t('ackPage.pdfGone')}</p>);
    }
    const pdf = await acknowledgementPdf(ack, request.ctx.lang);
    return sendPdf(reply, `accuse-${ack.enrolment.number}.pdf`, pdf);
  });
}
