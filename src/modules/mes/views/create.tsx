import { ErrorSummary, Form, Notice, TextField, DateField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { programById } from '../../requests/index.js';
import { MES_PROGRAM_ID } from '../program.js';
import type { ChildChoice, ChildAtSites, SiteChoice } from '../service.js';
import { StepList } from './steps.js';

/** What to do when a child is not found or has no AIEH (seed 001, « Important ! Avant de créer une demande »). */
export function ChildFileAdvice({ v }: { v: ViewContext }) {
  return (
    <ol>
      <li>{v.t('mes.advice.updateFile')}</li>
      <li>{v.t('mes.advice.transmit')}</li>
    </ol>
  );
}

function Results({ v, results }: { v: ViewContext; results: ChildAtSites[] | null }) {
  if (results === null) return <p>{v.t('mes.search.prompt')}</p>;
  if (results.length === 0) {
    return (
      <Notice v={v} kind="warning" title={v.t('mes.search.none')}>
        <p>{v.t('mes.search.none.explain')}</p>
        <ChildFileAdvice v={v} />
      </Notice>
    );
  }
  return (
    <table class="data-table">
      <caption>{v.t('mes.search.results')}</caption>
      <thead>
        <tr>
          <th scope="col">{v.t('mes.child.name')}</th>
          <th scope="col">{v.t('mes.child.birthDate')}</th>
          <th scope="col">{v.t('mes.child.sites')}</th>
          <th scope="col">{v.t('mes.search.action')}</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => (
          <tr key={r.child.id}>
            <th scope="row">{`${r.child.firstName} ${r.child.lastName}`}</th>
            <td>{r.child.birthDate}</td>
            <td>{r.sites.map((s) => s.name).join(', ')}</td>
            <td>
              <a href={`/entreprise/mes/creer/${r.child.id}`}>
                {v.t('mes.search.select')}
                <span class="qc-sr-only">{` ${r.child.firstName} ${r.child.lastName}`}</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Step 1 before the request exists: the seed's three ways of finding the child, and the result. */
export function SearchPage({ v, form, results }: { v: ViewContext; form: FormState; results: ChildAtSites[] | null }) {
  const labels = { nirec: v.t('mes.search.nirec'), necsg: v.t('mes.search.necsg'), lastName: v.t('mes.search.lastName'), firstName: v.t('mes.search.firstName'), birthDate: v.t('mes.search.birthDate') };
  return (
    <>
      <StepList v={v} steps={programById(MES_PROGRAM_ID).steps} current="identity" />
      <ErrorSummary v={v} errors={form.errors} labels={labels} />
      <Form v={v} action="/entreprise/mes/creer">
        <p>{v.t('mes.search.oneWay')}</p>
        <fieldset class="qc-fieldset">
          <legend>
            <h2>{v.t('mes.search.byNumber')}</h2>
          </legend>
          <TextField v={v} name="nirec" label={labels.nirec} hint={v.t('mes.search.nirec.hint')} form={form} inputmode="numeric" />
          <TextField v={v} name="necsg" label={labels.necsg} hint={v.t('mes.search.necsg.hint')} form={form} inputmode="numeric" />
        </fieldset>
        <fieldset class="qc-fieldset">
          <legend>
            <h2>{v.t('mes.search.byName')}</h2>
          </legend>
          <TextField v={v} name="lastName" label={labels.lastName} form={form} />
          <TextField v={v} name="firstName" label={labels.firstName} form={form} />
          <DateField v={v} name="birthDate" label={labels.birthDate} hint={v.t('mes.date.hint')} form={form} />
        </fieldset>
        <div class="qc-button-group">
          <button type="submit" class="qc-button qc-primary">
            {v.t('mes.search.submit')}
          </button>
        </div>
      </Form>
      <section aria-labelledby="resultat" aria-live="polite">
        <h2 id="resultat">{v.t('mes.search.result')}</h2>
        <Results v={v} results={results} />
      </section>
      <p>
        <a href="/entreprise/mes" class="qc-button qc-secondary">
          {v.t('mes.cancel')}
        </a>
      </p>
    </>
  );
}

function SitePicker({ v, choice }: { v: ViewContext; choice: ChildChoice }) {
  const { child } = choice;
  if (child.sites.length < 2) return null;
  return (
    <form method="get" action={`/entreprise/mes/creer/${child.child.id}`} novalidate>
      <fieldset class="qc-fieldset">
        <legend>
          <span class="qc-label-text">{v.t('mes.choice.site')}</span>
        </legend>
        <div class="qc-field-elements-flex qc-field-elements-flex-sm">
          {child.sites.map((s, index) => (
            <label class="qc-choicefield-label" key={s.id}>
              <input type="radio" class="qc-choicefield" id={index === 0 ? 'installation' : `installation-${s.id}`} name="installation" value={s.id} checked={choice.choice?.site.id === s.id} />
              <span>{`${s.name} (${s.number})`}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div class="qc-button-group">
        <button type="submit" class="qc-button qc-secondary">
          {v.t('mes.choice.siteSubmit')}
        </button>
      </div>
    </form>
  );
}

function TypeForm({ v, childId, choice, form, creationKey }: { v: ViewContext; childId: string; choice: SiteChoice; form: FormState; creationKey: string }) {
  const chosen = form.values.type ?? choice.proposal.options[0]?.type;
  const error = form.errors.type;
  return (
    <Form v={v} action={`/entreprise/mes/creer/${childId}`}>
      <input type="hidden" name="installation" value={choice.site.id} />
      <input type="hidden" name="creationKey" value={creationKey} />
      <div class={error ? 'qc-fieldset-invalid' : undefined}>
        <fieldset class="qc-fieldset" aria-describedby={error ? 'type-error' : 'type-hint'}>
          <legend>
            <span class="qc-label-text">{v.t('mes.choice.type')}</span>
          </legend>
          <div class="qc-description" id="type-hint">
            {v.t(choice.proposal.firstYear ? 'mes.choice.firstYear' : 'mes.choice.proposed', { year: `${choice.referenceYear}-${choice.referenceYear + 1}` })}
          </div>
          {error ? (
            <div class="qc-form-error" id="type-error">
              <span>{v.t(error)}</span>
            </div>
          ) : null}
          {choice.proposal.options.map((option, index) => (
            <div class="mes-type-option" key={option.type}>
              <label class="qc-choicefield-label">
                <input
                  type="radio"
                  class="qc-choicefield"
                  id={index === 0 ? 'type' : `type-${option.type}`}
                  name="type"
                  value={option.type}
                  checked={option.type === chosen}
                  aria-describedby={`type-${option.type}-reason`}
                />
                <span>
                  {v.t(`mes.type.${option.type}`)}
                  {index === 0 && option.fits ? ` — ${v.t('mes.choice.best')}` : ''}
                </span>
              </label>
              <p class="qc-description" id={`type-${option.type}-reason`}>
                {v.t(`mes.type.${option.type}.definition`)} {option.reason ? v.t(`mes.type.reason.${option.reason}`) : ''}
              </p>
            </div>
          ))}
        </fieldset>
      </div>
      <div class="qc-button-group">
        <a href="/entreprise/mes/creer" class="qc-button qc-secondary">
          {v.t('mes.previous')}
        </a>
        <button type="submit" class="qc-button qc-primary">
          {v.t('mes.next')}
        </button>
      </div>
    </Form>
  );
}

/** What the chosen site allows: the AIEH precondition, an open request, or the choice of type. */
function SiteOutcome({ v, childId, choice, form, creationKey }: { v: ViewContext; childId: string; choice: SiteChoice; form: FormState; creationKey: string }) {
  if (!choice.hasAllowance) {
    return (
      <Notice v={v} kind="error" title={v.t('mes.noAllowance.title')}>
        <p>{v.t('mes.noAllowance.explain', { site: choice.site.name })}</p>
        <ChildFileAdvice v={v} />
      </Notice>
    );
  }
  if (choice.openRequest) {
    return (
      <Notice v={v} kind="warning" title={v.t('mes.openRequest.title')}>
        <p>{v.t('mes.openRequest.explain', { number: choice.openRequest.number, state: v.t(`requests.state.${choice.openRequest.state}`) })}</p>
        <p>
          <a href={`/entreprise/mes/demandes/${choice.openRequest.id}`}>{v.t('mes.openRequest.link', { number: choice.openRequest.number })}</a>
        </p>
      </Notice>
    );
  }
  return <TypeForm v={v} childId={childId} choice={choice} form={form} creationKey={creationKey} />;
}

/** Step 2 before the request exists: the site, then the type that fits the child's history there. */
export function ChoicePage({ v, choice, form, creationKey }: { v: ViewContext; choice: ChildChoice; form: FormState; creationKey: string }) {
  const { child } = choice;
  return (
    <>
      <StepList v={v} steps={programById(MES_PROGRAM_ID).steps} current="type" />
      <dl class="summary">
        <dt>{v.t('mes.child.name')}</dt>
        <dd>{`${child.child.firstName} ${child.child.lastName}`}</dd>
        <dt>{v.t('mes.child.birthDate')}</dt>
        <dd>{child.child.birthDate}</dd>
        {choice.choice ? (
          <>
            <dt>{v.t('mes.detail.installation')}</dt>
            <dd>{`${choice.choice.site.name} (${choice.choice.site.number})`}</dd>
          </>
        ) : null}
      </dl>
      <ErrorSummary v={v} errors={form.errors} labels={{ type: v.t('mes.choice.type') }} />
      <SitePicker v={v} choice={choice} />
      {choice.choice ? <SiteOutcome v={v} childId={child.child.id} choice={choice.choice} form={form} creationKey={creationKey} /> : <p>{v.t('mes.choice.sitePrompt')}</p>}
    </>
  );
}
