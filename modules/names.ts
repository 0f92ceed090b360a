import type { OrgConfig } from '../config/schema';

/**
 * Names of log-archive resources that other stacks refer to, derived from the config so no stack
 * needs another stack's state (no cross-stack remote-state lookups). Changing one renames a real
 * resource: treat these as a contract.
 */
export function logArchiveNames(cfg: OrgConfig) {
  const archive = cfg.accounts.logArchive.id;
  const home = cfg.organization.homeRegion;
  const keyAlias = 'alias/org-guard-log-archive';
  return {
    /** Receives the organization trail. */
    trailBucket: `org-guard-trail-${archive}-${home}`,
    /** Server access logs of the other log-archive buckets. */
    accessLogBucket: `org-guard-access-logs-${archive}-${home}`,
    /** AWS Config delivery channel of every account and region. */
    configBucket: `org-guard-config-${archive}-${home}`,
    /** WAF logs (via Firehose from the security account) and Network Firewall logs. */
    firewallLogBucket: `org-guard-firewall-logs-${archive}-${home}`,
    keyAlias,
    keyAliasArn: `arn:aws:kms:${home}:${archive}:${keyAlias}`,
  };
}
