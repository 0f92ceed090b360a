import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { ConfigRecorder } from '../../modules/config-recorder';
import { synthWith } from './fms-test-helpers';

const props = { accountId: '444444444444', regions: ['us-east-1', 'eu-west-1', 'ap-northeast-1'], homeRegion: 'us-east-1', bucketName: 'org-guard-config-333333333333-us-east-1' };
const of = (json: any, type: string) => Object.entries(json.resource[type] ?? {}) as [string, any][];

describe('ConfigRecorder', () => {
  const json = synthWith((s) => new ConfigRecorder(s, 'config', props));

  test('one recorder per region recording all supported types; global types only in the home region', () => {
    const recorders = of(json, 'aws_config_configuration_recorder').map(([, r]) => r);
    expect(recorders.map((r) => r.region).sort()).toEqual([...props.regions].sort());
    for (const r of recorders) {
      expect(r.recording_group.all_supported).toBe(true);
      expect(r.recording_group.include_global_resource_types).toBe(r.region === 'us-east-1');
      expect(r.role_arn).toBe('arn:aws:iam::444444444444:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig');
    }
  });

  test('delivery channel to the log archive bucket per region; recording enabled only after it', () => {
    const channels = of(json, 'aws_config_delivery_channel');
    expect(channels.map(([, c]) => c.region).sort()).toEqual([...props.regions].sort());
    expect(channels.every(([, c]) => c.s3_bucket_name === props.bucketName)).toBe(true);
    const statuses = of(json, 'aws_config_configuration_recorder_status').map(([, s]) => s);
    expect(statuses).toHaveLength(3);
    for (const s of statuses) {
      expect(s.is_enabled).toBe(true);
      const channel = channels.find(([, c]) => c.region === s.region)!;
      expect(s.depends_on).toContain(`aws_config_delivery_channel.${channel[0]}`);
    }
  });

  test('the service-linked role once per account, and optional', () => {
    expect(of(json, 'aws_iam_service_linked_role').map(([, r]) => r.aws_service_name)).toEqual(['config.amazonaws.com']);
    const without = synthWith((s) => new ConfigRecorder(s, 'config', { ...props, createServiceLinkedRole: false }));
    expect(without.resource!.aws_iam_service_linked_role).toBeUndefined();
  });

  test('in the stack that owns the bucket, delivery channels wait for its bucket policies', () => {
    const j = synthWith((s) => {
      new S3BucketPolicy(s, 'config-bucket-policy', { bucket: props.bucketName, policy: '{}' });
      new ConfigRecorder(s, 'config', { ...props, bucketInThisStack: true });
    });
    const [policyKey] = Object.keys(j.resource!.aws_s3_bucket_policy);
    for (const [, c] of of(j, 'aws_config_delivery_channel')) expect(c.depends_on).toContain(`aws_s3_bucket_policy.${policyKey}`);
  });

  test('a region outside the governed ones records only the listed resource types, with a delivery channel and status', () => {
    const j = synthWith((s) => new ConfigRecorder(s, 'config', {
      ...props, regions: ['eu-west-1'], homeRegion: 'eu-west-1',
      resourceTypesOnly: { 'us-east-1': ['AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL'] },
    }));
    const recorders = of(j, 'aws_config_configuration_recorder');
    const usEast1 = recorders.find(([, r]) => r.region === 'us-east-1')!;
    expect(usEast1[0]).toMatch(/^config_recorder-us-east-1_/);
    // RecordingGroup: a resource type list needs allSupported false and INCLUSION_BY_RESOURCE_TYPES
    // (https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html).
    expect(usEast1[1].recording_group).toEqual({
      all_supported: false,
      include_global_resource_types: false,
      resource_types: ['AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL'],
      recording_strategy: [{ use_only: 'INCLUSION_BY_RESOURCE_TYPES' }],
    });
    expect(recorders.find(([, r]) => r.region === 'eu-west-1')![1].recording_group).toEqual({ all_supported: true, include_global_resource_types: true });
    expect(of(j, 'aws_config_delivery_channel').map(([, c]) => c.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(of(j, 'aws_config_configuration_recorder_status').map(([, c]) => c.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  test('a governed region listed in resourceTypesOnly keeps recording everything', () => {
    const j = synthWith((s) => new ConfigRecorder(s, 'config', { ...props, resourceTypesOnly: { 'us-east-1': ['AWS::CloudFront::Distribution'] } }));
    const recorders = of(j, 'aws_config_configuration_recorder').map(([, r]) => r);
    expect(recorders).toHaveLength(3);
    expect(recorders.every((r) => r.recording_group.all_supported === true)).toBe(true);
  });
});
