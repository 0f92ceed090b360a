import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Inspector2MemberAssociation } from '@cdktf/provider-aws/lib/inspector2-member-association';
import { Inspector2Enabler } from '@cdktf/provider-aws/lib/inspector2-enabler';
import { Macie2Member } from '@cdktf/provider-aws/lib/macie2-member';
import { DetectiveMember } from '@cdktf/provider-aws/lib/detective-member';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { DETECTIVE_GRAPH_PARAMETER } from './detective';
import { INSPECTOR_TIMEOUTS, inspectorResourceTypes, type InspectorScanTypes } from './inspector';

export const SECURITY_PROVIDER_ALIAS = 'security';

export interface SecurityAdminProviderProps {
  securityAccountId: string;
  /** Role assumed in the security account. */
  roleArn: string;
  sessionName: string;
  region: string;
  tags?: Record<string, string>;
}

export interface MemberRegistrationsProps {
  /** The existing account to enrol (the account of the stack holding this construct). */
  accountId: string;
  /** Root email: Macie and Detective cannot enrol the account without it. */
  email?: string;
  /**
   * Provider for the security account: an aliased one is created from these props (member stacks),
   * unless `provider` is given (the security stack's own, for the core accounts it enrols).
   */
  securityProvider?: SecurityAdminProviderProps;
  provider?: AwsProvider;
  inspectorRegions?: readonly string[];
  inspectorScanTypes?: InspectorScanTypes;
  macieRegions?: readonly string[];
  detectiveRegions?: readonly string[];
  /**
   * Behavior graph ARN per region (the security stack passes its own graphs; a config override). A region
   * without one reads the security stack's SSM parameter (DETECTIVE_GRAPH_PARAMETER) through the security provider.
   */
  detectiveGraphArns?: Readonly<Record<string, string>>;
  /**
   * Resources of the same stack every registration waits for: in the management stack, the
   * delegated-admin designations (the security account cannot enrol members before it is admin).
   */
  dependsOn?: ITerraformDependable[];
}

/**
 * Enrolment of one existing account with Inspector, Macie and Detective, whose organization
 * auto-enable covers only accounts created later. The calls are the admin's, so they go through
 * one aliased provider for the security account; they live in the member's own stack so the
 * security stack's state does not grow with the number of accounts.
 */
export class MemberRegistrations extends Construct {
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: MemberRegistrationsProps) {
    super(scope, id);
    const sp = props.securityProvider;
    if (props.provider) {
      this.provider = props.provider;
    } else if (sp) {
      this.provider = new AwsProvider(this, 'security-provider', {
        alias: SECURITY_PROVIDER_ALIAS,
        region: sp.region,
        allowedAccountIds: [sp.securityAccountId],
        assumeRole: [{ roleArn: sp.roleArn, sessionName: sp.sessionName }],
        defaultTags: sp.tags ? [{ tags: sp.tags }] : undefined,
      });
    } else {
      throw new Error(`${this.node.path}: give either provider or securityProvider`);
    }
    const provider = this.provider;
    const accountId = props.accountId;
    const after = props.dependsOn && props.dependsOn.length > 0 ? [...props.dependsOn] : undefined;

    for (const region of props.inspectorRegions ?? []) {
      const association = new Inspector2MemberAssociation(this, `inspector-member-${region}`, {
        provider,
        region,
        accountId,
        timeouts: INSPECTOR_TIMEOUTS,
        dependsOn: after,
      });
      // Only this member's id: an enabler never mixes the admin's id with members'.
      new Inspector2Enabler(this, `inspector-enabler-${region}`, {
        provider,
        region,
        accountIds: [accountId],
        resourceTypes: inspectorResourceTypes(props.inspectorScanTypes),
        timeouts: INSPECTOR_TIMEOUTS,
        dependsOn: [association],
      });
    }

    if (props.email) {
      for (const region of props.macieRegions ?? []) {
        new Macie2Member(this, `macie-member-${region}`, {
          provider,
          region,
          accountId,
          email: props.email,
          status: 'ENABLED',
          dependsOn: after,
          // `email` is Required+ForceNew and Read sets it from GetMember, which returns no email for
          // organization members (internal/service/macie2/member.go resourceMemberRead;
          // hashicorp/terraform-provider-aws#26218, #29013, aws/aws-sdk#456): without this every plan
          // replaces the membership and drops Macie coverage of the account for a moment.
          lifecycle: { ignoreChanges: ['email'] },
        });
      }
      for (const region of props.detectiveRegions ?? []) {
        let graphArn = props.detectiveGraphArns?.[region];
        if (!graphArn) {
          // Written by the security stack (deployed before members); read with the security account's
          // provider in that region. insecure_value: a String parameter, not sensitive in plans.
          graphArn = new DataAwsSsmParameter(this, `detective-graph-${region}`, {
            provider,
            region,
            name: DETECTIVE_GRAPH_PARAMETER,
          }).insecureValue;
        }
        new DetectiveMember(this, `detective-member-${region}`, {
          provider,
          region,
          accountId,
          emailAddress: props.email,
          graphArn,
          disableEmailNotification: true,
          dependsOn: after,
          // Same pattern: `email_address` is Required+ForceNew and Read copies ListMembers' EmailAddress
          // (internal/service/detective/member.go resourceMemberRead), which organization accounts need not
          // have (CreateMembers enables them without an invitation). The address is only used at creation;
          // a changed root email must never re-enrol the account.
          lifecycle: { ignoreChanges: ['email_address'] },
        });
      }
    }
  }
}
