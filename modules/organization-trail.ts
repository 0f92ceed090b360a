import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { Cloudtrail, type CloudtrailAdvancedEventSelector } from '@cdktf/provider-aws/lib/cloudtrail';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument } from './policy-document';

export interface OrganizationTrailProps {
  /** Home region: the trail is created there and covers every region. */
  region: string;
  name: string;
  /** Log-archive trail bucket (exists before this stack deploys). */
  s3BucketName: string;
  /** Alias ARN of the log-archive key; resolved to the key ARN, which is what CloudTrail reports back. */
  kmsKeyAliasArn: string;
  dataEvents?: { s3?: boolean; s3WriteOnly?: boolean; lambda?: boolean };
  /** Network activity events (VPC endpoints): one selector per event source. */
  networkActivity?: { eventSources: readonly string[]; accessDeniedOnly?: boolean };
  /** Deliver to a CloudWatch Logs group as well. */
  cloudWatchLogs?: { retentionDays: number };
  insights?: { apiCallRate?: boolean; apiErrorRate?: boolean };
  /** e.g. the organization resource that enables CloudTrail trusted access. */
  dependsOn?: ITerraformDependable[];
}

/** The organization trail: every account, every region, read and write management events, validated and KMS-encrypted. */
export class OrganizationTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly logGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: OrganizationTrailProps) {
    super(scope, id);
    const { region } = props;

    // CloudTrail stores the key ARN whatever id it was given: an alias in kms_key_id would show a
    // change on every plan (terraform-provider-aws #33928), hiding real drift in plan review.
    const key = new DataAwsKmsKey(this, 'log-archive-key', { region, keyId: props.kmsKeyAliasArn });

    let cloudWatch: { group: string; role: string; policy: IamRolePolicy } | undefined;
    if (props.cloudWatchLogs) {
      const group = new CloudwatchLogGroup(this, 'log-group', {
        region,
        name: `/org-guard/cloudtrail/${props.name}`,
        retentionInDays: props.cloudWatchLogs.retentionDays,
      });
      this.logGroup = group;
      const role = new IamRole(this, 'cloudwatch-logs-role', {
        name: 'org-guard-cloudtrail-cloudwatch-logs',
        description: 'CloudTrail delivers the organization trail to CloudWatch Logs',
        assumeRolePolicy: JSON.stringify(policyDocument([
          { Sid: 'CloudTrailAssumeRole', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ])),
      });
      const policy = new IamRolePolicy(this, 'cloudwatch-logs-policy', {
        role: role.name,
        name: 'deliver-to-log-group',
        policy: JSON.stringify(policyDocument([
          {
            Sid: 'DeliverTrailEvents',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${group.arn}:log-stream:*`,
          },
        ])),
      });
      cloudWatch = { group: `${group.arn}:*`, role: role.arn, policy };
    }

    const insightTypes = [
      ...(props.insights?.apiCallRate ? ['ApiCallRateInsight'] : []),
      ...(props.insights?.apiErrorRate ? ['ApiErrorRateInsight'] : []),
    ];

    this.trail = new Cloudtrail(this, 'trail', {
      region,
      name: props.name,
      s3BucketName: props.s3BucketName,
      kmsKeyId: key.arn,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      advancedEventSelector: eventSelectors(props),
      insightSelector: insightTypes.length > 0 ? insightTypes.map((insightType) => ({ insightType })) : undefined,
      cloudWatchLogsGroupArn: cloudWatch?.group,
      cloudWatchLogsRoleArn: cloudWatch?.role,
      dependsOn: [...(props.dependsOn ?? []), ...(cloudWatch ? [cloudWatch.policy] : [])],
      lifecycle: { preventDestroy: true },
    });
  }
}

/** Management events (read and write) always; data events as configured, never of the trail bucket itself. */
export function eventSelectors(props: Pick<OrganizationTrailProps, 's3BucketName' | 'dataEvents' | 'networkActivity'>): CloudtrailAdvancedEventSelector[] {
  const selectors: CloudtrailAdvancedEventSelector[] = [
    { name: 'Management events (read and write)', fieldSelector: [{ field: 'eventCategory', equalTo: ['Management'] }] },
  ];
  if (props.dataEvents?.s3) {
    selectors.push({
      name: 'S3 data events (except the trail bucket)',
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
        // Logging the bucket that receives the logs would log its own deliveries.
        { field: 'resources.ARN', notStartsWith: [`arn:aws:s3:::${props.s3BucketName}/`] },
        ...(props.dataEvents.s3WriteOnly ? [{ field: 'readOnly', equalTo: ['false'] }] : []),
      ],
    });
  }
  if (props.dataEvents?.lambda) {
    selectors.push({
      name: 'Lambda data events',
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::Lambda::Function'] },
      ],
    });
  }
  // Network activity: eventCategory and eventSource are required and take Equals only, one source per
  // selector; errorCode accepts only VpceAccessDenied. A trail cannot mix these with basic
  // event_selector (ConflictsWith in the provider's internal/service/cloudtrail/trail.go), which is
  // why this trail only ever uses advanced selectors; the provider validates field names against
  // internal/service/cloudtrail/consts.go field_Values, which has errorCode and vpcEndpointId since
  // terraform-provider-aws PR #43091 (June 2025, before 6.25); before it, plan failed on errorCode.
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html
  for (const source of props.networkActivity?.eventSources ?? []) {
    selectors.push({
      name: `Network activity ${source}${props.networkActivity?.accessDeniedOnly ? ' (VpceAccessDenied)' : ''}`,
      fieldSelector: [
        { field: 'eventCategory', equalTo: ['NetworkActivity'] },
        { field: 'eventSource', equalTo: [source] },
        ...(props.networkActivity?.accessDeniedOnly ? [{ field: 'errorCode', equalTo: ['VpceAccessDenied'] }] : []),
      ],
    });
  }
  return selectors;
}
