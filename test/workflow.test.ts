import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_CONFIG_PATH, parseConfig } from '../config/load';
import { planConfig } from '../tools/plan-review/plan-config';
import { stackOrder } from '../tools/plan-review/stacks';
import { configOf, minimalInput, synthToDir } from './helpers';

const ROOT = path.join(__dirname, '..');
const WORKFLOW = path.join(ROOT, '.github/workflows/org-guard.yml');
const text = readFileSync(WORKFLOW, 'utf8');
const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
const wf = doc.toJS() as Record<string, any>;
const jobs = wf.jobs as Record<string, any>;

const steps = (job: string): any[] => jobs[job].steps;
const runOf = (job: string) => steps(job).map((s) => s.run ?? '').join('\n');
const uses = (job: string, action: string) => steps(job).filter((s) => String(s.uses ?? '').startsWith(action));

test('the workflow is valid YAML with the expected triggers', () => {
  expect(doc.errors).toEqual([]);
  expect(wf.on.pull_request.branches).toEqual(['main']);
  expect(wf.on.push.branches).toEqual(['main']);
  expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  expect(wf.permissions).toEqual({ contents: 'read' });
});

test('never uses static AWS keys: every AWS step assumes a role through OIDC', () => {
  expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/i);
  const awsJobs = Object.keys(jobs).filter((j) => uses(j, 'aws-actions/configure-aws-credentials').length > 0);
  expect(awsJobs.sort()).toEqual(['deploy-core', 'deploy-members', 'plan', 'verify']);
  for (const j of awsJobs) {
    expect(jobs[j].permissions['id-token']).toBe('write');
    for (const s of uses(j, 'aws-actions/configure-aws-credentials')) {
      expect(Object.keys(s.with).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
      expect(s.with['role-to-assume']).toMatch(/^\$\{\{ vars\.ORG_GUARD_(PLAN|APPLY|VERIFY)_ROLE_ARN \}\}$/);
    }
  }
  expect(uses('plan', 'aws-actions/configure-aws-credentials')[0].with['role-to-assume']).toContain('PLAN_ROLE');
  for (const j of ['deploy-core', 'deploy-members']) {
    expect(uses(j, 'aws-actions/configure-aws-credentials')[0].with['role-to-assume']).toContain('APPLY_ROLE');
  }
});

test('the stack-list step fans out over changed stacks on pull requests and pushes, every stack otherwise', () => {
  const synth = jobs.synth;
  const stacksStep = synth.steps.find((s: any) => s.id === 'stacks');
  expect(stacksStep.run).toContain('node dist/tools/plan-review/stacks.js cdktf.out');
  expect(stacksStep.run).toContain('node dist/tools/plan-review/changed-stacks.js "$BASE_OUT" cdktf.out > selection/changed.txt');
  expect(stacksStep.env.BASE_OUT).toBe('${{ steps.base.outputs.outdir }}');
  for (const o of ['core', 'plan', 'leaves']) expect(synth.outputs[o]).toBe(`\${{ steps.stacks.outputs.${o} }}`);
  expect(runOf('synth')).toContain('npm run synth');
  // The base is synthesized only where there is one to compare with: never for the scheduled drift run.
  const base = synth.steps.find((s: any) => s.id === 'base');
  const baseCommit = synth.steps.find((s: any) => s.id === 'base-commit');
  for (const s of [base, baseCommit]) expect(s.if).toBe("github.event_name == 'pull_request' || github.event_name == 'push'");
  expect(baseCommit.run).toContain('git rev-parse HEAD^1');
  expect(base.env.BASE).toBe('${{ steps.base-commit.outputs.sha }}');
  expect(base.run).toContain('ORG_CONFIG="$config" npm run synth');
  // Listing this workflow's runs (the last deployed commit) needs actions: read.
  expect(synth.permissions).toEqual({ contents: 'read', actions: 'read' });
  expect(synth.steps[0].with['fetch-depth']).toBe(2);
  const plan = jobs.plan;
  expect(plan.needs).toBe('synth');
  expect(plan.strategy.matrix.include).toBe('${{ fromJSON(needs.synth.outputs.plan) }}');
  expect(plan.strategy['fail-fast']).toBe(false);
  expect(plan.env.STACKS).toBe('${{ matrix.stacks }}');
  expect(plan.if).toContain("needs.synth.outputs.plan != '[]'");
  // The synthesized output the plans use is the one the synth job produced.
  expect(uses('plan', 'actions/download-artifact')[0].with.name).toBe('cdktf-out');
  expect(uses('synth', 'actions/upload-artifact').map((s) => s.with.name)).toEqual(expect.arrayContaining(['cdktf-out', 'stack-selection']));
  // Each job uploads its stacks' results, one file per stack, under a name unique in the run.
  const upload = uses('plan', 'actions/upload-artifact')[0];
  expect(upload.with.name).toBe('plan-results-${{ strategy.job-index }}');
  expect(upload.if).toBe('always()');
});

