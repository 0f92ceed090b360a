import { Construct } from 'constructs';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { NetworkfirewallRuleGroup } from '@cdktf/provider-aws/lib/networkfirewall-rule-group';
import { fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

/** ARN of an AWS managed stateful rule group (threat signatures) in a region. */
export function awsManagedStatefulRuleGroupArn(region: string, name: string): string {
  return `arn:aws:network-firewall:${region}:aws-managed:stateful-rulegroup/${name}`;
}

export interface NetworkFirewallPolicyDataInput {
  statefulRuleGroupArns: string[];
  singleEndpointPerVpc?: boolean;
  firewallSubnetCidrs?: string[];
  /** ALERT and FLOW logs to this S3 bucket. */
  logBucket?: { bucketName: string; prefix?: string };
}

/** The NETWORK_FIREWALL managed_service_data (distributed deployment model). */
export function networkFirewallManagedServiceData(input: NetworkFirewallPolicyDataInput): Record<string, unknown> {
  const log = input.logBucket;
  return {
    type: 'NETWORK_FIREWALL',
    networkFirewallStatelessRuleGroupReferences: [],
    // Everything goes to the stateful engine, where the allow-list and threat signatures decide.
    networkFirewallStatelessDefaultActions: ['aws:forward_to_sfe'],
    networkFirewallStatelessFragmentDefaultActions: ['aws:forward_to_sfe'],
    networkFirewallStatelessCustomActions: [],
    networkFirewallStatefulRuleGroupReferences: input.statefulRuleGroupArns.map((resourceARN) => ({ resourceARN })),
    networkFirewallOrchestrationConfig: {
      singleFirewallEndpointPerVPC: input.singleEndpointPerVpc ?? false,
      allowedIPV4CidrList: input.firewallSubnetCidrs ?? [],
      // Route changes stay with the account owners; FMS reports non-compliant routes.
      routeManagementAction: 'MONITOR',
      routeManagementTargetTypes: ['InternetGateway'],
    },
    networkFirewallLoggingConfiguration: log
      ? {
          logDestinationConfigs: (['ALERT', 'FLOW'] as const).map((logType) => ({
            logDestinationType: 'S3',
            logType,
            logDestination: { bucketName: log.bucketName, ...(log.prefix ? { prefix: log.prefix } : {}) },
          })),
          overrideExistingConfig: true,
        }
      : null,
  };
}

export interface FmsNetworkFirewallPolicyProps {
  policyName: string;
  region: string;
  /** Domains egress HTTP/TLS may reach (".example.com" covers subdomains). */
  allowedDomains: readonly string[];
  allowListCapacity: number;
  /** AWS managed threat signature rule group names (default action order variants). */
  threatSignatureGroups: readonly string[];
  singleEndpointPerVpc?: boolean;
  firewallSubnetCidrs?: readonly string[];
  logBucket?: { bucketName: string; prefix?: string };
  remediation?: boolean;
  scope?: FmsPolicyScope;
}

/** A Firewall Manager Network Firewall policy: egress domain allow-list plus AWS managed threat signatures. */
export class FmsNetworkFirewallPolicy extends Construct {
  readonly policy: FmsPolicy;
  readonly allowList: NetworkfirewallRuleGroup;

  constructor(scope: Construct, id: string, props: FmsNetworkFirewallPolicyProps) {
    super(scope, id);
    const { region } = props;
    this.allowList = new NetworkfirewallRuleGroup(this, 'egress-allow-list', {
      region,
      name: 'org-guard-egress-allow-list',
      description: 'Explicit allow for egress HTTP/TLS; other HTTP/TLS destinations are dropped',
      type: 'STATEFUL',
      capacity: props.allowListCapacity,
      ruleGroup: {
        rulesSource: {
          rulesSourceList: { generatedRulesType: 'ALLOWLIST', targetTypes: ['HTTP_HOST', 'TLS_SNI'], targets: [...props.allowedDomains] },
        },
      },
    });
    const data = networkFirewallManagedServiceData({
      statefulRuleGroupArns: [this.allowList.arn, ...props.threatSignatureGroups.map((n) => awsManagedStatefulRuleGroupArn(region, n))],
      singleEndpointPerVpc: props.singleEndpointPerVpc,
      firewallSubnetCidrs: props.firewallSubnetCidrs ? [...props.firewallSubnetCidrs] : [],
      logBucket: props.logBucket,
    });
    this.policy = new FmsPolicy(this, 'policy', {
      region,
      name: props.policyName,
      description: `Network Firewall egress filtering for every VPC in ${region}`,
      resourceType: 'AWS::EC2::VPC',
      ...fmsScopeArgs(props.scope, true),
      remediationEnabled: props.remediation ?? true,
      // Removing the policy deletes the firewalls it created, which bill per endpoint-hour.
      deleteAllPolicyResources: true,
      securityServicePolicyData: { type: 'NETWORK_FIREWALL', managedServiceData: JSON.stringify(data) },
    });
  }
}
