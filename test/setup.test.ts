import { App } from 'cdktf';

// test/setup.ts: a test file that loads cdktf gets it with the tuning `cdktf synth` runs with (main.ts).
test('cdktf as a test file imports it is tuned as in cdktf synth', () => {
  expect(new App()).toBeDefined();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require('cdktf/lib/util') as { keysToSnakeCase: { memoized?: boolean } };
  expect(util.keysToSnakeCase.memoized).toBe(true); // cdktf-tuning.ts memoizeSnakeCase
});
