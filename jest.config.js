/** Tests are TypeScript ES modules, transpiled by ts-jest (type checking is `tsc --noEmit`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // The run's own code-cache folder, never the user's (test/setup/cache-home.mjs).
  globalSetup: '<rootDir>/test/setup/cache-home.mjs',
  globalTeardown: '<rootDir>/test/setup/cache-home-teardown.mjs',
};
