import { FmsShieldPolicy } from '../../modules/fms-shield-policy';
import { fmsPolicies, synthWith } from './fms-test-helpers';

describe('FmsShieldPolicy', () => {
  test('CloudFront policy in us-east-1 with automatic application-layer response', () => {
    const [p] = fmsPolicies(synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'us-east-1', resourceTypes: ['AWS::CloudFront::Distribution'], automaticResponse: 'COUNT' })));
    expect(p.body).toMatchObject({ region: 'us-east-1', resource_type: 'AWS::CloudFront::Distribution', remediation_enabled: true });
    expect(p.data).toEqual({ type: 'SHIELD_ADVANCED', automaticResponseConfiguration: { automaticResponseStatus: 'ENABLED', automaticResponseAction: 'COUNT' } });
  });

  test('regional policy lists its resource types and ignores automatic response', () => {
    const [p] = fmsPolicies(synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'eu-west-1', resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::EIP'], automaticResponse: 'BLOCK' })));
    expect(p.body.resource_type_list).toEqual(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::EIP']);
    expect(p.data.automaticResponseConfiguration.automaticResponseStatus).toBe('IGNORED');
  });

  test('CloudFront outside us-east-1 is refused', () => {
    expect(() => synthWith((s) => new FmsShieldPolicy(s, 'shield', { policyName: 'x', region: 'eu-west-1', resourceTypes: ['AWS::CloudFront::Distribution'] }))).toThrow(/us-east-1/);
  });
});
