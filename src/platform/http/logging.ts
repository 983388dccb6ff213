import type { FastifyServerOptions } from 'fastify';

/**
 * JSON logs, one line per request (see app.ts). Nothing personal: no URL query strings, no
 * headers, no bodies, no IP addresses (the audit log keeps IPs where they are needed).
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    base: { service: 'guichet' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      req: () => ({}),
      res: () => ({}),
    },
    redact: { paths: ['*.password', '*.email', '*.token', '*.cookie', '*.authorization'], censor: '[caché]' },
  };
}
