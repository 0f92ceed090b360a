import { loadConfig } from '../../config/load';
import { eventSelectors } from '../../modules/organization-trail';
import { recorderSettings } from '../../modules/config-recorder';
import { FMS_CONFIG_RESOURCE_TYPES } from '../../config/sections/config-recording';
import { computeCoverage } from '../../tools/report/coverage';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { expectProblem, problemsFor } from '../config/section-problems';

// CloudTrail network activity events: eventCategory NetworkActivity and eventSource (Equals only, one
// source per selector), errorCode only VpceAccessDenied; trails cannot mix basic and advanced selectors.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html
// Provider: internal/service/cloudtrail/trail.go (advanced_event_selector ConflictsWith event_selector).
describe('organization trail: network activity and data events', () => {
  test('one NetworkActivity selector per source, VpceAccessDenied by default, next to management events', () => {
    const cfg = configOf({ ...minimalInput(), logging: { networkActivity: { enabled: true, eventSources: ['kms.amazonaws.com', 's3.amazonaws.com'] } } });
    const [trail] = Object.values(synthOrg(cfg).management.resource!.aws_cloudtrail) as any[];
    expect(trail.event_selector).toBeUndefined();
    const network = trail.advanced_event_selector.filter((s: any) => s.field_selector.some((f: any) => f.equals?.includes('NetworkActivity')));
    expect(network.map((s: any) => s.field_selector)).toEqual([
      [{ field: 'eventCategory', equals: ['NetworkActivity'] }, { field: 'eventSource', equals: ['kms.amazonaws.com'] }, { field: 'errorCode', equals: ['VpceAccessDenied'] }],
      [{ field: 'eventCategory', equals: ['NetworkActivity'] }, { field: 'eventSource', equals: ['s3.amazonaws.com'] }, { field: 'errorCode', equals: ['VpceAccessDenied'] }],
    ]);
    expect(trail.advanced_event_selector[0].field_selector).toEqual([{ field: 'eventCategory', equals: ['Management'] }]);
  });

  test('every call when accessDeniedOnly is false; nothing at all by default', () => {
    const all = eventSelectors({ s3BucketName: 'b', networkActivity: { eventSources: ['ec2.amazonaws.com'], accessDeniedOnly: false } });
    expect(all[1].fieldSelector).toEqual([{ field: 'eventCategory', equalTo: ['NetworkActivity'] }, { field: 'eventSource', equalTo: ['ec2.amazonaws.com'] }]);
    expect(JSON.stringify(eventSelectors({ s3BucketName: 'b' }))).not.toMatch(/NetworkActivity/);
  });

  test('S3 write-only data events filter readOnly = false', () => {
    const s = eventSelectors({ s3BucketName: 'b', dataEvents: { s3: true, s3WriteOnly: true } });
    expect(s[1].fieldSelector).toContainEqual({ field: 'readOnly', equalTo: ['false'] });
  });

  test('bad sources, repeats and an empty list are config errors', () => {
    expectProblem(problemsFor((i) => (i.logging = { networkActivity: { enabled: true, eventSources: ['iam.amazonaws.com'] } })),
      'logging.networkActivity.eventSources[0]', /not an event source CloudTrail logs network activity for/);
    expectProblem(problemsFor((i) => (i.logging = { networkActivity: { enabled: true, eventSources: ['kms.amazonaws.com', 'kms.amazonaws.com'] } })),
      'logging.networkActivity.eventSources[1]', /already listed/);
    expectProblem(problemsFor((i) => (i.logging = { networkActivity: { enabled: true, eventSources: [] } })),
      'logging.networkActivity.eventSources', /no event source/);
    expectProblem(problemsFor((i) => (i.logging = { dataEvents: { s3WriteOnly: true } })), 'logging.dataEvents.s3WriteOnly', /S3 data events, which are off/);
  });

  test('full example: NetworkActivity selectors on the organization trail, shown by the report', () => {
    const cfg = loadConfig('config/examples/full.yaml');
    const stacks = synthOrg(cfg);
    const [trail] = Object.values(stacks.management.resource!.aws_cloudtrail) as any[];
    expect(JSON.stringify(trail.advanced_event_selector)).toMatch(/NetworkActivity/);
    const cov = computeCoverage(cfg, stacks);
    const c = cov.controls.findIndex((x) => x.id === 'cloudtrail-network-activity');
    expect(cov.cells[c][0][0]).toEqual({ status: 'covered', how: expect.stringContaining('kms.amazonaws.com') });
    const off = computeCoverage(configOf(), synthOrg());
    expect(off.cells[off.controls.findIndex((x) => x.id === 'cloudtrail-network-activity')][0][0].status).toBe('missing');
  });
});

