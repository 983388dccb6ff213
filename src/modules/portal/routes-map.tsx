import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FieldErrors } from '../../platform/errors.js';
import type { FormValues } from '../../platform/http/forms.js';
import { sendPage, viewContext } from '../../platform/http/render.js';
import { translator, type MessageKey } from '../../platform/i18n/index.js';
import type { GeocodeFailure, Geocoder } from '../places/geocoder.js';
import { parseMapQuery, searchMap, type MapQuery, type MapQueryError, type MapQueryInput } from './map.js';
import { MapPage, type MapPageState, type MapTiles } from './views/map.js';

/** The public map: anyone, signed in or not (seed 003: « il n’est pas nécessaire de se connecter »). */
export const mapRoutes = ['GET /carte', 'GET /carte.json'] as const;

// Every parameter is read as text (or a list, for repeated checkboxes); parseMapQuery judges them.
const queryValue = z.union([z.string(), z.array(z.string())]);
const mapQuerySchema = z.record(z.string(), queryValue);

type SearchOutcome =
  | { ok: true; result: NonNullable<MapPageState['result']> }
  | { ok: false; error: MapQueryError | GeocodeFailure };

function errorKey(error: MapQueryError | GeocodeFailure): MessageKey {
  return `portal.map.error.${error}`;
}

/** The form's values as the URL gave them; lists joined by commas, as ChoiceGroup reads them. */
function formValues(input: MapQueryInput): FormValues {
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : (value ?? '')]));
}

export function registerMapRoutes(app: FastifyInstance, geocoder: Geocoder): void {
  const db = app.db;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tiles: MapTiles = app.config.MAP_TILE_URL === 'none' ? null : { url: app.config.MAP_TILE_URL, attribution: app.config.MAP_TILE_ATTRIBUTION };

  async function run(request: FastifyRequest, input: MapQueryInput): Promise<SearchOutcome> {
    const parsed = parseMapQuery(input);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const query: MapQuery = parsed.query;
    const located = await geocoder.locate(query.place);
    if (!located.ok) return { ok: false, error: located.reason };
    const search = await searchMap(db, request.ctx, located.place, query.radiusKm, query.filters, query.page);
    return { ok: true, result: { search, query, alternatives: located.alternatives } };
  }

  function errorsFor(error: MapQueryError | GeocodeFailure): FieldErrors {
    if (error === 'radius') return { rayon: errorKey(error) };
    // A filter that the form never offers came from an edited link: the list of filters shows it.
    if (error === 'filter') return { type: errorKey(error) };
    return { lieu: errorKey(error) };
  }

  r.get('/carte', { schema: { querystring: mapQuerySchema } }, async (request, reply: FastifyReply) => {
    const input = request.query as MapQueryInput;
    const v = viewContext(request, reply);
    const values = formValues(input);
    if (input.lieu === undefined) {
      return sendPage(reply, v, { title: v.t('portal.map.title') }, <MapPage v={v} state={{ form: { values: { rayon: '5' }, errors: {} }, result: null }} tiles={tiles} />);
    }
    const outcome = await run(request, input);
    const state: MapPageState = outcome.ok ? { form: { values, errors: {} }, result: outcome.result } : { form: { values, errors: errorsFor(outcome.error) }, result: null };
    return sendPage(reply, v, { title: v.t('portal.map.title'), status: outcome.ok ? 200 : 400 }, <MapPage v={v} state={state} tiles={tiles} />);
  });

  r.get('/carte.json', { schema: { querystring: mapQuerySchema } }, async (request, reply) => {
    const outcome = await run(request, request.query as MapQueryInput);
    reply.header('cache-control', 'no-store');
    if (!outcome.ok) {
      const t = translator(request.ctx.lang);
      return reply.status(400).send({ error: { code: outcome.error, message: t(errorKey(outcome.error)) } });
    }
    const { search } = outcome.result;
    return {
      place: search.place,
      radiusKm: search.radiusKm,
      filters: search.filters,
      page: search.page,
      pageCount: search.pageCount,
      total: search.total,
      results: search.entries.map((entry) => ({ ...entry, detailsUrl: `/services/${entry.siteId}` })),
    };
  });
}
