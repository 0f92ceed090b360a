/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // cdktf tuned as main.ts runs it, and its archiver deferred as main.ts defers it, in every module registry
  moduleNameMapper: {
    '^cdktf$': '<rootDir>/test/cdktf-tuned.ts',
    '^archiver$': '<rootDir>/test/cdktf-archiver.ts',
  },
  // The folder of synthesized test configs for the current synth code (test/synth-cache.ts): each config is
  // synthesized once, and reused by later runs until that code changes.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Jest's default on 2 cores is one worker; the synth-heavy suites are CPU-bound, so use every core.
  maxWorkers: '100%',
  transform: {
    // Type checking is done once by `tsc -p test/tsconfig.json`; isolatedModules there makes ts-jest transpile only.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
