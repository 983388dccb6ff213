import { ChoiceGroup, DateField, ErrorSummary, Form, Notice, SelectField, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { Translate } from '../../../platform/i18n/index.js';
import type { Site } from '../../childcare/service.js';
import type { AdmissionRow } from '../admissions.js';
import { contributions, endReasons, recordableProblem, type AgreementRow, type AgreementVersion, type AgreementView, type FamilyAgreement } from '../agreements.js';
import type { FamilyChild } from '../families.js';
import { carePeriods, weekdays } from '../service.js';

export const AGREEMENTS_HREF = '/entreprise/ententes';

export type AgreementNotice = 'recorded' | 'changed' | 'ended';

/**
 * The agreement column of an admissions table: the agreement once recorded, else the link to
 * record it for those who record it (the BC for its RSGE, a CPE or garderie for itself).
 */
export function AgreementCell({ v, row, site, canRecord }: { v: ViewContext; row: AdmissionRow; site: Site; canRecord: boolean }) {
  if (row.agreementId) return <a href={`${AGREEMENTS_HREF}/${row.agreementId}`}>{v.t('portal.agreement.open')}</a>;
  return canRecord && recordableProblem(site, row.admission) === null ? <a href={`${AGREEMENTS_HREF}/nouvelle/${row.admission.id}`}>{v.t('portal.agreement.record.link')}</a> : <>—</>;
}

/** The daily rate, or the reduced contribution. */
/** The page's and the PDF's wording of a version's contribution and schedule. */
export function contributionText(t: Translate, version: Pick<AgreementVersion, 'contribution' | 'dailyRateCents'>): string {
  return version.contribution === 'reduced' ? t('portal.agreement.contribution.reduced') : t('portal.agreement.contribution.otherRate', { rate: ((version.dailyRateCents ?? 0) / 100).toFixed(2) });
}

export function scheduleText(t: Translate, version: Pick<AgreementVersion, 'days' | 'periods'>): string {
  const days = weekdays.filter((d) => version.days.includes(d)).map((d) => t(`portal.day.${d}`));
  const periods = carePeriods.filter((p) => version.periods.includes(p)).map((p) => t(`portal.period.${p}`));
  return `${days.join(', ')} — ${periods.join(', ')}`;
}

function termsLabels(v: ViewContext): Record<string, string> {
  return {
    startDate: v.t('portal.agreement.startDate'),
    days: v.t('portal.agreement.days'),
    periods: v.t('portal.agreement.periods'),
    contribution: v.t('portal.agreement.contribution'),
    dailyRate: v.t('portal.agreement.dailyRate'),
    signedOn: v.t('portal.agreement.signedOn'),
    changeReason: v.t('portal.agreement.changeReason'),
  };
}

function TermsFields({ v, form }: { v: ViewContext; form: FormState }) {
  const labels = termsLabels(v);
  return (
    <>
      <DateField v={v} name="startDate" label={labels.startDate ?? ''} form={form} required />
      <ChoiceGroup v={v} name="days" label={labels.days ?? ''} form={form} required multiple options={weekdays.map((d) => ({ value: d, label: v.t(`portal.day.${d}`) }))} />
      <ChoiceGroup v={v} name="periods" label={labels.periods ?? ''} form={form} required multiple options={carePeriods.map((p) => ({ value: p, label: v.t(`portal.period.${p}`) }))} />
      <ChoiceGroup v={v} name="contribution" label={labels.contribution ?? ''} form={form} required options={contributions.map((c) => ({ value: c, label: v.t(`portal.agreement.contribution.${c}.label`) }))} />
      <TextField v={v} name="dailyRate" label={labels.dailyRate ?? ''} hint={v.t('portal.agreement.dailyRate.hint')} form={form} />
      <DateField v={v} name="signedOn" label={labels.signedOn ?? ''} form={form} required />
    </>
  );
}

function ChildLine({ v, child, site }: { v: ViewContext; child: Pick<FamilyChild, 'firstName' | 'lastName' | 'registrationNumber'>; site: Pick<Site, 'name' | 'number'> }) {
  return (
    <dl class="summary">
      <dt>{v.t('portal.admission.child')}</dt>
      <dd>{`${child.firstName} ${child.lastName} (${child.registrationNumber})`}</dd>
      <dt>{v.t('portal.agreement.site')}</dt>
      <dd>{`${site.name} (${site.number})`}</dd>
    </dl>
  );
}

export function RecordAgreementPage({ v, admissionId, child, site, plannedStart, form, problem }: { v: ViewContext; admissionId: string; child: FamilyChild; site: Site; plannedStart: string; form: FormState; problem: string | null }) {
  return (
    <>
      <p>{v.t('portal.agreement.record.intro')}</p>
      <ChildLine v={v} child={child} site={site} />
      <p>{v.t('portal.agreement.record.plannedStart', { date: plannedStart })}</p>
      {problem ? (
        <Notice v={v} kind="warning">
          <p>{problem}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={termsLabels(v)} />
      <Form v={v} action={`${AGREEMENTS_HREF}/nouvelle/${admissionId}`}>
        <TermsFields v={v} form={form} />
        <SubmitButton>{v.t('portal.agreement.record.submit')}</SubmitButton>
      </Form>
      <p>{v.t('portal.agreement.record.next')}</p>
    </>
  );
}

export function ChangeAgreementPage({ v, view, form, problem }: { v: ViewContext; view: AgreementView; form: FormState; problem: string | null }) {
  const labels = termsLabels(v);
  return (
    <>
      <p>{v.t('portal.agreement.change.intro')}</p>
      <ChildLine v={v} child={view.child} site={view.site} />
      {problem ? (
        <Notice v={v} kind="warning">
          <p>{problem}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={`${AGREEMENTS_HREF}/${view.agreement.id}/modifier`}>
        <input type="hidden" name="version" value={String(view.agreement.version)} />
        <TermsFields v={v} form={form} />
        <TextArea v={v} name="changeReason" label={labels.changeReason ?? ''} form={form} required />
        <SubmitButton>{v.t('portal.agreement.change.submit')}</SubmitButton>
      </Form>
      <p>
        <a href={`${AGREEMENTS_HREF}/${view.agreement.id}`}>{v.t('portal.agreement.back')}</a>
      </p>
    </>
  );
}

export function EndAgreementPage({ v, view, form, problem }: { v: ViewContext; view: AgreementView; form: FormState; problem: string | null }) {
  const labels = { endDate: v.t('portal.agreement.endDate'), reason: v.t('portal.agreement.endReason'), details: v.t('portal.agreement.endDetails') };
  return (
    <>
      <ChildLine v={v} child={view.child} site={view.site} />
      <Notice v={v} kind="warning">
        <p>{v.t('portal.agreement.end.warning')}</p>
      </Notice>
      {problem ? (
        <Notice v={v} kind="error">
          <p>{problem}</p>
        </Notice>
      ) : null}
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={`${AGREEMENTS_HREF}/${view.agreement.id}/cessation`}>
        <input type="hidden" name="version" value={String(view.agreement.version)} />
        <DateField v={v} name="endDate" label={labels.endDate} form={form} required />
        <SelectField v={v} name="reason" label={labels.reason} form={form} required options={endReasons.map((r) => ({ value: r, label: v.t(`portal.agreement.endReason.${r}`) }))} />
        <TextArea v={v} name="details" label={labels.details} hint={v.t('portal.agreement.endDetails.hint')} form={form} />
        <SubmitButton kind="danger">{v.t('portal.agreement.end.submit')}</SubmitButton>
      </Form>
      <p>
        <a href={`${AGREEMENTS_HREF}/${view.agreement.id}`}>{v.t('portal.agreement.end.cancel')}</a>
      </p>
    </>
  );
}

const notices: Record<AgreementNotice, 'portal.agreement.recorded' | 'portal.agreement.changed' | 'portal.agreement.ended'> = {
  recorded: 'portal.agreement.recorded',
  changed: 'portal.agreement.changed',
  ended: 'portal.agreement.ended',
};

export function AgreementPage({ v, view, notice }: { v: ViewContext; view: AgreementView & { canRecord: boolean }; notice: AgreementNotice | null }) {
  const { agreement, current } = view;
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{v.t(notices[notice])}</p>
        </Notice>
      ) : null}
      <ChildLine v={v} child={view.child} site={view.site} />
      <dl class="summary">
        <dt>{v.t('portal.agreement.state')}</dt>
        <dd>{agreement.state === 'active' ? v.t('portal.agreement.state.active') : v.t('portal.agreement.state.ended', { date: agreement.endDate ?? '' })}</dd>
        {agreement.endReason ? (
          <>
            <dt>{v.t('portal.agreement.endReason')}</dt>
            <dd>{`${v.t(`portal.agreement.endReason.${agreement.endReason as 'other'}`)}${agreement.endDetails ? ` — ${agreement.endDetails}` : ''}`}</dd>
          </>
        ) : null}
        <dt>{v.t('portal.agreement.startDate')}</dt>
        <dd>{current.startDate}</dd>
        <dt>{v.t('portal.agreement.schedule')}</dt>
        <dd>{scheduleText(v.t, current)}</dd>
        <dt>{v.t('portal.agreement.contribution')}</dt>
        <dd>{contributionText(v.t, current)}</dd>
        <dt>{v.t('portal.agreement.signedOn')}</dt>
        <dd>{current.signedOn}</dd>
        <dt>{v.t('portal.agreement.version')}</dt>
        <dd>{String(agreement.version)}</dd>
      </dl>
      <ul>
        <li>
          <a href={`${AGREEMENTS_HREF}/${agreement.id}/pdf`}>{v.t('portal.agreement.pdf')}</a>
        </li>
        {view.canRecord && agreement.state === 'active' ? (
          <>
            <li>
              <a href={`${AGREEMENTS_HREF}/${agreement.id}/modifier`}>{v.t('portal.agreement.change.link')}</a>
            </li>
            <li>
              <a href={`${AGREEMENTS_HREF}/${agreement.id}/cessation`}>{v.t('portal.agreement.end.link')}</a>
            </li>
          </>
        ) : null}
      </ul>
      <h2>{v.t('portal.agreement.versions')}</h2>
      <table class="data-table">
        <caption>{v.t('portal.agreement.versions.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{v.t('portal.agreement.version')}</th>
            <th scope="col">{v.t('portal.agreement.startDate')}</th>
            <th scope="col">{v.t('portal.agreement.schedule')}</th>
            <th scope="col">{v.t('portal.agreement.contribution')}</th>
            <th scope="col">{v.t('portal.agreement.signedOn')}</th>
            <th scope="col">{v.t('portal.agreement.changeReason')}</th>
          </tr>
        </thead>
        <tbody>
          {view.versions.map((version) => (
            <tr key={version.id}>
              <td>{String(version.version)}</td>
              <td>{version.startDate}</td>
              <td>{scheduleText(v.t, version)}</td>
              <td>{contributionText(v.t, version)}</td>
              <td>{version.signedOn}</td>
              <td>{version.changeReason ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={AGREEMENTS_HREF}>{v.t('portal.agreement.list.title')}</a>
      </p>
    </>
  );
}

export type AgreementListQuery = { etat: 'active' | 'terminee'; milieu: string; enfant: string; debutDu: string; debutAu: string };

export function AgreementListPage({ v, sites, query, rows, more, problem }: { v: ViewContext; sites: { id: string; label: string }[]; query: AgreementListQuery; rows: AgreementRow[]; more: boolean; problem: string | null }) {
  const form: FormState = { values: { ...query }, errors: {} };
  const ended = query.etat === 'terminee';
  return (
    <>
      <p>{v.t('portal.agreement.list.intro')}</p>
      {problem ? (
        <Notice v={v} kind="warning">
          <p>{problem}</p>
        </Notice>
      ) : null}
      <form method="get" action={AGREEMENTS_HREF} class="filters">
        <SelectField v={v} name="etat" label={v.t('portal.agreement.state')} form={form} options={[{ value: 'active', label: v.t('portal.agreement.list.active') }, { value: 'terminee', label: v.t('portal.agreement.list.ended') }]} />
        <SelectField v={v} name="milieu" label={v.t('portal.agreement.site')} form={form} placeholder={v.t('portal.agreement.list.allSites')} options={sites.map((s) => ({ value: s.id, label: s.label }))} />
        <TextField v={v} name="enfant" label={v.t('portal.agreement.list.childName')} form={form} />
        <DateField v={v} name="debutDu" label={v.t('portal.agreement.list.startFrom')} form={form} />
        <DateField v={v} name="debutAu" label={v.t('portal.agreement.list.startTo')} form={form} />
        <SubmitButton kind="secondary">{v.t('portal.agreement.list.search')}</SubmitButton>
      </form>
      {rows.length === 0 ? (
        <p>{v.t('portal.agreement.list.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t(ended ? 'portal.agreement.list.ended' : 'portal.agreement.list.active')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.admission.child')}</th>
              <th scope="col">{v.t('portal.agreement.site')}</th>
              <th scope="col">{v.t('portal.agreement.startDate')}</th>
              <th scope="col">{v.t('portal.agreement.schedule')}</th>
              <th scope="col">{v.t('portal.agreement.contribution')}</th>
              <th scope="col">{ended ? v.t('portal.agreement.endDate') : v.t('portal.agreement.signedOn')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.agreement.id}>
                <td>
                  <a href={`${AGREEMENTS_HREF}/${row.agreement.id}`}>{`${row.child.firstName} ${row.child.lastName}`}</a>
                </td>
                <td>{`${row.site.name} (${row.site.number})`}</td>
                <td>{row.current.startDate}</td>
                <td>{scheduleText(v.t, row.current)}</td>
                <td>{contributionText(v.t, row.current)}</td>
                <td>{ended ? (row.agreement.endDate ?? '') : row.current.signedOn}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more ? <p>{v.t('portal.agreement.list.more', { limit: rows.length })}</p> : null}
    </>
  );
}

/** The parent's space: each agreement of its children, with its state. */
export function FamilyAgreements({ v, agreements }: { v: ViewContext; agreements: FamilyAgreement[] }) {
  if (agreements.length === 0) return null;
  return (
    <section aria-labelledby="agreements-title">
      <h2 id="agreements-title">{v.t('portal.agreement.family.title')}</h2>
      <ul>
        {agreements.map(({ agreement, current, child, site }) => (
          <li key={agreement.id}>
            <p>
              <strong>{`${child.firstName} — ${site.name}`}</strong>
            </p>
            <p>
              {agreement.state === 'active'
                ? v.t('portal.agreement.family.active', { date: current.startDate, signed: current.signedOn })
                : v.t('portal.agreement.family.ended', { date: agreement.endDate ?? '', reason: v.t(`portal.agreement.endReason.${agreement.endReason as 'other'}`) })}
            </p>
            <p>{`${scheduleText(v.t, current)} — ${contributionText(v.t, current)}`}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
