import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { configOf, minimalInput, synthToDir } from './helpers';

// Runs the workflow's own step scripts (as GitHub runs `shell: bash`: bash -eo pipefail) on real synthesized
// outputs, with a stand-in `terraform` on PATH that records what it was asked to do: which stacks a pull
// request, a deploy and the drift run really plan and apply. `npm test` builds dist/ first.
const ROOT = path.join(__dirname, '..');
const wf = parseDocument(readFileSync(path.join(ROOT, '.github/workflows/org-guard.yml'), 'utf8')).toJS() as Record<string, any>;
const step = (job: string, pick: (s: any) => boolean) => {
  const s = wf.jobs[job].steps.find(pick);
  if (!s) throw new Error(`no such step in ${job}`);
  return s;
};

const work = mkdtempSync(path.join(tmpdir(), 'org-guard-wfrun-'));
const bin = path.join(work, 'bin');
mkdirSync(bin);
// The stand-in: logs "<command> <stack>", answers `show -json` with an empty plan, exits FAKE_PLAN_EXIT (or 0) on plan.
writeFileSync(
  path.join(bin, 'terraform'),
  `#!/usr/bin/env bash
dir=""; cmd=""
for a in "$@"; do case "$a" in -chdir=*) dir="\${a#-chdir=}" ;; -*) ;; *) [ -z "$cmd" ] && cmd="$a" ;; esac; done
stack="$(basename "$dir")"
echo "$cmd $stack" >> "$FAKE_TF_LOG"
case "$cmd" in
  show) echo '{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[]}' ;;
  plan) case " \${FAKE_DRIFT:-} " in *" $stack "*) exit 2 ;; esac ;;
esac
exit 0
`,
);
chmodSync(path.join(bin, 'terraform'), 0o755);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, any>;
  tf: string[];
}

/** A fresh job workspace: the checkout (dist/, tools/) and the synth job's cdktf.out. */
function workspace(name: string, head: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  symlinkSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'));
  symlinkSync(path.join(ROOT, 'tools'), path.join(dir, 'tools'));
  symlinkSync(head, path.join(dir, 'cdktf.out'));
  return dir;
}

function runStep(cwd: string, script: string, env: Record<string, string>): Run {
  const file = path.join(cwd, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  const output = `${file}.output`;
  const log = `${file}.tf`;
  writeFileSync(output, '');
  writeFileSync(log, '');
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: `${file}.summary`, FAKE_TF_LOG: log },
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1))]),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs, tf: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

function synth(name: string, input: Record<string, any>): string {
  const outdir = path.join(work, `${name}.out`);
  synthToDir(configOf(input), outdir);
  return outdir;
}

const stackList = (cwd: string, baseOut: string) => runStep(cwd, step('synth', (s) => s.id === 'stacks').run, { BASE_OUT: baseOut });
const planJob = (cwd: string, stacks: string, event: string, drift = '') =>
  runStep(cwd, step('plan', (s) => s.id === 'review').run, { STACKS: stacks, EVENT: event, PR_BODY: '', FAKE_DRIFT: drift });
// `changes`: the stacks whose plan has changes (the stand-in's plan exits 2 for them); by default every stack given.
const deployCore = (cwd: string, core: string[], changes = core) =>
  runStep(cwd, wf.jobs['deploy-core'].steps.at(-1).run, { CORE: JSON.stringify(core), COMMIT_MESSAGE: 'x', ORG_GUARD_STOP_ON_FAILURE: '1', FAKE_DRIFT: changes.join(' ') });
const deployMembers = (cwd: string, stacks: string, changes = stacks) =>
  runStep(cwd, wf.jobs['deploy-members'].steps.at(-1).run, { STACKS: stacks, COMMIT_MESSAGE: 'x', FAKE_DRIFT: changes });
const planned = (r: Run) => r.tf.filter((l) => l.startsWith('plan ')).map((l) => l.slice(5));

const baseInput = () => {
  const input = minimalInput();
  input.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
  return input;
};

let base: string;
beforeAll(() => {
  base = synth('base', baseInput());
}, 60_000);

