import type { ViewContext } from '../../../platform/http/render.js';
import type { WorkspaceLink } from '../../../platform/http/workspace.js';
import type { EnterpriseInfo, Membership } from '../members.js';

/**
 * An enterprise account's entry point: its enterprise and the pages its role opens. `links`: the
 * other modules' links (mes, portal), which each module decides with its own rules
 * (platform/http/workspace.ts), drawn after the RSE's pages.
 */
export function WorkspacePage({ v, enterprise, membership, links }: { v: ViewContext; enterprise: EnterpriseInfo; membership: Membership; links: WorkspaceLink[] }) {
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
        {links.map((link) => (
          <li>
            <a href={link.href}>{v.t(link.label, link.params)}</a>
          </li>
        ))}
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
