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
