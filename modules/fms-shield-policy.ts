import { Construct } from 'constructs';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { fmsResourceTypeArgs, fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

export type ShieldAutomaticResponse = 'IGNORED' | 'COUNT' | 'BLOCK';

/** SHIELD_ADVANCED managed_service_data; automatic application-layer response applies to CloudFront. */
export function shieldManagedServiceData(automaticResponse?: ShieldAutomaticResponse): Record<string, unknown> {
  if (!automaticResponse || automaticResponse === 'IGNORED') {
    return { type: 'SHIELD_ADVANCED', automaticResponseConfiguration: { automaticResponseStatus: 'IGNORED' } };
  }
  return {
    type: 'SHIELD_ADVANCED',
    automaticResponseConfiguration: { automaticResponseStatus: 'ENABLED', automaticResponseAction: automaticResponse },
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
 * A Firewall Manager Shield Advanced policy. Shield Advanced is a paid subscription (monthly fee with a
 * one-year commitment); this construct does not subscribe anyone, it protects resources of subscribed accounts.
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
        managedServiceData: JSON.stringify(shieldManagedServiceData(cloudFront ? props.automaticResponse : undefined)),
      },
    });
  }
}
