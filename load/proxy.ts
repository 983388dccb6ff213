import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP proxy on loopback, standing in for the load balancer in front of the
 * instances. It behaves as nginx does by default:
 * - a request that could not reach an instance (connection refused) goes to the next one, whatever
 *   its method: nothing was sent;
 * - a request whose instance died before answering is retried elsewhere only if it is idempotent
 *   (GET, HEAD); a POST gets 502, since the instance may have applied it;
 * - an instance that failed is left out until its readiness check (`GET /readyz`) answers 200.
 * It adds X-Forwarded-For and X-Forwarded-Proto as a TLS-terminating proxy would.
 */
export type Upstream = { name: string; port: number };

export type Proxy = { url: string; close(): Promise<void> };

const HEALTH_INTERVAL_MS = 500;
const IDEMPOTENT = new Set(['GET', 'HEAD']);

type Attempt = { status: number; headers: http.IncomingHttpHeaders; body: NodeJS.ReadableStream } | { failed: 'connect' | 'reset' };

function forward(upstream: Upstream, agent: http.Agent, request: http.IncomingMessage, body: Buffer): Promise<Attempt> {
  return new Promise((resolve) => {
    let connected = false;
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress ?? '127.0.0.1', 'x-forwarded-proto': 'http', connection: 'keep-alive' },
        agent,
      },
      (response) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: response }),
    );
    outgoing.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => (connected = true));
      else connected = true;
    });
    outgoing.on('error', () => resolve({ failed: connected ? 'reset' : 'connect' }));
    outgoing.end(body);
  });
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function isReady(upstream: Upstream): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${upstream.port}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function startProxy(upstreams: Upstream[], port = 0): Promise<Proxy> {
  const agents = new Map(upstreams.map((u) => [u, new http.Agent({ keepAlive: true, maxSockets: 64 })]));
  const down = new Set<Upstream>();
  let next = 0;
  const pick = (): Upstream | null => {
    for (let i = 0; i < upstreams.length; i++) {
      const candidate = upstreams[next++ % upstreams.length] as Upstream;
      if (!down.has(candidate)) return candidate;
    }
    return null;
  };

  const health = setInterval(() => {
    for (const u of down) void isReady(u).then((ready) => ready && down.delete(u));
  }, HEALTH_INTERVAL_MS);

  const server = http.createServer(async (request, reply) => {
    const body = await readBody(request);
    const tried = new Set<Upstream>();
    for (let upstream = pick(); upstream && !tried.has(upstream); upstream = pick()) {
      tried.add(upstream);
      const attempt = await forward(upstream, agents.get(upstream) as http.Agent, request, body);
      if ('failed' in attempt) {
        down.add(upstream);
        if (attempt.failed === 'reset' && !IDEMPOTENT.has(request.method ?? '')) break;
        continue;
      }
      reply.writeHead(attempt.status, attempt.headers);
      attempt.body.pipe(reply);
      return;
    }
    reply.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad gateway');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      clearInterval(health);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const agent of agents.values()) agent.destroy();
    },
  };
}
