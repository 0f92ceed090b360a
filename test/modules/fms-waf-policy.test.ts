import { FmsWafPolicy, wafManagedServiceData } from '../../modules/fms-waf-policy';
import { fmsPolicies, synthWith } from './fms-test-helpers';

const SEED_002 = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList'];

function build(overrides: Partial<ConstructorParameters<typeof FmsWafPolicy>[2]> = {}) {
  return synthWith((s) =>
    new FmsWafPolicy(s, 'waf', {
      policyName: 'org-guard-waf-eu-west-1',
      region: 'eu-west-1',
      wafScope: 'REGIONAL',
      resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::Stage'],
      allowListCidrs: ['203.0.113.0/24', '2001:db8::/32'],
      rateLimit: 1500,
      managedRuleGroups: SEED_002.map((name) => ({ name, countRules: name === 'AWSManagedRulesCommonRuleSet' ? ['SizeRestrictions_BODY'] : [] })),
      logDestinationArn: 'arn:aws:firehose:eu-west-1:222222222222:deliverystream/aws-waf-logs-org-guard',
      ...overrides,
    }),
  );
}

describe('FmsWafPolicy', () => {
  const json = build();
  const [{ body, data }] = fmsPolicies(json);

  test('managed_service_data: allow-list first, rate limit second, then the managed groups in order', () => {
    expect(data.type).toBe('WAFV2');
    const groups = data.preProcessRuleGroups;
    expect(groups.map((g: any) => g.ruleGroupType)).toEqual(['RuleGroup', 'RuleGroup', 'ManagedRuleGroup', 'ManagedRuleGroup', 'ManagedRuleGroup', 'ManagedRuleGroup']);
    expect(groups[0].ruleGroupArn).toMatch(/aws_wafv2_rule_group\.waf_allow-list_[0-9A-F]+\.arn/);
    expect(groups[1].ruleGroupArn).toMatch(/aws_wafv2_rule_group\.waf_rate-limit_[0-9A-F]+\.arn/);
    expect(groups.slice(2).map((g: any) => g.managedRuleGroupIdentifier.managedRuleGroupName)).toEqual(SEED_002);
    expect(groups.slice(2).every((g: any) => g.managedRuleGroupIdentifier.vendorName === 'AWS' && g.overrideAction.type === 'NONE')).toBe(true);
    expect(data.defaultAction).toEqual({ type: 'ALLOW' });
    expect(data.postProcessRuleGroups).toEqual([]);
  });

  test('optimizeUnassociatedWebACL: no empty, billed web ACL in accounts without a protected resource', () => {
    // https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html: "If you set
    // optimizeUnassociatedWebACL to false Firewall Manager ... automatically creates an empty web ACL in each
    // account that's within policy scope."
    expect(data.optimizeUnassociatedWebACL).toBe(true);
  });

  test('per-rule COUNT overrides only where configured', () => {
    const crs = data.preProcessRuleGroups.find((g: any) => g.managedRuleGroupIdentifier?.managedRuleGroupName === 'AWSManagedRulesCommonRuleSet');
    expect(crs.ruleActionOverrides).toEqual([{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]);
    const sqli = data.preProcessRuleGroups.find((g: any) => g.managedRuleGroupIdentifier?.managedRuleGroupName === 'AWSManagedRulesSQLiRuleSet');
    expect(sqli.ruleActionOverrides).toBeUndefined();
  });

  test('logs to the aws-waf-logs- Firehose stream with credentials redacted', () => {
    expect(data.loggingConfiguration.logDestinationConfigs).toEqual(['arn:aws:firehose:eu-west-1:222222222222:deliverystream/aws-waf-logs-org-guard']);
    expect(data.loggingConfiguration.redactedFields.map((f: any) => f.redactedFieldValue)).toEqual(['authorization', 'cookie']);
  });

  test('the policy: regional, both resource types, remediation on, required arguments explicit', () => {
    expect(body).toMatchObject({ region: 'eu-west-1', remediation_enabled: true, exclude_resource_tags: false, delete_all_policy_resources: true });
    expect(body.resource_type_list).toEqual(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::Stage']);
    expect(body.resource_type).toBeUndefined();
  });

  test('IP sets split by family; rate-based rule blocks per IP over 5 minutes', () => {
    const sets = Object.values(json.resource!.aws_wafv2_ip_set) as any[];
    expect(sets.find((s) => s.ip_address_version === 'IPV4').addresses).toEqual(['203.0.113.0/24']);
    expect(sets.find((s) => s.ip_address_version === 'IPV6').addresses).toEqual(['2001:db8::/32']);
    const groups = Object.values(json.resource!.aws_wafv2_rule_group) as any[];
    const rate = groups.find((g) => g.name === 'org-guard-rate-limit');
    expect(rate.rule[0].statement.rate_based_statement).toEqual({ limit: 1500, aggregate_key_type: 'IP', evaluation_window_sec: 300 });
    expect(rate.rule[0].action).toEqual({ block: {} });
    const allow = groups.find((g) => g.name === 'org-guard-allow-list');
    expect(allow.rule.map((r: any) => Object.keys(r.action)[0])).toEqual(['allow', 'allow']);
    expect(groups.every((g) => g.scope === 'REGIONAL' && g.region === 'eu-west-1')).toBe(true);
  });

  test('CloudFront scope only in us-east-1', () => {
    expect(() => build({ wafScope: 'CLOUDFRONT', region: 'eu-west-1' })).toThrow(/us-east-1/);
    const cf = build({ wafScope: 'CLOUDFRONT', region: 'us-east-1', resourceTypes: ['AWS::CloudFront::Distribution'] });
    const [p] = fmsPolicies(cf);
    expect(p.body.resource_type).toBe('AWS::CloudFront::Distribution');
    expect((Object.values(cf.resource!.aws_wafv2_rule_group) as any[]).every((g) => g.scope === 'CLOUDFRONT')).toBe(true);
  });

  test('without logging the configuration is null', () => {
    expect(wafManagedServiceData({ customRuleGroupArns: [], managedRuleGroups: [] }).loggingConfiguration).toBeNull();
  });
});
