import { Testing } from 'cdktf';
import { eventSelectors, OrganizationTrail, type OrganizationTrailProps } from '../../modules/organization-trail';

const props: OrganizationTrailProps = {
  region: 'eu-west-1',
  name: 'trail',
  s3BucketName: 'trail-bucket',
  kmsKeyAliasArn: 'arn:aws:kms:eu-west-1:333333333333:alias/logs',
};

function synth(p: Partial<OrganizationTrailProps> = {}) {
  return JSON.parse(Testing.synthScope((scope) => { new OrganizationTrail(scope, 'o', { ...props, ...p }); }));
}

describe('OrganizationTrail', () => {
  test('organization-wide, validated, KMS key resolved from the alias, never destroyed', () => {
    const json = synth();
    const [trail] = Object.values(json.resource.aws_cloudtrail) as any[];
    const [[lookupId, lookup]] = Object.entries(json.data.aws_kms_key) as [string, any][];
    expect(lookup).toEqual({ key_id: props.kmsKeyAliasArn, region: 'eu-west-1' });
    expect(trail).toMatchObject({
      name: 'trail', region: 'eu-west-1', s3_bucket_name: 'trail-bucket', kms_key_id: `\${data.aws_kms_key.${lookupId}.arn}`,
      is_organization_trail: true, is_multi_region_trail: true, include_global_service_events: true, enable_log_file_validation: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(json.resource.aws_iam_role).toBeUndefined();
  });

  test('management events carry no read-only filter (read and write)', () => {
    const [mgmt] = eventSelectors({ s3BucketName: 'b' });
    expect(mgmt.fieldSelector).toEqual([{ field: 'eventCategory', equalTo: ['Management'] }]);
    expect(JSON.stringify(eventSelectors({ s3BucketName: 'b', dataEvents: { s3: true, lambda: true } }))).not.toMatch(/readOnly/);
  });

  test('data events exclude the trail bucket itself', () => {
    const selectors = eventSelectors({ s3BucketName: 'b', dataEvents: { s3: true } });
    expect(selectors).toHaveLength(2);
    expect(selectors[1].fieldSelector).toContainEqual({ field: 'resources.ARN', notStartsWith: ['arn:aws:s3:::b/'] });
  });

  test('CloudWatch Logs delivery waits for the role policy', () => {
    const json = synth({ cloudWatchLogs: { retentionDays: 30 } });
    const [trail] = Object.values(json.resource.aws_cloudtrail) as any[];
    const [policyId] = Object.keys(json.resource.aws_iam_role_policy);
    expect(trail.depends_on).toContain(`aws_iam_role_policy.${policyId}`);
  });
});
