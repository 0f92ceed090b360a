/**
 * The guardrail SCPs walked as each principal that meets them in a real organization (REVIEW.md, "guardrails
 * that lock out the owners"): an administrator of a member account, the deployment role, a break-glass role,
 * a centralized root access session (sts:AssumeRoot), the root user itself.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { evaluate, matchingStatements, type ContextValue, type Policy } from '../policy-eval';
import { configOf, minimalInput, resourcesOf, synthOrg, type TfJson } from '../helpers';
import { POLICY_SIZE_LIMIT } from '../../modules/guardrails';
import { KEY_DESTRUCTION_ACTIONS } from '../../modules/log-archive-key';
import { configWarnings } from '../../config/warnings';

const SECURITY = '222222222222';
const ARCHIVE = '333333333333';
const MEMBER = '444444444444';
const BREAK_GLASS_PATTERN = 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*';
const admin = (account: string) => `arn:aws:iam::${account}:role/Admin`;
const deployer = (account: string) => `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;
const breakGlass = (account: string) => `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_0123abcd`;
const root = (account: string) => `arn:aws:iam::${account}:root`;

function scpsOf(management: TfJson): { name: string; content: string; doc: Policy }[] {
  return resourcesOf(management, 'aws_organizations_policy')
    .filter(([, p]) => p.type === 'SERVICE_CONTROL_POLICY')
    .map(([, p]) => ({ name: p.name, content: p.content, doc: JSON.parse(p.content) }));
}

interface Ask { resource?: string; region?: string; context?: Record<string, ContextValue> }

/** The SCP statements that deny this request (empty: the SCPs let it through). */
function denials(docs: Policy[], arn: string, action: string, ask: Ask = {}): string[] {
  const request = {
    principal: { arn },
    action,
    resource: ask.resource,
    context: { 'aws:RequestedRegion': ask.region ?? 'us-east-1', ...(ask.context ?? {}) },
  };
  return docs.flatMap((d) => (evaluate(d, request) === 'ExplicitDeny' ? matchingStatements(d, request) : []));
}

const input = minimalInput();
input.guardrails = { exemptRoles: [BREAK_GLASS_PATTERN] };
const docs = scpsOf(synthOrg(configOf(input)).management).map((s) => s.doc);

// IAM user guide, "Centralize root access for member accounts" / aws:AssumedRoot: an sts:AssumeRoot session acts
// as the member's root principal and carries aws:AssumedRoot = true. AWS's SCP sample denies the root user with
// ArnLike aws:PrincipalArn arn:aws:iam::*:root and Null aws:AssumedRoot = true, which leaves those sessions alone.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-assumedroot
// https://github.com/aws-samples/service-control-policy-examples (Privileged-access-controls)
describe('root user and centralized root access', () => {
  const assumedRoot = { 'aws:AssumedRoot': 'true' };
  // Actions of the AWS managed root task policies (S3UnlockBucketPolicy, SQSUnlockQueuePolicy,
  // IAMDeleteRootUserCredentials, IAMCreateRootUserPassword, IAMAuditRootUserCredentials).
  const rootTasks = ['s3:DeleteBucketPolicy', 's3:GetBucketPolicy', 'sqs:SetQueueAttributes', 'iam:DeleteLoginProfile',
    'iam:CreateLoginProfile', 'iam:DeactivateMFADevice', 'iam:ListAccessKeys'];

  test.each(rootTasks)('an AssumeRoot session from the management account may %s', (action) => {
    expect(denials(docs, root(ARCHIVE), action, { context: assumedRoot })).toEqual([]);
    expect(denials(docs, root(MEMBER), action, { context: assumedRoot })).toEqual([]);
  });

  test.each(rootTasks)('the root user signing in with its own credentials may not %s', (action) => {
    expect(denials(docs, root(MEMBER), action)).toContain('DenyRootUser');
  });

  test('the root-user deny is AWS\'s statement', () => {
    const st = docs.flatMap((d) => [d.Statement].flat()).find((x) => x.Sid === 'DenyRootUser')!;
    expect(st).toMatchObject({
      Effect: 'Deny', Action: '*', Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' }, Null: { 'aws:AssumedRoot': 'true' } },
    });
  });

  test('the log-archive bucket policy can still be removed, by an AssumeRoot session only (README, log archive)', () => {
    const bucket = `arn:aws:s3:::org-guard-trail-${ARCHIVE}-us-east-1`;
    expect(denials(docs, root(ARCHIVE), 's3:DeleteBucketPolicy', { resource: bucket, context: assumedRoot })).toEqual([]);
    expect(denials(docs, root(ARCHIVE), 's3:DeleteBucketPolicy', { resource: bucket })).toContain('DenyRootUser');
    expect(denials(docs, root(ARCHIVE), 's3:PutBucketPolicy', { resource: bucket })).toContain('DenyRootUser');
  });
});

