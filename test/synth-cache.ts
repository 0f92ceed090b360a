import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serialize } from 'node:v8';

/**
 * One synth per test config and code: many suites synthesize the same organization (the README's minimum,
 * the bundled example, the full example), and each test file runs cdktf cold in its own module registry. The
 * first suite to synthesize a config writes its stacks' JSON into a folder named by a hash of the code a synth
 * runs; later suites, and later runs while that code is unchanged, read it. A change to any file a synth loads
 * (the app, its stacks, modules and config schema, the test helpers that run it) or to the installed packages
 * names another folder, so changed synth code is always synthesized; a change to a tool, a test file or the
 * notes is not synth code (and a test's config is part of its own key).
 */
export const SYNTH_CACHE_ENV = 'ORG_GUARD_TEST_SYNTH_CACHE';
/** ORG_GUARD_TEST_SYNTH_REUSE=0: a folder for this run only, removed at its end (nothing read from earlier runs). */
export const SYNTH_REUSE_ENV = 'ORG_GUARD_TEST_SYNTH_REUSE';

const ROOT = path.join(__dirname, '..');

/**
 * Where a cached synth starts: the helpers whose callbacks synthesize (test/helpers.ts), the modules jest maps
 * cdktf and archiver to, and the settings that decide how the TypeScript is compiled and which packages load.
 */
export const SYNTH_SEEDS = [
  'test/helpers.ts', 'test/synth-cache.ts', 'test/cdktf-tuned.ts', 'test/cdktf-archiver.ts',
  'jest.config.js', 'tsconfig.json', 'test/tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json',
];

/** A relative module reference: `from '...'`, `import '...'`, `import('...')`, `require('...')` (type-only ones too). */
const LOCAL_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

/** The key of a config: its exact content (v8 serialization keeps undefined, key order and types). */
function keyOf(config: unknown): string | undefined {
  try {
    return createHash('sha256').update(serialize(config)).digest('hex');
  } catch {
    return undefined; // something v8 cannot serialize (a function): not cached
  }
}

/** The project files a file imports by relative path, as Node and TypeScript resolve them. */
function localImports(root: string, file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(LOCAL_IMPORT)) {
    const base = path.join(path.dirname(file), m[1]);
    const hit = [base, `${base}.ts`, `${base}.js`, `${base}.json`, path.join(base, 'index.ts'), path.join(base, 'index.js')]
      .find((candidate) => existsSync(path.join(root, candidate)) && statSync(path.join(root, candidate)).isFile());
    if (hit) found.push(hit);
  }
  return found;
}

/** The seeds and every project file they reach through relative imports, sorted. */
export function synthCodeFiles(root = ROOT, seeds: readonly string[] = SYNTH_SEEDS): string[] {
  const reached = new Set<string>();
  const queue = seeds.filter((f) => existsSync(path.join(root, f)));
  while (queue.length > 0) {
    const file = path.normalize(queue.pop()!);
    if (reached.has(file)) continue;
    reached.add(file);
    if (/\.[cm]?[jt]s$/.test(file)) queue.push(...localImports(root, file, readFileSync(path.join(root, file), 'utf8')));
  }
  return [...reached].sort();
}

/**
 * A hash of everything a cached synth can depend on: the seeds and every project file they reach (packages are
 * covered by the lockfiles), the Node version and the folders (the stacks' local state paths are absolute,
 * below the working directory).
 */
export function codeKey(root = ROOT, seeds: readonly string[] = SYNTH_SEEDS): string {
  const hash = createHash('sha256').update(`${process.version}\0${path.resolve(root)}\0${process.cwd()}\0`);
  for (const file of synthCodeFiles(root, seeds)) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update('\0');
  return hash.digest('hex').slice(0, 32);
}

/** `synth(config)` once per config and code; errors are never cached, so a config that throws throws every time. */
export function cachedSynth<T>(config: unknown, synth: () => T): T {
  const dir = process.env[SYNTH_CACHE_ENV];
  const key = dir ? keyOf(config) : undefined;
  if (!dir || !key) return synth();
  const file = path.join(dir, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // not synthesized yet (or the folder was pruned by another run): synthesize
  }
  const result = synth();
  // Only a synth that left its config as it found it is a pure function of that config.
  if (keyOf(config) === key) {
    const scratch = `${file}.${process.pid}`;
    try {
      writeFileSync(scratch, JSON.stringify(result));
      renameSync(scratch, file); // atomic: another worker never reads half a file
    } catch {
      rmSync(scratch, { force: true }); // the folder went away: the result is still good, just not kept
    }
  }
  return result;
}

/** Where the runs keep their synth results: one folder per code key, beside the code cache. */
export function synthCacheRoot(root = ROOT): string {
  return path.join(root, 'node_modules', '.cache', 'org-guard', 'test-synth');
}

/**
 * Chooses the run's folder (jest globalSetup): the current code's, with the folders of other code removed
 * (only the latest code's results are ever read again); with ORG_GUARD_TEST_SYNTH_REUSE=0, a fresh one.
 */
export function createSynthCache(env: NodeJS.ProcessEnv = process.env, root = ROOT): string {
  if (env[SYNTH_REUSE_ENV] === '0') {
    env[SYNTH_CACHE_ENV] = mkdtempSync(path.join(tmpdir(), 'org-guard-test-synth-'));
    return env[SYNTH_CACHE_ENV]!;
  }
  const parent = synthCacheRoot(root);
  const key = codeKey(root);
  mkdirSync(path.join(parent, key), { recursive: true });
  for (const other of readdirSync(parent)) {
    if (other !== key && /^[0-9a-f]{32}$/.test(other)) rmSync(path.join(parent, other), { recursive: true, force: true });
  }
  env[SYNTH_CACHE_ENV] = path.join(parent, key);
  return env[SYNTH_CACHE_ENV]!;
}

/** jest globalTeardown: a run-only folder goes; the code's folder stays for the next run. */
export function removeSynthCache(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[SYNTH_CACHE_ENV];
  if (dir && env[SYNTH_REUSE_ENV] === '0') rmSync(dir, { recursive: true, force: true });
}
