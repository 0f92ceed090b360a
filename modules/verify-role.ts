import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { iamActionsFor, ROLE_CHAIN_ACTION, type VerifyAccount } from '../tools/verify/calls';
import { policyDocument, type PolicyDocument, type PolicyStatement } from './policy-document';

/**
 * GitHub Actions' OIDC issuer (https://docs.github.com/en/actions/reference/security/oidc): its IAM identity provider
 * is `arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`, and its claims are condition keys
 * prefixed with the host.
 */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials requests (GitHub, "Configuring OpenID Connect in Amazon Web Services"). */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

export function verifyRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** The OIDC `sub` claim of a workflow run on a branch or tag: repo:<owner>/<repo>:ref:<ref> (GitHub OIDC reference, "Example subject claims"). */
export function githubSubject(repository: string, ref: string): string {
  return `repo:${repository}:ref:${ref}`;
}

interface ScopeContext {
  accountId: string;
  organizationId: string;
}

/**
 * Resources of each action verify calls, from the Service Authorization Reference's "Resource types" column
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/; read from its machine-readable copy,
 * iann0036/iam-dataset aws/iam_definition.json, 2026). An action with a resource type is limited to that type in
 * this account (every region: regional services repeat per region); `'*'` only where the action has no resource
 * type, which IAM then requires. An action missing here gets `'*'` and the role's test fails until it is classified.
 */
export const VERIFY_ACTION_RESOURCES: Readonly<Record<string, '*' | ((s: ScopeContext) => string[])>> = {
  // No permission needed at all (STS API reference, GetCallerIdentity); listed by the tool so the role shows every call.
  'sts:GetCallerIdentity': '*',
  // Organizations: DescribeOrganization, ListAccounts, ListRoots, ListPolicies have no resource type;
  // ListTargetsForPolicy takes policy* (arn:aws:organizations::<management>:policy/o-<org>/<type>/p-<id>, and
  // arn:aws:organizations::aws:policy/<type>/p-<id> for AWS managed policies such as FullAWSAccess).
  'organizations:DescribeOrganization': '*',
  'organizations:ListAccounts': '*',
  'organizations:ListRoots': '*',
  'organizations:ListPolicies': '*',
  'organizations:ListTargetsForPolicy': (s) => [
    `arn:aws:organizations::${s.accountId}:policy/${s.organizationId}/*`,
    'arn:aws:organizations::aws:policy/*',
  ],
  // CloudTrail: DescribeTrails has no resource type; GetTrailStatus and GetEventSelectors take trail*.
  'cloudtrail:DescribeTrails': '*',
  'cloudtrail:GetTrailStatus': (s) => [`arn:aws:cloudtrail:*:${s.accountId}:trail/*`],
  'cloudtrail:GetEventSelectors': (s) => [`arn:aws:cloudtrail:*:${s.accountId}:trail/*`],
  // GuardDuty: only GetDetector takes a resource (detector*); ListDetectors, ListMembers and GetMemberDetectors have none.
  'guardduty:ListDetectors': '*',
  'guardduty:GetDetector': (s) => [`arn:aws:guardduty:*:${s.accountId}:detector/*`],
  'guardduty:ListMembers': '*',
  'guardduty:GetMemberDetectors': '*',
  // Security Hub: the Get actions take configuration-policy* / finding-aggregator*; the List actions have none.
  'securityhub:ListConfigurationPolicies': '*',
  'securityhub:GetConfigurationPolicy': (s) => [`arn:aws:securityhub:*:${s.accountId}:configuration-policy/*`],
  'securityhub:ListConfigurationPolicyAssociations': '*',
  'securityhub:GetFindingAggregator': (s) => [`arn:aws:securityhub:*:${s.accountId}:finding-aggregator/*`],
  'securityhub:ListFindingAggregators': '*',
  // Inspector: BatchGetAccountStatus is account-wide. Its row was not in the part of the reference read for this
  // change; inspector2's account, member and coverage reads there take no resource type (its types are CIS scan
  // configurations, code security integrations and scan configurations, connectors and filters).
  'inspector2:BatchGetAccountStatus': '*',
  // Detective: ListGraphs has none; ListMembers takes Graph* (arn:aws:detective:<region>:<account>:graph:<id>).
  'detective:ListGraphs': '*',
  'detective:ListMembers': (s) => [`arn:aws:detective:*:${s.accountId}:graph:*`],
  // Macie: GetMacieSession and ListMembers have no resource type (its types are allow lists, classification jobs,
  // custom data identifiers, findings filters and single members).
  'macie2:GetMacieSession': '*',
  'macie2:ListMembers': '*',
  // Access Analyzer: ListAnalyzers has no resource type.
  'access-analyzer:ListAnalyzers': '*',
  // Config: DescribeConfigurationAggregatorSourcesStatus takes ConfigurationAggregator*.
  'config:DescribeConfigurationAggregatorSourcesStatus': (s) => [`arn:aws:config:*:${s.accountId}:config-aggregator/*`],
  // Firewall Manager: ListPolicies has none; ListComplianceStatus takes policy* (arn:aws:fms:<region>:<account>:policy/<id>).
  'fms:ListPolicies': '*',
  'fms:ListComplianceStatus': (s) => [`arn:aws:fms:*:${s.accountId}:policy/*`],
};

/** IAM's limit on the inline policies of one role, summed (IAM and STS quotas, "Role policy size"). */
export const INLINE_ROLE_POLICY_LIMIT = 10240;

