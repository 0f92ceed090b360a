import { ConfigOrganizationAggregator, CONFIG_ORGANIZATIONS_POLICY_ARN } from '../../modules/config-aggregator';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

test('ConfigOrganizationAggregator: all regions of the organization through a Config role, once the role has its policy', () => {
  const json = synthModule((s) => new ConfigOrganizationAggregator(s, 'c', { region: 'eu-west-1' }));
  const [[roleName, role]] = resourcesOf(json, 'aws_iam_role');
  const trust = JSON.parse(role.assume_role_policy);
  expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  const [[attName, att]] = resourcesOf(json, 'aws_iam_role_policy_attachment');
  expect(att.policy_arn).toBe(CONFIG_ORGANIZATIONS_POLICY_ARN);
  const [[, agg]] = resourcesOf(json, 'aws_config_configuration_aggregator');
  expect(agg).toMatchObject({
    region: 'eu-west-1',
    organization_aggregation_source: { all_regions: true, role_arn: `\${aws_iam_role.${roleName}.arn}` },
    depends_on: [`aws_iam_role_policy_attachment.${attName}`],
  });
});