describe('the deployment role', () => {
  const role = (account: string) => ({ resource: deployer(account) });
  const attach = (policyArn: string) => ({ resource: deployer(MEMBER), context: { 'iam:PolicyARN': policyArn } });
  const adminAccess = 'arn:aws:iam::aws:policy/AdministratorAccess';

  test('an invited account can create it and give it AdministratorAccess (the Organizations guide procedure)', () => {
    expect(denials(docs, admin(MEMBER), 'iam:CreateRole', role(MEMBER))).toEqual([]);
    expect(denials(docs, admin(MEMBER), 'iam:AttachRolePolicy', attach(adminAccess))).toEqual([]);
  });

  test('once it exists, nobody but the exempt roles may change or delete it', () => {
    for (const action of ['iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
      'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:UpdateRole', 'iam:TagRole']) {
      expect([action, denials(docs, admin(MEMBER), action, role(MEMBER))]).toEqual([action, ['ProtectDeploymentRole']]);
      expect([action, denials(docs, deployer(MEMBER), action, role(MEMBER))]).toEqual([action, []]);
      expect([action, denials(docs, breakGlass(MEMBER), action, role(MEMBER))]).toEqual([action, []]);
    }
    // Attaching anything else (a customer managed policy with a Deny, say) or detaching AdministratorAccess is refused.
    expect(denials(docs, admin(MEMBER), 'iam:AttachRolePolicy', attach(`arn:aws:iam::${MEMBER}:policy/DenyAll`))).toEqual(['ProtectDeploymentRolePolicies']);
    expect(denials(docs, admin(MEMBER), 'iam:DetachRolePolicy', attach(adminAccess))).toEqual(['ProtectDeploymentRole']);
    expect(denials(docs, deployer(MEMBER), 'iam:AttachRolePolicy', attach(`arn:aws:iam::${MEMBER}:policy/DenyAll`))).toEqual([]);
    // Other roles are the account's business.
    expect(denials(docs, admin(MEMBER), 'iam:DeleteRole', { resource: `arn:aws:iam::${MEMBER}:role/App` })).toEqual([]);
  });
});

describe('findings cannot be silenced (issue 11 item 7)', () => {
  const silencers = [
    'inspector2:CreateFilter', 'inspector2:UpdateFilter',
    'access-analyzer:CreateArchiveRule', 'access-analyzer:UpdateArchiveRule', 'access-analyzer:ApplyArchiveRule',
    'macie2:CreateFindingsFilter', 'macie2:UpdateFindingsFilter',
    'securityhub:UpdateSecurityControl', 'securityhub:BatchUpdateStandardsControlAssociations',
    'cloudtrail:PutInsightSelectors', 'config:PutRetentionConfiguration',
  ];

  test.each(silencers)('%s is denied to administrators of member and security accounts', (action) => {
    expect(denials(docs, admin(MEMBER), action)).not.toEqual([]);
    expect(denials(docs, admin(SECURITY), action)).not.toEqual([]);
  });

  // SCPs apply to the security (delegated administrator) account too; org-guard creates archive rules,
  // filters and automation rules there as the deployment role, which stays exempt.
  test.each([...silencers, 'securityhub:CreateAutomationRule', 'securityhub:BatchUpdateAutomationRules', 'guardduty:CreateFilter'])(
    '%s stays allowed to the deployment role and the break-glass role in the security account', (action) => {
      expect(denials(docs, deployer(SECURITY), action)).toEqual([]);
      expect(denials(docs, breakGlass(SECURITY), action)).toEqual([]);
    });
});

describe('log-archive keys', () => {
  const key = (account: string) => ({ resource: `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab` });

  test.each(KEY_DESTRUCTION_ACTIONS)('%s on a log-archive key: denied to its administrators, allowed to the deployment and break-glass roles', (action) => {
    expect(denials(docs, admin(ARCHIVE), action, key(ARCHIVE))).toEqual(['ProtectLogArchiveKeys']);
    expect(denials(docs, deployer(ARCHIVE), action, key(ARCHIVE))).toEqual([]);
    expect(denials(docs, breakGlass(ARCHIVE), action, key(ARCHIVE))).toEqual([]);
  });

  test('keys of other accounts are their own business', () => {
    expect(denials(docs, admin(MEMBER), 'kms:ScheduleKeyDeletion', key(MEMBER))).toEqual([]);
    expect(denials(docs, admin(ARCHIVE), 'kms:Decrypt', key(ARCHIVE))).toEqual([]);
  });
});

