import { Construct } from 'constructs';
import type { OrgConfig } from '../config/schema';
import { AccountStack } from './account-stack';
import { addSecurityServices } from './wiring/security-services';
import { addFirewallManager } from './wiring/firewall-manager';
import { FindingsNotifications } from '../modules/findings-notifications';
import { guardDutySeverityThreshold } from '../config/sections/notifications';
import { VerifyRole, verifyRoleArn } from '../modules/verify-role';

/** Delegated security administrator: organization configuration of the security services. */
export class SecurityStack extends AccountStack {
  constructor(scope: Construct, config: OrgConfig) {
    super(scope, 'security', { config, role: 'security', accountId: config.accounts.security.id });
    addSecurityServices(this);
    addFirewallManager(this);

    const notifications = config.notifications;
    if (notifications.enabled) {
      new FindingsNotifications(this, 'findings-notifications', {
        accountId: config.accounts.security.id,
        homeRegion: config.organization.homeRegion,
        regions: config.organization.regions,
        emails: notifications.emails,
        httpsEndpoints: notifications.httpsEndpoints,
        guardDutyMinimumSeverity: guardDutySeverityThreshold(notifications.guardDutyMinimumSeverity),
        rules: notifications.rules,
        markNotified: notifications.markNotified,
      });
    }

    // Read-only role for `npm run verify` (opt-in), reached from the management account's verify role.
    const verify = config.verify;
    if (verify.createRole) {
      new VerifyRole(this, 'verify-role', {
        account: 'security',
        accountId: config.accounts.security.id,
        organizationId: config.organization.id,
        roleName: verify.roleName,
        trustedPrincipalArns: verify.trustedPrincipalArns,
        managementRoleArn: verifyRoleArn(config.accounts.management.id, verify.roleName),
      });
    }
  }
}
