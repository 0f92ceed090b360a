import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';

const ids: Record<string, string> = {
  management: '111111111111',
  security: '222222222222',
  'log-archive': '333333333333',
  'workload-prod': '444444444444',
};

describe('one stack per account', () => {
  const stacks = synthOrg();

  test('the stack set is the core accounts plus one per member', () => {
    expect(Object.keys(stacks).sort()).toEqual(['log-archive', 'management', 'security', 'workload-prod']);
  });

  test.each(Object.keys(ids))('%s has one default aws provider pinned to its own account', (name) => {
    const aws = stacks[name].provider!.aws.filter((p: any) => !p.alias);
    expect(aws).toHaveLength(1);
    expect(aws[0].allowed_account_ids).toEqual([ids[name]]);
    expect(aws[0].region).toBe('us-east-1');
    expect(aws[0].default_tags[0].tags).toMatchObject({ ManagedBy: 'org-guard', OrgGuardStack: name });
  });

  test.each(['security', 'log-archive', 'workload-prod'])('%s assumes the deployment role in its account', (name) => {
    const [aws] = stacks[name].provider!.aws.filter((p: any) => !p.alias);
    expect(aws.assume_role).toEqual([{ role_arn: `arn:aws:iam::${ids[name]}:role/OrganizationAccountAccessRole`, session_name: 'org-guard' }]);
  });

  test('management uses ambient credentials unless a role is configured', () => {
    const [aws] = stacks.management.provider!.aws.filter((p: any) => !p.alias);
    expect(aws.assume_role).toBeUndefined();
    const input = minimalInput();
    input.deployment = { roleName: 'OrgGuardDeploy', managementRoleName: 'OrgGuardManagement' };
    const custom = synthOrg(configOf(input));
    expect(custom.management.provider!.aws[0].assume_role[0].role_arn).toBe('arn:aws:iam::111111111111:role/OrgGuardManagement');
    expect(custom['workload-prod'].provider!.aws[0].assume_role[0].role_arn).toBe('arn:aws:iam::444444444444:role/OrgGuardDeploy');
  });

  test('config tags are default tags', () => {
    const input = minimalInput();
    input.tags = { CostCenter: '42' };
    expect(synthOrg(configOf(input)).security.provider!.aws[0].default_tags[0].tags.CostCenter).toBe('42');
  });
});