/** The read-only policy of the verify role in `account`: exactly `iamActionsFor(account)`, plus the chain to the security role. */
export function verifyPermissions(account: VerifyAccount, scope: ScopeContext, securityRoleArn?: string): PolicyDocument {
  const open: string[] = [];
  const scoped: PolicyStatement[] = [];
  for (const action of iamActionsFor(account)) {
    const resources = VERIFY_ACTION_RESOURCES[action] ?? '*';
    if (resources === '*') open.push(action);
    else scoped.push({ Sid: sid(action), Effect: 'Allow', Action: action, Resource: resources(scope) });
  }
  const statements: PolicyStatement[] = [];
  if (open.length > 0) statements.push({ Sid: 'ReadWithoutResourceTypes', Effect: 'Allow', Action: open, Resource: '*' });
  statements.push(...scoped);
  if (securityRoleArn) {
    // Cross-account AssumeRole needs the caller's own permission as well as the target's trust
    // (IAM user guide, "Cross-account policy evaluation logic").
    statements.push({ Sid: 'ChainToSecurityAccountRole', Effect: 'Allow', Action: ROLE_CHAIN_ACTION, Resource: securityRoleArn });
  }
  return policyDocument(statements);
}

function sid(action: string): string {
  return action.split(/[:-]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

export interface VerifyTrust {
  /** IAM principals that may assume the role (sts:AssumeRole). */
  principalArns: readonly string[];
  /** GitHub Actions workflow runs of this repository and refs (sts:AssumeRoleWithWebIdentity through the account's OIDC provider). */
  githubOidc?: { repository: string; refs: readonly string[] };
}

/**
 * Who may assume the role. GitHub's and AWS's guidance for the GitHub OIDC provider: `aud` must equal
 * sts.amazonaws.com and `sub` must name the repository (GitHub, "Configuring OpenID Connect in Amazon Web Services";
 * IAM user guide, "Create a role for OpenID Connect federation": "evaluate the token.actions.githubusercontent.com:sub
 * condition key"). StringEquals unless a ref is a pattern; then StringLike, whose * and ? never cross the ":" the
 * config forbids in refs.
 */
export function verifyTrustPolicy(accountId: string, trust: VerifyTrust): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (trust.principalArns.length > 0) {
    statements.push({ Sid: 'TrustedPrincipals', Effect: 'Allow', Principal: { AWS: [...trust.principalArns] }, Action: 'sts:AssumeRole' });
  }
  if (trust.githubOidc) {
    const { repository, refs } = trust.githubOidc;
    const subjects = refs.map((r) => githubSubject(repository, r));
    const pattern = refs.some((r) => /[*?]/.test(r));
    const aud = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE };
    const sub = { [`${GITHUB_OIDC_HOST}:sub`]: subjects };
    statements.push({
      Sid: 'GitHubActions',
      Effect: 'Allow',
      Principal: { Federated: githubOidcProviderArn(accountId) },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: pattern ? { StringEquals: aud, StringLike: sub } : { StringEquals: { ...aud, ...sub } },
    });
  }
  if (statements.length === 0) {
    throw new Error('verify role: nobody may assume it; give principalArns or githubOidc');
  }
  return policyDocument(statements);
}

export interface VerifyRoleProps {
  /** Which verify role: the management account's (organization, CloudTrail) or the security account's (delegated admin). */
  account: VerifyAccount;
  accountId: string;
  organizationId: string;
  roleName: string;
  /** IAM principals (e.g. a CI role) that may assume this role. */
  trustedPrincipalArns: readonly string[];
  /** Management role only: GitHub Actions may assume it directly through the account's existing OIDC provider. */
  githubOidc?: { repository: string; refs: readonly string[] };
  /** Management role only: the security account's verify role, which verify reaches by role chaining. */
  securityRoleArn?: string;
  /** Security role only: the management account's verify role, trusted to chain into this one. */
  managementRoleArn?: string;
  /** Default one hour, IAM's minimum; a chained session cannot last longer anyway (STS AssumeRole, DurationSeconds). */
  maxSessionDurationSeconds?: number;
}

/**
 * The read-only role `npm run verify` assumes: List/Get/Describe/BatchGet of exactly the calls verify makes
 * (tools/verify/calls.ts), so the role and the tool never drift. It creates no OIDC provider: an account has one
 * per issuer URL (CreateOpenIDConnectProvider fails with EntityAlreadyExists), and CI's plan and apply roles use it already.
 */
export class VerifyRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: VerifyRoleProps) {
    super(scope, id);
    if (props.account === 'security' && (props.githubOidc || !props.managementRoleArn || props.securityRoleArn)) {
      throw new Error('verify role (security): trusts managementRoleArn (and trustedPrincipalArns); GitHub OIDC and securityRoleArn belong to the management role');
    }
    if (props.account === 'management' && props.managementRoleArn) {
      throw new Error('verify role (management): managementRoleArn belongs to the security role');
    }
    // IAM refuses a trust policy naming a principal that does not exist ("Invalid principal in policy"): the security
    // role names the management role, which the management stack (deployed first) creates; the provider retries
    // CreateRole on that error while IAM propagates a new role (retryCreateRole, internal/service/iam/role.go).
    // A named principal deleted and created again is not trusted until the next apply rewrites the policy.
    const principalArns = props.account === 'security'
      ? [props.managementRoleArn!, ...props.trustedPrincipalArns.filter((a) => a !== props.managementRoleArn)]
      : props.trustedPrincipalArns;

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `org-guard verify: read-only view of the organization's security services (${props.account} account)`,
      assumeRolePolicy: JSON.stringify(verifyTrustPolicy(props.accountId, { principalArns, githubOidc: props.githubOidc })),
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
    });
    const document = verifyPermissions(props.account, { accountId: props.accountId, organizationId: props.organizationId }, props.securityRoleArn);
    this.policy = new IamRolePolicy(this, 'policy', {
      role: this.role.name,
      name: 'org-guard-verify-read-only',
      policy: JSON.stringify(document),
    });
  }
}
