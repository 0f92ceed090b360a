import { GuardDutyOrganization, guardDutyFeatures } from '../../modules/guardduty';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';
import { realPlanJson } from '../tools/plan-fixtures';

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

// aws_guardduty_organization_configuration_feature.additional_configuration is a ForceNew list
// (internal/service/guardduty/organization_configuration_feature.go; the 6.25 binding's list does not wrap
// a set) that Read fills in the API's order, so a plan replaces the feature whenever that order differs
// from ours: hashicorp/terraform-provider-aws#44822 shows ECS_FARGATE_AGENT_MANAGEMENT and
// EC2_AGENT_MANAGEMENT swapped on every plan.
describe('organization RUNTIME_MONITORING feature: stable whatever order the API reads back', () => {
  const featureOf = (protection?: Parameters<typeof guardDutyFeatures>[0]) => {
    const json = synthModule((s) => new GuardDutyOrganization(s, 'gd', { region: 'eu-west-1', adoptExistingDetector: false, protection }));
    const [[, feature]] = resourcesOf(json, 'aws_guardduty_organization_configuration_feature').filter(([, b]) => b.name === 'RUNTIME_MONITORING');
    const triggers = resourcesOf(json, 'terraform_data');
    return { feature, triggers };
  };

  test('the read-back list is ignored; the wanted one replaces the feature through a trigger', () => {
    const { feature, triggers } = featureOf();
    expect(feature.additional_configuration).toHaveLength(3);
    expect(feature.lifecycle.ignore_changes).toEqual(['additional_configuration']);
    expect(triggers).toHaveLength(1);
    const [[triggerName, trigger]] = triggers;
    expect(feature.lifecycle.replace_triggered_by).toEqual([`terraform_data.${triggerName}`]); // a plain address, no ${}
    expect(trigger.triggers_replace).toEqual({ EKS_ADDON_MANAGEMENT: 'ALL', ECS_FARGATE_AGENT_MANAGEMENT: 'ALL', EC2_AGENT_MANAGEMENT: 'ALL' });
    expect(featureOf({ runtimeMonitoring: { enabled: true, ec2AgentManagement: false } }).triggers[0][1].triggers_replace.EC2_AGENT_MANAGEMENT).toBe('NONE');
  });

  test('features without additional configuration keep plain lifecycle and no trigger', () => {
    const json = synthModule((s) => new GuardDutyOrganization(s, 'gd', { region: 'eu-west-1', adoptExistingDetector: false }));
    for (const [, b] of resourcesOf(json, 'aws_guardduty_organization_configuration_feature').filter(([, x]) => x.name !== 'RUNTIME_MONITORING')) {
      expect(b.lifecycle).toBeUndefined();
    }
  });

  // The synthesized trigger and lifecycle, planned by the real Terraform CLI with a terraform_data stand-in
  // for the feature (same lifecycle, `input` for the list): a state whose list is in another order (as
  // #44822 reads it back) plans nothing; switching an agent off replaces it.
  test('terraform plan: reordered read-back is no change, a changed wanted list is a replacement', () => {
    const { feature, triggers } = featureOf();
    const [[triggerName, trigger]] = triggers;
    const json = (list: object[], wanted: object) => JSON.stringify({
      resource: {
        terraform_data: {
          [triggerName]: { ...trigger, triggers_replace: wanted },
          feature: {
            input: list,
            lifecycle: { ignore_changes: ['input'], replace_triggered_by: feature.lifecycle.replace_triggered_by },
          },
        },
      },
    });
    const ours = feature.additional_configuration as { name: string }[];
    const apiOrder = [ours[0], ours[2], ours[1]];
    const wanted = trigger.triggers_replace;
    const actions = (plan: string) => Object.fromEntries(JSON.parse(plan).resource_changes.map((c: any) => [c.address.replace(triggerName, 'wanted'), c.change.actions.join(',')]));
    const plan = (after: string) => actions(realPlanJson(json(apiOrder, wanted), after, 'main.tf.json'));
    expect(plan(json(ours, wanted))).toEqual({ 'terraform_data.wanted': 'no-op', 'terraform_data.feature': 'no-op' });
    expect(plan(json(ours, { ...wanted, EC2_AGENT_MANAGEMENT: 'NONE' }))).toEqual({ 'terraform_data.wanted': 'delete,create', 'terraform_data.feature': 'delete,create' });
  });
});
