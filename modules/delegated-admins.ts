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
  /**
   * Regions per service where the admin account is already the service's delegated administrator: imported,
   * not enabled again (see config/sections/delegated-admins-in-use.ts for which services refuse a second call).
   */
  adoptedRegions?: Partial<Record<'guardDuty' | 'detective' | 'inspector' | 'macie' | 'securityHub', readonly string[]>>;
  /** The admin account is already the Firewall Manager administrator: imported. */
  adoptedFirewallManager?: boolean;
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

    // Each importer is ImportStatePassthrough: the id is the admin account id, which Read looks up in the
    // service's list of admins (internal/service/{guardduty,detective,macie2,securityhub}/organization_admin_account.go,
    // inspector2/delegated_admin_account.go). Provider 6 takes the region from an `@<region>` suffix and otherwise uses
    // the provider's region, and a different `region` in the config then forces replacement
    // (internal/provider/sdkv2/region.go importRegion, forceNewIfRegionChanges).
    const adopt = (r: TerraformResource, service: keyof NonNullable<DelegatedAdminsProps['adoptedRegions']>, region: string) => {
      if (props.adoptedRegions?.[service]?.includes(region)) r.importFrom(`${admin}@${region}`);
    };
    for (const region of props.guardDutyRegions ?? []) {
      adopt(add(new GuarddutyOrganizationAdminAccount(this, `guardduty-${region}`, { region, adminAccountId: admin, ...common })), 'guardDuty', region);
    }
    for (const region of props.detectiveRegions ?? []) {
      adopt(add(new DetectiveOrganizationAdminAccount(this, `detective-${region}`, { region, accountId: admin, ...common })), 'detective', region);
    }
    for (const region of props.inspectorRegions ?? []) {
      adopt(add(new Inspector2DelegatedAdminAccount(this, `inspector-${region}`, {
        region,
        accountId: admin,
        timeouts: { create: '30m', delete: '30m' },
        ...common,
      })), 'inspector', region);
    }
    for (const region of props.macieRegions ?? []) {
      adopt(add(new Macie2OrganizationAdminAccount(this, `macie-${region}`, { region, adminAccountId: admin, ...common })), 'macie', region);
    }
    if (props.securityHubRegion) {
      const region = props.securityHubRegion;
      adopt(add(new SecurityhubOrganizationAdminAccount(this, 'securityhub', { region, adminAccountId: admin, ...common })), 'securityHub', region);
    }
    if (props.firewallManager ?? true) {
      // Global resource without a region argument: the call goes to the provider's region, which must be us-east-1.
      const fms = add(new FmsAdminAccount(this, 'fms', {
        accountId: admin,
        provider: props.firewallManagerProvider,
        timeouts: { create: '30m', delete: '30m' },
        ...common,
      }));
      // Not region-aware in provider 6 (website/docs/guides/enhanced-region-support: "Global resources in regional
      // services"), so no `@region`; imported through the same us-east-1 provider as the resource.
      if (props.adoptedFirewallManager) fms.importFrom(admin, props.firewallManagerProvider);
    }
    for (const principal of props.organizationsServicePrincipals ?? []) {
      const name = principal.replace(/\.amazonaws\.com$/, '');
      const registration = add(new OrganizationsDelegatedAdministrator(this, `organizations-${name}`, { accountId: admin, servicePrincipal: principal, ...common }));
      if (props.adoptedServicePrincipals?.includes(principal)) registration.importFrom(`${admin}/${principal}`);
    }
  }
}
