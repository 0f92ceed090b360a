import { Construct } from 'constructs';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubFindingAggregator } from '@cdktf/provider-aws/lib/securityhub-finding-aggregator';
import { SecurityhubOrganizationConfiguration } from '@cdktf/provider-aws/lib/securityhub-organization-configuration';
import { SecurityhubConfigurationPolicy } from '@cdktf/provider-aws/lib/securityhub-configuration-policy';
import { SecurityhubConfigurationPolicyAssociation } from '@cdktf/provider-aws/lib/securityhub-configuration-policy-association';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import type { ParameterValue } from '../config/sections/security-hub-tuning';

/** How long an apply waits for the root association to leave PENDING (see the association below). */
export const SECURITY_HUB_ASSOCIATION_WAIT = '5m';

export const DEFAULT_STANDARDS = [
  'aws-foundational-security-best-practices/v/1.0.0',
  'cis-aws-foundations-benchmark/v/3.0.0',
] as const;

/**
 * Region-specific standard ARN, e.g. arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0.
 * Every standard offered here has this form; only CIS v1.2.0 (not offered) is the global
 * arn:aws:securityhub:::ruleset/... (provider docs, website/docs/r/securityhub_standards_subscription.html.markdown,
 * "Currently available standards"; DescribeStandards output in hashicorp/terraform-provider-aws#29031 and #39780).
 * CIS v5.0.0 follows the v1.4.0/v3.0.0 form; AWS's user guide lists v5.0.0 as supported
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html).
 */
export function standardArn(region: string, standard: string): string {
  return `arn:aws:securityhub:${region}::standards/${standard}`;
}

/**
 * security_control_custom_parameter blocks of the configuration policy: every parameter CUSTOM with
 * its one typed value (provider: internal/service/securityhub/configuration_policy.go). The block is
 * a list the provider reads back from the API; controls are emitted sorted by id so the order does
 * not depend on the config file.
 */
export function customParameterBlocks(params: Record<string, Record<string, ParameterValue>>) {
  return Object.keys(params).sort().map((control) => ({
    securityControlId: control,
    parameter: Object.keys(params[control]).sort().map((name) => {
      const v = params[control][name];
      return {
        name,
        valueType: 'CUSTOM',
        ...(v.bool !== undefined ? { bool: { value: v.bool } } : {}),
        ...(v.double !== undefined ? { double: { value: v.double } } : {}),
        ...(v.enum !== undefined ? { enum: { value: v.enum } } : {}),
        ...(v.enumList !== undefined ? { enumList: { value: v.enumList } } : {}),
        ...(v.int !== undefined ? { int: { value: v.int } } : {}),
        ...(v.intList !== undefined ? { intList: { value: v.intList } } : {}),
        ...(v.string !== undefined ? { string: { value: v.string } } : {}),
        ...(v.stringList !== undefined ? { stringList: { value: v.stringList } } : {}),
      };
    }),
  }));
}

export interface SecurityHubCentralConfigurationProps {
  /** Home region: aggregator, central configuration and policies live here. */
  homeRegion: string;
  /** Other regions linked to the home region (may be empty: NO_REGIONS). */
  linkedRegions: readonly string[];
  /** Account id of the delegated admin: its Security Hub is already on (enabled by the designation) and is adopted. */
  adminAccountId: string;
  /** `r-...` root to associate the policy with; looked up when absent. */
  rootId?: string;
  standards?: readonly string[];
  disabledControls?: readonly string[];
  /** Custom control parameters: { control id: { parameter: typed value } }. */
  controlParameters?: Record<string, Record<string, ParameterValue>>;
  policyName?: string;
  /** Only the admin's own hub: see adminAccountOnlyRegions in config/sections/removal.ts. */
  adminAccountOnly?: boolean;
}

/**
 * Security Hub central configuration: the admin's hub, the finding aggregator (a prerequisite of
 * central configuration), the CENTRAL organization configuration, and one configuration policy
 * associated with the root so every account, existing or new, is configured in every linked region.
 */
