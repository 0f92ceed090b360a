/**
 * Resources whose destruction or replacement fails plan review. This is the one list: add a rule
 * here (or pass `--protect <type>` for a one-off) rather than special-casing elsewhere.
 *
 * A rule matches by resource type, optionally narrowed by `when` (stack name, attributes of the
 * object that would be destroyed). Rules err on the side of blocking: an override is one flag away.
 */
export interface ProtectedChange {
  stack: string;
  address: string;
  type: string;
  /** The object as it exists today (`change.before`); null when Terraform does not know it. */
  before: Record<string, unknown> | null;
}

export interface ProtectionRule {
  type: string;
  /** Why destroying it hurts, shown to the reviewer. */
  reason: string;
  /** Narrows the rule; absent: every resource of the type is protected. */
  when?: (change: ProtectedChange) => boolean;
}

/** Names org-guard gives its log-archive buckets (modules/names.ts): `org-guard-<purpose>-<account>-<region>`. */
const ORG_GUARD_BUCKET = /^org-guard-/;
/** Alias of the log-archive key (modules/names.ts keyAlias). */
const LOG_ARCHIVE_KEY_ALIAS = 'alias/org-guard-log-archive';

const delegatedAdmin = (service: string): string =>
  `delegated administrator of ${service}: deregistering it disables the service's organization configuration and drops member associations in every account`;

export const PROTECTED_RESOURCES: readonly ProtectionRule[] = [
  {
    type: 'aws_s3_bucket',
    reason: 'log-archive bucket: holds the organization trail, Config and firewall logs (object-locked audit evidence)',
    when: (c) => c.stack === 'log-archive' || ORG_GUARD_BUCKET.test(String(c.before?.bucket ?? '')),
  },
  {
    type: 'aws_s3_bucket_object_lock_configuration',
    reason: 'object lock of a log-archive bucket: removing it makes audit logs deletable',
    when: (c) => c.stack === 'log-archive' || ORG_GUARD_BUCKET.test(String(c.before?.bucket ?? '')),
  },
  {
    type: 'aws_s3_bucket_policy',
    reason: 'policy of a log-archive bucket: without it CloudTrail, Config and log delivery can no longer write, and the TLS-only deny is gone',
    when: (c) => c.stack === 'log-archive' || ORG_GUARD_BUCKET.test(String(c.before?.bucket ?? '')),
  },
  {
    type: 'aws_kms_alias',
    reason: 'alias of the log-archive KMS key: the organization trail and other stacks find the key by it (modules/names.ts)',
    when: (c) => c.stack === 'log-archive' || c.before?.name === LOG_ARCHIVE_KEY_ALIAS,
  },
  {
    type: 'aws_kms_key',
    reason: 'KMS key: deleting it (after the waiting period) makes everything encrypted with it, the organization trail included, unreadable forever',
  },
  {
    type: 'aws_cloudtrail',
    reason: 'CloudTrail trail: the organization trail is the audit record of every account; while it is gone nothing is logged',
  },
  {
    type: 'aws_cloudtrail_organization_delegated_admin_account',
    reason: delegatedAdmin('CloudTrail'),
  },
  {
    type: 'aws_organizations_organization',
    reason: 'the AWS Organization itself: it is adopted, never re-created; destroying it would remove every account from the organization',
  },
  {
    type: 'aws_organizations_delegated_administrator',
    reason: delegatedAdmin('a service (Config, Access Analyzer, ...)'),
  },
  { type: 'aws_guardduty_organization_admin_account', reason: delegatedAdmin('GuardDuty') },
  { type: 'aws_securityhub_organization_admin_account', reason: delegatedAdmin('Security Hub') },
  { type: 'aws_detective_organization_admin_account', reason: delegatedAdmin('Detective') },
  { type: 'aws_inspector2_delegated_admin_account', reason: delegatedAdmin('Inspector') },
  { type: 'aws_macie2_organization_admin_account', reason: delegatedAdmin('Macie') },
  { type: 'aws_fms_admin_account', reason: delegatedAdmin('Firewall Manager') },
  {
    type: 'aws_guardduty_detector',
    reason: 'GuardDuty detector: deleting it disables threat detection in that region and deletes its findings',
  },
  {
    type: 'aws_detective_graph',
    reason: 'Detective behavior graph: deleting it disables Detective and discards the collected history',
  },
  {
    type: 'aws_securityhub_organization_configuration',
    reason: 'Security Hub central configuration: without it member accounts fall back to self-managed settings',
  },
  {
    type: 'aws_securityhub_configuration_policy',
    reason: 'Security Hub configuration policy: it decides which standards and controls run in every account',
  },
  {
    type: 'aws_securityhub_configuration_policy_association',
    reason: 'Security Hub configuration policy association: dissociating leaves accounts without their standards',
  },
  {
    type: 'aws_securityhub_finding_aggregator',
    reason: 'Security Hub finding aggregator: central configuration requires it; findings stop flowing to the home region',
  },
];

/** The rule protecting a change, if any; `extraTypes` come from `--protect`. */
export function protectionFor(
  change: ProtectedChange,
  rules: readonly ProtectionRule[] = PROTECTED_RESOURCES,
  extraTypes: readonly string[] = [],
): string | undefined {
  const rule = rules.find((r) => r.type === change.type && (!r.when || r.when(change)));
  if (rule) return rule.reason;
  if (extraTypes.includes(change.type) || extraTypes.includes(change.address)) return 'protected on the command line (--protect)';
  return undefined;
}
