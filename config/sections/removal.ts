import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { AWS_REGIONS } from '../regions';
import { REGIONAL_SERVICES, serviceRegions, type RegionalService } from './services';
import { fail, strictObject } from '../zod-helpers';

// Taking a service or a region away must not deregister its delegated administrator before the
// security and member stacks have removed what only the administrator may remove (organization
// configuration, memberships): `cdktf deploy '*'` applies management first. So the registration stays,
// listed here, for one deploy; the README's runbook ("Turning a service off, removing a region").

export const removalSchema = strictObject({
  keepDelegatedAdmins: strictObject({
    services: z
      .array(z.enum(REGIONAL_SERVICES, { error: (i) => `unknown service "${String(i.input)}"; allowed: ${REGIONAL_SERVICES.join(', ')}` }))
      .default([])
      .describe('Services just switched off (enabled: false) whose delegated-admin registration the management stack keeps until the security and member stacks have removed their resources.'),
    regions: z
      .array(z.enum(AWS_REGIONS as [string, ...string[]], { error: (i) => `unknown region "${String(i.input)}"` }))
      .default([])
      .describe('Regions just removed from organization.regions (or excluded for a service) whose delegated-admin registrations the management stack keeps until the other stacks have removed their resources there.'),
  }).prefault({}),
}).prefault({});

export function checkRemoval(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const kept = cfg.removal.keepDelegatedAdmins;
  const base = ['removal', 'keepDelegatedAdmins'];
  kept.services.forEach((service, i) => {
    if (cfg.services[service].enabled) {
      fail(ctx, [...base, 'services', i],
        `${service} is enabled (services.${service}.enabled), so its delegated administrator stays anyway; list a service here only in the deploy that switches it off`);
    }
  });
  kept.regions.forEach((region, i) => {
    const stillUsed = REGIONAL_SERVICES.filter((s) => cfg.services[s].enabled && !cfg.services[s].excludedRegions.includes(region));
    if (cfg.organization.regions.includes(region) && stillUsed.length === REGIONAL_SERVICES.filter((s) => cfg.services[s].enabled).length) {
      fail(ctx, [...base, 'regions', i],
        `region "${region}" is governed and no service excludes it, so its registrations stay anyway; list a region here only in the deploy that removes it from organization.regions`);
    }
  });
}

/**
 * Regions where the management stack registers the service's delegated administrator: where the
 * service runs, plus what the removal section keeps for the deploy that takes it away.
 */
export function delegatedAdminRegions(cfg: OrgConfig, service: RegionalService): string[] {
  const kept = cfg.removal.keepDelegatedAdmins;
  const keptService = kept.services.includes(service);
  // A switched-off service keeps the regions it ran in (its excludedRegions stay in the config and
  // never had a registration): keeping must not designate a new administrator anywhere.
  const excluded = new Set(cfg.services[service].excludedRegions);
  const regions = keptService ? cfg.organization.regions.filter((r) => !excluded.has(r)) : serviceRegions(cfg, service);
  if (cfg.services[service].enabled || keptService) regions.push(...kept.regions);
  return [...new Set(regions)];
}

/**
 * Regions where the security stack keeps only the administrator's own service resource (GuardDuty
 * detector, Detective graph, Inspector enabler, Macie session, Security Hub hub) while the registration
 * is kept: AWS refuses to remove it while the account is still the delegated administrator with
 * members, and the member stacks (deployed after security) still hold memberships. It goes in the
 * security deploy after management has deregistered the administrator. Evidence:
 * - GuardDuty DeleteDetector: "cannot delete detector while it has invited or associated members"
 *   (internal/service/guardduty/detector.go resourceDetectorDelete); organization members cannot be
 *   disassociated while auto-enable is ALL (API_DisassociateMembers.html), and must be disassociated and
 *   deleted before the administrator is removed (guardduty/latest/ug/change-guardduty-delegated-admin.html).
 * - Security Hub DisableSecurityHub: "You can't disable Security Hub in an account that is currently the
 *   Security Hub administrator" (securityhub/1.0/APIReference/API_DisableSecurityHub.html).
 * - Inspector: no AWS page found says what Disable does for an administrator with members; the provider,
 *   given an enabler that mixes the administrator and members, disables only the members and warns "The
 *   Organization Administrator Account cannot be deleted while there are associated member accounts"
 *   (internal/service/inspector2/enabler.go resourceEnablerDelete). Removing the administrator leaves it
 *   standalone (inspector/latest/user/remove-delegated-admin.html), and standalone accounts can deactivate
 *   at any time (inspector/latest/user/deactivating-best-practices.html): after deregistration is safe.
 * - Macie: an administrator "must remove all member accounts" before suspending (macie/latest/APIReference/macie.html);
 *   the provider's DisableMacie disassociates nothing (internal/service/macie2/account.go).
 * - Detective: removing the administrator deletes the organization behavior graph
 *   (detective/latest/APIReference/API_DisableOrganizationAdminAccount.html), after the members left it.
 */
export function adminAccountOnlyRegions(cfg: OrgConfig, service: RegionalService): string[] {
  const running = new Set(serviceRegions(cfg, service));
  return delegatedAdminRegions(cfg, service).filter((r) => !running.has(r));
}

export function removalWarnings(cfg: OrgConfig): string[] {
  const kept = cfg.removal.keepDelegatedAdmins;
  const what = [
    ...kept.services.map((s) => `services ${s}`),
    ...kept.regions.map((r) => `region ${r}`),
  ];
  if (what.length === 0) return [];
  return [
    `removal.keepDelegatedAdmins keeps the delegated administrators of ${what.join(', ')}: deploy every stack (npm run deploy -- '*'), ` +
      'then empty removal.keepDelegatedAdmins and deploy management to deregister them, then security to remove its own service resources ' +
      '(README "Taking things away"; GuardDuty members first; plan review blocks these deletions until you allow them)',
  ];
}

/** Principals org-guard registers the security account for through AWS Organizations (not a service's own API). */
export const ORGANIZATIONS_DELEGATED_PRINCIPALS = [
  'config.amazonaws.com',
  'config-multiaccountsetup.amazonaws.com',
  'access-analyzer.amazonaws.com',
] as const;

/** The Organizations-level registrations of the management stack for this config. */
export function organizationsDelegatedPrincipals(cfg: OrgConfig): string[] {
  return ORGANIZATIONS_DELEGATED_PRINCIPALS.filter((p) =>
    p !== 'access-analyzer.amazonaws.com' || delegatedAdminRegions(cfg, 'accessAnalyzer').length > 0);
}
