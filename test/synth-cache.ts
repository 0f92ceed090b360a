import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serialize } from 'node:v8';

/**
 * One synth per test config and code: many suites synthesize the same organization (the README's minimum,
 * the bundled example, the full example), and each test file runs cdktf cold in its own module registry. The
 * first suite to synthesize a config writes its stacks' JSON into a folder named by a hash of the code a synth
 * runs; later suites, and later runs while that code is unchanged, read it. A change to any file a synth loads
 * (the app, its stacks, modules and config schema, the test helpers that run it), to the installed package
 * versions (npm's lockfiles) or to a setting that changes what synth writes names another folder, so changed
 * synth code is always synthesized; a change to a tool, a test file or the notes is not synth code (and a test's
 * config is part of its own key). Packages patched in place are not seen: ORG_GUARD_TEST_SYNTH_REUSE=0.
 */
export const SYNTH_CACHE_ENV = 'ORG_GUARD_TEST_SYNTH_CACHE';
/** ORG_GUARD_TEST_SYNTH_REUSE=0: a folder for this run only, removed at its end (nothing read from earlier runs). */
export const SYNTH_REUSE_ENV = 'ORG_GUARD_TEST_SYNTH_REUSE';
/** The run's record of its code files (set by globalSetup for the workers). */
export const SYNTH_RECORD_ENV = 'ORG_GUARD_TEST_SYNTH_RECORD';

const ROOT = path.join(__dirname, '..');

/**
 * Where a cached synth starts: the helpers whose callbacks synthesize (test/helpers.ts), the modules jest maps
 * packages to (cdktf, archiver), and the settings that decide how the TypeScript is compiled and which packages load.
 */
