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

if (require.main === module) {
  const outdir = process.argv[2] ?? 'cdktf.out';
  const order = stackOrder(JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')));
  const lines = Object.entries(order).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  // In GitHub Actions, each list becomes a step output usable with fromJSON().
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}
