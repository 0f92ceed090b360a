import { loadConfig } from '../../config/load';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { expectProblem, problemsFor } from '../config/section-problems';
import { computeCoverage, type Coverage } from '../../tools/report/coverage';

// AWS sources behind these tests:
// - Centralized root access: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
//   (needs trusted access for iam.amazonaws.com); provider internal/service/iam/organizations_features.go.
// - EC2 declarative policy syntax (values, field names, "you cannot use EnableSnapshotBlockPublicAccess ...
//   for the accounts in scope"): https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html
// - AI opt-out syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html

const withPolicies = (policies: Record<string, unknown>, extra: (i: Record<string, any>) => void = () => {}) => {
  const input = minimalInput();
  input.organizationPolicies = policies;
  extra(input);
  return configOf(input);
};

function cellOf(cov: Coverage, control: string, account: string, region = 'us-east-1') {
  const c = cov.controls.findIndex((x) => x.id === control);
  const a = cov.accounts.findIndex((x) => x.name === account);
  if (c < 0 || a < 0) throw new Error(`no cell ${control}/${account}`);
  return cov.cells[c][a][cov.regions.indexOf(region)];
}

describe('centralized root access', () => {
  test('default: both features, after the organization that trusts iam.amazonaws.com', () => {
    const { management } = synthOrg();
    const [[, features]] = resourcesOf(management, 'aws_iam_organizations_features');
    expect(features.enabled_features).toEqual(['RootCredentialsManagement', 'RootSessions']);
    const [[orgName, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.aws_service_access_principals).toContain('iam.amazonaws.com');
    expect(features.depends_on).toContain(`aws_organizations_organization.${orgName}`);
  });

  test('off: no feature resource and IAM is not trusted', () => {
    const { management } = synthOrg(withPolicies({ rootAccess: { enabled: false, rootSessions: false } }));
    expect(resourcesOf(management, 'aws_iam_organizations_features')).toEqual([]);
    const [[, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.aws_service_access_principals).not.toContain('iam.amazonaws.com');
  });

  test('RootSessions without root credentials management is a config error', () => {
    expectProblem(problemsFor((i) => (i.organizationPolicies = { rootAccess: { enabled: false } })),
      'organizationPolicies.rootAccess.rootSessions', /RootSessions needs centralized root access/);
  });
});

describe('EC2 declarative policy', () => {
  const cfg = withPolicies({ ec2: { enabled: true, instanceMetadataDefaults: { enabled: true }, vpcBlockPublicAccess: { enabled: true } } });
  const stacks = synthOrg(cfg);

  test('one DECLARATIVE_POLICY_EC2 in the guide syntax, attached to the root, type enabled on the root', () => {
    const { management } = stacks;
    const policies = resourcesOf(management, 'aws_organizations_policy').filter(([, p]) => p.type === 'DECLARATIVE_POLICY_EC2');
    expect(policies).toHaveLength(1);
    const [[name, policy]] = policies;
    expect(JSON.parse(policy.content)).toEqual({
      ec2_attributes: {
        snapshot_block_public_access: { state: { '@@assign': 'block_all_sharing' } },
        image_block_public_access: { state: { '@@assign': 'block_new_sharing' } },
        serial_console_access: { status: { '@@assign': 'disabled' } },
        instance_metadata_defaults: {
          http_tokens: { '@@assign': 'required' },
          http_put_response_hop_limit: { '@@assign': '2' },
          http_endpoint: { '@@assign': 'no_preference' },
          instance_metadata_tags: { '@@assign': 'no_preference' },
        },
        vpc_block_public_access: { internet_gateway_block: { mode: { '@@assign': 'block_ingress' }, exclusions_allowed: { '@@assign': 'enabled' } } },
      },
    });
    const [[orgName, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.enabled_policy_types).toEqual(expect.arrayContaining(['DECLARATIVE_POLICY_EC2', 'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']));
    const attachments = resourcesOf(management, 'aws_organizations_policy_attachment').filter(([, a]) => a.policy_id.includes(name));
    expect(attachments.map(([, a]) => a.target_id)).toEqual([`\${aws_organizations_organization.${orgName}.roots[0].id}`]);
  });

  test('covered accounts lose the per-region snapshot/AMI resources, forgotten (not destroyed) at their old addresses', () => {
    const before = synthOrg(configOf());
    // The management account too: attached to the root the policy applies to every account
    // (orgs_manage_policies_effective.html), and account-level changes are then refused.
    for (const stack of ['workload-prod', 'security', 'log-archive', 'management']) {
      const old = [...resourcesOf(before[stack], 'aws_ebs_snapshot_block_public_access'), ...resourcesOf(before[stack], 'aws_ec2_image_block_public_access')];
      expect(old).toHaveLength(8); // 4 regions x 2
      const now = stacks[stack];
      expect(resourcesOf(now, 'aws_ebs_snapshot_block_public_access')).toEqual([]);
      expect(resourcesOf(now, 'aws_ec2_image_block_public_access')).toEqual([]);
      const types = (name: string) => (resourcesOf(before[stack], 'aws_ebs_snapshot_block_public_access').some(([n]) => n === name)
        ? 'aws_ebs_snapshot_block_public_access' : 'aws_ec2_image_block_public_access');
      expect((now.removed as any[]).map((r) => r.from).sort()).toEqual(old.map(([n]) => `${types(n)}.${n}`).sort());
      expect((now.removed as any[]).every((r) => r.lifecycle.destroy === false)).toBe(true);
    }
  });

  test('off by default: today\'s baseline resources stay and no policy type is added', () => {
    const { management, 'workload-prod': member } = synthOrg();
    expect(resourcesOf(management, 'aws_organizations_policy').filter(([, p]) => p.type.startsWith('DECLARATIVE'))).toEqual([]);
    const [[, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.enabled_policy_types).toEqual(['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY']);
    expect(resourcesOf(member, 'aws_ebs_snapshot_block_public_access')).toHaveLength(4);
    expect(member.removed).toBeUndefined();
  });

  test('targeted at an OU, only members of that OU drop their baseline resources', () => {
    const ouCfg = withPolicies({ targets: ['workloads'], ec2: { enabled: true } }, (i) => {
      i.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }];
      i.accounts.members = [
        { name: 'workload-prod', id: '444444444444', ou: 'workloads' },
        { name: 'other', id: '555555555555' },
      ];
    });
    const s = synthOrg(ouCfg);
    expect(resourcesOf(s['workload-prod'], 'aws_ebs_snapshot_block_public_access')).toEqual([]);
    expect(resourcesOf(s.other, 'aws_ebs_snapshot_block_public_access')).toHaveLength(4);
    expect(resourcesOf(s.security, 'aws_ebs_snapshot_block_public_access')).toHaveLength(4);
  });

  // EC2 API reference, ModifyInstanceMetadataDefaults: HttpPutResponseHopLimit takes 1 to 64, or -1 for
  // no preference (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html).
  test('IMDS hop limit: 0 is a config error, -1 (no preference) and 1 to 64 are accepted', () => {
    const ec2 = (hop: number) => ({ ec2: { enabled: true, instanceMetadataDefaults: { enabled: true, httpPutResponseHopLimit: hop } } });
    expectProblem(problemsFor((i) => (i.organizationPolicies = ec2(0))),
      'organizationPolicies.ec2.instanceMetadataDefaults.httpPutResponseHopLimit', /hop limit 0 is not allowed: use 1 to 64, or -1/);
    for (const hop of [-1, 1, 64]) {
      expect(configOf({ ...minimalInput(), organizationPolicies: ec2(hop) }).organizationPolicies.ec2.instanceMetadataDefaults.httpPutResponseHopLimit).toBe(hop);
    }
  });

  test('unknown targets are config errors', () => {
    expectProblem(problemsFor((i) => (i.organizationPolicies = { targets: ['nope'], ec2: { enabled: true } })),
      'organizationPolicies.targets[0]', /neither "root" nor an OU/);
  });

  test('coverage report: snapshot/AMI covered through the policy, serial console per account', () => {
    const cov = computeCoverage(cfg, stacks);
    expect(cellOf(cov, 'ebs-snapshot-block-public-access', 'workload-prod')).toEqual({ status: 'covered', how: expect.stringContaining('declarative policy') });
    expect(cellOf(cov, 'ami-block-public-access', 'workload-prod').status).toBe('covered');
    expect(cellOf(cov, 'ec2-serial-console', 'workload-prod').status).toBe('covered');
    expect(cellOf(cov, 'ec2-imdsv2-default', 'workload-prod').status).toBe('covered');
    expect(cellOf(cov, 'vpc-block-public-access', 'workload-prod').status).toBe('covered');
    // Attached to the root, the policy covers the management account as well, which has no snapshot/AMI resources left.
    expect(cellOf(cov, 'ec2-serial-console', 'management').status).toBe('covered');
    expect(cellOf(cov, 'ebs-snapshot-block-public-access', 'management')).toEqual({ status: 'covered', how: expect.stringContaining('declarative policy') });
    const off = computeCoverage(configOf(), synthOrg());
    expect(cellOf(off, 'ec2-serial-console', 'workload-prod').status).toBe('missing');
    expect(cellOf(off, 'centralized-root-access', 'workload-prod').status).toBe('covered');
    expect(cellOf(off, 'centralized-root-access', 'management').status).toBe('partial');
  });
});

describe('AI services opt-out policy', () => {
  test('opt-in; opts out of every service and enables its policy type', () => {
    const { management } = synthOrg(withPolicies({ aiServicesOptOut: { enabled: true } }));
    const [[, policy]] = resourcesOf(management, 'aws_organizations_policy').filter(([, p]) => p.type === 'AISERVICES_OPT_OUT_POLICY');
    expect(JSON.parse(policy.content)).toEqual({ services: { default: { opt_out_policy: { '@@assign': 'optOut' } } } });
    const [[, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.enabled_policy_types).toContain('AISERVICES_OPT_OUT_POLICY');
    expect(resourcesOf(synthOrg().management, 'aws_organizations_policy').filter(([, p]) => p.type === 'AISERVICES_OPT_OUT_POLICY')).toEqual([]);
  });
});

describe('the full example switches every organization feature on', () => {
  const stacks = synthOrg(loadConfig('config/examples/full.yaml'));
  test('root access, declarative EC2 policy on the root, AI opt-out', () => {
    const { management } = stacks;
    expect(resourcesOf(management, 'aws_iam_organizations_features')).toHaveLength(1);
    const [[, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.aws_service_access_principals).toContain('iam.amazonaws.com');
    expect(org.enabled_policy_types).toEqual(expect.arrayContaining(['DECLARATIVE_POLICY_EC2', 'AISERVICES_OPT_OUT_POLICY']));
    expect(resourcesOf(management, 'aws_organizations_policy').map(([, p]) => p.type)).toEqual(
      expect.arrayContaining(['DECLARATIVE_POLICY_EC2', 'AISERVICES_OPT_OUT_POLICY']));
  });

  test('the bundled default example keeps today\'s costs: no charged feature of these items is on', () => {
    const cfg = loadConfig('config/organization.yaml');
    expect(cfg.logging.networkActivity.enabled).toBe(false);
    expect(cfg.logging.dataEvents).toMatchObject({ s3: false, lambda: false });
    expect(cfg.firewallManager.configRecording.recordingFrequency).toBe('CONTINUOUS');
    expect(cfg.firewallManager.configRecording.excludedResourceTypes).toEqual([]);
    const [trail] = Object.values(synthOrg(cfg).management.resource!.aws_cloudtrail) as any[];
    expect(JSON.stringify(trail.advanced_event_selector)).not.toMatch(/NetworkActivity/);
  });
});
