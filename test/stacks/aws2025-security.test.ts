import { loadConfig, DEFAULT_CONFIG_PATH } from '../../config/load';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { expectProblem, problemsFor } from '../config/section-problems';
import { GuardDutyMalwareProtectionS3 } from '../../modules/guardduty-malware-s3';
import { synthModule } from '../modules/module-helpers';

// The 2025 security features of issue 15 (items 3-6) through the whole app: config in, stacks out.

describe('config/examples/full.yaml switches every new feature on', () => {
  const cfg = loadConfig('config/examples/full.yaml');
  const stacks = synthOrg(cfg);
  const sec = stacks.security;

  test('Security Hub: CIS 5.0.0 and control parameters in the configuration policy, and automation rules', () => {
    const [[, policy]] = resourcesOf(sec, 'aws_securityhub_configuration_policy');
    expect(policy.configuration_policy.enabled_standard_arns).toContain('arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0');
    const params = policy.configuration_policy.security_controls_configuration.security_control_custom_parameter;
    expect(params.map((p: any) => p.security_control_id)).toEqual(['CloudWatch.16', 'IAM.7']);
    const rules = resourcesOf(sec, 'aws_securityhub_automation_rule').map(([, r]) => r);
    expect(rules.map((r) => [r.rule_name, r.region])).toEqual(expect.arrayContaining([
      ['suppress-root-hardware-mfa-in-sandboxes', 'us-east-1'],
      ['raise-production-high-to-critical', 'us-east-1'],
    ]));
    // The sandbox OU resolves to its member account.
    const suppress = rules.find((r) => r.rule_name === 'suppress-root-hardware-mfa-in-sandboxes');
    expect(suppress.criteria[0].aws_account_id).toEqual([{ comparison: 'EQUALS', value: '666666666666' }]);
  });

  test('a malware protection plan in the member stack that owns the bucket, nowhere else', () => {
    const plans = resourcesOf(stacks['workload-prod'], 'aws_guardduty_malware_protection_plan').map(([, p]) => p);
    expect(plans).toHaveLength(1);
    expect(plans[0].protected_resource[0].s3_bucket[0].bucket_name).toBe('example-prod-customer-uploads');
    for (const name of ['management', 'security', 'log-archive', 'workload-dev', 'sandbox-alice']) {
      expect([name, resourcesOf(stacks[name], 'aws_guardduty_malware_protection_plan')]).toEqual([name, []]);
    }
  });

  test('an ORGANIZATION_INTERNAL_ACCESS analyzer and archive rules in every external analyzer region', () => {
    const analyzers = resourcesOf(sec, 'aws_accessanalyzer_analyzer').map(([, a]) => a);
    expect(analyzers.filter((a) => a.type === 'ORGANIZATION_INTERNAL_ACCESS')).toEqual([expect.objectContaining({
      region: 'us-east-1',
      configuration: { internal_access: { analysis_rule: { inclusion: [{ account_ids: ['444444444444'], resource_types: ['AWS::S3::Bucket', 'AWS::DynamoDB::Table'] }] } } },
    })]);
    const archive = resourcesOf(sec, 'aws_accessanalyzer_archive_rule').map(([, r]) => r);
    expect(archive.map((r) => r.region).sort()).toEqual([...cfg.organization.regions].sort());
    expect(archive[0].filter).toEqual([
      { criteria: 'principal.AWS', eq: ['999988887777'] },
      { criteria: 'resourceOwnerAccount', eq: ['444444444444'] },
    ]);
  });

  test('Inspector auto-enables code security in every Inspector region', () => {
    const orgConfigs = resourcesOf(sec, 'aws_inspector2_organization_configuration').map(([, c]) => c);
    expect(orgConfigs).toHaveLength(cfg.organization.regions.length);
    expect(orgConfigs.every((c) => c.auto_enable.code_repository === true)).toBe(true);
  });
});

describe('the bundled config/organization.yaml keeps every new charged feature off', () => {
  const stacks = synthOrg(loadConfig(DEFAULT_CONFIG_PATH));

  test('no malware plan, internal-access analyzer or code-repository auto-enable', () => {
    for (const [name, stack] of Object.entries(stacks)) {
      expect([name, resourcesOf(stack, 'aws_guardduty_malware_protection_plan')]).toEqual([name, []]);
      const types = resourcesOf(stack, 'aws_accessanalyzer_analyzer').map(([, a]) => a.type);
      expect(types).not.toContain('ORGANIZATION_INTERNAL_ACCESS');
      for (const [, c] of resourcesOf(stack, 'aws_inspector2_organization_configuration')) expect(c.auto_enable.code_repository).toBeUndefined();
    }
  });
});

