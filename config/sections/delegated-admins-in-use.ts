import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { fail, strictObject, type ValidAt } from '../zod-helpers';
import { ORGANIZATIONS_DELEGATED_PRINCIPALS, delegatedAdminRegions, organizationsDelegatedPrincipals } from './removal';

// organization.delegatedAdminsInUse: registrations of the security account that already exist, adopted
// with an import block instead of being created again. Creating them again fails:
// - Organizations (config, config-multiaccountsetup, access-analyzer): RegisterDelegatedAdministrator returns
//   AccountAlreadyRegisteredException
//   (https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html).
// - GuardDuty: EnableOrganizationAdminAccount returns BadRequestException "The request failed because the account is
//   already enabled as the GuardDuty delegated administrator for the organization" (observed CLI output,
//   https://zenn.dev/hiroga/scraps/b7f24f6079ec55; the API reference lists only BadRequestException), and the
//   provider's Create passes every error on (internal/service/guardduty/organization_admin_account.go).
// - Firewall Manager: the provider's Create itself refuses an existing READY admin: "FMS Admin Account (...) already
//   associated: import this Terraform resource to manage" (internal/service/fms/admin_account.go).
// - Security Hub, Detective, Macie: Create passes every EnableOrganizationAdminAccount error on, and the API
//   references do not say a repeated call succeeds; Inspector's Create ignores ConflictException "already enabled"
//   (internal/service/inspector2/delegated_admin_account.go). Importing is safe for all of them: each importer is
//   ImportStatePassthrough with the admin account id, and Read looks that id up in the service's admin list.

/** Registrations org-guard makes through a service's own API, by the principal that names the service. */
export const SERVICE_ADMIN_PRINCIPALS = {
  'guardduty.amazonaws.com': 'guardDuty',
  'securityhub.amazonaws.com': 'securityHub',
  'detective.amazonaws.com': 'detective',
  'inspector2.amazonaws.com': 'inspector',
  'macie.amazonaws.com': 'macie',
  'fms.amazonaws.com': 'firewallManager',
} as const;

type ServiceAdmin = (typeof SERVICE_ADMIN_PRINCIPALS)[keyof typeof SERVICE_ADMIN_PRINCIPALS];
export type RegionalAdmin = Exclude<ServiceAdmin, 'firewallManager'>;

export const KNOWN_ADMIN_PRINCIPALS: readonly string[] = [...Object.keys(SERVICE_ADMIN_PRINCIPALS), ...ORGANIZATIONS_DELEGATED_PRINCIPALS];

const FORMAT = 'each entry is a service principal (e.g. guardduty.amazonaws.com) or { principal, regions: [region, ...] }';

export const delegatedAdminInUse = z.union(
  [
    z.string(),
    strictObject({
      principal: z.string().describe('Service principal of the existing registration.'),
      regions: z.array(z.string()).optional()
        .describe('Regions where the registration exists (regional services only); default: every region where org-guard registers the service.'),
    }),
  ],
  { error: (issue) => (issue.input === undefined ? undefined : `${FORMAT}, got ${JSON.stringify(issue.input)}`) },
);

/** Where org-guard registers the principal with this config: regions, 'global' (one registration), or not at all. */
function registrationOf(cfg: OrgConfig, principal: string): string[] | 'global' | undefined {
  if ((organizationsDelegatedPrincipals(cfg) as string[]).includes(principal)) return 'global';
  const service = SERVICE_ADMIN_PRINCIPALS[principal as keyof typeof SERVICE_ADMIN_PRINCIPALS];
  if (service === undefined) return undefined;
  // Firewall Manager's admin is registered in every config (management stack), once, in us-east-1.
  if (service === 'firewallManager') return 'global';
  const regions = delegatedAdminRegions(cfg, service);
  if (regions.length === 0) return undefined;
  return service === 'securityHub' ? [cfg.organization.homeRegion] : regions;
}

function registeredPrincipals(cfg: OrgConfig): string[] {
  return KNOWN_ADMIN_PRINCIPALS.filter((p) => registrationOf(cfg, p) !== undefined);
}

