/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is done once by `tsc -p test/tsconfig.json`; isolated transpile keeps jest fast.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'test/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
