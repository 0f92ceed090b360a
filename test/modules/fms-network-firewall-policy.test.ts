import { FmsNetworkFirewallPolicy } from '../../modules/fms-network-firewall-policy';
import { FMS_REFERENCE_TAG } from '../../modules/fms-policy-base';
import { fmsPolicies, synthWith } from './fms-test-helpers';

describe('FmsNetworkFirewallPolicy', () => {
  const json = synthWith((s) =>
    new FmsNetworkFirewallPolicy(s, 'nfw', {
      policyName: 'org-guard-network-firewall-eu-west-1',
      region: 'eu-west-1',
      allowedDomains: ['.amazonaws.com', 'github.com'],
      allowListCapacity: 100,
      threatSignatureGroups: ['ThreatSignaturesMalware', 'ThreatSignaturesBotnet'],
      logBucket: { bucketName: 'org-guard-firewall-logs-333333333333-us-east-1', prefix: 'network-firewall' },
    }),
  );
  const [{ body, data }] = fmsPolicies(json);

  test('stateless traffic goes to the stateful engine; stateful groups are the allow-list then the managed signatures', () => {
    expect(data.type).toBe('NETWORK_FIREWALL');
    expect(data.networkFirewallStatelessDefaultActions).toEqual(['aws:forward_to_sfe']);
    expect(data.networkFirewallStatelessFragmentDefaultActions).toEqual(['aws:forward_to_sfe']);
    expect(data.networkFirewallStatefulRuleGroupReferences.map((r: any) => r.resourceARN)).toEqual([
      expect.stringMatching(/aws_networkfirewall_rule_group\.nfw_egress-allow-list_[0-9A-F]+\.arn/),
      'arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalware',
      'arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnet',
    ]);
    expect(data.networkFirewallOrchestrationConfig).toMatchObject({ singleFirewallEndpointPerVPC: false, allowedIPV4CidrList: [] });
  });

  test('ALERT and FLOW logs go to the log archive bucket', () => {
    expect(data.networkFirewallLoggingConfiguration.logDestinationConfigs).toEqual(
      ['ALERT', 'FLOW'].map((logType) => ({
        logDestinationType: 'S3',
        logType,
        logDestination: { bucketName: 'org-guard-firewall-logs-333333333333-us-east-1', prefix: 'network-firewall' },
      })),
    );
  });

  test('the allow-list is a stateful ALLOWLIST on HTTP Host and TLS SNI', () => {
    const [group] = Object.values(json.resource!.aws_networkfirewall_rule_group) as any[];
    expect(group).toMatchObject({ type: 'STATEFUL', capacity: 100, region: 'eu-west-1' });
    expect(group.rule_group.rules_source.rules_source_list).toEqual({
      generated_rules_type: 'ALLOWLIST',
      target_types: ['HTTP_HOST', 'TLS_SNI'],
      targets: ['.amazonaws.com', 'github.com'],
    });
  });

  test('VPCs of every account, except org-guard\'s reference VPC (it must not get paid firewall endpoints)', () => {
    expect(body.resource_type).toBe('AWS::EC2::VPC');
    expect(body.exclude_resource_tags).toBe(true);
    expect(body.resource_tags).toEqual({ [FMS_REFERENCE_TAG.key]: FMS_REFERENCE_TAG.value });
  });
});
