import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { OrganizationsOrganization } from '@cdktf/provider-aws/lib/organizations-organization';
import { RamSharingWithOrganization } from '@cdktf/provider-aws/lib/ram-sharing-with-organization';
export { KNOWN_POLICY_TYPES } from './organization-policy-types';

/** Service principals org-guard itself needs trusted access for. */
export const ORG_GUARD_SERVICE_PRINCIPALS = [
  'access-analyzer.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config-multiaccountsetup.amazonaws.com',
  'config.amazonaws.com',
  'detective.amazonaws.com',
  'fms.amazonaws.com',
  'guardduty.amazonaws.com',
  'inspector2.amazonaws.com',
  'macie.amazonaws.com',
  'malware-protection.guardduty.amazonaws.com',
  'securityhub.amazonaws.com',
] as const;

/** Trusted access RAM needs for resource sharing within the organization. */
export const RAM_SERVICE_PRINCIPAL = 'ram.amazonaws.com';

export const DEFAULT_POLICY_TYPES = ['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY'] as const;

export interface OrganizationProps {
  /** `o-...` id of the existing organization: it is imported, never created. */
  organizationId: string;
  /** Principals the organization already trusts outside org-guard (e.g. sso.amazonaws.com). */
  trustedServicesInUse?: readonly string[];
  /** Root policy types; default SCP and RCP. More can be added with enablePolicyType(). */
  enabledPolicyTypes?: readonly string[];
  /**
   * Resource sharing with the organization through AWS RAM (Firewall Manager shares the rule groups
   * of DNS Firewall and Network Firewall policies this way). Adds `ram.amazonaws.com` to trusted access.
   */
  resourceSharing?: boolean;
}

/**
 * The adopted organization. Both lists are authoritative in AWS: the provider's update calls
 * DisableAWSServiceAccess / DisablePolicyType for every principal or policy type missing here
 * (resourceOrganizationUpdate), so they are computed lazily and other constructs add to them.
 */
export class Organization extends Construct {
  readonly resource: OrganizationsOrganization;
  readonly resourceSharing?: RamSharingWithOrganization;
  private readonly principals: Set<string>;
  private readonly policyTypes: Set<string>;

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    this.principals = new Set([...ORG_GUARD_SERVICE_PRINCIPALS, ...(props.trustedServicesInUse ?? [])]);
    this.policyTypes = new Set(props.enabledPolicyTypes ?? DEFAULT_POLICY_TYPES);

    if (props.resourceSharing) {
      // EnableSharingWithAwsOrganization (RAM's own call) creates AWSServiceRoleForResourceAccessManager;
      // trusted access enabled through Organizations alone does not, and sharing then fails
      // (https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html#getting-started-sharing-orgs).
      // So the organization's update runs after it. Its Read requires ram.amazonaws.com in the trusted
      // list, and its Delete disables that trust (internal/service/ram/sharing_with_organization.go).
      this.resourceSharing = new RamSharingWithOrganization(this, 'resource-sharing', {});
      this.principals.add(RAM_SERVICE_PRINCIPAL);
    }

    this.resource = new OrganizationsOrganization(this, 'organization', {
      featureSet: 'ALL',
      awsServiceAccessPrincipals: Lazy.listValue({ produce: () => [...this.principals].sort() }),
      enabledPolicyTypes: Lazy.listValue({ produce: () => [...this.policyTypes].sort() }),
      lifecycle: { preventDestroy: true },
      dependsOn: this.resourceSharing ? [this.resourceSharing] : undefined,
    });
    this.resource.importFrom(props.organizationId);
  }

  /** Adds a trusted service principal (e.g. for a capability built elsewhere). */
  trustService(principal: string): void {
    this.principals.add(principal);
  }

  /** Enables a root policy type, e.g. TAG_POLICY or BACKUP_POLICY. */
  enablePolicyType(type: string): void {
    this.policyTypes.add(type);
  }

  get servicePrincipals(): string[] {
    return [...this.principals].sort();
  }

  get enabledPolicyTypes(): string[] {
    return [...this.policyTypes].sort();
  }
}