test('HCP Terraform tokens: plans (which run pull-request code) get the plan-only token; only the deploy jobs, past the approval, get the apply token', () => {
  const token = (j: string) => jobs[j].steps.map((s: any) => s.env?.TF_TOKEN_app_terraform_io).filter(Boolean);
  expect(token('plan')).toEqual(['${{ secrets.TF_PLAN_TOKEN }}']);
  for (const j of ['deploy-core', 'deploy-members']) expect(token(j)).toEqual(['${{ secrets.TF_API_TOKEN }}']);
  const users = Object.keys(jobs).filter((j) => JSON.stringify(jobs[j]).includes('secrets.TF_API_TOKEN'));
  expect(users.sort()).toEqual(['deploy-core', 'deploy-members']);
  for (const j of users) expect(jobs[j].environment).toBe('production');
});

test('run-stacks plans with -lock=false and -detailed-exitcode, reviews every plan, and applies only the reviewed plan', () => {
  const script = readFileSync(path.join(ROOT, 'tools/ci/run-stacks.sh'), 'utf8');
  expect(script).toContain('terraform -chdir="$dir" plan -input=false -no-color "${lock[@]}" -detailed-exitcode -out=plan.out');
  expect(script).toContain('[ "$mode" = apply ] || lock=(-lock=false)');
  expect(script).toContain('terraform -chdir="$dir" show -json plan.out > "$dir/plan.json"');
  expect(script).toContain('$PLAN_REVIEW "$stack=$dir/plan.json" --output "$md"');
  expect(script).toMatch(/if \[ "\$mode" = apply \] && \[ "\$review" -eq 0 \] && \[ "\$plan" -eq 2 \]; then\n.*\n\s+if terraform -chdir="\$dir" apply -input=false -no-color plan\.out/);
  expect(() => execFileSync('bash', ['-n', path.join(ROOT, 'tools/ci/run-stacks.sh')], { stdio: 'pipe' })).not.toThrow();
});

