import { Testing } from 'cdktf';
import { keyPolicyStatements, LogArchiveKey, type LogArchiveKeyProps } from '../../modules/log-archive-key';
import { isAllowed, wildcardGrants } from '../policy-eval';

const TRAIL = 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/t';
const props: LogArchiveKeyProps = {
  region: 'eu-west-1',
  ownerAccountId: '333333333333',
  aliasName: 'alias/logs',
  managementAccountId: '111111111111',
  trailArn: TRAIL,
  readerAccountIds: ['222222222222'],
};

describe('LogArchiveKey', () => {
  test('rotated, 30-day deletion window, alias, both never destroyed, policy synthesized as data', () => {
    const json = JSON.parse(Testing.synthScope((scope) => { new LogArchiveKey(scope, 'k', props); }));
    const [key] = Object.values(json.resource.aws_kms_key) as any[];
    const [alias] = Object.values(json.resource.aws_kms_alias) as any[];
    expect(key).toMatchObject({ region: 'eu-west-1', enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(alias).toMatchObject({ name: 'alias/logs', lifecycle: { prevent_destroy: true } });
    expect(JSON.parse(key.policy).Statement).toEqual(keyPolicyStatements(props));
  });

  test('CloudTrail encryption needs both the encryption context and the source ARN of the trail', () => {
    const policy = { Statement: keyPolicyStatements(props) };
    const req = (context: Record<string, string>) => ({ principal: { service: 'cloudtrail.amazonaws.com' }, action: 'kms:GenerateDataKey', context });
    expect(isAllowed(policy, req({ 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL, 'aws:SourceArn': TRAIL }))).toBe(true);
    expect(isAllowed(policy, req({ 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL }))).toBe(false);
    expect(isAllowed(policy, req({ 'aws:SourceArn': TRAIL }))).toBe(false);
    expect(wildcardGrants(policy, 'kms')).toEqual([]);
  });

  test('no readers: only the trail owner may decrypt, and only CloudTrail-encrypted data (needed with S3 Bucket Keys)', () => {
    const policy = { Statement: keyPolicyStatements({ ...props, readerAccountIds: [] }) };
    const decrypt = (account: string, context: Record<string, string>) =>
      isAllowed(policy, { principal: { arn: `arn:aws:iam::${account}:role/Admin` }, action: 'kms:Decrypt', context });
    expect(decrypt('111111111111', { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL })).toBe(true);
    expect(decrypt('111111111111', {})).toBe(false);
    expect(decrypt('111111111111', { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:eu-west-1:999999999999:trail/x' })).toBe(false);
    expect(decrypt('222222222222', { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL })).toBe(false);
  });
});
