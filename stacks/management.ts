import { Construct } from 'constructs';
import type { OrgConfig } from '../config/schema';
import { AccountStack } from './account-stack';
import { Guardrails } from '../modules/guardrails';
import { CostBudget } from '../modules/budget';
import { Organization } from '../modules/organization';
import { addManagementServices } from './wiring/security-services';
import { ROOT_TARGET } from '../config/sections/guardrails';
import { budgetRecipients } from '../config/sections/budget';
import { OrganizationTrail } from '../modules/organization-trail';
import { logArchiveNames } from '../modules/names';
import { CentralizedRootAccess } from '../modules/root-access';
import { OrganizationManagementPolicies } from '../modules/declarative-policies';
import { VerifyRole, verifyRoleArn } from '../modules/verify-role';

/** Organization management account: trusted access, delegated admins, organization trail, guardrails. */
export class ManagementStack extends AccountStack {
  readonly organization: Organization;

  constructor(scope: Construct, config: OrgConfig) {
    super(scope, 'management', { config, role: 'management', accountId: config.accounts.management.id });
    // Organization (trusted access, policy types), delegated admins and this account's own enrolment.
    this.organization = addManagementServices(this);

    const guardrails = config.guardrails;
    if (guardrails.enabled) {
      // Attachments need the policy types that the adopted organization enables on the root.
      const rootId = config.organization.rootId ?? this.organization.resource.roots.get(0).id;
      const ouIds = new Map(config.organization.organizationalUnits.map((u) => [u.name, u.id]));
      new Guardrails(this, 'guardrails', {
        deploymentRoleName: config.deployment.roleName,
        exemptRoles: guardrails.exemptRoles,
        governedRegions: config.organization.regions,
        denyLeavingOrganization: guardrails.denyLeavingOrganization,
        denyRootUser: guardrails.denyRootUser,
        protectDeploymentRole: guardrails.protectDeploymentRole,
        logArchiveAccountId: guardrails.protectLogArchiveKeys ? config.accounts.logArchive.id : undefined,
        protectedServices: guardrails.protectedServices,
        regionDeny: { ...guardrails.regionDeny, exemptPrincipalArns: regionDenyExemptions(config) },
        denyInsecureTransport: guardrails.denyInsecureTransport,
        targets: guardrails.targets.map((t) =>
          t === ROOT_TARGET ? { name: 'root', id: rootId } : { name: `ou-${t}`, id: ouIds.get(t)! }),
        dependsOn: [this.organization.resource],
      });
    }

    // Centralized root access and organization-wide management policies (organizationPolicies).
    const orgPolicies = config.organizationPolicies;
    if (orgPolicies.rootAccess.enabled) {
      new CentralizedRootAccess(this, 'root-access', {
        rootSessions: orgPolicies.rootAccess.rootSessions,
        dependsOn: [this.organization.resource],
      });
    }
    if (orgPolicies.ec2.enabled || orgPolicies.aiServicesOptOut.enabled) {
      const rootId = config.organization.rootId ?? this.organization.resource.roots.get(0).id;
      const ouIds = new Map(config.organization.organizationalUnits.map((u) => [u.name, u.id]));
      new OrganizationManagementPolicies(this, 'organization-policies', {
        ec2: orgPolicies.ec2,
        aiServicesOptOut: orgPolicies.aiServicesOptOut.enabled,
        targets: orgPolicies.targets.map((t) =>
          t === ROOT_TARGET ? { name: 'root', id: rootId } : { name: `ou-${t}`, id: ouIds.get(t)! }),
        dependsOn: [this.organization.resource],
      });
    }

    if (config.budget.enabled) {
      new CostBudget(this, 'budget', {
        accountId: config.accounts.management.id,
        monthlyLimitUsd: config.budget.monthlyLimitUsd,
        thresholds: config.budget.thresholds,
        forecastThreshold: config.budget.forecastThreshold,
        recipients: budgetRecipients(config),
      });
    }

    // Organization trail into the log archive (deployed first: its bucket and key exist by now).
    const logging = config.logging;
    const archive = logArchiveNames(config);
    new OrganizationTrail(this, 'organization-trail', {
      region: config.organization.homeRegion,
      name: archive.trailName,
      s3BucketName: archive.trailBucket,
      kmsKeyAliasArn: archive.keyAliasArn,
      dataEvents: logging.dataEvents,
      networkActivity: logging.networkActivity.enabled ? logging.networkActivity : undefined,
      cloudWatchLogs: logging.cloudWatchLogs.enabled ? { retentionDays: logging.cloudWatchLogs.retentionDays } : undefined,
      insights: logging.insights,
      // An organization trail needs CloudTrail's trusted access, which the adopted organization grants.
      dependsOn: [this.organization.resource],
    });

    // Read-only role for `npm run verify` (opt-in): trusted by CI; chains into the security account's role.
    const verify = config.verify;
    if (verify.createRole) {
      new VerifyRole(this, 'verify-role', {
        account: 'management',
        accountId: config.accounts.management.id,
        organizationId: config.organization.id,
        roleName: verify.roleName,
        trustedPrincipalArns: verify.trustedPrincipalArns,
        githubOidc: verify.githubOidc,
        securityRoleArn: verifyRoleArn(config.accounts.security.id, verify.roleName),
      });
    }
  }
}


/**
 * Roles of org-guard itself that act outside the governed regions, which the region deny must leave alone:
 * the us-east-1 Firehose stream for CloudFront WAF logs delivers as its own role in the security account
 * (a customer role, so SCPs apply to it). Nothing else needs an entry: AWS Config recorders and Firewall
 * Manager act through service-linked roles, which SCPs never restrict (Organizations guide, "Service control
 * policies"); config:* and fms:* are global actions of the list; the FMS administrator registration is made
 * by the management account, which SCPs do not affect; Terraform runs as the exempt deployment role.
 */
export function regionDenyExemptions(config: OrgConfig): string[] {
  const fm = config.firewallManager;
  const cloudFrontLogs = fm.enabled && fm.waf.enabled && fm.waf.cloudFront && fm.waf.logging;
  // CloudFront-scope web ACLs and their log streams exist only in us-east-1.
  if (!cloudFrontLogs || config.organization.regions.includes('us-east-1')) return [];
  return [logArchiveNames(config).wafFirehoseRoleArn];
}
