/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // PGlite start-up (WASM initdb) takes seconds; integration tests spawn the CLI.
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  // Each integration file opens its own embedded store; two at a time suits the 2-core CI machine.
  maxWorkers: 2,
};
// .ci/run reads jest's own counts from this file for its closing line.
if (process.env.JEST_JSON) {
  module.exports.reporters = ['default', ['<rootDir>/test/json-summary-reporter.js', { file: process.env.JEST_JSON }]];
}
