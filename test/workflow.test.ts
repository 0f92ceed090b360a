import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { parseDocument } from 'yaml';
import { buildApp } from '../app';
import { DEFAULT_CONFIG_PATH, parseConfig } from '../config/load';
import { planConfig } from '../tools/plan-review/plan-config';
import { stackOrder } from '../tools/plan-review/stacks';
import { configOf, minimalInput } from './helpers';

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
  expect(awsJobs.sort()).toEqual(['deploy-core', 'deploy-members', 'plan']);
  for (const j of awsJobs) {
    expect(jobs[j].permissions['id-token']).toBe('write');
    for (const s of uses(j, 'aws-actions/configure-aws-credentials')) {
      expect(Object.keys(s.with).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
      expect(s.with['role-to-assume']).toMatch(/^\$\{\{ vars\.ORG_GUARD_(PLAN|APPLY)_ROLE_ARN \}\}$/);
    }
  }
  expect(uses('plan', 'aws-actions/configure-aws-credentials')[0].with['role-to-assume']).toContain('PLAN_ROLE');
  for (const j of ['deploy-core', 'deploy-members']) {
    expect(uses(j, 'aws-actions/configure-aws-credentials')[0].with['role-to-assume']).toContain('APPLY_ROLE');
  }
});

test('plans every stack of cdktf.out/manifest.json in a matrix', () => {
  const synth = jobs.synth;
  const stacksStep = synth.steps.find((s: any) => s.id === 'stacks');
  expect(stacksStep.run).toContain('node dist/tools/plan-review/stacks.js cdktf.out');
  expect(synth.outputs.all).toBe('${{ steps.stacks.outputs.all }}');
  expect(runOf('synth')).toContain('npm run synth');
  const plan = jobs.plan;
  expect(plan.needs).toBe('synth');
  expect(plan.strategy.matrix.stack).toBe('${{ fromJSON(needs.synth.outputs.all) }}');
  expect(plan.strategy['fail-fast']).toBe(false);
  expect(plan.env.STACK_DIR).toBe('cdktf.out/stacks/${{ matrix.stack }}');
  const init = plan.steps.find((s: any) => /terraform init/.test(s.run ?? ''));
  const tfPlan = plan.steps.find((s: any) => /terraform plan/.test(s.run ?? ''));
  expect(init['working-directory']).toBe('${{ env.STACK_DIR }}');
  expect(tfPlan['working-directory']).toBe('${{ env.STACK_DIR }}');
  expect(tfPlan.run).toMatch(/terraform plan .*-lock=false .*-detailed-exitcode .*-out=plan\.out/);
  expect(tfPlan.run).toContain('terraform show -json plan.out > plan.json');
  // The synthesized output the plans use is the one the synth job produced.
  expect(uses('plan', 'actions/download-artifact')[0].with.name).toBe('cdktf-out');
  expect(uses('synth', 'actions/upload-artifact').map((s) => s.with.name)).toContain('cdktf-out');
});

test('plan-review runs on every plan; its summary goes to the job summary and the pull request', () => {
  const review = jobs.plan.steps.find((s: any) => s.id === 'review');
  expect(review.run).toContain('node dist/tools/plan-review/main.js "$STACK=$STACK_DIR/plan.json"');
  expect(review.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  expect(existsSync(path.join(ROOT, 'tools/plan-review/main.ts'))).toBe(true);
  const verdict = jobs.plan.steps.find((s: any) => s.name === 'Verdict');
  expect(verdict.run).toContain('REVIEW_EXIT" != "0"');
  // Drift: on the schedule, "changes present" (exit 2 of -detailed-exitcode) fails the job.
  expect(verdict.run).toMatch(/schedule.*PLAN_EXIT" = "2"/s);
  const comment = jobs.comment;
  expect(comment.if).toContain("github.event_name == 'pull_request'");
  expect(comment.permissions).toEqual({ 'pull-requests': 'write', contents: 'read' });
  expect(comment.steps.find((s: any) => String(s.uses).startsWith('actions/github-script')).with.script).toContain('createComment');
});

test('main deploys in dependency order behind an environment approval, reviewing each plan before applying it', () => {
  for (const j of ['deploy-core', 'deploy-members']) {
    expect(jobs[j].if).toContain("github.event_name == 'push'");
    expect(jobs[j].environment).toBe('production');
    const script = runOf(j);
    expect(script.indexOf('dist/tools/plan-review/main.js')).toBeLessThan(script.search(/terraform [^\n]*apply /));
    expect(script).toMatch(/review" -ne 0 \]; then .*exit 1; fi/);
    expect(script).toMatch(/apply -input=false -no-color plan\.out/);
  }
  expect(jobs['deploy-members'].needs).toEqual(['synth', 'deploy-core']);
  expect(jobs['deploy-members'].strategy.matrix.stack).toBe('${{ fromJSON(needs.synth.outputs.leaves) }}');
  expect(jobs['deploy-core'].steps.at(-1).env.CORE).toBe('${{ needs.synth.outputs.core }}');
  expect(jobs.plan.if).toBe("github.event_name != 'push'");
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
    buildApp(configOf(input), new App({ outdir })).app.synth();
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
