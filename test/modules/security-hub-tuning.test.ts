import { SecurityHubCentralConfiguration, customParameterBlocks, standardArn } from '../../modules/security-hub';
import { NOTE_AUTHOR, SecurityHubAutomationRules } from '../../modules/security-hub-automation-rules';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

describe('Security Hub configuration policy: CIS 5.0.0 and control parameters', () => {
  test('CIS v5.0.0 uses the region-specific standards ARN like v1.4.0 and v3.0.0', () => {
    // Standards ARNs since v1.4.0 are region-specific "standards/..." ARNs; only v1.2.0 is the global "ruleset" ARN
    // (provider docs of aws_securityhub_standards_subscription list both forms). v5.0.0 follows v3.0.0:
    // arn:aws:securityhub:<region>::standards/cis-aws-foundations-benchmark/v/5.0.0
    // (https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html).
    expect(standardArn('eu-west-1', 'cis-aws-foundations-benchmark/v/5.0.0'))
      .toBe('arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0');
  });

  test('parameters become security_control_custom_parameter blocks with value_type CUSTOM and one typed value', () => {
    // Block shape: terraform-provider-aws internal/service/securityhub/configuration_policy.go (customParameterResource:
    // name, value_type DEFAULT|CUSTOM, one of bool/double/enum/enum_list/int/int_list/string/string_list { value }).
    const json = synthModule((s) => new SecurityHubCentralConfiguration(s, 'sh', {
      homeRegion: 'us-east-1', linkedRegions: [], adminAccountId: '222222222222', rootId: 'r-ab12',
      standards: ['cis-aws-foundations-benchmark/v/5.0.0'],
      controlParameters: {
        'IAM.7': { RequireSymbols: { bool: true }, MinimumPasswordLength: { int: 14 } },
        'EC2.18': { authorizedTcpPorts: { intList: [443, 80] } },
        'APIGateway.1': { loggingLevel: { enum: 'INFO' } },
      },
    }));
    const [[, policy]] = resourcesOf(json, 'aws_securityhub_configuration_policy');
    expect(policy.configuration_policy.enabled_standard_arns).toEqual(['arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0']);
    const controls = policy.configuration_policy.security_controls_configuration;
    // The disabled list stays (the provider needs one of enabled/disabled identifiers with the service on).
    expect(controls.disabled_control_identifiers).toEqual([]);
    expect(controls.security_control_custom_parameter).toEqual([
      { security_control_id: 'APIGateway.1', parameter: [{ name: 'loggingLevel', value_type: 'CUSTOM', enum: { value: 'INFO' } }] },
      { security_control_id: 'EC2.18', parameter: [{ name: 'authorizedTcpPorts', value_type: 'CUSTOM', int_list: { value: [443, 80] } }] },
      {
        security_control_id: 'IAM.7',
        parameter: [
          { name: 'MinimumPasswordLength', value_type: 'CUSTOM', int: { value: 14 } },
          { name: 'RequireSymbols', value_type: 'CUSTOM', bool: { value: true } },
        ],
      },
    ]);
  });

  test('without parameters no custom parameter block is written', () => {
    const json = synthModule((s) => new SecurityHubCentralConfiguration(s, 'sh', {
      homeRegion: 'us-east-1', linkedRegions: [], adminAccountId: '222222222222', rootId: 'r-ab12',
    }));
    const [[, policy]] = resourcesOf(json, 'aws_securityhub_configuration_policy');
    expect(policy.configuration_policy.security_controls_configuration).toEqual({ disabled_control_identifiers: [] });
    expect(customParameterBlocks({})).toEqual([]);
  });
});

describe('SecurityHubAutomationRules', () => {
  const json = synthModule((s) => new SecurityHubAutomationRules(s, 'rules', {
    region: 'us-east-1',
    rules: [
      { name: 'suppress-iam6', order: 1, accountIds: ['555555555555', '666666666666'], controlIds: ['IAM.6'], workflowStatus: 'SUPPRESSED', note: 'accepted' },
      { name: 'raise-prod', order: 2, terminal: true, enabled: false, accountIds: ['444444444444'], severities: ['HIGH'], severity: 'CRITICAL' },
    ],
  }));
  const rules = Object.fromEntries(resourcesOf(json, 'aws_securityhub_automation_rule').map(([, b]) => [b.rule_name, b]));

  test('criteria: values of a field are EQUALS filters (OR-ed), fields AND-ed', () => {
    // StringFilter {comparison, value}: automation_rule.go stringFilterSchemaFramework; AWS automation rules criteria.
    expect(rules['suppress-iam6'].criteria).toEqual([{
      aws_account_id: [{ comparison: 'EQUALS', value: '555555555555' }, { comparison: 'EQUALS', value: '666666666666' }],
      compliance_security_control_id: [{ comparison: 'EQUALS', value: 'IAM.6' }],
    }]);
    expect(rules['raise-prod'].criteria).toEqual([{
      aws_account_id: [{ comparison: 'EQUALS', value: '444444444444' }],
      severity_label: [{ comparison: 'EQUALS', value: 'HIGH' }],
    }]);
  });

  test('actions are one FINDING_FIELDS_UPDATE with workflow, severity label and note', () => {
    expect(rules['suppress-iam6'].actions).toEqual([{
      type: 'FINDING_FIELDS_UPDATE',
      finding_fields_update: [{ workflow: [{ status: 'SUPPRESSED' }], note: [{ text: 'accepted', updated_by: NOTE_AUTHOR }] }],
    }]);
    expect(rules['raise-prod'].actions[0].finding_fields_update).toEqual([{ severity: [{ label: 'CRITICAL' }] }]);
  });

  test('required fields, order, status and region', () => {
    expect(rules['suppress-iam6']).toMatchObject({ region: 'us-east-1', rule_order: 1, is_terminal: false, rule_status: 'ENABLED', description: 'org-guard: suppress-iam6' });
    expect(rules['raise-prod']).toMatchObject({ rule_order: 2, is_terminal: true, rule_status: 'DISABLED' });
  });
});
