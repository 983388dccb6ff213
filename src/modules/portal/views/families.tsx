import type { ComponentChildren } from 'preact';
import { ChoiceGroup, DateField, ErrorSummary, Form, Notice, SelectField, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { FormValues } from '../../../platform/http/forms.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatLongDate } from '../../../platform/i18n/format.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import type { Site } from '../../childcare/service.js';
import type { ChoiceView, FamilyChild, FamilyFile, Guardian, ReserveChildFile, ReserveChoice, ReservePage } from '../families.js';
import { ageGroups, siteNameFor, type ChoiceState } from '../families.js';
import { criterionLabel, verifications, type Declaration, type PublishedCriterion } from '../criteria.js';
import { carePeriods, weekdays, type PublicSheet } from '../service.js';

/** The notices the family page shows after an action (`?fait=`). */
export const familyNotices = {
  enregistre: 'portal.family.saved',
  choisi: 'portal.choice.made',
  modifie: 'portal.choice.changed',
  retire: 'portal.choice.withdrawn',
  interet: 'portal.family.interest.done',
  supprime: 'portal.family.delete.done',
  choixGardes: 'portal.family.admission.kept',
  choixRetires: 'portal.family.admission.withdrawn',
} as const satisfies Record<string, MessageKey>;
export type FamilyNotice = keyof typeof familyNotices;

/** The name the parent sees for a site: an RSGE is a person; its sheet may hide its name, its number never identifies a home. */
export function siteLabel(v: ViewContext, site: Site): string {
  return siteNameFor(v.lang, site);
}

function rankText(v: ViewContext, view: ChoiceView): string {
  if (view.choice.inactiveSince && view.choice.state !== 'withdrawn') return v.t('portal.family.inactive');
  if (!view.rank) return v.t('portal.family.rank.none');
  return v.t('portal.family.rank', { from: ordinal(v.lang, view.rank.from), to: ordinal(v.lang, view.rank.to) });
}

/** « 1er », « 2e » in French; "1st", "2nd", "3rd", "11th", "21st" in English. */
export function ordinal(lang: ViewContext['lang'], n: number): string {
  if (lang === 'fr') return n === 1 ? '1er' : `${n}e`;
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** `admissions`: the children admitted, the question about their other choices (views/admissions.tsx), their service agreements (views/agreements.tsx) and the link to the messages. */
export function FamilyPage({ v, file, choices, notice, admissions }: { v: ViewContext; file: FamilyFile; choices: ChoiceView[]; notice?: FamilyNotice | undefined; admissions?: ComponentChildren }) {
  const inactive = choices.some((c) => c.choice.inactiveSince && c.choice.state !== 'withdrawn');
  const reminded = file.family?.reminderSentAt !== null && file.family?.reminderSentAt !== undefined;
  return (
    <>
      {notice ? (
        <Notice v={v} kind="success">
          <p>{v.t(familyNotices[notice])}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.family.intro')}</p>
      {inactive || reminded ? (
        <Notice v={v} kind="warning" title={v.t('portal.family.interest.title')}>
          <p>{v.t(inactive ? 'portal.family.interest.inactive' : 'portal.family.interest.due')}</p>
          <Form v={v} action="/famille/interet">
            <SubmitButton>{v.t('portal.family.interest.confirm')}</SubmitButton>
          </Form>
        </Notice>
      ) : null}

      {admissions}
      <h2>{v.t('portal.family.choices')}</h2>
      <p>
        <a href="/carte">{v.t('portal.map.link')}</a>
      </p>
      {choices.length === 0 ? (
        <p>{v.t('portal.family.choices.none')}</p>
      ) : (
        <>
          <table class="data-table">
            <caption>{v.t('portal.family.choices.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{v.t('portal.family.choices.child')}</th>
                <th scope="col">{v.t('portal.family.choices.service')}</th>
                <th scope="col">{v.t('portal.family.choices.start')}</th>
                <th scope="col">{v.t('portal.family.choices.state')}</th>
                <th scope="col">{v.t('portal.family.choices.rank')}</th>
                <th scope="col">{v.t('portal.family.choices.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {choices.map((view) => {
                const child = `${view.child.firstName} ${view.child.lastName}`;
                const service = siteLabel(v, view.site);
                const open = view.choice.state !== 'withdrawn' && view.choice.state !== 'admitted';
                return (
                  <tr key={view.choice.id}>
                    <td>{child}</td>
                    <td>
                      <a href={`/services/${view.site.id}`}>{service}</a>
                    </td>
                    <td>{view.choice.desiredStart}</td>
                    <td>{v.t(`portal.choiceState.${view.choice.state as ChoiceState}`)}</td>
                    <td>{rankText(v, view)}</td>
                    <td>
                      {open ? (
                        <ul class="inline-actions">
                          <li>
                            <a href={`/famille/choix/${view.choice.id}`}>
                              {v.t('portal.choice.editTitle')}
                              <span class="qc-sr-only">{` (${child}, ${service})`}</span>
                            </a>
                          </li>
                          <li>
                            <a href={`/famille/choix/${view.choice.id}/retirer`}>
                              {v.t('portal.choice.withdraw.confirm')}
                              <span class="qc-sr-only">{` (${child}, ${service})`}</span>
                            </a>
                          </li>
                        </ul>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class="qc-description">{v.t('portal.family.rank.hint')}</p>
        </>
      )}

      <h2>{v.t('portal.family.children')}</h2>
      {file.children.length === 0 ? (
        <p>{v.t('portal.family.children.none')}</p>
      ) : (
        <ul>
          {file.children.map((c) => (
            <li key={c.id}>
              <a href={`/famille/enfants/${c.id}`} aria-label={v.t('portal.child.open', { name: `${c.firstName} ${c.lastName}` })}>
                {`${c.firstName} ${c.lastName}`}
              </a>
              {` — ${c.registrationNumber}`}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/famille/enfants/nouveau">{v.t('portal.family.children.add')}</a>
      </p>

      <h2>{v.t('portal.family.guardians')}</h2>
      {file.guardians.length === 0 ? (
        <p>{v.t('portal.family.guardians.none')}</p>
      ) : (
        <ul>
          {file.guardians.map((g) => (
            <li key={g.id}>
              <a href={`/famille/parents/${g.id}`} aria-label={v.t('portal.family.guardian.edit', { name: g.name })}>
                {g.name}
              </a>
              {` — ${v.t(`portal.family.role.${g.role === 'guardian' ? 'guardian' : 'parent'}`)}, ${g.phone}${g.email ? `, ${g.email}` : ''}`}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/famille/parents/nouveau">{v.t('portal.family.guardians.add')}</a>
      </p>

      <h2>{v.t('portal.family.data')}</h2>
      <p>{v.t('portal.family.interest.rule')}</p>
      <ul>
        <li>
          <a href="/famille/donnees" download="dossier-familial.json">
            {v.t('portal.family.download')}
          </a>
        </li>
        {file.family ? (
          <li>
            <a href="/famille/supprimer">{v.t('portal.family.delete')}</a>
          </li>
        ) : null}
      </ul>
    </>
  );
}

export const guardianLabels = (v: ViewContext): Record<string, string> => ({
  role: v.t('portal.family.role'),
  name: v.t('portal.family.name'),
  email: v.t('portal.family.email'),
  phone: v.t('portal.family.phone'),
});

export function guardianValues(g: Guardian): FormValues {
  return { role: g.role, name: g.name, email: g.email ?? '', phone: g.phone };
}

export function GuardianPage({ v, action, form }: { v: ViewContext; action: string; form: FormState }) {
  const labels = guardianLabels(v);
  return (
    <>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={action}>
        <ChoiceGroup
          v={v}
          name="role"
          label={labels.role ?? ''}
          form={form}
          required
          options={[
            { value: 'parent', label: v.t('portal.family.role.parent') },
            { value: 'guardian', label: v.t('portal.family.role.guardian') },
          ]}
        />
        <TextField v={v} name="name" label={labels.name ?? ''} form={form} required autocomplete="name" />
        <TextField v={v} name="phone" type="tel" label={labels.phone ?? ''} hint={v.t('portal.family.phone.hint')} form={form} required autocomplete="tel" />
        <TextField v={v} name="email" type="email" label={labels.email ?? ''} hint={v.t('portal.family.email.hint')} form={form} autocomplete="email" />
        <SubmitButton>{v.t('portal.family.save')}</SubmitButton>
      </Form>
      <p>
        <a href="/famille">{v.t('portal.family.cancel')}</a>
      </p>
    </>
  );
}

export const childLabels = (v: ViewContext): Record<string, string> => ({
  firstName: v.t('portal.child.firstName'),
  lastName: v.t('portal.child.lastName'),
  birthDate: v.t('portal.child.birthDate'),
});

export function ChildFormPage({ v, form }: { v: ViewContext; form: FormState }) {
  const labels = childLabels(v);
  return (
    <>
      <p>{v.t('portal.child.intro')}</p>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action="/famille/enfants/nouveau">
        <TextField v={v} name="firstName" label={labels.firstName ?? ''} form={form} required />
        <TextField v={v} name="lastName" label={labels.lastName ?? ''} form={form} required />
        <DateField v={v} name="birthDate" label={labels.birthDate ?? ''} hint={v.t('portal.child.birthDate.hint')} form={form} required />
        <SubmitButton>{v.t('portal.child.register')}</SubmitButton>
      </Form>
      <p>
        <a href="/famille">{v.t('portal.family.cancel')}</a>
      </p>
    </>
  );
}

/** The printable confirmation of a child's registration: its number, name and dates. */
export function ChildConfirmationPage({ v, child, justRegistered }: { v: ViewContext; child: FamilyChild; justRegistered: boolean }) {
  return (
    <>
      {justRegistered ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.child.registered')}</p>
        </Notice>
      ) : null}
      <dl class="summary">
        <dt>{v.t('portal.child.number')}</dt>
        <dd>
          <strong>{child.registrationNumber}</strong>
        </dd>
        <dt>{v.t('portal.child.name')}</dt>
        <dd>{`${child.firstName} ${child.lastName}`}</dd>
        <dt>{v.t(child.expected ? 'portal.child.expected' : 'portal.child.born')}</dt>
        <dd>{child.birthDate}</dd>
        <dt>{v.t('portal.child.registeredAt')}</dt>
        <dd>{formatLongDate(v.lang, child.createdAt)}</dd>
      </dl>
      <p>{v.t('portal.child.print')}</p>
      <p>
        <a href="/famille">{v.t('portal.family.cancel')}</a>
      </p>
    </>
  );
}

export const choiceLabels = (v: ViewContext): Record<string, string> => ({
  childId: v.t('portal.choice.child'),
  desiredStart: v.t('portal.choice.desiredStart'),
  days: v.t('portal.choice.days'),
  periods: v.t('portal.choice.periods'),
  flexibility: v.t('portal.choice.flexibility'),
  criteria: v.t('portal.criteria.choice'),
});

export function choiceValues(choice: ReserveChoice, declared: Declaration[]): FormValues {
  return {
    criteria: declared.map((d) => d.criterionId).join(','),
    desiredStart: choice.desiredStart,
    days: choice.days.join(','),
    periods: choice.periods.join(','),
    flexibility: [choice.acceptsPartial ? 'partial' : '', choice.acceptsSubstitute ? 'substitute' : ''].filter(Boolean).join(','),
  };
}

/** The choice form: for a new choice, which child; then the wishes. */
export function ChoicePage({
  v,
  action,
  site,
  criteria,
  checks = [],
  children,
  form,
  submit,
}: {
  v: ViewContext;
  action: string;
  site: Site;
  /** The site's published criteria, in its order: the parent checks those the child meets. */
  criteria: PublishedCriterion[];
  /** The provider's checks of the declarations already made (a choice being changed): the parent sees them. */
  checks?: Declaration[];
  children: FamilyChild[] | null;
  form: FormState;
  submit: MessageKey;
}) {
  const labels = choiceLabels(v);
  return (
    <>
      <p>{v.t('portal.choice.for', { service: siteLabel(v, site) })}</p>
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action={action}>
        {children ? (
          <SelectField v={v} name="childId" label={labels.childId ?? ''} form={form} required options={children.map((c) => ({ value: c.id, label: `${c.firstName} ${c.lastName} (${c.registrationNumber})` }))} />
        ) : null}
        <DateField v={v} name="desiredStart" label={labels.desiredStart ?? ''} hint={v.t('portal.choice.desiredStart.hint')} form={form} required />
        <ChoiceGroup v={v} name="days" label={labels.days ?? ''} form={form} required multiple options={weekdays.map((d) => ({ value: d, label: v.t(`portal.day.${d}`) }))} />
        <ChoiceGroup v={v} name="periods" label={labels.periods ?? ''} form={form} required multiple options={carePeriods.map((p) => ({ value: p, label: v.t(`portal.period.${p}`) }))} />
        <ChoiceGroup
          v={v}
          name="flexibility"
          label={labels.flexibility ?? ''}
          form={form}
          multiple
          options={[
            { value: 'partial', label: v.t('portal.choice.acceptsPartial') },
            { value: 'substitute', label: v.t('portal.choice.acceptsSubstitute') },
          ]}
        />
        {criteria.length > 0 ? (
          <ChoiceGroup
            v={v}
            name="criteria"
            label={labels.criteria ?? ''}
            hint={v.t('portal.criteria.choice.hint')}
            form={form}
            multiple
            options={criteria.map((c) => {
              const verification = checks.find((d) => d.criterionId === c.id)?.verification;
              const label = criterionLabel(c, v.lang);
              return { value: c.id, label: verification ? v.t('portal.criteria.choice.checked', { label, state: v.t(`portal.criteria.verification.${verification}`) }) : label };
            })}
          />
        ) : null}
        <SubmitButton>{v.t(submit)}</SubmitButton>
      </Form>
      <p>
        <a href="/famille">{v.t('portal.family.cancel')}</a>
      </p>
    </>
  );
}

/** A confirmation before a destructive action, saying what will happen. */
export function ConfirmActionPage({ v, action, text, confirm }: { v: ViewContext; action: string; text: string; confirm: MessageKey }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{text}</p>
      </Notice>
      <Form v={v} action={action}>
        <div class="qc-button-group">
          <a href="/famille" class="qc-button qc-secondary">
            {v.t('portal.family.cancelDelete')}
          </a>
          <button type="submit" class="qc-button qc-primary qc-danger">
            {v.t(confirm)}
          </button>
        </div>
      </Form>
    </>
  );
}

/** The public page of a service: its published sheet, or the seed's notice when it has not published. */
export function PublicSheetPage({ v, sheet, criteria, canRegister }: { v: ViewContext; sheet: PublicSheet | null; criteria: PublishedCriterion[]; canRegister: 'citizen' | 'anonymous' | 'other' }) {
  if (!sheet) {
    return (
      <Notice v={v} kind="information">
        <p>{v.t('portal.public.notPublished')}</p>
      </Notice>
    );
  }
  const days = sheet.openingDays.map((d) => v.t(`portal.day.${d}`)).join(', ');
  return (
    <>
      <p>
        <strong>{sheet.name ?? v.t('portal.public.unnamedHome')}</strong> — {v.t(`portal.serviceKind.${sheet.serviceKind}`)}
      </p>
      <dl class="summary">
        <dt>{v.t('portal.public.location')}</dt>
        <dd>{sheet.address ? `${sheet.address.street}, ${sheet.municipality} ${sheet.address.postalCode}` : v.t('portal.public.approximate', { municipality: sheet.municipality })}</dd>
        <dt>{v.t('portal.public.hours')}</dt>
        <dd>{sheet.opensAt && sheet.closesAt ? v.t('portal.public.hoursValue', { days, opens: sheet.opensAt, closes: sheet.closesAt }) : days}</dd>
        {sheet.places ? (
          <>
            <dt>{v.t('portal.public.places')}</dt>
            <dd>{v.t('portal.public.placesValue', { total: sheet.places.total, under18: sheet.places.under18Months })}</dd>
          </>
        ) : null}
        {sheet.rates ? (
          <>
            <dt>{v.t('portal.public.rates')}</dt>
            <dd>
              {sheet.rates.reducedContribution ? v.t('portal.sheet.rates.reduced') : sheet.rates.dailyRateCents !== null ? v.t('portal.public.dailyRate', { rate: (sheet.rates.dailyRateCents / 100).toFixed(2) }) : ''}
              {sheet.rates.details ? ` ${sheet.rates.details}` : ''}
            </dd>
          </>
        ) : null}
        {sheet.carePeriods ? (
          <>
            <dt>{v.t('portal.public.periods')}</dt>
            <dd>{sheet.carePeriods.map((p) => v.t(`portal.period.${p}`)).join(', ')}</dd>
          </>
        ) : null}
        {sheet.groupComposition ? (
          <>
            <dt>{v.t('portal.sheet.groupComposition')}</dt>
            <dd>{sheet.groupComposition}</dd>
          </>
        ) : null}
        {sheet.languages ? (
          <>
            <dt>{v.t('portal.sheet.languages')}</dt>
            <dd>{[...sheet.languages.spoken.map((l) => v.t(`portal.language.${l}`)), ...(sheet.languages.other ? [sheet.languages.other] : [])].join(', ')}</dd>
          </>
        ) : null}
      </dl>
      {sheet.presentation ? <p>{sheet.presentation}</p> : null}
      {criteria.length > 0 ? (
        <>
          <h2>{v.t('portal.criteria.public')}</h2>
          <p>{v.t('portal.criteria.public.hint')}</p>
          <CriteriaList v={v} criteria={criteria} />
        </>
      ) : null}
      {canRegister === 'citizen' ? (
        <p>
          <a class="qc-button qc-primary" href={`/services/${sheet.siteId}/inscrire`}>
            {v.t('portal.public.register')}
          </a>
        </p>
      ) : canRegister === 'anonymous' ? (
        <p>
          <a href={`/connexion?retour=${encodeURIComponent(`/services/${sheet.siteId}`)}`}>{v.t('portal.public.signIn')}</a>
        </p>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// The provider's réserve

/** A site's published criteria, numbered in its order (the réserve's column refers to these numbers). */
export function CriteriaList({ v, criteria }: { v: ViewContext; criteria: PublishedCriterion[] }) {
  return (
    <ol>
      {criteria.map((c) => (
        <li key={c.id}>{criterionLabel(c, v.lang)}</li>
      ))}
    </ol>
  );
}

/** The state of a declaration as the provider reads it. */
function verificationText(v: ViewContext, declaration: Declaration): string {
  return v.t(`portal.criteria.verification.${declaration.verification ?? 'pending'}`);
}

/** The numbers of the published criteria the child meets, as the legend above the table numbers them, each with its check. */
function metPositions(v: ViewContext, published: PublishedCriterion[], met: Declaration[]): string {
  const items = published.flatMap((c) => met.filter((d) => d.criterionId === c.id).map((d) => v.t('portal.criteria.reserve.item', { position: c.position, state: verificationText(v, d) })));
  return items.length === 0 ? v.t('portal.criteria.reserve.none') : items.join(', ');
}

/** The parent's declarations on the child's file, each with the provider's check and the buttons to confirm or reject it. */
function DeclaredCriteria({ v, file }: { v: ViewContext; file: ReserveChildFile }) {
  const declared = file.criteria.flatMap((c) => file.declared.filter((d) => d.criterionId === c.id).map((d) => ({ criterion: c, declaration: d })));
  const href = `${reserveHref(file.site.id)}/enfants/${file.choice.id}/criteres`;
  return (
    <>
      <h2>{v.t('portal.criteria.reserve.met')}</h2>
      <p>{v.t('portal.criteria.verify.hint')}</p>
      {declared.length === 0 ? (
        <p>{v.t('portal.criteria.reserve.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.criteria.reserve.met')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.criteria.reserve')}</th>
              <th scope="col">{v.t('portal.criteria.verification')}</th>
              <th scope="col">{v.t('portal.criteria.list.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {declared.map(({ criterion, declaration }) => (
              <tr key={criterion.id}>
                <td>{`${criterion.position}. ${criterionLabel(criterion, v.lang)}`}</td>
                <td>{verificationText(v, declaration)}</td>
                <td>
                  {verifications
                    .filter((verification) => verification !== declaration.verification)
                    .map((verification) => (
                      <Form key={verification} v={v} action={`${href}/${criterion.id}`}>
                        <input type="hidden" name="verification" value={verification} />
                        <button type="submit" class="qc-button qc-secondary" aria-label={v.t(`portal.criteria.verify.${verification}.label`, { position: criterion.position })}>
                          {v.t(`portal.criteria.verify.${verification}`)}
                        </button>
                      </Form>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export const reserveHref = (siteId: string): string => `/entreprise/reserves/${siteId}`;

export function ReserveListPage({ v, sites }: { v: ViewContext; sites: Site[] }) {
  if (sites.length === 0) return <p>{v.t('portal.reserves.none')}</p>;
  return (
    <ul>
      {sites.map((s) => (
        <li key={s.id}>
          <a href={reserveHref(s.id)}>{v.t('portal.reserves.open', { name: s.name })}</a>
          {' — '}
          <a href={`/entreprise/admissions/${s.id}`}>{v.t('portal.admission.title')}</a>
        </li>
      ))}
    </ul>
  );
}

/** The réserve's filters as a GET form (shareable, works without JavaScript), then its table and paging. */
export function ReservePageView({ v, page, query, invalidFilter }: { v: ViewContext; page: ReservePage; query: FormValues; invalidFilter: boolean }) {
  const form: FormState = { values: query, errors: {} };
  const href = reserveHref(page.site.id);
  const base = new URLSearchParams(Object.entries(query).filter(([k, value]) => k !== 'debut' && value !== ''));
  const pageHref = (offset: number) => {
    const params = new URLSearchParams(base);
    if (offset > 0) params.set('debut', String(offset));
    const qs = params.toString();
    return qs ? `${href}?${qs}` : href;
  };
  const last = page.offset + page.entries.length;
  return (
    <>
      <p>
        <strong>{page.site.name}</strong>
      </p>
      <p>{v.t('portal.reserve.intro')}</p>
      {page.criteria.length > 0 ? (
        <>
          <h2>{v.t('portal.criteria.current')}</h2>
          <CriteriaList v={v} criteria={page.criteria} />
        </>
      ) : (
        <p>{v.t('portal.criteria.current.none')}</p>
      )}
      {invalidFilter ? (
        <Notice v={v} kind="warning">
          <p>{v.t('portal.reserve.filter.invalid')}</p>
        </Notice>
      ) : null}
      <form method="get" action={href} class="reserve-filters">
        <fieldset class="qc-fieldset">
          <legend>
            <span class="qc-label-text">{v.t('portal.reserve.filters')}</span>
          </legend>
          <SelectField v={v} name="age" label={v.t('portal.reserve.ageGroup')} form={form} placeholder={v.t('portal.reserve.ageGroup.any')} options={ageGroups.map((g) => ({ value: g, label: v.t(`portal.reserve.ageGroup.${g}`) }))} />
          <DateField v={v} name="du" label={v.t('portal.reserve.startFrom')} form={form} />
          <DateField v={v} name="au" label={v.t('portal.reserve.startTo')} form={form} />
          <SelectField v={v} name="jour" label={v.t('portal.reserve.day')} form={form} placeholder={v.t('portal.reserve.any')} options={weekdays.map((d) => ({ value: d, label: v.t(`portal.day.${d}`) }))} />
          <SelectField v={v} name="periode" label={v.t('portal.reserve.period')} form={form} placeholder={v.t('portal.reserve.any')} options={carePeriods.map((p) => ({ value: p, label: v.t(`portal.period.${p}`) }))} />
          <SelectField
            v={v}
            name="partielle"
            label={v.t('portal.reserve.partial')}
            form={form}
            placeholder={v.t('portal.reserve.any')}
            options={[
              { value: 'oui', label: v.t('portal.reserve.partial.yes') },
              { value: 'non', label: v.t('portal.reserve.partial.no') },
            ]}
          />
          <div class="qc-button-group">
            <button type="submit" class="qc-button qc-secondary">
              {v.t('portal.reserve.apply')}
            </button>
          </div>
        </fieldset>
      </form>
      {page.entries.length === 0 ? (
        <p>{v.t('portal.reserve.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.reserve.caption', { count: page.total })}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.reserve.number')}</th>
              <th scope="col">{v.t('portal.reserve.child')}</th>
              <th scope="col">{v.t('portal.reserve.age')}</th>
              <th scope="col">{v.t('portal.reserve.start')}</th>
              <th scope="col">{v.t('portal.reserve.siblings')}</th>
              {page.criteria.length > 0 ? <th scope="col">{v.t('portal.criteria.reserve')}</th> : null}
              <th scope="col">{v.t('portal.reserve.details')}</th>
            </tr>
          </thead>
          <tbody>
            {page.entries.map((e) => (
              <tr key={e.choiceId}>
                <td>{e.registrationNumber}</td>
                <td>{e.childName}</td>
                <td>{Math.max(0, e.ageMonths)}</td>
                <td>{e.desiredStart}</td>
                <td>{e.siblings > 0 ? v.t('portal.reserve.siblings.yes', { count: e.siblings }) : v.t('portal.no')}</td>
                {page.criteria.length > 0 ? <td>{metPositions(v, page.criteria, e.criteria)}</td> : null}
                <td>
                  <a href={`${href}/enfants/${e.choiceId}`} aria-label={v.t('portal.reserve.openChild', { name: e.childName })}>
                    <span aria-hidden="true">→</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.total > 0 ? <p>{v.t('portal.reserve.range', { from: page.entries.length === 0 ? 0 : page.offset + 1, to: last, total: page.total })}</p> : null}
      <ul class="inline-actions">
        {page.offset > 0 ? (
          <li>
            <a href={pageHref(Math.max(0, page.offset - page.pageSize))}>{v.t('portal.reserve.previous')}</a>
          </li>
        ) : null}
        {last < page.total && page.offset + page.pageSize <= page.maxOffset ? (
          <li>
            <a href={pageHref(page.offset + page.pageSize)}>{v.t('portal.reserve.next')}</a>
          </li>
        ) : null}
      </ul>
    </>
  );
}

/** Who the child is, at the head of its file; `children`: more rows of the same list. */
export function ChildSummary({ v, child, children }: { v: ViewContext; child: FamilyChild; children?: ComponentChildren }) {
  return (
    <dl class="summary">
      <dt>{v.t('portal.child.number')}</dt>
      <dd>{child.registrationNumber}</dd>
      <dt>{v.t('portal.child.name')}</dt>
      <dd>{`${child.firstName} ${child.lastName}`}</dd>
      <dt>{v.t(child.expected ? 'portal.child.expected' : 'portal.child.born')}</dt>
      <dd>{child.birthDate}</dd>
      {children}
    </dl>
  );
}

/** How to reach the family, in a child's full file: its guardians and the account's e-mail. */
export function FamilyContacts({ v, guardians, accountEmail }: { v: ViewContext; guardians: Guardian[]; accountEmail: string | null }) {
  return (
    <>
      <h2>{v.t('portal.reserve.file.contacts')}</h2>
      <ul>
        {guardians.map((g) => (
          <li key={g.id}>{`${g.name} — ${v.t(`portal.family.role.${g.role === 'guardian' ? 'guardian' : 'parent'}`)}, ${g.phone}${g.email ? `, ${g.email}` : ''}`}</li>
        ))}
        {accountEmail ? <li>{`${v.t('portal.reserve.file.account')} — ${accountEmail}`}</li> : null}
      </ul>
    </>
  );
}

export function ReserveChildPage({ v, file, verified }: { v: ViewContext; file: ReserveChildFile; verified: boolean }) {
  const { child, choice } = file;
  return (
    <>
      {verified ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.criteria.verify.done')}</p>
        </Notice>
      ) : null}
      <p class="qc-description">{v.t('portal.reserve.file.audited')}</p>
      <ChildSummary v={v} child={child}>
        <dt>{v.t('portal.reserve.start')}</dt>
        <dd>{choice.desiredStart}</dd>
        <dt>{v.t('portal.family.choices.state')}</dt>
        <dd>{v.t(`portal.choiceState.${choice.state as ChoiceState}`)}</dd>
      </ChildSummary>
      <h2>{v.t('portal.reserve.file.wishes')}</h2>
      <dl class="summary">
        <dt>{v.t('portal.reserve.file.days')}</dt>
        <dd>{choice.days.map((d) => v.t(`portal.day.${d as (typeof weekdays)[number]}`)).join(', ')}</dd>
        <dt>{v.t('portal.reserve.file.periods')}</dt>
        <dd>{choice.periods.map((p) => v.t(`portal.period.${p as (typeof carePeriods)[number]}`)).join(', ')}</dd>
        <dt>{v.t('portal.reserve.file.partial')}</dt>
        <dd>{v.t(choice.acceptsPartial ? 'portal.yes' : 'portal.no')}</dd>
        <dt>{v.t('portal.reserve.file.substitute')}</dt>
        <dd>{v.t(choice.acceptsSubstitute ? 'portal.yes' : 'portal.no')}</dd>
        <dt>{v.t('portal.reserve.file.siblings')}</dt>
        <dd>{file.siblings.length === 0 ? v.t('portal.no') : file.siblings.map((s) => `${s.name} (${s.registrationNumber})`).join(', ')}</dd>
      </dl>
      {file.criteria.length > 0 ? <DeclaredCriteria v={v} file={file} /> : null}
      <FamilyContacts v={v} guardians={file.guardians} accountEmail={file.accountEmail} />
      <p>
        <a class="qc-button qc-primary" href={`${reserveHref(file.site.id)}/enfants/${choice.id}/admettre`}>
          {v.t('portal.admission.fromReserve')}
        </a>
      </p>
      <p>
        <a href={`/entreprise/messages/reserve/${file.site.id}/${choice.id}`}>{v.t('portal.message.contact.link')}</a>
      </p>
      <p>
        <a href={reserveHref(file.site.id)}>{v.t('portal.reserve.back')}</a>
      </p>
    </>
  );
}
