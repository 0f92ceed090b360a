import { Testing } from 'cdktf';
import { KEY_DESTRUCTION_ACTIONS, keyPolicyStatements, LogArchiveKey, type LogArchiveKeyProps } from '../../modules/log-archive-key';
import { evaluate, isAllowed, wildcardGrants } from '../policy-eval';

const OWNER = '333333333333';
const TRAIL = 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/t';
const DEPLOY = `arn:aws:iam::${OWNER}:role/OrganizationAccountAccessRole`;
const BREAK_GLASS = `arn:aws:iam::${OWNER}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*`;
const props: LogArchiveKeyProps = {
  region: 'eu-west-1',
  ownerAccountId: OWNER,
  aliasName: 'alias/logs',
  managementAccountId: '111111111111',
  trailArn: TRAIL,
  readerAccountIds: ['222222222222'],
  keyAdminRoleArns: [DEPLOY, BREAK_GLASS],
};
const policy = { Statement: keyPolicyStatements(props) };
const ctContext = { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL, 'aws:SourceArn': TRAIL };

describe('LogArchiveKey', () => {
  test('rotated, 30-day deletion window, alias, both never destroyed, policy synthesized as data', () => {
    const json = JSON.parse(Testing.synthScope((scope) => { new LogArchiveKey(scope, 'k', props); }));
    const [key] = Object.values(json.resource.aws_kms_key) as any[];
    const [alias] = Object.values(json.resource.aws_kms_alias) as any[];
    expect(key).toMatchObject({ region: 'eu-west-1', enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(alias).toMatchObject({ name: 'alias/logs', lifecycle: { prevent_destroy: true } });
    expect(JSON.parse(key.policy).Statement).toEqual(keyPolicyStatements(props));
  });

  test('a key without admin roles is refused (nobody could manage it)', () => {
    expect(() => Testing.synthScope((scope) => { new LogArchiveKey(scope, 'k', { ...props, keyAdminRoleArns: [] }); })).toThrow(/keyAdminRoleArns/);
  });

  test('CloudTrail encryption needs both the encryption context and the source ARN of the trail', () => {
    const req = (context: Record<string, string>) => ({ principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:GenerateDataKey', context });
    expect(isAllowed(policy, req(ctContext))).toBe(true);
    expect(isAllowed(policy, req({ 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL }))).toBe(false);
    expect(isAllowed(policy, req({ 'aws:SourceArn': TRAIL }))).toBe(false);
    expect(wildcardGrants(policy, 'kms')).toEqual([]);
  });

  // CloudTrail guide, "Configure AWS KMS key policies for CloudTrail": with an S3 Bucket Key, creating or
  // updating the trail needs kms:Decrypt for the cloudtrail.amazonaws.com service principal.
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
  test('CloudTrail may decrypt for this trail only (S3 Bucket Key), with its source ARN and encryption context', () => {
    const decrypt = (context: Record<string, string>) =>
      evaluate(policy, { principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:Decrypt', context });
    expect(decrypt(ctContext)).toBe('Allow');
    expect(decrypt({ 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL })).toBe('ImplicitDeny');
    expect(decrypt({ 'aws:SourceArn': TRAIL })).toBe('ImplicitDeny');
    const other = 'arn:aws:cloudtrail:eu-west-1:999999999999:trail/x';
    expect(decrypt({ 'kms:EncryptionContext:aws:cloudtrail:arn': other, 'aws:SourceArn': other })).toBe('ImplicitDeny');
    // With a Bucket Key S3 appends aws:s3:arn = the bucket ARN to the caller's context and keeps CloudTrail's
    // aws:cloudtrail:arn (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context).
    expect(decrypt({ ...ctContext, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::org-guard-logs' })).toBe('Allow');
  });

  test('the management account gets metadata only, no decrypt (AWS asks decrypt of the CloudTrail service, not of the trail owner)', () => {
    const admin = 'arn:aws:iam::111111111111:role/Admin';
    expect(isAllowed(policy, { principal: { arn: admin }, action: 'kms:DescribeKey' })).toBe(true);
    expect(isAllowed(policy, { principal: { arn: admin }, action: 'kms:Decrypt', context: { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL } })).toBe(false);
  });

  test('readers decrypt only CloudTrail-encrypted data; no readers, no reader statement', () => {
    const decrypt = (p: typeof policy, account: string, context: Record<string, string>) =>
      isAllowed(p, { principal: { arn: `arn:aws:iam::${account}:role/Reader` }, action: 'kms:Decrypt', context });
    const withCt = { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL };
    expect(decrypt(policy, '222222222222', withCt)).toBe(true);
    expect(decrypt(policy, '222222222222', {})).toBe(false);
    const noReaders = { Statement: keyPolicyStatements({ ...props, readerAccountIds: [] }) };
    expect(decrypt(noReaders, '222222222222', withCt)).toBe(false);
  });

  describe('key-destroying actions', () => {
    const as = (arn: string, action: string) => evaluate(policy, { principal: { arn }, action });

    test.each(KEY_DESTRUCTION_ACTIONS)('%s: denied to an administrator and the root user of the owner account', (action) => {
      expect(as(`arn:aws:iam::${OWNER}:role/Admin`, action)).toBe('ExplicitDeny');
      expect(as(`arn:aws:iam::${OWNER}:user/alice`, action)).toBe('ExplicitDeny');
      expect(as(`arn:aws:iam::${OWNER}:root`, action)).toBe('ExplicitDeny');
      // A role merely named like the deployment role in another account gets nothing either.
      expect(as('arn:aws:iam::444444444444:role/OrganizationAccountAccessRole', action)).not.toBe('Allow');
    });

    test.each(KEY_DESTRUCTION_ACTIONS)('%s: allowed to the deployment role and the break-glass roles', (action) => {
      expect(as(DEPLOY, action)).toBe('Allow');
      expect(as(`arn:aws:iam::${OWNER}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_0123abcd`, action)).toBe('Allow');
    });

    test('the deny names the four actions of the issue, and service principals are not exempt', () => {
      expect(KEY_DESTRUCTION_ACTIONS).toEqual(expect.arrayContaining(['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation']));
      expect(evaluate(policy, { principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:ScheduleKeyDeletion', context: ctContext })).toBe('ExplicitDeny');
    });

    // KMS PutKeyPolicy: "the key policy must allow the principal that is making the PutKeyPolicy request to make a
    // subsequent PutKeyPolicy request on the KMS key" unless BypassPolicyLockoutSafetyCheck (never set here).
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
    test('the policy passes the lockout safety check for the deployment role that applies it', () => {
      expect(as(DEPLOY, 'kms:PutKeyPolicy')).toBe('Allow');
      expect(as(DEPLOY, 'kms:EnableKey')).toBe('Allow');
      expect(as(DEPLOY, 'kms:CancelKeyDeletion')).toBe('Allow');
    });

    test('everyday administration stays with the owner account', () => {
      for (const action of ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:TagResource', 'kms:EnableKeyRotation', 'kms:CancelKeyDeletion']) {
        expect([action, as(`arn:aws:iam::${OWNER}:role/Admin`, action)]).toEqual([action, 'Allow']);
      }
    });
  });
});
