import { Construct } from 'constructs';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { fmsResourceTypeArgs, fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

export type ShieldAutomaticResponse = 'IGNORED' | 'COUNT' | 'BLOCK';

/**
 * SHIELD_ADVANCED managed_service_data. For CloudFront distributions the FMS API documents
 * `{type, automaticResponseConfiguration, overrideCustomerWebaclClassic, optimizeUnassociatedWebACL}`
 * (https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html). FMS echoes
 * `automaticResponseConfiguration: {automaticResponseStatus: IGNORED}` and `overrideCustomerWebaclClassic: false`
 * back for a SHIELD_ADVANCED policy that sent only its type, and the provider only ignores null and
 * empty-array differences (internal/service/fms/managed_service_data.go), so without them every plan shows a
 * change (https://github.com/cloudposse/terraform-aws-firewall-manager/pull/38, which sends both for every
 * Shield policy): send both, regional policies included. optimizeUnassociatedWebACL (CloudFront only): with
 * remediation, FMS associates an empty web ACL with unprotected resources for Shield monitoring; true creates
 * web ACLs only where a resource uses them.
 */
export function shieldManagedServiceData(automaticResponse?: ShieldAutomaticResponse, cloudFront = false): Record<string, unknown> {
  const automaticResponseConfiguration = !automaticResponse || automaticResponse === 'IGNORED'
    ? { automaticResponseStatus: 'IGNORED' }
    : { automaticResponseStatus: 'ENABLED', automaticResponseAction: automaticResponse };
  return {
    type: 'SHIELD_ADVANCED',
    automaticResponseConfiguration,
    overrideCustomerWebaclClassic: false,
    ...(cloudFront ? { optimizeUnassociatedWebACL: true } : {}),
  };
}

export interface FmsShieldPolicyProps {
  policyName: string;
  /** us-east-1 for the CloudFront policy. */
  region: string;
  resourceTypes: readonly string[];
  /** Only used for CloudFront distributions. */
  automaticResponse?: ShieldAutomaticResponse;
  remediation?: boolean;
  scope?: FmsPolicyScope;
}

/**
 * A Firewall Manager Shield Advanced policy. Firewall Manager subscribes every account in the policy's scope
 * to Shield Advanced (https://docs.aws.amazon.com/waf/latest/developerguide/fms-chapter.html), a paid
 * subscription with a one-year commitment; accounts that later leave the scope stay subscribed
 * (https://docs.aws.amazon.com/waf/latest/developerguide/shield-policies.html). The config requires an explicit
 * acknowledgement before this is synthesized (firewallManager.shieldAdvanced.acknowledgeSubscriptionCommitment).
 */
export class FmsShieldPolicy extends Construct {
  readonly policy: FmsPolicy;

  constructor(scope: Construct, id: string, props: FmsShieldPolicyProps) {
    super(scope, id);
    const cloudFront = props.resourceTypes.includes('AWS::CloudFront::Distribution');
    if (cloudFront && props.region !== 'us-east-1') throw new Error('the CloudFront Shield Advanced policy must be in us-east-1');
    this.policy = new FmsPolicy(this, 'policy', {
      region: props.region,
      name: props.policyName,
      description: cloudFront ? 'Shield Advanced for CloudFront distributions (global)' : `Shield Advanced in ${props.region}`,
      ...fmsResourceTypeArgs(props.resourceTypes),
      ...fmsScopeArgs(props.scope),
      remediationEnabled: props.remediation ?? true,
      deleteAllPolicyResources: true,
      securityServicePolicyData: {
        type: 'SHIELD_ADVANCED',
        managedServiceData: JSON.stringify(shieldManagedServiceData(cloudFront ? props.automaticResponse : undefined, cloudFront)),
      },
    });
  }
}
