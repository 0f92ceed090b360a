import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// tools/ci/run-stacks.sh with the real Terraform CLI on stacks of `terraform_data` (built into Terraform:
// init needs no provider download, apply writes only a local state file). `npm test` builds dist/ first.
const ROOT = path.join(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'tools/ci/run-stacks.sh');
const tfEnv = {
  TF_IN_AUTOMATION: '1',
  CHECKPOINT_DISABLE: '1',
  TF_INPUT: '0',
  TF_CLI_CONFIG_FILE: path.join(tmpdir(), 'org-guard-no-terraformrc'),
};

function outdir(stacks: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-runstacks-'));
  for (const [name, resources] of Object.entries(stacks)) writeStack(dir, name, resources);
  return dir;
}

function writeStack(dir: string, name: string, resources: unknown): void {
  mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
  const tf = { terraform: { backend: { local: { path: path.join(dir, `${name}.tfstate`) } } }, resource: resources };
  writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(tf));
}

function run(dir: string, mode: string, stacks: string[], env: Record<string, string> = {}) {
  const results = path.join(dir, `results-${mode}-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('bash', [SCRIPT, mode, ...stacks], {
    cwd: ROOT,
    env: { ...process.env, ...tfEnv, OUTDIR: dir, RESULTS: results, GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), ...env },
    encoding: 'utf8',
  });
  const result = (s: string) => JSON.parse(readFileSync(path.join(results, `${s}.json`), 'utf8'));
  const review = (s: string) => readFileSync(path.join(results, `${s}.md`), 'utf8');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, result, review };
}

const data = (input: string) => ({ terraform_data: { x: { input } } });
const broken = { terraform_data: { x: { no_such_argument: 1 } } };

test('plans every stack on its own: a failing stack is reported and does not hide the others', () => {
  const dir = outdir({ a: data('a'), b: broken, c: data('c') });
  const r = run(dir, 'plan', ['a', 'b', 'c']);
  expect(r.status).toBe(1);
  expect(r.result('a')).toEqual({ stack: 'a', plan: 2, review: 0, applied: false });
  expect(r.result('b')).toEqual({ stack: 'b', plan: 1, review: null, applied: false });
  expect(r.result('c')).toEqual({ stack: 'c', plan: 2, review: 0, applied: false });
  expect(r.review('a')).toContain('Stack `a`');
  expect(r.review('b')).toContain('terraform plan failed');
  expect(r.stdout).toContain('::error::b: terraform failed');
  // Planning never writes state.
  expect(existsSync(path.join(dir, 'a.tfstate'))).toBe(false);
  expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('Stack `c`');
});

test('drift: a plan with changes fails the stack; without changes it passes', () => {
  const dir = outdir({ a: data('a') });
  expect(run(dir, 'drift', ['a']).status).toBe(1);
  expect(run(dir, 'apply', ['a']).status).toBe(0);
  const after = run(dir, 'drift', ['a']);
  expect(after.status).toBe(0);
  expect(after.result('a').plan).toBe(0);
});

test('apply applies each reviewed plan; with ORG_GUARD_STOP_ON_FAILURE=1 the stacks after a failure are left alone', () => {
  const dir = outdir({ a: data('a'), b: broken, c: data('c') });
  const all = run(dir, 'apply', ['a', 'b', 'c']);
  expect(all.status).toBe(1);
  expect(all.result('a').applied).toBe(true);
  expect(all.result('c').applied).toBe(true);

  const dir2 = outdir({ a: data('a'), b: broken, c: data('c') });
  const stop = run(dir2, 'apply', ['a', 'b', 'c'], { ORG_GUARD_STOP_ON_FAILURE: '1' });
  expect(stop.status).toBe(1);
  expect(stop.result('a').applied).toBe(true);
  expect(existsSync(path.join(dir2, 'c.tfstate'))).toBe(false);
  expect(() => stop.result('c')).toThrow();
});

test('a blocked review is never applied: the protected resource survives', () => {
  const dir = outdir({ keep: data('v1') });
  expect(run(dir, 'apply', ['keep']).status).toBe(0);
  writeStack(dir, 'keep', { terraform_data: { other: { input: 'x' } } }); // destroys terraform_data.x
  const protect = { PLAN_REVIEW: 'node dist/tools/plan-review/main.js --protect terraform_data' };
  const r = run(dir, 'apply', ['keep'], protect);
  expect(r.status).toBe(1);
  expect(r.result('keep')).toEqual({ stack: 'keep', plan: 2, review: 1, applied: false });
  const state = JSON.parse(readFileSync(path.join(dir, 'keep.tfstate'), 'utf8'));
  expect(state.resources.map((x: any) => `${x.type}.${x.name}`)).toEqual(['terraform_data.x']);
});
