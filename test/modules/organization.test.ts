import { Organization, ORG_GUARD_SERVICE_PRINCIPALS } from '../../modules/organization';
import { resourcesOf } from '../helpers';
import { synthModule } from './module-helpers';

describe('Organization', () => {
  test('imports the organization, with an authoritative, sorted, de-duplicated principal list', () => {
    const json = synthModule((s) => {
      const org = new Organization(s, 'org', { organizationId: 'o-abcdefghij', trustedServicesInUse: ['sso.amazonaws.com', 'guardduty.amazonaws.com'] });
      org.trustService('ram.amazonaws.com');
      org.enablePolicyType('TAG_POLICY');
    });
    const [[name, org]] = resourcesOf(json, 'aws_organizations_organization');
    expect(json.import).toEqual([{ to: `aws_organizations_organization.${name}`, id: 'o-abcdefghij' }]);
    expect(org.aws_service_access_principals).toEqual([...new Set([...ORG_GUARD_SERVICE_PRINCIPALS, 'sso.amazonaws.com', 'ram.amazonaws.com'])].sort());
    expect(org.enabled_policy_types).toEqual(['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY', 'TAG_POLICY']);
    expect(org).toMatchObject({ feature_set: 'ALL', lifecycle: { prevent_destroy: true } });
  });

  test('policy types can be given explicitly', () => {
    const json = synthModule((s) => new Organization(s, 'org', { organizationId: 'o-abcdefghij', enabledPolicyTypes: ['SERVICE_CONTROL_POLICY'] }));
    expect(resourcesOf(json, 'aws_organizations_organization')[0][1].enabled_policy_types).toEqual(['SERVICE_CONTROL_POLICY']);
  });
});
