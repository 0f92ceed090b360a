import { existsSync, readdirSync } from 'node:fs';
import { configOf, minimalInput, synthOrg } from './helpers';
import { SYNTH_CACHE_ENV, cachedSynth } from './synth-cache';

// The run's synth cache (test/synth-cache.ts) must never let one test see another's changes or a stale result.
describe('synth cache of the test run', () => {
  const dir = process.env[SYNTH_CACHE_ENV]!;

  test('the workers get the run\'s cache folder from jest globalSetup', () => {
    expect(dir).toBeTruthy();
    expect(existsSync(dir)).toBe(true);
  });

  test('a config is synthesized once; every read is a fresh copy, so a test may change what it got', () => {
    const input = minimalInput();
    input.accounts.members = [{ name: 'cache-probe', id: '999999999999' }];
    const first = synthOrg(configOf(input));
    const files = readdirSync(dir).length;
    first.security.resource = {};
    const second = synthOrg(configOf(input));
    expect(readdirSync(dir)).toHaveLength(files); // read back, not synthesized again
    expect(second.security.resource!.aws_guardduty_detector).toBeDefined();
    expect(Object.keys(second)).toEqual(['log-archive', 'management', 'security', 'cache-probe']);
    // a different config is a different entry
    input.accounts.members[0].id = '999999999998';
    expect(synthOrg(configOf(input))['cache-probe']).not.toEqual(second['cache-probe']);
  });

  test('a synth that throws is not cached: it runs (and throws) every time', () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      throw new Error('synth failed');
    };
    expect(() => cachedSynth({ probe: 'throws' }, failing)).toThrow('synth failed');
    expect(() => cachedSynth({ probe: 'throws' }, failing)).toThrow('synth failed');
    expect(calls).toBe(2);
  });

  test('a synth that changes its config is not cached (its result is not a function of the config as given)', () => {
    const config = { probe: 'mutated', n: 0 };
    let calls = 0;
    const mutating = () => {
      calls += 1;
      config.n += 1;
      return calls;
    };
    cachedSynth(config, mutating);
    config.n = 0;
    expect(cachedSynth(config, mutating)).toBe(2);
  });
});
