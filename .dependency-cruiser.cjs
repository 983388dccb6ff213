/**
 * The module boundaries, checked by `npm run lint` (src/platform/README.md, « Module boundaries »)
 * on the code that runs; .dependency-cruiser-tests.cjs checks the tests too, without the cycle
 * rule. Imports that broke the index rule before it existed are listed in
 * .dependency-cruiser-known-violations.json and tolerated (`--ignore-known`); any other forbidden
 * import fails. No import breaking the platform or the cycle rule is listed there.
 */
module.exports = {
  forbidden: [
    {
      name: 'platform-imports-no-module',
      comment: 'platform/ is what every module uses: it knows none of them (modules register with it instead).',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'module-through-index',
      comment: "A module reaches another only through that module's index.ts: its public functions and types.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-module-cycle',
      comment:
        'No cycle between modules in the code that runs: each module folder with everything under it, as one node. ' +
        "Tests may compose modules both ways (an access test builds an enterprise with enterprises' test support).",
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/modules/([^/]+)$' },
      to: { circular: true, path: '^src/modules/[^/]+$', pathNot: '^src/modules/$1$' },
    },
  ],
  options: {
    // Only the code the rules speak of: app-level files (app.ts, main.ts, messages.ts…) assemble
    // the modules and may import any file; leaving them out also keeps `src/` from counting as a
    // folder that closes cycles.
    includeOnly: '^src/(platform|modules)/',
    exclude: { path: '(\\.test\\.tsx?|test-support\\.ts)$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
