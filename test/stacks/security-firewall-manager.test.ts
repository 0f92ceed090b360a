import { loadConfig } from '../../config/load';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';

const fms = (stack: TfJson) =>
  resourcesOf(stack, 'aws_fms_policy').map(([, body]) => ({ body, data: JSON.parse(body.security_service_policy_data.managed_service_data) }));
const ofType = (stack: TfJson, type: string) => fms(stack).filter((p) => p.body.security_service_policy_data.type === type);
const SEED_002 = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList'];

describe('Firewall Manager in the bundled example', () => {
  const cfg = loadConfig('config/organization.yaml');
  const stacks = synthOrg(cfg);
  const security = stacks.security;
  const regions = cfg.organization.regions;

  test('a regional WAF policy in every governed region and exactly one global CloudFront policy', () => {
    const waf = ofType(security, 'WAFV2');
    const cloudFront = waf.filter((p) => p.body.resource_type === 'AWS::CloudFront::Distribution');
    expect(cloudFront).toHaveLength(1);
    expect(cloudFront[0].body.region).toBe('us-east-1');
    const regional = waf.filter((p) => p.body.resource_type !== 'AWS::CloudFront::Distribution');
    expect(regional.map((p) => p.body.region).sort()).toEqual([...regions].sort());
    for (const p of regional) expect(p.body.resource_type_list).toEqual(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::Stage']);
  });

  test('every WAF policy runs the four managed rule groups by their exact AWS names and logs to its regional aws-waf-logs- stream', () => {
    const streams = resourcesOf(security, 'aws_kinesis_firehose_delivery_stream');
    for (const { body, data } of ofType(security, 'WAFV2')) {
      const managed = data.preProcessRuleGroups.filter((g: any) => g.ruleGroupType === 'ManagedRuleGroup');
      expect(managed.map((g: any) => g.managedRuleGroupIdentifier.managedRuleGroupName)).toEqual(SEED_002);
      const [destination] = data.loggingConfiguration.logDestinationConfigs;
      const stream = streams.find(([key]) => destination.includes(`aws_kinesis_firehose_delivery_stream.${key}.arn`));
      expect(stream![1]).toMatchObject({ name: expect.stringMatching(/^aws-waf-logs-/), region: body.region });
      expect(stream![1].extended_s3_configuration.bucket_arn).toBe('arn:aws:s3:::org-guard-firewall-logs-333333333333-us-east-1');
    }
  });

  test('a DNS Firewall policy per region whose rule group blocks the AWS managed lists of that region', () => {
    const dns = ofType(security, 'DNS_FIREWALL');
    expect(dns.map((p) => p.body.region).sort()).toEqual([...regions].sort());
    const rules = resourcesOf(security, 'aws_route53_resolver_firewall_rule').map(([, r]) => r);
    for (const { body, data } of dns) {
      expect(body.resource_type).toBe('AWS::EC2::VPC');
      const groupRef = data.preProcessRuleGroups[0].ruleGroupId as string;
      const inGroup = rules.filter((r) => groupRef.includes(r.firewall_rule_group_id.replace(/^\$\{|\}$/g, '')));
      expect(inGroup.map((r) => r.name)).toEqual(
        expect.arrayContaining(['block-AWSManagedDomainsAggregateThreatList', 'block-AWSManagedDomainsMalwareDomainList', 'block-AWSManagedDomainsBotnetCommandandControl']),
      );
      expect(inGroup.every((r) => r.region === body.region && r.action === 'BLOCK')).toBe(true);
    }
    const usEast1 = rules.find((r) => r.region === 'us-east-1' && r.name === 'block-AWSManagedDomainsMalwareDomainList');
    expect(usEast1.firewall_domain_list_id).toBe('rslvr-fdl-2c46f2ecbfec4dcc');
  });

  test('security group content and usage audits per region, report only', () => {
    for (const type of ['SECURITY_GROUPS_CONTENT_AUDIT', 'SECURITY_GROUPS_USAGE_AUDIT']) {
      const policies = ofType(security, type);
      expect(policies.map((p) => p.body.region).sort()).toEqual([...regions].sort());
      expect(policies.every((p) => p.body.remediation_enabled === false)).toBe(true);
    }
  });

  test('Network Firewall and Shield Advanced are opt-in: absent here', () => {
    expect(ofType(security, 'NETWORK_FIREWALL')).toEqual([]);
    expect(ofType(security, 'SHIELD_ADVANCED')).toEqual([]);
  });

  test('Config recording in every account and every governed region, global types once', () => {
    for (const [name, stack] of Object.entries(stacks)) {
      const recorders = resourcesOf(stack, 'aws_config_configuration_recorder').map(([, r]) => r);
      expect([name, recorders.map((r) => r.region).sort()]).toEqual([name, [...regions].sort()]);
      expect(recorders.filter((r) => r.recording_group.include_global_resource_types)).toHaveLength(1);
      const channels = resourcesOf(stack, 'aws_config_delivery_channel').map(([, c]) => c);
      expect(channels.map((c) => c.s3_bucket_name)).toEqual(regions.map(() => 'org-guard-config-333333333333-us-east-1'));
      expect(resourcesOf(stack, 'aws_config_configuration_recorder_status')).toHaveLength(regions.length);
    }
  });
});

describe('the full example (config/examples/full.yaml)', () => {
  const cfg = loadConfig('config/examples/full.yaml');
  const security = synthOrg(cfg).security;

  test('Network Firewall per region, scoped to the configured account, logging to the log archive', () => {
    const nfw = ofType(security, 'NETWORK_FIREWALL');
    expect(nfw.map((p) => p.body.region).sort()).toEqual([...cfg.organization.regions].sort());
    for (const { body, data } of nfw) {
      expect(body.include_map).toEqual({ account: ['444444444444'] });
      expect(data.networkFirewallLoggingConfiguration.logDestinationConfigs[0].logDestination.bucketName).toBe('org-guard-firewall-logs-333333333333-us-east-1');
    }
  });

  test('Network Firewall: managed group ARNs end in StrictOrder, with STRICT_ORDER engine options and a drop default', () => {
    // AWS managed stateful groups exist only as <name>StrictOrder / <name>ActionOrder:
    // https://docs.aws.amazon.com/network-firewall/latest/developerguide/aws-managed-rule-groups-threat-signature.html
    const nfw = ofType(security, 'NETWORK_FIREWALL');
    expect(nfw.length).toBeGreaterThan(0);
    for (const { body, data } of nfw) {
      const managed = data.networkFirewallStatefulRuleGroupReferences.filter((r: any) => r.resourceARN.includes(':aws-managed:'));
      expect(managed.length).toBeGreaterThan(0);
      for (const r of managed) expect(r.resourceARN).toMatch(new RegExp(`^arn:aws:network-firewall:${body.region}:aws-managed:stateful-rulegroup/ThreatSignatures\\w+StrictOrder$`));
      expect(data.networkFirewallStatefulEngineOptions).toEqual({ ruleOrder: 'STRICT_ORDER' });
      expect(data.networkFirewallStatefulDefaultActions).toContain('aws:drop_established');
      // Threat signatures are evaluated before the allow-list's pass rules.
      const allowList = data.networkFirewallStatefulRuleGroupReferences.find((r: any) => r.resourceARN.includes('aws_networkfirewall_rule_group'));
      expect(Math.max(...managed.map((r: any) => r.priority))).toBeLessThan(allowList.priority);
    }
  });

  test('Shield Advanced: regional policies plus one CloudFront policy with automatic response', () => {
    const shield = ofType(security, 'SHIELD_ADVANCED');
    const cf = shield.filter((p) => p.body.resource_type === 'AWS::CloudFront::Distribution');
    expect(cf).toHaveLength(1);
    expect(cf[0].data.automaticResponseConfiguration).toEqual({ automaticResponseStatus: 'ENABLED', automaticResponseAction: 'COUNT' });
    // FMS echoes it; without it every plan shows a change (cloudposse/terraform-aws-firewall-manager#38).
    expect(cf[0].data.overrideCustomerWebaclClassic).toBe(false);
    expect(shield).toHaveLength(cfg.organization.regions.length + 1);
  });

  test('the section scope excludes the sandbox OU; allow-list-only DNS mode and OVERRIDE are applied', () => {
    for (const p of ofType(security, 'WAFV2')) expect(p.body.exclude_map).toEqual({ orgunit: ['ou-ab12-sandbox01'] });
    const dns = ofType(security, 'DNS_FIREWALL');
    expect(dns.every((p) => p.data.postProcessRuleGroups.length === 1 && p.data.postProcessRuleGroups[0].priority === 10000)).toBe(true);
    const rules = resourcesOf(security, 'aws_route53_resolver_firewall_rule').map(([, r]) => r);
    expect(rules.filter((r) => r.action === 'BLOCK').every((r) => r.block_response === 'OVERRIDE' && r.block_override_domain === 'blocked.example.com')).toBe(true);
  });

  test('security groups: content-audit remediation is on, but the usage audit deletes and merges nothing', () => {
    expect(cfg.firewallManager.securityGroupAudit.remediation).toBe(true);
    for (const p of ofType(security, 'SECURITY_GROUPS_CONTENT_AUDIT')) expect(p.body.remediation_enabled).toBe(true);
    const usage = ofType(security, 'SECURITY_GROUPS_USAGE_AUDIT');
    expect(usage.length).toBe(cfg.organization.regions.length);
    // Remediation of a usage audit deletes unused and merges redundant groups in every in-scope account
    // (https://docs.aws.amazon.com/waf/latest/developerguide/security-group-policies-usage.html).
    for (const p of usage) expect(p.body.remediation_enabled).toBe(false);
  });

  test('every WAF policy sets optimizeUnassociatedWebACL: true (no empty web ACL per in-scope account)', () => {
    // https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html
    const waf = ofType(security, 'WAFV2');
    expect(waf.length).toBe(cfg.organization.regions.length + 1);
    for (const { data } of waf) expect(data.optimizeUnassociatedWebACL).toBe(true);
  });

  test('COUNT override and allow-list CIDRs reach the WAF policy', () => {
    const [p] = ofType(security, 'WAFV2');
    const crs = p.data.preProcessRuleGroups.find((g: any) => g.managedRuleGroupIdentifier?.managedRuleGroupName === 'AWSManagedRulesCommonRuleSet');
    expect(crs.ruleActionOverrides).toEqual([{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]);
    const addresses = resourcesOf(security, 'aws_wafv2_ip_set').flatMap(([, s]) => s.addresses);
    expect(addresses).toEqual(expect.arrayContaining(['203.0.113.0/24', '2001:db8:1234::/48']));
  });
});

describe('CloudFront-scope policies when us-east-1 is not governed', () => {
  // FMS's CloudFront policies evaluate AWS Config data recorded in us-east-1 in every in-scope account
  // (CloudFront is a global service recorded there; fms-shield-resource-policy-check lists
  // AWS::CloudFront::Distribution and AWS::Shield::Protection).
  const eu = (fm: Record<string, unknown> = {}) => {
    const input = minimalInput();
    input.organization.homeRegion = 'eu-west-1';
    input.organization.regions = ['eu-west-1'];
    input.firewallManager = fm;
    return synthOrg(configOf(input));
  };

  test('homeRegion eu-west-1, regions [eu-west-1]: every stack records the CloudFront policy types in us-east-1', () => {
    const stacks = eu({ shieldAdvanced: { enabled: true, acknowledgeSubscriptionCommitment: true } });
    expect(ofType(stacks.security, 'WAFV2').filter((p) => p.body.region === 'us-east-1')).toHaveLength(1);
    expect(ofType(stacks.security, 'SHIELD_ADVANCED').filter((p) => p.body.region === 'us-east-1')).toHaveLength(1);
    expect(Object.keys(stacks).length).toBeGreaterThanOrEqual(4);
    for (const [name, stack] of Object.entries(stacks)) {
      const recorders = resourcesOf(stack, 'aws_config_configuration_recorder').map(([, r]) => r);
      expect([name, recorders.map((r) => r.region).sort()]).toEqual([name, ['eu-west-1', 'us-east-1']]);
      const usEast1 = recorders.find((r) => r.region === 'us-east-1');
      expect([name, usEast1.recording_group]).toEqual([name, {
        all_supported: false,
        include_global_resource_types: false,
        resource_types: ['AWS::CloudFront::Distribution', 'AWS::Shield::Protection', 'AWS::WAFv2::WebACL'],
        recording_strategy: [{ use_only: 'INCLUSION_BY_RESOURCE_TYPES' }],
      }]);
      const channels = resourcesOf(stack, 'aws_config_delivery_channel').map(([, c]) => c);
      expect(channels.find((c) => c.region === 'us-east-1')?.s3_bucket_name).toMatch(/^org-guard-config-333333333333-/);
      expect(resourcesOf(stack, 'aws_config_configuration_recorder_status').map(([, c]) => c.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    }
  });

  test('no CloudFront policy, no recording outside the governed regions', () => {
    for (const stack of Object.values(eu({ waf: { cloudFront: false } }))) {
      expect(resourcesOf(stack, 'aws_config_configuration_recorder').map(([, r]) => r.region)).toEqual(['eu-west-1']);
    }
  });
});

describe('switches and scale', () => {
  test('firewallManager.enabled: false removes every policy; configRecording.enabled: false removes recording', () => {
    const input = minimalInput();
    input.firewallManager = { enabled: false, configRecording: { enabled: false } };
    const stacks = synthOrg(configOf(input));
    expect(resourcesOf(stacks.security, 'aws_fms_policy')).toEqual([]);
    for (const stack of Object.values(stacks)) expect(resourcesOf(stack, 'aws_config_configuration_recorder')).toEqual([]);
  });

  test('the security stack does not grow with the number of member accounts', () => {
    const count = (members: number) => {
      const input = minimalInput();
      input.accounts.members = Array.from({ length: members }, (_, i) => ({ name: `m${i}`, id: String(500000000000 + i) }));
      const json = synthOrg(configOf(input)).security;
      return ['aws_fms_policy', 'aws_wafv2_rule_group', 'aws_route53_resolver_firewall_rule', 'aws_kinesis_firehose_delivery_stream'].map((t) => resourcesOf(json, t).length);
    };
    expect(count(20)).toEqual(count(1));
  });
});
