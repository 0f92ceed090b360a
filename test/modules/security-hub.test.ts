import { SecurityHubCentralConfiguration, standardArn } from '../../modules/security-hub';
import { resourcesOf } from '../helpers';
import { SECURITY_HUB_STANDARDS } from '../../config/sections/services';
import { synthModule } from './module-helpers';

describe('SecurityHubCentralConfiguration', () => {
  test('standard ARNs are region-specific', () => {
    expect(standardArn('ap-northeast-1', 'cis-aws-foundations-benchmark/v/3.0.0'))
      .toBe('arn:aws:securityhub:ap-northeast-1::standards/cis-aws-foundations-benchmark/v/3.0.0');
  });

  // Provider docs (website/docs/r/securityhub_standards_subscription.html.markdown, "Currently available
  // standards") and DescribeStandards output (hashicorp/terraform-provider-aws#29031, #39780): every standard
  // but CIS v1.2.0 is arn:<partition>:securityhub:<region>::standards/<name>/v/<version>; CIS v1.2.0 alone is
  // the global ::ruleset/ form, and the config does not offer it.
  test('every offered standard, CIS v5.0.0 included, gets the regional standards/ ARN, never ruleset/', () => {
    expect(standardArn('eu-west-1', 'cis-aws-foundations-benchmark/v/5.0.0'))
      .toBe('arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0');
    expect(standardArn('eu-west-1', 'nist-800-53/v/5.0.0')).toBe('arn:aws:securityhub:eu-west-1::standards/nist-800-53/v/5.0.0');
    expect(SECURITY_HUB_STANDARDS).not.toContain('cis-aws-foundations-benchmark/v/1.2.0');
    for (const s of SECURITY_HUB_STANDARDS) {
      expect(standardArn('us-east-2', s)).toMatch(/^arn:aws:securityhub:us-east-2::standards\/[a-z0-9-]+\/v\/\d+\.\d+\.\d+$/);
    }
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
