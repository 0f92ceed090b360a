import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { fail, strictObject } from '../zod-helpers';

/** Default name of the read-only role `npm run verify` assumes in the management and security accounts. */
export const DEFAULT_VERIFY_ROLE_NAME = 'org-guard-verify';

// CreateRole RoleName: 1-64 characters of [\w+=,.@-] (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html)
const roleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, {
    error: (i) => `not a valid IAM role name: ${JSON.stringify(i.input)}; 1-64 letters, digits and + = , . @ _ -`,
  });

// Principals a role trust policy may name (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
// an account root, an IAM role or user (with optional path), or an assumed-role session. Commercial partition only,
// like the rest of org-guard (config/regions.ts).
const PRINCIPAL_ARN = /^arn:aws:(iam::\d{12}:(root|(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64})|sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64})$/;

const principalArn = z
  .string()
  .regex(PRINCIPAL_ARN, {
    error: (i) =>
      `not an IAM principal ARN: ${JSON.stringify(i.input)}; allowed: arn:aws:iam::<12-digit account>:role/<name>, ` +
      'arn:aws:iam::<account>:user/<name>, arn:aws:iam::<account>:root or arn:aws:sts::<account>:assumed-role/<role>/<session>',
  });

// GitHub: owner names are letters, digits and single hyphens (at most 39, not starting with a hyphen);
// repository names letters, digits, ".", "_" and "-" (at most 100).
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

// The OIDC sub claim of a workflow run for a branch or tag is repo:<owner>/<repo>:ref:<ref>
// (https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims). IAM StringLike
// matches * and ? (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String),
// so a ref may be a pattern such as refs/tags/v*; ":" would let a pattern reach past the ref into other claims.
const REF = /^refs\/(heads|tags)\/[A-Za-z0-9._\/*?+@=-]+$/;

const ref = z.string().regex(REF, {
  error: (i) =>
    `not a branch or tag ref: ${JSON.stringify(i.input)}; allowed: refs/heads/<branch> or refs/tags/<tag>, ` +
    'where * and ? match any characters (e.g. refs/heads/main, refs/tags/v*)',
});

const githubOidc = strictObject({
  repository: z
    .string({ error: (i) => (i.input === undefined ? 'required: the GitHub repository as owner/repo' : undefined) })
    .regex(REPOSITORY, { error: (i) => `not a GitHub repository: ${JSON.stringify(i.input)}; write owner/repo (e.g. my-org/org-guard)` })
    .describe('GitHub repository (owner/repo) whose workflows may assume the management account\'s verify role.'),
  refs: z
    .array(ref)
    .default(['refs/heads/main'])
    .describe('Branches and tags (refs/heads/..., refs/tags/...; * and ? are wildcards) whose workflow runs may assume the role: the OIDC sub claim must be repo:<repository>:ref:<ref>.'),
});

export const verifySchema = strictObject({
  roleName: roleName
    .default(DEFAULT_VERIFY_ROLE_NAME)
    .describe('Read-only role `npm run verify` assumes in the management and security accounts.'),
  createRole: z
    .boolean()
    .default(false)
    .describe('Opt-in: the management and security stacks create the read-only verify role (only the List/Get/Describe/BatchGet actions verify calls).'),
  trustedPrincipalArns: z
    .array(principalArn)
    .default([])
    .describe('IAM principals (e.g. a CI role) allowed to assume the verify roles of the management and security accounts.'),
  githubOidc: githubOidc
    .optional()
    .describe('GitHub Actions OIDC: workflow runs of this repository and refs may assume the management account\'s verify role directly (the account\'s token.actions.githubusercontent.com OIDC provider must exist).'),
}).prefault({});

/** Trust settings without createRole configure nothing: worth saying at synth. */
export function verifyWarnings(cfg: OrgConfig): string[] {
  const v = cfg.verify;
  if (v.createRole || (v.trustedPrincipalArns.length === 0 && !v.githubOidc)) return [];
  return ['verify.trustedPrincipalArns / verify.githubOidc are set but verify.createRole is false: no verify role is created and nothing trusts them; set verify.createRole: true'];
}

export function checkVerify(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const v = cfg.verify;
  const dupes = (list: string[], path: string[], what: string) => {
    const seen = new Map<string, number>();
    list.forEach((x, i) => {
      const first = seen.get(x);
      if (first !== undefined) fail(ctx, [...path, i], `${what} "${x}" is already listed at index ${first}; list each once`);
      else seen.set(x, i);
    });
  };
  dupes(v.trustedPrincipalArns, ['verify', 'trustedPrincipalArns'], 'principal');
  if (v.githubOidc) {
    dupes(v.githubOidc.refs, ['verify', 'githubOidc', 'refs'], 'ref');
    if (v.githubOidc.refs.length === 0) {
      fail(ctx, ['verify', 'githubOidc', 'refs'], 'the list of refs is empty, so no workflow run could assume the role; list at least one (e.g. refs/heads/main) or remove githubOidc');
    }
  }
  // Sharing a name with the deployment role would make verify run with write access (and createRole collide with it).
  const deploymentRoles: [string | undefined, string][] = [[cfg.deployment.roleName, 'deployment.roleName'], [cfg.deployment.managementRoleName, 'deployment.managementRoleName']];
  for (const [name, key] of deploymentRoles) {
    if (name !== undefined && v.roleName === name) {
      fail(ctx, ['verify', 'roleName'], `"${v.roleName}" is ${key}, the role that deploys org-guard (it can write); verify needs a read-only role of its own: choose another name (default org-guard-verify)`);
      break;
    }
  }
  if (v.createRole && v.trustedPrincipalArns.length === 0 && !v.githubOidc) {
    // A trust policy without a principal admits nobody (and IAM rejects an empty Principal).
    fail(ctx, ['verify', 'createRole'],
      'createRole is true but nobody could assume the role: list verify.trustedPrincipalArns (e.g. your CI role) or set verify.githubOidc');
  }
}
