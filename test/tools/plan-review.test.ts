import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT, planInput } from '../../tools/plan-review/main';
import { classifyActions, parsePlan } from '../../tools/plan-review/plan';
import { isDestroyRule, PROTECTED_RESOURCES } from '../../tools/plan-review/protected-resources';
import { asAws, CHANGED, CREATES_ONLY, INITIAL, realPlanJson , planFiles, runPlanReview } from './plan-fixtures';

const file = planFiles('org-guard-review-');
const run = runPlanReview;


let changed: string;
let createsOnly: string;
let forgotten: string;

beforeAll(() => {
  changed = realPlanJson(INITIAL, CHANGED);
  createsOnly = realPlanJson(null, CREATES_ONLY);
  forgotten = realPlanJson(
    'resource "terraform_data" "key" { input = "k" }\nresource "terraform_data" "other" { input = "o" }\n',
    'resource "terraform_data" "other" { input = "o" }\nremoved {\n  from = terraform_data.key\n  lifecycle { destroy = false }\n}\n',
  );
}, 60_000);

describe('real terraform plans (terraform_data)', () => {
  test('Terraform reports update, replace (triggers_replace) and delete as the action lists the tool folds', () => {
    const byAddress = Object.fromEntries(JSON.parse(changed).resource_changes.map((rc: any) => [rc.address, rc.change.actions]));
    expect(byAddress).toEqual({
      'terraform_data.added': ['create'],
      'terraform_data.deleted': ['delete'],
      'terraform_data.replaced': ['delete', 'create'],
      'terraform_data.unchanged': ['no-op'],
      'terraform_data.updated': ['update'],
    });
    const plan = parsePlan(changed, 'changed.json');
    expect(Object.fromEntries(plan.changes.map((c) => [c.address, c.kind]))).toEqual({
      'terraform_data.added': 'create',
      'terraform_data.deleted': 'delete',
      'terraform_data.replaced': 'replace',
      'terraform_data.unchanged': 'no-op',
      'terraform_data.updated': 'update',
    });
  });

  test('summary counts each kind, lists every change with its action and leaves no-ops out', () => {
    const r = run([`sandbox=${file('changed.json', changed)}`]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('Stack `sandbox`');
    expect(r.stdout).toContain('**1 to create, 1 to update, 1 to replace, 1 to delete** (1 unchanged)');
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| `terraform_data.'));
    expect(rows).toEqual([
      '| `terraform_data.added` | create |',
      '| `terraform_data.deleted` | delete, delete because no resource config |',
      '| `terraform_data.replaced` | replace (destroy before create), replace because cannot update, forced by `triggers_replace` |',
      '| `terraform_data.updated` | update |',
    ]);
    expect(r.stdout).toContain('| `sandbox` | 1 | 1 | 1 | 1 | — |');
    expect(r.stdout).not.toContain('Blocked');
  });

  test('a plan with only creates passes with a correct summary', () => {
    const r = run([file('workload-prod.json', createsOnly)]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('**Result: OK.**');
    expect(r.stdout).toContain('Stack `workload-prod`');
    expect(r.stdout).toContain('**3 to create, 0 to update, 0 to replace, 0 to delete** (0 unchanged)');
    expect(r.stdout.match(/^\| `terraform_data\.\w+` \| create \|$/gm)).toHaveLength(3);
  });

  test('a removed block with destroy = false is a forget: reported, never blocking', () => {
    const aws = asAws(forgotten, { 'terraform_data.key': { type: 'aws_kms_key', name: 'log_archive' } });
    const r = run([`log-archive=${file('forget.json', aws)}`]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('| `aws_kms_key.log_archive` | forget (removed from state, not destroyed)');
    expect(r.stdout).toContain(', 1 to forget');
  });

  test('create-before-destroy is a replacement too', () => {
    expect(classifyActions(['create', 'delete'])).toBe('replace');
    expect(classifyActions(['delete', 'create'])).toBe('replace');
    expect(classifyActions(['delete'])).toBe('delete');
  });
});

describe('protected resources', () => {
  const awsPlan = () =>
    asAws(changed, {
      'terraform_data.replaced': { type: 'aws_s3_bucket', name: 'trail', before: { bucket: 'org-guard-trail-333333333333-us-east-1' } },
      'terraform_data.deleted': { type: 'aws_cloudtrail', name: 'organization', before: { is_organization_trail: true } },
      'terraform_data.updated': { type: 'aws_kms_key', name: 'log_archive' },
    });

  test('replacing the log-archive bucket fails review, naming the address and why', () => {
    const plan = asAws(changed, { 'terraform_data.replaced': { type: 'aws_s3_bucket', name: 'trail' } });
    const r = run([`log-archive=${file('la.json', plan)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('**Result: BLOCKED.**');
    expect(r.stdout).toMatch(/#### Blocked\n\n- `aws_s3_bucket\.trail` would be \*\*replaced\*\*: log-archive bucket/);
  });

  test('deleting the organization trail fails review', () => {
    const plan = asAws(changed, { 'terraform_data.deleted': { type: 'aws_cloudtrail', name: 'organization' } });
    const r = run([`management=${file('mgmt.json', plan)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('`aws_cloudtrail.organization` would be **destroyed**: CloudTrail trail');
    expect(r.stdout).toContain('| `management` | 1 | 1 | 1 | 1 | ⛔ 1 blocked |');
  });

  test('an update of a protected resource is not a destruction', () => {
    const plan = asAws(changed, { 'terraform_data.updated': { type: 'aws_kms_key', name: 'log_archive' } });
    expect(run([`log-archive=${file('upd.json', plan)}`]).code).toBe(EXIT.ok);
  });

  test('the override passes the same plan: flags, the environment variable, or stack:address', () => {
    const p = `management=${file('both.json', awsPlan())}`;
    expect(run([p]).code).toBe(EXIT.blocked);
    // One of two allowed: still blocked by the other.
    expect(run([p, '--allow', 'aws_s3_bucket.trail']).code).toBe(EXIT.blocked);
    const flags = run([p, '--allow', 'aws_s3_bucket.trail', '--allow=aws_cloudtrail.organization']);
    expect(flags.code).toBe(EXIT.ok);
    expect(flags.stdout).toContain('`aws_cloudtrail.organization` would be **destroyed** — **allowed by override**');
    expect(flags.stdout).toContain('2 protected changes allowed by override');
    const env = run([p], { ORG_GUARD_ALLOW_DESTROY: 'aws_s3_bucket.trail, management:aws_cloudtrail.organization' });
    expect(env.code).toBe(EXIT.ok);
    // Naming another stack does not allow it here.
    const wrongStack = run([p], { ORG_GUARD_ALLOW_DESTROY: 'aws_s3_bucket.trail,security:aws_cloudtrail.organization' });
    expect(wrongStack.code).toBe(EXIT.blocked);
    expect(wrongStack.stdout).toContain('override `security:aws_cloudtrail.organization` matches no protected change');
  });

  test('a bucket outside the log archive is not protected; an org-guard bucket is, whatever the stack name', () => {
    const other = asAws(changed, { 'terraform_data.deleted': { type: 'aws_s3_bucket', name: 'app', before: { bucket: 'my-app-assets' } } });
    expect(run([`workload-prod=${file('app.json', other)}`]).code).toBe(EXIT.ok);
    expect(run([`log-archive=${file('app-la.json', other)}`]).code).toBe(EXIT.blocked);
    const ours = asAws(changed, { 'terraform_data.deleted': { type: 'aws_s3_bucket', name: 'x', before: { bucket: 'org-guard-config-333333333333-us-east-1' } } });
    expect(run([file('renamed-stack.json', ours)]).code).toBe(EXIT.blocked);
  });

  test.each(PROTECTED_RESOURCES.filter(isDestroyRule).map((r) => r.type))('deleting %s in the log-archive stack is blocked', (type) => {
    const plan = asAws(changed, { 'terraform_data.deleted': { type, name: 'x' } });
    const r = run([`log-archive=${file(`${type}.json`, plan)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain(`\`${type}.x\` would be **destroyed**`);
  });

  test('the list covers what the design protects', () => {
    const types = PROTECTED_RESOURCES.filter(isDestroyRule).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining([
      'aws_s3_bucket', 'aws_kms_key', 'aws_cloudtrail', 'aws_organizations_organization', 'aws_organizations_delegated_administrator',
      'aws_guardduty_organization_admin_account', 'aws_securityhub_organization_admin_account', 'aws_detective_organization_admin_account',
      'aws_inspector2_delegated_admin_account', 'aws_macie2_organization_admin_account', 'aws_fms_admin_account',
      'aws_guardduty_detector', 'aws_securityhub_organization_configuration', 'aws_securityhub_configuration_policy',
      'aws_securityhub_configuration_policy_association', 'aws_securityhub_finding_aggregator',
    ]));
    for (const rule of PROTECTED_RESOURCES.filter(isDestroyRule)) expect(rule.reason.length).toBeGreaterThan(20);
  });

  test('the log-archive bucket policies and key alias are protected; other stacks\' policies and aliases are not', () => {
    const policy = asAws(changed, { 'terraform_data.deleted': { type: 'aws_s3_bucket_policy', name: 'trail', before: { bucket: 'org-guard-trail-333333333333-us-east-1' } } });
    const r = run([`renamed=${file('policy.json', policy)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('`aws_s3_bucket_policy.trail` would be **destroyed**: policy of a log-archive bucket');
    const alias = asAws(changed, { 'terraform_data.replaced': { type: 'aws_kms_alias', name: 'key', before: { name: 'alias/org-guard-log-archive' } } });
    expect(run([`renamed=${file('alias.json', alias)}`]).code).toBe(EXIT.blocked);
    const appPolicy = asAws(changed, { 'terraform_data.deleted': { type: 'aws_s3_bucket_policy', name: 'app', before: { bucket: 'my-app-assets' } } });
    expect(run([`workload-prod=${file('app-policy.json', appPolicy)}`]).code).toBe(EXIT.ok);
    const otherAlias = asAws(changed, { 'terraform_data.deleted': { type: 'aws_kms_alias', name: 'k', before: { name: 'alias/org-guard-security-findings' } } });
    expect(run([`security=${file('other-alias.json', otherAlias)}`]).code).toBe(EXIT.ok);
  });

  // CloudWatch Logs API reference, DeleteLogGroup: deleting a group permanently deletes its log events
  // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html).
  test('the organization trail\'s log group is protected; other log groups are not', () => {
    const trailGroup = asAws(changed, { 'terraform_data.replaced': { type: 'aws_cloudwatch_log_group', name: 'trail', before: { name: '/org-guard/cloudtrail/org-guard-organization-trail' } } });
    const r = run([`management=${file('trail-group.json', trailGroup)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('`aws_cloudwatch_log_group.trail` would be **replaced**: CloudWatch Logs group of the organization trail');
    const appGroup = asAws(changed, { 'terraform_data.deleted': { type: 'aws_cloudwatch_log_group', name: 'app', before: { name: '/aws/lambda/my-app' } } });
    expect(run([`workload-prod=${file('app-group.json', appGroup)}`]).code).toBe(EXIT.ok);
  });

  test('--protect adds a type for one run', () => {
    const p = `sandbox=${file('extra.json', changed)}`;
    const r = run([p, '--protect', 'terraform_data']);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('`terraform_data.deleted` would be **destroyed**: protected on the command line');
    expect(r.stdout).toContain('`terraform_data.replaced` would be **replaced**');
  });

  test('several stacks: one blocked stack fails the review; --output writes the same Markdown', () => {
    const out = path.join(file.dir, 'review.md');
    const r = run([
      `workload-prod=${file('w.json', createsOnly)}`,
      `log-archive=${file('l.json', awsPlan())}`,
      '--output', out,
    ]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout.indexOf('Stack `workload-prod`')).toBeLessThan(r.stdout.indexOf('Stack `log-archive`'));
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });
});

describe('bad input is an error (exit 2), never a pass', () => {
  test('truncated plan JSON', () => {
    const p = file('truncated.json', changed.slice(0, Math.floor(changed.length / 2)));
    const r = run([p]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${p}: not valid JSON (truncated or not a plan?)`);
  });

  test.each([
    ['empty', '', 'the file is empty'],
    ['not an object', '[1,2]', 'expected a JSON object'],
    ['no format_version', '{"resource_changes":[]}', 'missing "format_version"'],
    ['no resource_changes', '{"format_version":"1.2","planned_values":{}}', 'missing "resource_changes" array'],
    ['state instead of plan', '{"format_version":"1.0","values":{}}', 'this looks like state'],
    ['errored plan', '{"format_version":"1.2","errored":true,"resource_changes":[]}', 'Terraform failed while planning'],
    ['future format', '{"format_version":"2.0","resource_changes":[]}', 'unsupported plan format_version "2.0"'],
    ['change without actions', '{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{}}]}', 'resource_changes[0] (a.b) has no "change.actions"'],
    ['unknown action', '{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["obliterate"]}}]}', 'refusing to guess'],
  ])('%s', (_name, text, message) => {
    const p = file('bad.json', text);
    const r = run([`security=${p}`]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toContain(`${p}: `);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('(stack "security")');
  });

  test('one bad plan among good ones fails the whole review', () => {
    const r = run([file('good.json', createsOnly), `security=${file('bad2.json', '{"format_version":"1.2"')}`]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stdout).not.toContain('Result: OK');
  });

  test('a missing file, no file, an unknown flag and a duplicate stack name', () => {
    expect(run([path.join(file.dir, 'nope.json')]).stderr).toContain('cannot read the file (ENOENT)');
    expect(run([]).code).toBe(EXIT.badInput);
    expect(run(['--frobnicate', 'x.json']).stderr).toContain('unknown option --frobnicate');
    const twice = run([file('a.json', createsOnly), `a=${file('b.json', createsOnly)}`]);
    expect(twice.code).toBe(EXIT.badInput);
    expect(twice.stderr).toContain('stack "a" is given twice');
  });
});

test('stack names come from stack=path, else the file name, else the directory of a generic plan.json', () => {
  expect(planInput('security=out/x.json')).toEqual({ stack: 'security', file: 'out/x.json' });
  expect(planInput('plans/log-archive.json')).toEqual({ stack: 'log-archive', file: 'plans/log-archive.json' });
  expect(planInput('plans/management.tfplan.json').stack).toBe('management');
  expect(planInput('cdktf.out/stacks/workload-prod/plan.json').stack).toBe('workload-prod');
});
