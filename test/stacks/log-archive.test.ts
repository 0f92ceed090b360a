import { logArchiveNames } from '../../modules/names';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { evaluate, isAllowed, statementsOf, wildcardGrants, type Policy, type Request } from '../policy-eval';
import { attachedTo, bucketPolicyOf, bucketResource, keyPolicyOf } from './log-archive-helpers';

const MGMT = '111111111111';
const SECURITY = '222222222222';
const ARCHIVE = '333333333333';
const WORKLOAD = '444444444444';
const ORG = 'o-exampleorg1';
const cfg = configOf();
const names = logArchiveNames(cfg);
const json = synthOrg(cfg)['log-archive'];
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org-guard-organization-trail`;
const DEPLOY_ROLE = `arn:aws:iam::${ARCHIVE}:role/OrganizationAccountAccessRole`;
const ALL_BUCKETS = [names.trailBucket, names.accessLogBucket, names.configBucket, names.firewallLogBucket];

const tls = { 'aws:SecureTransport': true, 's3:TlsVersion': 1.3 };
const object = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
const cloudTrailPut = (key: string, extra: Record<string, string> = {}): Request => ({
  principal: { service: 'cloudtrail.amazonaws.com' },
  action: 's3:PutObject',
  resource: object(names.trailBucket, key),
  context: { ...tls, 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN, ...extra },
});

/**
 * What the trail bucket policy must guarantee, as a list of broken expectations; the real policy has
 * none, and the mutation test below shows that a world-writable or source-ARN-less policy has some.
 */
function trailBucketViolations(policy: Policy): string[] {
  const problems: string[] = [];
  const expectThat = (ok: boolean, what: string) => ok || problems.push(what);
  const key = (prefix: string) => `${prefix}/CloudTrail/us-east-1/2025/01/01/file.json.gz`;
  expectThat(isAllowed(policy, cloudTrailPut(key(`AWSLogs/${MGMT}`))), 'CloudTrail can write under AWSLogs/<management>/');
  expectThat(isAllowed(policy, cloudTrailPut(key(`AWSLogs/${ORG}/${WORKLOAD}`))), 'CloudTrail can write under AWSLogs/<org id>/');
  for (const other of [`AWSLogs/${WORKLOAD}`, 'AWSLogs/o-otherorg123', 'elsewhere', '']) {
    expectThat(!isAllowed(policy, cloudTrailPut(key(other))), `CloudTrail cannot write under "${other}"`);
  }
  const withoutSource = cloudTrailPut(key(`AWSLogs/${MGMT}`));
  delete withoutSource.context!['aws:SourceArn'];
  expectThat(!isAllowed(policy, withoutSource), 'CloudTrail cannot write without aws:SourceArn');
  for (const arn of [`arn:aws:cloudtrail:us-east-1:${MGMT}:trail/other`, 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-guard-organization-trail']) {
    expectThat(!isAllowed(policy, cloudTrailPut(key(`AWSLogs/${MGMT}`), { 'aws:SourceArn': arn })), `another trail (${arn}) cannot write`);
  }
  expectThat(!isAllowed(policy, cloudTrailPut(key(`AWSLogs/${MGMT}`), { 's3:x-amz-acl': 'private' })), 'writes need bucket-owner-full-control');
  expectThat(evaluate(policy, cloudTrailPut(key(`AWSLogs/${MGMT}`), { 'aws:SecureTransport': false } as any)) === 'ExplicitDeny', 'non-TLS writes are denied');
  for (const principal of ['anonymous', { arn: 'arn:aws:iam::999999999999:role/attacker' }, { service: 'config.amazonaws.com' }] as const) {
    expectThat(!isAllowed(policy, { principal, action: 's3:PutObject', resource: object(names.trailBucket, key(`AWSLogs/${MGMT}`)), context: tls }),
      `${JSON.stringify(principal)} cannot write`);
  }
  for (const st of wildcardGrants(policy, 's3')) problems.push(`statement ${st.Sid} grants s3:* to everyone`);
  return problems;
}

describe('log-archive stack: trail bucket', () => {
  const policy = bucketPolicyOf(json, names.trailBucket);

  test('bucket policy: CloudTrail writes only under the two prefixes, only with the trail as source, only over TLS', () => {
    expect(trailBucketViolations(policy)).toEqual([]);
  });

  test('a policy that grants the world write access or drops the source-ARN condition fails those checks', () => {
    const statements = statementsOf(policy);
    const worldWritable: Policy = { ...policy, Statement: [...statements, { Sid: 'Oops', Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${names.trailBucket}/*` }] };
    expect(trailBucketViolations(worldWritable)).toEqual(expect.arrayContaining([expect.stringMatching(/anonymous.*cannot write/)]));
    const noSourceArn: Policy = {
      ...policy,
      Statement: statements.map((s) => (s.Sid === 'AWSCloudTrailWrite' ? { ...s, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } } : s)),
    };
    expect(trailBucketViolations(noSourceArn)).toEqual(expect.arrayContaining(['CloudTrail cannot write without aws:SourceArn']));
    const allS3: Policy = { ...policy, Statement: [...statements, { Sid: 'All', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' }] };
    expect(trailBucketViolations(allS3)).toEqual(expect.arrayContaining(['statement All grants s3:* to everyone']));
  });

  test('CloudTrail reads the ACL only for this trail', () => {
    const acl: Request = { principal: { service: 'cloudtrail.amazonaws.com' }, action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${names.trailBucket}`, context: { ...tls, 'aws:SourceArn': TRAIL_ARN } };
    expect(isAllowed(policy, acl)).toBe(true);
    expect(isAllowed(policy, { ...acl, context: tls })).toBe(false);
  });

  test('readers (default: the security account) may read; others may not', () => {
    const read = (arn: string): Request => ({ principal: { arn }, action: 's3:GetObject', resource: object(names.trailBucket, `AWSLogs/${MGMT}/x`), context: tls });
    expect(isAllowed(policy, read(`arn:aws:iam::${SECURITY}:role/incident-response`))).toBe(true);
    expect(isAllowed(policy, read(`arn:aws:iam::${WORKLOAD}:role/dev`))).toBe(false);
    expect(evaluate(policy, { ...read(`arn:aws:iam::${SECURITY}:role/ir`), context: { 'aws:SecureTransport': false } })).toBe('ExplicitDeny');
  });

  test.each([
    ['s3:DeleteObject', 'AWSLogs/111111111111/x'],
    ['s3:DeleteObjectVersion', 'AWSLogs/111111111111/x'],
    ['s3:BypassGovernanceRetention', 'AWSLogs/111111111111/x'],
    ['s3:PutBucketPolicy', ''],
    ['s3:DeleteBucketPolicy', ''],
    ['s3:PutBucketObjectLockConfiguration', ''],
    ['s3:PutLifecycleConfiguration', ''],
    ['s3:PutBucketVersioning', ''],
    ['s3:DeleteBucket', ''],
  ])('%s is denied to everyone but the deployment role', (action, key) => {
    const resource = key ? object(names.trailBucket, key) : `arn:aws:s3:::${names.trailBucket}`;
    for (const arn of [`arn:aws:iam::${ARCHIVE}:role/Admin`, `arn:aws:iam::${ARCHIVE}:user/ops`, `arn:aws:iam::${SECURITY}:role/incident-response`]) {
      expect(evaluate(policy, { principal: { arn }, action, resource, context: tls })).toBe('ExplicitDeny');
    }
    expect(evaluate(policy, { principal: { service: 'cloudtrail.amazonaws.com' }, action, resource, context: tls })).toBe('ExplicitDeny');
    // The deployment role is not denied (its IAM policy in the account grants it).
    expect(evaluate(policy, { principal: { arn: DEPLOY_ROLE }, action, resource, context: tls })).not.toBe('ExplicitDeny');
  });

  test('object lock at creation (GOVERNANCE, retention from config), versioning, BPA, ownership, SSE-KMS with bucket key', () => {
    expect(bucketResource(json, names.trailBucket)).toMatchObject({ object_lock_enabled: true, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(attachedTo(json, 'aws_s3_bucket_object_lock_configuration', names.trailBucket)).toEqual([
      expect.objectContaining({ object_lock_enabled: 'Enabled', rule: { default_retention: { mode: 'GOVERNANCE', days: 365 } } }),
    ]);
    expect(attachedTo(json, 'aws_s3_bucket_versioning', names.trailBucket)[0].versioning_configuration.status).toBe('Enabled');
    const [[keyId]] = resourcesOf(json, 'aws_kms_key');
    expect(attachedTo(json, 'aws_s3_bucket_server_side_encryption_configuration', names.trailBucket)[0].rule[0]).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${aws_kms_key.${keyId}.arn}` },
      bucket_key_enabled: true,
    });
  });

  test('lifecycle: colder storage after transitionDays, noncurrent versions expire after the retention', () => {
    const [lifecycle] = attachedTo(json, 'aws_s3_bucket_lifecycle_configuration', names.trailBucket);
    expect(lifecycle.rule[0]).toMatchObject({
      status: 'Enabled',
      transition: [{ days: 90, storage_class: 'GLACIER_IR' }],
      noncurrent_version_expiration: [{ noncurrent_days: 365 }],
    });
    expect(lifecycle.rule[0].expiration).toEqual([{ expired_object_delete_marker: true }]);
  });

  test('server access logs go to the access-log bucket', () => {
    const [logging] = attachedTo(json, 'aws_s3_bucket_logging', names.trailBucket);
    const accessId = resourcesOf(json, 'aws_s3_bucket').find(([, b]) => b.bucket === names.accessLogBucket)![0];
    expect(logging).toMatchObject({ target_bucket: `\${aws_s3_bucket.${accessId}.id}`, target_prefix: `${names.trailBucket}/` });
  });
});

