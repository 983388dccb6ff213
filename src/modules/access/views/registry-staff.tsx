import { ErrorSummary, Form, Notice, SubmitButton, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { ManagedServicePoint, StaffEntry } from '../grants.js';
import { byOn, RowHeader } from './registry-register.js';

/** Seed 004, 12 and 16: the mandatary manager's service point, its staff, attach by user code, detach. */
export function StaffPage({
  v,
  program,
  points,
  point,
  staff,
  form,
  notice,
}: {
  v: ViewContext;
  program: string;
  points: ManagedServicePoint[];
  point: ManagedServicePoint;
  staff: StaffEntry[];
  form: FormState;
  notice?: string | undefined;
}) {
  const current = staff.filter((s) => s.endedAt === null);
  const past = staff.filter((s) => s.endedAt !== null);
  return (
    <>
      {notice ? <Notice v={v} kind="success">{notice}</Notice> : null}
      <p>{v.t('registry.staff.intro')}</p>
      <p>
        {point.name} — {point.address} — {point.firmName} ({point.firmNeq})
      </p>
      {points.length > 1 ? (
        <nav aria-label={v.t('registry.staff.points')}>
          <ul>
            {points.map((p) => (
              <li key={p.id}>
                <a href={`/aide/${program}/point-de-service?point=${p.id}`} aria-current={p.id === point.id ? 'page' : undefined}>
                  {p.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <section aria-labelledby="attach">
        <h2 id="attach">{v.t('registry.staff.attach')}</h2>
        <ErrorSummary v={v} errors={form.errors} labels={{ userCode: v.t('registry.grant.userCode') }} />
        <Form v={v} action={`/aide/${program}/point-de-service/personnel`}>
          <input type="hidden" name="point" value={point.id} />
          <TextField v={v} name="userCode" label={v.t('registry.grant.userCode')} hint={v.t('registry.staff.userCode.hint')} form={form} required autocomplete="off" />
          <SubmitButton>{v.t('registry.staff.submit')}</SubmitButton>
        </Form>
      </section>
      <section aria-labelledby="staff">
        <h2 id="staff">{v.t('registry.staff.current')}</h2>
        {current.length === 0 ? (
          <p>{v.t('registry.staff.none')}</p>
        ) : (
          <table class="registry-table">
            <caption>{v.t('registry.staff.current.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{v.t('registry.column.person')}</th>
                <th scope="col">{v.t('registry.column.attachedBy')}</th>
                <th scope="col">{v.t('registry.column.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {current.map((s) => (
                <tr key={s.id} data-staff={s.id}>
                  <RowHeader name={s.displayName} detail={s.userCode} />
                  <td>{byOn(v, s.attachedByName, s.attachedAt)}</td>
                  <td>
                    <a href={`/aide/${program}/point-de-service/personnel/${s.id}/detachement`} aria-label={v.t('registry.staff.detachOf', { name: s.displayName })}>
                      {v.t('registry.staff.detach')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {past.length > 0 ? (
        <section aria-labelledby="past-staff">
          <h2 id="past-staff">{v.t('registry.staff.past')}</h2>
          <table class="registry-table">
            <caption>{v.t('registry.staff.past.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{v.t('registry.column.person')}</th>
                <th scope="col">{v.t('registry.column.attachedBy')}</th>
                <th scope="col">{v.t('registry.column.endedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {past.map((s) => (
                <tr key={s.id} data-staff={s.id} data-state="ended">
                  <RowHeader name={s.displayName} detail={s.userCode} />
                  <td>{byOn(v, s.attachedByName, s.attachedAt)}</td>
                  <td>{s.endedAt && s.endedByName ? byOn(v, s.endedByName, s.endedAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
