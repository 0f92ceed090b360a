import { Construct } from 'constructs';
import type { ITerraformDependable, TerraformProvider, TerraformResource } from 'cdktf';
import { GuarddutyOrganizationAdminAccount } from '@cdktf/provider-aws/lib/guardduty-organization-admin-account';
import { DetectiveOrganizationAdminAccount } from '@cdktf/provider-aws/lib/detective-organization-admin-account';
import { Inspector2DelegatedAdminAccount } from '@cdktf/provider-aws/lib/inspector2-delegated-admin-account';
import { Macie2OrganizationAdminAccount } from '@cdktf/provider-aws/lib/macie2-organization-admin-account';
import { SecurityhubOrganizationAdminAccount } from '@cdktf/provider-aws/lib/securityhub-organization-admin-account';
import { FmsAdminAccount } from '@cdktf/provider-aws/lib/fms-admin-account';
import { OrganizationsDelegatedAdministrator } from '@cdktf/provider-aws/lib/organizations-delegated-administrator';

export interface DelegatedAdminsProps {
  /** The delegated administrator of every security service. */
  adminAccountId: string;
  /** Trusted access must exist before any designation: usually the organization resource. */
  dependsOn: ITerraformDependable[];
  /** Regions per regional service; an empty list registers nothing for that service. */
  guardDutyRegions?: readonly string[];
  detectiveRegions?: readonly string[];
  inspectorRegions?: readonly string[];
  macieRegions?: readonly string[];
  /** Home region of the Security Hub aggregator; undefined: no Security Hub admin. */
  securityHubRegion?: string;
  /** Register the Firewall Manager admin (default true). */
  firewallManager?: boolean;
  /** Provider for the FMS call when the stack's provider is not in us-east-1. */
  firewallManagerProvider?: TerraformProvider;
  /** Service principals registered through Organizations (Config, access-analyzer, ...). */
  organizationsServicePrincipals?: readonly string[];
  /**
   * Those of organizationsServicePrincipals the admin account is already registered for: imported
   * (id `<account>/<principal>`), since RegisterDelegatedAdministrator refuses a second registration
   * with AccountAlreadyRegisteredException.
   */
  adoptedServicePrincipals?: readonly string[];
}

/**
 * Delegated-administrator registrations made by the management account. They hold the
 * organization's security administration, so they are protected from destroy.
 */
export class DelegatedAdmins extends Construct {
  readonly registrations: TerraformResource[] = [];

  constructor(scope: Construct, id: string, props: DelegatedAdminsProps) {
    super(scope, id);
    const admin = props.adminAccountId;
    const common = { dependsOn: props.dependsOn, lifecycle: { preventDestroy: true } };
    const add = <T extends TerraformResource>(r: T): T => {
      this.registrations.push(r);
      return r;
    };

    for (const region of props.guardDutyRegions ?? []) {
      add(new GuarddutyOrganizationAdminAccount(this, `guardduty-${region}`, { region, adminAccountId: admin, ...common }));
    }
    for (const region of props.detectiveRegions ?? []) {
      add(new DetectiveOrganizationAdminAccount(this, `detective-${region}`, { region, accountId: admin, ...common }));
    }
    for (const region of props.inspectorRegions ?? []) {
      add(new Inspector2DelegatedAdminAccount(this, `inspector-${region}`, {
        region,
        accountId: admin,
        timeouts: { create: '30m', delete: '30m' },
        ...common,
      }));
    }
    for (const region of props.macieRegions ?? []) {
      add(new Macie2OrganizationAdminAccount(this, `macie-${region}`, { region, adminAccountId: admin, ...common }));
    }
    if (props.securityHubRegion) {
      add(new SecurityhubOrganizationAdminAccount(this, 'securityhub', { region: props.securityHubRegion, adminAccountId: admin, ...common }));
    }
    if (props.firewallManager ?? true) {
      // Global resource without a region argument: the call goes to the provider's region, which must be us-east-1.
      add(new FmsAdminAccount(this, 'fms', {
        accountId: admin,
        provider: props.firewallManagerProvider,
        timeouts: { create: '30m', delete: '30m' },
        ...common,
      }));
    }
    for (const principal of props.organizationsServicePrincipals ?? []) {
      const name = principal.replace(/\.amazonaws\.com$/, '');
      const registration = add(new OrganizationsDelegatedAdministrator(this, `organizations-${name}`, { accountId: admin, servicePrincipal: principal, ...common }));
      if (props.adoptedServicePrincipals?.includes(principal)) registration.importFrom(`${admin}/${principal}`);
    }
  }
}
