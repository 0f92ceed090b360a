import { loadConfig } from '../../config/load';
import { CONFIG_CONTINUOUS_ONLY_TYPES } from '../../config/sections/config-recording';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { expectProblem, problemsFor } from './section-problems';

// AWS Config: "Daily recording cannot be specified for the following resource types:
// AWS::Config::ResourceCompliance, AWS::Config::ConformancePackCompliance, AWS::Config::ConfigurationRecorder.
// For the allSupported (ALL_SUPPORTED_RESOURCE_TYPES) recording strategy, these resource types will be set to
// Continuous recording." https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingMode.html and
// https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingModeOverride.html (resourceTypes).
describe('AWS Config types that cannot be recorded daily', () => {
  const recorders = (input: Record<string, any>) =>
    Object.fromEntries(resourcesOf(synthOrg(configOf(input))['workload-prod'], 'aws_config_configuration_recorder').map(([, r]) => [r.region, r]));

  test('the AWS list', () => {
    expect([...CONFIG_CONTINUOUS_ONLY_TYPES].sort()).toEqual(
      ['AWS::Config::ConfigurationRecorder', 'AWS::Config::ConformancePackCompliance', 'AWS::Config::ResourceCompliance']);
  });

  test('DAILY with an exclusion list (not allSupported) overrides them to CONTINUOUS in every region', () => {
    const recs = recorders({ ...minimalInput(), firewallManager: { configRecording: { recordingFrequency: 'DAILY', excludedResourceTypes: ['AWS::EC2::Volume'] } } });
    for (const rec of Object.values(recs) as any[]) {
      expect(rec.recording_group.all_supported).toBe(false);
      expect(rec.recording_mode.recording_frequency).toBe('DAILY');
      expect(rec.recording_mode.recording_mode_override.recording_frequency).toBe('CONTINUOUS');
      for (const t of CONFIG_CONTINUOUS_ONLY_TYPES) expect(rec.recording_mode.recording_mode_override.resource_types).toContain(t);
    }
  });

  test('an excluded one is not in the override (full example excludes ResourceCompliance)', () => {
    const [[, rec]] = resourcesOf(synthOrg(loadConfig('config/examples/full.yaml'))['workload-prod'], 'aws_config_configuration_recorder');
    const types = rec.recording_mode.recording_mode_override.resource_types;
    expect(types).not.toContain('AWS::Config::ResourceCompliance');
    expect(types).toEqual(expect.arrayContaining(['AWS::Config::ConformancePackCompliance', 'AWS::Config::ConfigurationRecorder']));
  });

  test('DAILY with allSupported leaves them to Config (no change to those recorders)', () => {
    const recs = recorders({ ...minimalInput(), firewallManager: { configRecording: { recordingFrequency: 'DAILY' } } });
    for (const rec of Object.values(recs) as any[]) {
      expect(rec.recording_group.all_supported).toBe(true);
      for (const t of CONFIG_CONTINUOUS_ONLY_TYPES) expect(rec.recording_mode.recording_mode_override.resource_types).not.toContain(t);
    }
  });

  test('listing one in dailyResourceTypes is a config error', () => {
    expectProblem(problemsFor((i) => (i.firewallManager = { configRecording: { dailyResourceTypes: ['AWS::EC2::Volume', 'AWS::Config::ResourceCompliance'] } })),
      'firewallManager.configRecording.dailyResourceTypes[1]', /AWS::Config::ResourceCompliance cannot be recorded daily/);
  });
});
