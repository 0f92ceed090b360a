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

describe('Organization resource sharing', () => {
  test('resourceSharing adds RAM sharing with the organization, RAM trusted access, and orders the organization after it', () => {
    const json = synthModule((s) => new Organization(s, 'org', { organizationId: 'o-abcdefghij', resourceSharing: true }));
    const sharing = resourcesOf(json, 'aws_ram_sharing_with_organization');
    expect(sharing).toHaveLength(1);
    // The resource has no arguments (internal/service/ram/sharing_with_organization.go: empty schema).
    expect(Object.keys(sharing[0][1]).filter((k) => k !== '//')).toEqual([]);
    const [[, org]] = resourcesOf(json, 'aws_organizations_organization');
    expect(org.aws_service_access_principals).toContain('ram.amazonaws.com');
    expect(org.depends_on).toEqual([`aws_ram_sharing_with_organization.${sharing[0][0]}`]);
  });

  test('off by default: no sharing resource, no RAM trust', () => {
    const json = synthModule((s) => new Organization(s, 'org', { organizationId: 'o-abcdefghij' }));
    expect(resourcesOf(json, 'aws_ram_sharing_with_organization')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_organizations_organization')[0][1].aws_service_access_principals).not.toContain('ram.amazonaws.com');
  });
});
