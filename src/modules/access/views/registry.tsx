import { Notice } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import { formatDateTime, formatLongDate } from '../../../platform/i18n/format.js';
import type { OwnAccess, ReceivedGrant } from '../grants.js';
import type { RegistryProgram } from '../registry.js';

/** The program's name in the reader's language. */
export function programName(v: ViewContext, program: RegistryProgram): string {
  return v.lang === 'fr' ? program.nameFr : program.nameEn;
}

export function ProgramsPage({ v, programs }: { v: ViewContext; programs: RegistryProgram[] }) {
  return (
    <>
      <p>{v.t('registry.programs.intro')}</p>
      {programs.length === 0 ? (
        <p>{v.t('registry.programs.none')}</p>
      ) : (
        <ul>
          {programs.map((p) => (
            <li key={p.code}>
              <a href={`/aide/${p.code}`}>{programName(v, p)}</a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The functions, attachments and service points the person holds, each with its date. */
function HeldFunctions({ v, own }: { v: ViewContext; own: OwnAccess }) {
  const since = (date: Date) => v.t('registry.function.since', { date: formatLongDate(v.lang, date) });
  const items = [
    ...own.functions.map((f) => ({ key: `f-${f.organizationId}`, text: v.t(`registry.function.${f.function}`, { organization: f.organizationName }), since: f.since })),
    ...own.managedServicePoints.map((p) => ({ key: `m-${p.servicePointId}`, text: v.t('registry.function.mandataryManager', { servicePoint: p.servicePointName, firm: p.firmName }), since: p.since })),
    ...(own.attachment ? [{ key: 'attachment', text: v.t('registry.function.attachment', { servicePoint: own.attachment.servicePointName, firm: own.attachment.firmName }), since: own.attachment.since }] : []),
  ];
  if (items.length === 0) return <p>{v.t('registry.mine.functions.none')}</p>;
  return (
    <ul>
      {items.map((item) => (
        <li key={item.key} data-function={item.key}>
          {item.text} ({since(item.since)})
        </li>
      ))}
    </ul>
  );
}

function EffectiveList({ v, own }: { v: ViewContext; own: OwnAccess }) {
  if (own.effective.length === 0) return <p data-effective="none">{v.t('registry.mine.effective.none')}</p>;
  return (
    <ul>
      {own.effective.map((access) => (
        <li key={access.id} data-effective={access.id} data-profile={access.profile}>
          {v.t('registry.mine.effective.item', { organization: access.name, profile: v.t(`registry.profile.${access.profile}`) })}
        </li>
      ))}
    </ul>
  );
}

/**
 * The person's hub in a program: what they hold, that a function alone opens no file (seed 004, 1
 * and 2), and the pages their functions and profiles open.
 */
export function HubPage({ v, own }: { v: ViewContext; own: OwnAccess }) {
  const code = own.program.code;
  const isManager = own.functions.some((f) => f.function === 'local_manager' && f.organizationId === own.organization?.id);
  const managesRegister = own.functions.some((f) => f.organizationId === own.organization?.id);
  const holdsFunction = own.functions.length > 0 || own.managedServicePoints.length > 0;
  return (
    <>
      <h2>{v.t('registry.hub.held')}</h2>
      <HeldFunctions v={v} own={own} />
      <EffectiveList v={v} own={own} />
      {holdsFunction ? <Notice v={v} kind="information">{v.t('registry.hub.functionNotice')}</Notice> : <p>{v.t('registry.hub.functionNotice')}</p>}
      <h2>{v.t('registry.hub.actions')}</h2>
      <ul>
        {own.effective.length > 0 ? (
          <li>
            <a href={`/aide/${code}/demandes`}>{v.t('registry.hub.requests')}</a>
          </li>
        ) : null}
        {managesRegister && own.organization ? (
          <li>
            <a href={`/aide/${code}/registre`}>{v.t('registry.hub.register', { organization: own.organization.name })}</a>
          </li>
        ) : null}
        {isManager ? (
          <li>
            <a href={`/aide/${code}/adjoints`}>{v.t('registry.hub.deputies')}</a>
          </li>
        ) : null}
        {own.managedServicePoints.map((p) => (
          <li key={p.servicePointId}>
            <a href={`/aide/${code}/point-de-service?point=${p.servicePointId}`}>{v.t('registry.hub.staff', { servicePoint: p.servicePointName })}</a>
          </li>
        ))}
        <li>
          <a href={`/aide/${code}/mes-acces`}>{v.t('registry.hub.myAccess')}</a>
        </li>
        <li>
          <a href={`/aide/${code}/designation`}>{v.t('registry.hub.designation')}</a>
        </li>
        <li>
          <a href={`/aide/${code}/remplacement`}>{v.t('registry.hub.replacement')}</a>
        </li>
      </ul>
      {own.organization ? null : <p>{v.t('registry.hub.noOrganization')}</p>}
    </>
  );
}

function grantStatus(v: ViewContext, grant: ReceivedGrant): string {
  if (grant.endedAt) return `${v.t('registry.status.ended')} — ${grant.endReason ? v.t(`registry.endReason.${grant.endReason}`) : ''}`;
  return grant.notEffective ? v.t(`registry.notEffective.${grant.notEffective}`) : v.t('registry.status.current');
}

/** Issue 6, item 6: everything the person holds, and every grant received, with who and when. */
export function MyAccessPage({ v, own }: { v: ViewContext; own: OwnAccess }) {
  const byOn = (name: string, date: Date) => v.t('registry.byOn', { name, date: formatDateTime(v.lang, date) });
  return (
    <>
      <section aria-labelledby="effective">
        <h2 id="effective">{v.t('registry.mine.effective')}</h2>
        <EffectiveList v={v} own={own} />
      </section>
      <section aria-labelledby="grants">
        <h2 id="grants">{v.t('registry.mine.grants')}</h2>
        {own.grants.length === 0 ? (
          <p>{v.t('registry.mine.grants.none')}</p>
        ) : (
          <table class="registry-table">
            <caption>{v.t('registry.mine.grants.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{v.t('registry.column.organization')}</th>
                <th scope="col">{v.t('registry.column.profile')}</th>
                <th scope="col">{v.t('registry.column.servicePoint')}</th>
                <th scope="col">{v.t('registry.column.grantedBy')}</th>
                <th scope="col">{v.t('registry.column.endedBy')}</th>
                <th scope="col">{v.t('registry.column.status')}</th>
              </tr>
            </thead>
            <tbody>
              {own.grants.map((g) => (
                <tr key={g.id} data-grant={g.id} data-state={g.endedAt ? 'ended' : g.notEffective ? 'not-effective' : 'effective'}>
                  <th scope="row">{g.organizationName}</th>
                  <td>{v.t(`registry.profile.${g.profile}`)}</td>
                  <td>{g.servicePointName ? `${g.servicePointName} (${g.firmName ?? ''})` : ''}</td>
                  <td>{byOn(g.grantedByName, g.grantedAt)}</td>
                  <td>{g.endedAt && g.endedByName ? byOn(g.endedByName, g.endedAt) : ''}</td>
                  <td>{grantStatus(v, g)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="functions">
        <h2 id="functions">{v.t('registry.mine.functions')}</h2>
        <HeldFunctions v={v} own={own} />
        <p>{v.t('registry.hub.functionNotice')}</p>
      </section>
      <p>
        <a href={`/aide/${own.program.code}`}>{programName(v, own.program)}</a>
      </p>
    </>
  );
}
