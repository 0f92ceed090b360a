import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { completeRegions, fail, strictObject, validRegions, type ValidAt } from '../zod-helpers';
import { checkConfigRecording } from './config-recording';
import { AWS_MANAGED_DOMAIN_LISTS, AWS_MANAGED_DOMAIN_LIST_IDS } from '../../modules/dns-firewall-managed-lists';

/** Seed 002's recommended set, in evaluation order after the allow-list and rate-based groups. */
export const DEFAULT_WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * Published WCU of the AWS Managed Rules groups org-guard can run, from the AWS WAF "AWS Managed Rules rule
 * groups list": https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html,
 * .../aws-managed-rule-groups-use-case.html, .../aws-managed-rule-groups-ip-rep.html.
 */
export const WAF_MANAGED_RULE_GROUP_WCU: Record<string, number> = {
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesAdminProtectionRuleSet: 100,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesLinuxRuleSet: 200,
  AWSManagedRulesUnixRuleSet: 100,
  AWSManagedRulesWindowsRuleSet: 200,
  AWSManagedRulesPHPRuleSet: 100,
  AWSManagedRulesWordPressRuleSet: 100,
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
};

/**
 * Intelligent threat mitigation groups: they need managedRuleGroupConfigs (Bot Control inspection level, ATP
 * and ACFP login/registration paths and fields) and bill per request, so org-guard does not run them.
 * https://docs.aws.amazon.com/waf/latest/APIReference/API_ManagedRuleGroupStatement.html (ManagedRuleGroupConfigs)
 */
export const WAF_GROUPS_NEEDING_CONFIG: Record<string, string> = {
  AWSManagedRulesBotControlRuleSet: 'Bot Control needs an inspection level (managedRuleGroupConfigs) and is billed per request',
  AWSManagedRulesATPRuleSet: 'account takeover prevention needs the login path and username/password fields (managedRuleGroupConfigs) and is billed per request',
  AWSManagedRulesACFPRuleSet: 'account creation fraud prevention needs the registration and creation paths and fields (managedRuleGroupConfigs) and is billed per request',
  AWSManagedRulesAntiDDoSRuleSet: 'the anti-DDoS group needs its client-side action configuration (managedRuleGroupConfigs)',
};

/** WCU of org-guard's own groups in every web ACL: allow-list and rate limit (capacity 10 each, modules/fms-waf-policy.ts). */
export const WAF_CUSTOM_GROUPS_WCU = 20;
/**
 * A web ACL may use up to 5,000 WCU; above 1,500 every further 500 WCU is billed per million requests.
 * https://aws.amazon.com/about-aws/whats-new/2023/04/aws-waf-web-acl-capacity-units-limits/
 */
export const WAF_WEB_ACL_MAX_WCU = 5000;
export const WAF_WEB_ACL_BASE_PRICE_WCU = 1500;

export const WAF_REGIONAL_RESOURCE_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::Stage'] as const;
export const SHIELD_REGIONAL_RESOURCE_TYPES = [
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::EC2::EIP',
] as const;

/**
 * Categories of the AWS managed Network Firewall threat signature groups. AWS publishes each as
 * `<category>StrictOrder` and `<category>ActionOrder`; org-guard's policies use strict order, so the
 * module appends `StrictOrder`.
 * https://docs.aws.amazon.com/network-firewall/latest/developerguide/aws-managed-rule-groups-threat-signature.html
 */
export const NETWORK_FIREWALL_THREAT_SIGNATURE_GROUPS = [
  'ThreatSignaturesBotnet', 'ThreatSignaturesBotnetWeb', 'ThreatSignaturesBotnetWindows', 'ThreatSignaturesDoS',
  'ThreatSignaturesEmergingEvents', 'ThreatSignaturesExploits', 'ThreatSignaturesFUP', 'ThreatSignaturesIOC',
  'ThreatSignaturesMalware', 'ThreatSignaturesMalwareCoinmining', 'ThreatSignaturesMalwareMobile',
  'ThreatSignaturesMalwareWeb', 'ThreatSignaturesPhishing', 'ThreatSignaturesScanners', 'ThreatSignaturesSuspect',
  'ThreatSignaturesWebAttacks',
] as const;

