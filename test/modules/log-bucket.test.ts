import { Testing } from 'cdktf';
import { LogBucket, PROTECTED_BUCKET_ACTIONS, type LogBucketProps } from '../../modules/log-bucket';
import { evaluate, isAllowed, wildcardGrants } from '../policy-eval';

const ADMIN = 'arn:aws:iam::333333333333:role/deploy';
const base: LogBucketProps = {
  bucketName: 'example-logs',
  region: 'eu-west-1',
  adminRoleArn: ADMIN,
  lifecycle: { noncurrentExpirationDays: 30 },
  statements: [],
};

function synth(props: Partial<LogBucketProps> = {}) {
  let bucket!: LogBucket;
  const json = JSON.parse(Testing.synthScope((scope) => { bucket = new LogBucket(scope, 'b', { ...base, ...props }); }));
  const one = (type: string) => Object.values(json.resource[type] ?? {}) as any[];
  return { bucket, one };
}

describe('LogBucket', () => {
  test('secure defaults: SSE-S3, no lock, no access logging, private, versioned, never destroyed', () => {
    const { one } = synth();
    expect(one('aws_s3_bucket')).toEqual([expect.objectContaining({ bucket: 'example-logs', region: 'eu-west-1', force_destroy: false, lifecycle: { prevent_destroy: true } })]);
    expect(one('aws_s3_bucket')[0].object_lock_enabled).toBeUndefined();
    expect(one('aws_s3_bucket_object_lock_configuration')).toEqual([]);
    expect(one('aws_s3_bucket_logging')).toEqual([]);
    expect(one('aws_s3_bucket_server_side_encryption_configuration')[0].rule[0]).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' },
      blocked_encryption_types: ['SSE-C'],
    });
    expect(one('aws_s3_bucket_versioning')[0].versioning_configuration.status).toBe('Enabled');
    expect(one('aws_s3_bucket_ownership_controls')[0].rule.object_ownership).toBe('BucketOwnerEnforced');
    expect(one('aws_s3_bucket_public_access_block')[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one('aws_s3_bucket_lifecycle_configuration')[0].rule[0]).toMatchObject({
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    const json = JSON.parse(Testing.synthScope((scope) => { new LogBucket(scope, 'b', base); }));
    for (const byName of Object.values(json.resource) as Record<string, any>[]) {
      for (const r of Object.values(byName)) expect(r.region).toBe('eu-west-1');
    }
  });

  test('KMS, object lock and access logging when asked', () => {
    const { one } = synth({
      kmsKeyArn: 'arn:aws:kms:eu-west-1:333333333333:key/abc',
      objectLock: { mode: 'COMPLIANCE', days: 10 },
      accessLogs: { targetBucket: 'access', targetPrefix: 'example-logs/' },
    });
    expect(one('aws_s3_bucket')[0].object_lock_enabled).toBe(true);
    expect(one('aws_s3_bucket_object_lock_configuration')[0].rule.default_retention).toEqual({ mode: 'COMPLIANCE', days: 10 });
    expect(one('aws_s3_bucket_server_side_encryption_configuration')[0].rule[0]).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-west-1:333333333333:key/abc' },
      bucket_key_enabled: true,
    });
    expect(one('aws_s3_bucket_logging')[0]).toMatchObject({ target_bucket: 'access', target_prefix: 'example-logs/' });
  });

  test('the synthesized policy is the policy the construct exposes: TLS-only, protected, extra statements appended', () => {
    const extra = { Sid: 'Reader', Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-logs/*' };
    const { bucket, one } = synth({ statements: [extra] });
    const policy = JSON.parse(one('aws_s3_bucket_policy')[0].policy);
    expect(policy).toEqual(bucket.policy);
    expect(wildcardGrants(policy, 's3')).toEqual([]);
    const read = { principal: { arn: 'arn:aws:iam::222222222222:role/r' }, action: 's3:GetObject', resource: 'arn:aws:s3:::example-logs/k' };
    expect(isAllowed(policy, { ...read, context: { 'aws:SecureTransport': true } })).toBe(true);
    expect(evaluate(policy, { ...read, context: { 'aws:SecureTransport': false } })).toBe('ExplicitDeny');
    for (const action of PROTECTED_BUCKET_ACTIONS) {
      const resource = action.includes('Object') && !action.includes('Lock') ? 'arn:aws:s3:::example-logs/k' : 'arn:aws:s3:::example-logs';
      expect(evaluate(policy, { principal: { arn: 'arn:aws:iam::333333333333:role/other' }, action, resource, context: { 'aws:SecureTransport': true } })).toBe('ExplicitDeny');
      expect(evaluate(policy, { principal: { arn: ADMIN }, action, resource, context: { 'aws:SecureTransport': true } })).toBe('ImplicitDeny');
    }
  });

  test('preventDestroy can only be turned off explicitly', () => {
    expect(synth({ preventDestroy: false }).one('aws_s3_bucket')[0].lifecycle).toEqual({ prevent_destroy: false });
  });
});
