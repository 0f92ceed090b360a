import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

// The synth settings and the output folder, without cdktf: the npm scripts (tools/cdktf.ts) check them before
// the cdktf CLI starts, in a process that should not pay for loading cdktf.

/** Where cdktf expects the output: the CLI passes CDKTF_OUTDIR; plain `node dist/main.js` uses cdktf.out. */
export function outdirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CDKTF_OUTDIR || 'cdktf.out');
}

/** Set in the worker processes of a parallel synth: `<shard>/<shards>`. */
export const SHARD_ENV = 'ORG_GUARD_SYNTH_SHARD';

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

export const HEAP_ENV = 'ORG_GUARD_SYNTH_HEAP_MB';
/**
 * Heap of each synth worker, in MB. A worker holds one batch of stacks at a time (about 60 MB live for 50
 * members at 17 regions), but V8 grows its heap lazily to several times that when nothing caps it.
 */
const DEFAULT_WORKER_HEAP_MB = 256;

/** ORG_GUARD_SYNTH_HEAP_MB: the heap cap of each synth worker process, a whole number of MB (64 or more). */
export function synthHeapFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[HEAP_ENV]?.trim();
  if (!raw) return DEFAULT_WORKER_HEAP_MB;
  if (!/^\d+$/.test(raw) || Number(raw) < 64) {
    throw new SynthSetupError(`${HEAP_ENV} must be a whole number of MB for each synth worker's heap (64 or more), got "${env[HEAP_ENV]}"; unset it for ${DEFAULT_WORKER_HEAP_MB}`);
  }
  return Number(raw);
}

/** `<outdir>.partial-<pid>` and `<outdir>.previous-<pid>`: the scratch folders of a synth, running or killed. */
export function scratchFolders(outdir: string): { kind: 'partial' | 'previous'; pid: number; folder: string }[] {
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
export function removeLeftovers(outdir: string): void {
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

/** The output folder, if it exists, must be a folder: synth replaces it as a whole. */
export function checkOutdir(outdir: string = outdirFromEnv()): void {
  if (existsSync(outdir) && !statSync(outdir).isDirectory()) {
    const shown = path.relative(process.cwd(), outdir) || outdir;
    throw new SynthSetupError(`${shown} is a file, not the output folder: move or delete it (synth writes the stacks into a folder of that name)`);
  }
}
