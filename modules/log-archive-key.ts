import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { accountRoot, policyDocument, type PolicyDocument, type PolicyStatement } from './policy-document';

export interface LogArchiveKeyProps {
  region: string;
  /** Account that owns and administers the key (log archive). */
  ownerAccountId: string;
  /** e.g. alias/org-guard-log-archive */
  aliasName: string;
  /** Account whose trails may encrypt with the key (the organization trail lives there). */
  managementAccountId: string;
  /** ARN of the organization trail: the only trail allowed to generate data keys. */
  trailArn: string;
  /** Accounts allowed to decrypt trail logs (only with the CloudTrail encryption context). */
  readerAccountIds: readonly string[];
}

/** The customer managed key of the trail logs: rotated, never destroyed, usable by the org trail only. */
export class LogArchiveKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: LogArchiveKeyProps) {
    super(scope, id);
    this.policy = policyDocument(keyPolicyStatements(props));
    this.key = new KmsKey(this, 'key', {
      region: props.region,
      description: 'org-guard: encrypts the organization CloudTrail logs in the log archive',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(this.policy),
      lifecycle: { preventDestroy: true },
    });
    // The management stack resolves the trail's key through this alias: losing it breaks the trail's plan.
    this.alias = new KmsAlias(this, 'alias', {
      region: props.region,
      name: props.aliasName,
      targetKeyId: this.key.keyId,
      lifecycle: { preventDestroy: true },
    });
  }
}

export function keyPolicyStatements(props: LogArchiveKeyProps): PolicyStatement[] {
  const trailContext = `arn:aws:cloudtrail:*:${props.managementAccountId}:trail/*`;
  const statements: PolicyStatement[] = [
    {
      // Without it the key becomes unmanageable; IAM policies in the owner account still decide who may use it.
      Sid: 'EnableOwnerAccountAdministration',
      Effect: 'Allow',
      Principal: { AWS: accountRoot(props.ownerAccountId) },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'AllowOrganizationTrailToEncryptLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext },
        StringEquals: { 'aws:SourceArn': props.trailArn },
      },
    },
    {
      Sid: 'AllowOrganizationTrailToDescribeKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': props.trailArn } },
    },
    {
      // The management stack looks the alias up to give the trail the key ARN (CloudTrail reports the key ARN,
      // so an alias in the trail would show a change on every plan). Metadata only.
      Sid: 'AllowManagementAccountToDescribeKey',
      Effect: 'Allow',
      Principal: { AWS: accountRoot(props.managementAccountId) },
      Action: 'kms:DescribeKey',
      Resource: '*',
    },
    {
      // AWS: with an S3 Bucket Key on the trail bucket, whoever creates or updates the trail needs kms:Decrypt.
      // Scoped like a reader's: only for CloudTrail-encrypted data of this management account's trails.
      Sid: 'AllowTrailOwnerToDecryptTrailLogs',
      Effect: 'Allow',
      Principal: { AWS: accountRoot(props.managementAccountId) },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext } },
    },
  ];
  if (props.readerAccountIds.length > 0) {
    statements.push({
      Sid: 'AllowLogReadersToDecryptTrailLogs',
      Effect: 'Allow',
      Principal: { AWS: props.readerAccountIds.map(accountRoot) },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext } },
    });
  }
  return statements;
}
