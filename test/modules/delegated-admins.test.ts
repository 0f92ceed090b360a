import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DelegatedAdmins } from '../../modules/delegated-admins';
import { Organization } from '../../modules/organization';
import { countResources, resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

describe('DelegatedAdmins', () => {
  test('registers each service in its regions, after the dependency, protected from destroy', () => {
    const json = synthModule((s) => {
      const org = new Organization(s, 'org', { organizationId: 'o-abcdefghij' });
      const east = new AwsProvider(s, 'east', { alias: 'east', region: 'us-east-1' });
      new DelegatedAdmins(s, 'admins', {
        adminAccountId: '222222222222',
        dependsOn: [org.resource],
        guardDutyRegions: ['eu-west-1', 'eu-central-1'],
        inspectorRegions: ['eu-west-1'],
        securityHubRegion: 'eu-west-1',
        firewallManagerProvider: east,
        organizationsServicePrincipals: ['config.amazonaws.com'],
      });
    });
    expect(resourcesOf(json, 'aws_guardduty_organization_admin_account').map(([, b]) => b.region).sort()).toEqual(['eu-central-1', 'eu-west-1']);
    expect(resourcesOf(json, 'aws_detective_organization_admin_account')).toEqual([]);
    expect(resourcesOf(json, 'aws_inspector2_delegated_admin_account')[0][1].timeouts.create).toBe('30m');
    expect(resourcesOf(json, 'aws_fms_admin_account')[0][1].provider).toBe('aws.east');
    const [[orgName]] = resourcesOf(json, 'aws_organizations_organization');
    // 2 GuardDuty + 1 Inspector + Security Hub + FMS + Config, and the organization itself.
    expect(countResources(json)).toBe(7);
    for (const [type, byName] of Object.entries(json.resource!)) {
      if (type === 'aws_organizations_organization') continue;
      for (const body of Object.values(byName)) {
        expect(body.depends_on).toEqual([`aws_organizations_organization.${orgName}`]);
        expect(body.lifecycle.prevent_destroy).toBe(true);
      }
    }
  });

  test('Firewall Manager can be left out', () => {
    const json = synthModule((s) => new DelegatedAdmins(s, 'admins', { adminAccountId: '222222222222', dependsOn: [], firewallManager: false }));
    expect(resourcesOf(json, 'aws_fms_admin_account')).toEqual([]);
  });
});
