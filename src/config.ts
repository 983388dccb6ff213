import { z } from 'zod';

/**
 * Every setting, read once from the environment. Defaults run locally with no set-up; an invalid
 * value stops start-up with a message naming the variable (see formatConfigError).
 */
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('guichet <ne-pas-repondre@guichet.localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: booleanFlag.default(false),
  COOKIE_SECURE: booleanFlag.optional(),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** The management-software API (modules/api): calls per client and operation, token requests per address, a token's life. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  API_TOKEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  API_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Where the rate-limit counters live instead of the database (shared by every instance). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  AUTH_FAILURE_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(250),
  /** Largest uploaded file, in bytes (10 MiB). */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Default: on, except in production. */
  DEMO_DATA: booleanFlag.optional(),
  /** The public map's background tiles, `{z}/{x}/{y}` (and `{s}`) in the URL; `none`: markers on a blank map. */
  MAP_TILE_URL: z
    .string()
    .regex(/^(none|https?:\/\/[^\s'";]+\{z\}[^\s'";]*)$/, 'must be none or an http(s) URL with {z}, {x} and {y}')
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  /** S3-compatible object storage for the documents' bodies instead of DATA_DIR/files (all five or none but the region). */
  S3_URL: z.url().regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** How long an instance's claim on a mail it is sending holds: after a crash, another instance sends it when the claim expires. */
  OUTBOX_CLAIM_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  /** The bearer token Prometheus sends to read /metrics; without it, /metrics does not exist. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The tiles' attribution, as their licence asks (shown on the map). */
  MAP_TILE_ATTRIBUTION: z.string().min(1).max(300).default('© OpenStreetMap'),
});

export type Config = Omit<z.infer<typeof configSchema>, 'DEMO_DATA'> & {
  DEMO_DATA: boolean;
  /** Where the map's tiles come from, for the Content-Security-Policy's img-src; null without tiles. */
  mapTileSource: string | null;
  /** The secret used for HMAC and encryption keys; generated and kept in DATA_DIR when unset. */
  secret: string;
  cookieSecure: boolean;
  publicUrl: string;
};

/** The names of every setting (environment variable). */
export const configVariables = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

export type ConfigInput = Partial<Record<keyof z.input<typeof configSchema>, string>>;

export class ConfigError extends Error {}

export function formatConfigError(error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  return `Configuration invalide / invalid configuration:\n${lines.join('\n')}`;
}

/** The origin the tiles load from; `{s}` (a subdomain letter) becomes a wildcard. */
export function tileSource(tileUrl: string): string | null {
  if (tileUrl === 'none') return null;
  const url = new URL(tileUrl.replace('{s}', 'subdomain').replace(/\{[a-z]+\}/g, '0'));
  return url.origin.replace('//subdomain.', '//*.');
}

export function parseConfig(
  env: ConfigInput | NodeJS.ProcessEnv,
  resolveSecret: (dataDir: string) => string,
): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape)
      .map((key) => [key, (env as Record<string, string | undefined>)[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) throw new ConfigError(formatConfigError(parsed.error));
  const values = parsed.data;
  // Checked before anything is written or opened: production needs its own secret and real mail.
  const missing = values.NODE_ENV === 'production' ? (['SECRET', 'SMTP_URL'] as const).filter((name) => !values[name]) : [];
  if (missing.length > 0) {
    throw new ConfigError(
      `Configuration invalide / invalid configuration:\n${missing.map((name) => `  ${name}: required in production / obligatoire en production`).join('\n')}`,
    );
  }
  const s3 = ['S3_URL', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
  const s3Missing = s3.some((name) => values[name]) ? s3.filter((name) => !values[name]) : [];
  if (s3Missing.length > 0) {
    throw new ConfigError(
      `Configuration invalide / invalid configuration:\n${s3Missing.map((name) => `  ${name}: required with the other S3_ settings / obligatoire avec les autres réglages S3_`).join('\n')}`,
    );
  }
  const publicUrl = values.PUBLIC_URL ?? `http://localhost:${values.PORT}`;
  return {
    ...values,
    DEMO_DATA: values.DEMO_DATA ?? values.NODE_ENV !== 'production',
    mapTileSource: tileSource(values.MAP_TILE_URL),
    secret: values.SECRET ?? resolveSecret(values.DATA_DIR),
    cookieSecure: values.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
    publicUrl,
  };
}
