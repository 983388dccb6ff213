import { ChoiceGroup, ErrorSummary, Form, Notice, SubmitButton, TextArea, TextField, type FormState } from '../../../platform/http/components.js';
import type { FormValues } from '../../../platform/http/forms.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatLongDate } from '../../../platform/i18n/format.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import type { Site } from '../../childcare/service.js';
import { carePeriods, sectionsOffered, sheetLanguages, weekdays, type ServiceSheet, type SheetPage, type SheetSummary } from '../service.js';

export const sheetHref = (siteId: string): string => `/entreprise/fiches/${siteId}`;

/** The notices a sheet page can show after an action (`?fait=`). */
export const doneNotices = { enregistree: 'portal.sheet.saved', publiee: 'portal.publish.done', retiree: 'portal.unpublish.done' } as const satisfies Record<string, MessageKey>;
export type DoneNotice = keyof typeof doneNotices;

export function SheetListPage({ v, sheets }: { v: ViewContext; sheets: SheetSummary[] }) {
  return (
    <>
      <p>{v.t('portal.sheets.intro')}</p>
      {sheets.length === 0 ? (
        <p>{v.t('portal.sheets.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.sheets.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.sheets.site')}</th>
              <th scope="col">{v.t('portal.sheets.kind')}</th>
              <th scope="col">{v.t('portal.sheets.state')}</th>
            </tr>
          </thead>
          <tbody>
            {sheets.map(({ site, state, publishedAt }) => (
              <tr key={site.id}>
                <td>
                  <a href={sheetHref(site.id)} aria-label={v.t('portal.sheets.open', { name: site.name })}>
                    {site.name}
                  </a>
                </td>
                <td>{v.t(`portal.serviceKind.${site.serviceKind}`)}</td>
                <td>{state === 'published' && publishedAt ? v.t('portal.state.published', { date: formatLongDate(v.lang, publishedAt) }) : v.t(`portal.state.${state}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The form's values from a stored sheet: lists as the comma-joined boxes, hours as HH:MM. */
export function sheetValues(sheet: ServiceSheet): FormValues {
  return {
    version: String(sheet.version),
    groupComposition: sheet.groupComposition ?? '',
    dailyRate: sheet.dailyRateCents === null ? '' : (sheet.dailyRateCents / 100).toFixed(2),
    rateDetails: sheet.rateDetails ?? '',
    openingDays: sheet.openingDays.join(','),
    opensAt: sheet.opensAt?.slice(0, 5) ?? '',
    closesAt: sheet.closesAt?.slice(0, 5) ?? '',
    carePeriods: sheet.carePeriods.join(','),
    presentation: sheet.presentation ?? '',
    languages: sheet.languages.join(','),
    otherLanguages: sheet.otherLanguages ?? '',
    publicSections: sheet.publicSections.join(','),
  };
}

function Places({ v, site }: { v: ViewContext; site: Site }) {
  const home = site.kind === 'home_provider';
  const { placesTotal: total, placesUnder18Months: under18 } = site;
  return (
    <section aria-labelledby="permit-title">
      <h2 id="permit-title">{v.t(home ? 'portal.sheet.permit.home' : 'portal.sheet.permit.installation')}</h2>
      <p class="qc-description">{v.t('portal.sheet.permit.hint')}</p>
      {total === null || under18 === null ? (
        <p>{v.t('portal.sheet.places.unknown')}</p>
      ) : home ? (
        <dl class="summary">
          <dt>{v.t('portal.sheet.places.total')}</dt>
          <dd>{total}</dd>
          <dt>{v.t('portal.sheet.places.infant')}</dt>
          <dd>{v.t('portal.sheet.places.under18', { count: under18 })}</dd>
        </dl>
      ) : (
        <dl class="summary">
          <dt>{v.t('portal.sheet.places.infant')}</dt>
          <dd>{under18}</dd>
          <dt>{v.t('portal.sheet.places.toddler')}</dt>
          <dd>{total - under18}</dd>
        </dl>
      )}
      <dl class="summary">
        <dt>{v.t('portal.sheet.location')}</dt>
        <dd>{`${site.address}, ${site.municipality} ${site.postalCode}`}</dd>
      </dl>
      {home ? <p class="qc-description">{v.t('portal.sheet.location.homeHint')}</p> : null}
    </section>
  );
}

const labelsOf = (v: ViewContext): Record<string, string> => ({
  openingDays: v.t('portal.sheet.openingDays'),
  opensAt: v.t('portal.sheet.opensAt'),
  closesAt: v.t('portal.sheet.closesAt'),
  groupComposition: v.t('portal.sheet.groupComposition'),
  dailyRate: v.t('portal.sheet.dailyRate'),
  rateDetails: v.t('portal.sheet.rateDetails'),
  carePeriods: v.t('portal.sheet.carePeriods'),
  presentation: v.t('portal.sheet.presentation'),
  languages: v.t('portal.sheet.languages'),
  otherLanguages: v.t('portal.sheet.otherLanguages'),
  publicSections: v.t('portal.sheet.visibility'),
});

export type SheetNotice = { kind: 'success' | 'warning' | 'error'; key: MessageKey };

/** The provider's sheet: places from the permit (read only), the form, and the publication links. */
export function SheetEditPage({ v, page, form, notice }: { v: ViewContext; page: SheetPage; form: FormState; notice?: SheetNotice | undefined }) {
  const { site, sheet } = page;
  const labels = labelsOf(v);
  const home = site.kind === 'home_provider';
  const href = sheetHref(site.id);
  return (
    <>
      <p>
        <strong>{site.name}</strong> — {v.t(`portal.serviceKind.${site.serviceKind}`)}
      </p>
      {page.firstVisit ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.sheet.adhered')}</p>
        </Notice>
      ) : null}
      {notice ? (
        <Notice v={v} kind={notice.kind}>
          <p>{v.t(notice.key)}</p>
        </Notice>
      ) : null}
      <p role="status">{sheet.publishedAt ? v.t('portal.sheet.state.published', { date: formatLongDate(v.lang, sheet.publishedAt) }) : v.t('portal.sheet.state.draft')}</p>
      <Places v={v} site={site} />
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={href}>
        <input type="hidden" name="version" value={form.values.version ?? String(sheet.version)} />
        <h2>{v.t('portal.sheet.hoursSection')}</h2>
        <ChoiceGroup v={v} name="openingDays" label={labels.openingDays ?? ''} form={form} multiple options={weekdays.map((d) => ({ value: d, label: v.t(`portal.day.${d}`) }))} />
        <TextField v={v} name="opensAt" label={labels.opensAt ?? ''} hint={v.t('portal.sheet.hours.hint')} form={form} />
        <TextField v={v} name="closesAt" label={labels.closesAt ?? ''} hint={v.t('portal.sheet.hours.hint')} form={form} />
        <ChoiceGroup v={v} name="carePeriods" label={labels.carePeriods ?? ''} form={form} multiple options={carePeriods.map((p) => ({ value: p, label: v.t(`portal.period.${p}`) }))} />
        <h2>{v.t('portal.sheet.groupComposition')}</h2>
        <TextArea v={v} name="groupComposition" label={labels.groupComposition ?? ''} hint={v.t('portal.sheet.groupComposition.hint')} form={form} />
        <h2>{v.t('portal.sheet.rates')}</h2>
        {page.subsidized ? <p>{v.t('portal.sheet.rates.reduced')}</p> : <TextField v={v} name="dailyRate" label={labels.dailyRate ?? ''} hint={v.t('portal.sheet.dailyRate.hint')} form={form} inputmode="text" />}
        <TextArea v={v} name="rateDetails" label={labels.rateDetails ?? ''} hint={v.t('portal.sheet.rateDetails.hint')} form={form} />
        <h2>{v.t('portal.sheet.presentation')}</h2>
        <TextArea v={v} name="presentation" label={labels.presentation ?? ''} hint={v.t('portal.sheet.presentation.hint')} form={form} />
        <ChoiceGroup v={v} name="languages" label={labels.languages ?? ''} form={form} multiple options={sheetLanguages.map((l) => ({ value: l, label: v.t(`portal.language.${l}`) }))} />
        <TextField v={v} name="otherLanguages" label={labels.otherLanguages ?? ''} hint={v.t('portal.sheet.otherLanguages.hint')} form={form} />
        <h2>{v.t('portal.sheet.always.title')}</h2>
        <p>{v.t(home ? 'portal.sheet.always.home' : 'portal.sheet.always.installation')}</p>
        <ChoiceGroup v={v} name="publicSections" label={labels.publicSections ?? ''} form={form} multiple options={sectionsOffered(site.kind).map((s) => ({ value: s, label: v.t(`portal.section.${s}`) }))} />
        <SubmitButton>{v.t('portal.sheet.save')}</SubmitButton>
      </Form>
      <ul>
        <li>{sheet.publishedAt ? <a href={`${href}/retirer`}>{v.t('portal.sheet.unpublishLink')}</a> : <a href={`${href}/publier`}>{v.t('portal.sheet.publishLink')}</a>}</li>
        <li>
          <a href={`${href}/criteres`}>{v.t('portal.criteria.link')}</a>
        </li>
        <li>
          <a href="/entreprise/fiches">{v.t('portal.sheet.back')}</a>
        </li>
      </ul>
    </>
  );
}

/** The confirmation before publishing or unpublishing; a sheet that cannot be published says what it lacks. */
export function ConfirmPage({ v, site, what, missing }: { v: ViewContext; site: Site; what: 'publish' | 'unpublish'; missing: MessageKey[] }) {
  const href = sheetHref(site.id);
  return (
    <>
      <p>
        <strong>{site.name}</strong>
      </p>
      {missing.length > 0 ? (
        <Notice v={v} kind="warning">
          <p>{v.t('portal.publish.incomplete')}</p>
          <ul>
            {missing.map((key) => (
              <li key={key}>{v.t(key)}</li>
            ))}
          </ul>
        </Notice>
      ) : (
        <>
          <p>{v.t(what === 'publish' ? 'portal.publish.text' : 'portal.unpublish.text')}</p>
          <Form v={v} action={`${href}/${what === 'publish' ? 'publier' : 'retirer'}`}>
            <div class="qc-button-group">
              <a href={href} class="qc-button qc-secondary">
                {v.t(what === 'publish' ? 'portal.publish.cancel' : 'portal.unpublish.cancel')}
              </a>
              <button type="submit" class={what === 'publish' ? 'qc-button qc-primary' : 'qc-button qc-primary qc-danger'}>
                {v.t(what === 'publish' ? 'portal.publish.confirm' : 'portal.unpublish.confirm')}
              </button>
            </div>
          </Form>
        </>
      )}
      {missing.length > 0 ? (
        <p>
          <a href={href}>{v.t('portal.publish.cancel')}</a>
        </p>
      ) : null}
    </>
  );
}
