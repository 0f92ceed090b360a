import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, cpus } from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';

/** Where cdktf expects the output: the CLI passes CDKTF_OUTDIR; plain `node dist/main.js` uses cdktf.out. */
export function outdirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CDKTF_OUTDIR || 'cdktf.out');
}

/** Set in the worker processes of a parallel synth: `<shard>/<shards>`. */
export const SHARD_ENV = 'ORG_GUARD_SYNTH_SHARD';
/** Below this many stacks a second process costs more than it saves. */
const PARALLEL_MIN_STACKS = 150;
export const WORKERS_ENV = 'ORG_GUARD_SYNTH_WORKERS';

/** A problem with the output folder or the synth settings, printed as itself (no stack trace). */
export class SynthSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthSetupError';
  }
}

/** ORG_GUARD_SYNTH_WORKERS: a whole number of processes; unset or empty leaves the choice to the stack count. */
export function synthWorkersFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[WORKERS_ENV]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new SynthSetupError(`${WORKERS_ENV} must be a whole number of synth processes (1 or more), got "${env[WORKERS_ENV]}"; unset it to let synth choose`);
  }
  return Number(raw);
}

export interface SynthOptions {
  /** How many stacks the app will have: large organizations get one process per core (at most 4). */
  stackCount?: number;
  /** Processes to synthesize with; overrides the choice made from stackCount. */
  workers?: number;
  /** The script a worker runs (it must call synthOrganization with the same config); default this process's. */
  workerScript?: string;
}

export interface SynthResult {
  /** Stacks written, in app order. */
  stacks: string[];
  /** Stacks of the previous output that are gone. */
  removed: string[];
}

/**
 * Synthesizes every stack into a scratch directory beside the output and swaps it in only when all were
 * written: a failure part-way leaves the previous output untouched, never a mix of old and new stacks.
 * Large organizations are split across processes by stack (member stacks are independent: names that
 * cross stacks are derived from the config, never cdktf cross-stack references).
 */
export async function synthOrganization(
  build: (outdir: string) => App,
  outdir: string = outdirFromEnv(),
  options: SynthOptions = {},
): Promise<SynthResult> {
  const shardSpec = process.env[SHARD_ENV];
  if (shardSpec) {
    const [shard, shards] = shardSpec.split('/').map(Number);
    writeShard(build(outdir), shard, shards);
    return { stacks: [], removed: [] };
  }

  const scratch = `${outdir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  removeLeftovers(outdir);
  const workers =
    options.workers ?? ((options.stackCount ?? 0) >= PARALLEL_MIN_STACKS ? Math.min(4, Math.max(1, cpus().length)) : 1);
  // Workers start first: each builds the app itself, so their start-up overlaps this process's build.
  const children = Array.from({ length: workers - 1 }, (_, i) =>
    runWorker(options.workerScript ?? process.argv[1], scratch, i + 1, workers),
  );
  // Ctrl-C reaches this process too (the terminal signals the whole group): the scratch folder goes with it.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const child of children) child.kill();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(128 + constants.signals[signal]);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    return await synthAndSwap(build, outdir, scratch, workers, children);
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

type Worker = Promise<void> & { kill(): void };

async function synthAndSwap(build: (outdir: string) => App, outdir: string, scratch: string, workers: number, children: Worker[]): Promise<SynthResult> {
  let stacks: string[];
  try {
    const app = build(scratch);
    stacks = stacksOf(app).map((stack) => stack.node.id);
    if (workers <= 1) {
      app.synth();
    } else {
      writeShard(app, 0, workers);
      await Promise.all(children);
      mergeShardManifests(scratch, app, workers);
    }
  } catch (e) {
    await Promise.allSettled(children);
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
  // The build ran without yielding: a Ctrl-C that came meanwhile is handled here, before the swap.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    return { stacks, removed: swapIn(scratch, outdir) };
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    if (e instanceof SynthSetupError) throw e;
    const shown = path.relative(process.cwd(), outdir) || outdir;
    throw new SynthSetupError(`cannot put the new stacks in place of ${shown}: ${e instanceof Error ? e.message : String(e)}; ${shown} is unchanged`);
  }
}

/** `<outdir>.partial-<pid>` and `<outdir>.previous-<pid>`: the scratch folders of a synth, running or killed. */
function scratchFolders(outdir: string): { kind: 'partial' | 'previous'; pid: number; folder: string }[] {
  const dir = path.dirname(outdir);
  const prefix = `${path.basename(outdir)}.`;
  return (existsSync(dir) ? readdirSync(dir) : []).flatMap((entry) => {
    const m = entry.startsWith(prefix) ? /^(partial|previous)-(\d+)$/.exec(entry.slice(prefix.length)) : null;
    return m ? [{ kind: m[1] as 'partial' | 'previous', pid: Number(m[2]), folder: path.join(dir, entry) }] : [];
  });
}

/**
 * Scratch folders of a synth that was killed (a process that no longer runs). A synth killed between its
 * two renames left only `.previous`: that is the last complete output, so it is put back.
 */
function removeLeftovers(outdir: string): void {
  for (const { kind, pid, folder } of scratchFolders(outdir)) {
    if (pid === process.pid || running(pid)) continue;
    if (kind === 'previous' && !existsSync(outdir)) renameSync(folder, outdir);
    else rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * After Ctrl-C the cdktf CLI exits without waiting for the app, and the app handles the signal only when
 * its synchronous build ends: wait for every synth still running on `outdir` to remove its scratch
 * folder, so the prompt comes back with the output settled. Returns the folders still there at the deadline.
 */
export async function settleInterruptedSynth(outdir: string = outdirFromEnv(), timeoutMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const busy = () => scratchFolders(outdir).filter(({ pid }) => pid !== process.pid && running(pid));
  while (busy().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  removeLeftovers(outdir);
  return busy().map(({ folder }) => folder);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
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

function stacksOf(app: App): TerraformStack[] {
  return app.node.findAll().filter(TerraformStack.isStack);
}

/** What App.synth does, for every `shards`-th stack; the manifest part goes to a fragment file. */
function writeShard(app: App, shard: number, shards: number): void {
  const mine = stacksOf(app).filter((_, i) => i % shards === shard);
  mine.forEach((stack) => stack.prepareStack());
  for (const stack of mine) {
    const remoteState = stack.node.findAll().find((c) => (c as { terraformResourceType?: string }).terraformResourceType === 'terraform_remote_state');
    if (remoteState) {
      throw new Error(`${remoteState.node.path}: a cross-stack reference cannot be synthesized in parallel; derive the value from the config instead`);
    }
  }
  const session = { outdir: app.outdir, skipValidation: false, manifest: app.manifest };
  mine.forEach((stack) => stack.synthesizer.synthesize(session));
  writeFileSync(path.join(app.outdir, `manifest.shard-${shard}.json`), JSON.stringify(app.manifest.stacks));
}

function runWorker(script: string, outdir: string, shard: number, shards: number): Worker {
  let child: ReturnType<typeof spawn> | undefined;
  const done = new Promise<void>((resolve, reject) => {
    child = spawn(process.execPath, [script], {
      env: { ...process.env, CDKTF_OUTDIR: outdir, [SHARD_ENV]: `${shard}/${shards}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`synth worker ${shard}/${shards} failed (${code === null ? signal : `exit ${code}`}):\n${stderr}`)),
    );
  });
  return Object.assign(done, { kill: () => void child?.kill() });
}

