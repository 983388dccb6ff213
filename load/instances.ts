import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { configVariables } from '../src/config.js';

/**
 * guichet instances as separate processes, started the way `npm start` does (`src/main.ts`), each
 * with its own port and log file.
 */

const root = path.resolve(import.meta.dirname, '..');

export type Instance = {
  name: string;
  port: number;
  process: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `src/main.ts` with these settings and none of the caller's own. */
export async function startInstance(name: string, settings: Record<string, string>, logDir: string): Promise<Instance> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const variable of configVariables) delete env[variable];
  const logFile = path.join(logDir, `${name}.log`);
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...env, ...settings, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name, port, process: child, logFile, exited };
}

/** Waits until the instance answers 200 on /readyz (it has migrated and listens). */
export async function waitUntilReady(instance: Instance, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void instance.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`instance ${instance.name} exited while starting:\n${tail(instance.logFile)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${instance.port}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`instance ${instance.name} was not ready after ${timeoutMs / 1000} s:\n${tail(instance.logFile)}`);
}

export function tail(file: string, lines = 30): string {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
