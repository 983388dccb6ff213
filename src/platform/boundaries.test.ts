import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

/**
 * The boundary check of `npm run lint` (.dependency-cruiser.cjs) run on small source trees made
 * for the purpose: it refuses each kind of forbidden import, and accepts the same tree without it.
 */
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const trees: string[] = [];

after(() => {
  for (const dir of trees) fs.rmSync(dir, { recursive: true, force: true });
});

/** A project holding these files (paths under it), checked with the repository's rules; its output and exit status. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-boundaries-'));
  trees.push(dir);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const run = spawnSync(process.execPath, [depcruise, 'src', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Two modules and a platform file that keep to the rules: beta uses alpha through its index. */
const clean = {
  'src/platform/clock.ts': 'export const now = (): Date => new Date();\n',
  'src/modules/alpha/index.ts': "export { greeting } from './service.js';\n",
  'src/modules/alpha/service.ts': "import { now } from '../../platform/clock.js';\nexport const greeting = (): string => `hello ${now().getFullYear()}`;\n",
  'src/modules/beta/index.ts': "export { welcome } from './service.js';\n",
  'src/modules/beta/service.ts': "import { greeting } from '../alpha/index.js';\nexport const welcome = (): string => greeting();\n",
};

describe('module boundaries', () => {
  test('a tree that keeps to the rules passes', () => {
    const { status, output } = check(clean);
    assert.equal(status, 0, output);
    assert.match(output, /no dependency violations found/);
  });

  test('platform importing a module fails', () => {
    const { status, output } = check({ ...clean, 'src/platform/clock.ts': "import { greeting } from '../modules/alpha/index.js';\nexport const now = (): string => greeting();\n" });
    assert.notEqual(status, 0);
    assert.match(output, /error platform-imports-no-module: src\/platform\/clock\.ts → src\/modules\/alpha\/index\.ts/);
  });

  test("a module importing another's file other than its index fails", () => {
    const { status, output } = check({ ...clean, 'src/modules/beta/service.ts': "import { greeting } from '../alpha/service.js';\nexport const welcome = (): string => greeting();\n" });
    assert.notEqual(status, 0);
    assert.match(output, /error module-through-index: src\/modules\/beta\/service\.ts → src\/modules\/alpha\/service\.ts/);
  });

  test('a cycle between modules fails, even through their indexes', () => {
    const { status, output } = check({
      ...clean,
      'src/modules/alpha/index.ts': "export { greeting } from './service.js';\nexport { farewell } from './farewell.js';\n",
      'src/modules/alpha/farewell.ts': "import { welcome } from '../beta/index.js';\nexport const farewell = (): string => `${welcome()}, bye`;\n",
    });
    assert.notEqual(status, 0);
    assert.match(output, /error no-module-cycle: src\/modules\/alpha →\s+src\/modules\/beta →\s+src\/modules\/alpha/);
  });
});
