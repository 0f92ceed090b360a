import type { OrgConfig } from '../../config/schema';
import { DEFAULT_POLICY_TYPES } from '../../modules/organization';

// What the adopted organization must keep enabled. Both lists are authoritative (a type or principal
// missing is disabled on apply), so each is the union of what the organization already uses (config)
// and what org-guard's own capabilities need (computed here, one line per capability).

/**
 * Root policy types org-guard's constructs create policies of. A capability that adds policies of
 * another type adds one line here, e.g. `...(cfg.x.enabled ? ['DECLARATIVE_POLICY_EC2'] : [])`.
 * SCP and RCP stay on even with guardrails off: disabling a type detaches every policy of that type.
 */
export function policyTypesOrgGuardNeeds(_cfg: OrgConfig): string[] {
  return [...DEFAULT_POLICY_TYPES];
}

/** `enabled_policy_types` of the organization: in use (config) plus what org-guard needs, sorted. */
export function enabledPolicyTypes(cfg: OrgConfig): string[] {
  return [...new Set([...cfg.organization.policyTypesInUse, ...policyTypesOrgGuardNeeds(cfg)])].sort();
}

/**
 * Firewall Manager shares the rule groups of DNS Firewall and Network Firewall policies with the
 * in-scope accounts through AWS RAM, so resource sharing with the organization must be on: WAF/FMS
 * developer guide, "DNS Firewall policies" ("You must enable resource sharing ...",
 * https://docs.aws.amazon.com/waf/latest/developerguide/dns-firewall-policies.html) and
 * "Network Firewall policies" (https://docs.aws.amazon.com/waf/latest/developerguide/network-firewall-policies.html).
 */
export function resourceSharingNeeded(cfg: OrgConfig): boolean {
  const fm = cfg.firewallManager;
  return fm.enabled && (fm.dnsFirewall.enabled || fm.networkFirewall.enabled);
}