test('a pull request that onboards one member plans exactly that member; the deploy applies only it', () => {
  const input = baseInput();
  input.accounts.members.push({ name: 'sandbox-alice', id: '666666666666', email: 'alice@example.com' });
  const cwd = workspace('onboard', synth('onboard', input));
  const list = stackList(cwd, base);
  expect(list.stderr).toBe('');
  expect(list.status).toBe(0);
  expect(list.outputs).toEqual({ core: [], plan: [{ name: 'sandbox-alice', stacks: 'sandbox-alice' }], leaves: [{ name: 'sandbox-alice', stacks: 'sandbox-alice' }] });
  expect(readFileSync(path.join(cwd, 'selection/changed.txt'), 'utf8')).toBe('sandbox-alice\n');
  expect(readFileSync(path.join(cwd, 'selection/all.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(6);

  const plan = planJob(cwd, list.outputs.plan[0].stacks, 'pull_request');
  expect(plan.status).toBe(0);
  expect(plan.tf).toEqual(['init sandbox-alice', 'plan sandbox-alice', 'show sandbox-alice']);
  expect(JSON.parse(readFileSync(path.join(cwd, 'results/sandbox-alice.json'), 'utf8'))).toEqual({ stack: 'sandbox-alice', plan: 0, review: 0, applied: false });
  expect(readFileSync(path.join(cwd, 'results/sandbox-alice.md'), 'utf8')).toContain('Stack `sandbox-alice`');

  // Push to main: deploy-core is skipped (no core stack changed); the member shard applies its reviewed plan.
  const deploy = deployMembers(cwd, list.outputs.leaves[0].stacks);
  expect(deploy.status).toBe(0);
  expect(deploy.tf).toEqual(['init sandbox-alice', 'plan sandbox-alice', 'show sandbox-alice', 'apply sandbox-alice']);
});

test('a pull request that changes a GuardDuty setting plans exactly security; the deploy applies only security', () => {
  const input = baseInput();
  input.services = { guardDuty: { findingPublishingFrequency: 'SIX_HOURS' } };
  const cwd = workspace('guardduty', synth('guardduty', input));
  const list = stackList(cwd, base);
  expect(list.status).toBe(0);
  expect(list.outputs).toEqual({ core: ['security'], plan: [{ name: 'security', stacks: 'security' }], leaves: [] });
  expect(planned(planJob(cwd, 'security', 'pull_request'))).toEqual(['security']);
  const deploy = deployCore(cwd, list.outputs.core);
  expect(deploy.status).toBe(0);
  expect(deploy.tf.filter((l) => l.startsWith('apply'))).toEqual(['apply security']);
});

test('scheduled drift detection plans every stack and fails on drift, still planning the rest of the shard', () => {
  const cwd = workspace('drift', base);
  const list = stackList(cwd, '');
  expect(list.status).toBe(0);
  const every = ['log-archive', 'management', 'security', 'workload-dev', 'workload-prod'];
  expect(list.outputs.plan.map((s: any) => s.stacks)).toEqual(every);
  expect(existsSync(path.join(cwd, 'selection/changed.txt'))).toBe(false);
  // One job with every stack (a shard) and drift in management: the job fails, every stack was planned.
  const plan = planJob(cwd, every.join(' '), 'schedule', 'management');
  expect(plan.status).toBe(1);
  expect(planned(plan)).toEqual(every);
  expect(plan.stdout).toContain('::error::management: drift');
  // The same plan on a pull request is a change to review, not a failure.
  expect(planJob(workspace('drift-pr', base), every.join(' '), 'pull_request', 'management').status).toBe(0);
});

test('a change to every stack deploys the core stacks one after another in dependency order, then the members', () => {
  const input = baseInput();
  input.tags = { CostCenter: '42' };
  const cwd = workspace('tags', synth('tags', input));
  const list = stackList(cwd, base);
  expect(list.outputs.core).toEqual(['log-archive', 'management', 'security']);
  expect(list.outputs.leaves.map((s: any) => s.stacks)).toEqual(['workload-dev', 'workload-prod']);
  const core = deployCore(cwd, list.outputs.core);
  expect(core.status).toBe(0);
  expect(core.tf.filter((l) => l.startsWith('apply'))).toEqual(['apply log-archive', 'apply management', 'apply security']);
  // Each apply comes after that stack's own plan and review.
  expect(core.tf.indexOf('apply management')).toBeGreaterThan(core.tf.indexOf('show management'));
  expect(core.tf.indexOf('plan management')).toBeGreaterThan(core.tf.indexOf('apply log-archive'));

  // A selected stack whose plan has no changes (-detailed-exitcode 0) is not applied and does not stop the
  // core: HCP Terraform refuses to apply a saved plan without changes ("Saved plan has no changes",
  // hashicorp/terraform internal/cloud/backend_apply.go), which would fail the deploy at that stack.
  const quiet = deployCore(workspace('tags-quiet', path.join(work, 'tags.out')), list.outputs.core, ['log-archive', 'security']);
  expect(quiet.status).toBe(0);
  expect(quiet.tf.filter((l) => l.startsWith('apply'))).toEqual(['apply log-archive', 'apply security']);
  expect(planned(quiet)).toEqual(['log-archive', 'management', 'security']);
  const members = deployMembers(workspace('tags-members', path.join(work, 'tags.out')), 'workload-dev workload-prod', 'workload-prod');
  expect(members.status).toBe(0);
  expect(members.tf.filter((l) => l.startsWith('apply'))).toEqual(['apply workload-prod']);
});

test('a vanished stack is a warning naming the offboarding runbook; nothing is planned for it', () => {
  const cwd = workspace('offboard', synth('offboard', minimalInput()));
  const list = stackList(cwd, base);
  expect(list.status).toBe(0);
  expect(list.stdout).toMatch(/^::warning::vanished: workload-dev: .*Offboarding a member account/m);
  expect(list.outputs).toEqual({ core: [], plan: [], leaves: [] });
  expect(readFileSync(path.join(cwd, 'selection/vanished.txt'), 'utf8')).toContain('vanished: workload-dev');
});

describe('the commit a push or a pull request is compared with (step base-commit)', () => {
  // A stand-in `gh` for the two API calls: FAKE_LAST is the head of the last successful push run ("" for none),
  // FAKE_COMPARE the compare status of that commit against this one; FAKE_GH_FAIL=1 makes every call fail.
  writeFileSync(
    path.join(bin, 'gh'),
    `#!/usr/bin/env bash
echo "$*" >> "$FAKE_GH_LOG"
[ "\${FAKE_GH_FAIL:-}" = 1 ] && { echo "HTTP 403" >&2; exit 1; }
case "$2" in
  'repos/acme/org/actions/workflows/org-guard.yml/runs?branch=main&event=push&status=success&per_page=1') echo "\${FAKE_LAST:-}" ;;
  "repos/acme/org/compare/\${FAKE_LAST:-}...head") echo "\${FAKE_COMPARE:-ahead}" ;;
  *) echo "unexpected: $2" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(path.join(bin, 'gh'), 0o755);
  const repo = path.join(work, 'git');
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' }).stdout.trim();
  beforeAll(() => {
    mkdirSync(repo);
    git('init', '-q');
    for (const m of ['base', 'merge']) git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', m);
  });
  const baseCommit = (env: Record<string, string>) => {
    const output = path.join(work, `base-commit-${Math.random().toString(36).slice(2)}`);
    writeFileSync(output, '');
    writeFileSync(`${output}.gh`, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step('synth', (s) => s.id === 'base-commit').run], {
      cwd: repo,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        GITHUB_OUTPUT: output,
        GITHUB_REPOSITORY: 'acme/org',
        GITHUB_WORKFLOW_REF: 'acme/org/.github/workflows/org-guard.yml@refs/heads/main',
        GITHUB_SHA: 'head',
        BEFORE: 'before',
        FAKE_GH_LOG: `${output}.gh`,
        ...env,
      },
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, output: readFileSync(output, 'utf8'), gh: readFileSync(`${output}.gh`, 'utf8') };
  };

  test('a pull request: the merge commit\'s first parent, without asking GitHub', () => {
    const r = baseCommit({ EVENT: 'pull_request' });
    expect(r.status).toBe(0);
    expect(r.output).toBe(`sha=${git('rev-parse', 'HEAD^1')}\n`);
    expect(r.gh).toBe('');
  });

  test('a push: the last successfully deployed commit, not the commit before the push', () => {
    // Pushes A, B, C while a deploy waits: GitHub cancels B's pending run, so C must include B's changes.
    const r = baseCommit({ EVENT: 'push', FAKE_LAST: 'deployed' });
    expect(r.status).toBe(0);
    expect(r.output).toBe('sha=deployed\n');
    expect(baseCommit({ EVENT: 'push', FAKE_LAST: 'deployed', FAKE_COMPARE: 'identical' }).output).toBe('sha=deployed\n');
  });

  test('a push with no successful deploy yet selects every stack (no base)', () => {
    const r = baseCommit({ EVENT: 'push', FAKE_LAST: '' });
    expect(r.status).toBe(0);
    expect(r.output).toBe('sha=\n');
    expect(r.stdout).toContain('::notice::no successful deploy run yet');
  });

  test('a last deploy that is not behind this commit (force-push, re-run of an older run), or no API access: the commit before the push', () => {
    for (const status of ['diverged', 'behind']) {
      const r = baseCommit({ EVENT: 'push', FAKE_LAST: 'elsewhere', FAKE_COMPARE: status });
      expect(r.status).toBe(0);
      expect(r.output).toBe('sha=before\n');
      expect(r.stdout).toContain('::warning::the last deployed commit elsewhere is not an ancestor of head');
    }
    const denied = baseCommit({ EVENT: 'push', FAKE_GH_FAIL: '1' });
    expect(denied.status).toBe(0);
    expect(denied.output).toBe('sha=before\n');
  });
});

test('a deploy refuses stacks with local state (a runner loses it); S3 and HCP Terraform backends pass; plans are not held up', () => {
  const guard = step('synth', (s) => /^Deploys need remote state/.test(s.name ?? ''));
  expect(guard.if).toBe("env.DEPLOY == 'true'");
  const local = runStep(workspace('local-state', base), guard.run, { ORG_CONFIG: 'config/organization.yaml' });
  expect(local.status).toBe(1);
  expect(local.stdout).toMatch(/^::error::config\/organization\.yaml: backend: not set, so 5 stack\(s\) keep local state \(log-archive, management, security, workload-dev, workload-prod\)/m);
  const s3 = baseInput();
  s3.backend = { type: 's3', bucket: 'acme-org-guard-state', region: 'us-east-1' };
  expect(runStep(workspace('s3-state', synth('s3-state', s3)), guard.run, {}).status).toBe(0);
  const cloud = baseInput();
  cloud.backend = { type: 'cloud', organization: 'acme' };
  const r = runStep(workspace('cloud-state', synth('cloud-state', cloud)), guard.run, {});
  expect(r.stdout).toBe('');
  expect(r.status).toBe(0);
});
