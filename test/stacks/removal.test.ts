import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Testing } from 'cdktf';
import { buildApp } from '../../app';
import { configOf, resourcesOf, synthOrg, type TfJson } from '../helpers';
import { evaluate, type Policy } from '../policy-eval';
import { protectionFor, removedEntries } from '../../tools/plan-review/protected-resources';
import { problemsFor, expectProblem } from '../config/section-problems';

// Taking a service or a region away, walked as `cdktf deploy '*'` applies it: management first (its
// stack is a dependency of security, which is one of every member), then security, then the members.
//
// What only the delegated administrator may do (AWS docs, each service's organization guide):
// - GuardDuty UpdateOrganizationConfiguration: "Only the delegated administrator can call this"
//   https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html
// - Security Hub UpdateOrganizationConfiguration / configuration policies: "can only be used by the
//   delegated administrator" https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_UpdateOrganizationConfiguration.html
// - Detective DeleteMembers / UpdateOrganizationConfiguration, Inspector DisassociateMember /
//   UpdateOrganizationConfiguration, Macie DeleteMember / UpdateOrganizationConfiguration: the
//   administrator account's calls. Removing the delegated administrator first leaves these calls
//   (Terraform's delete of the resource) without a caller that may make them.
const NEEDS_ADMIN: Record<string, string> = {
  aws_guardduty_organization_configuration: 'guardDuty',
  aws_guardduty_organization_configuration_feature: 'guardDuty',
  aws_securityhub_organization_configuration: 'securityHub',
  aws_securityhub_configuration_policy: 'securityHub',
  aws_securityhub_configuration_policy_association: 'securityHub',
  aws_detective_organization_configuration: 'detective',
  aws_detective_member: 'detective',
  aws_inspector2_organization_configuration: 'inspector',
  aws_inspector2_member_association: 'inspector',
  aws_macie2_organization_configuration: 'macie',
  aws_macie2_member: 'macie',
  aws_accessanalyzer_analyzer: 'accessAnalyzer',
};

const ADMIN_TYPES: Record<string, string> = {
  aws_guardduty_organization_admin_account: 'guardDuty',
  aws_securityhub_organization_admin_account: 'securityHub',
  aws_detective_organization_admin_account: 'detective',
  aws_inspector2_delegated_admin_account: 'inspector',
  aws_macie2_organization_admin_account: 'macie',
};

// The administrator's own service resource, in the security stack. AWS refuses to remove it while the
// account is still the delegated administrator (evidence next to adminAccountOnlyRegions in
// config/sections/removal.ts): GuardDuty DeleteDetector "cannot delete detector while it has invited or
// associated members" (internal/service/guardduty/detector.go); DisableSecurityHub "You can't disable Security
// Hub in an account that is currently the Security Hub administrator" (API_DisableSecurityHub.html); Inspector's
// provider disables only the members of a mixed enabler, warning "The Organization Administrator Account cannot
// be deleted while there are associated member accounts" (internal/service/inspector2/enabler.go); Macie administrators must remove their members first
// (macie/latest/APIReference/macie.html); Detective deletes the organization graph itself when the administrator
// is removed (API_DisableOrganizationAdminAccount.html). So it may only go once its registration has gone,
// and the security stack applies before the member stacks drop their memberships.
const ADMIN_OWN: Record<string, string> = {
  aws_guardduty_detector: 'guardDuty',
  aws_securityhub_account: 'securityHub',
  aws_detective_graph: 'detective',
  aws_inspector2_enabler: 'inspector',
  aws_macie2_account: 'macie',
};

type Org = Record<string, TfJson>;

/** `service@region` of every delegated-admin registration of the management stack. */
function registrations(org: Org): Set<string> {
  const out = new Set<string>();
  const home = org.management.provider!.aws.find((p: any) => !p.alias).region;
  for (const [type, byName] of Object.entries(org.management.resource ?? {})) {
    for (const body of Object.values<any>(byName)) {
      if (ADMIN_TYPES[type]) out.add(`${ADMIN_TYPES[type]}@${body.region ?? home}`);
      if (type === 'aws_organizations_delegated_administrator' && body.service_principal === 'access-analyzer.amazonaws.com') {
        out.add('accessAnalyzer@*');
      }
    }
  }
  return out;
}

