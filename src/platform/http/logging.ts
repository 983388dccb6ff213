import type { FastifyServerOptions } from 'fastify';

/** Where log lines go instead of stdout (tests capture them to check that nothing personal is logged). */
export type LogStream = { write(line: string): void };

/**
 * JSON logs, one line per request (see app.ts). Nothing personal: no URL query strings, no
 * headers, no bodies, no IP addresses (the audit log keeps IPs where they are needed).
 */
export function loggerOptions(level: string, stream?: LogStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    base: { service: 'guichet' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      req: () => ({}),
      res: () => ({}),
    },
    redact: { paths: ['*.password', '*.email', '*.token', '*.cookie', '*.authorization'], censor: '[caché]' },
  };
}
