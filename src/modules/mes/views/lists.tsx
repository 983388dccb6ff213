import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import type { ChildListQuery, ChildListRow, ListColumn, ListPage, ListQuery, ListRow, RequestList } from '../lists.js';
import { listColumns } from '../lists.js';
import { mesRequestTypes } from '../program.js';
import type { Site } from '../service.js';
import { isoDay, longDay } from './frame.js';

const columnLabels: Record<ListColumn, MessageKey> = {
  number: 'mes.list.number',
  child: 'mes.list.child',
  installation: 'mes.list.installation',
  submitted: 'mes.list.submitted',
  created: 'mes.list.created',
  updated: 'mes.list.updated',
  state: 'mes.list.state',
  type: 'mes.list.type',
  departure: 'mes.list.departure',
};

const listTitles: Record<RequestList, MessageKey> = {
  'en-cours': 'mes.menu.inProgress',
  brouillons: 'mes.menu.drafts',
  conformes: 'mes.menu.compliant',
  terminees: 'mes.menu.closed',
};

const listIntros: Record<RequestList, MessageKey> = {
  'en-cours': 'mes.list.intro.inProgress',
  brouillons: 'mes.list.intro.drafts',
  conformes: 'mes.list.intro.compliant',
  terminees: 'mes.list.intro.closed',
};

export function listTitle(list: RequestList): MessageKey {
  return listTitles[list];
}

type Params = Record<string, string | number | null>;