test('one sticky pull-request comment summarises every planned stack and links to the full reviews', () => {
  const comment = jobs.comment;
  expect(comment.if).toContain("github.event_name == 'pull_request'");
  // A run cancelled by a newer push posts nothing (always() would run the job even then).
  expect(comment.if).toMatch(/^\$\{\{ !cancelled\(\) && /);
  expect(comment.if).not.toContain('always()');
  expect(comment.needs).toEqual(['synth', 'plan']);
  expect(comment.permissions).toEqual({ 'pull-requests': 'write', contents: 'read' });
  expect(runOf('comment')).toContain('node dist/tools/ci/pr-comment.js selection results comment.md "$RUN_URL" reports/coverage.md');
  const script = comment.steps.find((s: any) => String(s.uses).startsWith('actions/github-script')).with.script;
  expect(script).toContain("fs.readFileSync('comment.md', 'utf8')");
  expect(script).toContain('updateComment');
  expect(script).toContain('createComment');
  expect(uses('comment', 'actions/download-artifact').map((s) => s.with.pattern ?? s.with.name)).toEqual(['stack-selection', 'plan-results-*', 'coverage-report']);
});

const DEPLOYS = "github.ref == 'refs/heads/main' && (github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && inputs.deploy))";

test('main deploys in dependency order behind an environment approval, reviewing each plan before applying it', () => {
  for (const j of ['deploy-core', 'deploy-members']) {
    expect(jobs[j].if).toContain(`(${DEPLOYS})`);
    expect(jobs[j].environment).toBe('production');
    expect(runOf(j)).toContain('bash tools/ci/run-stacks.sh apply');
  }
  expect(jobs['deploy-core'].steps.at(-1).env.ORG_GUARD_STOP_ON_FAILURE).toBe('1');
  expect(jobs['deploy-members'].needs).toEqual(['synth', 'deploy-core']);
  // Members wait for the core stacks, or go alone when no core stack changed (deploy-core skipped).
  expect(jobs['deploy-members'].if).toContain("(needs.deploy-core.result == 'success' || needs.deploy-core.result == 'skipped')");
  expect(jobs['deploy-members'].if).toContain('!cancelled()');
  expect(jobs['deploy-members'].strategy.matrix.include).toBe('${{ fromJSON(needs.synth.outputs.leaves) }}');
  expect(jobs['deploy-core'].steps.at(-1).env.CORE).toBe('${{ needs.synth.outputs.core }}');
  expect(jobs.plan.if).toBe(`\${{ !(${DEPLOYS}) && needs.synth.outputs.plan != '[]' }}`);
  expect(wf.env.DEPLOY).toBe(`\${{ ${DEPLOYS} }}`);
  expect(wf.on.workflow_dispatch.inputs.deploy).toMatchObject({ type: 'boolean', default: false });
});

// The workflow-level concurrency group and cancel-in-progress, evaluated as GitHub does for these operators
// (`&&` / `||` yield an operand, like JavaScript's; format() substitutes {0}, {1}). Groups are per name: runs in
// one group never run at once, a newer pending one cancels the older pending one, and cancel-in-progress cancels
// the running one (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs).
function evaluate(expression: string, github: Record<string, any>, inputs: Record<string, any> = {}): unknown {
  const m = /^\$\{\{(.*)\}\}$/s.exec(expression.trim());
  if (!m) return expression;
  const js = m[1].replace(/==/g, '===').replace(/!===/g, '!==');
  const format = (f: string, ...args: unknown[]) => f.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));
  return new Function('github', 'inputs', 'format', `return (${js});`)(github, inputs, format);
}

test('concurrency: every deploy shares one group (never two at once); pull-request runs cancel their older run only', () => {
  const group = (github: Record<string, any>, inputs?: Record<string, any>) => evaluate(wf.concurrency.group, github, inputs);
  const cancels = (github: Record<string, any>) => evaluate(wf.concurrency['cancel-in-progress'], github);
  // GitHub yields null for a missing property; JavaScript throws one level down, hence an empty pull_request.
  const main = { ref: 'refs/heads/main', event: { pull_request: {} } };
  const push = { ...main, event_name: 'push' };
  const manualDeploy = { ...main, event_name: 'workflow_dispatch' };
  const pr = (n: number) => ({ ref: `refs/pull/${n}/merge`, event_name: 'pull_request', event: { pull_request: { number: n } } });
  // A push's deploy and a manual deploy of main are in the same group, so they queue instead of running together.
  expect(group(push)).toBe(group(manualDeploy, { deploy: true }));
  // Neither a manual plan, nor the drift run, nor a pull request waits for (or cancels) a deploy.
  const deployGroup = group(push);
  for (const other of [group(manualDeploy, { deploy: false }), group({ ...main, event_name: 'schedule' }), group(pr(7))]) expect(other).not.toBe(deployGroup);
  expect(group(pr(7))).not.toBe(group(pr(8)));
  expect(group(pr(7))).toBe(group(pr(7)));
  expect(cancels(pr(7))).toBe(true);
  for (const g of [push, manualDeploy, { ...main, event_name: 'schedule' }]) expect(cancels(g)).toBe(false);
  // A job-level group of the same name would wait for its own run forever.
  for (const j of Object.values(jobs)) if (j.concurrency) expect(String(j.concurrency.group ?? j.concurrency).toLowerCase()).not.toBe(String(deployGroup).toLowerCase());
});

