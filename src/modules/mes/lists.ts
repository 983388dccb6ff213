import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { authorize } from '../../platform/authz.js';
import type { Ctx } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { todayInQuebec } from '../childcare/dates.js';
import { child, installation } from '../childcare/schema.js';
import { request } from '../requests/schema.js';
import type { RequestRow } from '../requests/service.js';
import { MES_PROGRAM_ID, isMesRequestType, type MesRequestType } from './program.js';
import { mesRequest } from './schema.js';
import { mesActions } from './service.js';

/**
 * The enterprise's lists (seed 001: « Demandes en cours », « Demandes brouillons », « Demandes
 * conformes », « Demandes terminées », « Liste des enfants »). Each is one SQL query joining the
 * engine's `request` rows (read, never written here), the MES rows, the child and the site, with
 * sorting by each column, filters and pages of 50.
 */
export const LIST_PAGE_SIZE = 50;

export const requestLists = ['en-cours', 'brouillons', 'conformes', 'terminees'] as const;
export type RequestList = (typeof requestLists)[number];

export const listStates: Record<RequestList, RequestRow['state'][]> = {
  'en-cours': ['submitted', 'commented'],
  brouillons: ['draft'],
  conformes: ['compliant'],
  terminees: ['closed'],
};

export type ListColumn = 'number' | 'child' | 'installation' | 'submitted' | 'created' | 'updated' | 'state' | 'type' | 'departure';

/** The seed's columns of each list, in its order. */
export const listColumns: Record<RequestList, readonly ListColumn[]> = {
  'en-cours': ['number', 'child', 'installation', 'submitted', 'updated', 'state'],
  brouillons: ['number', 'child', 'installation', 'created', 'updated', 'type'],
  conformes: ['number', 'child', 'installation', 'submitted', 'updated', 'type'],
  terminees: ['number', 'child', 'installation', 'submitted', 'updated', 'type', 'departure'],
};

export type ListQuery = {
  sort: ListColumn;
  direction: 'asc' | 'desc';
  page: number;
  /** Part of the child's name. */
  child: string;
  installationId: string | null;
  type: MesRequestType | null;
};

export type ListRow = {
  id: string;
  number: string;
  state: RequestRow['state'];
  createdAt: Date;
  changedAt: Date;
  firstSubmittedAt: Date | null;
  type: MesRequestType;
  departureDate: string | null;
  childName: string;
  installationName: string;
};

export type ListPage<T> = { rows: T[]; total: number; page: number; pages: number };

/**
 * What each column sorts by. A number's sequence is padded to 3 digits and grows past 999, so
 * numbers sort by length first: 2026-11-999 before 2026-11-1000.
 */
const sortColumns: Record<ListColumn, SQL[]> = {
  number: [sql`length(${request.number})`, sql`${request.number}`],
  child: [sql`${child.lastName} || ' ' || ${child.firstName}`],
  installation: [sql`${installation.name}`],
  submitted: [sql`${request.firstSubmittedAt}`],
  created: [sql`${request.createdAt}`],
  updated: [sql`${request.changedAt}`],
  state: [sql`${request.state}`],
  type: [sql`${mesRequest.type}`],
  departure: [sql`${mesRequest.departureDate}`],
};

/** `%` and `_` typed in a filter are letters, not wildcards. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function childNameMatches(text: string): SQL | undefined {
  const pattern = containing(text.trim());
  return or(ilike(sql`${child.lastName} || ' ' || ${child.firstName}`, pattern), ilike(sql`${child.firstName} || ' ' || ${child.lastName}`, pattern));
}

/**
 * One page of a list in three small queries rather than one large one: the page's ids (joining the
 * child or the site only when the sort or the filter needs them), the count, then the rows of
 * those 50 ids. Sorting all of an enterprise's joined requests to show 50 costs far more.
 */
