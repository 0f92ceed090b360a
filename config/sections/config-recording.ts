import type { z } from 'zod';
import type { OrgConfig } from '../schema';
import { fail } from '../zod-helpers';

/**
 * Resource types AWS Config must record, continuously, for each Firewall Manager policy type
 * (AWS WAF developer guide, "Enabling AWS Config for using Firewall Manager": "AWS Config must
 * continuously record configuration changes for protected resources ... the recording frequency must
 * be set to Continuous"): https://docs.aws.amazon.com/waf/latest/developerguide/enable-config.html
 */
export const FMS_CONFIG_RESOURCE_TYPES = {
  waf: [
    'AWS::CloudFront::Distribution', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::Stage',
    'AWS::WAF::WebACL', 'AWS::WAFRegional::WebACL', 'AWS::WAFv2::WebACL',
  ],
  shieldAdvanced: [
    'AWS::Shield::Protection', 'AWS::ShieldRegional::Protection', 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    // org-guard's Shield policy also covers Classic Load Balancers.
    'AWS::ElasticLoadBalancing::LoadBalancer',
    'AWS::EC2::EIP', 'AWS::WAF::WebACL', 'AWS::WAFRegional::WebACL', 'AWS::WAFv2::WebACL',
  ],
  securityGroupAudit: ['AWS::EC2::SecurityGroup', 'AWS::EC2::Instance', 'AWS::EC2::NetworkInterface'],
  networkAcl: ['AWS::EC2::Subnet', 'AWS::EC2::NetworkAcl'],
  networkFirewall: [
    'AWS::NetworkFirewall::FirewallPolicy', 'AWS::NetworkFirewall::RuleGroup', 'AWS::EC2::VPC',
    'AWS::EC2::InternetGateway', 'AWS::EC2::RouteTable', 'AWS::EC2::Subnet',
  ],
  dnsFirewall: ['AWS::EC2::VPC', 'AWS::Route53Resolver::ResolverRuleAssociation'],
} as const;

/** Global IAM types: recorded once, in the home region (Config records them where the recorder runs). */
export const GLOBAL_IAM_RESOURCE_TYPES = ['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy'] as const;

/**
 * Types AWS Config cannot record daily (Config API RecordingMode.recordingFrequency and
 * RecordingModeOverride.resourceTypes: "Daily recording cannot be specified for the following resource
 * types"): https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingMode.html,
 * https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingModeOverride.html. Config itself keeps
 * them continuous only under the allSupported strategy, so with an exclusion list and DAILY they are
 * overridden to CONTINUOUS explicitly.
 */
export const CONFIG_CONTINUOUS_ONLY_TYPES = [
  'AWS::Config::ResourceCompliance', 'AWS::Config::ConformancePackCompliance', 'AWS::Config::ConfigurationRecorder',
] as const;

/** Types the enabled Firewall Manager policies need recorded continuously, with the policy needing each. */
export function fmsRequiredResourceTypes(cfg: OrgConfig): Map<string, string> {
  const fm = cfg.firewallManager;
  const needs = new Map<string, string>();
  if (!fm.enabled) return needs;
  const add = (policy: keyof typeof FMS_CONFIG_RESOURCE_TYPES, label: string, on: boolean) => {
    if (!on) return;
    for (const t of FMS_CONFIG_RESOURCE_TYPES[policy]) if (!needs.has(t)) needs.set(t, label);
  };
  add('waf', 'firewallManager.waf', fm.waf.enabled);
  add('shieldAdvanced', 'firewallManager.shieldAdvanced', fm.shieldAdvanced.enabled);
  add('securityGroupAudit', 'firewallManager.securityGroupAudit',
    fm.securityGroupAudit.contentAudit || fm.securityGroupAudit.usageAudit);
  add('networkFirewall', 'firewallManager.networkFirewall', fm.networkFirewall.enabled);
  add('dnsFirewall', 'firewallManager.dnsFirewall', fm.dnsFirewall.enabled);
  return needs;
}

/** Types the recorder keeps continuous under recordingFrequency DAILY: what FMS needs plus the configured ones. */
export function continuousOverrideTypes(cfg: OrgConfig): string[] {
  const r = cfg.firewallManager.configRecording;
  // Under allSupported Config keeps these continuous itself; under the exclusion strategy the DAILY default would apply to them.
  const continuousOnly = r.excludedResourceTypes.length > 0
    ? CONFIG_CONTINUOUS_ONLY_TYPES.filter((t) => !r.excludedResourceTypes.includes(t))
    : [];
  return [...new Set([...fmsRequiredResourceTypes(cfg).keys(), ...r.continuousResourceTypes, ...continuousOnly])].sort();
}

export function checkConfigRecording(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const r = cfg.firewallManager.configRecording;
  const base = ['firewallManager', 'configRecording'];
  const needs = fmsRequiredResourceTypes(cfg);
  const lists = [['dailyResourceTypes', 'record it daily'], ['excludedResourceTypes', 'exclude it']] as const;
  for (const [key, what] of lists) {
    const seen = new Map<string, number>();
    r[key].forEach((t, i) => {
      const policy = needs.get(t);
      if (policy) {
        fail(ctx, [...base, key, i],
          `${t} must be recorded continuously for ${policy} (Firewall Manager evaluates compliance from continuous AWS Config recording); do not ${what}, or turn that policy off`);
      }
      if (key === 'dailyResourceTypes' && (CONFIG_CONTINUOUS_ONLY_TYPES as readonly string[]).includes(t)) {
        fail(ctx, [...base, key, i],
          `${t} cannot be recorded daily (AWS Config refuses daily recording of ${CONFIG_CONTINUOUS_ONLY_TYPES.join(', ')}); remove it, or exclude it with excludedResourceTypes`);
      }
      const first = seen.get(t);
      if (first !== undefined) fail(ctx, [...base, key, i], `${t} is already listed at index ${first}; list each type once`);
      else seen.set(t, i);
    });
  }
  if (r.dailyResourceTypes.length > 0 && r.recordingFrequency === 'DAILY') {
    fail(ctx, [...base, 'dailyResourceTypes'],
      'recordingFrequency is already DAILY: every type is recorded daily; list exceptions in continuousResourceTypes instead');
  }
  if (r.continuousResourceTypes.length > 0 && r.recordingFrequency === 'CONTINUOUS') {
    fail(ctx, [...base, 'continuousResourceTypes'],
      'recordingFrequency is CONTINUOUS: every type is already continuous; list daily exceptions in dailyResourceTypes instead');
  }
  const excluded = new Set(r.excludedResourceTypes);
  [...r.dailyResourceTypes, ...r.continuousResourceTypes].forEach((t) => {
    if (excluded.has(t)) {
      const key = r.dailyResourceTypes.includes(t) ? 'dailyResourceTypes' : 'continuousResourceTypes';
      fail(ctx, [...base, key, r[key].indexOf(t)], `${t} is also in excludedResourceTypes: a type is either recorded (at some frequency) or excluded`);
    }
  });
  r.excludedResourceTypes.forEach((t, i) => {
    if ((GLOBAL_IAM_RESOURCE_TYPES as readonly string[]).includes(t)) {
      fail(ctx, [...base, 'excludedResourceTypes', i],
        `${t} is a global IAM type, recorded once in the home region; excluding it loses IAM history (CIS and Security Hub IAM controls rely on it)`);
    }
  });
}
