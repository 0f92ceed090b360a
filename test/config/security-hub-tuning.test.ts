import { configWarnings } from '../../config/warnings';
import { iam7Parameters, ruleAccountIds, securityHubControlParameters } from '../../config/sections/security-hub-tuning';
import { configOf, minimalInput } from '../helpers';
import { expectProblem, problemsFor } from './section-problems';

function withOus(input: Record<string, any>): Record<string, any> {
  input.organization.organizationalUnits = [
    { name: 'workloads', id: 'ou-ab12-workload1' },
    { name: 'sandbox', id: 'ou-ab12-sandbox01' },
    { name: 'empty', id: 'ou-ab12-empty0001' },
  ];
  input.accounts.members = [
    { name: 'workload-prod', id: '444444444444', ou: 'workloads' },
    { name: 'sandbox-a', id: '555555555555', ou: 'sandbox' },
    { name: 'sandbox-b', id: '666666666666', ou: 'sandbox' },
  ];
  return input;
}

describe('Security Hub control parameters', () => {
  test('by default IAM.7 checks exactly what the baseline password policy sets', () => {
    // IAM.7 is the Config rule iam-password-policy: its parameters are these names and types
    // (https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html); the provider's acceptance
    // test sets IAM.7's RequireUppercaseCharacters / RequireLowercaseCharacters (bool) and MaxPasswordAge (int).
    const input = minimalInput();
    input.baseline = { passwordPolicy: { minimumLength: 16, maxAgeDays: 60 } };
    const cfg = configOf(input);
    expect(cfg.services.securityHub.alignPasswordPolicyControl).toBe(true);
    expect(securityHubControlParameters(cfg)).toEqual({
      'IAM.7': {
        RequireUppercaseCharacters: { bool: true },
        RequireLowercaseCharacters: { bool: true },
        RequireSymbols: { bool: true },
        RequireNumbers: { bool: true },
        MinimumPasswordLength: { int: 16 },
        PasswordReusePrevention: { int: 24 },
        MaxPasswordAge: { int: 60 },
      },
    });
  });

  test('an expiry longer than IAM.7 accepts is not sent, and synth says so', () => {
    const input = minimalInput();
    input.baseline = { passwordPolicy: { maxAgeDays: 365 } };
    const cfg = configOf(input);
    expect(iam7Parameters(cfg).MaxPasswordAge).toBeUndefined();
    expect(configWarnings(cfg)).toEqual(expect.arrayContaining([expect.stringMatching(/maxAgeDays is 365: Security Hub IAM.7 accepts MaxPasswordAge up to 90/)]));
    expect(configWarnings(configOf()).some((w) => w.includes('IAM.7'))).toBe(false);
  });

  test('own parameters join the derived IAM.7 ones; switched off, only the own ones remain', () => {
    const input = minimalInput();
    input.services = { securityHub: { controlParameters: { 'CloudWatch.16': { minRetentionTime: { int: 365 } } } } };
    expect(Object.keys(securityHubControlParameters(configOf(input)))).toEqual(['IAM.7', 'CloudWatch.16']);
    input.services.securityHub.alignPasswordPolicyControl = false;
    expect(securityHubControlParameters(configOf(input))).toEqual({ 'CloudWatch.16': { minRetentionTime: { int: 365 } } });
    // IAM.7 disabled: no parameters for it, even when aligned.
    input.services.securityHub = { disabledControls: ['IAM.7'] };
    expect(securityHubControlParameters(configOf(input))).toEqual({});
  });

  test('malformed parameters are config errors naming the field', () => {
    const problems = problemsFor((i) => {
      i.services = {
        securityHub: {
          controlParameters: {
            'Lambda.5': { minAvailabilityZones: { int: 2, string: 'two' } },
            'S3.1': { x: { int: 1.5 } },
            bad: { p: { bool: true } },
          },
        },
      };
    });
    expectProblem(problems, 'services.securityHub.controlParameters.Lambda.5.minAvailabilityZones', /exactly one typed value.*int, string/);
    expectProblem(problems, 'services.securityHub.controlParameters.S3.1.x.int', /whole number/);
    expectProblem(problems, 'services.securityHub.controlParameters.bad', /not a security control id like "IAM.7": "bad"/);
  });

  test('parameters that conflict with the baseline alignment or a disabled control are refused', () => {
    const problems = problemsFor((i) => {
      i.services = {
        securityHub: {
          disabledControls: ['EC2.18'],
          controlParameters: { 'IAM.7': { MaxPasswordAge: { int: 30 } }, 'EC2.18': { authorizedTcpPorts: { intList: [443] } }, 'S3.1': {} },
        },
      };
    });
    expectProblem(problems, 'services.securityHub.controlParameters.IAM.7', /come from baseline.passwordPolicy.*alignPasswordPolicyControl/);
    expectProblem(problems, 'services.securityHub.controlParameters.EC2.18', /is in disabledControls/);
    expectProblem(problems, 'services.securityHub.controlParameters.S3.1', /no parameters given/);
  });

  test('CIS AWS Foundations Benchmark v5.0.0 is an allowed standard', () => {
    const input = minimalInput();
    input.services = { securityHub: { standards: ['cis-aws-foundations-benchmark/v/5.0.0'] } };
    expect(configOf(input).services.securityHub.standards).toEqual(['cis-aws-foundations-benchmark/v/5.0.0']);
  });
});

