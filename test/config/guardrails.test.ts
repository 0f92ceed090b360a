import { configOf, minimalInput } from '../helpers';
import { PROTECTED_SERVICES } from '../../config/sections/guardrails';
import { expectProblem, problemsFor } from './section-problems';

const withOus = (i: Record<string, any>) =>
  (i.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }, { name: 'sandbox', id: 'ou-ab12-sandbox01' }]);

describe('guardrails config', () => {
  test('secure defaults: everything on at the root but the region deny', () => {
    const g = configOf().guardrails;
    expect(g).toMatchObject({
      enabled: true, targets: ['root'], exemptRoles: [], denyLeavingOrganization: true, denyRootUser: true,
      protectDeploymentRole: true, denyInsecureTransport: true, regionDeny: { enabled: false, extraGlobalActions: [] },
    });
    expect(g.protectedServices).toEqual([...PROTECTED_SERVICES]);
  });

  test('targets are "root" or OU names from organization.organizationalUnits', () => {
    const input = minimalInput();
    withOus(input);
    input.guardrails = { targets: ['workloads', 'root'] };
    expect(configOf(input).guardrails.targets).toEqual(['workloads', 'root']);
    const problems = problemsFor((i) => {
      withOus(i);
      i.guardrails = { targets: ['workload', 'sandbox', 'sandbox'] };
    });
    expectProblem(problems, 'guardrails.targets[0]', /target "workload" is neither "root" nor an OU.*allowed: "root", "workloads", "sandbox"/);
    expectProblem(problems, 'guardrails.targets[2]', /"sandbox" is already listed at index 1/);
  });

  test('an empty target list is refused unless the guardrails are off', () => {
    expectProblem(problemsFor((i) => (i.guardrails = { targets: [] })), 'guardrails.targets', /no target.*guardrails.enabled: false/);
    const input = minimalInput();
    input.guardrails = { enabled: false, targets: [] };
    expect(configOf(input).guardrails.enabled).toBe(false);
  });

  test('an OU may not be called "root"', () => {
    const problems = problemsFor((i) => (i.organization.organizationalUnits = [{ name: 'root', id: 'ou-ab12-abcdefgh' }]));
    expectProblem(problems, 'organization.organizationalUnits[0].name', /"root" is reserved/);
  });

  test('protected services are from the known list, once each', () => {
    const problems = problemsFor((i) => (i.guardrails = { protectedServices: ['guardduty', 'shield', 'guardduty'] }));
    expectProblem(problems, 'guardrails.protectedServices[1]', /unknown service "shield"; allowed: guardduty, securityhub, cloudtrail/);
    expectProblem(problems, 'guardrails.protectedServices[2]', /"guardduty" is already listed/);
  });

  test('exempt roles are role name patterns; the deployment role and "*" are refused', () => {
    const problems = problemsFor((i) => (i.guardrails = { exemptRoles: ['OrganizationAccountAccessRole', '*', 'has space'] }));
    expectProblem(problems, 'guardrails.exemptRoles[0]', /is deployment.roleName, which is always exempt/);
    expectProblem(problems, 'guardrails.exemptRoles[1]', /would exempt every role/);
    expectProblem(problems, 'guardrails.exemptRoles[2]', /not a role name pattern/);
    expectProblem(problemsFor((i) => (i.guardrails = { exemptRoles: Array.from({ length: 11 }, (_, n) => `r${n}`) })),
      'guardrails.exemptRoles', /at most 10/);
  });

  test('region deny extra actions are IAM actions', () => {
    const problems = problemsFor((i) => (i.guardrails = { regionDeny: { enabled: true, extraGlobalActions: ['chatbot', 'chatbot:*'] } }));
    expectProblem(problems, 'guardrails.regionDeny.extraGlobalActions[0]', /not an IAM action: "chatbot"/);
    expect(problems).toHaveLength(1);
  });

  test('an unknown key suggests the allowed key it misspells', () => {
    expectProblem(problemsFor((i) => (i.guardrails = { regionDenny: {} })), 'guardrails', /^unknown key "regionDenny"; did you mean "regionDeny"\?$/);
  });
});
