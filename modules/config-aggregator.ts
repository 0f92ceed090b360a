import { Construct } from 'constructs';
import { ConfigConfigurationAggregator } from '@cdktf/provider-aws/lib/config-configuration-aggregator';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';

export const CONFIG_ORGANIZATIONS_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations';

export interface ConfigOrganizationAggregatorProps {
  /** Region that holds the aggregated view. */
  region: string;
  name?: string;
}

/** AWS Config aggregator over every account and region of the organization (delegated admin). */
export class ConfigOrganizationAggregator extends Construct {
  readonly role: IamRole;
  readonly aggregator: ConfigConfigurationAggregator;

  constructor(scope: Construct, id: string, props: ConfigOrganizationAggregatorProps) {
    super(scope, id);
    const name = props.name ?? 'org-guard-organization';
    this.role = new IamRole(this, 'role', {
      name: `${name}-config-aggregator`,
      description: 'Lets AWS Config read the organization to aggregate every account',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    const attachment = new IamRolePolicyAttachment(this, 'role-policy', { role: this.role.name, policyArn: CONFIG_ORGANIZATIONS_POLICY_ARN });
    this.aggregator = new ConfigConfigurationAggregator(this, 'aggregator', {
      region: props.region,
      name,
      organizationAggregationSource: { allRegions: true, roleArn: this.role.arn },
      // The role must carry its policy before Config validates it.
      dependsOn: [attachment],
    });
  }
}
