import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../../app';
import { changedStacks, normalizedTerraform } from '../../tools/plan-review/changed-stacks';
import { configOf, minimalInput } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'org-guard-changed-'));

/**
 * Synthesizes a config from its own working directory, as `cdktf synth` does in a checkout: in CI the base is
 * synthesized in a second checkout, so the local state paths differ. (test/main.test.ts checks that the
 * compiled entry point writes what cdktf writes.)
 */
function synth(name: string, input: Record<string, any>): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  const outdir = path.join(dir, 'cdktf.out');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    // not through the test synth cache: its key would hold this run's temporary folder, never seen again
    buildApp(configOf(input), new App({ outdir })).app.synth();
  } finally {
    process.chdir(cwd);
  }
  return outdir;
}

/** The command the user types, from the project directory. */
function npmChangedStacks(base: string, head: string) {
  return spawnSync('npm', ['run', '-s', 'changed-stacks', '--', base, head], { cwd: ROOT, encoding: 'utf8' });
}

const withMember = () => {
  const input = minimalInput();
  input.accounts.members.push({ name: 'sandbox-alice', id: '666666666666', email: 'alice@example.com' });
  return input;
};

let base: string;
let onboarded: string;
let guardDuty: string;
let offboarded: string;

beforeAll(() => {
  const input = minimalInput();
  input.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
  base = synth('base', input);
  const on = withMember();
  on.accounts.members.splice(1, 0, { name: 'workload-dev', id: '555555555555' });
  onboarded = synth('onboarded', on);
  const gd = minimalInput();
  gd.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
  gd.services = { guardDuty: { findingPublishingFrequency: 'ONE_HOUR' } };
  guardDuty = synth('guardduty', gd);
  offboarded = synth('offboarded', minimalInput());
}, 120_000);

describe('npm run changed-stacks', () => {
  test('onboarding one member lists exactly that member: every other stack is the same Terraform', () => {
    const run = npmChangedStacks(base, onboarded);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('sandbox-alice\n');
  });

  test('changing a GuardDuty setting lists exactly security', () => {
    const run = npmChangedStacks(base, guardDuty);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('security\n');
    expect(run.stderr).toBe('');
  });

  test('a stack that vanished goes to stderr with what to do about its resources, not to the plan list', () => {
    const run = npmChangedStacks(base, offboarded);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^vanished: workload-dev: no longer synthesized\. Its resources still exist in AWS and in its Terraform state/);
    expect(run.stderr).toContain('Offboarding a member account');
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toMatch(/^#+ Offboarding a member account$/m);
  });

  test('bad input: a directory without a manifest is exit 2 with the path', () => {
    const tool = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/tools/plan-review/changed-stacks.js'), ...args], { encoding: 'utf8' });
    const run = tool(path.join(work, 'nothing'), onboarded);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${path.join(work, 'nothing')}: no manifest.json`);
    const usage = tool(base);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: npm run changed-stacks -- <base cdktf.out> <head cdktf.out>');
  });
});

describe('what counts as a change', () => {
  test('synthesized in different directories, the same config changes nothing (local state paths are normalized)', () => {
    const again = synth('again', (() => {
      const input = minimalInput();
      input.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
      return input;
    })());
    const baseJson = readFileSync(path.join(base, 'stacks/security/cdk.tf.json'), 'utf8');
    const againJson = readFileSync(path.join(again, 'stacks/security/cdk.tf.json'), 'utf8');
    // The bytes differ (the checkout's path is in the local backend), the Terraform does not.
    expect(baseJson).not.toBe(againJson);
    expect(changedStacks(base, again)).toEqual({
      changed: [],
      vanished: [],
      unchanged: ['log-archive', 'management', 'security', 'workload-dev', 'workload-prod'],
    });
  });

  test('new and changed stacks come in dependency order', () => {
    const head = path.join(work, 'edited');
    cpSync(onboarded, head, { recursive: true });
    const file = path.join(head, 'stacks/log-archive/cdk.tf.json');
    const tf = JSON.parse(readFileSync(file, 'utf8'));
    tf.output = { extra: { value: 'x' } };
    writeFileSync(file, JSON.stringify(tf));
    expect(changedStacks(base, head).changed).toEqual(['log-archive', 'sandbox-alice']);
  });

  test('"//" comment properties (cdktf metadata) and key order are not Terraform; values, array order and backends are', () => {
    const tf = {
      '//': { metadata: { version: '0.21.0', stackName: 's' } },
      terraform: { backend: { local: { path: '/ci/a/terraform.s.tfstate' } } },
      resource: { aws_s3_bucket: { b: { '//': { metadata: { path: 's/b' } }, bucket: 'x', tags: { a: '1', b: '2' } } } },
      import: [{ to: 'a', id: '1' }, { to: 'b', id: '2' }],
    };
    const same = JSON.parse(JSON.stringify(tf));
    same['//'].metadata.version = '0.22.0';
    same.resource.aws_s3_bucket.b['//'].metadata.path = 'elsewhere';
    same.resource.aws_s3_bucket.b.tags = { b: '2', a: '1' };
    same.terraform.backend.local.path = '/home/me/checkout/terraform.s.tfstate';
    expect(normalizedTerraform(same)).toBe(normalizedTerraform(tf));

    const mutate = (f: (t: any) => void) => {
      const t = JSON.parse(JSON.stringify(tf));
      f(t);
      return normalizedTerraform(t);
    };
    expect(mutate((t) => (t.resource.aws_s3_bucket.b.bucket = 'y'))).not.toBe(normalizedTerraform(tf));
    expect(mutate((t) => t.import.reverse())).not.toBe(normalizedTerraform(tf));
    expect(mutate((t) => (t.terraform.backend.local.path = '/ci/a/terraform.other.tfstate'))).not.toBe(normalizedTerraform(tf));
    expect(mutate((t) => (t.terraform.backend = { s3: { bucket: 'state', key: 's.tfstate' } }))).not.toBe(normalizedTerraform(tf));
  });
});
