import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { attachedOrganizationPolicy } from './organization-policy';
import type { ProtectedService } from '../config/sections/guardrails';
import { KEY_DESTRUCTION_ACTIONS } from './log-archive-key';

/** AWS Organizations limit on the size of one SCP or RCP document. */
export const POLICY_SIZE_LIMIT = 5120;

type PolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

interface Statement {
  Sid: string;
  Effect: 'Deny';
  Principal?: '*';
  Action?: string[] | string;
  NotAction?: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface GuardrailPolicy {
  /** Stable key: construct ids and the policy name derive from it. */
  key: string;
  name: string;
  description: string;
  type: PolicyType;
  document: { Version: '2012-10-17'; Statement: Statement[] };
}

export interface GuardrailSettings {
  /** Role that deploys org-guard in member accounts: exempt from every guardrail but the root-user deny. */
  deploymentRoleName: string;
  /** More exempt roles (name patterns, may hold a path and `*`). */
  exemptRoles?: readonly string[];
  /** Governed regions: left open by the region deny. */
  governedRegions: readonly string[];
  denyLeavingOrganization?: boolean;
  denyRootUser?: boolean;
  protectDeploymentRole?: boolean;
  /** Log-archive account: its keys may not be disabled, deleted or re-policied (see KEY_DESTRUCTION_ACTIONS). */
  logArchiveAccountId?: string;
  protectedServices?: readonly ProtectedService[];
  regionDeny?: {
    enabled: boolean;
    extraGlobalActions?: readonly string[];
    /** Roles org-guard itself runs outside the governed regions (full ARNs), e.g. the us-east-1 WAF log Firehose role. */
    exemptPrincipalArns?: readonly string[];
  };
  denyInsecureTransport?: boolean;
}

/**
 * Mutating actions that would turn a security service off, cut an account out of the delegated
 * administrator's view, or suppress its findings. Read and finding-triage actions stay allowed.
 */
export const PROTECTED_ACTIONS: Record<ProtectedService, string[]> = {
  guardduty: [
    'guardduty:DeleteDetector',
    'guardduty:UpdateDetector',
    'guardduty:DisassociateFromAdministratorAccount',
    'guardduty:DisassociateFromMasterAccount',
    'guardduty:DisassociateMembers',
    'guardduty:DeleteMembers',
    'guardduty:StopMonitoringMembers',
    'guardduty:UpdateMemberDetectors',
    'guardduty:UpdateOrganizationConfiguration',
    'guardduty:UpdateMalwareScanSettings',
    // Filters (auto-archive), trusted IP lists and threat lists can silence findings.
    'guardduty:CreateFilter',
    'guardduty:UpdateFilter',
    'guardduty:CreateIPSet',
    'guardduty:UpdateIPSet',
    'guardduty:DeleteThreatIntelSet',
    'guardduty:UpdateThreatIntelSet',
    'guardduty:DeletePublishingDestination',
    'guardduty:UpdatePublishingDestination',
    // The Malware Protection for S3 plans that members' stacks create (accounts.members[].s3MalwareProtection):
    // without these a member administrator could switch off the scanning of a bucket (GuardDuty API reference,
    // DeleteMalwareProtectionPlan / UpdateMalwareProtectionPlan).
    'guardduty:DeleteMalwareProtectionPlan',
    'guardduty:UpdateMalwareProtectionPlan',
  ],
  securityhub: [
    'securityhub:DisableSecurityHub',
    'securityhub:DisableImportFindingsForProduct',
    'securityhub:DisassociateFromAdministratorAccount',
    'securityhub:DisassociateFromMasterAccount',
    'securityhub:DisassociateMembers',
    'securityhub:DeleteMembers',
    'securityhub:BatchDisableStandards',
    'securityhub:UpdateStandardsControl',
    // Today's control-disable APIs (UpdateStandardsControl is the legacy one).
    'securityhub:UpdateSecurityControl',
    'securityhub:BatchUpdateStandardsControlAssociations',
    'securityhub:UpdateSecurityHubConfiguration',
    'securityhub:UpdateOrganizationConfiguration',
    'securityhub:DeleteFindingAggregator',
    'securityhub:UpdateFindingAggregator',
    'securityhub:DeleteConfigurationPolicy',
    'securityhub:UpdateConfigurationPolicy',
    'securityhub:StartConfigurationPolicyDisassociation',
    // Automation rules can suppress findings organization-wide.
    'securityhub:CreateAutomationRule',
    'securityhub:BatchUpdateAutomationRules',
    'securityhub:BatchDeleteAutomationRules',
  ],
  cloudtrail: [
    'cloudtrail:StopLogging',
    'cloudtrail:DeleteTrail',
    'cloudtrail:UpdateTrail',
    'cloudtrail:PutEventSelectors',
    'cloudtrail:PutInsightSelectors',
    'cloudtrail:DeregisterOrganizationDelegatedAdmin',
  ],
  config: [
    'config:StopConfigurationRecorder',
    'config:DeleteConfigurationRecorder',
    'config:PutConfigurationRecorder',
    'config:DeleteDeliveryChannel',
    'config:PutDeliveryChannel',
    'config:DeleteRetentionConfiguration',
    // Shortens how long Config keeps history (deleting it only restores the 7-year default).
    'config:PutRetentionConfiguration',
    'config:DeleteConfigurationAggregator',
    'config:PutConfigurationAggregator',
    'config:DeleteAggregationAuthorization',
  ],
  'access-analyzer': [
    'access-analyzer:DeleteAnalyzer',
    // Archive rules auto-archive findings, new and (ApplyArchiveRule) existing ones.
    'access-analyzer:CreateArchiveRule',
    'access-analyzer:UpdateArchiveRule',
    'access-analyzer:ApplyArchiveRule',
  ],
  macie: [
    'macie2:DisableMacie',
    'macie2:UpdateMacieSession',
    'macie2:DisassociateFromAdministratorAccount',
    'macie2:DisassociateFromMasterAccount',
    'macie2:DisassociateMember',
    'macie2:DeleteMember',
    'macie2:UpdateOrganizationConfiguration',
    // Findings filters with action ARCHIVE are suppression rules.
    'macie2:CreateFindingsFilter',
    'macie2:UpdateFindingsFilter',
  ],
  detective: [
    'detective:DeleteGraph',
    'detective:DisassociateMembership',
    'detective:DeleteMembers',
    'detective:UpdateOrganizationConfiguration',
  ],
  inspector: [
    'inspector2:Disable',
    'inspector2:DisassociateMember',
    'inspector2:UpdateOrganizationConfiguration',
    // Filters with action SUPPRESS are suppression rules.
    'inspector2:CreateFilter',
    'inspector2:UpdateFilter',
  ],
  // Policies are owned by the Firewall Manager administrator (org-guard's security stack); FMS
  // re-applies its managed web ACLs and security groups in member accounts itself.
  'firewall-manager': [
    'fms:DeletePolicy',
    'fms:PutPolicy',
    'fms:DeleteNotificationChannel',
    'fms:PutNotificationChannel',
    'fms:DisassociateAdminAccount',
    'fms:DeleteAppsList',
    'fms:DeleteProtocolsList',
    'fms:DeleteResourceSet',
  ],
};

/**
 * Mutating IAM actions on an existing role. Not iam:CreateRole: an invited account that lacks the role must
 * be able to create it (README, "Invited accounts"); once it exists, a second CreateRole fails anyway.
 * iam:AttachRolePolicy is handled apart (ATTACHABLE_DEPLOYMENT_POLICY).
 */
export const ROLE_MUTATING_ACTIONS = [
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
];

/**
 * The one policy anybody may attach to the deployment role, which is how it is created (CreateRole, then
 * AttachRolePolicy): it grants the role nothing it must not have. Any other attachment (a customer managed
 * policy with a Deny, say) stays reserved to the exempt roles.
 */
export const ATTACHABLE_DEPLOYMENT_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

/**
 * Global services exempt from the region deny: AWS Control Tower's landing-zone region deny list
 * (GRREGIONDENY). Their endpoints live in us-east-1 (or another fixed region), so denying by
 * requested region would break them.
 */
export const REGION_DENY_GLOBAL_ACTIONS = [
  'a4b:*', 'access-analyzer:*', 'account:*', 'acm:*', 'activate:*', 'artifact:*',
  'aws-marketplace-management:*', 'aws-marketplace:*', 'aws-portal:*', 'billing:*', 'billingconductor:*',
  'budgets:*', 'ce:*', 'chatbot:*', 'chime:*', 'cloudfront:*', 'cloudtrail:LookupEvents', 'compute-optimizer:*',
  'config:*', 'consoleapp:*', 'consolidatedbilling:*', 'cur:*', 'datapipeline:GetAccountLimits', 'devicefarm:*',
  'directconnect:*', 'ec2:DescribeRegions', 'ec2:DescribeTransitGateways', 'ec2:DescribeVpnGateways',
  'ecr-public:*', 'fms:*', 'freetier:*', 'globalaccelerator:*', 'health:*', 'iam:*', 'importexport:*',
  'invoicing:*', 'iq:*', 'kms:*', 'license-manager:ListReceivedLicenses', 'lightsail:Get*', 'mobileanalytics:*',
  'networkmanager:*', 'notifications-contacts:*', 'notifications:*', 'organizations:*', 'payments:*', 'pricing:*',
  'quicksight:DescribeAccountSubscription', 'resource-explorer-2:*', 'route53-recovery-cluster:*',
  'route53-recovery-control-config:*', 'route53-recovery-readiness:*', 'route53:*', 'route53domains:*',
  's3:CreateMultiRegionAccessPoint', 's3:DeleteMultiRegionAccessPoint', 's3:DescribeMultiRegionAccessPointOperation',
  's3:GetAccountPublicAccessBlock', 's3:GetBucketLocation', 's3:GetBucketPolicyStatus', 's3:GetBucketPublicAccessBlock',
  's3:GetMultiRegionAccessPoint', 's3:GetMultiRegionAccessPointPolicy', 's3:GetMultiRegionAccessPointPolicyStatus',
  's3:GetStorageLensConfiguration', 's3:GetStorageLensDashboard', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints',
  's3:ListStorageLensConfigurations', 's3:PutAccountPublicAccessBlock', 's3:PutMultiRegionAccessPointPolicy',
  'savingsplans:*', 'shield:*', 'sso:*', 'sts:*', 'support:*', 'supportapp:*', 'supportplans:*', 'sustainability:*',
  'tag:GetResources', 'tax:*', 'trustedadvisor:*', 'vendor-insights:ListEntitledSecurityProfiles',
  'waf-regional:*', 'waf:*', 'wafv2:*',
];

const DETECTION_SERVICES: ProtectedService[] = ['guardduty', 'securityhub', 'macie', 'detective', 'inspector'];
const LOGGING_SERVICES: ProtectedService[] = ['cloudtrail', 'config', 'access-analyzer', 'firewall-manager'];

/** `arn:aws:iam::*:role/<pattern>` for the deployment role and every extra exempt role. */
export function exemptPrincipalArns(s: GuardrailSettings): string[] {
  return [s.deploymentRoleName, ...(s.exemptRoles ?? [])].map((r) => `arn:aws:iam::*:role/${r}`);
}

/**
 * The guardrail policies as data, in a fixed grouping so each stays under the 5,120-character limit
 * and a switch only ever empties (never reshuffles) a policy.
 */
export function guardrailPolicies(s: GuardrailSettings): GuardrailPolicy[] {
  const exempt = { ArnNotLike: { 'aws:PrincipalARN': exemptPrincipalArns(s) } };
  const services = new Set(s.protectedServices ?? (Object.keys(PROTECTED_ACTIONS) as ProtectedService[]));
  // One statement per group, not per service: each repeats the exemption list, which counts against the size limit.
  const protect = (sid: string, group: ProtectedService[]): Statement[] => {
    const actions = group.filter((x) => services.has(x)).flatMap((x) => PROTECTED_ACTIONS[x]);
    return actions.length === 0 ? [] : [{ Sid: sid, Effect: 'Deny', Action: actions, Resource: '*', Condition: exempt }];
  };

  const core: Statement[] = [];
  if (s.denyLeavingOrganization ?? true) {
    // Not even the deployment role needs to leave; nothing is exempt.
    core.push({ Sid: 'DenyLeavingOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' });
  }
  if (s.denyRootUser ?? true) {
    // AWS's sample (aws-samples/service-control-policy-examples, Privileged-access-controls/
    // Prevent-root-credentials-management-in-member-accounts-in-AWS-Organizations.json): the Null test on
    // aws:AssumedRoot, which only sts:AssumeRoot sessions carry (IAM user guide, "AWS global condition context
    // keys", aws:AssumedRoot), leaves centralized root access from the management account working.
    core.push({
      Sid: 'DenyRootUser',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' }, Null: { 'aws:AssumedRoot': 'true' } },
    });
  }
  if (s.protectDeploymentRole ?? true) {
    const role = `arn:aws:iam::*:role/${s.deploymentRoleName}`;
    core.push({ Sid: 'ProtectDeploymentRole', Effect: 'Deny', Action: ROLE_MUTATING_ACTIONS, Resource: role, Condition: exempt });
    core.push({
      Sid: 'ProtectDeploymentRolePolicies',
      Effect: 'Deny',
      Action: 'iam:AttachRolePolicy',
      Resource: role,
      // iam:PolicyARN is the policy being attached (Service Authorization Reference, IAM condition keys).
      Condition: { ...exempt, ArnNotEquals: { 'iam:PolicyARN': ATTACHABLE_DEPLOYMENT_POLICY } },
    });
  }
  core.push(...protect('ProtectLoggingAndConfiguration', LOGGING_SERVICES));
  const detection = protect('ProtectDetectionServices', DETECTION_SERVICES);
  // Same actions as the log-archive key policy's deny, for every key of that account: the SCP also holds for
  // keys whose policy org-guard does not own, whatever a key policy says. Its own policy: the exemption list
  // repeats in each statement and the baseline has no room left for another.
  const logArchiveKeys: Statement[] = s.logArchiveAccountId
    ? [{
        Sid: 'ProtectLogArchiveKeys',
        Effect: 'Deny',
        Action: KEY_DESTRUCTION_ACTIONS,
        Resource: `arn:aws:kms:*:${s.logArchiveAccountId}:key/*`,
        Condition: exempt,
      }]
    : [];

  const policies: GuardrailPolicy[] = [];
  const scp = (key: string, description: string, statements: Statement[], type: PolicyType = 'SERVICE_CONTROL_POLICY') => {
    if (statements.length > 0) {
      policies.push({ key, name: `org-guard-${key}`, description, type, document: { Version: '2012-10-17', Statement: statements } });
    }
  };
  scp('baseline-guardrails', 'org-guard: no leaving the organization, no root user, deployment role, logging and config services protected', core);
  scp('protect-detection', 'org-guard: GuardDuty, Security Hub, Macie, Detective and Inspector cannot be disabled or reconfigured', detection);
  scp('protect-log-archive-keys', 'org-guard: KMS keys of the log-archive account cannot be disabled, deleted, re-policied or re-aliased', logArchiveKeys);
  if (s.regionDeny?.enabled) {
    scp('region-deny', 'org-guard: no regional actions outside the governed regions', [{
      Sid: 'DenyOutsideGovernedRegions',
      Effect: 'Deny',
      NotAction: [...REGION_DENY_GLOBAL_ACTIONS, ...(s.regionDeny.extraGlobalActions ?? [])],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': [...s.governedRegions] },
        ArnNotLike: { 'aws:PrincipalARN': [...exemptPrincipalArns(s), ...(s.regionDeny.exemptPrincipalArns ?? [])] },
      },
    }]);
  }
  if (s.denyInsecureTransport ?? true) {
    scp('require-tls', 'org-guard: S3 and KMS refuse requests without TLS', [{
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*', 'kms:*'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
    }], 'RESOURCE_CONTROL_POLICY');
  }
  for (const p of policies) {
    const size = JSON.stringify(p.document).length;
    if (size > POLICY_SIZE_LIMIT) {
      throw new Error(
        `guardrail policy ${p.name} is ${size} characters; AWS Organizations allows ${POLICY_SIZE_LIMIT}: shorten guardrails.exemptRoles or guardrails.regionDeny.extraGlobalActions`,
      );
    }
  }
  return policies;
}

export interface GuardrailTarget {
  /** Readable, stable name used in construct ids: `root` or `ou-<name>`. */
  name: string;
  /** Root (r-...) or OU (ou-...) id; may be a token. */
  id: string;
}

export interface GuardrailsProps extends GuardrailSettings {
  targets: readonly GuardrailTarget[];
  /**
   * The organization resource (with SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY in
   * enabled_policy_types): attachments fail until the policy types are enabled.
   */
  dependsOn?: ITerraformDependable[];
}

/** Guardrail SCPs and the TLS resource control policy, attached to the root or OUs. */
export class Guardrails extends Construct {
  readonly policies: GuardrailPolicy[];

  constructor(scope: Construct, id: string, props: GuardrailsProps) {
    super(scope, id);
    this.policies = guardrailPolicies(props);
    for (const p of this.policies) attachedOrganizationPolicy(this, p.key, p, props.targets, props.dependsOn);
  }
}
