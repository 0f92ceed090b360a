import { InspectorOrganization } from '../../modules/inspector';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { synthModule } from './module-helpers';

// auto_enable.code_repository: @cdktf/provider-aws 21.22.1 (provider 6.25.0) Inspector2OrganizationConfigurationAutoEnable.codeRepository,
// optional (provider default false), next to ec2/ecr/lambda/lambda_code.
describe('Inspector code security', () => {
  test('code repository auto-enable is written only when switched on', () => {
    const on = synthModule((s) => new InspectorOrganization(s, 'i', { region: 'eu-west-1', adminAccountId: '222222222222', codeRepository: true }));
    expect(resourcesOf(on, 'aws_inspector2_organization_configuration')[0][1].auto_enable).toEqual({ ec2: true, ecr: true, lambda: true, lambda_code: true, code_repository: true });
    const off = synthModule((s) => new InspectorOrganization(s, 'i', { region: 'eu-west-1', adminAccountId: '222222222222' }));
    expect(resourcesOf(off, 'aws_inspector2_organization_configuration')[0][1].auto_enable).not.toHaveProperty('code_repository');
  });

  test('off by default in the config; on, in every Inspector region; the enablers keep their scan types', () => {
    expect(configOf().services.inspector.codeSecurity.autoEnable).toBe(false);
    const input = minimalInput();
    input.services = { inspector: { excludedRegions: ['eu-west-1'], codeSecurity: { autoEnable: true } } };
    const sec = synthOrg(configOf(input)).security;
    const orgConfigs = resourcesOf(sec, 'aws_inspector2_organization_configuration').map(([, c]) => [c.region, c.auto_enable.code_repository]);
    expect(orgConfigs.sort()).toEqual([['ap-northeast-1', true], ['us-east-1', true], ['us-west-2', true]]);
    for (const [, e] of resourcesOf(sec, 'aws_inspector2_enabler')) expect(e.resource_types).not.toContain('CODE_REPOSITORY');
  });
});
