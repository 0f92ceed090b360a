import type { OrgConfig } from '../../config/schema';
import { effectiveScope, resolveAccount, type FmsScopeConfig } from '../../config/sections/firewall-manager';
import { AWS_MANAGED_DOMAIN_LIST_IDS } from '../../modules/dns-firewall-managed-lists';
import { FmsDnsFirewallPolicy } from '../../modules/fms-dns-firewall-policy';
import { FmsNetworkFirewallPolicy } from '../../modules/fms-network-firewall-policy';
import type { FmsPolicyScope } from '../../modules/fms-policy-base';
import { FmsSecurityGroupAudit } from '../../modules/fms-security-group-audit-policy';
import { FmsShieldPolicy } from '../../modules/fms-shield-policy';
import { FmsWafPolicy } from '../../modules/fms-waf-policy';
import { logArchiveNames } from '../../modules/names';
import { WafLogDelivery } from '../../modules/waf-log-delivery';
import type { AccountStack } from '../account-stack';

/** CloudFront-scope WAF and Shield resources exist only in us-east-1. */
const GLOBAL_REGION = 'us-east-1';
const CLOUDFRONT = 'AWS::CloudFront::Distribution';

/**
 * Resource types FMS's CloudFront-scope policies need AWS Config to record in us-east-1 in every in-scope
 * account (CloudFront is global and its configuration items are recorded in us-east-1); empty when no such
 * policy is configured. Types from the AWS Config rules FMS deploys for these policies, e.g.
 * fms-shield-resource-policy-check (https://docs.aws.amazon.com/config/latest/developerguide/fms-shield-resource-policy-check.html):
 * AWS::CloudFront::Distribution, AWS::Shield::Protection; WAF policies: the distributions and AWS::WAFv2::WebACL.
 */
export function cloudFrontPolicyRecordingTypes(cfg: OrgConfig): string[] {
  const fm = cfg.firewallManager;
  if (!fm.enabled) return [];
  const types = new Set<string>();
  if (fm.waf.enabled && fm.waf.cloudFront) [CLOUDFRONT, 'AWS::WAFv2::WebACL'].forEach((t) => types.add(t));
  if (fm.shieldAdvanced.enabled && fm.shieldAdvanced.cloudFront) [CLOUDFRONT, 'AWS::Shield::Protection', 'AWS::WAFv2::WebACL'].forEach((t) => types.add(t));
  return [...types].sort();
}

/**
 * Where AWS Config must record only what FMS's CloudFront policies need: us-east-1, when those policies exist
 * and us-east-1 is not a governed region (a governed us-east-1 already records all supported types).
 */
export function fmsOnlyRecording(cfg: OrgConfig): Record<string, string[]> {
  const types = cloudFrontPolicyRecordingTypes(cfg);
  return types.length > 0 && !cfg.organization.regions.includes(GLOBAL_REGION) ? { [GLOBAL_REGION]: types } : {};
}

/**
 * Firewall Manager policies of the security (FMS admin) account: regional policies in every governed
 * region plus one global CloudFront policy per type. Nothing here grows with the number of accounts.
 */
