import { readFileSync } from 'node:fs';
import { parseConfig } from '../../config/load';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { REGIONS, allResources, byRegion } from './services-helpers';

const SECURITY = '222222222222';

describe('management stack: organization and delegated admins (bundled example)', () => {
  const example = parseConfig(readFileSync('config/organization.yaml', 'utf8'), 'config/organization.yaml');
  const mgmt = synthOrg(example).management;
  const [[orgName, org]] = resourcesOf(mgmt, 'aws_organizations_organization');

  test('the organization is adopted by import, never created, with feature set ALL and protected', () => {
    expect(mgmt.import).toEqual(expect.arrayContaining([{ to: `aws_organizations_organization.${orgName}`, id: 'o-exampleorg1' }]));
    expect(org.feature_set).toBe('ALL');
    expect(org.lifecycle.prevent_destroy).toBe(true);
  });

  test('trusted access lists every principal the project needs plus the ones already in use', () => {
    expect([...org.aws_service_access_principals].sort()).toEqual([
      'access-analyzer.amazonaws.com', 'cloudtrail.amazonaws.com', 'config-multiaccountsetup.amazonaws.com', 'config.amazonaws.com',
      'detective.amazonaws.com', 'fms.amazonaws.com', 'guardduty.amazonaws.com',
      // Centralized root access (organizationPolicies.rootAccess, on by default) needs IAM's trusted access.
      'iam.amazonaws.com',
      'inspector2.amazonaws.com', 'macie.amazonaws.com',
      'malware-protection.guardduty.amazonaws.com', 'ram.amazonaws.com', 'securityhub.amazonaws.com', 'sso.amazonaws.com',
    ]);
  });

  test('service control and resource control policies are enabled on the root', () => {
    expect(org.enabled_policy_types).toEqual(expect.arrayContaining(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']));
  });

  test.each([
    ['aws_guardduty_organization_admin_account', 'admin_account_id'],
    ['aws_detective_organization_admin_account', 'account_id'],
    ['aws_inspector2_delegated_admin_account', 'account_id'],
    ['aws_macie2_organization_admin_account', 'admin_account_id'],
  ])('%s: the security account in each of the 4 regions, after trusted access, protected', (type, idField) => {
    const regs = byRegion(mgmt, type);
    expect(Object.keys(regs).sort()).toEqual([...REGIONS].sort());
    for (const [, body] of Object.values(regs)) {
      expect(body[idField]).toBe(SECURITY);
      expect(body.depends_on).toContain(`aws_organizations_organization.${orgName}`);
      expect(body.lifecycle.prevent_destroy).toBe(true);
    }
  });

  test('Security Hub admin once in the home region, Firewall Manager admin once', () => {
    const sh = resourcesOf(mgmt, 'aws_securityhub_organization_admin_account');
    expect(sh).toHaveLength(1);
    expect(sh[0][1]).toMatchObject({ admin_account_id: SECURITY, region: 'us-east-1' });
    expect(sh[0][1].depends_on).toContain(`aws_organizations_organization.${orgName}`);
    const fms = resourcesOf(mgmt, 'aws_fms_admin_account');
    expect(fms).toHaveLength(1);
    expect(fms[0][1].account_id).toBe(SECURITY);
    // The home region is us-east-1: the default provider already calls the right endpoint.
    expect(fms[0][1].provider).toBeUndefined();
  });

  test('Config, config-multiaccountsetup and Access Analyzer through Organizations', () => {
    const delegated = resourcesOf(mgmt, 'aws_organizations_delegated_administrator').map(([, b]) => b);
    expect(delegated.map((d) => d.service_principal).sort()).toEqual([
      'access-analyzer.amazonaws.com', 'config-multiaccountsetup.amazonaws.com', 'config.amazonaws.com',
    ]);
    for (const d of delegated) {
      expect(d.account_id).toBe(SECURITY);
      expect(d.depends_on).toContain(`aws_organizations_organization.${orgName}`);
      expect(d.lifecycle.prevent_destroy).toBe(true);
    }
  });
});

describe('management stack: variations', () => {
  test('outside us-east-1, Firewall Manager is registered through a us-east-1 provider', () => {
    const input = minimalInput();
    input.organization.homeRegion = 'eu-west-1';
    const mgmt = synthOrg(configOf(input)).management;
    const alias = mgmt.provider!.aws.find((p: any) => p.alias === 'us-east-1');
    expect(alias).toMatchObject({ region: 'us-east-1', allowed_account_ids: ['111111111111'] });
    expect(resourcesOf(mgmt, 'aws_fms_admin_account')[0][1].provider).toBe('aws.us-east-1');
    expect(resourcesOf(mgmt, 'aws_securityhub_organization_admin_account')[0][1].region).toBe('eu-west-1');
  });

  test('a disabled or excluded service has no registration there', () => {
    const input = minimalInput();
    input.services = { macie: { enabled: false }, guardDuty: { excludedRegions: ['ap-northeast-1'] }, accessAnalyzer: { enabled: false } };
    const mgmt = synthOrg(configOf(input)).management;
    expect(resourcesOf(mgmt, 'aws_macie2_organization_admin_account')).toEqual([]);
    expect(Object.keys(byRegion(mgmt, 'aws_guardduty_organization_admin_account')).sort()).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    expect(resourcesOf(mgmt, 'aws_organizations_delegated_administrator').map(([, b]) => b.service_principal))
      .not.toContain('access-analyzer.amazonaws.com');
  });

  test('adding member accounts changes no resource of the management stack', () => {
    const before = allResources(synthOrg(configOf()).management);
    const input = minimalInput();
    for (let i = 0; i < 5; i++) input.accounts.members.push({ name: `extra-${i}`, id: `90000000000${i}`, email: `extra${i}@example.com` });
    const after = allResources(synthOrg(configOf(input)).management);
    expect(after).toEqual(before);
  });
});

// AWS Organizations API reference, RegisterDelegatedAdministrator: AccountAlreadyRegisteredException, "The specified
// account is already a delegated administrator for this AWS service"
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html); the
// provider's Create calls it unconditionally and its importer takes `<account id>/<service principal>`
// (internal/service/organizations/delegated_administrator.go). An existing registration must be imported.
describe('management stack: delegated administrators the organization already has', () => {
  const withInUse = (principals: string[], extra: (i: Record<string, any>) => void = () => {}) => {
    const input = minimalInput();
    input.organization.delegatedAdminsInUse = principals;
    extra(input);
    return input;
  };

  test('each listed registration is adopted with an import block at its own address; the others are created', () => {
    const mgmt = synthOrg(configOf(withInUse(['config.amazonaws.com', 'access-analyzer.amazonaws.com']))).management;
    const regs = resourcesOf(mgmt, 'aws_organizations_delegated_administrator');
    const addressOf = (principal: string) => `aws_organizations_delegated_administrator.${regs.find(([, r]) => r.service_principal === principal)![0]}`;
    expect(mgmt.import).toEqual(expect.arrayContaining([
      { to: addressOf('config.amazonaws.com'), id: `${SECURITY}/config.amazonaws.com` },
      { to: addressOf('access-analyzer.amazonaws.com'), id: `${SECURITY}/access-analyzer.amazonaws.com` },
    ]));
    expect((mgmt.import ?? []).map((i: any) => i.to)).not.toContain(addressOf('config-multiaccountsetup.amazonaws.com'));
    // Construct ids (and so addresses) stay what they were.
    expect(regs.map(([name]) => name).sort()).toEqual(resourcesOf(synthOrg().management, 'aws_organizations_delegated_administrator').map(([n]) => n).sort());
  });

  test('default: nothing is imported but the organization', () => {
    const mgmt = synthOrg().management;
    expect((mgmt.import ?? []).filter((i: any) => String(i.to).startsWith('aws_organizations_delegated_administrator.'))).toEqual([]);
  });

  test('a principal org-guard does not register, or one listed twice, is a config error', () => {
    expect(() => configOf(withInUse(['sso.amazonaws.com']))).toThrow(/organization\.delegatedAdminsInUse\[0\].*"sso\.amazonaws\.com": org-guard does not register it through AWS Organizations; allowed: config\.amazonaws\.com/s);
    expect(() => configOf(withInUse(['access-analyzer.amazonaws.com'], (i) => { i.services = { accessAnalyzer: { enabled: false } }; })))
      .toThrow(/"access-analyzer\.amazonaws\.com": org-guard does not register it with this config/);
    expect(() => configOf(withInUse(['config.amazonaws.com', 'config.amazonaws.com']))).toThrow(/delegatedAdminsInUse\[1\].*already listed at index 0/s);
  });
});
