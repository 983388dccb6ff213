import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { databaseRateLimitStore } from './platform/ratelimit/store.js';
import { closeRateLimitRedis, connectRateLimitRedis, redisRateLimitStore } from './platform/ratelimit/redis-store.js';
import { createMetrics } from './platform/metrics/metrics.js';
import { registerMetricsRoute } from './platform/metrics/routes.js';
import fastifyStatic from '@fastify/static';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import './messages.js';
import type { Database } from './platform/db/index.js';
import { anonymous, type Ctx } from './platform/context.js';
import { isLang, negotiateLanguage, type Lang } from './platform/i18n/index.js';
import { checkCsrf } from './platform/http/csrf.js';
import { registerErrorHandling } from './platform/http/errors.js';
import { loggerOptions, type LogStream } from './platform/http/logging.js';
import { registerPlatformRoutes } from './platform/http/routes.js';
import { mailboxTransport, smtpTransport, startOutboxWorker, type MailTransport, type OutboxWorker } from './platform/outbox/worker.js';
import { registerIdentity } from './modules/identity/routes.js';
import { registerHome } from './modules/home/routes.js';
import { registerEnterprises } from './modules/enterprises/routes.js';
import { registerEnterpriseMembers } from './modules/enterprises/members-routes.js';
import { registerAccess } from './modules/access/routes.js';
import { registerDesignations } from './modules/access/designation-routes.js';
import { registerVerification } from './modules/enterprises/verification-routes.js';
import { registerMes } from './modules/mes/routes.js';
import { registerMesReview } from './modules/mes/review-routes.js';
import { mesWorkspace } from './modules/mes/workspace.js';
import { registerRegistry } from './modules/access/registry-routes.js';
import { registerAid } from './modules/aid/routes.js';
import { startInterestReminders } from './modules/portal/jobs.js';
import { registerPortal } from './modules/portal/routes.js';
import { portalWorkspace } from './modules/portal/workspace.js';
import { registerApi } from './modules/api/routes.js';
import { registerApiClients } from './modules/api/routes-clients.js';
import { configuredFileStore, type FileStore } from './platform/files/store.js';
import { gazetteerGeocoder, type Geocoder } from './modules/places/geocoder.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Database['db'];
    outbox: OutboxWorker;
    devMailbox: boolean;
    files: FileStore;
    /** Places typed on the public map; the shipped gazetteer unless AppOptions.geocoder says otherwise. */
    geocoder: Geocoder;
    /** Every route as `METHOD /path`: the authorization tests check their lists against it. */
    routeList: string[];
  }
  interface FastifyRequest {
    ctx: Ctx;
    /** The session cookie's value once signed in (identity sets it); binds the CSRF token. */
    sessionToken: string | null;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
import { LANG_COOKIE_NAME as LANG_COOKIE } from './platform/http/navigation.js';

export type AppOptions = {
  config: Config;
  database: Database;
  /** Tests pass a transport to an in-process SMTP server; default from SMTP_URL or the dev mailbox. */
  mailTransport?: MailTransport;
  outboxIntervalMs?: number;
  /** How often the families' interest reminders run (portal); default hourly. */
  interestIntervalMs?: number;
  /** Tests capture the log lines; default stdout. */
  logStream?: LogStream;
  /** The store of uploaded files; default the local directory DATA_DIR/files. */
  files?: FileStore;
  /** An external geocoder for the map; default the shipped gazetteer (offline). */
  geocoder?: Geocoder;
};

function chooseTransport(config: Config): MailTransport {
  if (config.SMTP_URL) return smtpTransport(config.SMTP_URL, config.MAIL_FROM, new URL(config.publicUrl).hostname);
  if (config.NODE_ENV === 'production') {
    throw new Error('SMTP_URL is required in production / SMTP_URL est obligatoire en production');
  }
  return mailboxTransport;
}

/**
 * Where the rate-limit counters live, so that every instance behind the load balancer sees the same
 * hits: Redis with REDIS_URL (its connection closes with the app), else the database.
 */
function rateLimitStore(app: FastifyInstance, config: Config, database: Database): FastifyRateLimitStoreCtor {
  if (!config.REDIS_URL) return databaseRateLimitStore(database.db, config.secret);
  const redis = connectRateLimitRedis(config.REDIS_URL, app.log);
  app.addHook('onClose', () => closeRateLimitRedis(redis));
  return redisRateLimitStore(redis, config.secret);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, options.logStream),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: config.TRUST_PROXY,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const transport = options.mailTransport ?? chooseTransport(config);
  app.decorate('config', config);
  app.decorate('db', database.db);
  app.decorate('devMailbox', transport === mailboxTransport && config.NODE_ENV !== 'production');
  const metrics = createMetrics(database);
  app.decorate(
    'outbox',
    startOutboxWorker(database.db, transport, app.log, { intervalMs: options.outboxIntervalMs ?? 5000, claimSeconds: config.OUTBOX_CLAIM_SECONDS, onFailure: metrics.jobFailed }),
  );
  app.decorate('files', options.files ?? configuredFileStore(config));
  app.decorate('geocoder', options.geocoder ?? gazetteerGeocoder(database.db));
  const routeList: string[] = [];
  app.decorate('routeList', routeList);
  // The workspace's links from other modules, in the order the page shows them.
  app.decorate('workspaceContributions', [mesWorkspace, portalWorkspace]);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeList.push(`${method} ${route.url}`);
  });
  app.decorateRequest('ctx', null as unknown as Ctx);
  app.decorateRequest('sessionToken', null);
  // Periodic work of the modules runs beside the outbox worker and nudges it when it enqueued mail.
  const interestReminders = startInterestReminders(database.db, app.log, {
    publicUrl: config.publicUrl,
    intervalMs: options.interestIntervalMs ?? 3_600_000,
    afterRun: () => app.outbox.nudge(),
    onFailure: () => metrics.jobFailed('portal.interest_reminders'),
  });
  app.addHook('onClose', async () => {
    await interestReminders.stop();
    await app.outbox.stop();
  });

  await app.register(cookie);
  await app.register(formbody);
  // Uploads stream: one file per form, refused while streaming past UPLOAD_MAX_BYTES (see platform/files).
  await app.register(multipart, {
    limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1, fields: 10, parts: 11 },
    throwFileSizeLimit: false,
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // The map's tiles (MAP_TILE_URL) are the only images from elsewhere.
        imgSrc: ["'self'", 'data:', ...(config.mapTileSource ? [config.mapTileSource] : [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    hsts: config.cookieSecure,
    referrerPolicy: { policy: 'same-origin' },
  });
  // Fail closed (skipOnError: false): when the counters cannot be reached, a limited route (sign-in,
  // MFA, reset, registration, number guesses) answers 503 rather than let guesses through uncounted.
  await app.register(rateLimit, { global: false, skipOnError: false, store: rateLimitStore(app, config, database) });
  await app.register(fastifyStatic, {
    root: path.join(root, 'node_modules/qc-trousse-sdg/dist'),
    prefix: '/static/sdg/',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(root, 'node_modules/leaflet/dist'),
    prefix: '/static/leaflet/',
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(root, 'public'),
    prefix: '/static/',
    decorateReply: false,
    maxAge: '1h',
  });

  app.addHook('onRequest', async (request, reply) => {
    const fromCookie = request.cookies[LANG_COOKIE];
    const lang: Lang = isLang(fromCookie) ? fromCookie : negotiateLanguage(request.headers['accept-language']);
    request.ctx = { actor: anonymous, lang, requestId: String(request.id), ip: request.ip };
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // One line per request, with the route pattern rather than the URL: URLs can carry tokens.
    const route = request.routeOptions.url ?? 'unmatched';
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('preValidation', async (request) => checkCsrf(config.secret, request));

  registerErrorHandling(app);
  await registerIdentity(app);
  registerPlatformRoutes(app, database);
  registerMetricsRoute(app, metrics, config.METRICS_TOKEN);
  registerHome(app);
  registerEnterprises(app);
  registerEnterpriseMembers(app);
  registerAccess(app);
  registerDesignations(app);
  registerVerification(app);
  registerMes(app);
  registerMesReview(app);
  registerRegistry(app);
  registerAid(app);
  registerPortal(app);
  registerApiClients(app);
  registerApi(app);
  return app;
}