/** Resources of the security and member stacks that the delegated administrator must create or delete. */
function adminOnly(org: Org): { stack: string; address: string; needs: string }[] {
  const home = org.management.provider!.aws.find((p: any) => !p.alias).region;
  return Object.entries(org).filter(([name]) => !['management', 'log-archive'].includes(name)).flatMap(([stack, json]) =>
    Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
      NEEDS_ADMIN[type]
        ? Object.entries<any>(byName)
          .filter(([, body]) => type !== 'aws_accessanalyzer_analyzer' || String(body.type).startsWith('ORGANIZATION'))
          .map(([name, body]) => ({
            stack,
            address: `${type}.${name}`,
            needs: NEEDS_ADMIN[type] === 'accessAnalyzer' ? 'accessAnalyzer@*' : `${NEEDS_ADMIN[type]}@${body.region ?? home}`,
          }))
        : []));
}

/** The security account's own service resources (not the enablers of the accounts it enrols). */
function adminOwn(org: Org): { address: string; needs: string; body: any }[] {
  const security = org.security.provider!.aws.find((p: any) => !p.alias).allowed_account_ids[0];
  const home = org.management.provider!.aws.find((p: any) => !p.alias).region;
  return Object.entries(org.security.resource ?? {}).flatMap(([type, byName]) =>
    ADMIN_OWN[type]
      ? Object.entries<any>(byName)
        .filter(([, body]) => type !== 'aws_inspector2_enabler' || JSON.stringify(body.account_ids) === JSON.stringify([security]))
        .map(([name, body]) => ({ address: `${type}.${name}`, needs: `${ADMIN_OWN[type]}@${body.region ?? home}`, body }))
      : []);
}

/**
 * One `cdktf deploy '*'` from `before` to `after`: management applies first, so every create and every
 * delete in the security and member stacks runs against the registrations of `after`.
 */
function deployProblems(before: Org, after: Org): string[] {
  const admins = registrations(after);
  const touched = [...adminOnly(before), ...adminOnly(after)];
  const kept = new Set(adminOwn(after).map((r) => r.address));
  const ownDeleted = adminOwn(before).filter((r) => !kept.has(r.address) && admins.has(r.needs));
  return [...new Set([
    ...touched.filter((r) => !admins.has(r.needs)).map((r) => `${r.stack}: ${r.address} needs the ${r.needs} administrator`),
    ...ownDeleted.map((r) => `security: ${r.address} is deleted while the account is still the ${r.needs} administrator`),
  ])];
}

const fullInput = (): Record<string, any> =>
  parse(readFileSync(path.join(__dirname, '../../config/examples/full.yaml'), 'utf8'));

