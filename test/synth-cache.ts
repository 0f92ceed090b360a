import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serialize } from 'node:v8';

/**
 * One synth per test config per `jest` run: many suites synthesize the same organization (the README's
 * minimum, the bundled example, the full example), and each test file runs cdktf cold in its own module
 * registry. The first suite to synthesize a config writes its stacks' JSON here; later ones read it.
 * The folder lives for one run (jest globalSetup/globalTeardown), so a code change is always synthesized.
 */
export const SYNTH_CACHE_ENV = 'ORG_GUARD_TEST_SYNTH_CACHE';

/** The key of a config: its exact content (v8 serialization keeps undefined, key order and types). */
function keyOf(config: unknown): string | undefined {
  try {
    return createHash('sha256').update(serialize(config)).digest('hex');
  } catch {
    return undefined; // something v8 cannot serialize (a function): not cached
  }
}

/** `synth(config)` once per run; errors are never cached, so a config that throws throws every time. */
export function cachedSynth<T>(config: unknown, synth: () => T): T {
  const dir = process.env[SYNTH_CACHE_ENV];
  const key = dir ? keyOf(config) : undefined;
  if (!dir || !key) return synth();
  const file = path.join(dir, `${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const result = synth();
  // Only a synth that left its config as it found it is a pure function of that config.
  if (keyOf(config) === key) {
    const scratch = `${file}.${process.pid}`;
    writeFileSync(scratch, JSON.stringify(result));
    renameSync(scratch, file); // atomic: another worker never reads half a file
  }
  return result;
}

export function createSynthCache(): void {
  process.env[SYNTH_CACHE_ENV] = mkdtempSync(path.join(tmpdir(), 'org-guard-test-synth-'));
}

export function removeSynthCache(): void {
  const dir = process.env[SYNTH_CACHE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
