import { Construct } from 'constructs';
import type { OrgConfig } from '../config/schema';
import { AccountStack } from './account-stack';

/** Delegated security administrator: organization configuration of the security services. */
export class SecurityStack extends AccountStack {
  constructor(scope: Construct, config: OrgConfig) {
    super(scope, 'security', { config, role: 'security', accountId: config.accounts.security.id });
  }
}