describe('taking things away in one ordinary deploy', () => {
  test("cdktf deploy '*' applies management before security before every member", () => {
    const stacks = buildApp(configOf(fullInput()), Testing.app());
    expect(stacks.security.dependencies).toContain(stacks.management);
    expect(stacks.management.dependencies).toContain(stacks.logArchive);
    for (const m of stacks.members) expect(m.dependencies).toContain(stacks.security);
  });

  const start = synthOrg(configOf(fullInput()));

  test('the starting point deploys (every admin-only resource has its administrator)', () => {
    expect(adminOnly(start).length).toBeGreaterThan(20);
    expect(deployProblems(start, start)).toEqual([]);
  });

  describe('switching Macie off', () => {
    const off = fullInput();
    off.services = { ...off.services, macie: { ...off.services?.macie, enabled: false } };

    test('naively (enabled: false alone) deregisters the admin before the memberships are deleted', () => {
      const problems = deployProblems(start, synthOrg(configOf(off)));
      expect(problems).toEqual(expect.arrayContaining([
        expect.stringMatching(/^security: aws_macie2_organization_configuration\..* needs the macie@us-east-1 administrator/),
        expect.stringMatching(/^workload-prod: aws_macie2_member\..* needs the macie@eu-west-1 administrator/),
      ]));
    });

    test('the runbook: keep the registration for one deploy, then deregister', () => {
      const step1 = structuredClone(off);
      step1.removal = { keepDelegatedAdmins: { services: ['macie'] } };
      const kept = synthOrg(configOf(step1));
      expect(deployProblems(start, kept)).toEqual([]);
      expect(adminOnly(kept).filter((r) => r.needs.startsWith('macie@'))).toEqual([]);
      expect([...registrations(kept)].filter((r) => r.startsWith('macie@'))).toHaveLength(off.organization.regions.length);

      const done = synthOrg(configOf(off));
      expect(deployProblems(kept, done)).toEqual([]);
      expect([...registrations(done)].filter((r) => r.startsWith('macie@'))).toEqual([]);
    });
  });

  const own = (org: Org, service: string) => adminOwn(org).filter((r) => r.needs.startsWith(`${service}@`));

  describe.each(['guardDuty', 'securityHub', 'detective', 'inspector', 'macie'])('switching %s off', (service) => {
    const off = fullInput();
    off.services = { ...off.services, [service]: { ...off.services?.[service], enabled: false } };
    const step1 = structuredClone(off);
    step1.removal = { keepDelegatedAdmins: { services: [service] } };

    test('the deploy that keeps the registration keeps the admin\'s own resource, unchanged', () => {
      const kept = synthOrg(configOf(step1));
      expect(own(start, service).length).toBeGreaterThan(0);
      expect(own(kept, service)).toEqual(own(start, service));
      expect(adminOnly(kept).filter((r) => r.needs.startsWith(`${service}@`))).toEqual([]);
      expect(deployProblems(start, kept)).toEqual([]);
    });

    test('the deploy that deregisters (management first) then deletes it', () => {
      const kept = synthOrg(configOf(step1));
      const done = synthOrg(configOf(off));
      expect(own(done, service)).toEqual([]);
      expect(deployProblems(kept, done)).toEqual([]);
    });

    test('deleting it in the keeping deploy is what AWS refuses', () => {
      const kept = synthOrg(configOf(step1));
      const withoutOwn = structuredClone(kept);
      for (const r of own(kept, service)) {
        const [type, name] = r.address.split('.');
        delete withoutOwn.security.resource![type][name];
      }
      expect(deployProblems(start, withoutOwn)).toEqual(expect.arrayContaining([
        expect.stringMatching(new RegExp(`^security: .* is deleted while the account is still the ${service}@`)),
      ]));
    });
  });

  // Keeping a registration must not add one: designating a delegated administrator in a region is a
  // change of its own (designating the GuardDuty administrator creates a detector in that account if it
  // has none, org-guard design reference, "GuardDuty"), and the next deploy would take it away again through a
  // plan-review override. removal.ts keeps organization.regions minus the service's excludedRegions.
  test('switching off a service with excluded regions keeps exactly the registrations it had', () => {
    const before = fullInput();
    before.services = { ...before.services, macie: { ...before.services?.macie, excludedRegions: ['ap-northeast-1'] } };
    const had = [...registrations(synthOrg(configOf(before)))].filter((r) => r.startsWith('macie@')).sort();
    expect(had).toEqual(['macie@eu-west-1', 'macie@us-east-1', 'macie@us-west-2']);

    const step1 = structuredClone(before);
    step1.services.macie.enabled = false;
    step1.removal = { keepDelegatedAdmins: { services: ['macie'] } };
    expect([...registrations(synthOrg(configOf(step1)))].filter((r) => r.startsWith('macie@')).sort()).toEqual(had);
  });

  describe('removing a governed region', () => {
    const out = fullInput();
    out.organization.regions = out.organization.regions.filter((r: string) => r !== 'eu-west-1');

    test('naively deregisters every administrator in that region before the stacks clean up there', () => {
      const problems = deployProblems(start, synthOrg(configOf(out)));
      for (const service of ['guardDuty', 'detective', 'inspector', 'macie']) {
        expect(problems.some((p) => p.includes(`needs the ${service}@eu-west-1 administrator`))).toBe(true);
      }
    });

    test('the runbook: keep that region\'s registrations for one deploy, then deregister', () => {
      const step1 = structuredClone(out);
      step1.removal = { keepDelegatedAdmins: { regions: ['eu-west-1'] } };
      const kept = synthOrg(configOf(step1));
      expect(deployProblems(start, kept)).toEqual([]);
      expect(adminOnly(kept).filter((r) => r.needs.endsWith('@eu-west-1'))).toEqual([]);
      const ownThere = (org: Org) => adminOwn(org).filter((r) => r.needs.endsWith('@eu-west-1'));
      expect(ownThere(kept).map((r) => r.needs).sort()).toEqual(['detective@eu-west-1', 'guardDuty@eu-west-1', 'inspector@eu-west-1', 'macie@eu-west-1']);
      expect(ownThere(kept)).toEqual(ownThere(start));

      const done = synthOrg(configOf(out));
      expect(deployProblems(kept, done)).toEqual([]);
      expect([...registrations(done)].filter((r) => r.endsWith('@eu-west-1'))).toEqual([]);
      expect(ownThere(done)).toEqual([]);
    });
  });

  test('offboarding a member leaves every other stack byte-identical', () => {
    const without = fullInput();
    without.accounts.members = without.accounts.members.filter((m: any) => m.name !== 'workload-dev');
    const after = synthOrg(configOf(without));
    expect(Object.keys(after)).not.toContain('workload-dev');
    for (const name of Object.keys(after)) expect(JSON.stringify(after[name])).toBe(JSON.stringify(start[name]));
  });
});

