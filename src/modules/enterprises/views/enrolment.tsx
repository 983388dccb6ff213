import { ChoiceGroup, ErrorSummary, Form, Notice, SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import { corporationOfficerFunctions, identifiersByLegalType, legalTypes, rolesByLegalType, type LegalType } from '../rules.js';
import type { Enrolment, EnrolmentRequest } from '../service.js';

export function LegalTypePage({ v, form }: { v: ViewContext; form: FormState }) {
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={{ legalType: v.t('enrolment.legalType') }} />
      <p>{v.t('enrolment.intro')}</p>
      <Form v={v} action="/entreprises/inscription">
        <ChoiceGroup
          v={v}
          form={form}
          name="legalType"
          label={v.t('enrolment.legalType')}
          required
          options={legalTypes.map((type) => ({ value: type, label: v.t(`legalType.${type}.long`) }))}
        />
        <SubmitButton>{v.t('form.continue')}</SubmitButton>
      </Form>
      <p>{v.t('enrolment.invitationHint')}</p>
      <p>
        <a href="/entreprises/numero-invitation">{v.t('invitation.title')}</a>
      </p>
    </>
  );
}

export function detailLabels(v: ViewContext): Record<string, string> {
  return {
    firstName: v.t('person.firstName'),
    lastName: v.t('person.lastName'),
    email: v.t('register.email'),
    role: v.t('enrolment.role'),
    officerFunction: v.t('invitation.function'),
    rqId: v.t('enterprise.rqId'),
    sin: v.t('enrolment.sin'),
    impotnetCode: v.t('enrolment.impotnetCode'),
    assessmentNumber: v.t('enrolment.assessmentNumber'),
    invitationNumber: v.t('enrolment.invitationNumber'),
  };
}

export function DetailsPage({ v, legalType, form }: { v: ViewContext; legalType: LegalType; form: FormState }) {
  const labels = detailLabels(v);
  const secrets = identifiersByLegalType[legalType];
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <p>{v.t(`enrolment.details.${legalType}`)}</p>
      <Form v={v} action={`/entreprises/inscription/${legalType}`}>
        <h2>{v.t('enrolment.you')}</h2>
        <TextField v={v} form={form} name="firstName" label={labels.firstName!} autocomplete="given-name" required />
        <TextField v={v} form={form} name="lastName" label={labels.lastName!} autocomplete="family-name" required />
        <TextField v={v} form={form} name="email" type="email" label={labels.email!} hint={v.t('enrolment.email.hint')} autocomplete="email" required />
        <ChoiceGroup v={v} form={form} name="role" label={labels.role!} required options={rolesByLegalType[legalType].map((role) => ({ value: role, label: v.t(`role.${role}`) }))} />
        {legalType === 'corporation' ? (
          <SelectField
            v={v}
            form={form}
            name="officerFunction"
            label={labels.officerFunction!}
            hint={v.t('enrolment.officerFunction.hint')}
            placeholder={v.t('form.choose')}
            options={corporationOfficerFunctions.map((f) => ({ value: f, label: v.t(`officer.${f}`) }))}
          />
        ) : null}
        <h2>{v.t('enrolment.identifiers')}</h2>
        <TextField v={v} form={form} name="rqId" label={labels.rqId!} hint={v.t('enterprise.rqId.hint')} inputmode="numeric" required />
        {secrets.map((id) => (
          <TextField key={id} v={v} form={form} name={id} type="password" label={labels[id]!} hint={v.t(`enrolment.${id}.hint`)} autocomplete="off" />
        ))}
        {secrets.length > 0 ? <p>{v.t('enrolment.secrets.optional')}</p> : null}
        <SubmitButton>{v.t('enrolment.toReview')}</SubmitButton>
      </Form>
    </>
  );
}

export type ReviewNotice = 'identifiers-invalid' | 'already-enrolled' | { locked: Date };