describe('size: config/examples/full.yaml with every guardrail on and the longest lists the schema allows', () => {
  const full = parse(fs.readFileSync('config/examples/full.yaml', 'utf8'));
  full.guardrails = {
    ...(full.guardrails ?? {}),
    exemptRoles: Array.from({ length: 10 }, (_, i) => `aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass${i}_*`),
    denyLeavingOrganization: true,
    denyRootUser: true,
    protectDeploymentRole: true,
    protectLogArchiveKeys: true,
    regionDeny: { enabled: true, extraGlobalActions: Array.from({ length: 20 }, (_, i) => `someservice${i}:DescribeSomething`) },
    denyInsecureTransport: true,
  };
  // us-east-1 not governed: the region deny also exempts the CloudFront WAF log stream's role.
  full.organization.homeRegion = 'eu-west-1';
  full.organization.regions = ['eu-west-1', 'us-west-2', 'ap-northeast-1'];
  // Per-member features tied to us-east-1 do not bear on the SCP sizes.
  for (const m of full.accounts.members) delete m.s3MalwareProtection;
  const scps = scpsOf(synthOrg(configOf(full)).management);

  test('every SCP stays under 5,120 characters; 5 SCPs with FullAWSAccess', () => {
    expect(scps.map((p) => p.name).sort()).toEqual([
      'org-guard-baseline-guardrails', 'org-guard-protect-detection', 'org-guard-protect-log-archive-keys', 'org-guard-region-deny',
    ]);
    for (const p of scps) expect([p.name, p.content.length <= POLICY_SIZE_LIMIT]).toEqual([p.name, true]);
  });
});

// Issue 12 item 9: the region deny must not deny what org-guard itself runs outside the governed regions.
describe('region deny with us-east-1 not governed (homeRegion eu-west-1, regions [eu-west-1])', () => {
  const cfgInput = minimalInput();
  cfgInput.organization.homeRegion = 'eu-west-1';
  cfgInput.organization.regions = ['eu-west-1'];
  cfgInput.guardrails = { regionDeny: { enabled: true } };
  const regionDeny = scpsOf(synthOrg(configOf(cfgInput)).management).filter((p) => p.name === 'org-guard-region-deny').map((p) => p.doc);
  const firehoseRole = `arn:aws:iam::${SECURITY}:role/org-guard-waf-logs-firehose`;
  const inUsEast1 = { region: 'us-east-1' };

  test('the policy exists and denies regional actions in us-east-1 to everyone else', () => {
    expect(regionDeny).toHaveLength(1);
    expect(denials(regionDeny, admin(MEMBER), 'ec2:RunInstances', inUsEast1)).toEqual(['DenyOutsideGovernedRegions']);
    expect(denials(regionDeny, admin(SECURITY), 'firehose:DeleteDeliveryStream', inUsEast1)).toEqual(['DenyOutsideGovernedRegions']);
    expect(denials(regionDeny, admin(MEMBER), 'ec2:RunInstances', { region: 'eu-west-1' })).toEqual([]);
  });

  test('the us-east-1 Firehose stream of CloudFront WAF logs delivers as its role (modules/waf-log-delivery.ts)', () => {
    for (const action of ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucket', 'kms:GenerateDataKey']) {
      expect([action, denials(regionDeny, firehoseRole, action, inUsEast1)]).toEqual([action, []]);
    }
    // Only that role of the security account: the same name elsewhere is no way around the region deny.
    expect(denials(regionDeny, `arn:aws:iam::${MEMBER}:role/org-guard-waf-logs-firehose`, 's3:PutObject', inUsEast1)).toEqual(['DenyOutsideGovernedRegions']);
  });

  test('Terraform (the deployment role) may build the us-east-1 stream, CloudFront policies and AWS Config there', () => {
    for (const action of ['firehose:CreateDeliveryStream', 'fms:PutPolicy', 'config:PutConfigurationRecorder', 'config:PutDeliveryChannel',
      'config:StartConfigurationRecorder', 'iam:CreateServiceLinkedRole', 'wafv2:PutLoggingConfiguration']) {
      expect([action, denials(regionDeny, deployer(SECURITY), action, inUsEast1)]).toEqual([action, []]);
      expect([action, denials(regionDeny, deployer(MEMBER), action, inUsEast1)]).toEqual([action, []]);
    }
  });

  test('Firewall Manager and AWS Config calls in us-east-1 are global actions, open to every role', () => {
    // AWS Config recorders and FMS act through service-linked roles, which SCPs never restrict; their API calls
    // (and the FMS admin registration, made by the management account outside every SCP) are global here.
    for (const action of ['fms:GetAdminAccount', 'fms:ListPolicies', 'config:DescribeConfigurationRecorders', 'config:PutEvaluations', 'wafv2:GetWebACL']) {
      expect([action, denials(regionDeny, admin(MEMBER), action, inUsEast1)]).toEqual([action, []]);
    }
  });

  test('with us-east-1 governed, or without CloudFront WAF logging, no extra exemption', () => {
    const governed = minimalInput();
    governed.guardrails = { regionDeny: { enabled: true } };
    const noLogs = minimalInput();
    noLogs.organization.homeRegion = 'eu-west-1';
    noLogs.organization.regions = ['eu-west-1'];
    noLogs.guardrails = { regionDeny: { enabled: true } };
    noLogs.firewallManager = { waf: { logging: false } };
    for (const i of [governed, noLogs]) {
      const [doc] = scpsOf(synthOrg(configOf(i)).management).filter((p) => p.name === 'org-guard-region-deny').map((p) => p.content);
      expect(doc).not.toContain('org-guard-waf-logs-firehose');
    }
  });
});