/** A list's address with its sort, filters and page: links keep what the person chose. */
function hrefWith(base: string, params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

function queryParams(query: { sort: string; direction: string; page: number; child: string; installationId: string | null; type?: string | null }): Params {
  return { tri: query.sort, ordre: query.direction, page: query.page > 1 ? query.page : null, enfant: query.child, installation: query.installationId, type: query.type ?? null };
}

/** A column header that sorts by it; `aria-sort` tells which column sorts the table. */
function SortHeader({ v, base, params, column, label, sort, direction }: { v: ViewContext; base: string; params: Params; column: string; label: string; sort: string; direction: 'asc' | 'desc' }) {
  const active = sort === column;
  const next = active && direction === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" aria-sort={active ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={hrefWith(base, { ...params, tri: column, ordre: next, page: null })}>
        {label}
        <span class="qc-sr-only">{` ${v.t(next === 'asc' ? 'mes.list.sortAsc' : 'mes.list.sortDesc')}`}</span>
        {active ? <span aria-hidden="true">{direction === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </a>
    </th>
  );
}

function Filters({ v, base, sites, query, withType }: { v: ViewContext; base: string; sites: Site[]; query: { child: string; installationId: string | null; type?: string | null; sort: string; direction: string }; withType: boolean }) {
  return (
    <form method="get" action={base} class="filters" role="search" aria-label={v.t('mes.list.filters')}>
      <input type="hidden" name="tri" value={query.sort} />
      <input type="hidden" name="ordre" value={query.direction} />
      <div class="qc-textfield">
        <label class="qc-label" for="filtre-enfant">
          <span class="qc-label-text">{v.t('mes.list.filter.child')}</span>
        </label>
        <input id="filtre-enfant" name="enfant" type="text" value={query.child} />
      </div>
      <div class="qc-select">
        <label class="qc-label" for="filtre-installation">
          <span class="qc-label-text">{v.t('mes.list.filter.installation')}</span>
        </label>
        <select id="filtre-installation" name="installation">
          <option value="">{v.t('mes.list.filter.all')}</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id} selected={s.id === query.installationId}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {withType ? (
        <div class="qc-select">
          <label class="qc-label" for="filtre-type">
            <span class="qc-label-text">{v.t('mes.list.filter.type')}</span>
          </label>
          <select id="filtre-type" name="type">
            <option value="">{v.t('mes.list.filter.all')}</option>
            {mesRequestTypes.map((type) => (
              <option key={type} value={type} selected={type === query.type}>
                {v.t(`mes.type.${type}`)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div class="qc-button-group">
        <button type="submit" class="qc-button qc-secondary">
          {v.t('mes.list.filter.apply')}
        </button>
      </div>
    </form>
  );
}

function Pages({ v, base, params, page, pages, total }: { v: ViewContext; base: string; params: Params; page: number; pages: number; total: number }) {
  return (
    <nav aria-label={v.t('mes.list.pages')}>
      <p>{v.t('mes.list.count', { total, page, pages })}</p>
      {pages > 1 ? (
        <ul class="pagination">
          {page > 1 ? (
            <li>
              <a href={hrefWith(base, { ...params, page: page - 1 })} rel="prev">
                {v.t('mes.list.previous')}
              </a>
            </li>
          ) : null}
          {page < pages ? (
            <li>
              <a href={hrefWith(base, { ...params, page: page + 1 })} rel="next">
                {v.t('mes.list.next')}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
    </nav>
  );
}

function cell(v: ViewContext, row: ListRow, column: ListColumn) {
  switch (column) {
    case 'number':
      return <a href={`/entreprise/mes/demandes/${row.id}`}>{row.number}</a>;
    case 'child':
      return row.childName;
    case 'installation':
      return row.installationName;
    case 'submitted':
      return isoDay(row.firstSubmittedAt);
    case 'created':
      return isoDay(row.createdAt);
    case 'updated':
      return isoDay(row.changedAt);
    case 'state':
      return row.state === 'commented' ? <strong>{v.t(`requests.state.${row.state}`)}</strong> : v.t(`requests.state.${row.state}`);
    case 'type':
      return v.t(`mes.type.${row.type}`);
    case 'departure':
      return row.departureDate ? longDay(v, row.departureDate) : '';
  }
}

export function RequestListPage({ v, list, page, query, sites }: { v: ViewContext; list: RequestList; page: ListPage<ListRow>; query: ListQuery; sites: Site[] }) {
  const base = `/entreprise/mes/listes/${list}`;
  const params = queryParams(query);
  const columns = listColumns[list];
  return (
    <>
      <p>{v.t(listIntros[list])}</p>
      <Filters v={v} base={base} sites={sites} query={query} withType />
      {page.rows.length === 0 ? (
        <p>{v.t('mes.list.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t(listTitles[list])}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <SortHeader key={column} v={v} base={base} params={params} column={column} label={v.t(columnLabels[column])} sort={query.sort} direction={query.direction} />
              ))}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={row.id}>
                {columns.map((column) =>
                  column === 'number' ? (
                    <th scope="row" key={column}>
                      {cell(v, row, column)}
                    </th>
                  ) : (
                    <td key={column}>{cell(v, row, column)}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pages v={v} base={base} params={params} page={page.page} pages={page.pages} total={page.total} />
    </>
  );
}

export function ChildListPage({ v, page, query, sites, canCreate }: { v: ViewContext; page: ListPage<ChildListRow>; query: ChildListQuery; sites: Site[]; canCreate: boolean }) {
  const base = '/entreprise/mes/enfants';
  const params = queryParams(query);
  return (
    <>
      <p>{v.t('mes.children.intro')}</p>
      <Filters v={v} base={base} sites={sites} query={query} withType={false} />
      {page.rows.length === 0 ? (
        <p>{v.t('mes.children.empty')}</p>
      ) : (
        <table class="data-table">
          <caption>{v.t('mes.menu.children')}</caption>
          <thead>
            <tr>
              <SortHeader v={v} base={base} params={params} column="child" label={v.t('mes.list.child')} sort={query.sort} direction={query.direction} />
              <th scope="col">{v.t('mes.children.birthDate')}</th>
              <SortHeader v={v} base={base} params={params} column="installation" label={v.t('mes.list.installation')} sort={query.sort} direction={query.direction} />
              <th scope="col">{v.t('mes.children.allowanceSince')}</th>
              <th scope="col">{v.t('mes.children.requests')}</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => (
              <tr key={`${row.childId}-${row.installationId}`}>
                <th scope="row">{row.childName}</th>
                <td>{row.birthDate}</td>
                <td>{row.installationName}</td>
                <td>{longDay(v, row.allowanceSince)}</td>
                <td>
                  {row.requests.length === 0 ? (
                    canCreate ? (
                      <a href={`/entreprise/mes/creer/${row.childId}?installation=${row.installationId}`}>{v.t('mes.children.create')}</a>
                    ) : (
                      v.t('mes.children.none')
                    )
                  ) : (
                    <ul class="mes-plain-list">
                      {row.requests.map((r) => (
                        <li key={r.id}>
                          <a href={`/entreprise/mes/demandes/${r.id}`}>{r.number}</a> — {v.t(`mes.type.${r.type}`)} — {v.t(`requests.state.${r.state}`)}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pages v={v} base={base} params={params} page={page.page} pages={page.pages} total={page.total} />
    </>
  );
}