export function ReviewPage({ v, request, notice, form }: { v: ViewContext; request: EnrolmentRequest; notice?: ReviewNotice | undefined; form: FormState }) {
  const labels = detailLabels(v);
  return (
    <>
      {notice === 'identifiers-invalid' ? (
        <Notice v={v} kind="error">
          <p>{v.t('enrolment.identifiersInvalid')}</p>
        </Notice>
      ) : notice === 'already-enrolled' ? (
        <Notice v={v} kind="error">
          <p>{v.t('enrolment.alreadyEnrolled')}</p>
        </Notice>
      ) : notice ? (
        <Notice v={v} kind="error">
          <p>{v.t('enterprise.locked', { time: formatDateTime(v.lang, notice.locked) })}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={{ consent: v.t('enrolment.consent.label') }} />
      <p>{v.t('enrolment.review.intro')}</p>
      <dl class="summary">
        <dt>{v.t('enrolment.legalType')}</dt>
        <dd>{v.t(`legalType.${request.legalType}.long`)}</dd>
        <dt>{v.t('enrolment.enroller')}</dt>
        <dd>{`${request.firstName} ${request.lastName} (${request.email})`}</dd>
        <dt>{labels.role}</dt>
        <dd>
          {v.t(`role.${request.role}`)}
          {request.officerFunction ? ` — ${v.t(`officer.${request.officerFunction}`)}` : ''}
        </dd>
        <dt>{labels.rqId}</dt>
        <dd>{request.rqId}</dd>
        {identifiersByLegalType[request.legalType].map((id) => (
          <>
            <dt>{labels[id]}</dt>
            <dd>{request.secrets[id] ? v.t('enrolment.given') : v.t('enrolment.notGiven')}</dd>
          </>
        ))}
      </dl>
      <p>
        <a href={`/entreprises/inscription/${request.legalType}?modifier=1`}>{v.t('enrolment.modify')}</a>
      </p>
      <Form v={v} action="/entreprises/inscription/verification">
        <ChoiceGroup v={v} form={form} name="consent" label={v.t('enrolment.consent.label')} multiple required options={[{ value: 'oui', label: v.t('enrolment.consent') }]} />
        <SubmitButton>{v.t('enrolment.transmit')}</SubmitButton>
      </Form>
    </>
  );
}

export function AcknowledgementPage({
  v,
  enrolment,
  legalName,
  userCode,
  temporaryPassword,
  pdfHref,
}: {
  v: ViewContext;
  enrolment: Enrolment;
  legalName: string;
  userCode: string;
  temporaryPassword: string;
  pdfHref: string;
}) {
  const activated = enrolment.state === 'active';
  return (
    <>
      <Notice v={v} kind={activated ? 'success' : 'information'} title={v.t(activated ? 'ackPage.activated' : 'ackPage.deferred')}>
        <p>{v.t('ackPage.number', { number: enrolment.number, name: legalName, date: formatDateTime(v.lang, enrolment.createdAt) })}</p>
      </Notice>
      <h2>{v.t('ackPage.credentials')}</h2>
      <dl class="summary">
        <dt>{v.t('account.userCode')}</dt>
        <dd data-user-code>{userCode}</dd>
        <dt>{v.t('ackPage.temporaryPassword')}</dt>
        <dd>
          <code data-temporary-password>{temporaryPassword}</code>
        </dd>
      </dl>
      <p>{v.t('ackPage.once')}</p>
      <p>
        <a class="qc-button qc-secondary" href={pdfHref}>
          {v.t('ackPage.pdf')}
        </a>
      </p>
      {activated ? null : (
        <>
          <h2>{v.t('ackPage.documents')}</h2>
          <ul>
            {enrolment.documentsRequired.map((doc) => (
              <li key={doc}>{v.t(`document.${doc as 'signed_forms'}`)}</li>
            ))}
          </ul>
        </>
      )}
      <h2>{v.t('ackPage.next')}</h2>
      <ol>
        <li>{v.t('ackPage.next.signIn')}</li>
        <li>{v.t('ackPage.next.password')}</li>
        <li>{v.t('ackPage.next.mfa')}</li>
        <li>{v.t(activated ? 'ackPage.next.eservices' : 'ackPage.next.documents')}</li>
      </ol>
      <p>
        <a class="qc-button qc-primary" href="/connexion">
          {v.t('nav.signIn')}
        </a>
      </p>
    </>
  );
}

export function DraftGonePage({ v }: { v: ViewContext }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{v.t('enrolment.draftGone')}</p>
      </Notice>
      <p>
        <a href="/entreprises/inscription">{v.t('enrolment.restart')}</a>
      </p>
    </>
  );
}