// IAM Identity Center user guide, "Referencing permission sets in resource policies, Amazon EKS, and AWS KMS": the
// role of a permission set is arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<aws-region>/AWSReservedSSO_
// <set>_<suffix> (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html); an
// instance in us-east-1 has no region segment. ArnLike checks each ARN component with * matching any characters.
describe('break-glass through IAM Identity Center, wherever Identity Center runs', () => {
  const sso = (account: string, region?: string) =>
    `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${region ? `${region}/` : ''}AWSReservedSSO_BreakGlass_0123abcd`;
  const docsFor = (pattern: string) => {
    const i = minimalInput();
    i.guardrails = { exemptRoles: [pattern] };
    return { docs: scpsOf(synthOrg(configOf(i)).management).map((s) => s.doc), warnings: configWarnings(configOf(i)) };
  };

  test('the documented pattern (aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlass_*) exempts both role paths', () => {
    const { docs: d, warnings } = docsFor('aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlass_*');
    for (const arn of [sso(MEMBER), sso(MEMBER, 'eu-west-2')]) {
      expect(denials(d, arn, 'guardduty:DeleteDetector')).toEqual([]);
      expect(denials(d, arn, 'iam:UpdateAssumeRolePolicy', { resource: deployer(MEMBER) })).toEqual([]);
    }
    expect(warnings.some((w) => w.includes('guardrails.exemptRoles'))).toBe(false);
  });

  test('a pattern without the region segment leaves an Identity Center outside us-east-1 locked out, and synth warns', () => {
    const { docs: d, warnings } = docsFor('aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass_*');
    expect(denials(d, sso(MEMBER), 'guardduty:DeleteDetector')).toEqual([]);
    expect(denials(d, sso(MEMBER, 'eu-west-2'), 'guardduty:DeleteDetector')).not.toEqual([]);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(
      /exemptRoles "aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_BreakGlass_\*" matches IAM Identity Center roles only while Identity Center runs in us-east-1.*write "aws-reserved\/sso\.amazonaws\.com\/\*AWSReservedSSO_BreakGlass_\*"/)]));
  });
});

// Organizations guide, "Service control policies": an SCP attached to an OU restricts only the principals of the
// accounts in that OU (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
// Only principals of the log-archive account can disable or delete its keys, so the key SCP aimed at OUs that do not
// hold that account binds nobody who could.
describe('guardrails aimed at OUs only', () => {
  const withTargets = (targets: string[], extra: Record<string, unknown> = {}) => {
    const i = minimalInput();
    i.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }];
    i.guardrails = { targets, ...extra };
    return configWarnings(configOf(i));
  };

  test('synth warns that the log-archive key SCP binds the log-archive account only if it is in a targeted OU', () => {
    expect(withTargets(['workloads'])).toEqual(expect.arrayContaining([expect.stringMatching(
      /guardrails\.targets has no "root": org-guard-protect-log-archive-keys .* log-archive account \(333333333333\) .* only if they sit in one of "workloads"/)]));
  });

  test('no warning with the root among the targets, or with the key SCP off', () => {
    expect(withTargets(['root', 'workloads']).some((w) => w.includes('guardrails.targets'))).toBe(false);
    expect(withTargets(['workloads'], { protectLogArchiveKeys: false }).some((w) => w.includes('guardrails.targets'))).toBe(false);
  });
});

// GuardDuty API reference: DeleteMalwareProtectionPlan / UpdateMalwareProtectionPlan remove or change the plan that scans
// a bucket (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DeleteMalwareProtectionPlan.html). The plans of
// accounts.members[].s3MalwareProtection are created by the member's deployment role, which stays exempt.
describe('GuardDuty Malware Protection for S3 plans stay on', () => {
  test.each(['guardduty:DeleteMalwareProtectionPlan', 'guardduty:UpdateMalwareProtectionPlan'])(
    '%s is denied to a member administrator and allowed to the deployment and break-glass roles', (action) => {
      expect(denials(docs, admin(MEMBER), action)).not.toEqual([]);
      expect(denials(docs, deployer(MEMBER), action)).toEqual([]);
      expect(denials(docs, breakGlass(MEMBER), action)).toEqual([]);
    });
});