export function synthSeeds(root = ROOT): string[] {
  let mapped: string[] = [];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(path.join(root, 'jest.config.js')) as { moduleNameMapper?: Record<string, string> };
    mapped = Object.values(config.moduleNameMapper ?? {}).map((target) => target.replace(/^<rootDir>\//, ''));
  } catch {
    // no jest config: nothing mapped
  }
  return [
    'test/helpers.ts', 'test/synth-cache.ts', ...mapped,
    'jest.config.js', 'tsconfig.json', 'test/tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json',
  ];
}

/**
 * Settings that change what a synth writes or checks: org-guard's own (ORG_GUARD_CDKTF_DEFAULTS turns the cdktf
 * fast paths off), cdktf's (SYNTH_HCL_OUTPUT, CDKTF_CONTEXT_JSON, ...), Terraform's, and PATH (which terraform
 * cdktf asks for its version). The cache's own settings are not among them.
 */
const SYNTH_SETTING = /^(ORG_GUARD_|CDKTF_|SYNTH_|TERRAFORM_|TF_|CHECKPOINT_)|^PATH$/;
const settingsOf = (env: NodeJS.ProcessEnv) => Object.keys(env)
  .filter((k) => SYNTH_SETTING.test(k) && !k.startsWith('ORG_GUARD_TEST_SYNTH_'))
  .sort()
  .map((k) => `${k}=${env[k]}`);

/** A folder of other code that no run has used for this long is removed by the next run's globalSetup. */
export const PRUNE_AFTER_MS = 15 * 60 * 1000;

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

/**
 * An entry's name: the config's key, this process's working directory and settings (a test may change them
 * after globalSetup), and the code of the caller's own synth (a fixture builder outside the app's imports).
 */
function entryOf(configKey: string, callerCode: readonly string[]): string {
  const hash = createHash('sha256').update(`${configKey}\0${process.cwd()}\0`);
  for (const setting of settingsOf(process.env)) hash.update(`${setting}\0`);
  for (const file of callerCode) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
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
export function synthCodeFiles(root = ROOT, seeds: readonly string[] = synthSeeds(root)): string[] {
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
 * covered by the lockfiles), the settings that change what synth writes, the Node version and the folders (the
 * stacks' local state paths are absolute, below the working directory).
 */
export function codeKey(root = ROOT, seeds: readonly string[] = synthSeeds(root), env: NodeJS.ProcessEnv = process.env): string {
  return hashCode(root, synthCodeFiles(root, seeds), env);
}

function hashCode(root: string, files: readonly string[], env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256').update(`${process.version}\0${path.resolve(root)}\0${process.cwd()}\0`);
  for (const setting of settingsOf(env)) hash.update(`${setting}\0`);
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update('\0');
  return hash.digest('hex').slice(0, 32);
}

type Stamp = [file: string, size: number, changedMs: number];
const stampOf = (root: string, file: string): Stamp => {
  try {
    const st = statSync(path.join(root, file));
    return [file, st.size, st.mtimeMs];
  } catch {
    return [file, -1, 0]; // deleted since
  }
};

interface CodeRecord {
  root: string;
  stamps: Stamp[];
}
const records = new Map<string, CodeRecord | undefined>();

/**
 * Whether the code files are as they were when this run chose its folder: a file edited while tests run would
 * otherwise put the edited code's results under the key of the code before (and an undo brings that key back).
 * A run without its record (or a folder removed by another run) keeps nothing.
 */
function codeUnchangedSinceStart(): boolean {
  const file = process.env[SYNTH_RECORD_ENV];
  if (!file) return false;
  if (!records.has(file)) {
    try {
      records.set(file, JSON.parse(readFileSync(file, 'utf8')) as CodeRecord);
    } catch {
      records.set(file, undefined);
    }
  }
  const record = records.get(file);
  return record !== undefined && record.stamps.every(([name, size, changedMs]) => {
    const [, nowSize, nowMs] = stampOf(record.root, name);
    return nowSize === size && nowMs === changedMs;
  });
}

/**
 * `synth(config)` once per config and code; errors are never cached, so a config that throws throws every time.
 * `callerCode`: the files of a synth that is not the app's (a test's fixture builder), part of the entry's key.
 */
export function cachedSynth<T>(config: unknown, synth: () => T, callerCode: readonly string[] = []): T {
  const dir = process.env[SYNTH_CACHE_ENV];
  const configKey = dir ? keyOf(config) : undefined;
  if (!dir || !configKey) return synth();
  const file = path.join(dir, `${entryOf(configKey, callerCode)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // not synthesized yet (or the folder was removed by another run): synthesize
  }
  const result = synth();
  // Only a synth that left its config as it found it is a pure function of that config, and only one by the
  // code the folder is named after. (A hit is a JSON copy; the caller's own result here is the object itself.)
  if (keyOf(config) === configKey && codeUnchangedSinceStart()) {
    const scratch = `${file}.${process.pid}`;
    try {
      writeFileSync(scratch, JSON.stringify(result));
      renameSync(scratch, file); // atomic: another worker never reads half a file
    } catch {
      rmSync(scratch, { force: true }); // a read-only or full disk: the result is still good, just not kept
    }
  }
  return result;
}

/** Where the runs keep their synth results: one folder per code key, beside the code cache. */
export function synthCacheRoot(root = ROOT): string {
  return path.join(root, 'node_modules', '.cache', 'org-guard', 'test-synth');
}

/**
 * The code key with the code files' stamps taken around it: a file that changes while it is hashed would be
 * hashed as one version and stamped as another, so the pass is repeated until the files hold still.
 */
function stampedCodeKey(root: string, seeds: readonly string[], env: NodeJS.ProcessEnv): { key: string; record: CodeRecord } {
  for (let attempt = 0; ; attempt++) {
    // an edit that adds an import changes the importing file's stamp too: the next attempt walks again
    const files = synthCodeFiles(root, seeds);
    const stamps = () => JSON.stringify(files.map((file) => stampOf(root, file)));
    const before = stamps();
    const key = hashCode(root, files, env);
    if (stamps() === before || attempt === 4) return { key, record: { root, stamps: JSON.parse(before) as Stamp[] } };
  }
}

/**
 * Chooses the run's folder (jest globalSetup): the current code's, marked as in use, with this run's record of
 * its code files; folders of other code that no run used in the last PRUNE_AFTER_MS are removed (a run of other
 * code may still be reading one, e.g. in another checkout or working directory). With
 * ORG_GUARD_TEST_SYNTH_REUSE=0, or when the cache folder cannot be written, a fresh folder for this run.
 */
export function createSynthCache(env: NodeJS.ProcessEnv = process.env, root = ROOT, now = Date.now()): string {
  const seeds = synthSeeds(root);
  const { key, record } = stampedCodeKey(root, seeds, env);
  const use = (dir: string) => {
    const recordFile = path.join(dir, `run-${process.pid}-${now}.record`);
    writeFileSync(recordFile, JSON.stringify(record));
    env[SYNTH_CACHE_ENV] = dir;
    env[SYNTH_RECORD_ENV] = recordFile;
    return dir;
  };
  const runOnly = () => use(mkdtempSync(path.join(tmpdir(), 'org-guard-test-synth-')));
  if (env[SYNTH_REUSE_ENV] === '0') return runOnly();
  const parent = synthCacheRoot(root);
  const dir = path.join(parent, key);
  try {
    mkdirSync(dir, { recursive: true });
    use(dir);
    utimesSync(dir, new Date(now), new Date(now)); // after the record is written there: marks the folder as in use
  } catch {
    return runOnly(); // a read-only install or a full disk: this run's results are kept for this run only
  }
  for (const other of readdirSync(parent)) {
    const folder = path.join(parent, other);
    try {
      if (other !== key && /^[0-9a-f]{32}$/.test(other) && now - statSync(folder).mtimeMs > PRUNE_AFTER_MS) rmSync(folder, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
  return dir;
}

/** jest globalTeardown: a run-only folder goes; the code's folder stays for the next run, without this run's record. */
export function removeSynthCache(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[SYNTH_CACHE_ENV];
  const record = env[SYNTH_RECORD_ENV];
  if (record) rmSync(record, { force: true });
  if (dir && env[SYNTH_REUSE_ENV] === '0') rmSync(dir, { recursive: true, force: true });
}
