import { SecurityHubCentralConfiguration, standardArn } from '../../modules/security-hub';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

describe('SecurityHubCentralConfiguration', () => {
  test('standard ARNs are region-specific', () => {
    expect(standardArn('ap-northeast-1', 'cis-aws-foundations-benchmark/v/3.0.0'))
      .toBe('arn:aws:securityhub:ap-northeast-1::standards/cis-aws-foundations-benchmark/v/3.0.0');
  });

  test('the home region is never a linked region; with no other region the aggregator links none', () => {
    const json = synthModule((s) => new SecurityHubCentralConfiguration(s, 'sh', {
      homeRegion: 'eu-west-1', linkedRegions: ['eu-west-1'], adminAccountId: '222222222222', rootId: 'r-ab12',
    }));
    const [[, agg]] = resourcesOf(json, 'aws_securityhub_finding_aggregator');
    expect(agg).toMatchObject({ region: 'eu-west-1', linking_mode: 'NO_REGIONS' });
    expect(json.data?.aws_organizations_organization).toBeUndefined();
    const [[, policy]] = resourcesOf(json, 'aws_securityhub_configuration_policy');
    expect(policy.configuration_policy.enabled_standard_arns).toEqual([
      'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0',
      'arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0',
    ]);
    expect(policy.lifecycle.prevent_destroy).toBe(true);
  });
});
