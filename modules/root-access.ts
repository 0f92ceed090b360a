import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { IamOrganizationsFeatures } from '@cdktf/provider-aws/lib/iam-organizations-features';

export interface CentralizedRootAccessProps {
  /** RootSessions on top of RootCredentialsManagement; default true. */
  rootSessions?: boolean;
  /** The organization resource that trusts iam.amazonaws.com (EnableOrganizationsRootCredentialsManagement needs it). */
  dependsOn?: ITerraformDependable[];
}

/**
 * Centralized root access for member accounts (management account, global).
 * RootCredentialsManagement lets the management account delete or audit a member's root credentials,
 * and new accounts are created without them; RootSessions allows short privileged root tasks through
 * sts:AssumeRoot. Both need trusted access for iam.amazonaws.com.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
 * Provider: internal/service/iam/organizations_features.go (Create enables only what is listed,
 * Delete disables what the state holds; enabled_features is a set of FeatureType).
 */
export class CentralizedRootAccess extends Construct {
  readonly features: IamOrganizationsFeatures;

  constructor(scope: Construct, id: string, props: CentralizedRootAccessProps = {}) {
    super(scope, id);
    this.features = new IamOrganizationsFeatures(this, 'features', {
      enabledFeatures: ['RootCredentialsManagement', ...(props.rootSessions ?? true ? ['RootSessions'] : [])],
      dependsOn: props.dependsOn,
    });
  }
}
