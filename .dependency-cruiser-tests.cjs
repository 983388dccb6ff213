/**
 * The platform and index rules of .dependency-cruiser.cjs on every file, tests and their support
 * included. Not the cycle rule: tests may compose modules both ways. A module's `*test-support.ts`
 * is its public interface for other modules' tests, like its index.ts for their code.
 */
const boundaries = require('./.dependency-cruiser.cjs');

const forTests = (rule) =>
  rule.name === 'module-through-index'
    ? { ...rule, to: { ...rule.to, pathNot: [...rule.to.pathNot, '^src/modules/[^/]+/[^/]*test-support\\.ts$'] } }
    : rule;

module.exports = {
  forbidden: boundaries.forbidden.filter((rule) => rule.name !== 'no-module-cycle').map(forTests),
  options: { ...boundaries.options, exclude: undefined },
};