export class SecurityHubCentralConfiguration extends Construct {
  readonly account: SecurityhubAccount;
  readonly aggregator?: SecurityhubFindingAggregator;
  readonly organizationConfiguration?: SecurityhubOrganizationConfiguration;
  readonly policy?: SecurityhubConfigurationPolicy;
  readonly association?: SecurityhubConfigurationPolicyAssociation;

  constructor(scope: Construct, id: string, props: SecurityHubCentralConfigurationProps) {
    super(scope, id);
    const region = props.homeRegion;

    // The designation enables Security Hub in the admin account (EnableSecurityHub would then fail
    // with "already subscribed"), so the hub is imported rather than created.
    this.account = new SecurityhubAccount(this, 'account', {
      region,
      enableDefaultStandards: false,
      autoEnableControls: true,
      controlFindingGenerator: 'SECURITY_CONTROL',
      lifecycle: { preventDestroy: true },
    });
    this.account.importFrom(props.adminAccountId);
    if (props.adminAccountOnly) return;

    const linked = props.linkedRegions.filter((r) => r !== region);
    const aggregator = this.aggregator = new SecurityhubFindingAggregator(this, 'finding-aggregator', {
      region,
      linkingMode: linked.length > 0 ? 'SPECIFIED_REGIONS' : 'NO_REGIONS',
      specifiedRegions: linked.length > 0 ? [...linked] : undefined,
      dependsOn: [this.account],
    });

    const organizationConfiguration = this.organizationConfiguration = new SecurityhubOrganizationConfiguration(this, 'organization-configuration', {
      region,
      autoEnable: false,
      autoEnableStandards: 'NONE',
      organizationConfiguration: { configurationType: 'CENTRAL' },
      timeouts: { create: '20m', update: '20m', delete: '20m' },
      dependsOn: [aggregator],
      lifecycle: { preventDestroy: true },
    });

    const standards = props.standards ?? DEFAULT_STANDARDS;
    const policy = this.policy = new SecurityhubConfigurationPolicy(this, 'configuration-policy', {
      region,
      name: props.policyName ?? 'org-guard',
      description: 'org-guard: security standards for every account and linked region',
      configurationPolicy: {
        serviceEnabled: true,
        enabledStandardArns: standards.map((s) => standardArn(region, s)),
        // Disabling by list keeps every control AWS adds later enabled.
        securityControlsConfiguration: {
          disabledControlIdentifiers: [...(props.disabledControls ?? [])],
          securityControlCustomParameter: Object.keys(props.controlParameters ?? {}).length > 0
            ? customParameterBlocks(props.controlParameters ?? {})
            : undefined,
        },
      },
      dependsOn: [organizationConfiguration],
      lifecycle: { preventDestroy: true },
    });

    const targetId = props.rootId ?? new DataAwsOrganizationsOrganization(this, 'organization').roots.get(0).id;
    // One association with the root: every account, existing or new, the management account included.
    // The root's AssociationStatus is FAILED as soon as one child account fails in one region
    // (https://docs.aws.amazon.com/securityhub/latest/userguide/view-policy.html), and the provider's waiter
    // (internal/service/securityhub/configuration_policy_association.go, waitConfigurationPolicyAssociationSucceeded:
    // Pending PENDING, Target SUCCESS) turns FAILED into an apply error, but returns without error when the
    // timeout passes while PENDING (which AWS says can last 24 hours). So the apply waits only briefly:
    // the rollout to the organization is monitored, not waited for, and one broken account does not fail
    // the security stack (and with it every member deploy). Read checks no status, so a later FAILED never
    // shows in plans. README: "Security Hub association failed" for the recovery.
    this.association = new SecurityhubConfigurationPolicyAssociation(this, 'root-association', {
      region,
      policyId: policy.id,
      targetId,
      timeouts: { create: SECURITY_HUB_ASSOCIATION_WAIT, update: SECURITY_HUB_ASSOCIATION_WAIT },
    });
  }
}