describe('removal config', () => {
  test('keeping the administrator of a service that is still enabled is a config error', () => {
    expectProblem(problemsFor((c) => { c.removal = { keepDelegatedAdmins: { services: ['macie'] } }; }),
      'removal.keepDelegatedAdmins.services[0]', /macie is enabled .*only in the deploy that switches it off/);
  });

  test('keeping a region that is still governed is a config error', () => {
    expectProblem(problemsFor((c) => { c.removal = { keepDelegatedAdmins: { regions: ['us-west-2'] } }; }),
      'removal.keepDelegatedAdmins.regions[0]', /us-west-2" is governed/);
  });

  test('unknown services are named with the allowed list', () => {
    expectProblem(problemsFor((c) => { c.removal = { keepDelegatedAdmins: { services: ['guarduty'] } }; }),
      'removal.keepDelegatedAdmins.services[0]', /unknown service "guarduty"; allowed: guardDuty/);
  });
});

/**
 * What `npm run plan-review` blocks in each stack's plan from `before` to `after`: deletes of protected types
 * and removed entries of protected attributes (tools/plan-review/protected-resources.ts), as type names.
 */
function reviewBlocks(before: Org, after: Org): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const [stack, tf] of Object.entries(before)) {
    for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) {
      for (const [name, body] of Object.entries<any>(byName)) {
        const change = { stack, address: `${type}.${name}`, type, before: body };
        const now = after[stack]?.resource?.[type]?.[name];
        const blocked = now === undefined
          ? protectionFor(change) !== undefined
          : removedEntries({ ...change, after: now, afterUnknown: {} }).length > 0;
        if (blocked) (out[stack] ??= new Set()).add(type);
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([s, types]) => [s, [...types].sort()]));
}

