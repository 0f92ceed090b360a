import { logArchiveNames } from '../../modules/names';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';
import { isAllowed, statementsOf } from '../policy-eval';
import { bucketPolicyOf, keyPolicyOf } from './log-archive-helpers';

const cfg = configOf();
const names = logArchiveNames(cfg);
const stacks = synthOrg(cfg);

function trailOf(json: TfJson): any {
  const trails = resourcesOf(json, 'aws_cloudtrail');
  expect(trails).toHaveLength(1);
  return trails[0][1];
}

describe('management stack: organization trail', () => {
  const trail = trailOf(stacks.management);

  test('one organization trail, all regions, global events, validated, in the home region, never destroyed', () => {
    expect(trail).toMatchObject({
      name: 'org-guard-organization-trail',
      region: 'us-east-1',
      is_organization_trail: true,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      lifecycle: { prevent_destroy: true },
    });
    for (const name of ['security', 'log-archive', 'workload-prod']) expect(resourcesOf(stacks[name], 'aws_cloudtrail')).toEqual([]);
    // An organization trail needs CloudTrail trusted access, granted by the adopted organization.
    const [[orgId]] = resourcesOf(stacks.management, 'aws_organizations_organization');
    expect(trail.depends_on).toContain(`aws_organizations_organization.${orgId}`);
  });

  test('writes to the log-archive bucket with the log-archive key, names agreeing across stacks', () => {
    const archive = stacks['log-archive'];
    const [[, bucket]] = resourcesOf(archive, 'aws_s3_bucket').filter(([, b]) => b.object_lock_enabled);
    expect(trail.s3_bucket_name).toBe(bucket.bucket);
    // The trail gets the key ARN (what CloudTrail reports back) through the alias the log-archive stack creates.
    const match = /^\$\{data\.aws_kms_key\.([^.]+)\.arn\}$/.exec(trail.kms_key_id);
    expect(match).not.toBeNull();
    const lookup = stacks.management.data!.aws_kms_key[match![1]];
    const [[, alias]] = resourcesOf(archive, 'aws_kms_alias');
    expect(lookup.key_id).toBe(`arn:aws:kms:us-east-1:${cfg.accounts.logArchive.id}:${alias.name}`);
    expect(lookup.key_id).toBe(names.keyAliasArn);
    // The management account may resolve that alias (DescribeKey only).
    expect(isAllowed(keyPolicyOf(archive), { principal: { arn: 'arn:aws:iam::111111111111:role/admin' }, action: 'kms:DescribeKey' })).toBe(true);
    expect(isAllowed(keyPolicyOf(archive), { principal: { arn: 'arn:aws:iam::111111111111:role/admin' }, action: 'kms:Decrypt' })).toBe(false);
  });

  test('the trail ARN the log archive trusts is this trail', () => {
    const arn = `arn:aws:cloudtrail:${trail.region}:${cfg.accounts.management.id}:trail/${trail.name}`;
    expect(names.trailArn).toBe(arn);
    const write = statementsOf(bucketPolicyOf(stacks['log-archive'], names.trailBucket)).find((s) => s.Sid === 'AWSCloudTrailWrite')!;
    expect(write.Condition!.StringEquals['aws:SourceArn']).toBe(arn);
  });

  test('a renamed trail moves the trust with it', () => {
    const input = minimalInput();
    input.logging = { trailName: 'corp-trail' };
    const renamed = synthOrg(configOf(input));
    expect(trailOf(renamed.management).name).toBe('corp-trail');
    const put = {
      principal: { service: 'cloudtrail.amazonaws.com' }, action: 's3:PutObject',
      resource: `arn:aws:s3:::${names.trailBucket}/AWSLogs/111111111111/x`,
      context: { 'aws:SecureTransport': true, 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/corp-trail' },
    };
    expect(isAllowed(bucketPolicyOf(renamed['log-archive'], names.trailBucket), put)).toBe(true);
    expect(isAllowed(bucketPolicyOf(stacks['log-archive'], names.trailBucket), put)).toBe(false);
  });

  test('management events read and write; no data events, CloudWatch Logs or Insights by default', () => {
    expect(trail.advanced_event_selector).toEqual([
      { name: 'Management events (read and write)', field_selector: [{ field: 'eventCategory', equals: ['Management'] }] },
    ]);
    expect(trail.insight_selector).toBeUndefined();
    expect(trail.cloud_watch_logs_group_arn).toBeUndefined();
    expect(resourcesOf(stacks.management, 'aws_cloudwatch_log_group')).toEqual([]);
  });

  test('S3 and Lambda data events, CloudWatch Logs and Insights from the config', () => {
    const input = minimalInput();
    input.logging = {
      dataEvents: { s3: true, lambda: true },
      cloudWatchLogs: { enabled: true, retentionDays: 90 },
      insights: { apiCallRate: true, apiErrorRate: true },
    };
    const mgmt = synthOrg(configOf(input)).management;
    const t = trailOf(mgmt);
    const selectors = t.advanced_event_selector as any[];
    expect(selectors).toHaveLength(3);
    const s3 = selectors.find((s) => s.field_selector.some((f: any) => f.equals?.includes('AWS::S3::Object')));
    expect(s3.field_selector).toEqual(expect.arrayContaining([
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.ARN', not_starts_with: [`arn:aws:s3:::${names.trailBucket}/`] },
    ]));
    expect(selectors.some((s) => s.field_selector.some((f: any) => f.equals?.includes('AWS::Lambda::Function')))).toBe(true);
    expect(t.insight_selector).toEqual([{ insight_type: 'ApiCallRateInsight' }, { insight_type: 'ApiErrorRateInsight' }]);

    const [[groupId, group]] = resourcesOf(mgmt, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: '/org-guard/cloudtrail/org-guard-organization-trail', retention_in_days: 90, region: 'us-east-1' });
    expect(t.cloud_watch_logs_group_arn).toBe(`\${aws_cloudwatch_log_group.${groupId}.arn}:*`);
    const [[roleId, role]] = resourcesOf(mgmt, 'aws_iam_role').filter(([, r]) => r.name === 'org-guard-cloudtrail-cloudwatch-logs');
    expect(t.cloud_watch_logs_role_arn).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(isAllowed(role.assume_role_policy, { principal: { service: 'cloudtrail.amazonaws.com' }, action: 'sts:AssumeRole' })).toBe(true);
    expect(isAllowed(role.assume_role_policy, { principal: { arn: 'arn:aws:iam::111111111111:role/x' }, action: 'sts:AssumeRole' })).toBe(false);
    const [[, rolePolicy]] = resourcesOf(mgmt, 'aws_iam_role_policy').filter(([, p]) => p.role === `\${aws_iam_role.${roleId}.name}`);
    const streams = `\${aws_cloudwatch_log_group.${groupId}.arn}:log-stream:*`;
    expect(isAllowed(rolePolicy.policy, { principal: { service: 'x' }, action: 'logs:PutLogEvents', resource: streams })).toBe(true);
    expect(isAllowed(rolePolicy.policy, { principal: { service: 'x' }, action: 'logs:DeleteLogGroup', resource: streams })).toBe(false);
  });

  test('the management stack does not grow with the number of members', () => {
    const input = minimalInput();
    input.accounts.members = Array.from({ length: 30 }, (_, i) => ({ name: `w${i}`, id: String(500000000000 + i) }));
    const big = synthOrg(configOf(input)).management;
    expect(resourcesOf(big, 'aws_cloudtrail')).toHaveLength(1);
    expect(Object.keys(big.data?.aws_kms_key ?? {})).toHaveLength(1);
  });
});