// AWS Config: Firewall Manager needs continuous recording of the resource types its policies cover
// (https://docs.aws.amazon.com/waf/latest/developerguide/enable-config.html); with an exclusion list
// IAM types are recorded wherever the recorder runs unless excluded
// (https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html).
describe('AWS Config cost controls', () => {
  test('default recorder unchanged: all supported types, continuous, no recording_mode', () => {
    const recs = resourcesOf(synthOrg()['workload-prod'], 'aws_config_configuration_recorder').map(([, r]) => r);
    expect(recs).toHaveLength(4);
    for (const rec of recs) {
      expect(rec.recording_group).toEqual({ all_supported: true, include_global_resource_types: rec.region === 'us-east-1' });
      expect(rec.recording_mode).toBeUndefined();
    }
  });

  test('daily recording keeps every type the enabled FMS policies need continuous', () => {
    const cfg = configOf({ ...minimalInput(), firewallManager: { configRecording: { recordingFrequency: 'DAILY', excludedResourceTypes: ['AWS::EC2::Volume'] } } });
    const recs = Object.fromEntries(resourcesOf(synthOrg(cfg)['workload-prod'], 'aws_config_configuration_recorder').map(([, r]) => [r.region, r]));
    const home = recs['us-east-1'];
    expect(home.recording_mode.recording_frequency).toBe('DAILY');
    expect(home.recording_mode.recording_mode_override.recording_frequency).toBe('CONTINUOUS');
    for (const t of [...FMS_CONFIG_RESOURCE_TYPES.waf, ...FMS_CONFIG_RESOURCE_TYPES.securityGroupAudit, ...FMS_CONFIG_RESOURCE_TYPES.dnsFirewall]) {
      expect(home.recording_mode.recording_mode_override.resource_types).toContain(t);
    }
    // Network Firewall and Shield are off by default: their types may be daily.
    expect(home.recording_mode.recording_mode_override.resource_types).not.toContain('AWS::NetworkFirewall::FirewallPolicy');
    expect(home.recording_group).toEqual({
      all_supported: false, include_global_resource_types: false,
      exclusion_by_resource_types: [{ resource_types: ['AWS::EC2::Volume'] }], recording_strategy: [{ use_only: 'EXCLUSION_BY_RESOURCE_TYPES' }],
    });
    expect(recs['us-west-2'].recording_group.exclusion_by_resource_types[0].resource_types).toEqual(
      ['AWS::EC2::Volume', 'AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User']);
  });

  test('a type both overridden and excluded in a region is left out of the override', () => {
    const s = recorderSettings({ frequency: 'DAILY', overrideResourceTypes: ['AWS::IAM::Role', 'AWS::EC2::VPC'], excludedResourceTypes: ['AWS::EC2::Volume'] }, false);
    expect(s.recordingMode?.recordingModeOverride?.resourceTypes).toEqual(['AWS::EC2::VPC']);
  });

  test('excluding or recording daily a type Firewall Manager needs is rejected, naming the policy', () => {
    expectProblem(problemsFor((i) => (i.firewallManager = { configRecording: { excludedResourceTypes: ['AWS::EC2::SecurityGroup'] } })),
      'firewallManager.configRecording.excludedResourceTypes[0]', /AWS::EC2::SecurityGroup must be recorded continuously for firewallManager.securityGroupAudit/);
    expectProblem(problemsFor((i) => (i.firewallManager = { configRecording: { dailyResourceTypes: ['AWS::EC2::VPC'] } })),
      'firewallManager.configRecording.dailyResourceTypes[0]', /AWS::EC2::VPC must be recorded continuously for firewallManager.dnsFirewall/);
    expectProblem(problemsFor((i) => (i.firewallManager = { configRecording: { excludedResourceTypes: ['AWS::IAM::Role'] } })),
      'firewallManager.configRecording.excludedResourceTypes[0]', /global IAM type/);
    expectProblem(problemsFor((i) => (i.firewallManager = { configRecording: { recordingFrequency: 'DAILY', dailyResourceTypes: ['AWS::EC2::Volume'] } })),
      'firewallManager.configRecording.dailyResourceTypes', /already DAILY/);
    expectProblem(problemsFor((i) => (i.firewallManager = { configRecording: { excludedResourceTypes: ['EC2 volume'] } })),
      'firewallManager.configRecording.excludedResourceTypes[0]', /not an AWS Config resource type/);
    // With Firewall Manager off, nothing is protected.
    expect(() => configOf({ ...minimalInput(), firewallManager: { enabled: false, configRecording: { excludedResourceTypes: ['AWS::EC2::SecurityGroup'] } } })).not.toThrow();
  });

  test('full example: a recorder with daily recording; the report shows FMS types continuous', () => {
    const cfg = loadConfig('config/examples/full.yaml');
    const stacks = synthOrg(cfg);
    const [[, rec]] = resourcesOf(stacks['workload-prod'], 'aws_config_configuration_recorder');
    expect(rec.recording_mode.recording_frequency).toBe('DAILY');
    const cov = computeCoverage(cfg, stacks);
    const c = cov.controls.findIndex((x) => x.id === 'config-fms-continuous');
    expect(cov.cells[c].flat().every((x) => x.status === 'covered')).toBe(true);
    expect(cov.cells[c][0][0].how).toMatch(/^daily by default/);
  });
});
