import { Construct } from 'constructs';
import type { OrgConfig } from '../config/schema';
import { logReaders } from '../config/sections/logging';
import { LogArchive } from '../modules/log-archive';
import { logArchiveNames } from '../modules/names';
import { AccountStack, roleArnFor } from './account-stack';

/** Log-archive account: every log destination of the organization (trail, Config, firewall logs). */
export class LogArchiveStack extends AccountStack {
  readonly archive: LogArchive;

  constructor(scope: Construct, config: OrgConfig) {
    super(scope, 'log-archive', { config, role: 'log-archive', accountId: config.accounts.logArchive.id });
    const logging = config.logging;

    this.archive = new LogArchive(this, 'log-archive', {
      region: config.organization.homeRegion,
      accountId: config.accounts.logArchive.id,
      organizationId: config.organization.id,
      managementAccountId: config.accounts.management.id,
      securityAccountId: config.accounts.security.id,
      names: logArchiveNames(config),
      deploymentRoleArn: roleArnFor(config.accounts.logArchive.id, config.deployment.roleName),
      // The guardrails' break-glass roles may also manage the log-archive key (README, log archive).
      breakGlassRoleArns: config.guardrails.exemptRoles.map((r) => roleArnFor(config.accounts.logArchive.id, r)),
      retention: {
        days: logging.retentionDays,
        mode: logging.objectLock.mode,
        transitionDays: logging.transitionDays,
        transitionStorageClass: logging.transitionStorageClass,
        expirationDays: logging.expirationDays,
      },
      readerAccountIds: logReaders(config),
    });
  }
}
