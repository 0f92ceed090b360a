import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../tools/plan-review/main';
import { cachedSynth } from '../synth-cache';

/**
 * Real Terraform plans, produced offline: `terraform_data` is built into Terraform, so `init` needs
 * no provider download and `apply` touches nothing outside a local state file.
 */
const env = {
  ...process.env,
  TF_IN_AUTOMATION: '1',
  CHECKPOINT_DISABLE: '1',
  TF_INPUT: '0',
  // No user CLI config (plugin mirrors, credentials) may leak into the fixtures.
  TF_CLI_CONFIG_FILE: path.join(tmpdir(), 'org-guard-no-terraformrc'),
};

function tf(dir: string, ...args: string[]): string {
  try {
    return execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e: any) {
    throw new Error(`terraform ${args.join(' ')} failed in ${dir} (the terraform CLI must be on PATH):\n${e.stderr ?? e.message}`);
  }
}

/** Applies `before` with local state, then plans `after`; returns `terraform show -json` of that plan. */
export function realPlanJson(before: string | null, after: string, file = 'main.tf'): string {
  // Terraform's answer for these files, kept like a synth result (test/synth-cache.ts) under the exact Terraform
  // that gave it: four Terraform runs of about 0.1 s each, for every plan of every run, otherwise.
  terraformVersion ??= tf(tmpdir(), 'version', '-json');
  return cachedSynth({ terraformPlan: { terraform: terraformVersion, before, after, file } }, () => planWithTerraform(before, after, file), [__filename]);
}
let terraformVersion: string | undefined;

function planWithTerraform(before: string | null, after: string, file: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-plan-'));
  const write = (text: string) => writeFileSync(path.join(dir, file), text);
  if (before !== null) {
    write(before);
    tf(dir, 'init', '-input=false', '-no-color');
    tf(dir, 'apply', '-auto-approve', '-input=false', '-no-color');
  }
  write(after);
  tf(dir, 'init', '-input=false', '-no-color');
  tf(dir, 'plan', '-out=plan.out', '-input=false', '-no-color');
  return tf(dir, 'show', '-json', 'plan.out');
}

export const INITIAL = `
resource "terraform_data" "unchanged" { input = "same" }
resource "terraform_data" "updated" { input = "v1" }
resource "terraform_data" "replaced" { triggers_replace = "t1" }
resource "terraform_data" "deleted" { input = "bye" }
`;

/** From INITIAL: an input change (update), a triggers_replace change (replace), a removal (delete) and a new resource. */
export const CHANGED = `
resource "terraform_data" "unchanged" { input = "same" }
resource "terraform_data" "updated" { input = "v2" }
resource "terraform_data" "replaced" { triggers_replace = "t2" }
resource "terraform_data" "added" { input = "hello" }
`;

export const CREATES_ONLY = `
resource "terraform_data" "one" { input = 1 }
resource "terraform_data" "two" { input = 2 }
resource "terraform_data" "three" { input = 3 }
`;

/**
 * Dresses a real plan's changes as AWS resources: `rename` maps a terraform_data address to an AWS
 * type and name (and the attributes it had); Terraform's own action lists are kept untouched.
 */
export function asAws(
  planJson: string,
  rename: Record<string, { type: string; name: string; before?: Record<string, unknown> }>,
): string {
  const plan = JSON.parse(planJson);
  for (const rc of plan.resource_changes) {
    const to = rename[rc.address];
    if (!to) continue;
    renameAsAws(rc, to);
    if (to.before && rc.change.before) rc.change.before = { ...rc.change.before, ...to.before };
  }
  return JSON.stringify(plan);
}

/** Gives a resource change of the plan an AWS resource's type, name and provider. */
function renameAsAws(rc: { type: string; name: string; address: string; provider_name: string }, to: { type: string; name: string }): void {
  rc.type = to.type;
  rc.name = to.name;
  rc.address = `${to.type}.${to.name}`;
  rc.provider_name = 'registry.terraform.io/hashicorp/aws';
}

/**
 * Dresses terraform_data changes as resources whose attributes are the `input` object: before, after
 * and after_unknown of `input` become the resource's own (Terraform's shapes, unknowns included).
 */
export function hoistInput(planJson: string, rename: Record<string, { type: string; name: string }>): string {
  const plan = JSON.parse(planJson);
  const lists = [plan.resource_changes ?? [], plan.resource_drift ?? []];
  for (const rc of lists.flat()) {
    const to = rename[rc.address];
    if (!to) continue;
    renameAsAws(rc, to);
    const c = rc.change;
    c.before = c.before ? c.before.input ?? {} : null;
    c.after = c.after ? c.after.input ?? {} : null;
    const unknown = c.after_unknown?.input;
    c.after_unknown = unknown === true ? Object.fromEntries(Object.keys(c.before ?? {}).map((k) => [k, true])) : unknown ?? {};
  }
  return JSON.stringify(plan);
}

/** A writer of plan files into a fresh temporary directory (`.dir`). */
export function planFiles(prefix: string): ((name: string, text: string) => string) & { dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const write = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  return Object.assign(write, { dir });
}

/** plan-review's main() with its output captured. */
export function runPlanReview(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
