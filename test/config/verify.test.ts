import { configOf, minimalInput } from '../helpers';
import { expectProblem, problemsFor } from './section-problems';
import { configWarnings } from '../../config/warnings';

describe('verify config', () => {
  test('defaults: role org-guard-verify, not created, nobody trusted, no GitHub OIDC', () => {
    expect(configOf().verify).toEqual({ roleName: 'org-guard-verify', createRole: false, trustedPrincipalArns: [], githubOidc: undefined });
  });

  test('githubOidc refs default to the main branch', () => {
    const input = minimalInput();
    input.verify = { createRole: true, githubOidc: { repository: 'my-org/org-guard' } };
    expect(configOf(input).verify.githubOidc).toEqual({ repository: 'my-org/org-guard', refs: ['refs/heads/main'] });
  });

  test('accepts role, user, root and assumed-role principals, and ref patterns', () => {
    const input = minimalInput();
    input.verify = {
      roleName: 'OrgGuard.Verify@ci',
      createRole: true,
      trustedPrincipalArns: [
        'arn:aws:iam::111111111111:role/ci/org-guard-plan',
        'arn:aws:iam::111111111111:user/alice',
        'arn:aws:iam::555555555555:root',
        'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Audit_0123abcd/alice@example.com',
      ],
      githubOidc: { repository: 'My-Org/org-guard.config', refs: ['refs/heads/main', 'refs/tags/v*', 'refs/heads/release/2025-??'] },
    };
    expect(configOf(input).verify.trustedPrincipalArns).toHaveLength(4);
  });

  test('role name, principals, repository and refs are validated with what is allowed', () => {
    const problems = problemsFor((i) => (i.verify = {
      roleName: 'org guard/verify',
      createRole: 'yes',
      trustedPrincipalArns: ['arn:aws:iam::1234:role/ci', 'arn:aws:s3:::bucket', '111111111111'],
      githubOidc: { repository: 'https://github.com/my-org/org-guard', refs: ['main', 'refs/pull/1/merge', 'refs/heads/main:environment:prod'] },
      extra: true,
    }));
    expectProblem(problems, 'verify', /unknown key "extra"; allowed keys: roleName, createRole, trustedPrincipalArns, githubOidc/);
    expectProblem(problems, 'verify.roleName', /not a valid IAM role name: "org guard\/verify"; 1-64 letters/);
    expectProblem(problems, 'verify.createRole', /expected boolean, got string "yes"/);
    expectProblem(problems, 'verify.trustedPrincipalArns[0]', /not an IAM principal ARN: "arn:aws:iam::1234:role\/ci"; allowed: arn:aws:iam::<12-digit account>:role\/<name>/);
    expectProblem(problems, 'verify.trustedPrincipalArns[1]', /not an IAM principal ARN/);
    expectProblem(problems, 'verify.trustedPrincipalArns[2]', /not an IAM principal ARN/);
    expectProblem(problems, 'verify.githubOidc.repository', /not a GitHub repository: .*; write owner\/repo/);
    expectProblem(problems, 'verify.githubOidc.refs[0]', /not a branch or tag ref: "main"; allowed: refs\/heads\/<branch> or refs\/tags\/<tag>/);
    expectProblem(problems, 'verify.githubOidc.refs[1]', /not a branch or tag ref: "refs\/pull\/1\/merge"/);
    // ":" separates the claims of the sub: a ref may not reach into them.
    expectProblem(problems, 'verify.githubOidc.refs[2]', /not a branch or tag ref/);
  });

  test('githubOidc needs a repository; each principal and ref once; an empty ref list is refused', () => {
    expectProblem(problemsFor((i) => (i.verify = { githubOidc: {} })), 'verify.githubOidc.repository', /required: the GitHub repository as owner\/repo/);
    const arn = 'arn:aws:iam::111111111111:role/ci';
    const problems = problemsFor((i) => (i.verify = { trustedPrincipalArns: [arn, arn], githubOidc: { repository: 'o/r', refs: ['refs/heads/main', 'refs/heads/main'] } }));
    expectProblem(problems, 'verify.trustedPrincipalArns[1]', /principal "arn:aws:iam::111111111111:role\/ci" is already listed at index 0/);
    expectProblem(problems, 'verify.githubOidc.refs[1]', /ref "refs\/heads\/main" is already listed at index 0/);
    expectProblem(problemsFor((i) => (i.verify = { githubOidc: { repository: 'o/r', refs: [] } })), 'verify.githubOidc.refs', /list of refs is empty, so no workflow run could assume the role/);
  });

  test('a created role must trust someone', () => {
    expectProblem(problemsFor((i) => (i.verify = { createRole: true })), 'verify.createRole',
      /nobody could assume the role: list verify.trustedPrincipalArns .* or set verify.githubOidc/);
    const input = minimalInput();
    input.verify = { createRole: true, trustedPrincipalArns: ['arn:aws:iam::111111111111:role/ci'] };
    expect(configOf(input).verify.createRole).toBe(true);
  });

  test('the verify role is never the deployment role, which can write', () => {
    expectProblem(problemsFor((i) => (i.verify = { roleName: 'OrganizationAccountAccessRole' })), 'verify.roleName',
      /"OrganizationAccountAccessRole" is deployment.roleName, the role that deploys org-guard .* choose another name/);
    expectProblem(problemsFor((i) => {
      i.deployment = { managementRoleName: 'OrgGuardDeploy' };
      i.verify = { roleName: 'OrgGuardDeploy' };
    }), 'verify.roleName', /is deployment.managementRoleName/);
  });

  test('trust settings without createRole warn at synth: they configure nothing', () => {
    const input = minimalInput();
    input.verify = { githubOidc: { repository: 'o/r' } };
    expect(configWarnings(configOf(input))).toEqual(expect.arrayContaining([expect.stringMatching(/^verify.trustedPrincipalArns \/ verify.githubOidc are set but verify.createRole is false/)]));
    input.verify.createRole = true;
    expect(configWarnings(configOf(input)).join('\n')).not.toMatch(/^verify\./m);
    expect(configWarnings(configOf()).join('\n')).not.toMatch(/^verify\./m);
  });
});