/** WAFv2 RateBasedStatement.Limit (requests per 5-minute window per IP), AWS API range. */
export const WAF_RATE_LIMIT_MIN = 10;
export const WAF_RATE_LIMIT_MAX = 2_000_000_000;
/** FMS DNS Firewall policy priorities: before (1-99) and after (9901-10000) the accounts' own rule groups. */
export const DNS_PRE_PRIORITY = [1, 99] as const;
export const DNS_POST_PRIORITY = [9901, 10000] as const;

const tagKey = z.string().regex(/^[\w .:/=+\-@]{1,128}$/, { error: (i) => `not a valid tag key: "${String(i.input)}"` });

const scope = strictObject({
  includeAccounts: z.array(z.string()).default([]).describe('Only these accounts (member name, core role name management/security/log-archive, or 12-digit id).'),
  excludeAccounts: z.array(z.string()).default([]).describe('Every account but these (name or id).'),
  includeOUs: z.array(z.string()).default([]).describe('Only accounts in these OUs (names from organization.organizationalUnits).'),
  excludeOUs: z.array(z.string()).default([]).describe('Every account but those in these OUs.'),
  resourceTags: z.record(tagKey, z.string().max(256)).default({}).describe('Resource tags that put resources in scope (all must match), or out of scope with excludeResourceTags (any matches).'),
  excludeResourceTags: z.boolean().default(false).describe('true: resourceTags exclude resources instead of including them.'),
});
export type FmsScopeConfig = z.infer<typeof scope>;

const optionalScope = scope.optional().describe('Scope of this policy type; default firewallManager.scope.');

const waf = strictObject({
  enabled: z.boolean().default(true),
  regionalResourceTypes: z
    .array(z.enum(WAF_REGIONAL_RESOURCE_TYPES))
    .default([...WAF_REGIONAL_RESOURCE_TYPES])
    .describe('Regional resources protected in every governed region (CloudFront has its own switch).'),
  cloudFront: z.boolean().default(true).describe('One global (us-east-1) policy for CloudFront distributions.'),
  allowListCidrs: z
    .array(z.string())
    .default([])
    .describe('IPv4/IPv6 CIDRs allowed before any other rule (false positives). Evaluated first.'),
  rateLimit: z
    .number()
    .int()
    .min(WAF_RATE_LIMIT_MIN, { error: `rate limit must be at least ${WAF_RATE_LIMIT_MIN} requests per 5 minutes (AWS WAF minimum)` })
    .max(WAF_RATE_LIMIT_MAX, { error: `rate limit must be at most ${WAF_RATE_LIMIT_MAX} requests per 5 minutes (AWS WAF maximum)` })
    .default(2000)
    .describe('Requests per 5 minutes from one IP before it is blocked (AWS range 10-2,000,000,000).'),
  managedRuleGroups: z
    .array(z.string().regex(/^AWSManagedRules[A-Za-z0-9]+$/, { error: (i) => `not an AWS managed rule group name: "${String(i.input)}" (e.g. AWSManagedRulesCommonRuleSet)` }))
    .default([...DEFAULT_WAF_MANAGED_RULE_GROUPS])
    .describe('AWS managed rule groups, in evaluation order.'),
  countRules: z
    .record(z.string(), z.array(z.string().regex(/^[0-9A-Za-z_-]{1,128}$/, { error: (i) => `not a WAF rule name: "${String(i.input)}"` })))
    .default({})
    .describe('Per managed rule group, rules whose action is overridden to COUNT (tuning false positives).'),
  wcuLimit: z
    .number()
    .int()
    .min(1)
    .max(WAF_WEB_ACL_MAX_WCU, { error: `wcuLimit must be at most ${WAF_WEB_ACL_MAX_WCU} (the AWS WAF web ACL maximum)` })
    .default(WAF_WEB_ACL_BASE_PRICE_WCU)
    .describe(`Most WCU org-guard's rule groups may use in each web ACL (its own groups: ${WAF_CUSTOM_GROUPS_WCU}, plus the managed groups). Default ${WAF_WEB_ACL_BASE_PRICE_WCU}, the base price; up to ${WAF_WEB_ACL_MAX_WCU} costs extra per 500 WCU. Leave room for the accounts' own rules.`),
  logging: z.boolean().default(true).describe('WAF logs to the log archive through a Firehose stream aws-waf-logs-* per region.'),
  overrideCustomerWebACLAssociation: z.boolean().default(false).describe('Replace web ACLs the accounts associated themselves.'),
  remediation: z.boolean().default(true).describe('Create and associate the web ACLs (false: report only).'),
  scope: optionalScope,
});

