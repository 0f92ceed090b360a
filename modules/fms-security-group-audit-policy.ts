import { Construct } from 'constructs';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FmsPolicy } from '@cdktf/provider-aws/lib/fms-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { FMS_REFERENCE_TAG, fmsScopeArgs, type FmsPolicyScope } from './fms-policy-base';

/** SECURITY_GROUPS_CONTENT_AUDIT: with DENY, in-scope groups must not contain any rule of the reference group. */
export function securityGroupContentAuditData(referenceGroupId: string): Record<string, unknown> {
  return { type: 'SECURITY_GROUPS_CONTENT_AUDIT', securityGroups: [{ id: referenceGroupId }], securityGroupAction: { type: 'DENY' } };
}

/** What the usage audit may change once its policy remediates; both off: report only. */
export interface UsageAuditDeletion {
  /** Delete security groups no instance or ENI uses. */
  deleteUnused: boolean;
  /** Merge groups with identical rules in one VPC into one (the others become unused). */
  mergeRedundant: boolean;
}

/**
 * SECURITY_GROUPS_USAGE_AUDIT data and its remediation flag. The two booleans choose the policy's rules;
 * with remediation enabled FMS acts on every chosen rule: "Consolidates redundant security groups, if you've
 * chosen that option. Removes unused security groups, if you've chosen that option."
 * (https://docs.aws.amazon.com/waf/latest/developerguide/security-group-policies-usage.html; data shape:
 * https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html). So report-only
 * chooses both rules without remediation, and deletion remediates exactly the rules that were switched on.
 */
export function securityGroupUsageAudit(unusedDelayMinutes: number, deletion: UsageAuditDeletion = { deleteUnused: false, mergeRedundant: false }): {
  data: Record<string, unknown>;
  remediationEnabled: boolean;
} {
  const remediationEnabled = deletion.deleteUnused || deletion.mergeRedundant;
  return {
    remediationEnabled,
    data: {
      type: 'SECURITY_GROUPS_USAGE_AUDIT',
      deleteUnusedSecurityGroups: remediationEnabled ? deletion.deleteUnused : true,
      coalesceRedundantSecurityGroups: remediationEnabled ? deletion.mergeRedundant : true,
      optionalDelayForUnusedInMinutes: unusedDelayMinutes,
    },
  };
}

export interface FmsSecurityGroupAuditProps {
  region: string;
  /** TCP ports that must not be open to 0.0.0.0/0 or ::/0. Empty: no content audit. */
  adminPorts: readonly number[];
  contentAudit: boolean;
  usageAudit: boolean;
  unusedDelayMinutes?: number;
  /** Content audit only. Default false: report only; true: FMS removes the offending rules. */
  remediation?: boolean;
  /** Usage audit only. Default: report only, nothing deleted or merged. */
  usageAuditDeletion?: UsageAuditDeletion;
  scope?: FmsPolicyScope;
  /** CIDR of the reference VPC (no subnets: it never carries traffic). */
  referenceVpcCidr?: string;
}

/**
 * Security group audits in one region. The content audit compares groups with a reference group in the
 * FMS admin account; that group needs a VPC, so a subnet-less VPC holds it (no traffic, no cost), and
 * both are tagged so org-guard's own policies leave them out of scope.
 */
export class FmsSecurityGroupAudit extends Construct {
  readonly contentAuditPolicy?: FmsPolicy;
  readonly usageAuditPolicy?: FmsPolicy;
  readonly referenceGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: FmsSecurityGroupAuditProps) {
    super(scope, id);
    const { region } = props;
    const marker = { [FMS_REFERENCE_TAG.key]: FMS_REFERENCE_TAG.value };
    const common = {
      region,
      resourceType: 'AWS::EC2::SecurityGroup',
      ...fmsScopeArgs(props.scope, true),
      remediationEnabled: props.remediation ?? false,
      deleteAllPolicyResources: true,
    };

    if (props.contentAudit && props.adminPorts.length > 0) {
      const vpc = new Vpc(this, 'reference-vpc', {
        region,
        cidrBlock: props.referenceVpcCidr ?? '10.255.255.0/28',
        tags: { Name: 'org-guard-fms-reference', ...marker },
      });
      // The VPC's default group allows all traffic inside it; close it (Security Hub EC2.2).
      new DefaultSecurityGroup(this, 'reference-vpc-default-sg', { region, vpcId: vpc.id, ingress: [], egress: [] });
      this.referenceGroup = new SecurityGroup(this, 'admin-ports-open-to-world', {
        region,
        vpcId: vpc.id,
        name: 'org-guard-audit-admin-ports-open-to-world',
        description: 'Firewall Manager audit reference: rules no security group may contain',
        tags: { Name: 'org-guard-audit-admin-ports-open-to-world', ...marker },
      });
      for (const port of props.adminPorts) {
        for (const [family, cidr] of [['ipv4', '0.0.0.0/0'], ['ipv6', '::/0']] as const) {
          new VpcSecurityGroupIngressRule(this, `port-${port}-${family}`, {
            region,
            securityGroupId: this.referenceGroup.id,
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            ...(family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
            description: `TCP ${port} from the whole internet`,
          });
        }
      }
      this.contentAuditPolicy = new FmsPolicy(this, 'content-audit', {
        ...common,
        name: `org-guard-sg-content-audit-${region}`,
        description: `Security groups open to the internet on admin ports (${props.adminPorts.join(', ')})`,
        securityServicePolicyData: {
          type: 'SECURITY_GROUPS_CONTENT_AUDIT',
          managedServiceData: JSON.stringify(securityGroupContentAuditData(this.referenceGroup.id)),
        },
      });
    }

    if (props.usageAudit) {
      // Its own switch: the content audit's remediation must never delete groups org-wide.
      const usage = securityGroupUsageAudit(props.unusedDelayMinutes ?? 60, props.usageAuditDeletion);
      this.usageAuditPolicy = new FmsPolicy(this, 'usage-audit', {
        ...common,
        remediationEnabled: usage.remediationEnabled,
        name: `org-guard-sg-usage-audit-${region}`,
        description: 'Unused and redundant security groups',
        securityServicePolicyData: {
          type: 'SECURITY_GROUPS_USAGE_AUDIT',
          managedServiceData: JSON.stringify(usage.data),
        },
      });
    }
  }
}
