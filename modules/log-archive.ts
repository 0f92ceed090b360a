import { Construct } from 'constructs';
import type { LogArchiveNames } from './names';
import { LogArchiveKey } from './log-archive-key';
import { LogBucket, type LogBucketLifecycle } from './log-bucket';
import { accountRoot, type PolicyStatement } from './policy-document';

export interface LogArchiveRetention {
  /** Object Lock default retention of trail logs; noncurrent versions of every bucket expire after it. */
  days: number;
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  transitionDays: number;
  transitionStorageClass: string;
  /** Optional deletion of current objects (>= days). */
  expirationDays?: number;
}

export interface LogArchiveProps {
  region: string;
  /** The log-archive account (owner of everything here). */
  accountId: string;
  organizationId: string;
  managementAccountId: string;
  securityAccountId: string;
  names: LogArchiveNames;
  /** Only this role may delete logs or change the buckets' protection. */
  deploymentRoleArn: string;
  /** Break-glass roles (ARN patterns) that may, besides the deployment role, disable or re-policy the key. */
  breakGlassRoleArns?: readonly string[];
  retention: LogArchiveRetention;
  /** Accounts that may read and decrypt trail logs. */
  readerAccountIds: readonly string[];
}

/**
 * Every log destination of the organization, in the log-archive account: the locked, KMS-encrypted
 * trail bucket and its key, the AWS Config bucket, the firewall-log bucket (WAF via Firehose,
 * Network Firewall), and the server-access-log bucket that records access to all of them.
 */
export class LogArchive extends Construct {
  readonly key: LogArchiveKey;
  readonly trailBucket: LogBucket;
  readonly accessLogBucket: LogBucket;
  readonly configBucket: LogBucket;
  readonly firewallLogBucket: LogBucket;

  constructor(scope: Construct, id: string, props: LogArchiveProps) {
    super(scope, id);
    const { names, region, retention } = props;
    const lifecycle: LogBucketLifecycle = {
      transitionDays: retention.transitionDays,
      transitionStorageClass: retention.transitionStorageClass,
      noncurrentExpirationDays: retention.days,
      expirationDays: retention.expirationDays,
    };
    const common = { region, adminRoleArn: props.deploymentRoleArn, lifecycle };
    const arn = (bucket: string) => `arn:aws:s3:::${bucket}`;

    this.key = new LogArchiveKey(this, 'key', {
      region,
      ownerAccountId: props.accountId,
      aliasName: names.keyAlias,
      managementAccountId: props.managementAccountId,
      trailArn: names.trailArn,
      readerAccountIds: props.readerAccountIds,
      keyAdminRoleArns: [props.deploymentRoleArn, ...(props.breakGlassRoleArns ?? [])],
    });

    // Server access logging supports SSE-S3 only as default encryption, and no object lock default retention.
    this.accessLogBucket = new LogBucket(this, 'access-log-bucket', {
      ...common,
      bucketName: names.accessLogBucket,
      statements: accessLogStatements(arn(names.accessLogBucket), props.accountId,
        [names.trailBucket, names.configBucket, names.firewallLogBucket].map(arn)),
    });
    const accessLogs = (bucket: string) => ({ targetBucket: this.accessLogBucket.bucket.id, targetPrefix: `${bucket}/` });

    this.trailBucket = new LogBucket(this, 'trail-bucket', {
      ...common,
      bucketName: names.trailBucket,
      kmsKeyArn: this.key.key.arn,
      objectLock: { mode: retention.mode, days: retention.days },
      accessLogs: accessLogs(names.trailBucket),
      statements: trailStatements(arn(names.trailBucket), names.trailArn,
        [props.managementAccountId, props.organizationId], props.readerAccountIds),
    });

    // AWS Config refuses delivery to object-locked buckets; SSE-S3 keeps the log-archive key CloudTrail-only.
    this.configBucket = new LogBucket(this, 'config-bucket', {
      ...common,
      bucketName: names.configBucket,
      accessLogs: accessLogs(names.configBucket),
      statements: configStatements(arn(names.configBucket), props.organizationId),
    });

    this.firewallLogBucket = new LogBucket(this, 'firewall-log-bucket', {
      ...common,
      bucketName: names.firewallLogBucket,
      accessLogs: accessLogs(names.firewallLogBucket),
      statements: firewallLogStatements(arn(names.firewallLogBucket), props.organizationId, props.securityAccountId, names),
    });
  }
}

