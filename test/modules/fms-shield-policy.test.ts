import { FmsShieldPolicy } from '../../modules/fms-shield-policy';
import { fmsPolicies, synthWith } from './fms-test-helpers';

describe('FmsShieldPolicy', () => {
  test('CloudFront policy in us-east-1 with automatic application-layer response', () => {
    const [p] = fmsPolicies(synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'us-east-1', resourceTypes: ['AWS::CloudFront::Distribution'], automaticResponse: 'COUNT' })));
    expect(p.body).toMatchObject({ region: 'us-east-1', resource_type: 'AWS::CloudFront::Distribution', remediation_enabled: true });
    // FMS echoes overrideCustomerWebaclClassic: false (cloudposse/terraform-aws-firewall-manager#38) and the
    // provider suppresses only null/[] differences (internal/service/fms/managed_service_data.go); the CloudFront
    // shape is the one in https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_SecurityServicePolicyData.html
    expect(p.data).toEqual({
      type: 'SHIELD_ADVANCED',
      automaticResponseConfiguration: { automaticResponseStatus: 'ENABLED', automaticResponseAction: 'COUNT' },
      overrideCustomerWebaclClassic: false,
      optimizeUnassociatedWebACL: true,
    });
  });

  test('CloudFront policy without automatic response still sends what FMS echoes', () => {
    const [p] = fmsPolicies(synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'us-east-1', resourceTypes: ['AWS::CloudFront::Distribution'] })));
    expect(p.data).toMatchObject({ automaticResponseConfiguration: { automaticResponseStatus: 'IGNORED' }, overrideCustomerWebaclClassic: false });
  });

  test('regional policy lists its resource types and ignores automatic response', () => {
    const [p] = fmsPolicies(synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'eu-west-1', resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::EIP'], automaticResponse: 'BLOCK' })));
    expect(p.body.resource_type_list).toEqual(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::EIP']);
    expect(p.data.automaticResponseConfiguration.automaticResponseStatus).toBe('IGNORED');
  });

  test('regional policy sends what FMS echoes for any SHIELD_ADVANCED policy', () => {
    // FMS echoed automaticResponseConfiguration {IGNORED} and overrideCustomerWebaclClassic: false for a Shield
    // policy that sent only {type} (plan output in https://github.com/cloudposse/terraform-aws-firewall-manager/pull/38);
    // the provider suppresses only null/[] differences (internal/service/fms/managed_service_data.go).
    const [p] = fmsPolicies(synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'eu-west-1', resourceTypes: ['AWS::EC2::EIP'] })));
    expect(p.data).toEqual({
      type: 'SHIELD_ADVANCED',
      automaticResponseConfiguration: { automaticResponseStatus: 'IGNORED' },
      overrideCustomerWebaclClassic: false,
    });
  });

  test('CloudFront outside us-east-1 is refused', () => {
    expect(() => synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'eu-west-1', resourceTypes: ['AWS::CloudFront::Distribution'] }))).toThrow(/us-east-1/);
  });
});
