import { evaluate, statementsOf, type Policy } from '../policy-eval';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';
import { PROTECTED_ACTIONS, POLICY_SIZE_LIMIT, guardrailPolicies } from '../../modules/guardrails';
import { PROTECTED_SERVICES } from '../../config/sections/guardrails';

const MEMBER = '444444444444';
const developer = `arn:aws:iam::${MEMBER}:role/Developer`;
const deployer = `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`;

function policiesOf(management: TfJson, type = 'SERVICE_CONTROL_POLICY'): { name: string; doc: Policy; content: string }[] {
  return resourcesOf(management, 'aws_organizations_policy')
    .filter(([, p]) => p.type === type)
    .map(([, p]) => ({ name: p.name, doc: JSON.parse(p.content), content: p.content }));
}

/** Whether any of the policies denies an IAM principal's request in a region. */
function denied(docs: Policy[], arn: string, action: string, opts: { resource?: string; region?: string } = {}): boolean {
  return docs.some(
    (d) =>
      evaluate(d, {
        principal: { arn },
        action,
        resource: opts.resource,
        context: { 'aws:RequestedRegion': opts.region ?? 'us-east-1' },
      }) === 'ExplicitDeny',
  );
}

describe('guardrail SCPs in the bundled defaults', () => {
  const management = synthOrg().management;
  const scps = policiesOf(management);
  const docs = scps.map((p) => p.doc);

  // The actions the issue names, one or more per protected service.
  const critical = [
    'organizations:LeaveOrganization',
    'guardduty:DeleteDetector', 'guardduty:DisassociateFromAdministratorAccount', 'guardduty:UpdateDetector', 'guardduty:CreateFilter',
    'securityhub:DisableSecurityHub', 'securityhub:BatchDisableStandards', 'securityhub:DisassociateFromAdministratorAccount',
    'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors',
    'config:StopConfigurationRecorder', 'config:DeleteConfigurationRecorder', 'config:DeleteDeliveryChannel',
    'access-analyzer:DeleteAnalyzer',
    'macie2:DisableMacie', 'macie2:DisassociateFromAdministratorAccount',
    'detective:DeleteGraph', 'detective:DisassociateMembership',
    'inspector2:Disable', 'inspector2:DisassociateMember',
    'fms:DeletePolicy', 'fms:DisassociateAdminAccount',
  ];

  test.each(critical)('a member role may not %s', (action) => {
    expect(denied(docs, developer, action)).toBe(true);
  });

  test.each(critical.filter((a) => a !== 'organizations:LeaveOrganization'))('the deployment role may still %s', (action) => {
    expect(denied(docs, deployer, action)).toBe(false);
  });

  test('every protected action of every service is denied to other roles and allowed to the deployment role', () => {
    for (const service of PROTECTED_SERVICES) {
      for (const action of PROTECTED_ACTIONS[service]) {
        expect([action, denied(docs, developer, action)]).toEqual([action, true]);
        expect([action, denied(docs, deployer, action)]).toEqual([action, false]);
      }
    }
  });

  test('reading and triaging findings stays allowed', () => {
    for (const action of ['guardduty:GetFindings', 'guardduty:ArchiveFindings', 'securityhub:GetFindings', 'securityhub:BatchUpdateFindings',
      'cloudtrail:LookupEvents', 'inspector2:ListFindings', 'ec2:RunInstances', 'iam:CreateRole']) {
      expect([action, denied(docs, developer, action)]).toEqual([action, false]);
    }
  });

  test('the exemption is exactly the deployment role, in every statement that has one', () => {
    const exemptions = docs.flatMap((d) => statementsOf(d)).filter((st) => st.Condition?.ArnNotLike);
    expect(exemptions.map((st) => st.Sid).sort()).toEqual([
      'ProtectDeploymentRole', 'ProtectDeploymentRolePolicies', 'ProtectDetectionServices', 'ProtectLogArchiveKeys', 'ProtectLoggingAndConfiguration',
    ]);
    for (const st of exemptions) {
      expect(st.Condition!.ArnNotLike).toEqual({ 'aws:PrincipalARN': ['arn:aws:iam::*:role/OrganizationAccountAccessRole'] });
    }
    // A role that merely contains the name is not exempt.
    expect(denied(docs, `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole-copy`, 'guardduty:DeleteDetector')).toBe(true);
  });

  test('the root user of a member may do nothing, not even what the deployment role may', () => {
    const root = `arn:aws:iam::${MEMBER}:root`;
    for (const action of ['s3:GetObject', 'iam:CreateAccessKey', 'ec2:RunInstances', 'guardduty:DeleteDetector']) {
      expect(denied(docs, root, action)).toBe(true);
    }
  });

  test('nobody but the deployment role may change or delete the deployment role; other roles are untouched', () => {
    for (const action of ['iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:DetachRolePolicy']) {
      expect(denied(docs, developer, action, { resource: deployer })).toBe(true);
      expect(denied(docs, deployer, action, { resource: deployer })).toBe(false);
      expect(denied(docs, developer, action, { resource: `arn:aws:iam::${MEMBER}:role/AppRole` })).toBe(false);
    }
  });

  test('each policy is minified JSON under the 5,120-character limit', () => {
    expect(scps.length).toBeGreaterThanOrEqual(2);
    for (const p of scps) {
      expect(p.content).toBe(JSON.stringify(JSON.parse(p.content)));
      expect(p.content.length).toBeLessThanOrEqual(POLICY_SIZE_LIMIT);
    }
  });

  test('no region deny unless enabled', () => {
    expect(scps.map((p) => p.name)).not.toContain('org-guard-region-deny');
    expect(denied(docs, developer, 'ec2:RunInstances', { region: 'sa-east-1' })).toBe(false);
  });

  test('a custom deployment role is the one exempted and protected', () => {
    const input = minimalInput();
    input.deployment = { roleName: 'OrgGuardDeploy' };
    const custom = policiesOf(synthOrg(configOf(input)).management).map((p) => p.doc);
    const deploy = `arn:aws:iam::${MEMBER}:role/OrgGuardDeploy`;
    expect(denied(custom, deploy, 'guardduty:DeleteDetector')).toBe(false);
    expect(denied(custom, deployer, 'guardduty:DeleteDetector')).toBe(true);
    expect(denied(custom, developer, 'iam:DeleteRole', { resource: deploy })).toBe(true);
  });
});

