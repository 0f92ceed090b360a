import { Construct, type IConstruct } from 'constructs';
import { Aspects, dependable, TerraformResource, TerraformStack } from 'cdktf';
import { ConfigConfigurationRecorder, type ConfigConfigurationRecorderRecordingGroup } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';

export interface ConfigRecorderProps {
  accountId: string;
  /** Governed regions: one recorder and delivery channel in each. */
  regions: readonly string[];
  /** Only this region records global resource types (IAM), so they are not recorded N times. */
  homeRegion: string;
  /** Central bucket in the log-archive account (its policy must let this account write). */
  bucketName: string;
  /** Create AWSServiceRoleForConfig; false where it already exists (it is account-wide and unique). */
  createServiceLinkedRole?: boolean;
  deliveryFrequency?: string;
  /**
   * The stack that owns the bucket (log archive): its delivery channels wait for the stack's bucket
   * policies, or the first apply fails the delivery channel's bucket check.
   */
  bucketInThisStack?: boolean;
  /**
   * Regions outside `regions` where only these resource types are recorded (e.g. us-east-1 for Firewall
   * Manager's CloudFront policies when us-east-1 is not governed). Same construct ids as a governed region,
   * so governing the region later changes the recorder in place.
   */
  resourceTypesOnly?: Record<string, readonly string[]>;
  /** Cost controls; absent: every supported type, continuously (the recorder as it always was). */
  recording?: ConfigRecordingModeProps;
}

export interface ConfigRecordingModeProps {
  /** Default frequency; default CONTINUOUS. */
  frequency?: 'CONTINUOUS' | 'DAILY';
  /** Types recorded at the other frequency (the provider takes one override: MaxItems 1). */
  overrideResourceTypes?: readonly string[];
  /** Types not recorded (EXCLUSION_BY_RESOURCE_TYPES). */
  excludedResourceTypes?: readonly string[];
}

/** IAM types, recorded only in the home region (as include_global_resource_types does for all_supported). */
const GLOBAL_IAM_TYPES = ['AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User'];

/**
 * recording_group and recording_mode of one region's recorder. With an exclusion list, Config records
 * the global IAM types in every region it runs in unless they are excluded too, whatever
 * include_global_resource_types says (Config API RecordingGroup / ExclusionByResourceTypes), so they
 * are excluded outside the home region. all_supported must then be false.
 * https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html
 * https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingMode.html
 */
export function recorderSettings(recording: ConfigRecordingModeProps | undefined, home: boolean) {
  const excluded = recording?.excludedResourceTypes ?? [];
  const exclusions = [...new Set([...excluded, ...(home ? [] : GLOBAL_IAM_TYPES)])].sort();
  const recordingGroup = excluded.length === 0
    ? { allSupported: true, includeGlobalResourceTypes: home }
    : {
      allSupported: false,
      includeGlobalResourceTypes: false,
      exclusionByResourceTypes: [{ resourceTypes: exclusions }],
      recordingStrategy: [{ useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' }],
    };
  const frequency = recording?.frequency ?? 'CONTINUOUS';
  // A type this region does not record (e.g. IAM outside the home region) has no frequency here.
  const overrides = (recording?.overrideResourceTypes ?? []).filter((t) => excluded.length === 0 || !exclusions.includes(t));
  const recordingMode = frequency === 'CONTINUOUS' && overrides.length === 0
    ? undefined
    : {
      recordingFrequency: frequency,
      recordingModeOverride: overrides.length === 0 ? undefined : {
        description: frequency === 'DAILY' ? 'org-guard: continuous (Firewall Manager and configured types)' : 'org-guard: daily (high-churn types)',
        recordingFrequency: frequency === 'DAILY' ? 'CONTINUOUS' : 'DAILY',
        resourceTypes: [...overrides].sort(),
      },
    };
  return { recordingGroup, recordingMode };
}

/**
 * AWS Config recording of all supported resources in every governed region (plus, where asked, a few
 * resource types in other regions), delivered to the log archive.
 */
export class ConfigRecorder extends Construct {
  readonly recorders: Record<string, ConfigConfigurationRecorder> = {};
  readonly deliveryChannels: Record<string, ConfigDeliveryChannel> = {};

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    if (!props.regions.includes(props.homeRegion)) throw new Error(`home region ${props.homeRegion} is not among the recorded regions`);
    const slr = props.createServiceLinkedRole ?? true
      ? new IamServiceLinkedRole(this, 'service-linked-role', { awsServiceName: 'config.amazonaws.com' })
      : undefined;
    const roleArn = `arn:aws:iam::${props.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;

    const only = Object.entries(props.resourceTypesOnly ?? {}).filter(([region]) => !props.regions.includes(region));
    type Settings = { recordingGroup: ConfigConfigurationRecorderRecordingGroup; recordingMode?: ReturnType<typeof recorderSettings>['recordingMode'] };
    const recordings: [string, Settings][] = [
      ...props.regions.map((region): [string, Settings] => [region, recorderSettings(props.recording, region === props.homeRegion)]),
      // An explicit list needs allSupported false and the INCLUSION_BY_RESOURCE_TYPES strategy
      // (https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html); what Firewall
      // Manager needs is recorded continuously, so no recording mode.
      ...only.map(([region, types]): [string, Settings] =>
        [region, { recordingGroup: { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: [...types], recordingStrategy: [{ useOnly: 'INCLUSION_BY_RESOURCE_TYPES' }] } }]),
    ];
    for (const [region, settings] of recordings) {
      const recorder = new ConfigConfigurationRecorder(this, `recorder-${region}`, {
        region,
        name: 'default',
        roleArn,
        ...settings,
        dependsOn: slr ? [slr] : undefined,
      });
      const channel = new ConfigDeliveryChannel(this, `delivery-channel-${region}`, {
        region,
        name: 'default',
        s3BucketName: props.bucketName,
        snapshotDeliveryProperties: { deliveryFrequency: props.deliveryFrequency ?? 'TwentyFour_Hours' },
        dependsOn: [recorder],
      });
      new ConfigConfigurationRecorderStatus(this, `recorder-status-${region}`, {
        region,
        name: recorder.name,
        isEnabled: true,
        // Recording starts only once there is somewhere to deliver to.
        dependsOn: [channel],
      });
      this.recorders[region] = recorder;
      this.deliveryChannels[region] = channel;
    }

    if (props.bucketInThisStack) {
      const channels = Object.values(this.deliveryChannels);
      Aspects.of(TerraformStack.of(this)).add({
        visit(node: IConstruct) {
          if (node instanceof TerraformResource && node.terraformResourceType === 'aws_s3_bucket_policy') {
            const dep = dependable(node);
            for (const c of channels) {
              if (!(c.dependsOn ?? []).includes(dep)) c.dependsOn = [...(c.dependsOn ?? []), dep];
            }
          }
        },
      });
    }
  }
}
