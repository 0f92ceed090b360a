import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { policyDocument, type PolicyDocument, type PolicyStatement } from './policy-document';

/** Actions that would weaken or erase the archive; only the deployment role may call them. */
export const PROTECTED_BUCKET_ACTIONS = [
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:PutBucketPolicy',
  's3:PutBucketObjectLockConfiguration',
  's3:BypassGovernanceRetention',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutBucketAcl',
  's3:PutBucketLogging',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
] as const;

export interface LogBucketLifecycle {
  /** Age at which current objects move to `transitionStorageClass`. */
  transitionDays?: number;
  transitionStorageClass?: string;
  /** Noncurrent versions are deleted this many days after they become noncurrent. */
  noncurrentExpirationDays: number;
  /** Optional deletion of current objects; absent: kept forever. */
  expirationDays?: number;
}

export interface LogBucketProps {
  bucketName: string;
  region: string;
  /**
   * SSE-KMS with this key (and S3 Bucket Keys), or SSE-S3 when absent. SSE-S3 is the only default
   * encryption S3 server access logging and cross-account service deliveries support without key grants.
   */
  kmsKeyArn?: string;
  /** Object Lock, which S3 only accepts at bucket creation. */
  objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
  /** Server access logs of this bucket go there (same account and region). */
  accessLogs?: { targetBucket: string; targetPrefix: string };
  lifecycle: LogBucketLifecycle;
  /** The only principal allowed to delete objects or change the bucket's protection (the deployment role). */
  adminRoleArn: string;
  /** Writers and readers of this bucket (service deliveries, reader accounts). */
  statements: PolicyStatement[];
  /** Default true: Terraform refuses to destroy the bucket. */
  preventDestroy?: boolean;
}

/**
 * A log bucket that loses nothing: versioned, private (BPA, bucket-owner-enforced), encrypted,
 * TLS-only, optionally object-locked, with deletes and protection changes reserved to the
 * deployment role.
 */
export class LogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly arn: string;
  /** The bucket policy as data (also what is synthesized). */
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const { bucketName, region } = props;
    this.bucketName = bucketName;
    this.arn = `arn:aws:s3:::${bucketName}`;

    this.bucket = new S3Bucket(this, 'bucket', {
      region,
      bucket: bucketName,
      forceDestroy: false,
      objectLockEnabled: props.objectLock ? true : undefined,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    const bucket = this.bucket.id;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      region,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      region,
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      region,
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      region,
      bucket,
      rule: [
        props.kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
              // Fewer KMS calls per delivered object. With CloudTrail this needs kms:Decrypt for the CloudTrail
              // service in the key policy (CloudTrail guide, "Configure AWS KMS key policies for CloudTrail"),
              // which LogArchiveKey grants.
              bucketKeyEnabled: true,
              blockedEncryptionTypes: ['SSE-C'],
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, blockedEncryptionTypes: ['SSE-C'] },
      ],
    });

    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        region,
        bucket,
        objectLockEnabled: 'Enabled',
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
      });
    }

    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      region,
      bucket,
      rule: [lifecycleRule(props.lifecycle)],
      dependsOn: [versioning],
    });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access-logging', {
        region,
        bucket,
        targetBucket: props.accessLogs.targetBucket,
        targetPrefix: props.accessLogs.targetPrefix,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
      });
    }

    this.policy = policyDocument([...baseStatements(this.arn, props.adminRoleArn), ...props.statements]);
    new S3BucketPolicy(this, 'policy', {
      region,
      bucket,
      policy: JSON.stringify(this.policy),
      // The block first, so a policy that turned public by mistake is refused rather than applied.
      dependsOn: [publicAccessBlock],
    });
  }
}

function lifecycleRule(l: LogBucketLifecycle): S3BucketLifecycleConfigurationRule {
  return {
    id: 'log-retention',
    status: 'Enabled',
    filter: [{ prefix: '' }],
    transition:
      l.transitionDays !== undefined && l.transitionStorageClass
        ? [{ days: l.transitionDays, storageClass: l.transitionStorageClass }]
        : undefined,
    noncurrentVersionExpiration: [{ noncurrentDays: l.noncurrentExpirationDays }],
    expiration: l.expirationDays !== undefined ? [{ days: l.expirationDays }] : [{ expiredObjectDeleteMarker: true }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
  };
}

/** TLS-only access and protection of the archive itself; every log bucket has these. */
function baseStatements(bucketArn: string, adminRoleArn: string): PolicyStatement[] {
  const both = [bucketArn, `${bucketArn}/*`];
  return [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: both,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'DenyOutdatedTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: both,
      Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
    },
    {
      // Principal "*" with a condition instead of NotPrincipal: log delivery setup refuses NotPrincipal policies.
      Sid: 'DenyDeletesAndProtectionChangesExceptDeploymentRole',
      Effect: 'Deny',
      Principal: '*',
      Action: [...PROTECTED_BUCKET_ACTIONS],
      Resource: both,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': adminRoleArn } },
    },
  ];
}
