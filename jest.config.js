/**
 * NestJS 12 ships as ES modules only, and jest on Node 20 cannot require() them, so the tests run as ES
 * modules (node --experimental-vm-modules; see the `test` script). The build stays CommonJS, which Node
 * >= 20.19 loads ES modules from.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // test/console/*.spec.tsx render the console's components without a browser (react-dom/server).
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/console/**/*.spec.tsx'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json' }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup/jest-globals.ts'],
  testTimeout: 30000,
};
