import { loadConfig } from '../../config/load';
import { computeCoverage } from '../../tools/report/coverage';
import { minimalInput, synthOrg } from '../helpers';
import { cell, coverageOf } from './report-helpers';

const NEW_CONTROLS = [
  'guardduty-malware-protection-s3', 'securityhub-iam7-parameters', 'securityhub-automation-rules', 'inspector-code-repository', 'access-analyzer-internal',
];

describe('coverage report: the 2025 security controls', () => {
  const full = loadConfig('config/examples/full.yaml');
  const cov = computeCoverage(full, synthOrg(full));

  test('every new control has a row', () => {
    for (const id of NEW_CONTROLS) expect(cov.controls.map((c) => c.id)).toContain(id);
  });

  test('the full example: each new control is covered where the config asks for it', () => {
    expect(cell(cov, 'guardduty-malware-protection-s3', 'workload-prod', 'us-east-1')).toEqual({ status: 'covered', how: 'plan for example-prod-customer-uploads' });
    expect(cell(cov, 'guardduty-malware-protection-s3', 'workload-prod', 'eu-west-1').status).toBe('missing');
    expect(cell(cov, 'securityhub-iam7-parameters', 'workload-dev', 'eu-west-1')).toEqual({ status: 'covered', how: 'central policy parameters (length 14, reuse 24)' });
    expect(cell(cov, 'securityhub-automation-rules', 'sandbox-alice', 'ap-northeast-1')).toEqual({ status: 'covered', how: '1 rule: suppress-root-hardware-mfa-in-sandboxes' });
    expect(cell(cov, 'securityhub-automation-rules', 'workload-prod', 'us-east-1').how).toBe('1 rule: raise-production-high-to-critical');
    expect(cell(cov, 'securityhub-automation-rules', 'workload-dev', 'us-east-1').status).toBe('missing');
    expect(cell(cov, 'inspector-code-repository', 'workload-dev', 'us-west-2').status).toBe('partial');
    expect(cell(cov, 'inspector-code-repository', 'workload-dev', 'us-west-2').how).toMatch(/GitHub\/GitLab integration created outside Terraform/);
    expect(cell(cov, 'access-analyzer-internal', 'workload-prod', 'us-east-1').status).toBe('covered');
    expect(cell(cov, 'access-analyzer-internal', 'workload-dev', 'us-east-1')).toEqual({ status: 'missing', how: 'account not in the analysis rule' });
    // Regional (IAM guide, "Create an internal access analyzer": one analyzer per Region to monitor): the other
    // regions are not covered, and the cell names the key that places the analyzer.
    expect(cell(cov, 'access-analyzer-internal', 'workload-prod', 'eu-west-1')).toEqual({
      status: 'missing',
      how: "the analyzer runs in us-east-1 and monitors that Region's resources only (services.accessAnalyzer.internalAccess.region)",
    });
    expect(cell(cov, 'securityhub-cis', 'workload-prod', 'us-east-1').how).toBe('central policy (v5.0.0)');
  });

  test('the minimal config: IAM.7 follows the baseline, every charged feature shows missing', () => {
    const base = coverageOf(minimalInput());
    expect(cell(base, 'securityhub-iam7-parameters', 'workload-prod', 'us-east-1').status).toBe('covered');
    for (const id of ['guardduty-malware-protection-s3', 'inspector-code-repository', 'access-analyzer-internal', 'securityhub-automation-rules']) {
      expect([id, cell(base, id, 'workload-prod', 'us-east-1').status]).toEqual([id, 'missing']);
    }
  });

  test('IAM.7 with Security Hub defaults or disabled is not covered; both CIS versions show', () => {
    const input = minimalInput();
    input.services = { securityHub: { alignPasswordPolicyControl: false, standards: ['cis-aws-foundations-benchmark/v/3.0.0', 'cis-aws-foundations-benchmark/v/5.0.0'] } };
    const cov2 = coverageOf(input);
    expect(cell(cov2, 'securityhub-iam7-parameters', 'workload-prod', 'us-east-1')).toEqual({ status: 'missing', how: 'off in the config: set services.securityHub.alignPasswordPolicyControl: true' });
    expect(cell(cov2, 'securityhub-cis', 'workload-prod', 'us-east-1').how).toBe('central policy (v3.0.0, v5.0.0)');
    input.services.securityHub = { disabledControls: ['IAM.7'], alignPasswordPolicyControl: false };
    expect(cell(coverageOf(input), 'securityhub-iam7-parameters', 'workload-prod', 'us-east-1').how).toBe('off in the config: remove IAM.7 from services.securityHub.disabledControls');
  });

  // CloudTrail data events are advanced event selectors with eventCategory Data and resources.type
  // (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
  test('S3 and Lambda data events on the organization trail each have a row: covered in the full example, the key otherwise', () => {
    for (const id of ['cloudtrail-s3-data-events', 'cloudtrail-lambda-data-events']) expect(cov.controls.map((c) => c.id)).toContain(id);
    expect(cell(cov, 'cloudtrail-s3-data-events', 'sandbox-alice', 'eu-west-1')).toEqual({ status: 'covered', how: 'organization trail (write events only)' });
    expect(cell(cov, 'cloudtrail-lambda-data-events', 'workload-dev', 'ap-northeast-1')).toEqual({ status: 'covered', how: 'organization trail' });
    const base = coverageOf(minimalInput());
    expect(cell(base, 'cloudtrail-s3-data-events', 'workload-prod', 'us-east-1')).toEqual({ status: 'missing', how: 'off in the config: set logging.dataEvents.s3: true' });
    expect(cell(base, 'cloudtrail-lambda-data-events', 'workload-prod', 'us-east-1')).toEqual({ status: 'missing', how: 'off in the config: set logging.dataEvents.lambda: true' });
    const readsToo = minimalInput();
    readsToo.logging = { ...readsToo.logging, dataEvents: { s3: true } };
    expect(cell(coverageOf(readsToo), 'cloudtrail-s3-data-events', 'workload-prod', 'us-east-1')).toEqual({ status: 'covered', how: 'organization trail' });
  });
});
