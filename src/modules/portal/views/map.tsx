import { ChoiceGroup, ErrorSummary, Pager, SelectField, TextField, type FormState } from '../../../platform/http/components.js';
import type { ViewContext } from '../../../platform/http/render.js';
import type { MessageKey } from '../../../platform/i18n/index.js';
import { ageGroups, MAP_PAGE_SIZE, mapKinds, mapQueryString, type MapEntry, type MapQuery, type MapSearch } from '../map.js';
import { carePeriods, sheetLanguages, weekdays } from '../service.js';

export type MapTiles = { url: string; attribution: string } | null;

export type MapPageState = {
  /** The form as the URL gave it (lists joined by commas, as ChoiceGroup reads them). */
  form: FormState;
  /** The search and the words that found other places, when the URL asked for one that could be run. */
  result: { search: MapSearch; query: MapQuery; alternatives: string[] } | null;
};

/**
 * The public map: a GET form (a search is a link that can be shared), the list of results nearest
 * first, and a map of the same results drawn by public/map.js with Leaflet. Without JavaScript the
 * map stays hidden and the list is the page.
 */
export function MapPage({ v, state, tiles }: { v: ViewContext; state: MapPageState; tiles: MapTiles }) {
  const { form, result } = state;
  return (
    <>
      <link rel="stylesheet" href="/static/leaflet/leaflet.css" />
      <link rel="stylesheet" href="/static/map.css" />
      <script src="/static/leaflet/leaflet.js" defer />
      <script src="/static/map.js" defer />
      <p>{v.t('portal.map.intro')}</p>
      <ErrorSummary v={v} errors={form.errors} labels={{ lieu: v.t('portal.map.place'), rayon: v.t('portal.map.radius') }} />
      <SearchForm v={v} form={form} />
      {result ? <Results v={v} search={result.search} query={result.query} alternatives={result.alternatives} tiles={tiles} /> : null}
    </>
  );
}

function SearchForm({ v, form }: { v: ViewContext; form: FormState }) {
  const option = (prefix: string) => (value: string) => ({ value, label: v.t(`${prefix}.${value}` as MessageKey) });
  return (
    <form method="get" action="/carte" class="map-search" novalidate>
      <TextField v={v} name="lieu" label={v.t('portal.map.place')} hint={v.t('portal.map.place.hint')} form={form} required autocomplete="street-address" />
      <TextField v={v} name="rayon" label={v.t('portal.map.radius')} hint={v.t('portal.map.radius.hint')} form={form} inputmode="numeric" />
      <details class="map-filters" open={hasFilters(form)}>
        <summary>{v.t('portal.map.filters')}</summary>
        <ChoiceGroup v={v} name="type" label={v.t('portal.map.kind')} form={form} multiple options={mapKinds.map(option('portal.map.kind'))} />
        <ChoiceGroup
          v={v}
          name="subventionne"
          label={v.t('portal.map.subsidized')}
          form={form}
          options={[
            { value: '', label: v.t('portal.map.subsidized.any') },
            { value: 'oui', label: v.t('portal.map.subsidized.yes') },
            { value: 'non', label: v.t('portal.map.subsidized.no') },
          ]}
        />
        <SelectField v={v} name="age" label={v.t('portal.map.age')} form={form} placeholder={v.t('portal.map.age.any')} options={ageGroups.map(option('portal.map.age'))} />
        <ChoiceGroup v={v} name="jours" label={v.t('portal.map.days')} form={form} multiple options={weekdays.map(option('portal.day'))} />
        <ChoiceGroup v={v} name="periodes" label={v.t('portal.map.periods')} form={form} multiple options={carePeriods.map(option('portal.period'))} />
        <SelectField v={v} name="langue" label={v.t('portal.map.language')} form={form} placeholder={v.t('portal.map.language.any')} options={sheetLanguages.map(option('portal.language'))} />
      </details>
      <div class="qc-button-group">
        <button type="submit" class="qc-button qc-primary">
          {v.t('portal.map.search')}
        </button>
      </div>
    </form>
  );
}

function hasFilters(form: FormState): boolean {
  return ['type', 'subventionne', 'age', 'jours', 'periodes', 'langue'].some((name) => (form.values[name] ?? '') !== '');
}

function countText(v: ViewContext, search: MapSearch): string {
  const radius = search.radiusKm;
  if (search.total === 0) return v.t('portal.map.count.none', { radius });
  return search.total === 1 ? v.t('portal.map.count.one', { radius }) : v.t('portal.map.count.many', { count: search.total, radius });
}

