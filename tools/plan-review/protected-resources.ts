/**
 * What plan review protects. This is the one list: add a rule here (or pass `--protect <type>` for a
 * one-off) rather than special-casing elsewhere. Two kinds of rule:
 *
 * - `destroy` (the default): destroying or replacing a resource of the type fails review;
 * - `attributes`: an update (or replacement) that removes entries from a set-valued attribute fails
 *   review, one finding per removed entry, for lists that are authoritative in AWS.
 *
 * A rule matches by resource type, optionally narrowed by `when` (stack name, attributes of the
 * object as it exists today). Rules err on the side of blocking: an override is one flag away.
 */
export interface ProtectedChange {
  stack: string;
  address: string;
  type: string;
  /** The object as it exists today (`change.before`); null when Terraform does not know it. */
  before: Record<string, unknown> | null;
}

export interface DestroyRule {
  kind?: 'destroy';
  type: string;
  /** Why destroying it hurts, shown to the reviewer. */
  reason: string;
  /** Narrows the rule; absent: every resource of the type is protected. */
  when?: (change: ProtectedChange) => boolean;
}

export interface ProtectedAttribute {
  /** What one entry is, e.g. "policy type". */
  entry: string;
  /** Why removing an entry hurts, shown to the reviewer. */
  reason: string;
  /** A more specific reason for some entries, added to `reason`. */
  entries?: Readonly<Record<string, string>>;
}

export interface AttributeRule {
  kind: 'attributes';
  type: string;
  /** Set- or list-valued attributes whose entries may be added but not removed. */
  attributes: Readonly<Record<string, ProtectedAttribute>>;
  when?: (change: ProtectedChange) => boolean;
}

export type ProtectionRule = DestroyRule | AttributeRule;

/** Names org-guard gives its log-archive buckets (modules/names.ts): `org-guard-<purpose>-<account>-<region>`. */
const ORG_GUARD_BUCKET = /^org-guard-/;
/** Log group of the organization trail (modules/organization-trail.ts: `/org-guard/cloudtrail/<trail name>`). */
const TRAIL_LOG_GROUP_PREFIX = '/org-guard/cloudtrail/';
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
    // CloudWatch Logs API reference, DeleteLogGroup: it "permanently deletes all the archived log events associated
    // with the log group" (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html);
    // the provider's Delete calls it (unless skip_destroy), and `name` is ForceNew
    // (internal/service/logs/group.go), so a new logging.trailName replaces the group too. Unknown name: blocked.
    type: 'aws_cloudwatch_log_group',
    reason: 'CloudWatch Logs group of the organization trail: deleting or replacing it deletes every event it holds (the copy in the log archive stays)',
    when: (c) => typeof c.before?.name !== 'string' || c.before.name.startsWith(TRAIL_LOG_GROUP_PREFIX),
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
    // resourceOrganizationUpdate disables every policy type and principal that is in state but not in
    // config (terraform-provider-aws 6.25, internal/service/organizations/organization.go).
    kind: 'attributes',
    type: 'aws_organizations_organization',
    attributes: {
      enabled_policy_types: {
        entry: 'policy type',
        reason: 'the provider calls DisablePolicyType on the root, and AWS then detaches every policy of that type from every root, OU and account (Organizations guide, "Disabling a policy type"); list it in organization.policyTypesInUse to keep it',
        entries: {
          SERVICE_CONTROL_POLICY: 'every SCP stops applying, org-guard\'s guardrails included',
          RESOURCE_CONTROL_POLICY: 'every RCP stops applying, org-guard\'s TLS-only RCP included',
        },
      },
      aws_service_access_principals: {
        entry: 'trusted service',
        reason: 'the provider calls DisableAWSServiceAccess: the service can no longer create service-linked roles or act in member accounts, and some services clean up what their integration created (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisableAWSServiceAccess.html); list it in organization.trustedServicesInUse to keep it',
        entries: {
          'ram.amazonaws.com': 'AWS RAM stops sharing with the organization, so Firewall Manager DNS Firewall and Network Firewall rule groups no longer reach the accounts',
          'sso.amazonaws.com': 'IAM Identity Center uses it to manage access to member accounts',
          'cloudtrail.amazonaws.com': 'the organization trail depends on it',
        },
      },
    },
  },
  {
    type: 'aws_ram_sharing_with_organization',
    reason: 'RAM sharing with the organization: destroying it disables RAM trusted access and deletes AWSServiceRoleForResourceAccessManager (provider: internal/service/ram/sharing_with_organization.go), so Firewall Manager DNS Firewall and Network Firewall rule groups are no longer shared',
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

export function isDestroyRule(rule: ProtectionRule): rule is DestroyRule {
  return rule.kind === undefined || rule.kind === 'destroy';
}

/** The destroy rule protecting a change, if any; `extraTypes` come from `--protect`. */
export function protectionFor(
  change: ProtectedChange,
  rules: readonly ProtectionRule[] = PROTECTED_RESOURCES,
  extraTypes: readonly string[] = [],
): string | undefined {
  const rule = rules.filter(isDestroyRule).find((r) => r.type === change.type && (!r.when || r.when(change)));
  if (rule) return rule.reason;
  if (extraTypes.includes(change.type) || extraTypes.includes(change.address)) return 'protected on the command line (--protect)';
  return undefined;
}

export interface PlannedChange extends ProtectedChange {
  /** The planned object (`change.after`). */
  after: Record<string, unknown> | null;
  /** `change.after_unknown`: true (or true elements) where the value is known only after apply. */
  afterUnknown: Record<string, unknown>;
}

export interface RemovedEntry {
  attribute: string;
  /** The removed entry; `undefined` when the new value is unknown until apply and may drop entries. */
  entry?: string;
  reason: string;
}

/** Entries of protected attributes that the change removes, one per entry. */
export function removedEntries(change: PlannedChange, rules: readonly ProtectionRule[] = PROTECTED_RESOURCES): RemovedEntry[] {
  const out: RemovedEntry[] = [];
  for (const rule of rules) {
    if (isDestroyRule(rule) || rule.type !== change.type || (rule.when && !rule.when(change))) continue;
    for (const [attribute, p] of Object.entries(rule.attributes)) {
      const before = entriesOf(change.before?.[attribute]);
      if (before.length === 0) continue;
      const unknown = change.afterUnknown[attribute];
      const after = new Set(entriesOf(change.after?.[attribute]));
      const removed = before.filter((e) => !after.has(e));
      if (removed.length === 0) continue;
      // Fail closed: an entry that is not known until apply might or might not be a kept one.
      if (unknown === true || (Array.isArray(unknown) && unknown.includes(true))) {
        out.push({ attribute, reason: `the new ${attribute} is known only after apply, so it may drop ${removed.map((e) => `\`${e}\``).join(', ')}; ${p.reason}` });
        continue;
      }
      for (const entry of removed) {
        const specific = p.entries?.[entry];
        out.push({ attribute, entry, reason: `${specific ? `${specific}. ` : ''}Removing a ${p.entry}: ${p.reason}` });
      }
    }
  }
  return out;
}

function entriesOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
}
