import { spawnSync } from 'node:child_process';
import { EXIT } from '../../tools/plan-review/main';
import { parsePlan } from '../../tools/plan-review/plan';
import { removedEntries } from '../../tools/plan-review/protected-resources';
import { CHANGED, INITIAL, hoistInput, realPlanJson , planFiles, runPlanReview } from './plan-fixtures';

// resourceOrganizationUpdate (terraform-provider-aws 6.25, internal/service/organizations/organization.go)
// calls DisablePolicyType / DisableAWSServiceAccess for every entry of enabled_policy_types /
// aws_service_access_principals that is in state but not in config: an in-place update that removes an
// entry is as damaging as a destroy, so plan review blocks it.

const file = planFiles('org-guard-review-attrs-');
const run = runPlanReview;


const orgTf = (types: string[], principals: string[], extra = '') => `
resource "terraform_data" "org" {
  input = {
    enabled_policy_types          = ${JSON.stringify(types)}
    aws_service_access_principals = ${JSON.stringify(principals).replace(/"(terraform_data\.\w+\.output)"/g, '$1')}
  }
}
${extra}`;

const TYPES = ['BACKUP_POLICY', 'RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY', 'TAG_POLICY'];
const PRINCIPALS = ['guardduty.amazonaws.com', 'ram.amazonaws.com', 'sso.amazonaws.com'];
const asOrg = (json: string) => hoistInput(json, { 'terraform_data.org': { type: 'aws_organizations_organization', name: 'organization' } });

let drops: string;
let adds: string;
let unknownAfter: string;
let changed: string;
let imported: string;

beforeAll(() => {
  const before = orgTf(TYPES, PRINCIPALS);
  drops = asOrg(realPlanJson(before, orgTf(TYPES.filter((t) => t !== 'TAG_POLICY'), PRINCIPALS.filter((p) => p !== 'sso.amazonaws.com'))));
  adds = asOrg(realPlanJson(before, orgTf([...TYPES, 'DECLARATIVE_POLICY_EC2'], [...PRINCIPALS, 'iam.amazonaws.com'])));
  unknownAfter = asOrg(realPlanJson(before, orgTf(TYPES, ['guardduty.amazonaws.com', 'ram.amazonaws.com', 'terraform_data.late.output'],
    'resource "terraform_data" "late" { input = "sso.amazonaws.com" }')));
  changed = realPlanJson(INITIAL, CHANGED);
  imported = realPlanJson(null, `import {\n  to = terraform_data.org\n  id = "o-exampleorg1"\n}\n${orgTf(['SERVICE_CONTROL_POLICY'], ['guardduty.amazonaws.com'])}`);
}, 120_000);

