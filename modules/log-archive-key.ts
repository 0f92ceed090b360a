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
  /**
   * The only principals that may disable, delete or re-policy the key: the deployment role of the owner
   * account and the break-glass roles (role ARNs, `*` allowed). Must include the role that applies the key
   * policy, or the key can no longer be managed.
   */
  keyAdminRoleArns: readonly string[];
}

/**
 * Actions that destroy or silently weaken the key: a disabled or deleted key makes every locked trail log
 * unreadable and stops delivery; a new key policy or a moved alias can do the same later. Kept out of
 * reach of the owner account's administrators (key policy) and of its principals (baseline SCP).
 * kms:CreateGrant stays allowed: a grant can only give cryptographic operations, never these
 * (AWS KMS developer guide, "Grant operations").
 */
export const KEY_DESTRUCTION_ACTIONS = [
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:PutKeyPolicy',
  'kms:DisableKeyRotation',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
];

/** The customer managed key of the trail logs: rotated, never destroyed, usable by the org trail only. */
export class LogArchiveKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: LogArchiveKeyProps) {
    super(scope, id);
    if (props.keyAdminRoleArns.length === 0) throw new Error('LogArchiveKey: keyAdminRoleArns must name the deployment role');
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
      // CloudTrail guide, "Configure AWS KMS key policies for CloudTrail" (Granting decrypt permissions):
      // "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to
      // create or update a trail with SSE-KMS encryption enabled", with the statement AWS gives for it
      // ("Allow CloudTrail to decrypt a trail": Service cloudtrail.amazonaws.com, kms:Decrypt). Scoped like the
      // encrypt statement (aws:SourceArn, the guide's best practice, and the CloudTrail encryption context the
      // data keys were made with), so it decrypts nothing but this trail's data.
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
      // AWS's sample has no condition; the two here still match with a Bucket Key: S3 only swaps its own
      // aws:s3:arn for the bucket ARN and appends it to the caller's context, which keeps CloudTrail's
      // aws:cloudtrail:arn (S3 guide, "Encryption context": https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context),
      // and the same path carries the aws:SourceArn AWS's own encrypt statement conditions on.
      Sid: 'AllowCloudTrailToDecryptTrail',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailContext },
        StringEquals: { 'aws:SourceArn': props.trailArn },
      },
    },
    {
      // The owner account's kms:* above would let any of its administrators disable or delete the key. A Deny
      // on aws:PrincipalArn (not NotPrincipal) also covers the account's root user. The admin roles stay
      // allowed, so KMS's lockout check on PutKeyPolicy (the caller must be able to call it again) passes.
      Sid: 'DenyKeyDestructionExceptKeyAdmins',
      Effect: 'Deny',
      Principal: '*',
      Action: KEY_DESTRUCTION_ACTIONS,
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...props.keyAdminRoleArns] } },
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
