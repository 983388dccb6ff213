import { Form, Notice, SelectField, SubmitButton, TextField } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { Site } from '../../childcare/service.js';
import type { Admission } from '../admissions.js';
import type { AdmissionToConfirm, ReminderResult, RsgeRow } from '../bc.js';
import type { FamilyChild } from '../families.js';

export const BC_HREF = '/entreprise/bc';

const yesNo = (v: ViewContext, value: boolean) => v.t(value ? 'portal.yes' : 'portal.no');

/** A count that links somewhere: the screen reader also hears what it counts and for whom (the visible count starts the name). */
function CountLink({ href, count, context }: { href: string; count: number; context: string }) {
  return (
    <a href={href}>
      {count}
      <span class="qc-sr-only">{` — ${context}`}</span>
    </a>
  );
}

export function BcRsgePage({ v, rows, reminded }: { v: ViewContext; rows: RsgeRow[]; reminded: ReminderResult | null }) {
  const notAdhered = rows.filter((r) => !r.adhered).length;
  return (
    <>
      {reminded ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.bcSpace.remind.done', { ...reminded })}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.bcSpace.intro')}</p>
      <ul>
        <li>
          <a href={`${BC_HREF}/admissions`}>{v.t('portal.bcSpace.confirm.title')}</a>
        </li>
        {notAdhered > 0 ? (
          <li>
            <a href={`${BC_HREF}/rappel`}>{v.t('portal.bcSpace.remind')}</a>
          </li>
        ) : null}
      </ul>
      {rows.length === 0 ? (
        <p>{v.t('portal.bcSpace.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.bcSpace.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.bcSpace.rsge')}</th>
              <th scope="col">{v.t('portal.bcSpace.account')}</th>
              <th scope="col">{v.t('portal.bcSpace.adhered')}</th>
              <th scope="col">{v.t('portal.bcSpace.completed')}</th>
              <th scope="col">{v.t('portal.bcSpace.published')}</th>
              <th scope="col">{v.t('portal.bcSpace.delegated')}</th>
              <th scope="col">{v.t('portal.bcSpace.admissions')}</th>
              <th scope="col">{v.t('portal.bcSpace.toConfirm')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.siteId}>
                <th scope="row">
                  {`${r.name} (${r.number})`}
                  {r.remindedAt ? <div class="qc-description">{v.t('portal.bcSpace.reminded', { date: r.remindedAt.toISOString().slice(0, 10) })}</div> : null}
                </th>
                <td>{yesNo(v, r.hasAccount)}</td>
                <td>{yesNo(v, r.adhered)}</td>
                <td>{yesNo(v, r.completed)}</td>
                <td>{yesNo(v, r.published)}</td>
                <td>{yesNo(v, r.delegated)}</td>
                <td>{r.admissions > 0 ? <CountLink href={`${BC_HREF}/rsge/${r.siteId}`} count={r.admissions} context={`${v.t('portal.bcSpace.children')} — ${r.name}`} /> : '0'}</td>
                <td>{r.toConfirm > 0 ? <CountLink href={`${BC_HREF}/admissions?rsge=${r.siteId}`} count={r.toConfirm} context={`${v.t('portal.bcSpace.confirm.title')} — ${r.name}`} /> : '0'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ReminderConfirmPage({ v, count }: { v: ViewContext; count: number }) {
  return (
    <>
      <Notice v={v} kind="warning">
        <p>{v.t('portal.bcSpace.remind.text', { count })}</p>
      </Notice>
      <Form v={v} action={`${BC_HREF}/rappel`}>
        <div class="qc-button-group">
          <a href={BC_HREF} class="qc-button qc-secondary">
            {v.t('portal.family.cancelDelete')}
          </a>
          <button type="submit" class="qc-button qc-primary">
            {v.t('portal.bcSpace.remind.confirm')}
          </button>
        </div>
      </Form>
    </>
  );
}

export function ConfirmAdmissionsPage({ v, rsge, query, found, done }: { v: ViewContext; rsge: RsgeRow[]; query: { rsge: string; enfant: string }; found: AdmissionToConfirm[]; done: boolean }) {
  const form = { values: query, errors: {} };
  return (
    <>
      {done ? (
        <Notice v={v} kind="success">
          <p>{v.t('portal.bcSpace.confirm.done')}</p>
        </Notice>
      ) : null}
      <p>{v.t('portal.bcSpace.confirm.intro')}</p>
      <form method="get" action={`${BC_HREF}/admissions`} role="search">
        <SelectField v={v} name="rsge" label={v.t('portal.bcSpace.confirm.rsge')} form={form} placeholder={v.t('portal.bcSpace.confirm.allRsge')} options={rsge.map((r) => ({ value: r.siteId, label: `${r.name} (${r.number})` }))} />
        <TextField v={v} name="enfant" label={v.t('portal.bcSpace.confirm.child')} form={form} />
        <SubmitButton kind="secondary">{v.t('portal.bcSpace.confirm.search')}</SubmitButton>
      </form>
      {found.length === 0 ? (
        <p>{v.t('portal.bcSpace.confirm.none')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{v.t('portal.bcSpace.rsge')}</th>
              <th scope="col">{v.t('portal.admission.child')}</th>
              <th scope="col">{v.t('portal.admission.plannedStart')}</th>
              <th scope="col">{v.t('portal.admission.state')}</th>
            </tr>
          </thead>
          <tbody>
            {found.map(({ admission, child, site }) => (
              <tr key={admission.id}>
                <td>{`${site.name} (${site.number})`}</td>
                <td>{`${child.firstName} ${child.lastName} (${child.registrationNumber})`}</td>
                <td>{admission.plannedStart}</td>
                <td>
                  <Form v={v} action={`${BC_HREF}/admissions/${admission.id}/confirmer`}>
                    <SubmitButton>{v.t('portal.bcSpace.confirm.button', { child: `${child.firstName} ${child.lastName}` })}</SubmitButton>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={BC_HREF}>{v.t('portal.bcSpace.title')}</a>
      </p>
    </>
  );
}

export function RsgeChildrenPage({ v, site, rows }: { v: ViewContext; site: Site; rows: { admission: Admission; child: FamilyChild }[] }) {
  return (
    <>
      {rows.length === 0 ? (
        <p>{v.t('portal.bcSpace.children.none')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('portal.bcSpace.children.title', { rsge: `${site.name} (${site.number})` })}</caption>
          <thead>
            <tr>
              <th scope="col">{v.t('portal.admission.child')}</th>
              <th scope="col">{v.t('portal.admission.plannedStart')}</th>
              <th scope="col">{v.t('portal.admission.state')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ admission, child }) => (
              <tr key={admission.id}>
                <td>{`${child.firstName} ${child.lastName} (${child.registrationNumber})`}</td>
                <td>{admission.plannedStart}</td>
                <td>{v.t(`portal.admission.state.${admission.state as 'admitted'}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={BC_HREF}>{v.t('portal.bcSpace.title')}</a>
      </p>
    </>
  );
}
