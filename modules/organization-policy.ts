import type { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';

export interface PolicyTarget {
  /** Part of the attachment's construct id: `<key>-<name>`. */
  name: string;
  /** Root, OU or account id. */
  id: string;
}

export interface AttachedPolicySpec {
  name: string;
  description: string;
  type: string;
  document: unknown;
}

/**
 * An Organizations policy under construct id `key`, attached to every target (`<key>-<target name>`).
 * `dependsOn` is usually the organization, whose enabled policy types the attachments need.
 */
export function attachedOrganizationPolicy(
  scope: Construct,
  key: string,
  spec: AttachedPolicySpec,
  targets: readonly PolicyTarget[],
  dependsOn?: ITerraformDependable[],
): OrganizationsPolicy {
  const policy = new OrganizationsPolicy(scope, key, {
    name: spec.name,
    description: spec.description,
    type: spec.type,
    // Minified: whitespace counts against the policy size limit.
    content: JSON.stringify(spec.document),
    dependsOn,
  });
  for (const t of targets) {
    new OrganizationsPolicyAttachment(scope, `${key}-${t.name}`, { policyId: policy.id, targetId: t.id, dependsOn });
  }
  return policy;
}
