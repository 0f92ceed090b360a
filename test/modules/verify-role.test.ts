/**
 * The read-only verify role, read from the synthesized management and security stacks and asked, with the
 * policy evaluator, what each principal may do: only the List/Get/Describe/BatchGet actions of the calls verify
 * makes (tools/verify/calls.ts), no write of any service, and assumable only by whom the config names.
 */
import { evaluate, isAllowed, statementsOf, type ContextValue, type Policy, type Request } from '../policy-eval';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';
import { iamActionsFor, VERIFY_CALLS, type VerifyAccount } from '../../tools/verify/calls';
import { INLINE_ROLE_POLICY_LIMIT, VERIFY_ACTION_RESOURCES } from '../../modules/verify-role';
import { logArchiveNames } from '../../modules/names';

const MGMT = '111111111111';
const SECURITY = '222222222222';
const OTHER = '999999999999';
const ORG = 'o-exampleorg1';
const CI_ROLE = `arn:aws:iam::${MGMT}:role/ci/org-guard-plan`;
const PROVIDER = `arn:aws:iam::${MGMT}:oidc-provider/token.actions.githubusercontent.com`;
const REPO = 'my-org/org-guard';
const roleArn = (account: string, name = 'org-guard-verify') => `arn:aws:iam::${account}:role/${name}`;

function verifyInput(verify: Record<string, unknown>): Record<string, any> {
  const input = minimalInput();
  input.verify = verify;
  // The region deny is the guardrail most likely to meet verify's calls: on, so the SCP walk below covers it.
  input.guardrails = { regionDeny: { enabled: true } };
  return input;
}

const input = verifyInput({
  createRole: true,
  trustedPrincipalArns: [CI_ROLE],
  githubOidc: { repository: REPO, refs: ['refs/heads/main', 'refs/tags/v*'] },
});
const config = configOf(input);
const stacks = synthOrg(config);

interface Synthesized { role: any; trust: Policy; permissions: Policy }

function verifyRoleOf(stack: TfJson): Synthesized {
  const roles = resourcesOf(stack, 'aws_iam_role').filter(([, r]) => r.name === 'org-guard-verify');
  expect(roles).toHaveLength(1);
  const [[roleId, role]] = roles;
  const policies = resourcesOf(stack, 'aws_iam_role_policy').filter(([, p]) => p.role === `\${aws_iam_role.${roleId}.name}`);
  expect(policies).toHaveLength(1);
  return { role, trust: JSON.parse(role.assume_role_policy), permissions: JSON.parse(policies[0][1].policy) };
}

const management = verifyRoleOf(stacks.management);
const security = verifyRoleOf(stacks.security);
const roles: Record<VerifyAccount, Synthesized & { account: string }> = {
  management: { ...management, account: MGMT },
  security: { ...security, account: SECURITY },
};

/**
 * The resource IAM authorizes each action on, in the ARN format of the Service Authorization Reference's resource
 * types (https://docs.aws.amazon.com/service-authorization/latest/reference/): written out here, not taken from the
 * module, so a wrong pattern there fails. Actions without a resource type are authorized on "*".
 */