/** One manifest, written by cdktf's own writer as App.synth would have. */
function mergeShardManifests(outdir: string, app: App, shards: number): void {
  for (let shard = 0; shard < shards; shard++) {
    const file = path.join(outdir, `manifest.shard-${shard}.json`);
    Object.assign(app.manifest.stacks, JSON.parse(readFileSync(file, 'utf8')));
    rmSync(file);
  }
  const missing = stacksOf(app).filter((stack) => !app.manifest.stacks[stack.node.id]);
  if (missing.length > 0) throw new Error(`stacks not synthesized by any worker: ${missing.map((s) => s.node.id).join(', ')}`);
  app.manifest.writeToFile();
}

/** The output folder, if it exists, must be a folder: synth replaces it as a whole. */
export function checkOutdir(outdir: string = outdirFromEnv()): void {
  if (existsSync(outdir) && !statSync(outdir).isDirectory()) {
    const shown = path.relative(process.cwd(), outdir) || outdir;
    throw new SynthSetupError(`${shown} is a file, not the output folder: move or delete it (synth writes the stacks into a folder of that name)`);
  }
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

/**
 * Two cdktf costs that grow with the app and buy nothing here; ORG_GUARD_CDKTF_DEFAULTS=1 restores both.
 * - A full stack trace for every token (each nested block of each resource), kept only to decorate
 *   token error messages: at 100,000+ resources that was most of the build time.
 * - `terraform version` run once per import block to check Terraform >= 1.5: the answer cannot change
 *   within one synth, so it is asked once per command, and not at all once main.ts has checked the
 *   version itself (`knownTerraformVersion`).
 * Both patch modules of the pinned cdktf 0.21.0, whose callers read these members at call time.
 */
export function tuneCdktf(env: NodeJS.ProcessEnv = process.env): void {
  if (env.ORG_GUARD_CDKTF_DEFAULTS === '1') return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];

  const { ValidateBinaryVersion } = require('cdktf/lib/validations/validate-binary-version') as {
    ValidateBinaryVersion: { prototype: { validate(this: BinaryVersionCheck): string[] } };
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const check = ValidateBinaryVersion.prototype.validate;
  const answers = new Map<string, string[]>();
  ValidateBinaryVersion.prototype.validate = function (this: BinaryVersionCheck) {
    const key = `${this.versionCommand}\0${this.versionConstraint}\0${this.hint ?? ''}`;
    if (!answers.has(key)) answers.set(key, answerFromKnown(this) ?? check.call(this));
    return answers.get(key)!;
  };
}

let terraformVersion: string | undefined;

/** The Terraform version main.ts found (terraform.ts): cdktf's own checks are answered from it. */
export function knownTerraformVersion(version: string): void {
  terraformVersion = version;
}

function answerFromKnown(v: BinaryVersionCheck): string[] | undefined {
  if (!terraformVersion || v.binary !== (process.env.TERRAFORM_BINARY_NAME || 'terraform')) return undefined;
  // cdktf's own semver, as ValidateBinaryVersion uses it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const semver = require(require.resolve('semver', { paths: [path.dirname(require.resolve('cdktf'))] })) as {
    satisfies(version: string, range: string): boolean;
  };
  return semver.satisfies(terraformVersion, v.versionConstraint)
    ? []
    : [`${v.binary} version ${terraformVersion} is lower than the required version ${v.versionConstraint} for this construct. ${v.hint ?? ''}`];
}

interface BinaryVersionCheck {
  binary: string;
  versionCommand: string;
  versionConstraint: string;
  hint?: string;
}
