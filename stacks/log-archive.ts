import { Construct } from 'constructs';
import type { OrgConfig } from '../config/schema';
import { AccountStack } from './account-stack';

/** Log-archive account: receives the organization trail. */
export class LogArchiveStack extends AccountStack {
  constructor(scope: Construct, config: OrgConfig) {
    super(scope, 'log-archive', { config, role: 'log-archive', accountId: config.accounts.logArchive.id });
  }
}
