import { NETWORK_FIREWALL_THREAT_SIGNATURE_GROUPS } from '../../config/sections/firewall-manager';
import { FmsNetworkFirewallPolicy, threatSignatureGroupArn } from '../../modules/fms-network-firewall-policy';
import { FMS_REFERENCE_TAG } from '../../modules/fms-policy-base';
import { fmsPolicies, synthWith } from './fms-test-helpers';

/**
 * The strict-order AWS managed threat signature groups, copied from the table of
 * https://docs.aws.amazon.com/network-firewall/latest/developerguide/aws-managed-rule-groups-threat-signature.html
 * ("Each rule name in the table below is appended by either StrictOrder or ActionOrder").
 */
const AWS_STRICT_ORDER_THREAT_SIGNATURE_GROUPS = [
  'ThreatSignaturesBotnetStrictOrder', 'ThreatSignaturesBotnetWebStrictOrder', 'ThreatSignaturesBotnetWindowsStrictOrder',
  'ThreatSignaturesIOCStrictOrder', 'ThreatSignaturesDoSStrictOrder', 'ThreatSignaturesEmergingEventsStrictOrder',
  'ThreatSignaturesExploitsStrictOrder', 'ThreatSignaturesMalwareStrictOrder', 'ThreatSignaturesMalwareCoinminingStrictOrder',
  'ThreatSignaturesMalwareMobileStrictOrder', 'ThreatSignaturesMalwareWebStrictOrder', 'ThreatSignaturesFUPStrictOrder',
  'ThreatSignaturesPhishingStrictOrder', 'ThreatSignaturesScannersStrictOrder', 'ThreatSignaturesSuspectStrictOrder',
  'ThreatSignaturesWebAttacksStrictOrder',
];

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

  test('stateless traffic goes to the stateful engine; threat signatures (StrictOrder ARNs) come before the allow-list', () => {
    expect(data.type).toBe('NETWORK_FIREWALL');
    expect(data.networkFirewallStatelessDefaultActions).toEqual(['aws:forward_to_sfe']);
    expect(data.networkFirewallStatelessFragmentDefaultActions).toEqual(['aws:forward_to_sfe']);
    const refs = data.networkFirewallStatefulRuleGroupReferences;
    expect(refs).toEqual([
      { resourceARN: 'arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder', priority: 1 },
      { resourceARN: 'arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnetStrictOrder', priority: 2 },
      { resourceARN: expect.stringMatching(/aws_networkfirewall_rule_group\.nfw_egress-allow-list_[0-9A-F]+\.arn/), priority: 1000 },
    ]);
    expect(data.networkFirewallOrchestrationConfig).toMatchObject({ singleFirewallEndpointPerVPC: false, allowedIPV4CidrList: [] });
  });

  test('strict rule order with a drop (and alert) default for established flows, as in the FMS API examples', () => {
    // https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html
    // (NETWORK_FIREWALL: "networkFirewallStatefulEngineOptions":{"ruleOrder":"STRICT_ORDER"}).
    expect(data.networkFirewallStatefulEngineOptions).toEqual({ ruleOrder: 'STRICT_ORDER' });
    expect(data.networkFirewallStatefulDefaultActions).toEqual(['aws:drop_established', 'aws:alert_established']);
  });

  test('every configurable threat signature category maps to a strict-order group AWS publishes', () => {
    expect(NETWORK_FIREWALL_THREAT_SIGNATURE_GROUPS.map((c) => threatSignatureGroupArn('eu-west-1', c).split('/')[1]).sort())
      .toEqual([...AWS_STRICT_ORDER_THREAT_SIGNATURE_GROUPS].sort());
  });

  test('the allow-list group uses strict order too, and a replacement creates the new group before deleting the old', () => {
    const [group] = Object.values(json.resource!.aws_networkfirewall_rule_group) as any[];
    // A strict-order policy only takes strict-order groups; rule order and capacity are ForceNew.
    expect(group.rule_group.stateful_rule_options).toEqual({ rule_order: 'STRICT_ORDER' });
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
    expect(group.name).toBe('org-guard-egress-allow-list-strict-c100');
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
