/**
 * Every AWS API call `npm run verify` makes, and from which account. The read-only verify role
 * (modules/verify-role.ts) builds its policy from `iamActionsFor`, so the role and the tool never drift:
 * a call added here is allowed there, and nothing else is.
 *
 * Kept free of SDK imports: the synth path (main.ts -> stacks -> modules/verify-role.ts) loads this file.
 */

export type VerifyAccount = 'management' | 'security';

export interface VerifyCall {
  /** IAM service prefix (Service Authorization Reference), e.g. `access-analyzer`, not the SDK client name. */
  service: string;
  /** IAM action; for these calls the same name as the API operation. */
  action: string;
  account: VerifyAccount;
  /** global: one call (or one paginated listing) in the home region; home: the home region only; regional: every governed region. */
  scope: 'global' | 'home' | 'regional';
  /** AWS API reference page of the operation. */
  doc: string;
  /** What verify reads with it. */
  purpose: string;
}

export const VERIFY_CALLS: readonly VerifyCall[] = [
  {
    service: 'sts', action: 'GetCallerIdentity', account: 'management', scope: 'global',
    doc: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html',
    purpose: 'which account the credentials are in (no permission needed; listed so the role shows every call)',
  },
  // ---------------------------------------------------------------- Organizations (management account)
  {
    service: 'organizations', action: 'DescribeOrganization', account: 'management', scope: 'global',
    doc: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html',
    purpose: 'the organization id matches organization.id of the config',
  },
  {
    service: 'organizations', action: 'ListAccounts', account: 'management', scope: 'global',
    doc: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html',
    purpose: 'accounts of the organization (unmanaged: not in the config) and their state (SUSPENDED, ...)',
  },
  {
    service: 'organizations', action: 'ListRoots', account: 'management', scope: 'global',
    doc: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html',
    purpose: 'the root id that policy attachments target',
  },
  {
    service: 'organizations', action: 'ListPolicies', account: 'management', scope: 'global',
    doc: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html',
    purpose: 'SCPs, RCPs and management policies of each type org-guard declares',
  },
  {
    service: 'organizations', action: 'ListTargetsForPolicy', account: 'management', scope: 'global',
    doc: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html',
    purpose: 'where each policy is attached (root, OU, account) against the declared attachments',
  },
  // ---------------------------------------------------------------- CloudTrail (management account, home region)
  {
    service: 'cloudtrail', action: 'DescribeTrails', account: 'management', scope: 'home',
    doc: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html',
    purpose: 'the organization trail exists, multi-region, organization-wide',
  },
  {
    service: 'cloudtrail', action: 'GetTrailStatus', account: 'management', scope: 'home',
    doc: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html',
    purpose: 'IsLogging and the latest delivery error of the organization trail',
  },
  {
    service: 'cloudtrail', action: 'GetEventSelectors', account: 'management', scope: 'home',
    doc: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html',
    purpose: 'data events (S3 objects, Lambda invokes) and network activity events of the organization trail',
  },
  // ---------------------------------------------------------------- GuardDuty (delegated admin, every region)
  {
    service: 'guardduty', action: 'ListDetectors', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListDetectors.html',
    purpose: "the administrator's detector in the region",
  },
  {
    service: 'guardduty', action: 'GetDetector', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html',
    purpose: "the administrator's own detector status and protection plans",
  },
  {
    service: 'guardduty', action: 'ListMembers', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListMembers.html',
    purpose: 'every member and its RelationshipStatus (Enabled, Removed, ...)',
  },
  {
    service: 'guardduty', action: 'GetMemberDetectors', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetMemberDetectors.html',
    purpose: 'protection plans (features) of member detectors, 50 accounts per call',
  },
  // ---------------------------------------------------------------- Security Hub (delegated admin, home region)
  {
    service: 'securityhub', action: 'ListConfigurationPolicies', account: 'security', scope: 'home',
    doc: 'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListConfigurationPolicies.html',
    purpose: 'configuration policy ids by name',
  },
  {
    service: 'securityhub', action: 'GetConfigurationPolicy', account: 'security', scope: 'home',
    doc: 'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetConfigurationPolicy.html',
    purpose: 'the standards the associated configuration policy enables',
  },
  {
    service: 'securityhub', action: 'ListConfigurationPolicyAssociations', account: 'security', scope: 'home',
    doc: 'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListConfigurationPolicyAssociations.html',
    purpose: 'the policy associated with each account and AssociationStatus SUCCESS / PENDING / FAILED with its message',
  },
  {
    service: 'securityhub', action: 'GetFindingAggregator', account: 'security', scope: 'home',
    doc: 'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetFindingAggregator.html',
    purpose: 'the regions linked to the home region (the central policy applies there)',
  },
  {
    service: 'securityhub', action: 'ListFindingAggregators', account: 'security', scope: 'home',
    doc: 'https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListFindingAggregators.html',
    purpose: 'the finding aggregator ARN',
  },
  // ---------------------------------------------------------------- Inspector (delegated admin, every region)
  {
    service: 'inspector2', action: 'BatchGetAccountStatus', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html',
    purpose: 'EC2 / ECR / Lambda / Lambda code scanning state of each account, 10 accounts per call',
  },
  // ---------------------------------------------------------------- Detective (delegated admin, every region)
  {
    service: 'detective', action: 'ListGraphs', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/detective/latest/APIReference/API_ListGraphs.html',
    purpose: 'the behavior graph of the administrator',
  },
  {
    service: 'detective', action: 'ListMembers', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/detective/latest/APIReference/API_ListMembers.html',
    purpose: 'member accounts of the graph and their Status (ENABLED, ACCEPTED_BUT_DISABLED, ...)',
  },
  // ---------------------------------------------------------------- Macie (delegated admin, every region)
  {
    service: 'macie2', action: 'GetMacieSession', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/macie/latest/APIReference/macie.html',
    purpose: "the administrator's own Macie status",
  },
  {
    service: 'macie2', action: 'ListMembers', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/macie/latest/APIReference/members.html',
    purpose: 'member accounts and their relationshipStatus (Enabled, Paused, Removed, ...)',
  },
  // ---------------------------------------------------------------- IAM Access Analyzer (delegated admin, every region)
  {
    service: 'access-analyzer', action: 'ListAnalyzers', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListAnalyzers.html',
    purpose: 'organization analyzers (external and internal access) and their status',
  },
  // ---------------------------------------------------------------- AWS Config (delegated admin, home region aggregator)
  {
    service: 'config', action: 'DescribeConfigurationAggregatorSourcesStatus', account: 'security', scope: 'home',
    doc: 'https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html',
    purpose: 'per account and region, whether the organization aggregator receives Config data (SUCCEEDED / FAILED / OUTDATED)',
  },
  // ---------------------------------------------------------------- Firewall Manager (administrator = security account)
  {
    service: 'fms', action: 'ListPolicies', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_ListPolicies.html',
    purpose: 'the Firewall Manager policies in the region',
  },
  {
    service: 'fms', action: 'ListComplianceStatus', account: 'security', scope: 'regional',
    doc: 'https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_ListComplianceStatus.html',
    purpose: 'COMPLIANT / NON_COMPLIANT per member account of each policy',
  },
];

/**
 * Beyond these read actions, the management account's verify role needs `sts:AssumeRole` on the security
 * account's verify role when verify chains from it (contract: ambient -> management role -> security role).
 * Not a read action, so not in VERIFY_CALLS; the role module grants it on that one role ARN only.
 */
export const ROLE_CHAIN_ACTION = 'sts:AssumeRole';

/** IAM actions (`service:Action`) the verify role in `account` needs, sorted, unique. */
export function iamActionsFor(account: VerifyAccount): string[] {
  return [...new Set(VERIFY_CALLS.filter((c) => c.account === account).map((c) => `${c.service}:${c.action}`))].sort();
}
