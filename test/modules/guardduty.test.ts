import { GuardDutyOrganization, guardDutyFeatures } from '../../modules/guardduty';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

describe('guardDutyFeatures', () => {
  test('all plans on by default, runtime monitoring with its three agents', () => {
    const f = guardDutyFeatures();
    expect(f.map((x) => [x.name, x.enabled])).toEqual([
      ['S3_DATA_EVENTS', true], ['EKS_AUDIT_LOGS', true], ['EBS_MALWARE_PROTECTION', true],
      ['RDS_LOGIN_EVENTS', true], ['LAMBDA_NETWORK_LOGS', true], ['RUNTIME_MONITORING', true],
    ]);
    expect(f[5].additional!.map((a) => a.name)).toEqual(['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT']);
  });

  test('runtime monitoring and EKS runtime monitoring together are refused', () => {
    expect(() => guardDutyFeatures({ runtimeMonitoring: { enabled: true }, eksRuntimeMonitoring: { enabled: true } })).toThrow(/mutually exclusive/);
  });

  test('disabled runtime monitoring turns its agents off too', () => {
    const rm = guardDutyFeatures({ runtimeMonitoring: { enabled: false } }).find((x) => x.name === 'RUNTIME_MONITORING')!;
    expect(rm.enabled).toBe(false);
    expect(rm.additional!.every((a) => !a.enabled)).toBe(true);
  });
});

describe('GuardDutyOrganization', () => {
  test('without adoption the detector is simply created (no lookup, no import)', () => {
    const json = synthModule((s) => new GuardDutyOrganization(s, 'gd', { region: 'eu-west-1', adoptExistingDetector: false }));
    expect(json.import).toBeUndefined();
    expect(json.data?.aws_guardduty_detector).toBeUndefined();
    const [[detName, det]] = resourcesOf(json, 'aws_guardduty_detector');
    expect(det).toMatchObject({ region: 'eu-west-1', enable: true, finding_publishing_frequency: 'FIFTEEN_MINUTES' });
    const [[, oc]] = resourcesOf(json, 'aws_guardduty_organization_configuration');
    expect(oc.depends_on).toEqual([`aws_guardduty_detector.${detName}`]);
    expect(resourcesOf(json, 'aws_guardduty_organization_configuration_feature')).toHaveLength(6);
    expect(resourcesOf(json, 'aws_guardduty_detector_feature')).toHaveLength(6);
  });
});