describe('log-archive stack: every bucket is hardened', () => {
  test.each(ALL_BUCKETS)('%s: BPA, ownership enforced, versioning, encryption, TLS-only, prevent_destroy, no world-wide grants', (bucket) => {
    expect(bucketResource(json, bucket)).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(attachedTo(json, 'aws_s3_bucket_public_access_block', bucket)).toEqual([
      expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    ]);
    expect(attachedTo(json, 'aws_s3_bucket_ownership_controls', bucket)[0].rule.object_ownership).toBe('BucketOwnerEnforced');
    expect(attachedTo(json, 'aws_s3_bucket_versioning', bucket)[0].versioning_configuration.status).toBe('Enabled');
    expect(attachedTo(json, 'aws_s3_bucket_server_side_encryption_configuration', bucket)).toHaveLength(1);
    const policy = bucketPolicyOf(json, bucket);
    expect(wildcardGrants(policy, 's3')).toEqual([]);
    for (const principal of [{ service: 'cloudtrail.amazonaws.com' }, { arn: DEPLOY_ROLE }, 'anonymous'] as const) {
      expect(evaluate(policy, { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/x`, context: { 'aws:SecureTransport': false } })).toBe('ExplicitDeny');
      expect(evaluate(policy, { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/x`, context: { 'aws:SecureTransport': true, 's3:TlsVersion': 1.1 } })).toBe('ExplicitDeny');
    }
    // Only the deployment role may delete logs or change the policy.
    expect(evaluate(policy, { principal: { arn: `arn:aws:iam::${ARCHIVE}:role/Admin` }, action: 's3:DeleteObjectVersion', resource: `arn:aws:s3:::${bucket}/x`, context: tls })).toBe('ExplicitDeny');
    expect(evaluate(policy, { principal: { arn: DEPLOY_ROLE }, action: 's3:PutBucketPolicy', resource: `arn:aws:s3:::${bucket}`, context: tls })).not.toBe('ExplicitDeny');
    // No Allow statement trusts everyone, whatever the action.
    expect(statementsOf(policy).filter((s) => s.Effect === 'Allow' && (s.Principal === '*' || (s.Principal as any)?.AWS === '*'))).toEqual([]);
  });

  test('only the trail bucket is object-locked and KMS-encrypted; the others use SSE-S3 (server access logging needs it; Config refuses locked buckets)', () => {
    expect(resourcesOf(json, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(1);
    for (const bucket of [names.accessLogBucket, names.configBucket, names.firewallLogBucket]) {
      expect(bucketResource(json, bucket).object_lock_enabled).toBeUndefined();
      expect(attachedTo(json, 'aws_s3_bucket_server_side_encryption_configuration', bucket)[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
      expect(attachedTo(json, 'aws_s3_bucket_lifecycle_configuration', bucket)[0].rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
    }
  });

  test('every bucket but the access-log bucket logs access to it', () => {
    expect(attachedTo(json, 'aws_s3_bucket_logging', names.accessLogBucket)).toEqual([]);
    for (const bucket of [names.trailBucket, names.configBucket, names.firewallLogBucket]) {
      expect(attachedTo(json, 'aws_s3_bucket_logging', bucket)).toHaveLength(1);
    }
  });
});

describe('log-archive stack: KMS key', () => {
  const policy = keyPolicyOf(json);
  const [[, key]] = resourcesOf(json, 'aws_kms_key');
  const context = { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN, 'aws:SourceArn': TRAIL_ARN };
  const generate = (ctx: Record<string, string>): Request => ({ principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:GenerateDataKey', context: ctx });

  test('rotation on, never destroyed, alias from names', () => {
    expect(key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    const [[, alias]] = resourcesOf(json, 'aws_kms_alias');
    expect(alias).toMatchObject({ name: names.keyAlias, lifecycle: { prevent_destroy: true } });
    expect(names.keyAliasArn).toBe(`arn:aws:kms:us-east-1:${ARCHIVE}:alias/org-guard-log-archive`);
  });

  test('CloudTrail generates data keys only for the organization trail', () => {
    expect(isAllowed(policy, generate(context))).toBe(true);
    expect(isAllowed(policy, generate({ 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN }))).toBe(false);
    expect(isAllowed(policy, generate({ 'aws:SourceArn': TRAIL_ARN }))).toBe(false);
    const foreign = 'arn:aws:cloudtrail:us-east-1:999999999999:trail/x';
    expect(isAllowed(policy, generate({ 'kms:EncryptionContext:aws:cloudtrail:arn': foreign, 'aws:SourceArn': foreign }))).toBe(false);
    expect(isAllowed(policy, generate({ ...context, 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/other` }))).toBe(false);
    expect(isAllowed(policy, { principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:DescribeKey', context: { 'aws:SourceArn': TRAIL_ARN } })).toBe(true);
  });

  // CloudTrail guide, "Configure AWS KMS key policies for CloudTrail": the trail bucket has an S3 Bucket Key,
  // so CloudTrail (the service principal) needs kms:Decrypt to create or update the trail.
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
  test('CloudTrail may decrypt for the organization trail only, which the S3 Bucket Key of the trail bucket needs', () => {
    const [[, sse]] = resourcesOf(json, 'aws_s3_bucket_server_side_encryption_configuration')
      .filter(([, e]) => e.rule[0].apply_server_side_encryption_by_default.sse_algorithm === 'aws:kms');
    expect(sse.rule[0].bucket_key_enabled).toBe(true);
    const decrypt = (ctx: Record<string, string>): Request => ({ principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:Decrypt', context: ctx });
    expect(isAllowed(policy, decrypt(context))).toBe(true);
    expect(isAllowed(policy, decrypt({ 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN }))).toBe(false);
    expect(isAllowed(policy, decrypt({ ...context, 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/other` }))).toBe(false);
    // The trail owner itself gets no decrypt (commit 6d42e5a granted it; AWS asks it of the service).
    expect(isAllowed(policy, { principal: { arn: `arn:aws:iam::${MGMT}:role/Admin` }, action: 'kms:Decrypt', context })).toBe(false);
  });

  test('nobody in the log-archive account but the deployment role and the break-glass roles may disable, delete or re-policy the key', () => {
    const input = minimalInput();
    input.guardrails = { exemptRoles: ['aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*'] };
    const withBreakGlass = keyPolicyOf(synthOrg(configOf(input))['log-archive']);
    const breakGlass = `arn:aws:iam::${ARCHIVE}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_0123abcd`;
    for (const action of ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation']) {
      for (const p of [policy, withBreakGlass]) {
        expect([action, evaluate(p, { principal: { arn: `arn:aws:iam::${ARCHIVE}:role/Admin` }, action })]).toEqual([action, 'ExplicitDeny']);
        expect([action, evaluate(p, { principal: { arn: `arn:aws:iam::${ARCHIVE}:root` }, action })]).toEqual([action, 'ExplicitDeny']);
        expect([action, evaluate(p, { principal: { arn: DEPLOY_ROLE }, action })]).toEqual([action, 'Allow']);
      }
      expect([action, evaluate(policy, { principal: { arn: breakGlass }, action })]).toEqual([action, 'ExplicitDeny']);
      expect([action, evaluate(withBreakGlass, { principal: { arn: breakGlass }, action })]).toEqual([action, 'Allow']);
    }
  });

  test('readers decrypt only with the CloudTrail encryption context', () => {
    const decrypt = (arn: string, ctx: Record<string, string>): Request => ({ principal: { arn }, action: 'kms:Decrypt', context: ctx });
    const reader = `arn:aws:iam::${SECURITY}:role/incident-response`;
    expect(isAllowed(policy, decrypt(reader, { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN }))).toBe(true);
    expect(isAllowed(policy, decrypt(reader, {}))).toBe(false);
    expect(isAllowed(policy, decrypt(reader, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other/x' }))).toBe(false);
    expect(isAllowed(policy, decrypt(`arn:aws:iam::${WORKLOAD}:role/dev`, { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN }))).toBe(false);
    expect(isAllowed(policy, { principal: { arn: reader }, action: 'kms:Encrypt', context: { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN } })).toBe(false);
  });

  test('no wildcard principal; kms:* only for the log-archive account itself', () => {
    expect(wildcardGrants(policy, 'kms')).toEqual([]);
    const full = statementsOf(policy).filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => a === 'kms:*' || a === '*'));
    expect(full.map((s) => s.Principal)).toEqual([{ AWS: `arn:aws:iam::${ARCHIVE}:root` }]);
    expect(isAllowed(policy, { principal: 'anonymous', action: 'kms:Decrypt', context })).toBe(false);
    expect(isAllowed(policy, { principal: { arn: 'arn:aws:iam::999999999999:root' }, action: 'kms:ScheduleKeyDeletion' })).toBe(false);
  });
});

describe('log-archive stack: Config, firewall and access-log destinations', () => {
  test('AWS Config of any organization account delivers under AWSLogs/<account>/Config/', () => {
    const policy = bucketPolicyOf(json, names.configBucket);
    const put = (key: string, ctx: Record<string, string>): Request => ({
      principal: { service: 'config.amazonaws.com' }, action: 's3:PutObject', resource: object(names.configBucket, key),
      context: { ...tls, 's3:x-amz-acl': 'bucket-owner-full-control', ...ctx },
    });
    const key = `AWSLogs/${WORKLOAD}/Config/eu-west-1/2025/1/1/ConfigHistory/x.json.gz`;
    expect(isAllowed(policy, put(key, { 'aws:SourceOrgID': ORG }))).toBe(true);
    expect(isAllowed(policy, put(key, { 'aws:SourceOrgID': 'o-otherorg123' }))).toBe(false);
    expect(isAllowed(policy, put(key, {}))).toBe(false);
    expect(isAllowed(policy, put(`AWSLogs/${WORKLOAD}/CloudTrail/x`, { 'aws:SourceOrgID': ORG }))).toBe(false);
    expect(isAllowed(policy, put(key, { 'aws:SourceOrgID': ORG, 's3:x-amz-acl': 'private' }))).toBe(false);
    for (const action of ['s3:GetBucketAcl', 's3:ListBucket']) {
      const check: Request = { principal: { service: 'config.amazonaws.com' }, action, resource: `arn:aws:s3:::${names.configBucket}`, context: { ...tls, 'aws:SourceOrgID': ORG } };
      expect(isAllowed(policy, check)).toBe(true);
      expect(isAllowed(policy, { ...check, context: tls })).toBe(false);
    }
  });

  test('Network Firewall logs from the organization and WAF logs from the security-account Firehose role only', () => {
    const policy = bucketPolicyOf(json, names.firewallLogBucket);
    const nfw: Request = {
      principal: { service: 'delivery.logs.amazonaws.com' }, action: 's3:PutObject',
      resource: object(names.firewallLogBucket, `network-firewall/AWSLogs/${WORKLOAD}/network-firewall/alert/us-east-1/x.log.gz`),
      context: { ...tls, 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceOrgID': ORG },
    };
    expect(isAllowed(policy, nfw)).toBe(true);
    expect(isAllowed(policy, { ...nfw, context: { ...nfw.context, 'aws:SourceOrgID': 'o-otherorg123' } })).toBe(false);
    expect(isAllowed(policy, { ...nfw, resource: object(names.firewallLogBucket, 'waf/x') })).toBe(false);

    expect(names.wafFirehoseRoleName).toBe('org-guard-waf-logs-firehose');
    const firehose = (arn: string, key = 'waf/2025/01/01/x.gz'): Request => ({ principal: { arn }, action: 's3:PutObject', resource: object(names.firewallLogBucket, key), context: tls });
    expect(isAllowed(policy, firehose(names.wafFirehoseRoleArn))).toBe(true);
    expect(names.wafFirehoseRoleArn).toBe(`arn:aws:iam::${SECURITY}:role/org-guard-waf-logs-firehose`);
    expect(isAllowed(policy, firehose(`arn:aws:iam::${SECURITY}:role/other`))).toBe(false);
    expect(isAllowed(policy, firehose(`arn:aws:iam::${WORKLOAD}:role/org-guard-waf-logs-firehose`))).toBe(false);
    expect(isAllowed(policy, firehose(names.wafFirehoseRoleArn, 'network-firewall/AWSLogs/x'))).toBe(false);
    for (const action of ['s3:GetBucketLocation', 's3:ListBucket']) {
      expect(isAllowed(policy, { principal: { arn: names.wafFirehoseRoleArn }, action, resource: `arn:aws:s3:::${names.firewallLogBucket}`, context: tls })).toBe(true);
    }
    expect(isAllowed(policy, { principal: { arn: names.wafFirehoseRoleArn }, action: 's3:DeleteObject', resource: object(names.firewallLogBucket, 'waf/x'), context: tls })).toBe(false);
  });

  test('server access logs are accepted only from this account\'s log buckets', () => {
    const policy = bucketPolicyOf(json, names.accessLogBucket);
    const put = (source: string, account = ARCHIVE): Request => ({
      principal: { service: 'logging.s3.amazonaws.com' }, action: 's3:PutObject', resource: object(names.accessLogBucket, `${source}/x`),
      context: { ...tls, 'aws:SourceArn': `arn:aws:s3:::${source}`, 'aws:SourceAccount': account },
    });
    expect(isAllowed(policy, put(names.trailBucket))).toBe(true);
    expect(isAllowed(policy, put(names.configBucket))).toBe(true);
    expect(isAllowed(policy, put('someone-elses-bucket'))).toBe(false);
    expect(isAllowed(policy, put(names.trailBucket, '999999999999'))).toBe(false);
  });
});

describe('log-archive stack: config options', () => {
  test('COMPLIANCE mode, retention and storage class come from the config', () => {
    const input = minimalInput();
    input.logging = {
      retentionDays: 2555,
      objectLock: { mode: 'COMPLIANCE', acknowledgeComplianceModeIsIrreversible: true },
      transitionDays: 180,
      transitionStorageClass: 'DEEP_ARCHIVE',
      expirationDays: 3650,
    };
    const la = synthOrg(configOf(input))['log-archive'];
    expect(attachedTo(la, 'aws_s3_bucket_object_lock_configuration', names.trailBucket)[0].rule.default_retention).toEqual({ mode: 'COMPLIANCE', days: 2555 });
    expect(attachedTo(la, 'aws_s3_bucket_lifecycle_configuration', names.trailBucket)[0].rule[0]).toMatchObject({
      transition: [{ days: 180, storage_class: 'DEEP_ARCHIVE' }],
      noncurrent_version_expiration: [{ noncurrent_days: 2555 }],
      expiration: [{ days: 3650 }],
    });
  });

  test('readers from the config get read and decrypt; an empty list grants no one', () => {
    const input = minimalInput();
    input.logging = { readers: [WORKLOAD] };
    const la = synthOrg(configOf(input))['log-archive'];
    const decrypt = (account: string): Request => ({ principal: { arn: `arn:aws:iam::${account}:role/r` }, action: 'kms:Decrypt', context: { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN } });
    expect(isAllowed(keyPolicyOf(la), decrypt(WORKLOAD))).toBe(true);
    expect(isAllowed(keyPolicyOf(la), decrypt(SECURITY))).toBe(false);
    input.logging = { readers: [] };
    const none = synthOrg(configOf(input))['log-archive'];
    expect(statementsOf(keyPolicyOf(none)).map((s) => s.Sid)).not.toContain('AllowLogReadersToDecryptTrailLogs');
    expect(statementsOf(bucketPolicyOf(none, names.trailBucket)).map((s) => s.Sid)).not.toContain('AllowLogReadersToReadTrailLogs');
  });

  test('a custom deployment role is the one exempt from the protection deny', () => {
    const input = minimalInput();
    input.deployment = { roleName: 'OrgGuardDeploy' };
    const policy = bucketPolicyOf(synthOrg(configOf(input))['log-archive'], names.trailBucket);
    const del = (role: string): Request => ({ principal: { arn: `arn:aws:iam::${ARCHIVE}:role/${role}` }, action: 's3:PutBucketPolicy', resource: `arn:aws:s3:::${names.trailBucket}`, context: tls });
    expect(evaluate(policy, del('OrgGuardDeploy'))).not.toBe('ExplicitDeny');
    expect(evaluate(policy, del('OrganizationAccountAccessRole'))).toBe('ExplicitDeny');
  });
});