describe('the nightly verify job', () => {
  const job = jobs.verify;
  // GitHub evaluates a job's `if` with its contexts; a repository variable that is not set reads as ''.
  const runsOn = (github: Record<string, any>, inputs: Record<string, any> = {}, vars: Record<string, string> = {}) => {
    const js = String(job.if).replace(/==/g, '===').replace(/!===/g, '!==').replace(/!=(?!=)/g, '!==');
    return new Function('github', 'inputs', 'vars', `return (${js});`)(github, inputs, { ORG_GUARD_VERIFY_ROLE_ARN: '', ...vars }) as boolean;
  };
  const role = { ORG_GUARD_VERIFY_ROLE_ARN: 'arn:aws:iam::111111111111:role/org-guard-verify' };

  test('runs on the schedule (and a manual plan run) once the verify role variable is set; never for pull requests, pushes or deploys', () => {
    expect(runsOn({ event_name: 'schedule' }, {}, role)).toBe(true);
    expect(runsOn({ event_name: 'workflow_dispatch' }, { deploy: false }, role)).toBe(true);
    expect(runsOn({ event_name: 'schedule' })).toBe(false);
    for (const event of ['pull_request', 'push']) expect(runsOn({ event_name: event }, {}, role)).toBe(false);
    expect(runsOn({ event_name: 'workflow_dispatch' }, { deploy: true }, role)).toBe(false);
    expect(wf.on.schedule).toHaveLength(1);
  });

  test('read-only: an OIDC token for the verify role, no environment, no write permission, no Terraform token', () => {
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(job.environment).toBeUndefined();
    const [aws] = uses('verify', 'aws-actions/configure-aws-credentials');
    expect(aws.with['role-to-assume']).toBe('${{ vars.ORG_GUARD_VERIFY_ROLE_ARN }}');
    expect(aws.if).toBeUndefined();
    expect(JSON.stringify(job)).not.toMatch(/secrets\./);
    // It reads what the synth job synthesized, like the coverage report in CI.
    expect(job.needs).toBe('synth');
    expect(uses('verify', 'actions/download-artifact')[0].with).toEqual({ name: 'cdktf-out', path: 'cdktf.out' });
    expect(runOf('verify')).toContain('npm run -s verify -- --out cdktf.out --report-dir reports --json > reports/verify.json');
    // Every action is pinned to a major version, like the rest of the workflow.
    for (const s of steps('verify')) if (s.uses) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  test('the report is uploaded whatever verify found', () => {
    const [upload] = uses('verify', 'actions/upload-artifact');
    expect(upload.with).toMatchObject({ name: 'verify-report', path: 'reports' });
    expect(upload.if).toBe('${{ !cancelled() }}');
    expect(steps('verify').indexOf(upload)).toBe(steps('verify').length - 1);
  });

  // The step script, run as GitHub runs `shell: bash` (bash -eo pipefail), with a stand-in npm that behaves like
  // `npm run -s verify -- ... --json` (JSON on stdout, the summary on stderr) and exits with the given status.
  test.each([[0, 0], [1, 1], [3, 3], [2, 2]])('verify exiting %i makes the step exit %i, with the reports written', (verifyExit, stepExit) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-verify-step-'));
    const bin = path.join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(path.join(bin, 'npm'), `#!/usr/bin/env bash\necho "$*" > args.txt\necho '{"exitCode": ${verifyExit}}'\necho 'verify: summary line' >&2\nexit ${verifyExit}\n`, { mode: 0o755 });
    const summary = path.join(dir, 'summary.md');
    const script = steps('verify').find((s) => /npm run -s verify/.test(s.run ?? '')).run;
    let status = 0;
    try {
      execFileSync('bash', ['-eo', 'pipefail', '-c', script], { cwd: dir, stdio: 'pipe', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: summary } });
    } catch (e: any) {
      status = e.status;
    }
    expect(status).toBe(stepExit);
    expect(JSON.parse(readFileSync(path.join(dir, 'reports/verify.json'), 'utf8'))).toEqual({ exitCode: verifyExit });
    expect(readFileSync(summary, 'utf8')).toContain('verify: summary line');
    expect(readFileSync(path.join(dir, 'args.txt'), 'utf8').trim()).toBe('run -s verify -- --out cdktf.out --report-dir reports --json');
  });
});