const trailName = logArchiveNames(config).trailName;
const SAMPLE_RESOURCES: Record<string, (account: string) => string[]> = {
  'organizations:ListTargetsForPolicy': (a) => [
    `arn:aws:organizations::${a}:policy/${ORG}/service_control_policy/p-abcd1234`,
    `arn:aws:organizations::${a}:policy/${ORG}/resource_control_policy/p-efgh5678`,
    'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
  ],
  'cloudtrail:GetTrailStatus': (a) => [`arn:aws:cloudtrail:us-east-1:${a}:trail/${trailName}`],
  'cloudtrail:GetEventSelectors': (a) => [`arn:aws:cloudtrail:us-east-1:${a}:trail/${trailName}`],
  'guardduty:GetDetector': (a) => [`arn:aws:guardduty:eu-west-1:${a}:detector/12abc34d567e8fa901bc2d34e56789f0`],
  'securityhub:GetConfigurationPolicy': (a) => [`arn:aws:securityhub:us-east-1:${a}:configuration-policy/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`],
  'securityhub:GetFindingAggregator': (a) => [`arn:aws:securityhub:us-east-1:${a}:finding-aggregator/123e4567-e89b-12d3-a456-426652340000`],
  'detective:ListMembers': (a) => [`arn:aws:detective:ap-northeast-1:${a}:graph:027c7c4610ea4aacaf0b883093cab899`],
  'config:DescribeConfigurationAggregatorSourcesStatus': (a) => [`arn:aws:config:us-east-1:${a}:config-aggregator/config-aggregator-abcd1234`],
  'fms:ListComplianceStatus': (a) => [`arn:aws:fms:us-west-2:${a}:policy/d1ac59b8-938e-42b3-b2e0-7c620422ddc2`],
};

const READ_ONLY = /^(List|Get|Describe|BatchGet)/;

/** Write, data-read and privilege actions across the services verify reads, and the ones an attacker would want. */
const FORBIDDEN = [
  'guardduty:CreateMembers', 'guardduty:DeleteMembers', 'guardduty:DisassociateMembers', 'guardduty:UpdateOrganizationConfiguration',
  'guardduty:UpdateDetector', 'guardduty:DeleteDetector', 'guardduty:CreateFilter', 'guardduty:ArchiveFindings',
  'securityhub:UpdateConfigurationPolicy', 'securityhub:StartConfigurationPolicyAssociation',
  'securityhub:StartConfigurationPolicyDisassociation', 'securityhub:BatchUpdateFindings', 'securityhub:DisableSecurityHub',
  'securityhub:CreateAutomationRule', 'securityhub:UpdateFindingAggregator',
  'organizations:DetachPolicy', 'organizations:AttachPolicy', 'organizations:UpdatePolicy', 'organizations:DeletePolicy',
  'organizations:LeaveOrganization', 'organizations:RemoveAccountFromOrganization', 'organizations:DisableAWSServiceAccess',
  'organizations:DeregisterDelegatedAdministrator', 'organizations:DescribePolicy', 'organizations:CreateAccount',
  'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:UpdateTrail', 'cloudtrail:LookupEvents',
  'config:StopConfigurationRecorder', 'config:DeleteConfigurationAggregator', 'config:PutConfigurationAggregator',
  'inspector2:Disable', 'inspector2:DisassociateMember', 'inspector2:UpdateOrganizationConfiguration', 'inspector2:CreateFilter',
  'detective:DeleteMembers', 'detective:DisassociateMembership', 'detective:DeleteGraph',
  'macie2:DisableMacie', 'macie2:DeleteMember', 'macie2:UpdateMacieSession', 'macie2:GetSensitiveDataOccurrences',
  'access-analyzer:DeleteAnalyzer', 'access-analyzer:CreateArchiveRule', 'access-analyzer:UpdateFindings',
  'fms:DeletePolicy', 'fms:PutPolicy', 'fms:DisassociateAdminAccount',
  's3:PutObject', 's3:GetObject', 's3:DeleteBucket', 's3:PutBucketPolicy', 'kms:Decrypt', 'kms:ScheduleKeyDeletion',
  'iam:PassRole', 'iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:CreateAccessKey',
  'sts:AssumeRole', 'sts:AssumeRoot', 'ec2:RunInstances', 'lambda:InvokeFunction', 'secretsmanager:GetSecretValue', 'ssm:GetParameter',
];

