// mocha runs the TypeScript suites through tsx; test/support/hooks.ts provides the root hooks
// that find or start the real engines once per run.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['./test/support/hooks.ts'],
  spec: process.env.MOCHA_SPEC ? process.env.MOCHA_SPEC.split(',') : ['test/**/*.test.ts'],
  timeout: 60000,
  'forbid-only': true,
  reporter: 'test/support/summary-reporter.cjs',
  exit: true,
};
