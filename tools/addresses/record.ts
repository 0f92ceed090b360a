import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { buildApp } from '../../app';
import { loadConfig } from '../../config/load';
import { PROTECTED_RESOURCES } from '../plan-review/protected-resources';

// The resource addresses of the bundled configs are a contract with every organization that deployed
// them: an address that changes between versions is a destroy plus a create in Terraform. The record
// under addresses/ makes each change of an address a reviewed, one-line diff.

/** The configs whose addresses are recorded: what users start from. */
export const RECORDED_EXAMPLES: readonly { name: string; file: string }[] = [
  { name: 'organization', file: 'config/organization.yaml' },
  { name: 'full', file: 'config/examples/full.yaml' },
];

export const RECORD_DIR = 'addresses';

export interface Move {
  from: string;
  to: string;
}

export interface StackAddresses {
  /** `<type>.<name>` of every managed resource, sorted. */
  addresses: string[];
  /** The stack's Terraform `moved` blocks. */
  moves: Move[];
  /** Addresses of `removed` blocks with `destroy = false`: left in AWS, no longer managed. */
  forgotten?: string[];
}

/** Stack name -> addresses, for one config. */
export type Synthesized = Map<string, StackAddresses>;
/** Stack name -> recorded addresses, for one config. */
export type Recorded = Map<string, string[]>;

/** Resource types whose loss is data loss or an outage: plan review's protected list. */
export function protectedTypes(): Set<string> {
  return new Set(PROTECTED_RESOURCES.map((r) => r.type));
}

/** Addresses of every stack the app builds, straight from the Terraform JSON cdktf would write. */
export function synthesizeAddresses(configFile: string): Synthesized {
  const app = new App({ outdir: path.join(tmpdir(), 'org-guard-addresses-unused') });
  buildApp(loadConfig(path.resolve(configFile)), app);
  const result: Synthesized = new Map();
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    stack.prepareStack();
    const tf = stack.toTerraform() as {
      resource?: Record<string, Record<string, unknown>>;
      moved?: { from: string; to: string }[];
      removed?: { from: string; lifecycle?: { destroy?: boolean } }[];
    };
    const addresses = Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`));
    result.set(stack.node.id, {
      addresses: addresses.sort(),
      moves: (tf.moved ?? []).map((m) => ({ from: m.from, to: m.to })),
      forgotten: (tf.removed ?? []).filter((r) => r.lifecycle?.destroy === false).map((r) => r.from),
    });
  }
  return result;
}

export function readRecord(dir: string, example: string): Recorded {
  const folder = path.join(dir, example);
  const record: Recorded = new Map();
  if (!existsSync(folder)) return record;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.txt')).sort()) {
    const lines = readFileSync(path.join(folder, file), 'utf8').split('\n').map((l) => l.trim());
    record.set(file.slice(0, -'.txt'.length), lines.filter((l) => l && !l.startsWith('#')));
  }
  return record;
}

export function writeRecord(dir: string, example: string, synthesized: Synthesized): void {
  const folder = path.join(dir, example);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [stack, { addresses }] of [...synthesized].sort(([a], [b]) => a.localeCompare(b))) {
    writeFileSync(path.join(folder, `${stack}.txt`), `${addresses.join('\n')}\n`);
  }
}

export interface Removal {
  stack: string;
  address: string;
  /** A protected resource type: `--update` refuses to drop it. */
  protected: boolean;
}

export interface AddressDiff {
  /** Recorded addresses that are gone and no `moved` block maps anywhere. */
  removed: Removal[];
  /** Recorded addresses that a `moved` block maps to an address the synth has. */
  moved: { stack: string; from: string; to: string }[];
  /** Unprotected recorded addresses that a `removed` block (destroy = false) forgets: nothing is destroyed. */
  forgotten: { stack: string; address: string }[];
  /** Addresses the synth has that the record lacks (targets of recorded moves excluded). */
  added: { stack: string; address: string }[];
}

/** Compares a fresh synth with the record; a moved block only counts when its target exists. */
export function compareAddresses(recorded: Recorded, synthesized: Synthesized, guarded = protectedTypes()): AddressDiff {
  const diff: AddressDiff = { removed: [], moved: [], forgotten: [], added: [] };
  const stacks = new Set([...recorded.keys(), ...synthesized.keys()]);
  for (const stack of [...stacks].sort()) {
    const before = new Set(recorded.get(stack) ?? []);
    const now = synthesized.get(stack) ?? { addresses: [], moves: [] };
    const present = new Set(now.addresses);
    for (const address of [...before].sort()) {
      if (present.has(address)) continue;
      const to = followMoves(address, now.moves);
      const isProtected = guarded.has(address.split('.')[0]);
      if (to && present.has(to)) diff.moved.push({ stack, from: address, to });
      // A protected resource must keep being managed: forgetting it is refused like a destroy.
      else if (!isProtected && (now.forgotten ?? []).includes(address)) diff.forgotten.push({ stack, address });
      else diff.removed.push({ stack, address, protected: isProtected });
    }
    // The target of a move is recorded through its source until the next --update.
    const moveTargets = new Set(diff.moved.filter((m) => m.stack === stack).map((m) => m.to));
    for (const address of now.addresses) {
      if (!before.has(address) && !moveTargets.has(address)) diff.added.push({ stack, address });
    }
  }
  return diff;
}

/** Terraform chains moves (a -> b, b -> c); so does this. */
function followMoves(address: string, moves: Move[]): string | undefined {
  let current = address;
  const seen = new Set<string>();
  for (;;) {
    const next = moves.find((m) => m.from === current);
    if (!next || seen.has(next.to)) return current === address ? undefined : current;
    seen.add(next.to);
    current = next.to;
  }
}

export function isClean(diff: AddressDiff): boolean {
  return diff.removed.length === 0 && diff.added.length === 0;
}

/** The lines a reviewer reads: every removal with the reason it matters, then what was added or moved. */
export function describeDiff(example: string, diff: AddressDiff): string[] {
  const lines: string[] = [];
  for (const r of diff.removed) {
    lines.push(r.protected
      ? `${example}/${r.stack}: ${r.address} disappeared: it is a protected resource (${r.address.split('.')[0]}), so Terraform would destroy it in every organization that upgrades; keep its construct id, or add a moved block from "${r.address}" to its new address (cdktf: moveFromId / moveTo)`
      : `${example}/${r.stack}: ${r.address} disappeared: Terraform will destroy it on upgrade; add a moved block from "${r.address}" if it was renamed, or record the removal with npm run addresses -- --update`);
  }
  for (const m of diff.moved) lines.push(`${example}/${m.stack}: ${m.from} -> ${m.to} (moved block)`);
  for (const f of diff.forgotten) lines.push(`${example}/${f.stack}: ${f.address} is forgotten, not destroyed (removed block, destroy = false)`);
  for (const a of diff.added) lines.push(`${example}/${a.stack}: ${a.address} is new: record it with npm run addresses -- --update`);
  return lines;
}