export async function requestList(db: Db, ctx: Ctx, enterpriseId: string, list: RequestList, query: ListQuery): Promise<ListPage<ListRow>> {
  await authorize(db, ctx.actor, mesActions.use, { enterpriseId });
  const order = sortColumns[query.sort].map((column) => (query.direction === 'asc' ? asc(column) : desc(column)));
  const filters = and(
    eq(request.enterpriseId, enterpriseId),
    eq(request.program, MES_PROGRAM_ID),
    inArray(request.state, listStates[list]),
    query.child.trim() ? childNameMatches(query.child) : undefined,
    query.installationId ? eq(mesRequest.installationId, query.installationId) : undefined,
    query.type ? eq(mesRequest.type, query.type) : undefined,
  );
  // Every MES request has its MES row: join it (and the child, the site) only when a filter or the sort reads them.
  const filterChild = query.child.trim() !== '';
  const withChild = filterChild || query.sort === 'child';
  const withSite = query.sort === 'installation';
  const filterMes = filterChild || query.installationId !== null || query.type !== null;
  const withMes = filterMes || withChild || withSite || query.sort === 'type' || query.sort === 'departure';
  let pageQuery = db.select({ id: request.id }).from(request).$dynamic();
  if (withMes) pageQuery = pageQuery.innerJoin(mesRequest, eq(mesRequest.requestId, request.id));
  if (withChild) pageQuery = pageQuery.innerJoin(child, eq(child.id, mesRequest.childId));
  if (withSite) pageQuery = pageQuery.innerJoin(installation, eq(installation.id, mesRequest.installationId));
  let countQuery = db.select({ total: count() }).from(request).$dynamic();
  if (filterMes) countQuery = countQuery.innerJoin(mesRequest, eq(mesRequest.requestId, request.id));
  if (filterChild) countQuery = countQuery.innerJoin(child, eq(child.id, mesRequest.childId));
  const [ids, [counted]] = await Promise.all([
    pageQuery
      .where(filters)
      .orderBy(...order, ...sortColumns.number.map((column) => asc(column)))
      .limit(LIST_PAGE_SIZE)
      .offset((query.page - 1) * LIST_PAGE_SIZE),
    countQuery.where(filters),
  ]);
  const total = counted?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
  if (ids.length === 0) return { rows: [], total, page: query.page, pages };
  const rows = await db
    .select({
      id: request.id,
      number: request.number,
      state: request.state,
      createdAt: request.createdAt,
      changedAt: request.changedAt,
      firstSubmittedAt: request.firstSubmittedAt,
      type: mesRequest.type,
      departureDate: mesRequest.departureDate,
      childName: sql<string>`${child.firstName} || ' ' || ${child.lastName}`,
      installationName: installation.name,
    })
    .from(request)
    .innerJoin(mesRequest, eq(mesRequest.requestId, request.id))
    .innerJoin(child, eq(child.id, mesRequest.childId))
    .innerJoin(installation, eq(installation.id, mesRequest.installationId))
    // Filtered on the MES row's key: the planner then looks up 50 rows instead of scanning them all.
    .where(inArray(mesRequest.requestId, ids.map((row) => row.id)));
  const position = new Map(ids.map((row, index) => [row.id, index]));
  rows.sort((x, y) => (position.get(x.id) ?? 0) - (position.get(y.id) ?? 0));
  return { rows, total, page: query.page, pages };
}

export type ChildListRow = {
  childId: string;
  childName: string;
  birthDate: string;
  installationId: string;
  installationName: string;
  allowanceSince: string;
  requests: { id: string; number: string; state: RequestRow['state']; type: MesRequestType }[];
};

type RawChildRow = {
  child_id: string;
  child_name: string;
  birth_date: string;
  installation_id: string;
  installation_name: string;
  allowance_since: string;
  /** json_agg: both drivers parse json into objects. */
  requests: { id: string; number: string; state: RequestRow['state']; type: string }[];
  total: string | number;
};

export type ChildListQuery = { sort: 'child' | 'installation'; direction: 'asc' | 'desc'; page: number; child: string; installationId: string | null };

/**
 * « Liste des enfants »: the children who have the AIEH today at one of the enterprise's sites,
 * each with the MES requests made for them there.
 */
export async function childList(db: Db, ctx: Ctx, enterpriseId: string, neq: string, query: ChildListQuery): Promise<ListPage<ChildListRow>> {
  await authorize(db, ctx.actor, mesActions.use, { enterpriseId });
  const today = todayInQuebec();
  const direction = query.direction === 'asc' ? sql`asc` : sql`desc`;
  const order = query.sort === 'installation' ? sql`i.name ${direction}, c.last_name, c.first_name` : sql`c.last_name ${direction}, c.first_name ${direction}, i.name`;
  const nameFilter = query.child.trim()
    ? sql`and (c.last_name || ' ' || c.first_name ilike ${containing(query.child.trim())} or c.first_name || ' ' || c.last_name ilike ${containing(query.child.trim())})`
    : sql``;
  const siteFilter = query.installationId ? sql`and i.id = ${query.installationId}` : sql``;
  const rows = await queryRows<RawChildRow>(
    db,
    sql`select c.id as child_id, c.first_name || ' ' || c.last_name as child_name, c.birth_date::text as birth_date,
          i.id as installation_id, i.name as installation_name, min(a.start_date)::text as allowance_since,
          coalesce((select json_agg(json_build_object('id', r.id, 'number', r.number, 'state', r.state, 'type', m.type) order by r.created_at desc)
                      from mes_request m join request r on r.id = m.request_id
                     where m.child_id = c.id and m.installation_id = i.id and r.enterprise_id = ${enterpriseId}), '[]'::json) as requests,
          count(*) over () as total
        from integration_allowance a
        join installation i on i.id = a.installation_id
        join childcare_service s on s.id = i.service_id
        join child c on c.id = a.child_id
       where s.enterprise_neq = ${neq} and a.start_date <= ${today} and (a.end_date is null or a.end_date >= ${today}) ${nameFilter} ${siteFilter}
       group by c.id, i.id
       order by ${order}
       limit ${LIST_PAGE_SIZE} offset ${(query.page - 1) * LIST_PAGE_SIZE}`,
  );
  const total = Number(rows[0]?.total ?? 0);
  return {
    rows: rows.map((row) => ({
      childId: row.child_id,
      childName: row.child_name,
      birthDate: row.birth_date,
      installationId: row.installation_id,
      installationName: row.installation_name,
      allowanceSince: row.allowance_since,
      requests: row.requests.flatMap((r) => (isMesRequestType(r.type) ? [{ id: r.id, number: r.number, state: r.state, type: r.type }] : [])),
    })),
    total,
    page: query.page,
    pages: Math.max(1, Math.ceil(total / LIST_PAGE_SIZE)),
  };
}
