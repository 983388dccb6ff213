import { ErrorSummary, Form, Notice, SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime } from '../../../platform/i18n/format.js';
import { corporationOfficerFunctions, type InvitationCondition } from '../rules.js';

export type InvitationNotice =
  | { kind: 'issued'; addressee: string; address: string }
  | { kind: 'conditions-unmet'; failing: InvitationCondition[] }
  | { kind: 'not-recognised' }
  | { kind: 'locked'; until: Date };

function InvitationOutcome({ v, notice }: { v: ViewContext; notice: InvitationNotice }) {
  switch (notice.kind) {
    case 'issued':
      return (
        <Notice v={v} kind="success" title={v.t('invitation.issued.title')}>
          <p>{v.t('invitation.issued', { addressee: notice.addressee, address: notice.address })}</p>
        </Notice>
      );
    case 'conditions-unmet':
      return (
        <Notice v={v} kind="warning" title={v.t('invitation.unmet.title')}>
          <ul>
            {notice.failing.map((condition) => (
              <li key={condition}>{v.t(`invitation.condition.${condition}`)}</li>
            ))}
          </ul>
        </Notice>
      );
    case 'not-recognised':
      return (
        <Notice v={v} kind="error">
          <p>{v.t('invitation.notRecognised')}</p>
        </Notice>
      );
    case 'locked':
      return (
        <Notice v={v} kind="error">
          <p>{v.t('enterprise.locked', { time: formatDateTime(v.lang, notice.until) })}</p>
        </Notice>
      );
  }
}

export function InvitationPage({ v, form, notice }: { v: ViewContext; form: FormState; notice?: InvitationNotice | undefined }) {
  const labels = { rqId: v.t('enterprise.rqId'), firstName: v.t('person.firstName'), lastName: v.t('person.lastName'), officerFunction: v.t('invitation.function') };
  return (
    <>
      {notice ? <InvitationOutcome v={v} notice={notice} /> : null}
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <p>{v.t('invitation.intro')}</p>
      <Form v={v} action="/entreprises/numero-invitation">
        <TextField v={v} form={form} name="rqId" label={labels.rqId} hint={v.t('enterprise.rqId.hint')} inputmode="numeric" required />
        <TextField v={v} form={form} name="firstName" label={labels.firstName} autocomplete="given-name" required />
        <TextField v={v} form={form} name="lastName" label={labels.lastName} autocomplete="family-name" required />
        <SelectField
          v={v}
          form={form}
          name="officerFunction"
          label={labels.officerFunction}
          placeholder={v.t('form.choose')}
          options={corporationOfficerFunctions.map((f) => ({ value: f, label: v.t(`officer.${f}`) }))}
          required
        />
        <SubmitButton>{v.t('invitation.submit')}</SubmitButton>
      </Form>
      <p>
        <a href="/entreprises/inscription">{v.t('invitation.toEnrolment')}</a>
      </p>
    </>
  );
}
