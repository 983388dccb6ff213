import { sql, type SQL } from 'drizzle-orm';
import { catalogue, isClientWithScope, isSignedIn, rowColumn, type RowRule } from '../../platform/authz.js';
import type { Actor } from '../../platform/context.js';
import { holdsRightSql } from '../access/service.js';
import type { ApiScope } from '../api/scopes.js';
import { installation } from '../childcare/schema.js';
import { ifActiveSql, neqsOfSql } from '../enterprises/members.js';

/**
 * What the portal allows on a site (an installation or an RSGE), as SQL on the site's row: the
 * site catalogue, and the site conditions that the thread and agreement catalogues reuse. Rules
 * in the README, « Authorization ».
 */

type PortalRight = 'manage_sheet' | 'manage_reserve';

/**
 * The NEQ of the actor's enterprise when the actor is one of its users holding one of these rights
 * in the portal e-service (`portalEnterprise`'s rule), as a sub-query; `false` for other actors.
 */
export function portalNeqs(actor: Actor, ...rights: PortalRight[]): SQL | false {
  if (!isSignedIn(actor) || actor.accountKind !== 'enterprise') return false;
  const held = rights.map((right) => holdsRightSql(actor.accountId, 'portal', right));
  return neqsOfSql(sql.join(held, sql` union `));
}

/** The NEQ of the enterprise an API client acts for, when its token holds one of these scopes and the enterprise is active (`clientEnterprise`'s rule). */
export function clientNeqs(actor: Actor, ...scopes: ApiScope[]): SQL | false {
  if (!scopes.some((scope) => isClientWithScope(actor, scope)) || actor.type !== 'client') return false;
  return neqsOfSql(ifActiveSql(actor.enterpriseId));
}

/** A condition on the site `i` (installation) and its service `cs`, for the enterprise whose NEQ is in `neqs`. */
export type SiteCondition = (neqs: SQL) => SQL;

const holder = sql`(case when i.kind = 'home_provider' then i.provider_neq else cs.enterprise_neq end)`;

export const siteConditions = {
  /** The enterprise whose users manage the site's sheet: the RSGE's own for an RSGE, else the permit holder (`holderNeqOf`). */
  holds: (neqs) => sql`${holder} in (${neqs})`,
  /** The réserve and its admissions: the holder, or the RSGE's BC when the RSGE authorized it (delegation.ts). */
  managesReserve: (neqs) =>
    sql`(${holder} in (${neqs}) or (i.kind = 'home_provider' and cs.enterprise_neq in (${neqs}) and exists (select 1 from bc_delegation d where d.installation_id = i.id)))`,
  /** The RSGE itself. */
  isRsge: (neqs) => sql`(i.kind = 'home_provider' and i.provider_neq in (${neqs}))`,
  /** The BC that recognizes the RSGE. */
  isBc: (neqs) => sql`(i.kind = 'home_provider' and cs.kind = 'coordinating_office' and cs.enterprise_neq in (${neqs}))`,
  /** Who records service agreements: for an RSGE its BC, never the RSGE itself; for an installation its enterprise. */
  recordsAgreements: (neqs) =>
    sql`(case when i.kind = 'home_provider' then cs.kind = 'coordinating_office' and cs.enterprise_neq in (${neqs}) else cs.enterprise_neq in (${neqs}) end)`,
} satisfies Record<string, SiteCondition>;

/** The site whose id is `siteId` (a column of the row a rule is about) meets the condition. */
export function siteMeets(siteId: SQL, condition: SQL): SQL {
  return sql`exists (select 1 from installation i join childcare_service cs on cs.id = i.service_id where i.id = ${siteId} and ${condition})`;
}

/** A rule on the row whose site is in `siteId`: the actor's enterprise (by `neqsOf`) meets the condition there. */
export function onSite(siteId: SQL, neqsOf: (actor: Actor) => SQL | false, condition: SiteCondition): RowRule {
  return (actor) => {
    const neqs = neqsOf(actor);
    return neqs === false ? false : siteMeets(siteId, condition(neqs));
  };
}

/** Users with « Gérer la réserve et les admissions ». */
export const reserveManagerNeqs = (actor: Actor): SQL | false => portalNeqs(actor, 'manage_reserve');
const sheetManagerNeqs = (actor: Actor): SQL | false => portalNeqs(actor, 'manage_sheet');
function clients(...scopes: ApiScope[]): (actor: Actor) => SQL | false {
  return (actor) => clientNeqs(actor, ...scopes);
}

/**
 * People act with « Gérer la fiche » or « Gérer la réserve et les admissions »; an enterprise's
 * management software (modules/api) within its token's scopes. `site` is the column holding the
 * site's id in the row the rules are about: the site itself, or an agreement's or a thread's site.
 */
export function siteRules(site: SQL) {
  return {
    manageSheet: [onSite(site, sheetManagerNeqs, siteConditions.holds)],
    readReserve: [onSite(site, reserveManagerNeqs, siteConditions.managesReserve), onSite(site, clients('reserve:read'), siteConditions.managesReserve)],
    /** A site's places and the admissions that take them: who admits there, or a client reading admissions. */
    readPlaces: [onSite(site, reserveManagerNeqs, siteConditions.managesReserve), onSite(site, clients('admissions:read'), siteConditions.managesReserve)],
    /** Admitting is part of managing the réserve (people, never a management software). */
    admit: [onSite(site, reserveManagerNeqs, siteConditions.managesReserve)],
    /** « Contacter le parent » from the réserve: managing the réserve. */
    contactParent: [onSite(site, reserveManagerNeqs, siteConditions.managesReserve)],
    /** Only the RSGE's own users grant or withdraw its BC's authorization (delegation.ts). */
    manageDelegation: [onSite(site, reserveManagerNeqs, siteConditions.isRsge)],
    confirmAdmission: [onSite(site, reserveManagerNeqs, siteConditions.isBc), onSite(site, clients('admissions:write'), siteConditions.isBc)],
    /** The children admitted by one of the BC's RSGE (its users only). */
    rsgeAdmissions: [onSite(site, reserveManagerNeqs, siteConditions.isBc)],
    /** The Registre des RSGE: only the BC that recognizes the RSGE changes its record (rsge-registry.ts). */
    keepRegistry: [onSite(site, reserveManagerNeqs, siteConditions.isBc)],
    /** The RSGE and its BC start a thread with each other. */
    writeBcRsge: [onSite(site, reserveManagerNeqs, siteConditions.isRsge), onSite(site, reserveManagerNeqs, siteConditions.isBc)],
    recordAgreement: [onSite(site, reserveManagerNeqs, siteConditions.recordsAgreements), onSite(site, clients('agreements:write'), siteConditions.recordsAgreements)],
    /** An RSGE reads the agreements of its own children; the software that writes agreements reads what it wrote. */
    readAgreements: [
      onSite(site, reserveManagerNeqs, siteConditions.recordsAgreements),
      onSite(site, reserveManagerNeqs, siteConditions.isRsge),
      onSite(site, clients('agreements:read', 'agreements:write'), siteConditions.recordsAgreements),
      onSite(site, clients('agreements:read', 'agreements:write'), siteConditions.isRsge),
    ],
  } satisfies Record<string, readonly RowRule[]>;
}

export const siteActions = catalogue('site', installation, installation.id, siteRules(rowColumn(installation.id)));

export type SiteAction = keyof typeof siteActions.actions;
