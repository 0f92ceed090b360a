// Without cdktf: the config validates policy types with it.

/**
 * Root policy types terraform-provider-aws 6.25 accepts in `enabled_policy_types`: its validator is
 * `enum.Validate[awstypes.PolicyType]()` (internal/service/organizations/organization.go); the resource
 * docs list the first seven, CHANGELOG 6.22.0 added SECURITYHUB_POLICY (#45135).
 */
export const KNOWN_POLICY_TYPES = [
  'AISERVICES_OPT_OUT_POLICY',
  'BACKUP_POLICY',
  'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2',
  'RESOURCE_CONTROL_POLICY',
  'SECURITYHUB_POLICY',
  'SERVICE_CONTROL_POLICY',
  'TAG_POLICY',
] as const;
