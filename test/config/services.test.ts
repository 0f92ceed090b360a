import { ConfigError } from '../../config/load';
import { serviceRegions, servicesWarnings } from '../../config/sections/services';
import { configOf, minimalInput } from '../helpers';

function problemsOf(input: Record<string, any>): { path: string; message: string }[] {
  try {
    configOf(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

function withServices(services: Record<string, any>): Record<string, any> {
  return { ...minimalInput(), services };
}

describe('services: defaults', () => {
  const cfg = configOf();

  test('the minimal config enables every service with every protection plan', () => {
    const s = cfg.services;
    for (const name of ['guardDuty', 'securityHub', 'detective', 'inspector', 'macie', 'accessAnalyzer'] as const) {
      expect(s[name].enabled).toBe(true);
      expect(serviceRegions(cfg, name)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1']);
    }
    expect(s.guardDuty.protection).toMatchObject({
      s3DataEvents: true, eksAuditLogs: true, ebsMalwareProtection: true, rdsLoginEvents: true, lambdaNetworkLogs: true,
      runtimeMonitoring: { enabled: true, eksAddonManagement: true, ecsFargateAgentManagement: true, ec2AgentManagement: true },
      eksRuntimeMonitoring: { enabled: false },
    });
    expect(s.inspector.scanTypes).toEqual({ ec2: true, ecr: true, lambda: true, lambdaCode: true });
    expect(s.securityHub.standards).toEqual(['aws-foundational-security-best-practices/v/1.0.0', 'cis-aws-foundations-benchmark/v/3.0.0']);
    expect(s.configAggregator.enabled).toBe(true);
    expect(s.accessAnalyzer.unusedAccess.enabled).toBe(false);
  });

  test('excluded regions are removed from a service, and a disabled service has none', () => {
    const c = configOf(withServices({ macie: { excludedRegions: ['ap-northeast-1'] }, detective: { enabled: false } }));
    expect(serviceRegions(c, 'macie')).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(serviceRegions(c, 'detective')).toEqual([]);
  });
});

describe('services: validation', () => {
  test('runtime monitoring and EKS runtime monitoring together is an error', () => {
    const problems = problemsOf(withServices({ guardDuty: { protection: { eksRuntimeMonitoring: { enabled: true } } } }));
    expect(problems).toEqual([
      expect.objectContaining({ path: 'services.guardDuty.protection.eksRuntimeMonitoring.enabled', message: expect.stringMatching(/mutually exclusive/) }),
    ]);
    // EKS runtime monitoring alone is accepted.
    expect(problemsOf(withServices({ guardDuty: { protection: { runtimeMonitoring: { enabled: false }, eksRuntimeMonitoring: { enabled: true } } } }))).toEqual([]);
  });

  test('Lambda code scanning without Lambda scanning is an error', () => {
    const problems = problemsOf(withServices({ inspector: { scanTypes: { lambda: false } } }));
    expect(problems).toEqual([
      expect.objectContaining({ path: 'services.inspector.scanTypes.lambdaCode', message: expect.stringMatching(/needs Lambda/) }),
    ]);
    expect(problemsOf(withServices({ inspector: { scanTypes: { lambda: false, lambdaCode: false } } }))).toEqual([]);
  });

  test('excluded regions must be governed regions, and Security Hub cannot exclude the home region', () => {
    const problems = problemsOf(withServices({
      guardDuty: { excludedRegions: ['sa-east-1'] },
      securityHub: { excludedRegions: ['us-east-1'] },
    }));
    expect(problems.map((p) => p.path).sort()).toEqual(['services.guardDuty.excludedRegions[0]', 'services.securityHub.excludedRegions[0]']);
    expect(problems.find((p) => p.path.startsWith('services.guardDuty'))!.message).toMatch(/not a governed region; allowed: us-east-1, us-west-2/);
    expect(problems.find((p) => p.path.startsWith('services.securityHub'))!.message).toMatch(/home region/);
  });

  test('unknown keys suggest the key they misspell (a case-only typo here), or list the allowed ones', () => {
    const [p] = problemsOf(withServices({ guardduty: {} }));
    expect(p.path).toBe('services');
    expect(p.message).toBe('unknown key "guardduty"; did you mean "guardDuty"?');
    expect(problemsOf(withServices({ antivirus: {} }))[0].message).toMatch(/unknown key "antivirus"; allowed keys: guardDuty, securityHub/);
  });

  test('trusted IP and threat intel lists need S3 URLs, and only one trusted IP list is allowed', () => {
    const problems = problemsOf(withServices({
      guardDuty: {
        trustedIpLists: [
          { name: 'office', location: 's3://org-lists/trusted.txt' },
          { name: 'vpn', location: 'http://example.com/ips.txt' },
        ],
        threatIntelLists: [{ name: 'feed', location: 'https://org-lists.s3.amazonaws.com/feed.txt', format: 'STIX' }],
      },
    }));
    expect(problems.map((p) => p.path).sort()).toEqual(['services.guardDuty.trustedIpLists', 'services.guardDuty.trustedIpLists[1].location']);
  });

  // S3 bucket naming rules: 3-63 characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
  test('an S3 URL with a too-short bucket name says what a bucket name may be', () => {
    const [p] = problemsOf(withServices({ guardDuty: { threatIntelLists: [{ name: 'feed', location: 's3://b/k' }] } }));
    expect(p.path).toBe('services.guardDuty.threatIntelLists[0].location');
    expect(p.message).toMatch(/bucket name is 3-63 lowercase letters, digits, dots and hyphens\), got "s3:\/\/b\/k"/);
  });

  // CreateIPSet / CreateThreatIntelSet, Name: "Allowed characters are alphanumeric, whitespace, dash (-), and
  // underscores (_)", length 1-300: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateIPSet.html
  test('GuardDuty list names: letters, digits, spaces, - and _ (1-300); office.v2 is an error', () => {
    const list = (name: string) => ({ name, location: 's3://org-lists/list.txt' });
    expect(problemsOf(withServices({ guardDuty: { trustedIpLists: [list('Office VPN_2-east')], threatIntelLists: [list('x'.repeat(300))] } }))).toEqual([]);
    const problems = problemsOf(withServices({
      guardDuty: { trustedIpLists: [list('office.v2')], threatIntelLists: [list('feed/1'), list(''), list('y'.repeat(301))] },
    }));
    expect(problems.map((p) => p.path).sort()).toEqual([
      'services.guardDuty.threatIntelLists[0].name',
      'services.guardDuty.threatIntelLists[1].name',
      'services.guardDuty.threatIntelLists[2].name',
      'services.guardDuty.trustedIpLists[0].name',
    ]);
    const office = problems.find((p) => p.path === 'services.guardDuty.trustedIpLists[0].name')!;
    expect(office.message).toMatch(/letters, digits, spaces, - and _ .*got "office\.v2"/);
  });

  test('Security Hub controls must be control ids', () => {
    const problems = problemsOf(withServices({ securityHub: { disabledControls: ['IAM.6', 'not a control', 'IAM.6'] } }));
    expect(problems.map((p) => p.path).sort()).toEqual(['services.securityHub.disabledControls[1]', 'services.securityHub.disabledControls[2]']);
  });

  test('Detective graph ARNs must be in their region and owned by the security account', () => {
    const ok = 'arn:aws:detective:us-east-1:222222222222:graph:0123456789abcdef0123456789abcdef';
    expect(problemsOf(withServices({ detective: { graphArns: { 'us-east-1': ok } } }))).toEqual([]);
    const problems = problemsOf(withServices({
      detective: {
        graphArns: {
          'us-west-2': ok,
          'eu-west-1': 'arn:aws:detective:eu-west-1:999999999999:graph:abc',
          'sa-east-1': 'x',
          'ap-northeast-1': 'nonsense',
        },
      },
    }));
    expect(problems.map((p) => p.path).sort()).toEqual([
      'services.detective.graphArns.ap-northeast-1',
      'services.detective.graphArns.eu-west-1',
      'services.detective.graphArns.sa-east-1',
      'services.detective.graphArns.us-west-2',
    ]);
  });

  test('skipped accounts must be account stacks', () => {
    const problems = problemsOf(withServices({ memberEnrolment: { skipAccounts: ['workload-prod', 'nope'] } }));
    expect(problems).toEqual([expect.objectContaining({ path: 'services.memberEnrolment.skipAccounts[1]' })]);
  });
});

describe('servicesWarnings', () => {
  test('an account without email is named with what it loses; accounts with email are not', () => {
    const input = minimalInput();
    input.accounts.management.email = 'mgmt@example.com';
    input.accounts.members.push({ name: 'workload-dev', id: '555555555555', email: 'dev@example.com' });
    const warnings = servicesWarnings(configOf(input));
    const accountWarnings = warnings.filter((w) => w.includes('has no email'));
    expect(accountWarnings).toHaveLength(2);
    expect(accountWarnings[0]).toMatch(/^accounts\.logArchive \(log-archive, 333333333333\) has no email: Detective and Macie cannot enrol this existing account/);
    expect(accountWarnings[1]).toMatch(/^accounts\.members\[0\] \(workload-prod, 444444444444\)/);
    expect(warnings.join('\n')).not.toMatch(/workload-dev|management|222222222222/);
  });

  test('only the services that need the email are named; none when both are off or enrolment is skipped', () => {
    const macieOnly = servicesWarnings(configOf(withServices({ detective: { enabled: false } })));
    expect(macieOnly[0]).toMatch(/has no email: Macie cannot enrol/);
    expect(servicesWarnings(configOf(withServices({ detective: { enabled: false }, macie: { enabled: false } })))).toEqual([]);
    const skipped = servicesWarnings(configOf(withServices({ memberEnrolment: { skipAccounts: ['workload-prod'] } })));
    expect(skipped.join('\n')).not.toMatch(/workload-prod/);
  });

  test('no Detective graph warning: member stacks read the graph ARN themselves (issue 13 item 8)', () => {
    const input = minimalInput();
    input.accounts.members[0].email = 'prod@example.com';
    input.accounts.management.email = 'mgmt@example.com';
    input.accounts.logArchive.email = 'logs@example.com';
    expect(servicesWarnings(configOf(input))).toEqual([]);
  });
});
