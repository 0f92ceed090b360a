import { InspectorOrganization, inspectorResourceTypes } from '../../modules/inspector';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

describe('Inspector', () => {
  test('resource types follow the scan switches; Lambda code needs Lambda', () => {
    expect(inspectorResourceTypes()).toEqual(['EC2', 'ECR', 'LAMBDA', 'LAMBDA_CODE']);
    expect(inspectorResourceTypes({ ecr: false, lambdaCode: false })).toEqual(['EC2', 'LAMBDA']);
    expect(() => inspectorResourceTypes({ lambda: false })).toThrow(/needs Lambda/);
  });

  test('the admin enabler holds only the admin id, and the organization configuration waits for it', () => {
    const json = synthModule((s) => new InspectorOrganization(s, 'i', { region: 'eu-west-1', adminAccountId: '222222222222', scanTypes: { lambdaCode: false } }));
    const [[enName, en]] = resourcesOf(json, 'aws_inspector2_enabler');
    expect(en.account_ids).toEqual(['222222222222']);
    const [[, oc]] = resourcesOf(json, 'aws_inspector2_organization_configuration');
    expect(oc.auto_enable).toEqual({ ec2: true, ecr: true, lambda: true, lambda_code: false });
    expect(oc.depends_on).toEqual([`aws_inspector2_enabler.${enName}`]);
  });
});
