import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { OrganizationsOrganization } from '@cdktf/provider-aws/lib/organizations-organization';

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

export const DEFAULT_POLICY_TYPES = ['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY'] as const;

export interface OrganizationProps {
  /** `o-...` id of the existing organization: it is imported, never created. */
  organizationId: string;
  /** Principals the organization already trusts outside org-guard (e.g. sso.amazonaws.com). */
  trustedServicesInUse?: readonly string[];
  /** Root policy types; default SCP and RCP. More can be added with enablePolicyType(). */
  enabledPolicyTypes?: readonly string[];
}

/**
 * The adopted organization. Both lists are authoritative in AWS: a principal or policy type missing
 * here is disabled on apply, so they are computed lazily and other constructs add to them.
 */
export class Organization extends Construct {
  readonly resource: OrganizationsOrganization;
  private readonly principals: Set<string>;
  private readonly policyTypes: Set<string>;

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    this.principals = new Set([...ORG_GUARD_SERVICE_PRINCIPALS, ...(props.trustedServicesInUse ?? [])]);
    this.policyTypes = new Set(props.enabledPolicyTypes ?? DEFAULT_POLICY_TYPES);

    this.resource = new OrganizationsOrganization(this, 'organization', {
      featureSet: 'ALL',
      awsServiceAccessPrincipals: Lazy.listValue({ produce: () => [...this.principals].sort() }),
      enabledPolicyTypes: Lazy.listValue({ produce: () => [...this.policyTypes].sort() }),
      lifecycle: { preventDestroy: true },
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
}
