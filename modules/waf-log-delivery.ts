import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';

export interface WafLogDeliveryProps {
  /** Account that owns the streams (the FMS admin): FMS WAF policies only log to its own streams. */
  accountId: string;
  /** One stream per region; include us-east-1 for CloudFront web ACLs. */
  regions: readonly string[];
  /** Log-archive bucket (another account) the streams write to. */
  bucketName: string;
  /** Key prefix; must start with the prefix the bucket policy allows. */
  keyPrefix: string;
  /** Name the log-archive bucket policy trusts. */
  roleName: string;
  /** Alias of the log-archive KMS key, in case the bucket encrypts with it. */
  kmsKeyAlias?: string;
  /** WAF requires the aws-waf-logs- prefix. */
  streamName?: string;
}

/** Kinesis Data Firehose streams named aws-waf-logs-* delivering WAF logs to the log archive. */
export class WafLogDelivery extends Construct {
  readonly role: IamRole;
  readonly streams: Record<string, KinesisFirehoseDeliveryStream> = {};

  constructor(scope: Construct, id: string, props: WafLogDeliveryProps) {
    super(scope, id);
    const streamName = props.streamName ?? 'aws-waf-logs-org-guard';
    if (!streamName.startsWith('aws-waf-logs-')) throw new Error(`WAF log stream "${streamName}" must start with aws-waf-logs-`);
    const bucketArn = `arn:aws:s3:::${props.bucketName}`;

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Firehose delivery of WAF logs to the log archive',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'firehose.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
        ],
      }),
    });

    const statements: Record<string, unknown>[] = [
      {
        Sid: 'WriteWafLogs',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
        Resource: [bucketArn, `${bucketArn}/${props.keyPrefix}*`],
      },
    ];
    if (props.kmsKeyAlias) {
      statements.push({
        Sid: 'EncryptWithLogArchiveKey',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': props.kmsKeyAlias },
          StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' },
        },
      });
    }
    const rolePolicy = new IamRolePolicy(this, 'role-policy', {
      role: this.role.name,
      name: 'deliver-waf-logs',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    for (const region of new Set(props.regions)) {
      this.streams[region] = new KinesisFirehoseDeliveryStream(this, `stream-${region}`, {
        region,
        name: streamName,
        destination: 'extended_s3',
        // Firehose checks at creation that the role can write.
        dependsOn: [rolePolicy],
        serverSideEncryption: { enabled: true, keyType: 'AWS_OWNED_CMK' },
        extendedS3Configuration: {
          roleArn: this.role.arn,
          bucketArn,
          prefix: `${props.keyPrefix}${region}/!{timestamp:yyyy/MM/dd/HH}/`,
          errorOutputPrefix: `${props.keyPrefix}errors/${region}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
          compressionFormat: 'GZIP',
          bufferingInterval: 300,
          bufferingSize: 5,
        },
      });
    }
  }
}
