import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { stackOrder } from './stacks';

/**
 * Which stacks a change touches, from two synthesized outputs (`cdktf.out` of the base and of the head):
 * CI plans and deploys only those. It compares the Terraform each stack will run, not cdktf's bookkeeping.
 */
export interface StackChanges {
  /** New or changed stacks, in the head's dependency order: what must be planned. */
  changed: string[];
  /** Stacks of the base that the head no longer synthesizes: their resources are left behind. */
  vanished: string[];
  /** Stacks whose Terraform is the same. */
  unchanged: string[];
}

class ChangedStacksError extends Error {}

interface Manifest {
  stacks?: Record<string, { synthesizedStackPath?: string; workingDirectory?: string; dependencies?: string[] }>;
}

/**
 * The stack's Terraform without what Terraform ignores or what only records where synth ran:
 * - every property named "//": Terraform's JSON syntax treats it as a comment
 *   (https://developer.hashicorp.com/terraform/language/syntax/json#comment-properties); cdktf puts its
 *   metadata there (construct path, cdktf version, and stack traces when they are enabled);
 * - the directory of a local backend's state file: org-guard writes the absolute path of the checkout
 *   (stacks/account-stack.ts), so the base synthesized in another directory would differ everywhere.
 * Object keys are sorted: their order means nothing in Terraform's JSON; array order is kept.
 */
export function normalizedTerraform(json: unknown): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if (k !== '//') out[k] = strip((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  const tf = strip(json) as { terraform?: { backend?: { local?: { path?: unknown } } } };
  const local = tf.terraform?.backend?.local;
  if (local && typeof local.path === 'string') local.path = path.basename(local.path);
  return JSON.stringify(tf);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ChangedStacksError(`${file}: cannot read ${what}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ChangedStacksError(`${file}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function manifestOf(outdir: string): Manifest {
  const file = path.join(outdir, 'manifest.json');
  if (!existsSync(file)) throw new ChangedStacksError(`${outdir}: no manifest.json: not a synthesized cdktf output (run npm run synth)`);
  return readJson(file, 'the cdktf manifest') as Manifest;
}

/** Everything in the stack's directory that Terraform reads: its JSON (normalized) and any synthesized assets. */
function stackFingerprint(outdir: string, manifest: Manifest, name: string): string {
  const entry = manifest.stacks![name];
  const file = path.join(outdir, entry.synthesizedStackPath ?? path.join('stacks', name, 'cdk.tf.json'));
  const parts = [normalizedTerraform(readJson(file, `the Terraform of stack "${name}"`))];
  const assets = path.join(path.dirname(file), 'assets');
  if (existsSync(assets)) {
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir).sort()) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else parts.push(`${path.relative(assets, p)}\0${readFileSync(p).toString('base64')}`);
      }
    };
    walk(assets);
  }
  return parts.join('\n');
}

export function changedStacks(baseDir: string, headDir: string): StackChanges {
  const base = manifestOf(baseDir);
  const head = manifestOf(headDir);
  const baseNames = new Set(Object.keys(base.stacks ?? {}));
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const name of stackOrder(head).all) {
    if (baseNames.has(name) && stackFingerprint(baseDir, base, name) === stackFingerprint(headDir, head, name)) unchanged.push(name);
    else changed.push(name);
  }
  const headNames = new Set(Object.keys(head.stacks ?? {}));
  return { changed, unchanged, vanished: [...baseNames].filter((n) => !headNames.has(n)).sort() };
}

export const OFFBOARDING_SECTION = 'README.md, section "Offboarding a member account" (#offboarding-a-member-account)';

export function vanishedMessage(stack: string): string {
  return (
    `vanished: ${stack}: no longer synthesized. Its resources still exist in AWS and in its Terraform state, and CI ` +
    `will neither plan, deploy nor destroy them. Before this change is deployed, follow ${OFFBOARDING_SECTION}.`
  );
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.length !== 2 || args.some((a) => a.startsWith('-'))) {
    console.error('usage: npm run changed-stacks -- <base cdktf.out> <head cdktf.out>\n' +
      'prints the new or changed stacks, one per line; stacks that vanished go to stderr');
    process.exit(2);
  }
  try {
    const result = changedStacks(args[0], args[1]);
    if (result.changed.length > 0) process.stdout.write(result.changed.join('\n') + '\n');
    for (const s of result.vanished) console.error(vanishedMessage(s));
  } catch (e) {
    console.error(`changed-stacks: ${(e as Error).message}`);
    process.exit(2);
  }
}