describe.each(['management', 'security'] as const)('verify role in the %s account', (account) => {
  const { permissions, role, account: id } = roles[account];
  const me = { arn: roleArn(id) };
  const ask = (action: string, resource = '*'): Request => ({ principal: me, action, resource });

  test('allows exactly the actions of the calls verify makes there, each a List/Get/Describe/BatchGet', () => {
    const granted = statementsOf(permissions)
      .filter((s) => s.Effect === 'Allow' && s.Sid !== 'ChainToSecurityAccountRole')
      .flatMap((s) => [s.Action ?? []].flat());
    expect([...new Set(granted)].sort()).toEqual(iamActionsFor(account));
    for (const action of granted) expect(action.split(':')[1]).toMatch(READ_ONLY);
    // No wildcard, NotAction or NotResource: each grant is one named action.
    for (const s of statementsOf(permissions)) {
      expect(s.NotAction ?? s.NotResource).toBeUndefined();
      for (const a of [s.Action ?? []].flat()) expect(a).not.toContain('*');
    }
  });

  test.each(iamActionsFor(account))('%s is allowed where verify calls it', (action) => {
    const resources = SAMPLE_RESOURCES[action]?.(id) ?? ['*'];
    for (const r of resources) expect(evaluate(permissions, ask(action, r))).toBe('Allow');
  });

  test('actions with a resource type are limited to this account\'s resources', () => {
    for (const action of iamActionsFor(account).filter((a) => SAMPLE_RESOURCES[a])) {
      const foreign = SAMPLE_RESOURCES[action](OTHER).filter((r) => !r.includes('::aws:policy/'));
      for (const r of foreign) expect(evaluate(permissions, ask(action, r))).toBe('ImplicitDeny');
    }
  });

  test.each(FORBIDDEN)('%s is not allowed on any resource', (action) => {
    const resources = ['*', `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`, `arn:aws:s3:::org-guard-trail-333333333333-us-east-1/AWSLogs/x`,
      ...(SAMPLE_RESOURCES[action]?.(id) ?? [])];
    for (const r of resources) expect(evaluate(permissions, ask(action, r))).not.toBe('Allow');
  });

  test('the inline policy fits IAM\'s role policy quota; sessions last at most an hour', () => {
    expect(JSON.stringify(permissions).replace(/\s/g, '').length).toBeLessThan(INLINE_ROLE_POLICY_LIMIT);
    expect(role.max_session_duration).toBe(3600);
  });
});

test('the management role may chain into the security account\'s verify role and no other role', () => {
  const { permissions } = roles.management;
  const me = { arn: roleArn(MGMT) };
  expect(isAllowed(permissions, { principal: me, action: 'sts:AssumeRole', resource: roleArn(SECURITY) })).toBe(true);
  for (const other of [roleArn(SECURITY, 'OrganizationAccountAccessRole'), roleArn('444444444444'), roleArn(MGMT, 'Admin'), '*']) {
    expect(isAllowed(permissions, { principal: me, action: 'sts:AssumeRole', resource: other })).toBe(false);
  }
  expect(isAllowed(roles.security.permissions, { principal: { arn: roleArn(SECURITY) }, action: 'sts:AssumeRole', resource: roleArn(MGMT) })).toBe(false);
});

test('every action verify calls is classified against the Service Authorization Reference', () => {
  // A call added to tools/verify/calls.ts falls back to Resource "*" until its resource type is looked up here.
  const actions = new Set(VERIFY_CALLS.map((c) => `${c.service}:${c.action}`));
  expect([...actions].filter((a) => !(a in VERIFY_ACTION_RESOURCES))).toEqual([]);
  // The scoped entries are exactly the actions this test authorizes on a sample ARN.
  const scoped = Object.entries(VERIFY_ACTION_RESOURCES).filter(([, r]) => r !== '*').map(([a]) => a).sort();
  expect(scoped).toEqual(Object.keys(SAMPLE_RESOURCES).sort());
});

