/**
 * The platform and index rules of .dependency-cruiser.cjs on every file, tests and their support
 * included. Not the cycle rule: tests may compose modules both ways.
 */
const boundaries = require('./.dependency-cruiser.cjs');

module.exports = {
  forbidden: boundaries.forbidden.filter((rule) => rule.name !== 'no-module-cycle'),
  options: { ...boundaries.options, exclude: undefined },
};
