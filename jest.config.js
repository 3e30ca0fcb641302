// Two projects: fast unit tests on virtual trees beside the code, and e2e tests on real apps on disk.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e.ts'],
      transform: { '^.+\\.ts$': tsJest },
      // Real apps are scaffolded, installed, compiled and started: minutes, not seconds.
      testTimeout: 300_000,
      maxWorkers: 1,
    },
  ],
};
