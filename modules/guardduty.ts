import { Construct } from 'constructs';
import { DataResource } from 'cdktf';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { DataAwsGuarddutyDetector } from '@cdktf/provider-aws/lib/data-aws-guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { GuarddutyOrganizationConfiguration } from '@cdktf/provider-aws/lib/guardduty-organization-configuration';
import { GuarddutyOrganizationConfigurationFeature } from '@cdktf/provider-aws/lib/guardduty-organization-configuration-feature';
import { GuarddutyIpset } from '@cdktf/provider-aws/lib/guardduty-ipset';
import { GuarddutyThreatintelset } from '@cdktf/provider-aws/lib/guardduty-threatintelset';

export interface GuardDutyProtection {
  s3DataEvents?: boolean;
  eksAuditLogs?: boolean;
  ebsMalwareProtection?: boolean;
  rdsLoginEvents?: boolean;
  lambdaNetworkLogs?: boolean;
  runtimeMonitoring?: { enabled: boolean; eksAddonManagement?: boolean; ecsFargateAgentManagement?: boolean; ec2AgentManagement?: boolean };
  /** Legacy EKS-only runtime monitoring; mutually exclusive with runtimeMonitoring. */
  eksRuntimeMonitoring?: { enabled: boolean; eksAddonManagement?: boolean };
}

export interface GuardDutyList {
  name: string;
  location: string;
  format?: string;
}

export interface GuardDutyOrganizationProps {
  region: string;
  /** Every plan defaults to enabled except legacy EKS runtime monitoring. */
  protection?: GuardDutyProtection;
  findingPublishingFrequency?: string;
  trustedIpLists?: GuardDutyList[];
  threatIntelLists?: GuardDutyList[];
  /**
   * Designating the delegated admin (management stack, deployed first) enables GuardDuty in the
   * admin account, so its detector already exists: adopt it through an import block keyed by a
   * lookup instead of creating a second one (CreateDetector fails). Default true.
   */
  adoptExistingDetector?: boolean;
  /** Only the admin's own detector: see adminAccountOnlyRegions in config/sections/removal.ts. */
  adminAccountOnly?: boolean;
}

interface Feature {
  name: string;
  enabled: boolean;
  additional?: { name: string; enabled: boolean }[];
}

/** Protection plans as GuardDuty feature names; exactly one runtime monitoring flavour is managed. */
export function guardDutyFeatures(p: GuardDutyProtection = {}): Feature[] {
  const on = (v: boolean | undefined) => v ?? true;
  const features: Feature[] = [
    { name: 'S3_DATA_EVENTS', enabled: on(p.s3DataEvents) },
    { name: 'EKS_AUDIT_LOGS', enabled: on(p.eksAuditLogs) },
    { name: 'EBS_MALWARE_PROTECTION', enabled: on(p.ebsMalwareProtection) },
    { name: 'RDS_LOGIN_EVENTS', enabled: on(p.rdsLoginEvents) },
    { name: 'LAMBDA_NETWORK_LOGS', enabled: on(p.lambdaNetworkLogs) },
  ];
  if (p.eksRuntimeMonitoring?.enabled) {
    if (p.runtimeMonitoring?.enabled) {
      throw new Error('GuardDuty RUNTIME_MONITORING and EKS_RUNTIME_MONITORING are mutually exclusive');
    }
    features.push({
      name: 'EKS_RUNTIME_MONITORING',
      enabled: true,
      additional: [{ name: 'EKS_ADDON_MANAGEMENT', enabled: on(p.eksRuntimeMonitoring.eksAddonManagement) }],
    });
  } else {
    const rm = p.runtimeMonitoring ?? { enabled: true };
    features.push({
      name: 'RUNTIME_MONITORING',
      enabled: rm.enabled,
      additional: [
        { name: 'EKS_ADDON_MANAGEMENT', enabled: rm.enabled && on(rm.eksAddonManagement) },
        { name: 'ECS_FARGATE_AGENT_MANAGEMENT', enabled: rm.enabled && on(rm.ecsFargateAgentManagement) },
        { name: 'EC2_AGENT_MANAGEMENT', enabled: rm.enabled && on(rm.ec2AgentManagement) },
      ],
    });
  }
  return features;
}