test('synth installs the pinned Terraform before synthesizing (cdktf validates import blocks with `terraform version`)', () => {
  const synthSteps = steps('synth');
  const tf = synthSteps.findIndex((s) => String(s.uses ?? '').startsWith('hashicorp/setup-terraform'));
  const synth = synthSteps.findIndex((s) => /npm run synth/.test(s.run ?? ''));
  expect(tf).toBeGreaterThanOrEqual(0);
  expect(tf).toBeLessThan(synth);
  expect(synthSteps[tf].with.terraform_version).toBe('${{ env.TERRAFORM_VERSION }}');
});

test('every run script is valid bash', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-wf-'));
  for (const [name, job] of Object.entries(jobs)) {
    (job.steps as any[]).forEach((s, i) => {
      if (!s.run) return;
      const file = path.join(dir, `${name}-${i}.sh`);
      writeFileSync(file, s.run.replace(/\$\{\{[^}]*\}\}/g, 'X'));
      expect(() => execFileSync('bash', ['-n', file], { stdio: 'pipe' })).not.toThrow();
    });
  }
});

describe('the stack list the workflow fans out over', () => {
  test('comes from a real manifest: every stack, core ones in dependency order, members as leaves', () => {
    const input = minimalInput();
    input.accounts.members.push({ name: 'workload-dev', id: '555555555555' });
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-manifest-')), 'cdktf.out');
    synthToDir(configOf(input), outdir);
    const order = stackOrder(JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')));
    expect(order.core).toEqual(['log-archive', 'management', 'security']);
    expect(order.leaves.sort()).toEqual(['workload-dev', 'workload-prod']);
    expect(order.all.slice(0, 3)).toEqual(['log-archive', 'management', 'security']);
    expect(order.all).toHaveLength(5);
  });

  test('rejects unknown dependencies and cycles', () => {
    expect(() => stackOrder({ stacks: { a: { dependencies: ['zz'] } } })).toThrow('not in the manifest');
    expect(() => stackOrder({ stacks: { a: { dependencies: ['b'] }, b: { dependencies: ['a'] } } })).toThrow('cycle');
  });
});

test('plan-config makes every stack assume the read-only plan role and keeps the config valid', () => {
  const rewritten = planConfig(readFileSync(path.join(ROOT, DEFAULT_CONFIG_PATH), 'utf8'), 'OrgGuardPlan');
  const cfg = parseConfig(rewritten, 'plan.yaml');
  expect(cfg.deployment.roleName).toBe('OrgGuardPlan');
  expect(cfg.deployment.managementRoleName).toBe('OrgGuardPlan');
  expect(rewritten).toContain('# yaml-language-server');
  expect(() => planConfig('a: 1', 'bad role!')).toThrow('not a valid IAM role name');
});
