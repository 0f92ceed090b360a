import { MemberRegistrations } from '../../modules/member-registrations';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

const securityProvider = { securityAccountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/Deploy', sessionName: 's', region: 'eu-west-1' };

describe('MemberRegistrations', () => {
  test('without email only Inspector enrols the account; everything goes through the security provider', () => {
    const json = synthModule((s) => new MemberRegistrations(s, 'r', {
      accountId: '444444444444', securityProvider, inspectorRegions: ['eu-west-1'], macieRegions: ['eu-west-1'],
      detectiveRegions: ['eu-west-1'], detectiveGraphArns: { 'eu-west-1': 'arn:aws:detective:eu-west-1:222222222222:graph:ab' },
    }));
    expect(json.provider!.aws).toEqual([expect.objectContaining({
      alias: 'security', allowed_account_ids: ['222222222222'], assume_role: [{ role_arn: securityProvider.roleArn, session_name: 's' }],
    })]);
    expect(resourcesOf(json, 'aws_inspector2_member_association')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_macie2_member')).toEqual([]);
    expect(resourcesOf(json, 'aws_detective_member')).toEqual([]);
    for (const byName of Object.values(json.resource!)) {
      for (const body of Object.values(byName)) expect(body.provider).toBe('aws.security');
    }
  });

  test('with email, Macie and Detective enrol it too; a graph not given is read from the security stack\'s parameter', () => {
    const json = synthModule((s) => new MemberRegistrations(s, 'r', {
      accountId: '444444444444', email: 'a@example.com', securityProvider, macieRegions: ['eu-west-1', 'us-east-1'],
      detectiveRegions: ['eu-west-1', 'us-east-1'], detectiveGraphArns: { 'eu-west-1': 'arn:aws:detective:eu-west-1:222222222222:graph:ab' },
    }));
    expect(resourcesOf(json, 'aws_macie2_member').map(([, b]) => b.region)).toEqual(['eu-west-1', 'us-east-1']);
    const members = resourcesOf(json, 'aws_detective_member').map(([, b]) => [b.region, b.email_address, b.graph_arn]);
    expect(members).toEqual([
      ['eu-west-1', 'a@example.com', 'arn:aws:detective:eu-west-1:222222222222:graph:ab'],
      ['us-east-1', 'a@example.com', expect.stringMatching(/^\$\{data\.aws_ssm_parameter\.[^.]+\.insecure_value\}$/)],
    ]);
    // Only the region without an override is looked up, in that region, as the security account.
    expect(Object.values(json.data!.aws_ssm_parameter)).toEqual([
      expect.objectContaining({ name: '/org-guard/detective/graph-arn', region: 'us-east-1', provider: 'aws.security' }),
    ]);
  });
});
