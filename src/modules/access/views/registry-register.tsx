import { ChoiceGroup, DateField, ErrorSummary, Form, Notice, Pager, SubmitButton, TextField, type FormState, type Option } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime, formatLongDate } from '../../../platform/i18n/format.js';
import { REGISTER_PAGE_SIZE, type CurrentRegister, type Firm, type MandateEntry, type RegisterEntry, type RegisterHistory } from '../grants.js';
import { profiles, type Profile } from '../registry.js';
import type { OrganizationInfo } from '../registry.js';

/** The profiles as choices, each with what it allows. */
function profileOptions(v: ViewContext, except?: Profile): Option[] {
  return profiles.filter((p) => p !== except).map((p) => ({ value: p, label: `${v.t(`registry.profile.${p}`)} — ${v.t(`registry.profile.${p}.hint`)}` }));
}

export function byOn(v: ViewContext, name: string, date: Date): string {
  return v.t('registry.byOn', { name, date: formatDateTime(v.lang, date) });
}

/** A row's header cell: the person (or point) named, with their code (or address) below. */
export function RowHeader({ name, detail }: { name: string; detail: string | null }) {
  return (
    <th scope="row">
      {name}
      <br />
      <small>{detail}</small>
    </th>
  );
}

/** The first columns of both registers, current and history. */
function GrantHeads({ v }: { v: ViewContext }) {
  return (
    <>
      <th scope="col">{v.t('registry.column.person')}</th>
      <th scope="col">{v.t('registry.column.profile')}</th>
      <th scope="col">{v.t('registry.column.servicePoint')}</th>
      <th scope="col">{v.t('registry.column.grantedBy')}</th>
    </>
  );
}

function GrantCells({ v, entry }: { v: ViewContext; entry: RegisterEntry }) {
  return (
    <>
      <RowHeader name={entry.displayName} detail={entry.userCode} />
      <td>{v.t(`registry.profile.${entry.profile}`)}</td>
      <td>{servicePointCell(entry)}</td>
      <td>{byOn(v, entry.grantedByName, entry.grantedAt)}</td>
    </>
  );
}

function RegisterLinks({ v, program }: { v: ViewContext; program: string }) {
  return (
    <nav aria-label={v.t('registry.register.links')}>
      <ul>
        <li>
          <a href={`/aide/${program}/registre`}>{v.t('registry.register.current')}</a>
        </li>
        <li>
          <a href={`/aide/${program}/registre/historique`}>{v.t('registry.register.history')}</a>
        </li>
        <li>
          <a href={`/aide/${program}/registre/mandats`}>{v.t('registry.register.mandates')}</a>
        </li>
        <li>
          <a href={`/aide/${program}/registre.csv`} download>
            {v.t('registry.register.export')}
          </a>
        </li>
      </ul>
    </nav>
  );
}

function Pages({ v, base, page, hasNext }: { v: ViewContext; base: string; page: number; hasNext: boolean }) {
  const previous = page > 1 ? { href: page === 2 ? base : `${base}?page=${page - 1}`, label: v.t('registry.register.previous') } : null;
  const next = hasNext ? { href: `${base}?page=${page + 1}`, label: v.t('registry.register.next') } : null;
  return <Pager label={v.t('registry.register.pages')} previous={previous} next={next} />;
}

function servicePointCell(entry: RegisterEntry): string {
  return entry.servicePointName ? `${entry.servicePointName} (${entry.firmName ?? ''})` : '';
}

const grantLabels = (v: ViewContext) => ({ userCode: v.t('registry.grant.userCode'), profile: v.t('registry.grant.profile') });

