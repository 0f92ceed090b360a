import { Construct } from 'constructs';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { Route53ResolverFirewallDomainList } from '@cdktf/provider-aws/lib/route53-resolver-firewall-domain-list';
import { Route53ResolverFirewallRule } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule';
import { Route53ResolverFirewallRuleGroup } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group';
import { fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

export interface DnsRuleGroupRef {
  ruleGroupId: string;
  priority: number;
}

/** The DNS_FIREWALL managed_service_data: pre-process priorities 1-99, post-process 9901-10000. */
export function dnsFirewallManagedServiceData(pre: DnsRuleGroupRef[], post: DnsRuleGroupRef[]): Record<string, unknown> {
  for (const r of pre) if (r.priority < 1 || r.priority > 99) throw new Error(`DNS Firewall pre-process priority ${r.priority} is outside 1-99`);
  for (const r of post) if (r.priority < 9901 || r.priority > 10000) throw new Error(`DNS Firewall post-process priority ${r.priority} is outside 9901-10000`);
  return { type: 'DNS_FIREWALL', preProcessRuleGroups: pre, postProcessRuleGroups: post };
}

export type DnsBlockResponse = 'NXDOMAIN' | 'NODATA' | 'OVERRIDE';

export interface FmsDnsFirewallPolicyProps {
  policyName: string;
  region: string;
  /** AWS managed domain lists to block, with their ids in this region. */
  managedDomainLists: { name: string; id: string }[];
  /** Custom block list (e.g. risky TLDs as *.zip). */
  blockedDomains: readonly string[];
  blockResponse: DnsBlockResponse;
  /** CNAME answered with OVERRIDE. */
  overrideDomain?: string;
  overrideTtl?: number;
  /** FMS priority of the block rule group (1-99: before the accounts' own rule groups). */
  priority: number;
  /** Explicit allow, implicit deny: every domain not listed is blocked. */
  allowListOnly?: { allowedDomains: readonly string[]; priority: number };
  remediation?: boolean;
  scope?: FmsPolicyScope;
}

/**
 * A Firewall Manager DNS Firewall policy for every VPC in scope. Its rule groups live in the FMS admin
 * account; Firewall Manager shares them with the accounts and associates them with each VPC.
 */
export class FmsDnsFirewallPolicy extends Construct {
  readonly policy: FmsPolicy;
  readonly blockRuleGroup: Route53ResolverFirewallRuleGroup;
  readonly allowListRuleGroup?: Route53ResolverFirewallRuleGroup;

  constructor(scope: Construct, id: string, props: FmsDnsFirewallPolicyProps) {
    super(scope, id);
    const { region } = props;
    const blockAction = {
      action: 'BLOCK',
      blockResponse: props.blockResponse,
      ...(props.blockResponse === 'OVERRIDE'
        ? { blockOverrideDnsType: 'CNAME', blockOverrideDomain: props.overrideDomain, blockOverrideTtl: props.overrideTtl ?? 300 }
        : {}),
    };
    if (props.blockResponse === 'OVERRIDE' && !props.overrideDomain) throw new Error('blockResponse OVERRIDE needs overrideDomain');

    this.blockRuleGroup = new Route53ResolverFirewallRuleGroup(this, 'block', { region, name: 'org-guard-dns-block' });
    props.managedDomainLists.forEach((list, i) => {
      new Route53ResolverFirewallRule(this, `block-${list.name}`, {
        region,
        name: `block-${list.name}`,
        firewallRuleGroupId: this.blockRuleGroup.id,
        firewallDomainListId: list.id,
        priority: 100 * (i + 1),
        ...blockAction,
      });
    });
    const blocked = new Route53ResolverFirewallDomainList(this, 'blocked-domains', {
      region,
      name: 'org-guard-blocked-domains',
      domains: [...props.blockedDomains],
    });
    new Route53ResolverFirewallRule(this, 'block-custom', {
      region,
      name: 'block-org-guard-blocked-domains',
      firewallRuleGroupId: this.blockRuleGroup.id,
      firewallDomainListId: blocked.id,
      priority: 100 * (props.managedDomainLists.length + 1),
      ...blockAction,
    });

    const post: DnsRuleGroupRef[] = [];
    if (props.allowListOnly) {
      // Post-process: the accounts' own rule groups (priorities 100-9900) can still allow more domains.
      this.allowListRuleGroup = new Route53ResolverFirewallRuleGroup(this, 'allow-list-only', { region, name: 'org-guard-dns-allow-list-only' });
      const allowed = new Route53ResolverFirewallDomainList(this, 'allowed-domains', {
        region,
        name: 'org-guard-allowed-domains',
        domains: [...props.allowListOnly.allowedDomains],
      });
      const everything = new Route53ResolverFirewallDomainList(this, 'all-domains', { region, name: 'org-guard-all-domains', domains: ['*'] });
      new Route53ResolverFirewallRule(this, 'allow-listed', {
        region,
        name: 'allow-org-guard-allowed-domains',
        firewallRuleGroupId: this.allowListRuleGroup.id,
        firewallDomainListId: allowed.id,
        priority: 100,
        action: 'ALLOW',
      });
      new Route53ResolverFirewallRule(this, 'block-everything-else', {
        region,
        name: 'block-everything-else',
        firewallRuleGroupId: this.allowListRuleGroup.id,
        firewallDomainListId: everything.id,
        priority: 200,
        ...blockAction,
      });
      post.push({ ruleGroupId: this.allowListRuleGroup.id, priority: props.allowListOnly.priority });
    }

    const data = dnsFirewallManagedServiceData([{ ruleGroupId: this.blockRuleGroup.id, priority: props.priority }], post);
    this.policy = new FmsPolicy(this, 'policy', {
      region,
      name: props.policyName,
      description: `Route 53 Resolver DNS Firewall for every VPC in ${region}`,
      resourceType: 'AWS::EC2::VPC',
      ...fmsScopeArgs(props.scope),
      remediationEnabled: props.remediation ?? true,
      deleteAllPolicyResources: true,
      securityServicePolicyData: { type: 'DNS_FIREWALL', managedServiceData: JSON.stringify(data) },
    });
  }
}
