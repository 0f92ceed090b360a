import { Construct } from 'constructs';
import type { MemberAccount, OrgConfig } from '../config/schema';
import { AccountStack } from './account-stack';
import { addMalwareProtection, addOwnRegistrations } from './wiring/security-services';

/** A workload account: the baseline plus its own registrations with the security services. */
export class MemberStack extends AccountStack {
  readonly member: MemberAccount;

  constructor(scope: Construct, config: OrgConfig, member: MemberAccount) {
    super(scope, member.name, { config, role: 'member', accountId: member.id });
    this.member = member;
    addOwnRegistrations(this, member);
    addMalwareProtection(this, member);
  }
}