function Results({ v, search, query, alternatives, tiles }: { v: ViewContext; search: MapSearch; query: MapQuery; alternatives: string[]; tiles: MapTiles }) {
  const shareHref = `/carte?${mapQueryString(query, 1)}`;
  return (
    <section class="map-results" aria-labelledby="map-results-title">
      <h2 id="map-results-title">{v.t('portal.map.centre', { place: search.place.label })}</h2>
      <p>{v.t(`portal.map.centre.${search.place.precision}`, { place: search.place.label })}</p>
      {alternatives.length > 0 ? (
        <p>
          {v.t('portal.map.alternatives')}{' '}
          {alternatives.map((name, index) => (
            <>
              {index > 0 ? ', ' : ''}
              <a href={`/carte?${mapQueryString({ ...query, place: name }, 1)}`}>{name}</a>
            </>
          ))}
        </p>
      ) : null}
      <p role="status">{countText(v, search)}</p>
      <div class="map-layout">
        <div
          id="map"
          class="map-canvas"
          hidden
          role="region"
          aria-label={v.t('portal.map.map')}
          data-latitude={String(search.place.latitude)}
          data-longitude={String(search.place.longitude)}
          data-radius-km={String(search.radiusKm)}
          data-tiles={tiles?.url ?? ''}
          data-attribution={tiles?.attribution ?? ''}
          data-tiles-failed={v.t('portal.map.tilesFailed')}
          data-show-label={v.t('portal.map.showOnMap')}
        />
        <div>
          <h3 class="map-list-title">{v.t('portal.map.results')}</h3>
          <p class="map-hint" hidden>
            {v.t('portal.map.map.hint')}
          </p>
          <ol class="map-list" start={(search.page - 1) * MAP_PAGE_SIZE + 1}>
            {search.entries.map((entry) => (
              <ResultItem v={v} entry={entry} key={entry.siteId} />
            ))}
          </ol>
          <Pagination v={v} search={search} query={query} />
          <p>
            <a href={shareHref}>{v.t('portal.map.share')}</a>
          </p>
          <p class="map-sources">{v.t('portal.map.sources')}</p>
        </div>
      </div>
    </section>
  );
}

function entryLabel(v: ViewContext, entry: MapEntry): string {
  return entry.name ?? v.t('portal.map.unnamedHome');
}

function ResultItem({ v, entry }: { v: ViewContext; entry: MapEntry }) {
  const label = entryLabel(v, entry);
  const days = entry.openingDays.map((d) => v.t(`portal.day.${d}`)).join(', ');
  return (
    <li class="map-entry" data-site={entry.siteId} data-latitude={String(entry.position.latitude)} data-longitude={String(entry.position.longitude)} data-label={label}>
      <h4>{label}</h4>
      <p>
        {v.t(`portal.map.kind.${entry.kind}`)} — {v.t('portal.map.distance', { distance: v.lang === 'fr' ? String(entry.distanceKm).replace('.', ',') : String(entry.distanceKm) })}
      </p>
      <p>{entry.address ? `${entry.address.street}, ${entry.municipality} ${entry.address.postalCode}` : `${entry.municipality} — ${v.t('portal.map.approximate')}`}</p>
      {entry.published ? (
        entry.opensAt && entry.closesAt ? <p>{v.t('portal.map.hours', { days, opens: entry.opensAt, closes: entry.closesAt })}</p> : null
      ) : (
        <p class="map-not-published">{v.t('portal.map.notPublished')}</p>
      )}
      {entry.places ? <p>{v.t('portal.public.placesValue', { total: entry.places.total, under18: entry.places.under18Months })}</p> : null}
      <p>
        <a href={`/services/${entry.siteId}`} class="map-details">
          {v.t('portal.map.details')}
          <span class="qc-sr-only"> — {label}</span>
        </a>
      </p>
    </li>
  );
}

function Pagination({ v, search, query }: { v: ViewContext; search: MapSearch; query: MapQuery }) {
  const previous = search.page > 1 ? { href: `/carte?${mapQueryString(query, search.page - 1)}`, label: v.t('portal.map.previous') } : null;
  const next = search.page < search.pageCount ? { href: `/carte?${mapQueryString(query, search.page + 1)}`, label: v.t('portal.map.next') } : null;
  return (
    <Pager label={v.t('portal.map.pagination')} previous={previous} next={next}>
      <p>{v.t('portal.map.page', { page: search.page, pages: search.pageCount })}</p>
    </Pager>
  );
}