/** The register of the organization: grant by user code, then the current profiles by name (seed 004, 8 and 10). */
export function RegisterPage({ v, program, register, form, notice }: { v: ViewContext; program: string; register: CurrentRegister; form: FormState; notice?: string | undefined }) {
  const first = (register.page - 1) * REGISTER_PAGE_SIZE + 1;
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>{v.t('registry.register.intro')}</p>
      <RegisterLinks v={v} program={program} />
      <section aria-labelledby="grant">
        <h2 id="grant">{v.t('registry.grant.title')}</h2>
        <ErrorSummary v={v} errors={form.errors} labels={grantLabels(v)} />
        <Form v={v} action={`/aide/${program}/registre/profils`}>
          <TextField v={v} name="userCode" label={v.t('registry.grant.userCode')} hint={v.t('registry.grant.userCode.hint')} form={form} required autocomplete="off" />
          <ChoiceGroup v={v} name="profile" label={v.t('registry.grant.profile')} form={form} options={profileOptions(v)} required />
          <SubmitButton>{v.t('registry.grant.submit')}</SubmitButton>
        </Form>
      </section>
      <section aria-labelledby="current">
        <h2 id="current">{v.t('registry.register.current')}</h2>
        {register.entries.length === 0 ? (
          <p>{v.t('registry.register.current.none')}</p>
        ) : (
          <>
            <p role="status">{v.t('registry.register.shown', { from: first, to: first + register.entries.length - 1, total: register.total })}</p>
            <table class="registry-table">
              <caption>{v.t('registry.register.current.caption')}</caption>
              <thead>
                <tr>
                  <GrantHeads v={v} />
                  <th scope="col">{v.t('registry.column.status')}</th>
                  <th scope="col">{v.t('registry.column.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {register.entries.map((e) => (
                  <tr key={e.id} data-grant={e.id}>
                    <GrantCells v={v} entry={e} />
                    <td>{e.notEffective ? v.t(`registry.register.notEffective.${e.notEffective}`) : v.t('registry.status.effective')}</td>
                    <td>
                      <a href={`/aide/${program}/registre/profils/${e.id}`} aria-label={v.t('registry.register.changeOf', { name: e.displayName })}>
                        {v.t('registry.register.change')}
                      </a>{' '}
                      ·{' '}
                      <a href={`/aide/${program}/registre/profils/${e.id}/retrait`} aria-label={v.t('registry.register.withdrawOf', { name: e.displayName })}>
                        {v.t('registry.register.withdraw')}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pages v={v} base={`/aide/${program}/registre`} page={register.page} hasNext={register.page < register.pageCount} />
          </>
        )}
      </section>
    </>
  );
}

export function HistoryPage({ v, program, history }: { v: ViewContext; program: string; history: RegisterHistory }) {
  return (
    <>
      <RegisterLinks v={v} program={program} />
      {history.entries.length === 0 ? (
        <p>{v.t('registry.register.history.none')}</p>
      ) : (
        <>
          <table class="registry-table">
            <caption>{v.t('registry.register.history.caption')}</caption>
            <thead>
              <tr>
                <GrantHeads v={v} />
                <th scope="col">{v.t('registry.column.endedBy')}</th>
                <th scope="col">{v.t('registry.column.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {history.entries.map((e) => (
                <tr key={e.id} data-grant={e.id} data-state={e.endedAt ? 'ended' : 'current'}>
                  <GrantCells v={v} entry={e} />
                  <td>{e.endedAt && e.endedByName ? byOn(v, e.endedByName, e.endedAt) : v.t('registry.status.current')}</td>
                  <td>{e.endReason ? v.t(`registry.endReason.${e.endReason}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pages v={v} base={`/aide/${program}/registre/historique`} page={history.page} hasNext={history.hasNext} />
        </>
      )}
    </>
  );
}

export function ChangePage({ v, program, entry, form }: { v: ViewContext; program: string; entry: RegisterEntry; form: FormState }) {
  return (
    <>
      <p>
        {entry.displayName} ({entry.userCode}) — {v.t('registry.change.current', { profile: v.t(`registry.profile.${entry.profile}`) })}
      </p>
      <ErrorSummary v={v} errors={form.errors} labels={{ profile: v.t('registry.change.newProfile') }} />
      <Form v={v} action={`/aide/${program}/registre/profils/${entry.id}`}>
        <ChoiceGroup v={v} name="profile" label={v.t('registry.change.newProfile')} form={form} options={profileOptions(v, entry.profile)} required />
        <SubmitButton>{v.t('registry.change.submit')}</SubmitButton>
      </Form>
      <p>
        <a href={`/aide/${program}/registre/profils/${entry.id}/retrait`}>{v.t('registry.register.withdrawOf', { name: entry.displayName })}</a> ·{' '}
        <a href={`/aide/${program}/registre`}>{v.t('registry.register.back')}</a>
      </p>
    </>
  );
}

/** An irreversible action: the page says what will happen, a button does it, a link backs out. */
export function ConfirmPage({ v, action, message, submit, back }: { v: ViewContext; action: string; message: string; submit: string; back: string }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{message}</p>
      </Notice>
      <Form v={v} action={action}>
        <SubmitButton kind="danger">{submit}</SubmitButton>
      </Form>
      <p>
        <a href={back}>{v.t('registry.cancel')}</a>
      </p>
    </>
  );
}

export function withdrawMessage(v: ViewContext, organization: OrganizationInfo, entry: RegisterEntry): string {
  return v.t('registry.withdraw.confirm', { profile: v.t(`registry.profile.${entry.profile}`), name: entry.displayName, userCode: entry.userCode ?? '', organization: organization.name });
}

function mandateLabel(v: ViewContext, m: MandateEntry): string {
  return v.t(`registry.mandates.state.${m.state}`);
}

/** The firms' mandates: find a firm by NEQ, choose one of its service points, list current and past mandates. */
export function MandatesPage({
  v,
  program,
  mandates,
  firm,
  neqForm,
  mandateForm,
  notice,
}: {
  v: ViewContext;
  program: string;
  mandates: MandateEntry[];
  firm: Firm | null;
  neqForm: FormState;
  mandateForm: FormState;
  notice?: string | undefined;
}) {
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>{v.t('registry.mandates.intro')}</p>
      <RegisterLinks v={v} program={program} />
      <section aria-labelledby="new-mandate">
        <h2 id="new-mandate">{v.t('registry.mandates.new')}</h2>
        <ErrorSummary v={v} errors={neqForm.errors} labels={{ neq: v.t('registry.mandates.neq') }} />
        <form method="get" action={`/aide/${program}/registre/mandats`} novalidate>
          <TextField v={v} name="neq" label={v.t('registry.mandates.neq')} hint={v.t('registry.mandates.neq.hint')} form={neqForm} required inputmode="numeric" />
          <SubmitButton kind="secondary">{v.t('registry.mandates.find')}</SubmitButton>
        </form>
        {firm ? (
          <>
            <h3>{v.t('registry.mandates.firm', { firm: firm.legalName, neq: firm.neq })}</h3>
            <ErrorSummary v={v} errors={mandateForm.errors} labels={{ servicePointId: v.t('registry.mandates.servicePoint'), validUntil: v.t('registry.mandates.validUntil') }} />
            <Form v={v} action={`/aide/${program}/registre/mandats`}>
              <input type="hidden" name="neq" value={firm.neq} />
              <ChoiceGroup
                v={v}
                name="servicePointId"
                label={v.t('registry.mandates.servicePoint')}
                form={mandateForm}
                required
                options={firm.servicePoints.map((p) => ({ value: p.id, label: p.mandated ? v.t('registry.mandates.servicePoint.mandated', { name: p.name, address: p.address }) : `${p.name} — ${p.address}` }))}
              />
              <DateField v={v} name="validUntil" label={v.t('registry.mandates.validUntil')} hint={v.t('registry.mandates.validUntil.hint')} form={mandateForm} />
              <SubmitButton>{v.t('registry.mandates.submit')}</SubmitButton>
            </Form>
          </>
        ) : null}
      </section>
      <section aria-labelledby="mandates">
        <h2 id="mandates">{v.t('registry.mandates.list')}</h2>
        {mandates.length === 0 ? (
          <p>{v.t('registry.mandates.none')}</p>
        ) : (
          <table class="registry-table">
            <caption>{v.t('registry.mandates.list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{v.t('registry.column.servicePoint')}</th>
                <th scope="col">{v.t('registry.column.firm')}</th>
                <th scope="col">{v.t('registry.column.validUntil')}</th>
                <th scope="col">{v.t('registry.column.grantedBy')}</th>
                <th scope="col">{v.t('registry.column.status')}</th>
                <th scope="col">{v.t('registry.column.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {mandates.map((m) => (
                <tr key={m.id} data-mandate={m.id} data-state={m.state}>
                  <RowHeader name={m.servicePointName} detail={m.servicePointAddress} />
                  <td>
                    {m.firmName} ({m.firmNeq})
                  </td>
                  <td>{m.validUntil ? formatLongDate(v.lang, new Date(`${m.validUntil}T12:00:00Z`)) : v.t('registry.status.noEnd')}</td>
                  <td>{byOn(v, m.grantedByName, m.grantedAt)}</td>
                  <td>
                    {mandateLabel(v, m)}
                    {m.endedAt && m.endedByName ? ` — ${byOn(v, m.endedByName, m.endedAt)}` : ''}
                  </td>
                  <td>
                    {m.state === 'revoked' ? null : (
                      <a href={`/aide/${program}/registre/mandats/${m.id}/revocation`} aria-label={v.t('registry.mandates.revokeOf', { servicePoint: m.servicePointName })}>
                        {v.t('registry.mandates.revoke')}
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