const entryPrincipal = (e: OrgConfig['organization']['delegatedAdminsInUse'][number]) => (typeof e === 'string' ? e : e.principal);

export function checkDelegatedAdminsInUse(cfg: OrgConfig, ctx: z.RefinementCtx, valid: ValidAt): void {
  const base = ['organization', 'delegatedAdminsInUse'];
  const seen = new Map<string, number>();
  const allowed = registeredPrincipals(cfg).join(', ');
  cfg.organization.delegatedAdminsInUse.forEach((entry, i) => {
    if (!valid(...base, i)) return;
    const principal = entryPrincipal(entry);
    const path = typeof entry === 'string' ? [...base, i] : [...base, i, 'principal'];
    const first = seen.get(principal);
    if (first !== undefined) {
      fail(ctx, path, `"${principal}" is already listed at index ${first}; list each principal once`);
      return;
    }
    seen.set(principal, i);
    const registration = registrationOf(cfg, principal);
    if (registration === undefined) {
      const why = KNOWN_ADMIN_PRINCIPALS.includes(principal)
        ? `org-guard does not register it with this config (${serviceKeyOf(principal)} is off)`
        : 'org-guard does not register a delegated administrator for it';
      fail(ctx, path, `"${principal}": ${why}; allowed: ${allowed}`);
      return;
    }
    if (typeof entry === 'string' || entry.regions === undefined) return;
    if (registration === 'global') {
      fail(ctx, [...base, i, 'regions'],
        `"${principal}" is one registration for the whole organization, not one per region: list the principal alone, without regions`);
      return;
    }
    if (entry.regions.length === 0) {
      fail(ctx, [...base, i, 'regions'],
        `empty list: omit regions when the registration exists in every region org-guard registers "${principal}" in (${registration.join(', ')}), or list those where it exists`);
    }
    const seenRegions = new Map<string, number>();
    entry.regions.forEach((region, j) => {
      const at = [...base, i, 'regions', j];
      const firstRegion = seenRegions.get(region);
      if (firstRegion !== undefined) fail(ctx, at, `region "${region}" is already listed at index ${firstRegion}; list each region once`);
      else if (!registration.includes(region)) {
        fail(ctx, at, `org-guard does not register "${principal}" in region "${region}"; it does in: ${registration.join(', ')}`);
      }
      seenRegions.set(region, j);
    });
  });
}

function serviceKeyOf(principal: string): string {
  const service = SERVICE_ADMIN_PRINCIPALS[principal as keyof typeof SERVICE_ADMIN_PRINCIPALS];
  return service ? `services.${service}` : 'services.accessAnalyzer';
}

export interface AdoptedDelegatedAdmins {
  /** Organizations-level principals to import (`<account>/<principal>`). */
  organizations: string[];
  /** Regions per service whose admin registration is imported (`<account>@<region>`). */
  regions: Record<RegionalAdmin, string[]>;
  /** The Firewall Manager admin is imported (`<account>`). */
  firewallManager: boolean;
}

/** The existing registrations the management stack adopts, for exactly the regions the config declares. */
export function adoptedDelegatedAdmins(cfg: OrgConfig): AdoptedDelegatedAdmins {
  const adopted: AdoptedDelegatedAdmins = {
    organizations: [],
    regions: { guardDuty: [], securityHub: [], detective: [], inspector: [], macie: [] },
    firewallManager: false,
  };
  for (const entry of cfg.organization.delegatedAdminsInUse) {
    const principal = entryPrincipal(entry);
    const registration = registrationOf(cfg, principal);
    if (registration === undefined) continue;
    const service = SERVICE_ADMIN_PRINCIPALS[principal as keyof typeof SERVICE_ADMIN_PRINCIPALS];
    if (service === undefined) adopted.organizations.push(principal);
    else if (service === 'firewallManager') adopted.firewallManager = true;
    else if (registration !== 'global') {
      const declared = typeof entry === 'string' ? undefined : entry.regions;
      adopted.regions[service] = registration.filter((r) => declared === undefined || declared.includes(r));
    }
  }
  return adopted;
}
