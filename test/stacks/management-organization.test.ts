import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { policyTypesOrgGuardNeeds } from '../../stacks/wiring/organization';

// `enabled_policy_types` and `aws_service_access_principals` are authoritative: resourceOrganizationUpdate
// calls DisablePolicyType / DisableAWSServiceAccess for every entry in state but not in config
// (terraform-provider-aws 6.25, internal/service/organizations/organization.go), and disabling a policy
// type detaches every policy of that type (Organizations guide, "Disabling a policy type").
function managementOf(mutate: (input: Record<string, any>) => void = () => {}) {
  const input = minimalInput();
  mutate(input);
  const mgmt = synthOrg(configOf(input)).management;
  const [[name, org]] = resourcesOf(mgmt, 'aws_organizations_organization');
  return { mgmt, name, org };
}

describe('adopted organization keeps what it already uses', () => {
  test('policyTypesInUse and trustedServicesInUse are kept; RAM is trusted and sharing is on (the issue\'s example)', () => {
    const { mgmt, org } = managementOf((i) => {
      i.organization.policyTypesInUse = ['TAG_POLICY', 'BACKUP_POLICY'];
      i.organization.trustedServicesInUse = ['sso.amazonaws.com'];
    });
    expect(org.enabled_policy_types).toEqual(['BACKUP_POLICY', 'RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY', 'TAG_POLICY']);
    expect(org.aws_service_access_principals).toEqual(expect.arrayContaining(['sso.amazonaws.com', 'ram.amazonaws.com']));
    // Resource sharing with the organization: FMS DNS Firewall (on by default) shares its rule groups through RAM
    // (https://docs.aws.amazon.com/waf/latest/developerguide/dns-firewall-policies.html).
    const sharing = resourcesOf(mgmt, 'aws_ram_sharing_with_organization');
    expect(sharing).toHaveLength(1);
    // RAM's own EnableSharingWithAwsOrganization creates its service-linked role; trusted access enabled
    // through Organizations alone does not (RAM user guide, getting-started-sharing.html#getting-started-sharing-orgs).
    expect(org.depends_on).toEqual([`aws_ram_sharing_with_organization.${sharing[0][0]}`]);
  });

  test('without policyTypesInUse only what org-guard needs is enabled (SCP and RCP, even with guardrails off)', () => {
    expect(managementOf().org.enabled_policy_types).toEqual(['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY']);
    expect(managementOf((i) => (i.guardrails = { enabled: false })).org.enabled_policy_types)
      .toEqual(['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY']);
    expect(policyTypesOrgGuardNeeds(configOf())).toEqual(expect.arrayContaining(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']));
  });

  test('a type both in use and needed is listed once', () => {
    const { org } = managementOf((i) => (i.organization.policyTypesInUse = ['SERVICE_CONTROL_POLICY', 'DECLARATIVE_POLICY_EC2']));
    expect(org.enabled_policy_types).toEqual(['DECLARATIVE_POLICY_EC2', 'RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY']);
  });

  test.each([
    ['DNS Firewall only', { networkFirewall: { enabled: false } }, true],
    ['Network Firewall only', { dnsFirewall: { enabled: false }, networkFirewall: { enabled: true } }, true],
    ['neither', { dnsFirewall: { enabled: false }, networkFirewall: { enabled: false } }, false],
    ['Firewall Manager off', { enabled: false }, false],
  ])('resource sharing and RAM trust follow the RAM-based FMS policies: %s', (_name, firewallManager, on) => {
    const { mgmt, org } = managementOf((i) => (i.firewallManager = firewallManager));
    expect(resourcesOf(mgmt, 'aws_ram_sharing_with_organization')).toHaveLength(on ? 1 : 0);
    expect(org.aws_service_access_principals.includes('ram.amazonaws.com')).toBe(on);
    if (!on) expect(org.depends_on).toBeUndefined();
  });

  test('ram.amazonaws.com already in use is kept when the FMS policies are off, and listed once when on', () => {
    const off = managementOf((i) => {
      i.organization.trustedServicesInUse = ['ram.amazonaws.com'];
      i.firewallManager = { enabled: false };
    });
    expect(off.org.aws_service_access_principals).toContain('ram.amazonaws.com');
    const on = managementOf((i) => (i.organization.trustedServicesInUse = ['ram.amazonaws.com']));
    expect(on.org.aws_service_access_principals.filter((p: string) => p === 'ram.amazonaws.com')).toHaveLength(1);
  });
});
