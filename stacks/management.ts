import { Construct } from 'constructs';
import type { OrgConfig } from '../config/schema';
import { AccountStack } from './account-stack';

/** Organization management account: trusted access, delegated admins, organization trail, guardrails. */
export class ManagementStack extends AccountStack {
  constructor(scope: Construct, config: OrgConfig) {
    super(scope, 'management', { config, role: 'management', accountId: config.accounts.management.id });
  }
}