// GitHub: the OIDC token's aud is sts.amazonaws.com for aws-actions/configure-aws-credentials, and its sub for a
// branch or tag run is repo:<owner>/<repo>:ref:<ref>; a pull request's is repo:<owner>/<repo>:pull_request and a job in
// an environment's repo:<owner>/<repo>:environment:<name> (https://docs.github.com/en/actions/reference/security/oidc).
// AWS: "Configuring a role for GitHub OIDC identity provider" asks for a condition on ...:sub
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub).
describe('who may assume the verify roles', () => {
  const github = (sub: string, extra: Record<string, ContextValue> = {}): Request => ({
    principal: { federated: PROVIDER },
    action: 'sts:AssumeRoleWithWebIdentity',
    context: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub, ...extra },
  });
  const assume = (arn: string): Request => ({ principal: { arn }, action: 'sts:AssumeRole' });
  const { trust: mgmtTrust } = roles.management;
  const { trust: secTrust } = roles.security;

  test('management: the trusted CI role, and GitHub runs of the configured refs of this repository', () => {
    expect(isAllowed(mgmtTrust, assume(CI_ROLE))).toBe(true);
    expect(isAllowed(mgmtTrust, github(`repo:${REPO}:ref:refs/heads/main`))).toBe(true);
    expect(isAllowed(mgmtTrust, github(`repo:${REPO}:ref:refs/tags/v1.4.0`))).toBe(true);
  });

  test('management: not other branches, pull requests, environments, repositories, audiences or providers', () => {
    for (const sub of [
      `repo:${REPO}:ref:refs/heads/feature`, `repo:${REPO}:pull_request`, `repo:${REPO}:environment:production`,
      `repo:${REPO}-fork:ref:refs/heads/main`, `repo:other/${REPO.split('/')[1]}:ref:refs/heads/main`, `repo:${REPO}:ref:refs/heads/v1`,
    ]) expect(isAllowed(mgmtTrust, github(sub))).toBe(false);
    expect(isAllowed(mgmtTrust, github(`repo:${REPO}:ref:refs/heads/main`, { 'token.actions.githubusercontent.com:aud': 'https://github.com/my-org' }))).toBe(false);
    expect(isAllowed(mgmtTrust, { ...github(`repo:${REPO}:ref:refs/heads/main`), principal: { federated: PROVIDER.replace(MGMT, OTHER) } })).toBe(false);
    // The web identity may not use plain AssumeRole, and other principals of the account may not assume the role.
    expect(isAllowed(mgmtTrust, { ...github(`repo:${REPO}:ref:refs/heads/main`), action: 'sts:AssumeRole' })).toBe(false);
    for (const arn of [roleArn(MGMT, 'Admin'), `arn:aws:iam::${MGMT}:root`, roleArn(SECURITY), roleArn(OTHER, 'ci/org-guard-plan')]) {
      expect(isAllowed(mgmtTrust, assume(arn))).toBe(false);
    }
  });

  test('security: the management account\'s verify role (role chaining) and the trusted CI role; nobody through GitHub directly', () => {
    expect(isAllowed(secTrust, assume(roleArn(MGMT)))).toBe(true);
    expect(isAllowed(secTrust, assume(CI_ROLE))).toBe(true);
    expect(isAllowed(secTrust, github(`repo:${REPO}:ref:refs/heads/main`))).toBe(false);
    for (const arn of [roleArn(MGMT, 'Admin'), `arn:aws:iam::${MGMT}:root`, roleArn(SECURITY, 'Admin'), roleArn(OTHER)]) {
      expect(isAllowed(secTrust, assume(arn))).toBe(false);
    }
  });

  test('exact refs are compared with StringEquals, patterns with StringLike', () => {
    const exact = verifyRoleOf(synthOrg(configOf(verifyInput({ createRole: true, githubOidc: { repository: REPO } }))).management).trust;
    const [statement] = statementsOf(exact);
    expect(statement.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': [`repo:${REPO}:ref:refs/heads/main`] },
    });
    // StringEquals takes "*" literally: a sub that only a pattern would match is refused.
    const literal = verifyRoleOf(synthOrg(configOf(verifyInput({ createRole: true, githubOidc: { repository: REPO, refs: ['refs/heads/main'] } }))).management).trust;
    expect(isAllowed(literal, github(`repo:${REPO}:ref:refs/heads/main`))).toBe(true);
    expect(statementsOf(mgmtTrust).find((s) => s.Sid === 'GitHubActions')?.Condition?.StringLike).toEqual({
      'token.actions.githubusercontent.com:sub': [`repo:${REPO}:ref:refs/heads/main`, `repo:${REPO}:ref:refs/tags/v*`],
    });
  });

  test('without githubOidc, the management role trusts only the listed principals', () => {
    const trust = verifyRoleOf(synthOrg(configOf(verifyInput({ createRole: true, trustedPrincipalArns: [CI_ROLE] }))).management).trust;
    expect(statementsOf(trust)).toHaveLength(1);
    expect(isAllowed(trust, github(`repo:${REPO}:ref:refs/heads/main`))).toBe(false);
    expect(isAllowed(trust, assume(CI_ROLE))).toBe(true);
  });
});

