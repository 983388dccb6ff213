import type { ViewContext } from '../../../platform/http/render.js';
import { InboxLink } from '../../portal/views/messaging.js';
import type { EnterpriseInfo, Membership } from '../members.js';

/**
 * An enterprise account's entry point: its enterprise and the pages its role opens. `canUseMes`:
 * the account holds a MES right (`mesActions.use` of src/modules/mes/service.ts); `canManageSheets`:
 * it holds « Gérer la fiche » (`portalActions.listSheets` of src/modules/portal/service.ts);
 * `canManageReserves`: « Gérer la réserve et les admissions » (`familyActions.listReserves`, portal/families.ts);
 * `isCoordinatingOffice`: that right in a BC (`bcActions.workspace`, portal/bc.ts); `unread`: the
 * unread messages of the portal's messaging, null for an account without a portal right.
 */
export function WorkspacePage({
  v,
  enterprise,
  membership,
  canUseMes = false,
  canManageSheets = false,
  canManageReserves = false,
  isCoordinatingOffice = false,
  unread = null,
}: {
  v: ViewContext;
  enterprise: EnterpriseInfo;
  membership: Membership;
  canUseMes?: boolean;
  canManageSheets?: boolean;
  canManageReserves?: boolean;
  isCoordinatingOffice?: boolean;
  unread?: number | null;
}) {
  const rse = membership.role === 'rse' && membership.active;
  return (
    <>
      <dl class="summary">
        <dt>{v.t('workspace.enterprise')}</dt>
        <dd>{`${enterprise.legalName} (NEQ ${enterprise.neq})`}</dd>
        <dt>{v.t('workspace.role')}</dt>
        <dd>{v.t(rse ? 'workspace.role.rse' : 'workspace.role.user')}</dd>
        <dt>{v.t('workspace.enrolment')}</dt>
        <dd>{v.t(enterprise.active ? 'workspace.enrolment.active' : 'workspace.enrolment.pending')}</dd>
      </dl>
      <ul>
        <li>
          <a href="/entreprise/inscription">{v.t('workspace.link.enrolment')}</a>
        </li>
        {rse && enterprise.active ? (
          <>
            <li>
              <a href="/entreprise/services-en-ligne">{v.t('workspace.link.eservices')}</a>
            </li>
            <li>
              <a href="/entreprise/utilisateurs">{v.t('workspace.link.users')}</a>
            </li>
            <li>
              <a href="/entreprise/droits">{v.t('workspace.link.rights')}</a>
            </li>
            <li>
              <a href="/entreprise/api">{v.t('api.clients.title')}</a>
            </li>
          </>
        ) : null}
        {canUseMes ? (
          <li>
            <a href="/entreprise/mes">{v.t('mes.title')}</a>
          </li>
        ) : null}
        {canManageSheets ? (
          <li>
            <a href="/entreprise/fiches">{v.t('portal.workspace.link')}</a>
          </li>
        ) : null}
        {canManageReserves ? (
          <li>
            <a href="/entreprise/reserves">{v.t('portal.reserves.link')}</a>
          </li>
        ) : null}
        {canManageReserves ? (
          <li>
            <a href="/entreprise/ententes">{v.t('portal.agreement.list.title')}</a>
          </li>
        ) : null}
        {isCoordinatingOffice ? (
          <li>
            <a href="/entreprise/bc">{v.t('portal.bcSpace.link')}</a>
          </li>
        ) : null}
        {unread !== null ? (
          <li>
            <InboxLink v={v} unread={unread} />
          </li>
        ) : null}
        <li>
          <a href="/entreprise/mes-droits">{v.t('workspace.link.myRights')}</a>
        </li>
        <li>
          <a href="/aide">{v.t('workspace.link.aid')}</a>
        </li>
      </ul>
    </>
  );
}

export function NoEnterprisePage({ v }: { v: ViewContext }) {
  return (
    <>
      <p>{v.t('workspace.none')}</p>
      <p>
        <a href="/entreprises/inscription">{v.t('enrolment.title')}</a>
      </p>
    </>
  );
}
