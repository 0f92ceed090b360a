import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { OrgConfig } from '../../config/schema';
import { CONTROLS, type Control } from './controls';
import { CoverageContext, missing, notProvided, type Account, type Cell, type StackJson, type Status } from './model';

export interface Coverage {
  organizationId: string;
  accounts: Account[];
  regions: readonly string[];
  controls: readonly Pick<Control, 'id' | 'group' | 'label' | 'provided'>[];
  /** cells[control][account][region], indexes as in the arrays above. */
  cells: Cell[][][];
  /** Stacks missing for config accounts, or synthesized for accounts the config no longer has. */
  warnings: string[];
}

export function computeCoverage(
  config: OrgConfig,
  stacks: Readonly<Record<string, StackJson>>,
  controls: readonly Control[] = CONTROLS,
): Coverage {
  const ctx = new CoverageContext(config, stacks);
  const warnings: string[] = [];
  const names = new Set(ctx.accounts.map((a) => a.name));
  const noStack = new Set(ctx.accounts.filter((a) => !(a.name in stacks)).map((a) => a.name));
  for (const n of noStack) warnings.push(`account "${n}" is in the config but has no synthesized stack: re-run synth (its cells show what others' stacks give it)`);
  for (const s of Object.keys(stacks)) {
    if (!names.has(s)) warnings.push(`stack "${s}" is synthesized but no account in the config has that name: the synthesized output is stale`);
  }
  // A red cell must be something the user can fix: a control org-guard cannot deploy is "not provided",
  // and a control the config switched off names the key that switches it on.
  const cells = controls.map((c) => {
    if (c.provided === false) return ctx.accounts.map(() => ctx.regions.map(() => notProvided()));
    const cell = c.prepare(ctx);
    const off = ctx.regions.map((r) => c.switchedOnBy?.(config, r));
    return ctx.accounts.map((a) =>
      ctx.regions.map((r, ri) => {
        const result = cell(a, r) ?? missing();
        return result.status === 'missing' && off[ri] ? missing(`off in the config: ${/^(add|remove) /.test(off[ri]!) ? '' : 'set '}${off[ri]}`) : result;
      }),
    );
  });
  return {
    organizationId: config.organization.id,
    accounts: ctx.accounts,
    regions: ctx.regions,
    controls: controls.map(({ id, group, label, provided }) => ({ id, group, label, provided })),
    cells,
    warnings,
  };
}

export function tally(cells: readonly Cell[]): Record<Status, number> {
  const t = { covered: 0, partial: 0, missing: 0, na: 0 };
  for (const c of cells) t[c.status]++;
  return t;
}

export class SynthOutputError extends Error {}

/** Reads `manifest.json` and every stack's `cdk.tf.json` from a cdktf output directory. */
export function readSynthesized(outdir: string): Record<string, StackJson> {
  const manifestPath = path.join(outdir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new SynthOutputError(`${manifestPath} not found: synthesize first (npm run synth) or pass --out <cdktf output dir>`);
  }
  let manifest: any;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new SynthOutputError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  if (!manifest || typeof manifest.stacks !== 'object') throw new SynthOutputError(`${manifestPath}: no "stacks" object; not a cdktf manifest`);
  const stacks: Record<string, StackJson> = {};
  for (const [name, entry] of Object.entries<any>(manifest.stacks)) {
    const file = path.join(outdir, String(entry?.synthesizedStackPath ?? `stacks/${name}/cdk.tf.json`));
    try {
      stacks[name] = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SynthOutputError(`${file}: cannot read stack "${name}" (${(e as Error).message})`);
    }
  }
  return stacks;
}

/** Accounts whose every cell reads the same, in account order: a large organization has a handful. */
export function accountGroups(cov: Coverage): number[][] {
  const groups = new Map<string, number[]>();
  cov.accounts.forEach((_, ai) => {
    const k = JSON.stringify(cov.cells.map((byAccount) => byAccount[ai].map((c) => [c.status, c.how])));
    const g = groups.get(k);
    if (g) g.push(ai);
    else groups.set(k, [ai]);
  });
  return [...groups.values()];
}
