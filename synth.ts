import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { App } from 'cdktf';

/** Where cdktf expects the output: the CLI passes CDKTF_OUTDIR; plain `node dist/main.js` uses cdktf.out. */
export function outdirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CDKTF_OUTDIR || 'cdktf.out');
}

/**
 * Synthesizes into a scratch directory beside the output and swaps it in only when every stack was
 * written: a failure part-way leaves the previous output untouched, never a mix of old and new stacks.
 */
export function synthAtomically(build: (outdir: string) => App, outdir: string = outdirFromEnv()): void {
  const scratch = `${outdir}.partial-${process.pid}`;
  const previous = `${outdir}.previous-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    build(scratch).synth();
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
  const hadOutput = existsSync(outdir);
  if (hadOutput) {
    carryOverTerraformState(outdir, scratch);
    renameSync(outdir, previous);
  }
  renameSync(scratch, outdir);
  if (hadOutput) rmSync(previous, { recursive: true, force: true });
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