describe('region deny', () => {
  const input = minimalInput();
  input.guardrails = { regionDeny: { enabled: true, extraGlobalActions: ['chatbot:*'] } };
  const scps = policiesOf(synthOrg(configOf(input)).management);
  const regionDeny = scps.find((p) => p.name === 'org-guard-region-deny')!;
  const governed = input.organization.regions as string[];

  test('leaves every governed region open', () => {
    for (const region of governed) {
      expect(denied([regionDeny.doc], developer, 'ec2:RunInstances', { region })).toBe(false);
      expect(denied([regionDeny.doc], developer, 's3:PutObject', { region })).toBe(false);
    }
  });

  test('denies regional actions elsewhere', () => {
    for (const region of ['sa-east-1', 'ap-southeast-2', 'eu-central-1']) {
      expect(denied([regionDeny.doc], developer, 'ec2:RunInstances', { region })).toBe(true);
      expect(denied([regionDeny.doc], developer, 'lambda:CreateFunction', { region })).toBe(true);
    }
  });

  test('exempts global services and the deployment role', () => {
    for (const action of ['iam:CreateRole', 'organizations:DescribeOrganization', 'sts:AssumeRole', 'cloudfront:CreateDistribution',
      'route53:ChangeResourceRecordSets', 'support:CreateCase', 'budgets:ViewBudget', 'chatbot:CreateSlackChannelConfiguration']) {
      expect([action, denied([regionDeny.doc], developer, action, { region: 'sa-east-1' })]).toEqual([action, false]);
    }
    expect(denied([regionDeny.doc], deployer, 'ec2:RunInstances', { region: 'sa-east-1' })).toBe(false);
  });

  test('stays under the size limit with every governed region, 10 exempt roles and 20 extra actions', () => {
    const big = guardrailPolicies({
      deploymentRoleName: 'OrganizationAccountAccessRole',
      logArchiveAccountId: '333333333333',
      exemptRoles: Array.from({ length: 10 }, (_, i) => `aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass${i}_*`),
      governedRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2',
        'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
        'eu-north-1', 'sa-east-1'],
      regionDeny: {
        enabled: true,
        extraGlobalActions: Array.from({ length: 20 }, (_, i) => `someservice${i}:DescribeSomething`),
        exemptPrincipalArns: ['arn:aws:iam::222222222222:role/org-guard-waf-logs-firehose'],
      },
    });
    for (const p of big) expect([p.name, JSON.stringify(p.document).length <= POLICY_SIZE_LIMIT]).toEqual([p.name, true]);
  });
});

