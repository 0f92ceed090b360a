import { Construct } from 'constructs';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { NetworkfirewallRuleGroup } from '@cdktf/provider-aws/lib/networkfirewall-rule-group';
import { fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

/*
 * Prerequisites (wired elsewhere): AWS Config recording of AWS::EC2::VPC in every in-scope account and region
 * (stacks/account-stack.ts), and AWS RAM sharing with the organization so FMS can share the allow-list group
 * (organization module).
 *
 * Rule order. AWS managed stateful groups exist only with a `StrictOrder` or `ActionOrder` suffix, and a
 * policy can only reference the variant matching its rule order
 * (https://docs.aws.amazon.com/network-firewall/latest/developerguide/aws-managed-rule-groups-threat-signature.html).
 * With the default action order every `pass` ends inspection of the flow, so traffic to an allow-listed
 * domain would never meet the threat signatures. Strict order evaluates the groups by priority: threat
 * signatures first, then the allow-list (pass listed domains, drop other HTTP/TLS), then the stateful default
 * actions, which drop (and log) whatever else is left on an established flow: explicit allow, implicit deny.
 *
 * Capacity. A firewall policy holds at most 30,000 stateful rules across all its groups (quota "stateful
 * rules per firewall policy", https://docs.aws.amazon.com/network-firewall/latest/developerguide/quotas.html);
 * the managed groups' capacities are AWS's and change with their signatures (aws network-firewall
 * describe-rule-group --type STATEFUL --rule-group-arn <arn> shows them), so org-guard cannot check the sum
 * at synth: README says how to check it.
 */

/** Suffix of the AWS managed stateful groups usable under STRICT_ORDER. */
export const STRICT_ORDER_SUFFIX = 'StrictOrder';

/** ARN of an AWS managed stateful rule group in a region (name including its StrictOrder/ActionOrder suffix). */
export function awsManagedStatefulRuleGroupArn(region: string, name: string): string {
  return `arn:aws:network-firewall:${region}:aws-managed:stateful-rulegroup/${name}`;
}

/** Strict-order ARN of an AWS managed threat signature group given by its category name (ThreatSignaturesMalware). */
export function threatSignatureGroupArn(region: string, category: string): string {
  return awsManagedStatefulRuleGroupArn(region, `${category}${STRICT_ORDER_SUFFIX}`);
}

/**
 * Stateful defaults under strict order: drop, and log, packets of established flows that no rule passed.
 * `drop_established` (not `drop_strict`) lets TCP handshakes through, so the allow-list can still see the
 * TLS SNI / HTTP Host of the first data packet and pass it.
 * https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_FirewallPolicy.html (StatefulDefaultActions)
 */
export const STATEFUL_DEFAULT_ACTIONS = ['aws:drop_established', 'aws:alert_established'] as const;

/** Priority of the allow-list group: after every threat signature group (1..n). */
export const ALLOW_LIST_PRIORITY = 1000;

export interface StatefulRuleGroupRef {
  resourceARN: string;
  /** Strict order: lower numbers are evaluated first. */
  priority: number;
}

export interface NetworkFirewallPolicyDataInput {
  statefulRuleGroups: StatefulRuleGroupRef[];
  singleEndpointPerVpc?: boolean;
  firewallSubnetCidrs?: string[];
  /** ALERT and FLOW logs to this S3 bucket. */
  logBucket?: { bucketName: string; prefix?: string };
}

/**
 * The NETWORK_FIREWALL managed_service_data (distributed deployment model), in the shape of the FMS API
 * examples (https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html:
 * networkFirewallStatefulEngineOptions {ruleOrder: STRICT_ORDER}, networkFirewallStatefulDefaultActions,
 * stateful references with a priority).
 */
export function networkFirewallManagedServiceData(input: NetworkFirewallPolicyDataInput): Record<string, unknown> {
  const log = input.logBucket;
  return {
    type: 'NETWORK_FIREWALL',
    networkFirewallStatelessRuleGroupReferences: [],
    // Everything goes to the stateful engine, where the allow-list and threat signatures decide.
    networkFirewallStatelessDefaultActions: ['aws:forward_to_sfe'],
    networkFirewallStatelessFragmentDefaultActions: ['aws:forward_to_sfe'],
    networkFirewallStatelessCustomActions: [],
    networkFirewallStatefulRuleGroupReferences: [...input.statefulRuleGroups].sort((a, b) => a.priority - b.priority).map((r) => ({ resourceARN: r.resourceARN, priority: r.priority })),
    networkFirewallStatefulDefaultActions: [...STATEFUL_DEFAULT_ACTIONS],
    networkFirewallStatefulEngineOptions: { ruleOrder: 'STRICT_ORDER' },
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
  /** AWS managed threat signature categories (ThreatSignaturesMalware); the StrictOrder variant is used. */
  threatSignatureGroups: readonly string[];
  singleEndpointPerVpc?: boolean;
  firewallSubnetCidrs?: readonly string[];
  logBucket?: { bucketName: string; prefix?: string };
  remediation?: boolean;
  scope?: FmsPolicyScope;
}

/**
 * A Firewall Manager Network Firewall policy: AWS managed threat signatures, then an egress domain
 * allow-list, then drop (strict rule order; see the top of this file).
 */
export class FmsNetworkFirewallPolicy extends Construct {
  readonly policy: FmsPolicy;
  readonly allowList: NetworkfirewallRuleGroup;

  constructor(scope: Construct, id: string, props: FmsNetworkFirewallPolicyProps) {
    super(scope, id);
    const { region } = props;
    this.allowList = new NetworkfirewallRuleGroup(this, 'egress-allow-list', {
      region,
      // capacity and rule order are ForceNew (provider networkfirewall/rule_group.go: capacity ForceNew,
      // CustomizeDiff forceNewIfNotRuleOrderDefault), and a group FMS has put into member firewall policies
      // cannot be deleted while in use. So a replacement creates the new group first (a name derived from
      // the ForceNew values), the policy moves to it, and only then is the old one deleted.
      name: `org-guard-egress-allow-list-strict-c${props.allowListCapacity}`,
      description: 'Explicit allow for egress HTTP/TLS; other HTTP/TLS destinations are dropped',
      type: 'STATEFUL',
      capacity: props.allowListCapacity,
      lifecycle: { createBeforeDestroy: true },
      ruleGroup: {
        // A strict-order policy only takes strict-order rule groups.
        statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
        rulesSource: {
          rulesSourceList: { generatedRulesType: 'ALLOWLIST', targetTypes: ['HTTP_HOST', 'TLS_SNI'], targets: [...props.allowedDomains] },
        },
      },
    });
    const data = networkFirewallManagedServiceData({
      statefulRuleGroups: [
        ...props.threatSignatureGroups.map((n, i) => ({ resourceARN: threatSignatureGroupArn(region, n), priority: i + 1 })),
        { resourceARN: this.allowList.arn, priority: ALLOW_LIST_PRIORITY },
      ],
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
