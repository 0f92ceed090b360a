import { readFileSync } from 'node:fs';
import { parseConfig } from '../../config/load';
import { configOf, minimalInput, resourcesOf, synthOrg } from '../helpers';
import { REGIONS, allResources, byRegion } from './services-helpers';
import { expectProblem, problemsFor } from '../config/section-problems';

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
    expect(() => configOf(withInUse(['sso.amazonaws.com']))).toThrow(/organization\.delegatedAdminsInUse\[0\].*"sso\.amazonaws\.com": org-guard does not register a delegated administrator for it; allowed: guardduty\.amazonaws\.com, .*config\.amazonaws\.com/s);
    expect(() => configOf(withInUse(['access-analyzer.amazonaws.com'], (i) => { i.services = { accessAnalyzer: { enabled: false } }; })))
      .toThrow(/"access-analyzer\.amazonaws\.com": org-guard does not register it with this config/);
    expect(() => configOf(withInUse(['config.amazonaws.com', 'config.amazonaws.com']))).toThrow(/delegatedAdminsInUse\[1\].*already listed at index 0/s);
  });
});

// Service-level registrations the organization already has. Evidence that creating them again fails:
// GuardDuty EnableOrganizationAdminAccount answers BadRequestException "The request failed because the account is
// already enabled as the GuardDuty delegated administrator for the organization" (observed CLI output,
// https://zenn.dev/hiroga/scraps/b7f24f6079ec55) and the provider's Create passes it on
// (internal/service/guardduty/organization_admin_account.go); the FMS Create refuses an existing READY admin:
// "FMS Admin Account (%s) already associated: import this Terraform resource to manage" (internal/service/fms/admin_account.go).
// Import ids: every importer is ImportStatePassthrough (id = admin account id, which Read looks up in the service's
// admin list); provider 6 reads the region from an `@<region>` suffix (regex below, internal/provider/sdkv2/region.go
// importRegion) and otherwise takes the provider's region, and a `region` in the config that differs from the
// imported one forces replacement (forceNewIfRegionChanges). aws_fms_admin_account is not region-aware
// (website/docs/guides/enhanced-region-support.html.markdown, "Global resources in regional services").
describe('management stack: service delegated administrators the organization already has', () => {
  const PROVIDER_IMPORT_REGION = /^(.+)@([a-z]{2}(?:-[a-z]+)+-\d{1,2})$/;
  const REGIONAL: [string, string, string][] = [
    ['guardduty.amazonaws.com', 'aws_guardduty_organization_admin_account', 'admin_account_id'],
    ['detective.amazonaws.com', 'aws_detective_organization_admin_account', 'account_id'],
    ['inspector2.amazonaws.com', 'aws_inspector2_delegated_admin_account', 'account_id'],
    ['macie.amazonaws.com', 'aws_macie2_organization_admin_account', 'admin_account_id'],
    ['securityhub.amazonaws.com', 'aws_securityhub_organization_admin_account', 'admin_account_id'],
  ];
  const synthWith = (inUse: unknown[], extra: (i: Record<string, any>) => void = () => {}) => {
    const input = minimalInput();
    input.organization.delegatedAdminsInUse = inUse;
    extra(input);
    return synthOrg(configOf(input)).management;
  };
  const importsOf = (stack: any, type: string) => (stack.import ?? []).filter((i: any) => String(i.to).startsWith(`${type}.`));

  test.each(REGIONAL)('%s alone: every registration org-guard makes is imported with the id the provider importer reads', (principal, type, idField) => {
    const mgmt = synthWith([principal], (i) => { i.organization.homeRegion = 'eu-west-1'; });
    const regs = resourcesOf(mgmt, type);
    expect(regs.length).toBeGreaterThan(0);
    const imports = importsOf(mgmt, type);
    expect(imports.map((i: any) => i.to).sort()).toEqual(regs.map(([name]) => `${type}.${name}`).sort());
    for (const [name, body] of regs) {
      const imp = imports.find((i: any) => i.to === `${type}.${name}`);
      const [, id, region] = PROVIDER_IMPORT_REGION.exec(imp.id) ?? [];
      // The passthrough id is what Read compares with the admin list, and the suffix is the resource's own region.
      expect(id).toBe(body[idField]);
      expect(region).toBe(body.region);
      expect(imp.provider).toBeUndefined();
    }
  });

  test('Security Hub is adopted in the home region, where its one registration is', () => {
    const imports = importsOf(synthWith(['securityhub.amazonaws.com'], (i) => { i.organization.homeRegion = 'eu-west-1'; }), 'aws_securityhub_organization_admin_account');
    expect(imports.map((i: any) => i.id)).toEqual([`${SECURITY}@eu-west-1`]);
  });

  test('a per-region list imports exactly those regions; the others are created', () => {
    const mgmt = synthWith([{ principal: 'guardduty.amazonaws.com', regions: ['us-west-2', 'ap-northeast-1'] }, 'detective.amazonaws.com']);
    const gd = byRegion(mgmt, 'aws_guardduty_organization_admin_account');
    const imported = importsOf(mgmt, 'aws_guardduty_organization_admin_account');
    expect(imported.map((i: any) => i.id).sort()).toEqual([`${SECURITY}@ap-northeast-1`, `${SECURITY}@us-west-2`]);
    expect(imported.map((i: any) => i.to).sort())
      .toEqual([gd['ap-northeast-1'][0], gd['us-west-2'][0]].map((n) => `aws_guardduty_organization_admin_account.${n}`).sort());
    expect(importsOf(mgmt, 'aws_detective_organization_admin_account')).toHaveLength(REGIONS.length);
    expect(importsOf(mgmt, 'aws_macie2_organization_admin_account')).toEqual([]);
  });

  // Terraform 1.11 refuses an import block whose provider differs from the resource's ("Invalid import provider
  // argument: The provider argument can only be specified in import blocks that will generate configuration";
  // checked offline with terraform_data and an aliased built-in provider); the same provider, or none, plans.
  test('Firewall Manager: imported by account id, without a region suffix, through the us-east-1 provider of the resource', () => {
    const outside = synthWith(['fms.amazonaws.com'], (i) => { i.organization.homeRegion = 'eu-west-1'; });
    const [[name, body]] = resourcesOf(outside, 'aws_fms_admin_account');
    expect(importsOf(outside, 'aws_fms_admin_account')).toEqual([{ to: `aws_fms_admin_account.${name}`, id: SECURITY, provider: 'aws.us-east-1' }]);
    expect(body.provider).toBe('aws.us-east-1');
    const home = synthWith(['fms.amazonaws.com']);
    expect(importsOf(home, 'aws_fms_admin_account').map((i: any) => [i.id, i.provider])).toEqual([[SECURITY, undefined]]);
  });

  test('default: no service registration is imported', () => {
    const mgmt = synthOrg().management;
    for (const type of [...REGIONAL.map(([, t]) => t), 'aws_fms_admin_account']) expect(importsOf(mgmt, type)).toEqual([]);
  });

  test('adoption changes no address and no argument, only import blocks', () => {
    const all = [...REGIONAL.map(([p]) => p), 'fms.amazonaws.com', 'config.amazonaws.com'];
    const adopted = synthWith(all);
    expect(allResources(adopted)).toEqual(allResources(synthOrg().management));
    expect((adopted.import ?? []).length).toBe(1 + 4 * 4 + 1 + 1 + 1);
  });

  test('a region kept by removal.keepDelegatedAdmins still has its registration, so it can be adopted', () => {
    const mgmt = synthWith([{ principal: 'macie.amazonaws.com', regions: ['ap-northeast-1'] }], (i) => {
      i.organization.regions = ['us-east-1', 'us-west-2', 'eu-west-1'];
      i.removal = { keepDelegatedAdmins: { regions: ['ap-northeast-1'] } };
    });
    expect(importsOf(mgmt, 'aws_macie2_organization_admin_account').map((i: any) => i.id)).toEqual([`${SECURITY}@ap-northeast-1`]);
  });
});

