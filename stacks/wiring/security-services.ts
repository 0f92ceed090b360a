import type { ITerraformDependable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { MemberAccount } from '../../config/schema';
import { enrolsFromOwnStack, serviceRegions } from '../../config/sections/services';
import { adminAccountOnlyRegions, delegatedAdminRegions, organizationsDelegatedPrincipals } from '../../config/sections/removal';
import { adoptedDelegatedAdmins } from '../../config/sections/delegated-admins-in-use';
import { Organization } from '../../modules/organization';
import { enabledPolicyTypes, resourceSharingNeeded } from './organization';
import { DelegatedAdmins } from '../../modules/delegated-admins';
import { GuardDutyOrganization } from '../../modules/guardduty';
import { SecurityHubCentralConfiguration } from '../../modules/security-hub';
import { DetectiveOrganization } from '../../modules/detective';
import { InspectorOrganization } from '../../modules/inspector';
import { MacieOrganization } from '../../modules/macie';
import { AccessAnalyzerOrganization } from '../../modules/access-analyzer';
import { SecurityHubAutomationRules } from '../../modules/security-hub-automation-rules';
import { GuardDutyMalwareProtectionS3 } from '../../modules/guardduty-malware-s3';
import { ruleAccountIds, securityHubControlParameters } from '../../config/sections/security-hub-tuning';
import { accountIdOf, internalAccessRegion, resolvedFilter } from '../../config/sections/access-analyzer-rules';
import { bucketRegion } from '../../config/sections/malware-protection';
import { ConfigOrganizationAggregator } from '../../modules/config-aggregator';
import { MemberRegistrations, type MemberRegistrationsProps } from '../../modules/member-registrations';
import { roleArnFor, type AccountStack } from '../account-stack';
import { organizationPolicyTypes } from '../../config/sections/organization-policies';

// Wiring of the organization-wide security services into the account stacks: config in, constructs out.
// Nothing here iterates over member accounts, so core stacks keep their size whatever the organization's.

/** Management: adopted organization, trusted access, delegated admins, and its own enrolment. */
export function addManagementServices(stack: AccountStack): Organization {
  const cfg = stack.config;
  const { organization, accounts, deployment } = cfg;
  const org = new Organization(stack, 'organization', {
    organizationId: organization.id,
    trustedServicesInUse: organization.trustedServicesInUse,
    enabledPolicyTypes: enabledPolicyTypes(cfg),
    resourceSharing: resourceSharingNeeded(cfg),
  });
  // Centralized root access needs IAM's trusted access; organization policies need their types on the root.
  if (cfg.organizationPolicies.rootAccess.enabled) org.trustService('iam.amazonaws.com');
  for (const type of organizationPolicyTypes(cfg)) org.enablePolicyType(type);

  // aws_fms_admin_account has no region argument and must be called in us-east-1.
  const fmsProvider = organization.homeRegion === 'us-east-1'
    ? undefined
    : new AwsProvider(stack, 'aws-us-east-1', {
      alias: 'us-east-1',
      region: 'us-east-1',
      allowedAccountIds: [accounts.management.id],
      assumeRole: deployment.managementRoleName
        ? [{ roleArn: roleArnFor(accounts.management.id, deployment.managementRoleName), sessionName: deployment.sessionName }]
        : undefined,
      defaultTags: [{ tags: stack.defaultTags }],
    });

  const adopted = adoptedDelegatedAdmins(cfg);
  new DelegatedAdmins(stack, 'delegated-admins', {
    adminAccountId: accounts.security.id,
    dependsOn: [org.resource],
    // Registrations outlive the service for one deploy (removal.keepDelegatedAdmins): see config/sections/removal.ts.
    guardDutyRegions: delegatedAdminRegions(cfg, 'guardDuty'),
    detectiveRegions: delegatedAdminRegions(cfg, 'detective'),
    inspectorRegions: delegatedAdminRegions(cfg, 'inspector'),
    macieRegions: delegatedAdminRegions(cfg, 'macie'),
    securityHubRegion: delegatedAdminRegions(cfg, 'securityHub').length > 0 ? organization.homeRegion : undefined,
    firewallManager: true,
    firewallManagerProvider: fmsProvider,
    organizationsServicePrincipals: organizationsDelegatedPrincipals(cfg),
    adoptedServicePrincipals: adopted.organizations,
    adoptedRegions: adopted.regions,
    adoptedFirewallManager: adopted.firewallManager,
  });

  return org;
}

/** Security (delegated admin): organization configuration of every service in every governed region. */
export function addSecurityServices(stack: AccountStack): void {
  const cfg = stack.config;
  const s = cfg.services;
  const home = cfg.organization.homeRegion;
  const securityId = cfg.accounts.security.id;

  for (const region of serviceRegions(cfg, 'guardDuty')) {
    new GuardDutyOrganization(stack, `guardduty-${region}`, {
      region,
      protection: s.guardDuty.protection,
      findingPublishingFrequency: s.guardDuty.findingPublishingFrequency,
      trustedIpLists: s.guardDuty.trustedIpLists,
      threatIntelLists: s.guardDuty.threatIntelLists,
    });
  }
  // While a registration is kept (removal.keepDelegatedAdmins), the admin's own resource stays: AWS refuses
  // to remove it while the account is the administrator (config/sections/removal.ts, adminAccountOnlyRegions).
  for (const region of adminAccountOnlyRegions(cfg, 'guardDuty')) {
    new GuardDutyOrganization(stack, `guardduty-${region}`, {
      region, findingPublishingFrequency: s.guardDuty.findingPublishingFrequency, adminAccountOnly: true,
    });
  }

  // Enrolling an existing account needs the admin set up first in that service and region.
  const adminReady: ITerraformDependable[] = [];
  const graphArns: Record<string, string> = {};
  for (const region of serviceRegions(cfg, 'detective')) {
    const detective = new DetectiveOrganization(stack, `detective-${region}`, { region });
    graphArns[region] = detective.graph.graphArn;
    adminReady.push(detective.graph);
  }
  for (const region of adminAccountOnlyRegions(cfg, 'detective')) {
    new DetectiveOrganization(stack, `detective-${region}`, { region, adminAccountOnly: true });
  }

  for (const region of serviceRegions(cfg, 'inspector')) {
    const inspector = new InspectorOrganization(stack, `inspector-${region}`, {
      region, adminAccountId: securityId, scanTypes: s.inspector.scanTypes, codeRepository: s.inspector.codeSecurity.autoEnable,
    });
    adminReady.push(inspector.enabler);
  }
  for (const region of adminAccountOnlyRegions(cfg, 'inspector')) {
    new InspectorOrganization(stack, `inspector-${region}`, {
      region, adminAccountId: securityId, scanTypes: s.inspector.scanTypes, adminAccountOnly: true,
    });
  }

  for (const region of serviceRegions(cfg, 'macie')) {
    const macie = new MacieOrganization(stack, `macie-${region}`, {
      region,
      findingPublishingFrequency: s.macie.findingPublishingFrequency,
      adminAccountId: securityId,
    });
    adminReady.push(macie.account);
  }
  for (const region of adminAccountOnlyRegions(cfg, 'macie')) {
    new MacieOrganization(stack, `macie-${region}`, {
      region, findingPublishingFrequency: s.macie.findingPublishingFrequency, adminAccountId: securityId, adminAccountOnly: true,
    });
  }

  // The management and log-archive accounts deploy before this stack, so their enrolment cannot sit in
  // their own stacks (the security account is not set up yet then); two accounts keep this stack's size fixed.
  for (const [name, account] of [['management', cfg.accounts.management], ['log-archive', cfg.accounts.logArchive]] as const) {
    enrolAccount(stack, name, account, {
      provider: stack.provider,
      detectiveGraphArns: { ...cfg.services.detective.graphArns, ...graphArns },
      dependsOn: adminReady,
    });
  }

  const analyzerRegions = serviceRegions(cfg, 'accessAnalyzer');
  if (analyzerRegions.length > 0) {
    new AccessAnalyzerOrganization(stack, 'access-analyzer', {
      regions: analyzerRegions,
      homeRegion: home,
      unusedAccess: s.accessAnalyzer.unusedAccess,
      internalAccess: {
        enabled: s.accessAnalyzer.internalAccess.enabled,
        region: internalAccessRegion(cfg),
        inclusions: s.accessAnalyzer.internalAccess.include.map((i) => ({
          accountIds: i.accounts.map((a) => accountIdOf(cfg, a)),
          resourceTypes: i.resourceTypes,
          resourceArns: i.resourceArns,
        })),
      },
      archiveRules: s.accessAnalyzer.archiveRules.map((r) => ({ name: r.name, analyzer: r.analyzer, filter: resolvedFilter(cfg, r) })),
    });
  }

  if (s.configAggregator.enabled) {
    new ConfigOrganizationAggregator(stack, 'config-aggregator', { region: home });
  }

  if (s.securityHub.enabled) {
    const securityHub = new SecurityHubCentralConfiguration(stack, 'securityhub', {
      homeRegion: home,
      linkedRegions: serviceRegions(cfg, 'securityHub'),
      adminAccountId: securityId,
      rootId: cfg.organization.rootId,
      standards: s.securityHub.standards,
      disabledControls: s.securityHub.disabledControls,
      controlParameters: securityHubControlParameters(cfg),
    });
    if (s.securityHub.automationRules.length > 0) {
      new SecurityHubAutomationRules(stack, 'securityhub-automation-rules', {
        region: home,
        dependsOn: [securityHub.account],
        rules: s.securityHub.automationRules.map((r, i) => ({
          name: r.name,
          description: r.description,
          order: r.order ?? i + 1,
          terminal: r.terminal,
          enabled: r.enabled,
          accountIds: ruleAccountIds(cfg, r),
          controlIds: r.match.controls,
          severities: r.match.severities,
          productNames: r.match.productNames,
          resourceTypes: r.match.resourceTypes,
          workflowStatuses: r.match.workflowStatuses,
          workflowStatus: r.actions.workflowStatus,
          severity: r.actions.severity,
          note: r.actions.note,
        })),
      });
    }
  } else if (delegatedAdminRegions(cfg, 'securityHub').length > 0) {
    new SecurityHubCentralConfiguration(stack, 'securityhub', {
      homeRegion: home, linkedRegions: [], adminAccountId: securityId, adminAccountOnly: true,
    });
  }
}

/**
 * The stack's own account enrolled with Inspector, Macie and Detective (existing accounts are not
 * covered by organization auto-enable), through one aliased provider for the security account.
 */
/**
 * GuardDuty Malware Protection for S3 of a member's buckets, in the member's own stack (the plan and
 * its role belong to the bucket owner's account).
 */
export function addMalwareProtection(stack: AccountStack, member: MemberAccount): void {
  const buckets = member.s3MalwareProtection ?? [];
  if (buckets.length === 0) return;
  new GuardDutyMalwareProtectionS3(stack, 'guardduty-malware-protection-s3', {
    accountId: member.id,
    buckets: buckets.map((b) => ({ bucket: b.bucket, region: bucketRegion(stack.config, b), prefixes: b.prefixes, kmsKeyArn: b.kmsKeyArn, tagging: b.tagging })),
  });
}

/** A member account's enrolment, from its own stack through an aliased provider for the security account. */
export function addOwnRegistrations(stack: AccountStack, account: { id: string; email?: string }): void {
  const cfg = stack.config;
  const security = cfg.accounts.security.id;
  enrolAccount(stack, stack.node.id, account, {
    securityProvider: {
      securityAccountId: security,
      roleArn: roleArnFor(security, cfg.deployment.roleName),
      sessionName: cfg.deployment.sessionName,
      region: cfg.organization.homeRegion,
      tags: stack.defaultTags,
    },
    detectiveGraphArns: cfg.services.detective.graphArns,
  });
}

function enrolAccount(
  stack: AccountStack,
  stackName: string,
  account: { id: string; email?: string },
  via: Pick<MemberRegistrationsProps, 'provider' | 'securityProvider' | 'detectiveGraphArns' | 'dependsOn'>,
): void {
  const cfg = stack.config;
  if (!enrolsFromOwnStack(cfg, stackName)) return;
  const inspectorRegions = serviceRegions(cfg, 'inspector');
  const macieRegions = serviceRegions(cfg, 'macie');
  const detectiveRegions = serviceRegions(cfg, 'detective');
  if (inspectorRegions.length + macieRegions.length + detectiveRegions.length === 0) return;
  // Member stacks keep their original id; core accounts are enrolled from the security stack.
  const id = stack.node.id === stackName ? 'security-registrations' : `registrations-${stackName}`;
  new MemberRegistrations(stack, id, {
    accountId: account.id,
    email: account.email,
    inspectorRegions,
    inspectorScanTypes: cfg.services.inspector.scanTypes,
    macieRegions,
    detectiveRegions,
    ...via,
  });
}
