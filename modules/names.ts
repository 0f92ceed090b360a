import type { OrgConfig } from '../config/schema';

/**
 * Names of log-archive resources that other stacks refer to, derived from the config so no stack
 * needs another stack's state (no cross-stack remote-state lookups). Changing one renames a real
 * resource: treat these as a contract.
 */
export function logArchiveNames(cfg: OrgConfig) {
  const archive = cfg.accounts.logArchive.id;
  const management = cfg.accounts.management.id;
  const security = cfg.accounts.security.id;
  const home = cfg.organization.homeRegion;
  const keyAlias = 'alias/org-guard-log-archive';
  const trailName = cfg.logging.trailName;
  const wafFirehoseRoleName = 'org-guard-waf-logs-firehose';
  return {
    /** Receives the organization trail. */
    trailBucket: `org-guard-trail-${archive}-${home}`,
    /** Server access logs of the other log-archive buckets. */
    accessLogBucket: `org-guard-access-logs-${archive}-${home}`,
    /** AWS Config delivery channel of every account and region (no key prefix: objects land under AWSLogs/<account>/Config/). */
    configBucket: `org-guard-config-${archive}-${home}`,
    /** WAF logs (via Firehose from the security account) and Network Firewall logs. */
    firewallLogBucket: `org-guard-firewall-logs-${archive}-${home}`,
    keyAlias,
    keyAliasArn: `arn:aws:kms:${home}:${archive}:${keyAlias}`,
    /** The organization trail, in the management account and home region. */
    trailName,
    trailArn: `arn:aws:cloudtrail:${home}:${management}:trail/${trailName}`,
    /** Role of the WAF-log Firehose streams in the security account; the firewall-log bucket lets only it write. */
    wafFirehoseRoleName,
    wafFirehoseRoleArn: `arn:aws:iam::${security}:role/${wafFirehoseRoleName}`,
    /** Key prefix the WAF Firehose streams must write under (prefix and error-output prefix both start with it). */
    wafLogPrefix: 'waf/',
    /** Key prefix of Network Firewall S3 log destinations (`prefix` of the logging configuration). */
    networkFirewallLogPrefix: 'network-firewall',
  };
}

export type LogArchiveNames = ReturnType<typeof logArchiveNames>;
