import { Construct } from 'constructs';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { Wafv2IpSet } from '@cdktf/provider-aws/lib/wafv2-ip-set';
import { Wafv2RuleGroup } from '@cdktf/provider-aws/lib/wafv2-rule-group';
import { fmsResourceTypeArgs, fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

export interface WafManagedRuleGroup {
  /** AWS managed rule group name, e.g. AWSManagedRulesCommonRuleSet. */
  name: string;
  /** Rules of the group whose action is overridden to COUNT. */
  countRules?: string[];
}

export interface WafPolicyDataInput {
  /** Custom rule groups evaluated first, in order (allow-list, rate limit). */
  customRuleGroupArns: string[];
  managedRuleGroups: WafManagedRuleGroup[];
  /** Firehose delivery stream ARNs (names start with aws-waf-logs-). */
  logDestinationArns?: string[];
  overrideCustomerWebACLAssociation?: boolean;
  /** Default true: a web ACL only in accounts with a resource to protect (see wafManagedServiceData). */
  optimizeUnassociatedWebACL?: boolean;
}

/** Headers never written to WAF logs. */
const REDACTED_HEADERS = ['authorization', 'cookie'];

/**
 * The WAFV2 managed_service_data document of an FMS policy (preProcessRuleGroups evaluate in array order).
 * optimizeUnassociatedWebACL: with false (the API default) FMS creates an empty web ACL in every in-scope
 * account, each billed monthly; with true only where at least one resource will use it.
 * https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html
 */
export function wafManagedServiceData(input: WafPolicyDataInput): Record<string, unknown> {
  const custom = input.customRuleGroupArns.map((arn) => ({
    ruleGroupType: 'RuleGroup',
    ruleGroupArn: arn,
    managedRuleGroupIdentifier: null,
    overrideAction: { type: 'NONE' },
    excludeRules: [],
    sampledRequestsEnabled: true,
  }));
  const managed = input.managedRuleGroups.map((g) => ({
    ruleGroupType: 'ManagedRuleGroup',
    ruleGroupArn: null,
    managedRuleGroupIdentifier: { vendorName: 'AWS', managedRuleGroupName: g.name, version: null, versionEnabled: null },
    overrideAction: { type: 'NONE' },
    excludeRules: [],
    sampledRequestsEnabled: true,
    // Per-rule overrides, not the deprecated excludeRules nor a group-wide COUNT that would disable the group.
    ...(g.countRules && g.countRules.length > 0
      ? { ruleActionOverrides: g.countRules.map((name) => ({ name, actionToUse: { count: {} } })) }
      : {}),
  }));
  const logs = input.logDestinationArns ?? [];
  return {
    type: 'WAFV2',
    preProcessRuleGroups: [...custom, ...managed],
    postProcessRuleGroups: [],
    defaultAction: { type: 'ALLOW' },
    overrideCustomerWebACLAssociation: input.overrideCustomerWebACLAssociation ?? false,
    sampledRequestsEnabledForDefaultActions: true,
    optimizeUnassociatedWebACL: input.optimizeUnassociatedWebACL ?? true,
    loggingConfiguration:
      logs.length > 0
        ? {
            logDestinationConfigs: logs,
            redactedFields: REDACTED_HEADERS.map((h) => ({ redactedFieldType: 'SingleHeader', redactedFieldValue: h })),
          }
        : null,
  };
}

export interface FmsWafPolicyProps {
  policyName: string;
  /** Region of the policy and its rule groups; us-east-1 for CLOUDFRONT. */
  region: string;
  wafScope: 'REGIONAL' | 'CLOUDFRONT';
  resourceTypes: readonly string[];
  /** IPv4 and IPv6 CIDRs allowed before any other rule. */
  allowListCidrs: readonly string[];
  /** Requests per 5 minutes per client IP before blocking. */
  rateLimit: number;
  managedRuleGroups: WafManagedRuleGroup[];
  logDestinationArn?: string;
  overrideCustomerWebACLAssociation?: boolean;
  /** Default true: FMS creates and associates the web ACLs. */
  remediation?: boolean;
  scope?: FmsPolicyScope;
  /** Prefix of the WAF rule group and IP set names. */
  namePrefix?: string;
}

/**
 * A Firewall Manager WAF policy with its own rule groups: allow-list (IP sets) first, then the rate-based
 * rule, then the AWS managed rule groups. The rule groups live in the FMS admin (security) account.
 */
export class FmsWafPolicy extends Construct {
  readonly policy: FmsPolicy;
  readonly allowListRuleGroup: Wafv2RuleGroup;
  readonly rateLimitRuleGroup: Wafv2RuleGroup;

  constructor(scope: Construct, id: string, props: FmsWafPolicyProps) {
    super(scope, id);
    if (props.wafScope === 'CLOUDFRONT' && props.region !== 'us-east-1') {
      throw new Error('CloudFront (global) WAF resources must be created in us-east-1');
    }
    const { region, wafScope } = props;
    const prefix = `${props.namePrefix ?? 'org-guard'}${wafScope === 'CLOUDFRONT' ? '-cloudfront' : ''}`;
    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

    // Always both IP sets, even empty, so editing the list never adds or removes resources.
    const ipSet = (version: 'IPV4' | 'IPV6') =>
      new Wafv2IpSet(this, `allow-list-${version.toLowerCase()}`, {
        region,
        scope: wafScope,
        name: `${prefix}-allow-list-${version.toLowerCase()}`,
        description: 'Sources allowed before any other WAF rule (false positives); from the org-guard config',
        ipAddressVersion: version,
        addresses: props.allowListCidrs.filter((c) => (version === 'IPV6') === c.includes(':')),
      });
    const v4 = ipSet('IPV4');
    const v6 = ipSet('IPV6');

    this.allowListRuleGroup = new Wafv2RuleGroup(this, 'allow-list', {
      region,
      scope: wafScope,
      name: `${prefix}-allow-list`,
      description: 'Allows the configured sources before any other rule',
      capacity: 10,
      visibilityConfig: visibility(`${prefix}-allow-list`),
      rule: [v4, v6].map((set, i) => ({
        name: `allow-${i === 0 ? 'ipv4' : 'ipv6'}`,
        priority: i,
        action: { allow: {} },
        statement: { ip_set_reference_statement: { arn: set.arn } },
        visibilityConfig: visibility(`${prefix}-allow-${i === 0 ? 'ipv4' : 'ipv6'}`),
      })),
    });

    this.rateLimitRuleGroup = new Wafv2RuleGroup(this, 'rate-limit', {
      region,
      scope: wafScope,
      name: `${prefix}-rate-limit`,
      description: `Blocks a client IP above ${props.rateLimit} requests per 5 minutes (HTTP floods)`,
      capacity: 10,
      visibilityConfig: visibility(`${prefix}-rate-limit`),
      rule: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.rateLimit, aggregate_key_type: 'IP', evaluation_window_sec: 300 } },
          visibilityConfig: visibility(`${prefix}-rate-limit-per-ip`),
        },
      ],
    });

    const data = wafManagedServiceData({
      customRuleGroupArns: [this.allowListRuleGroup.arn, this.rateLimitRuleGroup.arn],
      managedRuleGroups: props.managedRuleGroups,
      logDestinationArns: props.logDestinationArn ? [props.logDestinationArn] : [],
      overrideCustomerWebACLAssociation: props.overrideCustomerWebACLAssociation,
    });

    this.policy = new FmsPolicy(this, 'policy', {
      region,
      name: props.policyName,
      description: wafScope === 'CLOUDFRONT' ? 'WAF for CloudFront distributions (global)' : `WAF for regional resources in ${region}`,
      ...fmsResourceTypeArgs(props.resourceTypes),
      ...fmsScopeArgs(props.scope),
      remediationEnabled: props.remediation ?? true,
      // Removing the policy removes the web ACLs it created; deliberate, so nothing orphaned keeps costing.
      deleteAllPolicyResources: true,
      securityServicePolicyData: { type: 'WAFV2', managedServiceData: JSON.stringify(data) },
    });
  }
}