describe('resource control policy', () => {
  const rcps = policiesOf(synthOrg().management, 'RESOURCE_CONTROL_POLICY');

  test('denies S3 and KMS requests without TLS, from any principal, and allows them with TLS', () => {
    expect(rcps).toHaveLength(1);
    const [rcp] = rcps;
    for (const action of ['s3:GetObject', 's3:PutObject', 'kms:Decrypt', 'kms:GenerateDataKey']) {
      for (const principal of [{ arn: developer }, { service: 'cloudtrail.amazonaws.com' }, 'anonymous' as const]) {
        expect(evaluate(rcp.doc, { principal, action, context: { 'aws:SecureTransport': false } })).toBe('ExplicitDeny');
        expect(evaluate(rcp.doc, { principal, action, context: { 'aws:SecureTransport': true } })).not.toBe('ExplicitDeny');
      }
    }
    expect(evaluate(rcp.doc, { principal: { arn: developer }, action: 'sqs:SendMessage', context: { 'aws:SecureTransport': false } })).not.toBe('ExplicitDeny');
    // RCPs only accept Deny statements with Principal "*".
    for (const st of statementsOf(rcp.doc)) expect([st.Effect, st.Principal]).toEqual(['Deny', '*']);
  });
});

describe('attachments', () => {
  test('every policy is attached to the organization root after the organization enables the policy types', () => {
    const management = synthOrg().management;
    const [[orgName, org]] = resourcesOf(management, 'aws_organizations_organization');
    expect(org.enabled_policy_types).toEqual(expect.arrayContaining(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']));
    const policies = resourcesOf(management, 'aws_organizations_policy');
    const attachments = resourcesOf(management, 'aws_organizations_policy_attachment');
    expect(attachments).toHaveLength(policies.length);
    for (const [name, policy] of policies) {
      const a = attachments.filter(([, x]) => x.policy_id === `\${aws_organizations_policy.${name}.id}`);
      expect(a).toHaveLength(1);
      expect(a[0][1].target_id).toBe(`\${aws_organizations_organization.${orgName}.roots[0].id}`);
      expect(a[0][1].depends_on).toContain(`aws_organizations_organization.${orgName}`);
      expect(policy.depends_on).toContain(`aws_organizations_organization.${orgName}`);
    }
  });

  test('a configured root id is used as is; OUs are targeted by name', () => {
    const input = minimalInput();
    input.organization.rootId = 'r-ab12';
    input.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }, { name: 'sandbox', id: 'ou-ab12-sandbox01' }];
    input.guardrails = { targets: ['workloads', 'sandbox'] };
    const attachments = resourcesOf(synthOrg(configOf(input)).management, 'aws_organizations_policy_attachment');
    const targets = attachments.map(([, a]) => a.target_id);
    expect(new Set(targets)).toEqual(new Set(['ou-ab12-workload1', 'ou-ab12-sandbox01']));
    input.guardrails = { targets: ['root'] };
    const rooted = resourcesOf(synthOrg(configOf(input)).management, 'aws_organizations_policy_attachment');
    expect(new Set(rooted.map(([, a]) => a.target_id))).toEqual(new Set(['r-ab12']));
  });

  test('each guardrail switches off on its own; enabled: false removes them all', () => {
    const input = minimalInput();
    input.guardrails = { denyRootUser: false, protectedServices: ['cloudtrail'], denyInsecureTransport: false, protectLogArchiveKeys: false };
    const management = synthOrg(configOf(input)).management;
    const docs = policiesOf(management).map((p) => p.doc);
    expect(denied(docs, `arn:aws:iam::${MEMBER}:root`, 's3:GetObject')).toBe(false);
    expect(denied(docs, developer, 'cloudtrail:StopLogging')).toBe(true);
    expect(denied(docs, developer, 'guardduty:DeleteDetector')).toBe(false);
    expect(denied(docs, developer, 'organizations:LeaveOrganization')).toBe(true);
    expect(policiesOf(management, 'RESOURCE_CONTROL_POLICY')).toHaveLength(0);
    // The detection policy has nothing left and is not created empty.
    expect(policiesOf(management).map((p) => p.name)).toEqual(['org-guard-baseline-guardrails']);

    input.guardrails = { enabled: false };
    const none = synthOrg(configOf(input)).management;
    expect(resourcesOf(none, 'aws_organizations_policy')).toHaveLength(0);
    expect(resourcesOf(none, 'aws_organizations_policy_attachment')).toHaveLength(0);
  });

  test('extra exempt roles are exempted next to the deployment role', () => {
    const input = minimalInput();
    input.guardrails = { exemptRoles: ['aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*'] };
    const docs = policiesOf(synthOrg(configOf(input)).management).map((p) => p.doc);
    const breakGlass = `arn:aws:iam::${MEMBER}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_0123abcd`;
    expect(denied(docs, breakGlass, 'guardduty:DeleteDetector')).toBe(false);
    expect(denied(docs, developer, 'guardduty:DeleteDetector')).toBe(true);
  });
});
