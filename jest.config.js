const path = require('node:path');

// Two projects: fast unit tests on in-memory trees beside the code, and e2e tests on real apps on disk.

// @angular-devkit/schematics 22 requires magic-string, which ships only as ESM (.mjs). Node 20
// loads it through require(esm), but jest's module system cannot, so ts-jest compiles those few
// ESM files to CommonJS for the tests.
const ESM_ONLY_DEPENDENCIES = ['magic-string', '@jridgewell/sourcemap-codec'];

const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+\\.mjs$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_DEPENDENCIES.join('|')})/)`],
  // `ora` drags in a dozen more ESM-only packages; it only draws install spinners, which no test runs.
  moduleNameMapper: { '^ora$': '<rootDir>/test/support/unit/ora-unavailable.js' },
};

// collection.json names the built factories (dist/, what the package ships). The unit tests run
// the schematics from their sources instead, compiled by ts-jest: `npm run test:unit` tests what
// was edited, and needs no build first.
const BUILT = path.join(__dirname, 'dist').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/unit/timeouts.ts'],
      moduleNameMapper: { ...common.moduleNameMapper, [`^${BUILT}/(.*?)(\\.js)?$`]: '<rootDir>/src/$1' },
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'],
    },
  ],
};
