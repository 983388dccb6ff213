// Minimal types for autocannon 9 (it ships none): only what the benchmark uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      /** Concurrent connections (default 10). */
      connections?: number;
      /** Seconds (default 10). */
      duration?: number;
      /** Stop after this many requests instead of after `duration`. */
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Seconds before a request counts as timed out (default 10). */
      timeout?: number;
      title?: string;
      /** The requests each connection sends in turn. */
      requests?: Request[];
    }

    interface RequestParams {
      method?: string;
      path?: string;
      body?: string;
      headers?: Record<string, string>;
    }

    interface Request extends RequestParams {
      /** Changes each request just before it is sent. */
      setupRequest?: (request: RequestParams) => RequestParams;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      /** Seconds. */
      duration: number;
      start: Date;
      finish: Date;
      /** Socket errors, timeouts included. */
      errors: number;
      timeouts: number;
      /** Responses outside 2xx (3xx included). */
      non2xx: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { sent: number };
      throughput: Histogram;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
      on(event: 'reqError', listener: (error: Error) => void): this;
      on(event: 'done', listener: (result: Result) => void): this;
      stop(): void;
    }
  }

  /** Without a callback, returns an EventEmitter that is also a promise of the result. */
  function autocannon(options: autocannon.Options): autocannon.Instance;

  export = autocannon;
}
