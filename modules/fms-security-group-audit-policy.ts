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

/** SECURITY_GROUPS_USAGE_AUDIT: which checks run; whether FMS acts on them is remediation_enabled. */
export function securityGroupUsageAuditData(unusedDelayMinutes: number): Record<string, unknown> {
  return {
    type: 'SECURITY_GROUPS_USAGE_AUDIT',
    deleteUnusedSecurityGroups: true,
    coalesceRedundantSecurityGroups: true,
    optionalDelayForUnusedInMinutes: unusedDelayMinutes,
  };
}

export interface FmsSecurityGroupAuditProps {
  region: string;
  /** TCP ports that must not be open to 0.0.0.0/0 or ::/0. Empty: no content audit. */
  adminPorts: readonly number[];
  contentAudit: boolean;
  usageAudit: boolean;
  unusedDelayMinutes?: number;
  /** Default false: report only. */
  remediation?: boolean;
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
      this.usageAuditPolicy = new FmsPolicy(this, 'usage-audit', {
        ...common,
        name: `org-guard-sg-usage-audit-${region}`,
        description: 'Unused and redundant security groups',
        securityServicePolicyData: {
          type: 'SECURITY_GROUPS_USAGE_AUDIT',
          managedServiceData: JSON.stringify(securityGroupUsageAuditData(props.unusedDelayMinutes ?? 60)),
        },
      });
    }
  }
}