const domainName = z.string().regex(/^(\*|(\*\.)?([A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+\.?)$/, {
  error: (i) => `not a DNS Firewall domain: "${String(i.input)}" (e.g. example.com or *.example.com)`,
});

const dnsFirewall = strictObject({
  enabled: z.boolean().default(true),
  managedDomainLists: z
    .array(z.enum(AWS_MANAGED_DOMAIN_LISTS))
    .default(['AWSManagedDomainsAggregateThreatList', 'AWSManagedDomainsMalwareDomainList', 'AWSManagedDomainsBotnetCommandandControl'])
    .describe('AWS managed domain lists blocked in every VPC.'),
  managedDomainListIds: z
    .record(z.string(), z.partialRecord(z.enum(AWS_MANAGED_DOMAIN_LISTS), z.string().regex(/^rslvr-fdl-[0-9a-f]{8,32}$/, { error: (i) => `not a domain list id: "${String(i.input)}" (rslvr-fdl-...)` })))
    .default({})
    .describe('Per region, ids of the AWS managed domain lists (aws route53resolver list-firewall-domain-lists). Built in for the default-enabled regions.'),
  blockedDomains: z
    .array(domainName)
    .default(['*.zip', '*.mov', '*.su', '*.cm'])
    .describe('Custom block list (seed 004: risky TLDs, e.g. .zip/.mov phishing lures, .su, .cm typosquats of .com).'),
  blockResponse: z.enum(['NXDOMAIN', 'NODATA', 'OVERRIDE']).default('NXDOMAIN'),
  overrideDomain: z.string().optional().describe('CNAME target answered for blocked queries; required with blockResponse OVERRIDE.'),
  overrideTtl: z.number().int().min(0).max(604800).default(300),
  priority: z.number().int().default(1).describe('FMS priority of the block rule group (pre-process: 1-99).'),
  allowListOnly: strictObject({
    enabled: z.boolean().default(false).describe('Egress by explicit allow, implicit deny: every other domain is blocked.'),
    allowedDomains: z
      .array(domainName)
      .default(['amazonaws.com', '*.amazonaws.com', '*.internal'])
      .describe('Domains still resolved in allow-list-only mode (keep AWS endpoints and VPC-internal names).'),
    priority: z.number().int().default(10000).describe('FMS priority of the allow-list rule group (post-process: 9901-10000), after the accounts\' own allow rules.'),
  }).prefault({}),
  remediation: z.boolean().default(true).describe('Associate the rule groups with the VPCs (false: report only).'),
  scope: optionalScope,
});

const networkFirewall = strictObject({
  enabled: z.boolean().default(false).describe('Opt-in: Network Firewall is billed per endpoint-hour and per GB in every in-scope VPC.'),
  allowedDomains: z
    .array(z.string().regex(/^\.?([A-Za-z0-9-]+\.)+[A-Za-z0-9-]+$/, { error: (i) => `not a Network Firewall domain target: "${String(i.input)}" (e.g. .example.com for all subdomains, or www.example.com)` }))
    .default(['.amazonaws.com'])
    .describe('Stateful domain allow-list for HTTP Host / TLS SNI egress; other HTTP/TLS destinations are dropped.'),
  allowListCapacity: z.number().int().min(1).max(30000).default(1000).describe('Capacity of the allow-list rule group (fixed at creation; changing it replaces the group, new one first). The policy\'s stateful rules (this plus the managed groups\' capacities) must stay within 30,000.'),
  threatSignatureGroups: z
    .array(z.enum(NETWORK_FIREWALL_THREAT_SIGNATURE_GROUPS))
    .default(['ThreatSignaturesMalware', 'ThreatSignaturesBotnet', 'ThreatSignaturesExploits', 'ThreatSignaturesEmergingEvents'])
    .describe('AWS managed threat signature rule groups by category; the policy uses their StrictOrder variants (e.g. ThreatSignaturesMalwareStrictOrder), evaluated before the allow-list.'),
  singleEndpointPerVpc: z.boolean().default(false),
  firewallSubnetCidrs: z.array(z.string()).default([]).describe('IPv4 /28 CIDRs FMS may use for firewall subnets; empty: FMS chooses.'),
  logging: z.boolean().default(true).describe('ALERT and FLOW logs to the log archive firewall bucket.'),
  remediation: z.boolean().default(true),
  scope: optionalScope,
});

const securityGroupAudit = strictObject({
  contentAudit: z.boolean().default(true).describe('Flag security groups open to 0.0.0.0/0 or ::/0 on the admin ports.'),
  adminPorts: z
    .array(z.number().int().min(0).max(65535))
    .default([22, 3389])
    .describe('TCP ports that must not be reachable from the whole internet (SSH, RDP, plus your own).'),
  usageAudit: z.boolean().default(true).describe('Flag unused and redundant security groups.'),
  unusedDelayMinutes: z.number().int().min(0).max(525600).default(60).describe('Minutes a group must stay unused before it counts as unused.'),
  remediation: z.boolean().default(false).describe('Content audit only. Off: report only. On: FMS removes the offending rules from in-scope security groups. Never deletes groups.'),
  deleteUnusedGroups: z.boolean().default(false).describe('Usage audit: let Firewall Manager delete security groups that no instance or network interface uses (after unusedDelayMinutes), in every in-scope account. Off: reported only.'),
  mergeRedundantGroups: z.boolean().default(false).describe('Usage audit: let Firewall Manager merge security groups with identical rules in one VPC into one. Off: reported only.'),
  scope: optionalScope,
});

const shieldAdvanced = strictObject({
  enabled: z.boolean().default(false).describe('Opt-in: Firewall Manager subscribes every in-scope account to Shield Advanced (USD 3,000/month per organization, one-year commitment, plus data transfer). Needs acknowledgeSubscriptionCommitment.'),
  acknowledgeSubscriptionCommitment: z
    .boolean()
    .default(false)
    .describe('Must be true to enable Shield Advanced: the policies subscribe every account in scope for one year (USD 3,000/month per organization on consolidated billing, plus data transfer); accounts that leave the scope stay subscribed.'),
  regionalResourceTypes: z.array(z.enum(SHIELD_REGIONAL_RESOURCE_TYPES)).default([...SHIELD_REGIONAL_RESOURCE_TYPES]),
  cloudFront: z.boolean().default(true),
  automaticResponse: z.enum(['IGNORED', 'COUNT', 'BLOCK']).default('IGNORED').describe('Application-layer automatic mitigation for CloudFront.'),
  remediation: z.boolean().default(true),
  scope: optionalScope,
});

const configResourceType = z.string().regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, {
  error: (i) => `not an AWS Config resource type: "${String(i.input)}" (e.g. AWS::EC2::Volume)`,
});

const configRecording = strictObject({
  enabled: z.boolean().default(true).describe('AWS Config recorder + delivery channel in every account and governed region (Firewall Manager requires it).'),
  createServiceLinkedRole: z
    .boolean()
    .default(true)
    .describe('Create AWSServiceRoleForConfig in each account; set false (or import it) where it already exists.'),
  deliveryFrequency: z.enum(['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours']).default('TwentyFour_Hours'),
  recordingFrequency: z
    .enum(['CONTINUOUS', 'DAILY'])
    .default('CONTINUOUS')
    .describe('Default recording frequency. DAILY records at most one configuration item per resource per day (cheaper); the resource types Firewall Manager needs stay CONTINUOUS.'),
  dailyResourceTypes: z
    .array(configResourceType)
    .default([])
    .describe('With recordingFrequency CONTINUOUS: high-churn types recorded daily instead (e.g. AWS::EC2::Volume).'),
  continuousResourceTypes: z
    .array(configResourceType)
    .default([])
    .describe('With recordingFrequency DAILY: more types kept continuous, on top of the ones Firewall Manager needs.'),
  excludedResourceTypes: z
    .array(configResourceType)
    .default([])
    .describe('Types not recorded at all (recording strategy EXCLUSION_BY_RESOURCE_TYPES); types added to Config later are still recorded.'),
});

export const firewallManagerSchema = strictObject({
  enabled: z.boolean().default(true).describe('Firewall Manager policies in the security account.'),
  scope: scope.prefault({}).describe('Default scope of every policy: all accounts of the organization.'),
  waf: waf.prefault({}),
  dnsFirewall: dnsFirewall.prefault({}),
  networkFirewall: networkFirewall.prefault({}),
  securityGroupAudit: securityGroupAudit.prefault({}),
  shieldAdvanced: shieldAdvanced.prefault({}),
  configRecording: configRecording.prefault({}),
}).prefault({});

export type FirewallManagerConfig = z.infer<typeof firewallManagerSchema>;

const CORE_ROLE_NAMES: Record<string, (cfg: OrgConfig) => string> = {
  management: (cfg) => cfg.accounts.management.id,
  security: (cfg) => cfg.accounts.security.id,
  'log-archive': (cfg) => cfg.accounts.logArchive.id,
};

/** Account id for a name (member name or core role) or id; undefined when unknown. */
export function resolveAccount(cfg: OrgConfig, ref: string): string | undefined {
  if (CORE_ROLE_NAMES[ref]) return CORE_ROLE_NAMES[ref](cfg);
  const member = cfg.accounts.members.find((m) => m.name === ref);
  if (member) return member.id;
  const ids = [cfg.accounts.management.id, cfg.accounts.security.id, cfg.accounts.logArchive.id, ...cfg.accounts.members.map((m) => m.id)];
  return ids.includes(ref) ? ref : undefined;
}

/** The scope a policy type uses: its own or the section default. */
export function effectiveScope(fm: FirewallManagerConfig, type: 'waf' | 'dnsFirewall' | 'networkFirewall' | 'securityGroupAudit' | 'shieldAdvanced'): FmsScopeConfig {
  return fm[type].scope ?? fm.scope;
}

export function checkFirewallManager(cfg: OrgConfig, ctx: z.RefinementCtx, valid: ValidAt): void {
  const fm = cfg.firewallManager;
  const base = ['firewallManager'];
  checkScope(cfg, fm.scope, [...base, 'scope'], ctx);
  for (const type of ['waf', 'dnsFirewall', 'networkFirewall', 'securityGroupAudit', 'shieldAdvanced'] as const) {
    const s = fm[type].scope;
    if (s) checkScope(cfg, s, [...base, type, 'scope'], ctx);
  }
  checkWaf(fm.waf, [...base, 'waf'], ctx);
  checkDns(cfg, valid, fm.dnsFirewall, [...base, 'dnsFirewall'], ctx, fm.enabled);
  checkNetworkFirewall(fm.networkFirewall, [...base, 'networkFirewall'], ctx);
  checkSecurityGroups(fm.securityGroupAudit, [...base, 'securityGroupAudit'], ctx);
  checkShield(fm.shieldAdvanced, [...base, 'shieldAdvanced'], ctx, fm.enabled);
  checkConfigRecording(cfg, ctx);
}

function checkScope(cfg: OrgConfig, s: FmsScopeConfig, path: string[], ctx: z.RefinementCtx): void {
  const includes = s.includeAccounts.length + s.includeOUs.length;
  const excludes = s.excludeAccounts.length + s.excludeOUs.length;
  if (includes > 0 && excludes > 0) {
    fail(ctx, path, 'Firewall Manager takes either an include list or an exclude list, not both; use includeAccounts/includeOUs or excludeAccounts/excludeOUs');
  }
  const accountNames = ['management', 'security', 'log-archive', ...cfg.accounts.members.map((m) => m.name)];
  for (const key of ['includeAccounts', 'excludeAccounts'] as const) {
    s[key].forEach((ref, i) => {
      if (resolveAccount(cfg, ref) === undefined) {
        fail(ctx, [...path, key, i], `account "${ref}" is not in this config; use a member name, a core role (management, security, log-archive) or the id of one of them; known names: ${accountNames.join(', ')}`);
      }
    });
    uniqueIn(ctx, s[key], [...path, key], 'account');
  }
  const ous = cfg.organization.organizationalUnits.map((u) => u.name);
  for (const key of ['includeOUs', 'excludeOUs'] as const) {
    s[key].forEach((name, i) => {
      if (!ous.includes(name)) {
        fail(ctx, [...path, key, i], `OU "${name}" is not defined; allowed: ${ous.join(', ') || '(none: add it to organization.organizationalUnits)'}`);
      }
    });
    uniqueIn(ctx, s[key], [...path, key], 'OU');
  }
  if (s.excludeResourceTags && Object.keys(s.resourceTags).length === 0) {
    fail(ctx, [...path, 'excludeResourceTags'], 'excludeResourceTags is true but resourceTags is empty; list the tags that exclude resources, or set it to false');
  }
}

function checkWaf(w: FirewallManagerConfig['waf'], path: string[], ctx: z.RefinementCtx): void {
  w.allowListCidrs.forEach((c, i) => {
    const problem = cidrProblem(c);
    if (problem) fail(ctx, [...path, 'allowListCidrs', i], problem);
  });
  uniqueIn(ctx, w.allowListCidrs, [...path, 'allowListCidrs'], 'CIDR');
  uniqueIn(ctx, w.managedRuleGroups, [...path, 'managedRuleGroups'], 'managed rule group');
  w.managedRuleGroups.forEach((g, i) => {
    if (WAF_GROUPS_NEEDING_CONFIG[g]) {
      fail(ctx, [...path, 'managedRuleGroups', i], `${g} is not supported: ${WAF_GROUPS_NEEDING_CONFIG[g]}, which org-guard's Firewall Manager policy does not set; remove it`);
    } else if (WAF_MANAGED_RULE_GROUP_WCU[g] === undefined) {
      fail(ctx, [...path, 'managedRuleGroups', i], `unknown AWS managed rule group "${g}" (its WCU is not known, so the web ACL capacity cannot be checked); allowed: ${Object.keys(WAF_MANAGED_RULE_GROUP_WCU).join(', ')}`);
    }
  });
  const wcu = WAF_CUSTOM_GROUPS_WCU + w.managedRuleGroups.reduce((sum, g) => sum + (WAF_MANAGED_RULE_GROUP_WCU[g] ?? 0), 0);
  if (w.enabled && wcu > w.wcuLimit) {
    fail(ctx, [...path, 'managedRuleGroups'],
      `the web ACL would need ${wcu} WCU (${w.managedRuleGroups.map((g) => `${g} ${WAF_MANAGED_RULE_GROUP_WCU[g] ?? '?'}`).join(', ')}, org-guard's allow-list and rate limit ${WAF_CUSTOM_GROUPS_WCU}), more than wcuLimit ${w.wcuLimit}; remove groups or raise firewallManager.waf.wcuLimit (at most ${WAF_WEB_ACL_MAX_WCU}; above ${WAF_WEB_ACL_BASE_PRICE_WCU} WCU AWS WAF charges extra)`);
  }
  uniqueIn(ctx, w.regionalResourceTypes, [...path, 'regionalResourceTypes'], 'resource type');
  if (w.enabled && w.regionalResourceTypes.length === 0 && !w.cloudFront) {
    fail(ctx, [...path, 'regionalResourceTypes'], 'WAF is enabled but protects nothing: list regional resource types or set cloudFront: true (or set enabled: false)');
  }
  for (const [group, rules] of Object.entries(w.countRules)) {
    if (!w.managedRuleGroups.includes(group)) {
      fail(ctx, [...path, 'countRules', group], `rule group "${group}" is not in managedRuleGroups; allowed: ${w.managedRuleGroups.join(', ')}`);
    }
    uniqueIn(ctx, rules, [...path, 'countRules', group], 'rule');
  }
}

function checkDns(cfg: OrgConfig, valid: ValidAt, d: FirewallManagerConfig['dnsFirewall'], path: string[], ctx: z.RefinementCtx, fmsEnabled: boolean): void {
  inRange(ctx, d.priority, DNS_PRE_PRIORITY, [...path, 'priority'], 'pre-process (before the accounts\' own rule groups)');
  inRange(ctx, d.allowListOnly.priority, DNS_POST_PRIORITY, [...path, 'allowListOnly', 'priority'], 'post-process (after the accounts\' own rule groups)');
  if (d.blockResponse === 'OVERRIDE' && !d.overrideDomain) {
    fail(ctx, [...path, 'overrideDomain'], 'blockResponse OVERRIDE needs overrideDomain: the domain blocked queries are answered with');
  }
  if (d.blockResponse !== 'OVERRIDE' && d.overrideDomain) {
    fail(ctx, [...path, 'overrideDomain'], `overrideDomain is only used with blockResponse OVERRIDE (blockResponse is ${d.blockResponse}); remove it or set blockResponse: OVERRIDE`);
  }
  uniqueIn(ctx, d.managedDomainLists, [...path, 'managedDomainLists'], 'domain list');
  uniqueIn(ctx, d.blockedDomains, [...path, 'blockedDomains'], 'domain');
  uniqueIn(ctx, d.allowListOnly.allowedDomains, [...path, 'allowListOnly', 'allowedDomains'], 'domain');
  if (d.allowListOnly.enabled && d.allowListOnly.allowedDomains.length === 0) {
    fail(ctx, [...path, 'allowListOnly', 'allowedDomains'], 'allow-list-only mode with no allowed domain would break every lookup, AWS endpoints included; list at least amazonaws.com and *.amazonaws.com');
  }
  // Only regions that passed their own schema: a malformed entry gets no invented advice of its own.
  const governed = completeRegions(cfg.organization.regions, valid, 'organization', 'regions');
  for (const region of governed ? Object.keys(d.managedDomainListIds) : []) {
    if (!governed!.includes(region)) {
      fail(ctx, [...path, 'managedDomainListIds', region], `"${region}" is not a governed region; allowed: ${governed!.join(', ')}`);
    }
  }
  if (!fmsEnabled || !d.enabled) return;
  for (const region of validRegions(cfg.organization.regions, valid, 'organization', 'regions') ?? []) {
    const missing = d.managedDomainLists.filter((l) => !d.managedDomainListIds[region]?.[l] && !AWS_MANAGED_DOMAIN_LIST_IDS[region]?.[l]);
    if (missing.length > 0) {
      fail(ctx, [...path, 'managedDomainListIds'],
        `no built-in id of ${missing.join(', ')} in ${region}; add them under managedDomainListIds.${region} (ids from: aws route53resolver list-firewall-domain-lists --region ${region})`);
    }
  }
}

function checkNetworkFirewall(n: FirewallManagerConfig['networkFirewall'], path: string[], ctx: z.RefinementCtx): void {
  uniqueIn(ctx, n.allowedDomains, [...path, 'allowedDomains'], 'domain');
  uniqueIn(ctx, n.threatSignatureGroups, [...path, 'threatSignatureGroups'], 'rule group');
  // A domain list uses one rule per domain and target type plus one per target type (HTTP_HOST, TLS_SNI).
  const needed = n.allowedDomains.length * 2 + 2;
  if (needed > n.allowListCapacity) {
    fail(ctx, [...path, 'allowListCapacity'], `capacity ${n.allowListCapacity} is too small for ${n.allowedDomains.length} allowed domains (2 rules each, plus 2 for HTTP and TLS); raise it to at least ${needed}`);
  }
  n.firewallSubnetCidrs.forEach((c, i) => {
    const problem = cidrProblem(c);
    if (problem) fail(ctx, [...path, 'firewallSubnetCidrs', i], problem);
    else if (c.includes(':') || !c.endsWith('/28')) fail(ctx, [...path, 'firewallSubnetCidrs', i], `firewall subnet CIDR "${c}" must be an IPv4 /28`);
  });
  uniqueIn(ctx, n.firewallSubnetCidrs, [...path, 'firewallSubnetCidrs'], 'CIDR');
}

function checkSecurityGroups(s: FirewallManagerConfig['securityGroupAudit'], path: string[], ctx: z.RefinementCtx): void {
  uniqueIn(ctx, s.adminPorts.map(String), [...path, 'adminPorts'], 'port');
  for (const key of ['deleteUnusedGroups', 'mergeRedundantGroups'] as const) {
    if (s[key] && !s.usageAudit) fail(ctx, [...path, key], `${key} acts through the usage audit, which is off; set usageAudit: true or remove ${key}`);
  }
  if (s.contentAudit && s.adminPorts.length === 0) {
    fail(ctx, [...path, 'adminPorts'], 'the content audit needs at least one admin port (e.g. 22, 3389); or set contentAudit: false');
  }
}

function checkShield(s: FirewallManagerConfig['shieldAdvanced'], path: string[], ctx: z.RefinementCtx, fmsEnabled: boolean): void {
  uniqueIn(ctx, s.regionalResourceTypes, [...path, 'regionalResourceTypes'], 'resource type');
  if (fmsEnabled && s.enabled && s.acknowledgeSubscriptionCommitment !== true) {
    fail(ctx, [...path, 'acknowledgeSubscriptionCommitment'],
      'Shield Advanced policies make Firewall Manager subscribe every account in scope to Shield Advanced: a one-year commitment of USD 3,000/month per organization (consolidated billing) plus data transfer, and accounts stay subscribed when they leave the scope; set acknowledgeSubscriptionCommitment: true to confirm, or set enabled: false');
  }
  if (s.enabled && s.regionalResourceTypes.length === 0 && !s.cloudFront) {
    fail(ctx, [...path, 'regionalResourceTypes'], 'Shield Advanced is enabled but protects nothing: list regional resource types or set cloudFront: true');
  }
}

function inRange(ctx: z.RefinementCtx, value: number, [min, max]: readonly [number, number], path: (string | number)[], what: string): void {
  if (value < min || value > max) fail(ctx, path, `priority ${value} is out of range; ${what} priorities are ${min}-${max}`);
}

function uniqueIn(ctx: z.RefinementCtx, values: string[], path: (string | number)[], what: string): void {
  const first = new Map<string, number>();
  values.forEach((v, i) => {
    const j = first.get(v);
    if (j !== undefined) fail(ctx, [...path, i], `${what} "${v}" is already listed at index ${j}; list each once`);
    else first.set(v, i);
  });
}

/** Why a string is not a CIDR AWS WAF accepts (IPv4 /1-/32 or IPv6 /1-/128), or undefined. */
export function cidrProblem(cidr: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return `"${cidr}" is not a CIDR; write address/prefix, e.g. 203.0.113.0/24 or 2001:db8::/32`;
  const [, addr, prefixText] = m;
  const prefix = Number(prefixText);
  if (addr.includes(':')) {
    if (!isIpv6(addr)) return `"${cidr}" is not a valid IPv6 CIDR`;
    if (prefix < 1 || prefix > 128) return `"${cidr}": IPv6 prefix must be 1-128 (AWS WAF refuses /0)`;
    return undefined;
  }
  const parts = addr.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return `"${cidr}" is not a valid IPv4 CIDR`;
  if (prefix < 1 || prefix > 32) return `"${cidr}": IPv4 prefix must be 1-32 (AWS WAF refuses /0)`;
  return undefined;
}

function isIpv6(addr: string): boolean {
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}
