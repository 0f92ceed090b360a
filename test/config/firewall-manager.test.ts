import { ConfigError } from '../../config/load';
import { cidrProblem } from '../../config/sections/firewall-manager';
import { configOf, minimalInput } from '../helpers';

function problems(fm: Record<string, unknown>, edit?: (input: Record<string, any>) => void): string[] {
  const input = minimalInput();
  input.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }];
  input.firewallManager = fm;
  edit?.(input);
  try {
    configOf(input);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('firewallManager config', () => {
  test('the minimal config gets the secure defaults', () => {
    const fm = configOf().firewallManager;
    expect(fm.waf).toMatchObject({ enabled: true, cloudFront: true, rateLimit: 2000, logging: true });
    expect(fm.waf.managedRuleGroups).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList']);
    expect(fm.dnsFirewall).toMatchObject({ enabled: true, blockResponse: 'NXDOMAIN', priority: 1 });
    expect(fm.networkFirewall.enabled).toBe(false);
    expect(fm.shieldAdvanced.enabled).toBe(false);
    expect(fm.securityGroupAudit).toMatchObject({ contentAudit: true, usageAudit: true, adminPorts: [22, 3389], remediation: false });
    expect(fm.configRecording.enabled).toBe(true);
  });

  test.each([
    [9, /rate limit must be at least 10/],
    [2_000_000_001, /rate limit must be at most 2000000000/],
  ])('rate limit %d is outside AWS range', (rateLimit, message) => {
    const p = problems({ waf: { rateLimit } });
    expect(p).toEqual([expect.stringMatching(/^firewallManager\.waf\.rateLimit: /)]);
    expect(p[0]).toMatch(message);
  });

  test('the AWS range bounds are accepted', () => {
    expect(problems({ waf: { rateLimit: 10 } })).toEqual([]);
    expect(problems({ waf: { rateLimit: 2_000_000_000 } })).toEqual([]);
  });

  test('DNS Firewall priorities must be in the FMS ranges', () => {
    const p = problems({ dnsFirewall: { priority: 100, allowListOnly: { priority: 9900 } } });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^firewallManager\.dnsFirewall\.priority: priority 100 is out of range; .*1-99/),
        expect.stringMatching(/^firewallManager\.dnsFirewall\.allowListOnly\.priority: priority 9900 is out of range; .*9901-10000/),
      ]),
    );
  });

  test('CIDRs: IPv4 and IPv6 accepted, malformed and /0 refused with the index', () => {
    expect(problems({ waf: { allowListCidrs: ['10.0.0.0/8', '2001:db8::/32', '::1/128'] } })).toEqual([]);
    const p = problems({ waf: { allowListCidrs: ['10.0.0.256/8', '0.0.0.0/0', '2001:db8:::/32', 'example.com'] } });
    expect(p).toEqual([
      expect.stringMatching(/allowListCidrs\[0\]: "10\.0\.0\.256\/8" is not a valid IPv4 CIDR/),
      expect.stringMatching(/allowListCidrs\[1\]: .*refuses \/0/),
      expect.stringMatching(/allowListCidrs\[2\]: .*not a valid IPv6 CIDR/),
      expect.stringMatching(/allowListCidrs\[3\]: .*is not a CIDR/),
    ]);
    expect(cidrProblem('2001:db8::/129')).toMatch(/1-128/);
  });

  test('names must be unique and overrides must name a configured rule group', () => {
    const p = problems({
      waf: {
        managedRuleGroups: ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesCommonRuleSet'],
        countRules: { AWSManagedRulesLinuxRuleSet: ['LFI_URIPATH'] },
      },
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/managedRuleGroups\[1\]: managed rule group "AWSManagedRulesCommonRuleSet" is already listed/),
        expect.stringMatching(/countRules\.AWSManagedRulesLinuxRuleSet: rule group "AWSManagedRulesLinuxRuleSet" is not in managedRuleGroups/),
      ]),
    );
    expect(problems({ waf: { managedRuleGroups: ['CommonRuleSet'] } })[0]).toMatch(/not an AWS managed rule group name/);
  });

  test('resource types must be consistent: CloudFront is not a regional type, and something must be protected', () => {
    expect(problems({ waf: { regionalResourceTypes: ['AWS::CloudFront::Distribution'] } })[0]).toMatch(/^firewallManager\.waf\.regionalResourceTypes\[0\]/);
    expect(problems({ waf: { regionalResourceTypes: [], cloudFront: false } })[0]).toMatch(/protects nothing/);
    expect(problems({ shieldAdvanced: { enabled: true, acknowledgeSubscriptionCommitment: true, regionalResourceTypes: [], cloudFront: false } })[0]).toMatch(/protects nothing/);
  });

  test('scope: referenced accounts and OUs must exist; include and exclude do not mix', () => {
    expect(problems({ scope: { includeAccounts: ['workload-prod', '222222222222', 'security'] } })).toEqual([]);
    const p = problems({ scope: { includeAccounts: ['nope'], excludeOUs: ['sandbox'] } });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^firewallManager\.scope: .*either an include list or an exclude list/),
        expect.stringMatching(/^firewallManager\.scope\.includeAccounts\[0\]: account "nope" is not in this config/),
        expect.stringMatching(/^firewallManager\.scope\.excludeOUs\[0\]: OU "sandbox" is not defined; allowed: workloads/),
      ]),
    );
    expect(problems({ networkFirewall: { scope: { excludeAccounts: ['999999999999'] } } })[0]).toMatch(/^firewallManager\.networkFirewall\.scope\.excludeAccounts\[0\]/);
  });

  test('OVERRIDE needs its domain', () => {
    expect(problems({ dnsFirewall: { blockResponse: 'OVERRIDE' } })[0]).toMatch(/^firewallManager\.dnsFirewall\.overrideDomain: blockResponse OVERRIDE needs overrideDomain/);
    expect(problems({ dnsFirewall: { overrideDomain: 'x.example.com' } })[0]).toMatch(/only used with blockResponse OVERRIDE/);
  });

  test('a governed region without built-in managed domain list ids asks for them', () => {
    const edit = (i: Record<string, any>) => (i.organization.regions = ['us-east-1', 'af-south-1']);
    expect(problems({}, edit)).toEqual([expect.stringMatching(/managedDomainListIds: no built-in id of .*af-south-1.*list-firewall-domain-lists --region af-south-1/)]);
    const ids = { AWSManagedDomainsAggregateThreatList: 'rslvr-fdl-0123456789abcdef', AWSManagedDomainsMalwareDomainList: 'rslvr-fdl-0123456789abcdee', AWSManagedDomainsBotnetCommandandControl: 'rslvr-fdl-0123456789abcded' };
    expect(problems({ dnsFirewall: { managedDomainListIds: { 'af-south-1': ids } } }, edit)).toEqual([]);
    expect(problems({ dnsFirewall: { enabled: false } }, edit)).toEqual([]);
  });

  test('usage-audit deletion is its own switch, off by default, and needs the usage audit', () => {
    expect(configOf().firewallManager.securityGroupAudit).toMatchObject({ deleteUnusedGroups: false, mergeRedundantGroups: false });
    expect(problems({ securityGroupAudit: { usageAudit: false, deleteUnusedGroups: true } })).toEqual([
      expect.stringMatching(/^firewallManager\.securityGroupAudit\.deleteUnusedGroups: deleteUnusedGroups acts through the usage audit, which is off/),
    ]);
  });

  test('Shield Advanced needs an explicit acknowledgement of the subscription commitment', () => {
    // FMS subscribes every in-scope account (https://docs.aws.amazon.com/waf/latest/developerguide/fms-chapter.html).
    expect(problems({ shieldAdvanced: { enabled: true } })).toEqual([
      expect.stringMatching(/^firewallManager\.shieldAdvanced\.acknowledgeSubscriptionCommitment: .*one-year commitment of USD 3,000\/month.*set acknowledgeSubscriptionCommitment: true/),
    ]);
    expect(problems({ shieldAdvanced: { enabled: true, acknowledgeSubscriptionCommitment: true } })).toEqual([]);
    expect(problems({ shieldAdvanced: { enabled: false } })).toEqual([]);
  });

  test('WAF: the web ACL capacity of the configured groups is checked against the published WCU', () => {
    // Published WCU (AWS Managed Rules rule groups list): CommonRuleSet 700, KnownBadInputs 200, SQLi 200,
    // AmazonIpReputationList 25, Linux 200, Windows 200; org-guard's own groups 10 + 10.
    expect(problems({})).toEqual([]); // seed 002: 700 + 200 + 200 + 25 + 20 = 1145
    const six = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesLinuxRuleSet', 'AWSManagedRulesWindowsRuleSet'];
    expect(problems({ waf: { managedRuleGroups: six } })).toEqual([
      expect.stringMatching(/^firewallManager\.waf\.managedRuleGroups: the web ACL would need 1545 WCU .*more than wcuLimit 1500; .*raise firewallManager\.waf\.wcuLimit \(at most 5000/),
    ]);
    expect(problems({ waf: { managedRuleGroups: six, wcuLimit: 1600 } })).toEqual([]);
    expect(problems({ waf: { wcuLimit: 5001 } })).toEqual([expect.stringMatching(/wcuLimit: wcuLimit must be at most 5000/)]);
    expect(problems({ waf: { enabled: false, managedRuleGroups: six } })).toEqual([]);
  });

  test.each(['AWSManagedRulesBotControlRuleSet', 'AWSManagedRulesATPRuleSet', 'AWSManagedRulesACFPRuleSet'])(
    'WAF: %s needs managedRuleGroupConfigs, so it is refused', (group) => {
      expect(problems({ waf: { managedRuleGroups: ['AWSManagedRulesCommonRuleSet', group] } })).toEqual([
        expect.stringMatching(new RegExp(`^firewallManager\\.waf\\.managedRuleGroups\\[1\\]: ${group} is not supported: .*managedRuleGroupConfigs`)),
      ]);
    });

  test('WAF: a managed group without a known WCU is named with the allowed ones', () => {
    expect(problems({ waf: { managedRuleGroups: ['AWSManagedRulesMadeUpRuleSet'] } })).toEqual([
      expect.stringMatching(/managedRuleGroups\[0\]: unknown AWS managed rule group "AWSManagedRulesMadeUpRuleSet" .*allowed: AWSManagedRulesCommonRuleSet/),
    ]);
  });

  test('Network Firewall: subnet CIDRs are IPv4 /28; capacity fits the allow-list', () => {
    const p = problems({ networkFirewall: { enabled: true, firewallSubnetCidrs: ['10.0.0.0/24'], allowedDomains: ['.a.com', '.b.com'], allowListCapacity: 3 } });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/firewallSubnetCidrs\[0\]: .*must be an IPv4 \/28/),
        expect.stringMatching(/allowListCapacity: capacity 3 is too small for 2 allowed domains/),
      ]),
    );
  });

  test('admin ports are unique ports; unknown keys list the allowed ones', () => {
    expect(problems({ securityGroupAudit: { adminPorts: [22, 22] } })[0]).toMatch(/adminPorts\[1\]: port "22" is already listed/);
    expect(problems({ securityGroupAudit: { adminPorts: [70000] } })[0]).toMatch(/^firewallManager\.securityGroupAudit\.adminPorts\[0\]/);
    expect(problems({ wafv2: {} })[0]).toMatch(/unknown key "wafv2"; allowed keys: enabled, scope, waf/);
  });
});
