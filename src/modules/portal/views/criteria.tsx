import type { FieldErrors } from '../../../platform/errors.js';
import { ErrorSummary, Form, Notice, SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { FormValues } from '../../../platform/http/forms.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatLongDate } from '../../../platform/i18n/format.js';
import { criterionLabel, MAX_SITE_CRITERIA, type CriteriaSettings, type PriorityCriterion, type PublishedCriterion } from '../criteria.js';
import { sheetHref } from './sheet.js';
import { CriteriaList } from './families.js';

/** The form's fields: one select per position, `position1` first. */
export const positionFields = Array.from({ length: MAX_SITE_CRITERIA }, (_, index) => `position${index + 1}`);

export function criteriaValues(published: PublishedCriterion[]): FormValues {
  return Object.fromEntries(published.map((c) => [`position${c.position}`, c.id]));
}

/** The provider's criteria: what it publishes now, and one select per position to change them. */
export function CriteriaSettingsPage({ v, settings, form, published }: { v: ViewContext; settings: CriteriaSettings; form: FormState; published: boolean }) {
  const { site, choosable } = settings;
  const options = choosable.map((c) => ({ value: c.id, label: c.retiredAt ? v.t('portal.criteria.retiredMark', { label: criterionLabel(c, v.lang) }) : criterionLabel(c, v.lang) }));
  // Errors are about the whole list: the summary links to the first select.
  const errors: FieldErrors = form.errors.criteria ? { position1: form.errors.criteria } : {};
  const state: FormState = { values: form.values, errors };
  return (
    <>
      <p>
        <strong>{site.name}</strong>
      </p>
      {published ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.criteria.published')}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.criteria.intro')}</p>
      <h2>{v.t('portal.criteria.current')}</h2>
      {settings.published.length > 0 ? <CriteriaList v={v} criteria={settings.published} /> : <p>{v.t('portal.criteria.current.none')}</p>}
      <ErrorSummary v={v} errors={errors} labels={{ position1: v.t('portal.criteria.position', { position: 1 }) }} />
      <Form v={v} action={`${sheetHref(site.id)}/criteres`}>
        <p>{v.t('portal.criteria.changeWarning')}</p>
        {positionFields.map((name, index) => (
          <SelectField key={name} v={v} name={name} label={v.t('portal.criteria.position', { position: index + 1 })} form={state} placeholder={v.t('portal.criteria.none')} options={options} />
        ))}
        <SubmitButton>{v.t('portal.criteria.publish')}</SubmitButton>
      </Form>
      <p>
        <a href={sheetHref(site.id)}>{v.t('portal.criteria.back')}</a>
      </p>
    </>
  );
}

/** The agents' page: the ministry's list, a button to retire each active criterion, and the form to add one. */
export function CriteriaListPage({ v, criteria, form, notice }: { v: ViewContext; criteria: PriorityCriterion[]; form: FormState; notice: 'added' | 'retired' | undefined }) {
  const labels = { code: v.t('portal.criteria.list.code'), labelFr: v.t('portal.criteria.list.labelFr'), labelEn: v.t('portal.criteria.list.labelEn') };
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{v.t(notice === 'added' ? 'portal.criteria.list.added' : 'portal.criteria.list.retiredDone')}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.criteria.list.intro')}</p>
      <table class="data-table">
        <caption>{v.t('portal.criteria.list.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{labels.code}</th>
            <th scope="col">{labels.labelFr}</th>
            <th scope="col">{labels.labelEn}</th>
            <th scope="col">{v.t('portal.criteria.list.state')}</th>
            <th scope="col">{v.t('portal.criteria.list.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {criteria.map((c) => (
            <tr key={c.id}>
              <td>{c.code}</td>
              <td lang="fr">{c.labelFr}</td>
              <td lang="en">{c.labelEn}</td>
              <td>{c.retiredAt ? v.t('portal.criteria.list.retiredOn', { date: formatLongDate(v.lang, c.retiredAt) }) : v.t('portal.criteria.list.active')}</td>
              <td>
                {c.retiredAt ? null : (
                  <Form v={v} action={`/agent/criteres/${c.id}/retirer`}>
                    <button type="submit" class="qc-button qc-secondary" aria-label={v.t('portal.criteria.list.retireLabel', { code: c.code })}>
                      {v.t('portal.criteria.list.retire')}
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{v.t('portal.criteria.list.add')}</h2>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action="/agent/criteres">
        <TextField v={v} name="code" label={labels.code} hint={v.t('portal.criteria.list.code.hint')} form={form} required />
        <TextField v={v} name="labelFr" label={labels.labelFr} form={form} required />
        <TextField v={v} name="labelEn" label={labels.labelEn} form={form} required />
        <SubmitButton>{v.t('portal.criteria.list.add')}</SubmitButton>
      </Form>
    </>
  );
}