describe('Security Hub automation rules', () => {
  test('OUs resolve to the member accounts placed there, plus named accounts, without repeats', () => {
    const input = withOus(minimalInput());
    input.services = { securityHub: { automationRules: [
      { name: 'suppress', match: { controls: ['IAM.6'], ous: ['sandbox'], accounts: ['security', '666666666666'] }, actions: { workflowStatus: 'SUPPRESSED' } },
    ] } };
    const cfg = configOf(input);
    expect(ruleAccountIds(cfg, cfg.services.securityHub.automationRules[0])).toEqual(['222222222222', '666666666666', '555555555555']);
  });

  test('rules that would hit every account or do nothing are refused, with the reason', () => {
    const problems = problemsFor((i) => {
      withOus(i);
      i.services = { securityHub: { automationRules: [
        { name: 'no-criteria', match: {}, actions: { workflowStatus: 'SUPPRESSED' } },
        { name: 'empty-ou', match: { ous: ['empty'], controls: ['IAM.6'] }, actions: { workflowStatus: 'SUPPRESSED' } },
        { name: 'no-action', match: { controls: ['IAM.6'] }, actions: {} },
        { name: 'no-action', order: 2, match: { accounts: ['nobody'], ous: ['unknown'] }, actions: { severity: 'CRITICAL' } },
        { name: 'bad severity', match: { severities: ['SEVERE'] }, actions: { severity: 'LOW' } },
      ] } };
    });
    const at = 'services.securityHub.automationRules';
    expectProblem(problems, `${at}[0].match`, /without criteria changes every finding of every account/);
    expectProblem(problems, `${at}[1].match.ous[0]`, /no member account is placed in OU "empty".*every account/);
    expectProblem(problems, `${at}[2].actions`, /no action/);
    expectProblem(problems, `${at}[3].name`, /already used by automationRules\[2\]/);
    expectProblem(problems, `${at}[3].order`, /rule order 2 is already used by automationRules\[1\]/);
    expectProblem(problems, `${at}[3].match.accounts[0]`, /"nobody" is not an account of this config/);
    expectProblem(problems, `${at}[3].match.ous[0]`, /OU "unknown" is not defined/);
    expectProblem(problems, `${at}[4].name`, /rule name may hold letters/);
    expectProblem(problems, `${at}[4].match.severities[0]`, /INFORMATIONAL.*CRITICAL/);
  });

  test('more than 100 accounts in one rule is refused (the provider allows 100 aws_account_id filters)', () => {
    const problems = problemsFor((i) => {
      i.accounts.members = Array.from({ length: 101 }, (_, n) => ({ name: `m${n}`, id: String(500000000000 + n) }));
      i.services = { securityHub: { automationRules: [{ name: 'all', match: { accounts: i.accounts.members.map((m: any) => m.name) }, actions: { note: 'x' } }] } };
    });
    expectProblem(problems, 'services.securityHub.automationRules[0].match', /matches 101 accounts; Security Hub allows at most 100/);
  });
});
