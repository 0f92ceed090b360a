import { dnsFirewallManagedServiceData, FmsDnsFirewallPolicy, type FmsDnsFirewallPolicyProps } from '../../modules/fms-dns-firewall-policy';
import { fmsPolicies, synthWith } from './fms-test-helpers';

const base: FmsDnsFirewallPolicyProps = {
  policyName: 'org-guard-dns-firewall-us-east-1',
  region: 'us-east-1',
  managedDomainLists: [
    { name: 'AWSManagedDomainsAggregateThreatList', id: 'rslvr-fdl-15f4860b1ad54ead' },
    { name: 'AWSManagedDomainsMalwareDomainList', id: 'rslvr-fdl-2c46f2ecbfec4dcc' },
  ],
  blockedDomains: ['*.zip', '*.mov'],
  blockResponse: 'NXDOMAIN',
  priority: 1,
};
const build = (p: Partial<FmsDnsFirewallPolicyProps> = {}) => synthWith((s) => new FmsDnsFirewallPolicy(s, 'dns', { ...base, ...p }));
const rules = (json: any) => Object.values(json.resource.aws_route53_resolver_firewall_rule) as any[];

describe('FmsDnsFirewallPolicy', () => {
  test('blocks every managed list by id and the custom list, in one pre-process rule group', () => {
    const json = build();
    const [{ body, data }] = fmsPolicies(json);
    expect(body).toMatchObject({ resource_type: 'AWS::EC2::VPC', remediation_enabled: true, exclude_resource_tags: false });
    expect(data).toEqual({
      type: 'DNS_FIREWALL',
      preProcessRuleGroups: [{ ruleGroupId: expect.stringMatching(/aws_route53_resolver_firewall_rule_group\.dns_block_/), priority: 1 }],
      postProcessRuleGroups: [],
    });
    const r = rules(json);
    expect(r.map((x) => x.firewall_domain_list_id)).toEqual(
      expect.arrayContaining(['rslvr-fdl-15f4860b1ad54ead', 'rslvr-fdl-2c46f2ecbfec4dcc', expect.stringMatching(/aws_route53_resolver_firewall_domain_list\.dns_blocked-domains/)]),
    );
    expect(r.every((x) => x.action === 'BLOCK' && x.block_response === 'NXDOMAIN' && x.region === 'us-east-1')).toBe(true);
    expect(new Set(r.map((x) => x.priority)).size).toBe(r.length);
    const lists = Object.values(json.resource!.aws_route53_resolver_firewall_domain_list) as any[];
    expect(lists[0].domains).toEqual(['*.zip', '*.mov']);
  });

  test('OVERRIDE answers with a CNAME to the configured domain', () => {
    const r = rules(build({ blockResponse: 'OVERRIDE', overrideDomain: 'blocked.example.com', overrideTtl: 60 }));
    expect(r.every((x) => x.block_override_dns_type === 'CNAME' && x.block_override_domain === 'blocked.example.com' && x.block_override_ttl === 60)).toBe(true);
    expect(() => build({ blockResponse: 'OVERRIDE' })).toThrow(/overrideDomain/);
  });

  test('allow-list-only mode: explicit allow then block everything, as a post-process group', () => {
    const json = build({ allowListOnly: { allowedDomains: ['*.amazonaws.com'], priority: 10000 } });
    const [{ data }] = fmsPolicies(json);
    expect(data.postProcessRuleGroups).toEqual([{ ruleGroupId: expect.stringMatching(/dns_allow-list-only_/), priority: 10000 }]);
    const r = rules(json).filter((x) => /allow-list-only/.test(x.firewall_rule_group_id));
    const allow = r.find((x) => x.action === 'ALLOW');
    const deny = r.find((x) => x.action === 'BLOCK');
    expect(allow.priority).toBeLessThan(deny.priority);
    const lists = Object.values(json.resource!.aws_route53_resolver_firewall_domain_list) as any[];
    expect(lists.map((l) => l.domains)).toEqual(expect.arrayContaining([['*.amazonaws.com'], ['*']]));
  });

  test('priorities outside the FMS ranges are refused', () => {
    expect(() => dnsFirewallManagedServiceData([{ ruleGroupId: 'a', priority: 100 }], [])).toThrow(/1-99/);
    expect(() => dnsFirewallManagedServiceData([], [{ ruleGroupId: 'a', priority: 9900 }])).toThrow(/9901-10000/);
  });
});
