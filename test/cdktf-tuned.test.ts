// test/cdktf-tuned.ts (jest.config.js moduleNameMapper): cdktf loads when a test file first requires it, tuned as `cdktf synth` runs it (main.ts), in
// every module registry.
const tuned = () => (require('cdktf/lib/util') as { keysToSnakeCase: { memoized?: boolean } }).keysToSnakeCase.memoized === true;

/* eslint-disable @typescript-eslint/no-require-imports */
test('cdktf is not loaded, or tuned, before the test file requires it; then it is tuned', () => {
  expect(tuned()).toBe(false); // a deep module of cdktf, loaded alone: the index and the tuning did not run
  const { App } = require('cdktf') as typeof import('cdktf');
  expect(new App()).toBeDefined();
  expect(tuned()).toBe(true); // cdktf-tuning.ts memoizeSnakeCase
});

test('a fresh module registry (jest.isolateModules) gets its own cdktf, tuned', () => {
  let isolated: { tuned: boolean; same: boolean } | undefined;
  const outer = require('cdktf') as typeof import('cdktf');
  jest.isolateModules(() => {
    const inner = require('cdktf') as typeof import('cdktf');
    isolated = { tuned: tuned(), same: inner === outer };
  });
  expect(isolated).toEqual({ tuned: true, same: false });
});

test('the references cdktf creates as it loads carry no stack trace (formatting one reads source maps under jest)', () => {
  let creationStack: string[] | undefined;
  jest.isolateModules(() => {
    require('cdktf'); // its index loads tfExpression.js, which creates FOR_EXPRESSION_KEY as it loads
    ({ creationStack } = (require('cdktf/lib/tfExpression') as { FOR_EXPRESSION_KEY: { creationStack: string[] } }).FOR_EXPRESSION_KEY);
  });
  // cdktf/lib/tokens/private/intrinsic.js: every Intrinsic records captureStackTrace() when it is created
  expect(creationStack).toEqual([]);
});