describe('the runbook "Turning a service off" as plan review sees it', () => {
  const start = synthOrg(configOf(fullInput()));
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Taking things away'), readme.indexOf('### Offboarding a member account'));

  const steps = (service: string) => {
    const off = fullInput();
    off.services = { ...off.services, [service]: { ...off.services?.[service], enabled: false } };
    const step2 = structuredClone(off);
    step2.removal = { keepDelegatedAdmins: { services: [service] } };
    const kept = synthOrg(configOf(step2));
    return { step2: reviewBlocks(start, kept), step4: reviewBlocks(kept, synthOrg(configOf(off))) };
  };

  // Step 4's security plan also deletes the Detective graph in the synth, but management's deregistration
  // already deleted it (DisableOrganizationAdminAccount "deletes the organization behavior graph",
  // https://docs.aws.amazon.com/detective/latest/APIReference/API_DisableOrganizationAdminAccount.html).
  test.each([
    ['guardDuty', {}, { management: ['aws_guardduty_organization_admin_account'], security: ['aws_guardduty_detector'] }],
    ['securityHub', {
      security: ['aws_securityhub_configuration_policy', 'aws_securityhub_configuration_policy_association',
        'aws_securityhub_finding_aggregator', 'aws_securityhub_organization_configuration'],
    }, { management: ['aws_securityhub_organization_admin_account'] }],
    ['detective', {}, { management: ['aws_detective_organization_admin_account'], security: ['aws_detective_graph'] }],
    ['inspector', {}, { management: ['aws_inspector2_delegated_admin_account'] }],
    ['macie', {}, { management: ['aws_macie2_organization_admin_account'] }],
  ])('%s: step 2 and step 4 block exactly these plans', (service, step2, step4) => {
    expect(steps(service)).toEqual({ step2, step4 });
  });

  test('the README says which plans are blocked: Security Hub in step 2, management and GuardDuty in step 4', () => {
    expect(section).toMatch(/Security Hub only: plan review blocks this security plan/);
    expect(section).toMatch(/Plan review blocks the management plan \(delegated-admin\s+registrations are protected\) and, for GuardDuty, the security plan/);
    expect(section).not.toMatch(/Plan review blocks both plans/);
  });

  // AWS: before central configuration stops, "disassociate your accounts and OUs" and "delete existing configuration
  // policies" (https://docs.aws.amazon.com/securityhub/latest/userguide/stop-central-configuration.html); the provider's
  // delete of the organization configuration is that stop (UpdateOrganizationConfiguration LOCAL,
  // internal/service/securityhub/organization_configuration.go resourceOrganizationConfigurationDelete), and the
  // aggregator may go only after it. Terraform destroys in reverse dependency order, so step 2 runs them in that order.
  test('Security Hub step 2 deletes association, policy, organization configuration, aggregator, in that order', () => {
    const r = start.security.resource as Record<string, Record<string, any>>;
    const one = (type: string) => { const [[name, body]] = Object.entries(r[type]); return { ref: `${type}.${name}`, body }; };
    const association = one('aws_securityhub_configuration_policy_association');
    const policy = one('aws_securityhub_configuration_policy');
    const orgConfig = one('aws_securityhub_organization_configuration');
    const aggregator = one('aws_securityhub_finding_aggregator');
    expect(association.body.policy_id).toBe(`\${${policy.ref}.id}`);
    expect(policy.body.depends_on).toContain(orgConfig.ref);
    expect(orgConfig.body.depends_on).toContain(aggregator.ref);
  });

  // The guardrails deny the calls of the runbook's CLI steps to every principal but the exempt roles
  // (modules/guardrails.ts PROTECTED_ACTIONS; SCPs apply to the security account, only the management account is
  // out of their reach: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
  // So "the security account's credentials" fail unless they are the deployment role.
  test('the CLI steps are denied by the guardrails except to the deployment role, and the README says so', () => {
    const cfg = configOf(fullInput());
    const docs = resourcesOf(start.management, 'aws_organizations_policy')
      .filter(([, p]) => p.type === 'SERVICE_CONTROL_POLICY').map(([, p]) => JSON.parse(p.content) as Policy);
    const security = cfg.accounts.security.id;
    const denied = (arn: string, action: string) => docs.some((d) => evaluate(d, {
      principal: { arn }, action, context: { 'aws:RequestedRegion': cfg.organization.homeRegion },
    }) === 'ExplicitDeny');
    const pascal = (verb: string) => verb.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
    const calls = [...section.matchAll(/aws (guardduty|macie2|securityhub) ([a-z-]+)/g)].map(([, svc, verb]) => `${svc}:${pascal(verb)}`);
    const guarded = [...new Set(calls)].filter((a) => denied(`arn:aws:iam::${security}:role/Admin`, a));
    expect(guarded.sort()).toEqual([
      'guardduty:DeleteDetector', 'guardduty:DeleteMembers', 'guardduty:DisassociateMembers', 'guardduty:UpdateOrganizationConfiguration',
      'macie2:DisableMacie', 'securityhub:DisableSecurityHub',
    ]);
    for (const a of guarded) expect(denied(`arn:aws:iam::${security}:role/${cfg.deployment.roleName}`, a)).toBe(false);
    expect(section).toMatch(/As the deployment role in the security account \(`deployment.roleName`/);
    expect(section).toMatch(/run as the deployment role \(`deployment.roleName`\) in that account and region/);
  });

  // Left enabled, and billed, once org-guard lets go (sources in the README section).
  test('the README names what stays enabled: GuardDuty, Macie and Security Hub, not Inspector', () => {
    expect(section).toMatch(/\*\*Macie\*\*: in every former member, standalone/);
    expect(section).toMatch(/\*\*Security Hub\*\*: in every account \(security included\) and every linked region/);
    expect(section).toMatch(/Inspector does not stay/);
    // Inspector: the member stacks' enablers hold only the member's id, so their delete disables it there
    // (internal/service/inspector2/enabler.go resourceEnablerDelete: Disable for the ids that are not the caller's).
    const kept = fullInput();
    kept.services.inspector = { ...kept.services.inspector, enabled: false };
    kept.removal = { keepDelegatedAdmins: { services: ['inspector'] } };
    const after = synthOrg(configOf(kept));
    const member = kept.accounts.members[0];
    const enablers = (tf: TfJson) => resourcesOf(tf, 'aws_inspector2_enabler').map(([, b]) => b.account_ids);
    expect(enablers(start[member.name]).length).toBeGreaterThan(0);
    expect(enablers(start[member.name]).every((ids: string[]) => JSON.stringify(ids) === JSON.stringify([member.id]))).toBe(true);
    expect(enablers(after[member.name])).toEqual([]);
  });
});