/**
 * GuardDuty for the whole organization in one region, from the delegated admin: its own detector
 * and features, then the organization configuration (every account, existing ones included) and
 * one auto-enable setting per protection plan. Disabled plans are written as DISABLED / NONE so
 * switching one off in the config really turns it off.
 */
export class GuardDutyOrganization extends Construct {
  readonly detector: GuarddutyDetector;
  readonly organizationConfiguration?: GuarddutyOrganizationConfiguration;

  constructor(scope: Construct, id: string, props: GuardDutyOrganizationProps) {
    super(scope, id);
    const { region } = props;

    this.detector = new GuarddutyDetector(this, 'detector', {
      region,
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? 'FIFTEEN_MINUTES',
      lifecycle: { preventDestroy: true },
    });
    if (props.adoptExistingDetector ?? true) {
      const existing = new DataAwsGuarddutyDetector(this, 'existing-detector', { region });
      // `@region` selects the region of a v6 import; the id is known at plan time from the lookup.
      this.detector.importFrom(`${existing.id}@${region}`);
    }
    if (props.adminAccountOnly) return;
    const detectorId = this.detector.id;

    const features = guardDutyFeatures(props.protection);
    for (const f of features) {
      new GuarddutyDetectorFeature(this, `detector-feature-${f.name}`, {
        region,
        detectorId,
        name: f.name,
        status: f.enabled ? 'ENABLED' : 'DISABLED',
        additionalConfiguration: f.additional?.map((a) => ({ name: a.name, status: a.enabled ? 'ENABLED' : 'DISABLED' })),
      });
    }

    const organizationConfiguration = new GuarddutyOrganizationConfiguration(this, 'organization-configuration', {
      region,
      detectorId,
      autoEnableOrganizationMembers: 'ALL',
      dependsOn: [this.detector],
    });
    this.organizationConfiguration = organizationConfiguration;

    for (const f of features) {
      const additionalConfiguration = f.additional?.map((a) => ({ name: a.name, autoEnable: a.enabled ? 'ALL' : 'NONE' }));
      // `additional_configuration` is a ForceNew *list* (the 6.25 binding wraps no set, unlike
      // aws_guardduty_detector_feature) that Read fills in the order DescribeOrganizationConfiguration
      // returns (internal/service/guardduty/organization_configuration_feature.go,
      // flattenOrganizationAdditionalConfigurationResults), which is not the order anyone writes
      // (hashicorp/terraform-provider-aws#44822): every plan would replace the feature. Terraform ignores
      // the read-back order; a change of what we want replaces the feature through this trigger, and since
      // Create is UpdateOrganizationConfiguration with the whole list and Delete is a no-op, that replacement
      // is just the update.
      const wanted = additionalConfiguration
        ? new DataResource(this, `organization-feature-${f.name}-additional`, {
          triggersReplace: Object.fromEntries(additionalConfiguration.map((a) => [a.name, a.autoEnable])),
        })
        : undefined;
      new GuarddutyOrganizationConfigurationFeature(this, `organization-feature-${f.name}`, {
        region,
        detectorId,
        name: f.name,
        autoEnable: f.enabled ? 'ALL' : 'NONE',
        additionalConfiguration,
        dependsOn: [organizationConfiguration],
        // A plain address: cdktf would write the token "${terraform_data.x}", which Terraform rejects here.
        lifecycle: wanted
          ? { ignoreChanges: ['additional_configuration'], replaceTriggeredBy: [`${wanted.terraformResourceType}.${wanted.friendlyUniqueId}`] }
          : undefined,
      });
    }

    // Lists live in the admin account and apply to every member.
    const listArgs = (list: { name: string; location: string; format?: string }) =>
      ({ region, detectorId, name: list.name, location: list.location, format: list.format ?? 'TXT', activate: true });
    for (const list of props.trustedIpLists ?? []) {
      new GuarddutyIpset(this, `trusted-ip-list-${list.name}`, listArgs(list));
    }
    for (const list of props.threatIntelLists ?? []) {
      new GuarddutyThreatintelset(this, `threat-intel-list-${list.name}`, listArgs(list));
    }
  }
}
