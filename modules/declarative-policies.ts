import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { attachedOrganizationPolicy, type AttachedPolicySpec } from './organization-policy';
import type { OrganizationPoliciesConfig } from '../config/sections/organization-policies';

export interface PolicyTarget {
  /** Construct-id part: `root` or `ou-<name>`. */
  name: string;
  id: string;
}

export interface OrganizationManagementPoliciesProps {
  ec2?: OrganizationPoliciesConfig['ec2'];
  aiServicesOptOut?: boolean;
  targets: readonly PolicyTarget[];
  /** The organization resource whose enabled_policy_types holds the policy types. */
  dependsOn?: ITerraformDependable[];
}

type Ec2Settings = OrganizationPoliciesConfig['ec2'];
const assign = (value: string) => ({ '@@assign': value });

/**
 * The EC2 declarative policy document, in the syntax of the AWS Organizations user guide,
 * "Declarative policy syntax and examples":
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html
 * Values use underscores (block_all_sharing), unlike the EC2 API (block-all-sharing).
 */
export function ec2DeclarativePolicy(s: Ec2Settings): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (s.exceptionMessage) attributes.exception_message = assign(s.exceptionMessage);
  attributes.snapshot_block_public_access = { state: assign(s.snapshotBlockPublicAccess) };
  attributes.image_block_public_access = { state: assign(s.imageBlockPublicAccess) };
  attributes.serial_console_access = { status: assign(s.serialConsoleAccess) };
  if (s.instanceMetadataDefaults.enabled) {
    const imds = s.instanceMetadataDefaults;
    attributes.instance_metadata_defaults = {
      http_tokens: assign(imds.httpTokens),
      // The guide's example assigns the hop limit as a string ("4").
      http_put_response_hop_limit: assign(String(imds.httpPutResponseHopLimit)),
      http_endpoint: assign(imds.httpEndpoint),
      instance_metadata_tags: assign(imds.instanceMetadataTags),
    };
  }
  if (s.vpcBlockPublicAccess.enabled) {
    attributes.vpc_block_public_access = {
      internet_gateway_block: {
        mode: assign(s.vpcBlockPublicAccess.mode),
        exclusions_allowed: assign(s.vpcBlockPublicAccess.exclusionsAllowed ? 'enabled' : 'disabled'),
      },
    };
  }
  return { ec2_attributes: attributes };
}

/**
 * Opt out of every AWS AI service's use of content for service improvement ("default" covers all
 * services, including future ones).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html
 */
export const AI_SERVICES_OPT_OUT_ALL = { services: { default: { opt_out_policy: assign('optOut') } } };

/**
 * Management policies of the organization (management account): one policy covers every account in
 * its targets and every region, including regions enabled later, instead of one resource per account
 * and region. Declarative policies are enforced in the service's control plane, and detaching one
 * rolls the attribute back to the account's previous state.
 */
export class OrganizationManagementPolicies extends Construct {
  readonly ec2Policy?: OrganizationsPolicy;
  readonly aiOptOutPolicy?: OrganizationsPolicy;

  constructor(scope: Construct, id: string, props: OrganizationManagementPoliciesProps) {
    super(scope, id);
    if (props.ec2?.enabled) {
      this.ec2Policy = this.policy('ec2-declarative', {
        name: 'org-guard-ec2-baseline',
        description: 'org-guard: EC2 snapshot/AMI block public access, serial console, IMDS and VPC BPA defaults',
        type: 'DECLARATIVE_POLICY_EC2',
        document: ec2DeclarativePolicy(props.ec2),
      }, props);
    }
    if (props.aiServicesOptOut) {
      this.aiOptOutPolicy = this.policy('ai-services-opt-out', {
        name: 'org-guard-ai-services-opt-out',
        description: 'org-guard: AWS AI services may not use content for service improvement',
        type: 'AISERVICES_OPT_OUT_POLICY',
        document: AI_SERVICES_OPT_OUT_ALL,
      }, props);
    }
  }

  private policy(key: string, spec: AttachedPolicySpec, props: OrganizationManagementPoliciesProps): OrganizationsPolicy {
    return attachedOrganizationPolicy(this, key, spec, props.targets, props.dependsOn);
  }
}