test('opt-in: no verify role unless verify.createRole is true', () => {
  const off = synthOrg(configOf(verifyInput({ trustedPrincipalArns: [CI_ROLE] })));
  for (const stack of [off.management, off.security]) {
    expect(resourcesOf(stack, 'aws_iam_role').filter(([, r]) => r.name === 'org-guard-verify')).toEqual([]);
  }
  const renamed = synthOrg(configOf(verifyInput({ createRole: true, roleName: 'audit-verify', trustedPrincipalArns: [CI_ROLE] })));
  expect(resourcesOf(renamed.security, 'aws_iam_role').map(([, r]) => r.name)).toContain('audit-verify');
  const trust = JSON.parse(resourcesOf(renamed.security, 'aws_iam_role').find(([, r]) => r.name === 'audit-verify')![1].assume_role_policy);
  expect(isAllowed(trust, { principal: { arn: roleArn(MGMT, 'audit-verify') }, action: 'sts:AssumeRole' })).toBe(true);
});

// REVIEW.md, "guardrails that lock out the owners": walk the SCPs as the security account's verify role. SCPs do not
// apply to the management account (Organizations user guide, "Service control policies"), so only this role meets them.
describe('the guardrail SCPs leave the security verify role its reads', () => {
  const scps = resourcesOf(stacks.management, 'aws_organizations_policy')
    .filter(([, p]) => p.type === 'SERVICE_CONTROL_POLICY')
    .map(([, p]) => JSON.parse(p.content) as Policy);
  const request = (action: string, region: string): Request => ({
    principal: { arn: roleArn(SECURITY) },
    action,
    resource: SAMPLE_RESOURCES[action]?.(SECURITY)[0] ?? '*',
    context: { 'aws:RequestedRegion': region, 'aws:PrincipalArn': roleArn(SECURITY) },
  });

  test('region deny is among them (the walk meets it)', () => {
    expect(scps.length).toBeGreaterThan(1);
    expect(scps.some((p) => statementsOf(p).some((s) => s.Sid === 'DenyOutsideGovernedRegions'))).toBe(true);
  });

  test.each(iamActionsFor('security'))('%s is not denied in any governed region', (action) => {
    for (const region of config.organization.regions) {
      for (const scp of scps) expect(evaluate(scp, request(action, region))).not.toBe('ExplicitDeny');
    }
  });

  test('outside the governed regions the region deny refuses the regional reads: verify reports them unknown', () => {
    for (const action of ['guardduty:ListMembers', 'inspector2:BatchGetAccountStatus', 'macie2:ListMembers']) {
      expect(scps.some((scp) => evaluate(scp, request(action, 'sa-east-1')) === 'ExplicitDeny')).toBe(true);
    }
  });
});