describe('config: organization.delegatedAdminsInUse entries for service registrations', () => {
  const problems = (inUse: unknown[], extra: (i: Record<string, any>) => void = () => {}) => problemsFor((i) => {
    i.organization.delegatedAdminsInUse = inUse;
    extra(i);
  });

  test('a service org-guard does not register with this config is an error naming the switch', () => {
    expectProblem(problems(['macie.amazonaws.com'], (i) => { i.services = { macie: { enabled: false } }; }),
      'organization.delegatedAdminsInUse[0]', /"macie\.amazonaws\.com": org-guard does not register it with this config \(services\.macie is off\); allowed: guardduty\.amazonaws\.com/);
  });

  test('a region where org-guard does not register the service is an error listing where it does', () => {
    const found = problems([
      { principal: 'guardduty.amazonaws.com', regions: ['us-east-1', 'ap-northeast-1', 'eu-central-1'] },
      { principal: 'securityhub.amazonaws.com', regions: ['us-west-2'] },
    ], (i) => { i.services = { guardDuty: { excludedRegions: ['ap-northeast-1'] } }; });
    expectProblem(found, 'organization.delegatedAdminsInUse[0].regions[1]',
      /org-guard does not register "guardduty\.amazonaws\.com" in region "ap-northeast-1"; it does in: us-east-1, us-west-2, eu-west-1$/);
    expectProblem(found, 'organization.delegatedAdminsInUse[0].regions[2]', /region "eu-central-1"/);
    expectProblem(found, 'organization.delegatedAdminsInUse[1].regions[0]', /"securityhub\.amazonaws\.com" in region "us-west-2"; it does in: us-east-1$/);
    expect(found).toHaveLength(3);
  });

  test('regions on a global registration, an empty list, repeats and a wrong shape are errors', () => {
    const found = problems([
      { principal: 'fms.amazonaws.com', regions: ['us-east-1'] },
      { principal: 'config.amazonaws.com', regions: ['us-east-1'] },
      { principal: 'detective.amazonaws.com', regions: [] },
      { principal: 'inspector2.amazonaws.com', regions: ['us-east-1', 'us-east-1'] },
      'detective.amazonaws.com',
      42,
      { principal: 'macie.amazonaws.com', region: ['us-east-1'] },
    ]);
    expectProblem(found, 'organization.delegatedAdminsInUse[0].regions', /"fms\.amazonaws\.com" is one registration for the whole organization.*without regions/);
    expectProblem(found, 'organization.delegatedAdminsInUse[1].regions', /"config\.amazonaws\.com" is one registration/);
    expectProblem(found, 'organization.delegatedAdminsInUse[2].regions', /empty list: omit regions .* \(us-east-1, us-west-2, eu-west-1, ap-northeast-1\)/);
    expectProblem(found, 'organization.delegatedAdminsInUse[3].regions[1]', /region "us-east-1" is already listed at index 0/);
    expectProblem(found, 'organization.delegatedAdminsInUse[4]', /"detective\.amazonaws\.com" is already listed at index 2/);
    expectProblem(found, 'organization.delegatedAdminsInUse[5]', /each entry is a service principal .* or \{ principal, regions: \[region, \.\.\.\] \}, got 42/);
    expectProblem(found, 'organization.delegatedAdminsInUse[6]', /^unknown key "region"; did you mean "regions"\?$/);
  });
});
