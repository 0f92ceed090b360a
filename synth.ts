import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { constants, cpus } from 'node:os';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { App, TerraformStack } from 'cdktf';
import { HEAP_ENV, SHARD_ENV, SynthSetupError, checkOutdir, outdirFromEnv, removeLeftovers, synthHeapFromEnv } from './synth-setup';

export { HEAP_ENV, SHARD_ENV, SynthSetupError, WORKERS_ENV, checkOutdir, outdirFromEnv, settleInterruptedSynth, synthHeapFromEnv, synthWorkersFromEnv } from './synth-setup';
/** Below this many stacks a second process costs more than it saves. */
const PARALLEL_MIN_STACKS = 150;
export interface SynthOptions {
  /** Processes to synthesize with; default one per core (at most 4) when 150 or more stacks need building. */
  workers?: number;
  /** The script a worker runs (it builds its sources from workerPayload() and calls synthOrganization); default this process's. */
  workerScript?: string;
  /**
   * What the stacks are built from (the parsed config), handed to the workers in their job (workerPayload):
   * a worker does not read and validate the config file again, and builds from what this process validated.
   */
  payload?: unknown;
}

export interface SynthResult {
  /** Stacks written, in app order. */
  stacks: string[];
  /** Stacks of the previous output that are gone. */
  removed: string[];
  /** Stacks built by this synth; the others were taken over unchanged from the previous output. */
  built: string[];
  /** Stacks whose files changed (or are new): a built stack that came out byte-identical keeps its old files. */
  rewritten: string[];
}

/** One stack of the app: what it is built from and how. */
export interface StackSource {
  name: string;
  /** Stacks deployed before this one (the manifest's dependencies: `cdktf deploy '*'` follows them). */
  dependsOn: readonly string[];
  /** Everything the stack is built from besides the code: with the code it decides whether a stack is rebuilt. */
  inputs: unknown;
  build(app: App): TerraformStack;
}

/** Beside manifest.json: the code, each stack's inputs and the files synth wrote for it. */
const INPUTS_FILE = 'org-guard-inputs.json';
/** In the scratch folder while workers run: the stacks to build and what they are built from (v8 serialized). */
const JOB_FILE = 'org-guard-synth-job.bin';

interface Job {
  code: string;
  /** Stack name: hash of its inputs, for the stacks to build. */
  stacks: Record<string, string>;
  payload: unknown;
}

let jobRead: { file: string; job: Job } | undefined;
function readJob(outdir: string): Job {
  const file = path.join(outdir, JOB_FILE);
  if (jobRead?.file !== file) jobRead = { file, job: deserialize(readFileSync(file)) as Job };
  return jobRead.job;
}

/**
 * In a synth worker: the payload the parent passed to synthOrganization (the config it validated). Code that
 * is not the parent's (dist/ rebuilt meanwhile) may read it differently: it stops here, before building.
 */
export function workerPayload<T>(outdir: string = outdirFromEnv()): T {
  const job = readJob(outdir);
  if (job.code !== codeFingerprint()) throw new SynthSetupError('the code changed while synth ran; run synth again');
  return job.payload as T;
}

interface InputsRecord {
  code: string;
  /** Stack name: hash of its inputs. */
  stacks: Record<string, string>;
  /** Stack name: each file synth wrote in its folder (relative to the output folder) and its sha256. */
  files: Record<string, Record<string, string>>;
}

/** What one process built: manifest entries and the files it wrote, by stack. */
interface Built {
  entries: Record<string, ManifestEntry>;
  files: Record<string, Record<string, string>>;
}

/**
 * Synthesizes the stacks into a scratch directory beside the output and swaps it in only when all were
 * written: a failure part-way leaves the previous output untouched, never a mix of old and new stacks.
 * Incremental: a stack whose inputs and code are those of the previous output, and whose files are still
 * what synth wrote, is not built; those files are hard-linked from the previous output (so not rewritten)
 * and its manifest entry kept. A stack folder holds only what synth wrote (plus `.terraform*`), as with a
 * full synth. Many stacks to build are split across worker processes (member stacks are independent: names
 * that cross stacks are derived from the config, never cdktf cross-stack references).
 */