/** CloudTrail (AWS-documented organization-trail policy, tightened to this trail) and log readers. */
export function trailStatements(bucketArn: string, trailArn: string, prefixes: string[], readers: readonly string[]): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: 'AWSCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: bucketArn,
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
    {
      Sid: 'AWSCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: prefixes.map((p) => `${bucketArn}/AWSLogs/${p}/*`),
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
    },
  ];
  if (readers.length > 0) {
    statements.push({
      Sid: 'AllowLogReadersToReadTrailLogs',
      Effect: 'Allow',
      Principal: { AWS: readers.map(accountRoot) },
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
      Resource: [bucketArn, `${bucketArn}/*`],
    });
  }
  return statements;
}

/** S3 server access log delivery, only from this account's log buckets. */
export function accessLogStatements(bucketArn: string, accountId: string, sourceBucketArns: string[]): PolicyStatement[] {
  return [
    {
      Sid: 'S3ServerAccessLogsDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${bucketArn}/*`,
      Condition: { ArnLike: { 'aws:SourceArn': sourceBucketArns }, StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ];
}

/**
 * AWS Config delivery channels of every account of the organization. With the Config service-linked
 * role, and for any cross-account bucket, Config writes as the config.amazonaws.com service principal.
 */
export function configStatements(bucketArn: string, organizationId: string): PolicyStatement[] {
  const fromOrg = { 'aws:SourceOrgID': organizationId };
  return [
    {
      Sid: 'AWSConfigBucketPermissionsCheck',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: bucketArn,
      Condition: { StringEquals: fromOrg },
    },
    {
      Sid: 'AWSConfigBucketExistenceCheck',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringEquals: fromOrg },
    },
    {
      Sid: 'AWSConfigBucketDelivery',
      Effect: 'Allow',
      Principal: { Service: 'config.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${bucketArn}/AWSLogs/*/Config/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...fromOrg } },
    },
  ];
}

/**
 * Network Firewall logs (delivery.logs.amazonaws.com, from any organization account) and WAF logs
 * (Firehose role in the security account). The role is matched by aws:PrincipalArn under its
 * account's principal: S3 rejects a policy naming a role that does not exist yet, and the security
 * stack deploys after this one.
 */
export function firewallLogStatements(
  bucketArn: string,
  organizationId: string,
  securityAccountId: string,
  names: Pick<LogArchiveNames, 'wafFirehoseRoleArn' | 'wafLogPrefix' | 'networkFirewallLogPrefix'>,
): PolicyStatement[] {
  const fromOrg = { 'aws:SourceOrgID': organizationId };
  const firehoseRole = { ArnEquals: { 'aws:PrincipalArn': names.wafFirehoseRoleArn } };
  return [
    {
      Sid: 'AWSLogDeliveryAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: bucketArn,
      Condition: { StringEquals: fromOrg },
    },
    {
      Sid: 'AWSLogDeliveryWrite',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${bucketArn}/${names.networkFirewallLogPrefix}/AWSLogs/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...fromOrg } },
    },
    {
      Sid: 'WafFirehoseBucketAccess',
      Effect: 'Allow',
      Principal: { AWS: accountRoot(securityAccountId) },
      Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      Resource: bucketArn,
      Condition: firehoseRole,
    },
    {
      Sid: 'WafFirehoseObjectWrite',
      Effect: 'Allow',
      Principal: { AWS: accountRoot(securityAccountId) },
      Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: `${bucketArn}/${names.wafLogPrefix}*`,
      Condition: firehoseRole,
    },
  ];
}