describe('protected attributes of the organization', () => {
  test('the fixture is a real in-place update (Terraform\'s own action list)', () => {
    const plan = parsePlan(drops, 'drops.json');
    const org = plan.changes.find((c) => c.address === 'aws_organizations_organization.organization')!;
    expect(org.actions).toEqual(['update']);
    expect(org.before?.enabled_policy_types).toContain('TAG_POLICY');
    expect(org.after?.enabled_policy_types).not.toContain('TAG_POLICY');
  });

  test('an update dropping TAG_POLICY and sso.amazonaws.com exits 1, naming both and why', () => {
    const r = run([`management=${file('drops.json', drops)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('**Result: BLOCKED.** 2 protected changes: `aws_organizations_organization.organization` in `management` loses `TAG_POLICY`, `aws_organizations_organization.organization` in `management` loses `sso.amazonaws.com`.');
    expect(r.stdout).toMatch(/- `aws_organizations_organization\.organization` would \*\*lose\*\* `TAG_POLICY` from `enabled_policy_types`: Removing a policy type: the provider calls DisablePolicyType .*detaches every policy of that type/);
    expect(r.stdout).toMatch(/- `aws_organizations_organization\.organization` would \*\*lose\*\* `sso\.amazonaws\.com` from `aws_service_access_principals`: IAM Identity Center uses it to manage access to member accounts\. Removing a trusted service: the provider calls DisableAWSServiceAccess/);
    expect(r.stdout).toContain('organization.policyTypesInUse');
    expect(r.stdout).toContain('organization.trustedServicesInUse');
    expect(r.stdout).toContain('| `management` | 0 | 1 | 0 | 0 | ⛔ 2 blocked |');
  });

  test('the same through the command CI runs: node dist/tools/plan-review/main.js (npm test builds dist/ first)', () => {
    const r = spawnSync(process.execPath, ['dist/tools/plan-review/main.js', `management=${file('drops-cli.json', drops)}`], { encoding: 'utf8' });
    expect(r.status).toBe(EXIT.blocked);
    expect(r.stdout).toContain('loses `TAG_POLICY`');
    expect(r.stdout).toContain('loses `sso.amazonaws.com`');
  });

  test('the first deploy (import, then update) is caught too: the provider\'s Read fills `before` from AWS', () => {
    // Read sets enabled_policy_types from roots[0].PolicyTypes (status ENABLED) and the principals from
    // ListAWSServiceAccessForOrganization (organization.go); terraform_data's import leaves them empty, so
    // they are filled in as the provider would.
    const plan = JSON.parse(asOrg(imported));
    const org = plan.resource_changes.find((rc: any) => rc.address === 'aws_organizations_organization.organization');
    expect(org.change.importing).toEqual({ id: 'o-exampleorg1' });
    org.change.before = { enabled_policy_types: ['SERVICE_CONTROL_POLICY', 'TAG_POLICY'], aws_service_access_principals: ['sso.amazonaws.com'] };
    const r = run([`management=${file('import.json', JSON.stringify(plan))}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('| `aws_organizations_organization.organization` | update, import |');
    expect(r.stdout).toContain('loses `TAG_POLICY`');
    expect(r.stdout).toContain('loses `sso.amazonaws.com`');
  });

  test('adding entries passes', () => {
    const r = run([`management=${file('adds.json', adds)}`]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('| `aws_organizations_organization.organization` | update |');
  });

  test('a new list known only after apply fails closed, naming the entries it may drop', () => {
    const plan = JSON.parse(unknownAfter);
    const org = plan.resource_changes.find((rc: any) => rc.address === 'aws_organizations_organization.organization');
    expect(org.change.after_unknown.aws_service_access_principals).toEqual([false, false, true]);
    const r = run([`management=${file('unknown.json', unknownAfter)}`]);
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toContain('may **lose entries** of `aws_service_access_principals`');
    expect(r.stdout).toContain('may drop `sso.amazonaws.com`');
  });

  test('the override allows it per address, like a destroy', () => {
    const p = `management=${file('drops-allowed.json', drops)}`;
    const r = run([p, '--allow', 'management:aws_organizations_organization.organization']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('would **lose** `TAG_POLICY` from `enabled_policy_types` — **allowed by override**');
    expect(run([p], { ORG_GUARD_ALLOW_DESTROY: 'aws_organizations_organization.organization' }).code).toBe(EXIT.ok);
  });

  test('the attribute rule is a rule kind: another type with the same attribute names is not protected', () => {
    const other = hoistInput(realPlanJson(orgTf(TYPES, PRINCIPALS), orgTf([], [])), { 'terraform_data.org': { type: 'aws_something_else', name: 'x' } });
    expect(run([file('other.json', other)]).code).toBe(EXIT.ok);
    // And a custom rule list protects whatever it names.
    const c = { stack: 's', address: 'a.b', type: 'a', before: { tags: ['k1', 'k2'] }, after: { tags: ['k1'] }, afterUnknown: {} };
    expect(removedEntries(c, [{ kind: 'attributes', type: 'a', attributes: { tags: { entry: 'tag', reason: 'needed' } } }]))
      .toEqual([{ attribute: 'tags', entry: 'k2', reason: 'Removing a tag: needed' }]);
  });
});

describe('details: replacement causes and drift', () => {
  test('a replacement names the attributes that force it (replace_paths)', () => {
    const rc = JSON.parse(changed).resource_changes.find((x: any) => x.address === 'terraform_data.replaced');
    expect(rc.change.replace_paths).toEqual([['triggers_replace']]);
    const r = run([`sandbox=${file('replace.json', changed)}`]);
    expect(r.stdout).toContain('| `terraform_data.replaced` | replace (destroy before create), replace because cannot update, forced by `triggers_replace` |');
  });

  test('drift lists what changed outside Terraform, or that the object is gone', () => {
    // resource_drift uses the resource-change representation of resource_changes
    // (https://developer.hashicorp.com/terraform/internals/json-format#plan-representation); terraform_data
    // cannot drift, so real update and delete changes are listed there as drift.
    const plan = JSON.parse(drops);
    const update = plan.resource_changes.find((rc: any) => rc.address === 'aws_organizations_organization.organization');
    const deleted = JSON.parse(changed).resource_changes.find((rc: any) => rc.address === 'terraform_data.deleted');
    plan.resource_drift = [update, deleted];
    const r = run([`management=${file('drift.json', JSON.stringify(plan))}`]);
    expect(r.stdout).toContain('#### Drift (2 changed outside Terraform)');
    expect(r.stdout).toContain('- `aws_organizations_organization.organization` (update): `aws_service_access_principals`, `enabled_policy_types` changed');
    expect(r.stdout).toContain('- `terraform_data.deleted` (delete): deleted outside Terraform');
  });
});