export async function synthOrganization(
  sources: readonly StackSource[],
  outdir: string = outdirFromEnv(),
  options: SynthOptions = {},
): Promise<SynthResult> {
  const shardSpec = process.env[SHARD_ENV];
  if (shardSpec) {
    const [shard, shards] = shardSpec.split('/').map(Number);
    runShard(sources, outdir, shard, shards);
    return { stacks: [], removed: [], built: [], rewritten: [] };
  }

  const scratch = `${outdir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  removeLeftovers(outdir);
  let children: Worker[] = [];
  // Ctrl-C reaches this process too (the terminal signals the whole group): the scratch folder goes with it.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const child of children) child.kill();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(128 + constants.signals[signal]);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    const hashes = new WeakMap<object, string>();
    const inputs = { code: codeFingerprint(), stacks: Object.fromEntries(sources.map((s) => [s.name, inputsHash(s.inputs, hashes)])) };
    const previous = previousOutput(outdir, inputs.code);
    const stale = sources.filter((s) => !previous?.reusable(s.name, inputs.stacks[s.name]));
    const workers = Math.min(options.workers ?? (stale.length >= PARALLEL_MIN_STACKS ? Math.min(4, Math.max(1, cpus().length)) : 1), Math.max(1, stale.length));
    mkdirSync(path.join(scratch, 'stacks'), { recursive: true });
    if (workers > 1) {
      // Workers build from the payload and load the code themselves: they check both against what this process hashed.
      const job: Job = { code: inputs.code, stacks: Object.fromEntries(stale.map((s) => [s.name, inputs.stacks[s.name]])), payload: options.payload };
      writeFileSync(path.join(scratch, JOB_FILE), serialize(job));
      const heap = synthHeapFromEnv();
      children = Array.from({ length: workers }, (_, i) => runWorker(options.workerScript ?? process.argv[1], scratch, i, workers, heap));
    }
    return await synthAndSwap({ sources, stale, inputs, previous, outdir, scratch, workers, children });
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

/** A worker: builds every `shards`-th stack of the job, after checking it sees the code and inputs the parent hashed. */
function runShard(sources: readonly StackSource[], outdir: string, shard: number, shards: number): void {
  const job = readJob(outdir);
  const mine = new Set(Object.keys(job.stacks).filter((_, i) => i % shards === shard));
  const share = sources.filter((s) => mine.has(s.name));
  const hashes = new WeakMap<object, string>();
  const changed = codeFingerprint() !== job.code ? 'the code' : share.find((s) => inputsHash(s.inputs, hashes) !== job.stacks[s.name])?.name;
  if (changed || share.length !== mine.size) {
    throw new SynthSetupError(changed && changed !== 'the code'
      ? `the inputs of stack ${changed} differ between the synth processes (the code changed while synth ran?); run synth again`
      : 'the code changed while synth ran; run synth again');
  }
  const built = writeStacks(outdir, share);
  writeFileSync(path.join(outdir, `built.shard-${shard}.json`), JSON.stringify(built));
}

type Worker = Promise<void> & { kill(): void };

interface SynthRun {
  sources: readonly StackSource[];
  stale: readonly StackSource[];
  inputs: Omit<InputsRecord, 'files'>;
  previous: PreviousOutput | undefined;
  outdir: string;
  scratch: string;
  workers: number;
  children: Worker[];
}

async function synthAndSwap(run: SynthRun): Promise<SynthResult> {
  const { sources, stale, inputs, previous, outdir, scratch, workers, children } = run;
  let result: SynthResult;
  try {
    let built: Built;
    if (workers <= 1) {
      built = writeStacks(scratch, stale);
    } else {
      await Promise.all(children);
      built = readShards(scratch, workers);
      rmSync(path.join(scratch, JOB_FILE), { force: true });
    }
    const staleNames = new Set(stale.map((s) => s.name));
    const files: InputsRecord['files'] = {};
    const rewritten: string[] = [];
    for (const source of sources) {
      const name = source.name;
      if (!staleNames.has(name)) {
        files[name] = previous!.files[name];
        linkFiles(previous!.dir, scratch, files[name]);
      } else {
        files[name] = built.files[name];
        if (!previous?.sameFiles(name, files[name])) rewritten.push(name);
        else linkFiles(previous.dir, scratch, files[name]);
      }
    }
    const manifest = new App({ outdir: scratch }).manifest as unknown as ManifestWriter;
    manifest.stacks = Object.fromEntries(
      sources.map((s) => {
        const entry = staleNames.has(s.name) ? built.entries[s.name] : previous!.manifest[s.name];
        if (!entry) throw new Error(`stack ${s.name} was not synthesized by any worker`);
        return [s.name, { ...entry, dependencies: [...s.dependsOn] }];
      }),
    );
    manifest.writeToFile();
    writeFileSync(path.join(scratch, INPUTS_FILE), JSON.stringify({ ...inputs, files } satisfies InputsRecord));
    result = { stacks: sources.map((s) => s.name), removed: [], built: stale.map((s) => s.name), rewritten };
  } catch (e) {
    await Promise.allSettled(children);
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
  // The build ran without yielding: a Ctrl-C that came meanwhile is handled here, before the swap.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    return { ...result, removed: swapIn(scratch, outdir) };
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    if (e instanceof SynthSetupError) throw e;
    const shown = path.relative(process.cwd(), outdir) || outdir;
    throw new SynthSetupError(`cannot put the new stacks in place of ${shown}: ${e instanceof Error ? e.message : String(e)}; ${shown} is unchanged`);
  }
}

interface ManifestWriter {
  stacks: Record<string, ManifestEntry>;
  writeToFile(): void;
}
interface ManifestEntry {
  name: string;
  dependencies: string[];
  [field: string]: unknown;
}

/** Stacks built and written together: a batch's constructs are garbage once it is written. */
const BATCH_STACKS = 50;

/**
 * Builds the given stacks and writes them as App.synth would, a batch at a time in a fresh app each (stacks
 * are independent), so memory stays that of one batch; returns their manifest entries and written files.
 */
function writeStacks(outdir: string, sources: readonly StackSource[]): Built {
  const built: Built = { entries: {}, files: {} };
  for (let start = 0; start < sources.length; start += BATCH_STACKS) {
    const batch = sources.slice(start, start + BATCH_STACKS);
    try {
      withBatchTokens(() => {
        const app = new App({ outdir });
        const stacks = batch.map((s) => s.build(app));
        stacks.forEach((stack) => stack.prepareStack());
        for (const stack of stacks) {
          const remoteState = stack.node.findAll().find((c) => (c as { terraformResourceType?: string }).terraformResourceType === 'terraform_remote_state');
          if (remoteState) {
            throw new Error(`${remoteState.node.path}: a cross-stack reference; org-guard builds each stack on its own, so derive the value from the config instead`);
          }
        }
        const session = { outdir: app.outdir, skipValidation: false, manifest: app.manifest };
        stacks.forEach((stack) => synthesizeStack(stack, session));
        Object.assign(built.entries, (app.manifest as unknown as ManifestWriter).stacks);
      });
    } catch (e) {
      // cdktf's own words when a token of an earlier batch (dropped with it) is resolved in this one.
      if (start > 0 && e instanceof Error && /Unrecognized Token Key|unknown number Token/i.test(e.message)) {
        throw new Error(
          `stacks ${batch[0].name}..${batch[batch.length - 1].name} use a token created while building an earlier batch of stacks (${e.message.split('\n')[0]}); stacks must not share cdktf tokens (values from Fn, Lazy, Token or resource attributes): create them per stack`,
        );
      }
      throw e;
    }
  }
  for (const name of Object.keys(built.entries)) built.files[name] = writtenFiles(outdir, name);
  return built;
}

/** Every file synth wrote in a stack's folder (relative to the output folder) and its sha256. */
function writtenFiles(outdir: string, stack: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(outdir, relative), { withFileTypes: true })) {
      const file = path.join(relative, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.isFile()) files[file] = sha256(path.join(outdir, file));
    }
  };
  visit(path.join('stacks', stack));
  return files;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function readShards(outdir: string, shards: number): Built {
  const built: Built = { entries: {}, files: {} };
  for (let shard = 0; shard < shards; shard++) {
    const file = path.join(outdir, `built.shard-${shard}.json`);
    const part = JSON.parse(readFileSync(file, 'utf8')) as Built;
    Object.assign(built.entries, part.entries);
    Object.assign(built.files, part.files);
    rmSync(file);
  }
  return built;
}

interface PreviousOutput {
  dir: string;
  manifest: Record<string, ManifestEntry>;
  files: InputsRecord['files'];
  /** Built from these inputs by this code, its manifest entry there, and its files still what synth wrote. */
  reusable(stack: string, inputs: string): boolean;
  /** The previous output has exactly these files for the stack, unchanged since synth wrote them. */
  sameFiles(stack: string, files: Record<string, string>): boolean;
}

/**
 * The previous output. Its recorded inputs count only when it was built by the same code; a stack's files
 * count only while they are what synth wrote (a hand-edited cdk.tf.json is rebuilt, not carried over).
 */
function previousOutput(outdir: string, code: string): PreviousOutput | undefined {
  if (!existsSync(path.join(outdir, 'stacks'))) return undefined;
  let recorded: InputsRecord = { code: '', stacks: {}, files: {} };
  let manifest: Record<string, ManifestEntry> = {};
  try {
    recorded = JSON.parse(readFileSync(path.join(outdir, INPUTS_FILE), 'utf8')) as InputsRecord;
    manifest = (JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, ManifestEntry> }).stacks;
  } catch {
    return undefined;
  }
  const intact = new Map<string, boolean>();
  const unchanged = (stack: string) => {
    if (!intact.has(stack)) {
      const files = recorded.files?.[stack];
      intact.set(stack, !!files && Object.entries(files).every(([file, hash]) => existsSync(path.join(outdir, file)) && sha256(path.join(outdir, file)) === hash));
    }
    return intact.get(stack)!;
  };
  return {
    dir: outdir,
    manifest,
    files: recorded.files ?? {},
    reusable: (stack, inputs) => recorded.code === code && recorded.stacks[stack] === inputs && !!manifest[stack] && unchanged(stack),
    sameFiles: (stack, files) => {
      const before = recorded.files?.[stack];
      return !!before && JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(files).sort()) && unchanged(stack);
    },
  };
}

/** Files of the previous output, hard-linked (not rewritten) into the new one in place of what is there. */
function linkFiles(from: string, to: string, files: Record<string, string>): void {
  for (const file of Object.keys(files)) {
    const target = path.join(to, file);
    mkdirSync(path.dirname(target), { recursive: true });
    rmSync(target, { force: true });
    try {
      linkSync(path.join(from, file), target);
    } catch {
      copyFileSync(path.join(from, file), target);
    }
  }
}

/**
 * What the output depends on besides the stack inputs: the app's code (every .js, .ts or .json file beside this
 * one and below it, outside tools/, tests and output folders), the versions of cdktf and the provider bindings, the folder synth runs in
 * (the local backend's state path) and the context the cdktf CLI passes. Any change rebuilds every stack.
 */
const NOT_APP_CODE = /^(\..*|node_modules|test|dist|coverage|reports|bench-out|cdktf\.out.*)$/;

export function codeFingerprint(root: string = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_APP_CODE.test(entry.name) && !(dir === root && entry.name === 'tools')) visit(full);
      } else if (/\.(js|ts|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        hash.update(`${path.relative(root, full)}\0`).update(readFileSync(full)).update('\0');
      }
    }
  };
  visit(root);
  for (const pkg of ['cdktf', '@cdktf/provider-aws', 'constructs']) {
    hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
  }
  hash.update(`${process.cwd()}\0${env.CDKTF_CONTEXT_JSON ?? ''}\0${env.SYNTH_HCL_OUTPUT ?? ''}`);
  return hash.digest('hex');
}

/**
 * A content hash of the stack inputs (what YAML and the schema produce). Objects are hashed once each (the
 * shared config of a thousand member stacks is one object). Sets, maps and dates hash by content; anything
 * JSON would not carry faithfully and that has no content to hash (a function, a class instance) is refused
 * rather than silently hashed as `{}`.
 */
export function inputsHash(value: unknown, seen: WeakMap<object, string> = new WeakMap()): string {
  return createHash('sha256').update(canonical(value, seen)).digest('hex');
}

function canonical(value: unknown, seen: WeakMap<object, string>): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : `"#${String(value)}"`;
  if (typeof value === 'undefined') return 'u';
  if (typeof value !== 'object') throw new Error(`cannot hash a ${typeof value} among the stack inputs`);
  const known = seen.get(value);
  if (known) return known;
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((v) => canonical(v, seen)).join(',')}]`;
  } else if (value instanceof Set) {
    text = `Set[${[...value].map((v) => canonical(v, seen)).join(',')}]`;
  } else if (value instanceof Map) {
    text = `Map[${[...value].map(([k, v]) => `${canonical(k, seen)}:${canonical(v, seen)}`).join(',')}]`;
  } else if (value instanceof Date) {
    text = `Date(${value.toISOString()})`;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Error(`cannot hash a ${proto?.constructor?.name ?? 'object'} among the stack inputs: use plain data`);
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], seen)}`);
    text = `{${entries.join(',')}}`;
  }
  const digest = `#${createHash('sha256').update(text).digest('hex')}`;
  seen.set(value, digest);
  return digest;
}

