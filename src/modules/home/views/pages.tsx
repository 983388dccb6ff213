import type { ViewContext } from '../../../platform/http/render.js';
import type { AgentRole } from '../../identity/agents.js';

export function HomePage({ v }: { v: ViewContext }) {
  return (
    <>
      <p class="qc-font-size-lg">{v.t('home.lead')}</p>
      <ul class="cards">
        <li>
          <h2>{v.t('home.parents.title')}</h2>
          <p>{v.t('home.parents.text')}</p>
          <p>
            <a href="/carte">{v.t('portal.map.link')}</a>
          </p>
          <p>
            <a href={v.actor.type === 'account' ? '/compte' : '/inscription'}>{v.t(v.actor.type === 'account' ? 'home.myAccount' : 'home.parents.action')}</a>
          </p>
        </li>
        <li>
          <h2>{v.t('home.providers.title')}</h2>
          <p>{v.t('home.providers.text')}</p>
          <p>
            <a href="/connexion">{v.t('home.providers.action')}</a>
          </p>
          <p>
            <a href="/entreprises/inscription">{v.t('home.providers.enrol')}</a>
          </p>
        </li>
        <li>
          <h2>{v.t('home.agents.title')}</h2>
          <p>{v.t('home.agents.text')}</p>
          <p>
            <a href="/connexion">{v.t('home.agents.action')}</a>
          </p>
        </li>
      </ul>
    </>
  );
}

export function AccessibilityPage({ v }: { v: ViewContext }) {
  return <p>{v.t('accessibility.text')}</p>;
}

export function PrivacyPage({ v }: { v: ViewContext }) {
  return (
    <>
      <p>{v.t('privacy.text')}</p>
      <p>{v.t('privacy.cookies')}</p>
    </>
  );
}

/** The agents' entry point: the queues and registers of every module. */
export function AgentHomePage({ v, roles }: { v: ViewContext; roles: readonly AgentRole[] }) {
  if (roles.length === 0) return <p>{v.t('agentHome.noRole')}</p>;
  const holds = (role: AgentRole) => roles.includes(role);
  return (
    <>
      <p>{v.t('agentHome.roles', { roles: roles.map((role) => v.t(`agentHome.role.${role}`)).join(', ') })}</p>
      <ul>
        {holds('registry') && (
          <li>
            <a href="/agent/inscriptions">{v.t('agentHome.enrolments')}</a>
          </li>
        )}
        {holds('famille') && (
          <li>
            <a href="/agent/mes">{v.t('agentHome.mes')}</a>
          </li>
        )}
        {holds('famille') && (
          <li>
            <a href="/agent/annonces/nouvelle">{v.t('portal.message.announce.link')}</a>
          </li>
        )}
        {holds('famille') && (
          <li>
            <a href="/agent/criteres">{v.t('agentHome.criteria')}</a>
          </li>
        )}
        {(holds('famille') || holds('mamh')) && (
          <li>
            <a href="/agent/services-en-ligne">{v.t('agentHome.eservices')}</a>
          </li>
        )}
        {holds('support') && (
          <li>
            <a href="/agent/registre">{v.t('agentHome.registry')}</a>
          </li>
        )}
        {holds('mamh') && (
          <li>
            <a href="/agent/aide">{v.t('agentHome.aid')}</a>
          </li>
        )}
        {holds('registry') && (
          <li>
            <a href="/agent/lettres">{v.t('letters.title')}</a>
          </li>
        )}
        <li>
          <a href="/agent/journal">{v.t('audit.title')}</a>
        </li>
      </ul>
    </>
  );
}