describe('wiring and validation of member buckets', () => {
  test('each member gets only its own buckets; a KMS key adds the decrypt statement', () => {
    const input = minimalInput();
    input.accounts.members = [
      { name: 'a', id: '444444444444', s3MalwareProtection: [{ bucket: 'a-uploads', region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:444444444444:key/abcd-1234' }] },
      { name: 'b', id: '555555555555', s3MalwareProtection: [{ bucket: 'b-uploads' }] },
      { name: 'c', id: '666666666666' },
    ];
    const stacks = synthOrg(configOf(input));
    const bucketsOf = (s: string) => resourcesOf(stacks[s], 'aws_guardduty_malware_protection_plan').map(([, p]) => [p.protected_resource[0].s3_bucket[0].bucket_name, p.region]);
    expect(bucketsOf('a')).toEqual([['a-uploads', 'eu-west-1']]);
    expect(bucketsOf('b')).toEqual([['b-uploads', 'us-east-1']]);
    expect(bucketsOf('c')).toEqual([]);
    expect(resourcesOf(stacks.c, 'aws_iam_role').filter(([, r]) => r.name === 'org-guard-malware-protection-s3')).toEqual([]);
    const [[, policy]] = resourcesOf(stacks.a, 'aws_iam_role_policy');
    expect(JSON.parse(policy.policy).Statement.map((s: any) => s.Sid)).toContain('AllowDecryptForMalwareScan');
  });

  test('bucket region, key region and one owner per bucket are checked', () => {
    const problems = problemsFor((i) => {
      i.accounts.members = [
        { name: 'a', id: '444444444444', s3MalwareProtection: [
          { bucket: 'x-uploads', region: 'eu-central-1' },
          { bucket: 'y-uploads', region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:us-east-1:444444444444:key/abcd' },
          { bucket: 'Bad_Bucket' },
          { bucket: 'z-uploads', prefixes: ['a/', 'b/', 'c/', 'd/', 'e/', 'f/'] },
        ] },
        { name: 'b', id: '555555555555', s3MalwareProtection: [{ bucket: 'x-uploads', region: 'us-east-1' }] },
      ];
    });
    const at = 'accounts.members[0].s3MalwareProtection';
    expectProblem(problems, `${at}[0].region`, /"eu-central-1" is not a governed region/);
    expectProblem(problems, `${at}[1].kmsKeyArn`, /key is in us-east-1 but the bucket is in eu-west-1/);
    expectProblem(problems, `${at}[2].bucket`, /not a valid S3 bucket name/);
    expectProblem(problems, `${at}[3].prefixes`, /at most 5 object prefixes/);
    expectProblem(problems, 'accounts.members[1].s3MalwareProtection[0].bucket', /already protected by accounts.members\[0\] \(a\)/);
  });

  // IAM quota "Role policy size": the inline policies of one role hold at most 10,240 characters together,
  // white space not counted; PutRolePolicy fails with LimitExceeded past it
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Every bucket adds one inline
  // policy to the account's single scan role.
  const IAM_ROLE_INLINE_QUOTA = 10240;
  const uploadBuckets = (n: number) => Array.from({ length: n }, (_, k) => ({
    bucket: `example-prod-customer-uploads-${k}`,
    region: 'eu-west-1',
    kmsKeyArn: 'arn:aws:kms:eu-west-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  }));
  const inlineCharacters = (buckets: ReturnType<typeof uploadBuckets>) => {
    const json = synthModule((s) => new GuardDutyMalwareProtectionS3(s, 'mp', { accountId: '444444444444', buckets }));
    return resourcesOf(json, 'aws_iam_role_policy').reduce((n, [, p]) => n + String(p.policy).replace(/\s/g, '').length, 0);
  };

  test('buckets whose scan-role policies exceed the IAM role policy quota are rejected before apply', () => {
    // Six SSE-KMS buckets already need more than the quota: the apply would fail on the sixth PutRolePolicy.
    expect(inlineCharacters(uploadBuckets(6))).toBeGreaterThan(IAM_ROLE_INLINE_QUOTA);
    const problems = problemsFor((i) => {
      i.accounts.members = [{ name: 'a', id: '444444444444', s3MalwareProtection: uploadBuckets(6) }];
    });
    expectProblem(problems, 'accounts.members[0].s3MalwareProtection', /6 buckets would hold \d+ characters; IAM allows 10240 per role/);
  });

  test('buckets that fit the quota synthesize', () => {
    expect(inlineCharacters(uploadBuckets(5))).toBeLessThanOrEqual(IAM_ROLE_INLINE_QUOTA);
    const input = minimalInput();
    input.accounts.members = [{ name: 'a', id: '444444444444', s3MalwareProtection: uploadBuckets(5) }];
    expect(resourcesOf(synthOrg(configOf(input)).a, 'aws_guardduty_malware_protection_plan')).toHaveLength(5);
  });
});