/**
 * The cdktf CLI lists `stacks/*` before it runs the app and afterwards deletes the folders of stacks the
 * app no longer has, with `rmSync` and no `force` (cdktf-cli 0.21, @cdktf/cli-core synth-stack.js): a
 * folder the swap already took away fails the whole command with ENOENT. So under the CLI each removed
 * stack keeps an empty folder for the CLI to delete; the manifest never lists it.
 */
export function underCdktfCli(env: NodeJS.ProcessEnv = process.env): boolean {
  // set only by the CLI's synth step (synth-stack.js), for every command that synthesizes
  return env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === 'true';
}

function stackDirs(outdir: string): string[] {
  const dir = path.join(outdir, 'stacks');
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
}

function runWorker(script: string, outdir: string, shard: number, shards: number, heapMb: number): Worker {
  let child: ReturnType<typeof spawn> | undefined;
  const done = new Promise<void>((resolve, reject) => {
    child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, script], {
      env: { ...process.env, CDKTF_OUTDIR: outdir, [SHARD_ENV]: `${shard}/${shards}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      if (/heap out of memory/i.test(stderr)) {
        return reject(new SynthSetupError(`synth worker ${shard + 1} of ${shards} ran out of memory with its ${heapMb} MB heap: set ${HEAP_ENV}=${heapMb * 2} and run synth again`));
      }
      // A worker's own problem (e.g. the code changed meanwhile) is its last line; anything else in full.
      const told = /SynthSetupError|changed while synth ran/.test(stderr) ? stderr.trim().split('\n').pop() : undefined;
      reject(told ? new SynthSetupError(told) : new Error(`synth worker ${shard + 1} of ${shards} failed (${code === null ? signal : `exit ${code}`}):\n${stderr}`));
    });
  });
  return Object.assign(done, { kill: () => void child?.kill() });
}

/** Returns the stacks of the previous output that the new one no longer has. */
function swapIn(scratch: string, outdir: string): string[] {
  const previous = `${outdir}.previous-${process.pid}`;
  const hadOutput = existsSync(outdir);
  checkOutdir(outdir);
  const written = new Set(stackDirs(scratch));
  const removed = stackDirs(outdir).filter((stack) => !written.has(stack));
  if (!hadOutput) {
    renameSync(scratch, outdir);
    return removed;
  }
  renameSync(outdir, previous);
  try {
    carryOverTerraformState(previous, scratch);
    if (underCdktfCli()) for (const stack of removed) mkdirSync(path.join(scratch, 'stacks', stack), { recursive: true });
    renameSync(scratch, outdir);
  } catch (e) {
    // the previous output goes back as it was, with its providers and lock files
    carryOverTerraformState(scratch, previous);
    renameSync(previous, outdir);
    throw e;
  }
  rmSync(previous, { recursive: true, force: true });
  return removed;
}

/** Keeps each stack's `.terraform` directory and dependency lock file across syntheses, as cdktf does. */
function carryOverTerraformState(from: string, to: string): void {
  const oldStacks = path.join(from, 'stacks');
  if (!existsSync(oldStacks)) return;
  for (const stack of readdirSync(oldStacks)) {
    const target = path.join(to, 'stacks', stack);
    if (!existsSync(target)) continue;
    for (const entry of readdirSync(path.join(oldStacks, stack))) {
      if (entry.startsWith('.terraform')) renameSync(path.join(oldStacks, stack, entry), path.join(target, entry));
    }
  }
}

// The cdktf tuning lived here first; callers still import it from synth.
export { knownTerraformVersion, tuneCdktf } from './cdktf-tuning';
import { synthesizeStack, withBatchTokens } from './cdktf-tuning';
