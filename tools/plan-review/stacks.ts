import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { appendFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The stack list CI fans out over, from cdktf's manifest: every stack, in dependency order, split
 * into `core` (stacks others depend on, applied one after another) and `leaves` (nothing depends
 * on them, so they can be applied in parallel once the core is done).
 */
export interface StackOrder {
  all: string[];
  core: string[];
  leaves: string[];
}

export function stackOrder(manifest: { stacks?: Record<string, { dependencies?: string[] }> }): StackOrder {
  const stacks = manifest.stacks ?? {};
  const names = Object.keys(stacks).sort();
  const deps = new Map(names.map((n) => [n, [...(stacks[n].dependencies ?? [])]]));
  for (const [n, ds] of deps) {
    for (const d of ds) if (!deps.has(d)) throw new Error(`stack "${n}" depends on "${d}", which is not in the manifest`);
  }
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, trail: string[]) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') throw new Error(`stack dependency cycle: ${[...trail, n].join(' -> ')}`);
    state.set(n, 'visiting');
    for (const d of deps.get(n)!) visit(d, [...trail, n]);
    state.set(n, 'done');
    ordered.push(n);
  };
  for (const n of names) visit(n, []);
  const depended = new Set([...deps.values()].flat());
  return {
    all: ordered,
    core: ordered.filter((n) => depended.has(n)),
    leaves: ordered.filter((n) => !depended.has(n)),
  };
}

/** GitHub Actions runs at most 256 jobs per matrix (https://docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/run-job-variations#using-a-matrix-strategy). */
export const MAX_MATRIX_JOBS = 256;

/** One matrix job: a label for its name and the stacks it handles, space-separated, in order. */
export interface Shard {
  name: string;
  stacks: string;
}

/**
 * Splits stacks over at most `maxJobs` jobs: one stack per job while that fits (the job is named after
 * its stack), otherwise contiguous runs of equal size (the last one may be shorter).
 */
export function shard(stacks: readonly string[], maxJobs = MAX_MATRIX_JOBS): Shard[] {
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new Error(`max jobs must be a positive integer, not ${maxJobs}`);
  const per = Math.max(1, Math.ceil(stacks.length / maxJobs));
  const shards: Shard[] = [];
  for (let i = 0; i < stacks.length; i += per) {
    const part = stacks.slice(i, i + per);
    shards.push({
      name: part.length === 1 ? part[0] : `${part[0]} … ${part[part.length - 1]} (${part.length} stacks)`,
      stacks: part.join(' '),
    });
  }
  return shards;
}

/**
 * The step outputs of the stack list, each a JSON value (`name=<JSON>` in GITHUB_OUTPUT):
 * - `core`: the selected stacks others depend on, in dependency order (one job applies them in turn);
 * - `plan`: a matrix (`include`) of shards over every selected stack;
 * - `leaves`: a matrix of shards over the selected stacks nothing depends on (deployed in parallel).
 * `only` restricts the selection (the output of changed-stacks); without it every stack is selected.
 */
export function stackOutputs(order: StackOrder, only?: readonly string[], maxJobs = MAX_MATRIX_JOBS): { core: string[]; plan: Shard[]; leaves: Shard[] } {
  let keep = (_: string) => true;
  if (only) {
    const unknown = only.filter((n) => !order.all.includes(n));
    if (unknown.length > 0) throw new Error(`not stacks of this output: ${unknown.join(', ')}`);
    const wanted = new Set(only);
    keep = (n) => wanted.has(n);
  }
  return {
    core: order.core.filter(keep),
    plan: shard(order.all.filter(keep), maxJobs),
    leaves: shard(order.leaves.filter(keep), maxJobs),
  };
}

function cli(args: string[]): string[] {
  let outdir = 'cdktf.out';
  let only: string[] | undefined;
  let maxJobs = MAX_MATRIX_JOBS;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--only') {
      const file = args[++i];
      if (!file) throw new Error('--only needs a file: stack names, one per line (the output of changed-stacks)');
      only = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    } else if (a === '--max-jobs') {
      maxJobs = Number(args[++i]);
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}`);
    } else {
      outdir = a;
    }
  }
  const order = stackOrder(JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')));
  return Object.entries(stackOutputs(order, only, maxJobs)).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

// usage: stacks.js [cdktf.out] [--only <file>] [--max-jobs 256]
if (require.main === module) {
  let lines: string[];
  try {
    lines = cli(process.argv.slice(2));
  } catch (e) {
    console.error(`stacks: ${(e as Error).message}`);
    process.exit(2);
  }
  // In GitHub Actions, each value becomes a step output usable with fromJSON().
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}
