import { ChoiceGroup, DateField, ErrorSummary, Form, Notice, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { Site } from '../../childcare/service.js';
import type { AdmissionRow, ChildFile, FamilyAdmission, Places } from '../admissions.js';
import { AgreementCell } from './agreements.js';
import type { FamilyChild } from '../families.js';
import { ChildSummary, FamilyContacts, siteLabel } from './families.js';

export const admissionsHref = (siteId: string): string => `/entreprise/admissions/${siteId}`;
export const delegationHref = (siteId: string): string => `/entreprise/reserves/${siteId}/bc`;

const admissionLabels = (v: ViewContext): Record<string, string> => ({
  plannedStart: v.t('portal.admission.plannedStart'),
  override: v.t('portal.admission.override'),
  overrideReason: v.t('portal.admission.overrideReason'),
  registrationNumber: v.t('portal.admission.number'),
});

function PlacesLine({ v, places }: { v: ViewContext; places: Places }) {
  if (places.total === null) return <p>{v.t('portal.admission.places.unknown')}</p>;
  return (
    <p>
      {v.t('portal.admission.places', { admitted: places.admitted, total: places.total })}
      {places.infants !== null ? ` ${v.t('portal.admission.places.infants', { admitted: places.admittedInfants, infants: places.infants })}` : null}
    </p>
  );
}

/**
 * The planned start, and the override of the places when they are full (after a refusal that
 * said so, `showOverride`): a box to confirm and the reason, both recorded.
 */
function AdmissionFields({ v, form, showOverride }: { v: ViewContext; form: FormState; showOverride: boolean }) {
  const labels = admissionLabels(v);
  return (
    <>
      <DateField v={v} name="plannedStart" label={labels.plannedStart ?? ''} hint={v.t('portal.admission.plannedStart.hint')} form={form} required />
      {showOverride ? (
        <>
          <ChoiceGroup v={v} name="override" label={labels.override ?? ''} form={form} multiple options={[{ value: 'oui', label: v.t('portal.admission.override.yes') }]} />
          <TextArea v={v} name="overrideReason" label={labels.overrideReason ?? ''} hint={v.t('portal.admission.overrideReason.hint')} form={form} />
        </>
      ) : null}
      <SubmitButton>{v.t('portal.admission.submit')}</SubmitButton>
    </>
  );
}

export function AdmitFromReservePage({ v, site, child, desiredStart, places, form, problem }: { v: ViewContext; site: Site; child: FamilyChild; desiredStart: string; places: Places; form: FormState; problem: string | null }) {
  return (
    <>
      <p>{v.t('portal.admission.fromReserve.lead', { child: `${child.firstName} ${child.lastName}`, number: child.registrationNumber, desired: desiredStart })}</p>
      <p>{site.name}</p>
      <PlacesLine v={v} places={places} />
      {problem ? (
        <Notice v={v} kind="warning">
          <p>{problem}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={admissionLabels(v)} />
      <Form v={v} action={`/entreprise/reserves/${site.id}/enfants/${form.values.choiceId ?? ''}/admettre`}>
        <AdmissionFields v={v} form={form} showOverride={problem !== null || form.errors.overrideReason !== undefined} />
      </Form>
    </>
  );
}

export function AdmissionsPage({ v, site, rows, places, done, canDelegate, canRecord }: { v: ViewContext; site: Site; rows: AdmissionRow[]; places: Places; done: boolean; canDelegate: boolean; canRecord: boolean }) {
  return (
    <>
      {done ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.admission.done')}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.admission.intro')}</p>
      <p>
        <strong>{site.name}</strong>
      </p>
      <PlacesLine v={v} places={places} />
      <ul>
        <li>
          <a href={`/entreprise/reserves/${site.id}`}>{v.t('portal.reserve.title')}</a>
        </li>
        <li>
          <a href={`${admissionsHref(site.id)}/numero`}>{v.t('portal.admission.byNumber')}</a>
        </li>
        {canDelegate ? (
          <>
            <li>
              <a href={delegationHref(site.id)}>{v.t('portal.bc.title')}</a>
            </li>
            <li>
              <a href={`/entreprise/messages/rsge/${site.id}`}>{v.t('portal.message.bcRsge.toBc')}</a>
            </li>
          </>
        ) : null}
      </ul>
      {rows.length === 0 ? (
        <p>{v.t('portal.admission.none')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{v.t('portal.child.number')}</th>
              <th scope="col">{v.t('portal.admission.child')}</th>
              <th scope="col">{v.t('portal.admission.plannedStart')}</th>
              <th scope="col">{v.t('portal.admission.state')}</th>
              <th scope="col">{v.t('portal.agreement.title')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.admission.id}>
                <td>{row.child.registrationNumber}</td>
                <td>{`${row.child.firstName} ${row.child.lastName}`}</td>
                <td>{row.admission.plannedStart}</td>
                <td>
                  {v.t(`portal.admission.state.${row.admission.state as 'admitted'}`)}
                  {row.admission.overrideReason ? <div class="qc-description">{v.t('portal.admission.overridden', { reason: row.admission.overrideReason })}</div> : null}
                </td>
                <td>
                  <AgreementCell v={v} row={row} site={site} canRecord={canRecord} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function NumberSearchPage({ v, site, form }: { v: ViewContext; site: Site; form: FormState }) {
  const labels = admissionLabels(v);
  return (
    <>
      <p>{v.t('portal.admission.byNumber.lead')}</p>
      <p>{site.name}</p>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={`${admissionsHref(site.id)}/numero`}>
        <TextField v={v} name="registrationNumber" label={labels.registrationNumber ?? ''} hint={v.t('portal.admission.number.hint')} form={form} required autocomplete="off" />
        <SubmitButton>{v.t('portal.admission.number.search')}</SubmitButton>
      </Form>
      <p>
        <a href={admissionsHref(site.id)}>{v.t('portal.admission.back')}</a>
      </p>
    </>
  );
}

/** The child's full file once the number is validated, and the admission form carrying the number. */
export function NumberFoundPage({ v, site, file, places, form, problem }: { v: ViewContext; site: Site; file: ChildFile; places: Places; form: FormState; problem: string | null }) {
  const { child } = file;
  return (
    <>
      <p class="qc-description">{v.t('portal.admission.number.found')}</p>
      <ChildSummary v={v} child={child} />
      {file.choice ? <p>{v.t('portal.admission.number.inReserve', { date: file.choice.createdAt.toISOString().slice(0, 10), desired: file.choice.desiredStart })}</p> : null}
      <FamilyContacts v={v} guardians={file.guardians} accountEmail={file.accountEmail} />
      <h2>{v.t('portal.admission.fromReserve')}</h2>
      <PlacesLine v={v} places={places} />
      {problem ? (
        <Notice v={v} kind="warning">
          <p>{problem}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={admissionLabels(v)} />
      <Form v={v} action={`${admissionsHref(site.id)}/numero/admettre`}>
        <input type="hidden" name="registrationNumber" value={child.registrationNumber} />
        <AdmissionFields v={v} form={form} showOverride={problem !== null || form.errors.overrideReason !== undefined} />
      </Form>
    </>
  );
}

export function DelegationPage({ v, site, delegated }: { v: ViewContext; site: Site; delegated: boolean }) {
  return (
    <>
      <p>{v.t('portal.bc.lead', { bc: site.serviceName })}</p>
      <Notice v={v} kind="information">
        <p>{v.t(delegated ? 'portal.bc.granted' : 'portal.bc.notGranted')}</p>
      </Notice>
      <Form v={v} action={delegationHref(site.id)}>
        <input type="hidden" name="autoriser" value={delegated ? 'non' : 'oui'} />
        <SubmitButton kind={delegated ? 'secondary' : 'primary'}>{v.t(delegated ? 'portal.bc.withdraw' : 'portal.bc.grant')}</SubmitButton>
      </Form>
      <p>
        <a href={admissionsHref(site.id)}>{v.t('portal.admission.back')}</a>
      </p>
    </>
  );
}

/** On the family page: each admission in progress, and the question about the child's other choices until answered. */
export function FamilyAdmissions({ v, admissions }: { v: ViewContext; admissions: FamilyAdmission[] }) {
  if (admissions.length === 0) return null;
  return (
    <section aria-labelledby="admissions-title">
      <h2 id="admissions-title">{v.t('portal.family.admissions')}</h2>
      {admissions.map((a) => (
        <div key={a.admission.id}>
          <p>{v.t('portal.family.admission', { child: a.child.firstName, service: siteLabel(v, a.site), date: a.admission.plannedStart })}</p>
          {a.admission.otherChoices === null && a.otherChoices > 0 ? (
            <Notice v={v} kind="information">
              <p>{v.t('portal.family.admission.question', { count: a.otherChoices })}</p>
              <Form v={v} action={`/famille/admissions/${a.admission.id}/garder`}>
                <div class="qc-button-group">
                  <button type="submit" class="qc-button qc-primary">
                    {v.t('portal.family.admission.keep')}
                  </button>
                  <a class="qc-button qc-secondary" href={`/famille/admissions/${a.admission.id}/retirer`}>
                    {v.t('portal.family.admission.withdraw')}
                  </a>
                </div>
              </Form>
            </Notice>
          ) : null}
        </div>
      ))}
    </section>
  );
}
