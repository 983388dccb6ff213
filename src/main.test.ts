import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { translate } from './platform/i18n/index.js';

/**
 * Start-up as an operator sees it: `node --import tsx src/main.ts` in child processes, each with
 * its own data directory.
 */
const root = path.resolve(import.meta.dirname, '..');
const CONFIG_VARIABLES = ['NODE_ENV', 'HOST', 'PORT', 'PUBLIC_URL', 'DATA_DIR', 'DATABASE_URL', 'SECRET', 'SMTP_URL', 'MAIL_FROM', 'LOG_LEVEL', 'TRUST_PROXY', 'COOKIE_SECURE', 'LOGIN_RATE_LIMIT_PER_MINUTE', 'AUTH_FAILURE_DELAY_MS', 'DEMO_DATA'];

type Running = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

function start(args: string[], env: Record<string, string>, command = process.execPath): Running {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONFIG_VARIABLES) delete base[name];
  const child = spawn(command, args, { cwd: root, env: { ...base, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

function startMain(env: Record<string, string>): Running {
  return start(['--import', 'tsx', 'src/main.ts'], env);
}

/** Resolves once the output satisfies the predicate; rejects if the process exits before. */
function waitForOutput(running: Running, predicate: (stdout: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (predicate(running.stdout())) {
        running.child.stdout!.off('data', check);
        resolve();
      }
    };
    running.child.stdout!.on('data', check);
    void running.exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${running.stdout()}\n${running.stderr()}`)));
    check();
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-main-'));
  tmpDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('start-up on a fresh data directory', { timeout: 240_000 }, () => {
  let dataDir: string;
  let port: number;
  let server: Running;
  before(async () => {
    dataDir = tmpDir();
    port = await freePort();
    server = startMain({ DATA_DIR: dataDir, PORT: String(port) });
    await waitForOutput(server, (out) => out.includes('/dev/courriels'));
  }, { timeout: 120_000 });
  after(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  test('prints the address and the demo logins, and serves the French home page', { timeout: 60_000 }, async () => {
    const banner = server.stdout();
    assert.ok(banner.includes(`http://localhost:${port}`), banner);
    assert.ok(banner.includes(path.resolve(dataDir)), banner);
    for (const login of ['agente@guichet.test', 'CPE0001', 'GAR0001', 'parent@guichet.test', 'Bienvenue-au-guichet-2026', 'npm run mfa:code -- CPE0001']) {
      assert.ok(banner.includes(login), `${login} in\n${banner}`);
    }
    const home = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(home.status, 200);
    const html = await home.text();
    assert.match(html, /^<!DOCTYPE html><html lang="fr"/);
    assert.ok(html.includes(translate('fr', 'home.title')));
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    assert.ok(fs.existsSync(path.join(dataDir, 'secret')));
    assert.equal(fs.statSync(path.join(dataDir, 'secret')).mode & 0o077, 0, 'the secret is readable by its owner only');
  });

  test('a second process on the same data directory stops with a message naming it', { timeout: 60_000 }, async () => {
    const second = startMain({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    const code = await second.exited;
    assert.notEqual(code, 0);
    assert.ok(second.stderr().includes(dataDir), second.stderr());
    assert.match(second.stderr(), /DATA_DIR/);
    assert.match(second.stderr(), new RegExp(`\\b${server.child.pid}\\b`));
    // The first one still serves.
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
  });

  test('SIGTERM stops it cleanly: exit code 0 and the data directory released', { timeout: 60_000 }, async () => {
    assert.ok(fs.existsSync(path.join(dataDir, 'guichet.lock')));
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.stderr());
    assert.ok(!fs.existsSync(path.join(dataDir, 'guichet.lock')));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });
});

describe('invalid settings', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ SMTP_URL: 'http://mail.example' }, /SMTP_URL/],
    [{ S3_URL: 'http://127.0.0.1:9000' }, /S3_BUCKET: required with the other S3_ settings/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SECRET: 'too-short' }, /SECRET/],
    [{ NODE_ENV: 'production' }, /SECRET/],
    [{ NODE_ENV: 'production', SECRET: 'a-production-secret-of-at-least-32-characters' }, /SMTP_URL/],
  ];
  for (const [env, variable] of cases) {
    test(`${JSON.stringify(env)} stops start-up with exit code 1 and names the variable`, { timeout: 60_000 }, async () => {
      const dataDir = tmpDir();
      const running = startMain({ DATA_DIR: dataDir, PORT: String(await freePort()), ...env });
      assert.equal(await running.exited, 1, running.stderr());
      assert.match(running.stderr(), /Configuration invalide \/ invalid configuration/);
      assert.match(running.stderr(), variable);
      assert.doesNotMatch(running.stderr(), /\n\s+at /, 'no stack trace');
      // Refused before the database is opened.
      assert.ok(!fs.existsSync(path.join(dataDir, 'pglite')));
      assert.ok(!fs.existsSync(path.join(dataDir, 'guichet.lock')));
    });
  }
});

describe('npm run mfa:code', () => {
  test('prints the current 6-digit code of a demo account', { timeout: 60_000 }, async () => {
    const running = start(['run', '--silent', 'mfa:code', '--', 'CPE0001'], {}, 'npm');
    assert.equal(await running.exited, 0, running.stderr());
    assert.match(running.stdout(), /^\d{6}\s+\(CPE0001/m);
  });

  test('refuses an account without demo MFA', { timeout: 60_000 }, async () => {
    const running = start(['--import', 'tsx', 'src/mfa-code-cli.ts', 'parent@guichet.test'], {});
    assert.equal(await running.exited, 2);
    assert.match(running.stderr(), /CPE0001/);
  });
});
