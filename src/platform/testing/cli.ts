import { spawn } from 'node:child_process';
import path from 'node:path';
import { configVariables } from '../../config.js';

export type CliResult = { code: number | null; stdout: string; stderr: string };

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * Runs one of the project's command-line tools (`src/...-cli.ts`) as `npm run` would, from the
 * repository's root. The settings come from `env` only: none of the test run's own (its
 * TEST_DATABASE_URL, a developer's DATABASE_URL) leaks into the tool.
 */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of configVariables) delete base[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env: { ...base, NODE_ENV: 'development', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