describe('state backends', () => {
  test('without a backend in the config, each stack keeps local state of its own', () => {
    const stacks = synthOrg();
    for (const [name, json] of Object.entries(stacks)) {
      expect(json.terraform!.backend.local.path).toMatch(new RegExp(`terraform\\.${name}\\.tfstate$`));
    }
  });

  test('an S3 backend is encrypted, locked natively, keyed per stack and assumes its role', () => {
    const input = minimalInput();
    input.backend = { type: 's3', bucket: 'org-guard-state', region: 'eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/state' };
    const stacks = synthOrg(configOf(input));
    const keys = new Set<string>();
    for (const [name, json] of Object.entries(stacks)) {
      const s3 = json.terraform!.backend.s3;
      expect(json.terraform!.backend.local).toBeUndefined();
      expect(s3).toMatchObject({ bucket: 'org-guard-state', region: 'eu-west-1', encrypt: true, use_lockfile: true });
      expect(s3.key).toBe(`org-guard/${name}.tfstate`);
      expect(s3.assume_role.role_arn).toBe('arn:aws:iam::111111111111:role/state');
      keys.add(s3.key);
    }
    expect(keys.size).toBe(Object.keys(stacks).length);
  });

  test('HCP Terraform: one named workspace per stack, core and member stacks in their own projects', () => {
    const input = minimalInput();
    input.backend = { type: 'cloud', organization: 'acme', workspacePrefix: 'og-', project: 'org-guard-core', memberProject: 'org-guard-members' };
    const stacks = synthOrg(configOf(input));
    const workspaces = new Set<string>();
    for (const [name, json] of Object.entries(stacks)) {
      expect(json.terraform!.backend).toBeUndefined();
      expect(json.terraform!.cloud).toEqual({
        hostname: 'app.terraform.io',
        organization: 'acme',
        workspaces: { name: `og-${name}`, project: name === 'workload-prod' ? 'org-guard-members' : 'org-guard-core' },
      });
      workspaces.add(json.terraform!.cloud.workspaces.name);
    }
    expect(workspaces.size).toBe(4);
    // Defaults: prefix org-guard-, every workspace in the organization's default project.
    const plain = minimalInput();
    plain.backend = { type: 'cloud', organization: 'acme' };
    expect(synthOrg(configOf(plain)).security.terraform!.cloud.workspaces).toEqual({ name: 'org-guard-security' });
  });

  test('HCP Terraform: Terraform itself accepts the cloud block (it gets as far as contacting the host)', () => {
    const input = minimalInput();
    // .invalid never resolves (RFC 2606): the init stops at the network, after Terraform validated the block.
    input.backend = { type: 'cloud', organization: 'acme', hostname: 'tfe.invalid', memberProject: 'members' };
    const cloud = synthOrg(configOf(input))['workload-prod'].terraform!.cloud;
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-cloud-'));
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { cloud }, resource: { terraform_data: { x: { input: 1 } } } }));
    const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], {
      cwd: dir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'none.tfrc') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(init.status).not.toBe(0);
    expect(init.stderr + init.stdout).toContain('Failed to request discovery document');
    expect(init.stderr + init.stdout).not.toContain('Invalid workspaces configuration');
  });

  test('HCP Terraform: names HCP refuses are config errors', () => {
    const input = minimalInput();
    input.backend = { type: 'cloud', organization: 'acme corp', workspacePrefix: 'this-prefix-is-far-too-long-for-hcp' };
    expect(() => configOf(input)).toThrow(/backend\.organization: not a valid HCP Terraform organization name: "acme corp"/);
    expect(() => configOf(input)).toThrow(/backend\.workspacePrefix: not a valid workspace name prefix/);
    const other = minimalInput();
    other.backend = { type: 'gcs', bucket: 'x' };
    expect(() => configOf(other)).toThrow(/backend\.type/);
  });
});

describe('account baseline in every stack', () => {
  const stacks = synthOrg();
  const regions = minimalInput().organization.regions as string[];

  test.each(Object.keys(ids))('%s: S3 public access block, CIS password policy, EBS encryption per region', (name) => {
    const json = stacks[name];
    const [[, bpa]] = resourcesOf(json, 'aws_s3_account_public_access_block');
    expect(bpa).toMatchObject({ account_id: ids[name], block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const [[, pw]] = resourcesOf(json, 'aws_iam_account_password_policy');
    expect(pw.minimum_password_length).toBeGreaterThanOrEqual(14);
    expect(pw.password_reuse_prevention).toBe(24);
    expect(pw).toMatchObject({ require_symbols: true, require_numbers: true, require_uppercase_characters: true, require_lowercase_characters: true });
    const ebs = resourcesOf(json, 'aws_ebs_encryption_by_default').map(([, r]) => r);
    expect(ebs.map((r) => r.region).sort()).toEqual([...regions].sort());
    expect(ebs.every((r) => r.enabled === true)).toBe(true);
    expect(resourcesOf(json, 'aws_ebs_snapshot_block_public_access').map(([, r]) => r.region).sort()).toEqual([...regions].sort());
  });

  test('regions fan out with the region argument, not provider aliases', () => {
    const input = minimalInput();
    input.organization.regions = ['us-east-1', 'eu-central-1'];
    const stacks2 = synthOrg(configOf(input));
    expect(stacks2.security.provider!.aws).toHaveLength(1);
    expect(resourcesOf(stacks2.security, 'aws_ebs_encryption_by_default').map(([, r]) => r.region).sort()).toEqual(['eu-central-1', 'us-east-1']);
  });
});