export function addFirewallManager(stack: AccountStack): void {
  const cfg = stack.config;
  const fm = cfg.firewallManager;
  if (!fm.enabled) return;
  const regions = cfg.organization.regions;
  const names = logArchiveNames(cfg);

  const waf = fm.waf;
  if (waf.enabled) {
    const wafRegions = [...(waf.regionalResourceTypes.length > 0 ? regions : []), ...(waf.cloudFront ? [GLOBAL_REGION] : [])];
    const logs = waf.logging
      ? new WafLogDelivery(stack, 'waf-logs', {
          accountId: stack.accountId,
          regions: wafRegions,
          bucketName: names.firewallLogBucket,
          keyPrefix: names.wafLogPrefix,
          roleName: names.wafFirehoseRoleName,
          kmsKeyAlias: names.keyAlias,
        })
      : undefined;
    const common = {
      allowListCidrs: waf.allowListCidrs,
      rateLimit: waf.rateLimit,
      managedRuleGroups: waf.managedRuleGroups.map((name) => ({ name, countRules: waf.countRules[name] ?? [] })),
      overrideCustomerWebACLAssociation: waf.overrideCustomerWebACLAssociation,
      remediation: waf.remediation,
      scope: resolveScope(cfg, effectiveScope(fm, 'waf')),
    };
    if (waf.regionalResourceTypes.length > 0) {
      for (const region of regions) {
        new FmsWafPolicy(stack, `fms-waf-${region}`, {
          ...common,
          policyName: `org-guard-waf-${region}`,
          region,
          wafScope: 'REGIONAL',
          resourceTypes: waf.regionalResourceTypes,
          logDestinationArn: logs?.streams[region].arn,
        });
      }
    }
    if (waf.cloudFront) {
      new FmsWafPolicy(stack, 'fms-waf-cloudfront', {
        ...common,
        policyName: 'org-guard-waf-cloudfront',
        region: GLOBAL_REGION,
        wafScope: 'CLOUDFRONT',
        resourceTypes: [CLOUDFRONT],
        logDestinationArn: logs?.streams[GLOBAL_REGION].arn,
      });
    }
  }

  const dns = fm.dnsFirewall;
  if (dns.enabled) {
    const scope = resolveScope(cfg, effectiveScope(fm, 'dnsFirewall'));
    for (const region of regions) {
      new FmsDnsFirewallPolicy(stack, `fms-dns-firewall-${region}`, {
        policyName: `org-guard-dns-firewall-${region}`,
        region,
        managedDomainLists: dns.managedDomainLists.map((name) => ({
          name,
          id: dns.managedDomainListIds[region]?.[name] ?? AWS_MANAGED_DOMAIN_LIST_IDS[region][name],
        })),
        blockedDomains: dns.blockedDomains,
        blockResponse: dns.blockResponse,
        overrideDomain: dns.overrideDomain,
        overrideTtl: dns.overrideTtl,
        priority: dns.priority,
        allowListOnly: dns.allowListOnly.enabled
          ? { allowedDomains: dns.allowListOnly.allowedDomains, priority: dns.allowListOnly.priority }
          : undefined,
        remediation: dns.remediation,
        scope,
      });
    }
  }

  const nfw = fm.networkFirewall;
  if (nfw.enabled) {
    const scope = resolveScope(cfg, effectiveScope(fm, 'networkFirewall'));
    for (const region of regions) {
      new FmsNetworkFirewallPolicy(stack, `fms-network-firewall-${region}`, {
        policyName: `org-guard-network-firewall-${region}`,
        region,
        allowedDomains: nfw.allowedDomains,
        allowListCapacity: nfw.allowListCapacity,
        threatSignatureGroups: nfw.threatSignatureGroups,
        singleEndpointPerVpc: nfw.singleEndpointPerVpc,
        firewallSubnetCidrs: nfw.firewallSubnetCidrs,
        logBucket: nfw.logging ? { bucketName: names.firewallLogBucket, prefix: names.networkFirewallLogPrefix } : undefined,
        remediation: nfw.remediation,
        scope,
      });
    }
  }

  const sg = fm.securityGroupAudit;
  if (sg.contentAudit || sg.usageAudit) {
    const scope = resolveScope(cfg, effectiveScope(fm, 'securityGroupAudit'));
    for (const region of regions) {
      new FmsSecurityGroupAudit(stack, `fms-sg-audit-${region}`, {
        region,
        adminPorts: sg.adminPorts,
        contentAudit: sg.contentAudit,
        usageAudit: sg.usageAudit,
        unusedDelayMinutes: sg.unusedDelayMinutes,
        remediation: sg.remediation,
        usageAuditDeletion: { deleteUnused: sg.deleteUnusedGroups, mergeRedundant: sg.mergeRedundantGroups },
        scope,
      });
    }
  }

  const shield = fm.shieldAdvanced;
  if (shield.enabled) {
    const scope = resolveScope(cfg, effectiveScope(fm, 'shieldAdvanced'));
    if (shield.regionalResourceTypes.length > 0) {
      for (const region of regions) {
        new FmsShieldPolicy(stack, `fms-shield-${region}`, {
          policyName: `org-guard-shield-advanced-${region}`,
          region,
          resourceTypes: shield.regionalResourceTypes,
          remediation: shield.remediation,
          scope,
        });
      }
    }
    if (shield.cloudFront) {
      new FmsShieldPolicy(stack, 'fms-shield-cloudfront', {
        policyName: 'org-guard-shield-advanced-cloudfront',
        region: GLOBAL_REGION,
        resourceTypes: [CLOUDFRONT],
        automaticResponse: shield.automaticResponse,
        remediation: shield.remediation,
        scope,
      });
    }
  }
}

/** Config scope (names) to FMS scope (ids); the config check has already rejected unknown names. */
export function resolveScope(cfg: OrgConfig, s: FmsScopeConfig): FmsPolicyScope {
  const ouId = (name: string) => cfg.organization.organizationalUnits.find((u) => u.name === name)!.id;
  return {
    includeAccountIds: s.includeAccounts.map((a) => resolveAccount(cfg, a)!),
    excludeAccountIds: s.excludeAccounts.map((a) => resolveAccount(cfg, a)!),
    includeOuIds: s.includeOUs.map(ouId),
    excludeOuIds: s.excludeOUs.map(ouId),
    resourceTags: s.resourceTags,
    excludeResourceTags: s.excludeResourceTags,
  };
}
