import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { fail, strictObject } from '../zod-helpers';

/** Security services whose configuration the guardrail SCPs protect, as named in the config. */
export const PROTECTED_SERVICES = [
  'guardduty',
  'securityhub',
  'cloudtrail',
  'config',
  'access-analyzer',
  'macie',
  'detective',
  'inspector',
  'firewall-manager',
] as const;
export type ProtectedService = (typeof PROTECTED_SERVICES)[number];

/** Guardrail target naming the organization root; any other target is an OU name. */
export const ROOT_TARGET = 'root';

const protectedService = z.enum(PROTECTED_SERVICES, {
  error: (issue) => `unknown service "${String(issue.input)}"; allowed: ${PROTECTED_SERVICES.join(', ')}`,
});

// A role name, optionally with a path and `*` wildcards (e.g. aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*).
const rolePattern = z.string().regex(/^[\w+=,.@*-]+(\/[\w+=,.@*-]+)*$/, {
  error: (issue) =>
    `not a role name pattern: "${String(issue.input)}"; use a role name, optionally with a path and * wildcards (e.g. aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*)`,
});

/**
 * IAM Identity Center roles: `role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<suffix>` (IAM
 * Identity Center user guide, "Referencing permission sets in resource policies, Amazon EKS, and AWS KMS",
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html); only an instance in
 * us-east-1 leaves the region segment out. A pattern without it matches nothing elsewhere, so the break-glass
 * role it was meant to exempt is locked out like everybody else. `*` in ArnLike also matches `/`.
 */
const SSO_ROLE_WITHOUT_REGION = /^aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_/;

export function guardrailsWarnings(cfg: OrgConfig): string[] {
  const g = cfg.guardrails;
  if (!g.enabled) return [];
  // An SCP limits only the principals of the accounts under its target (Organizations guide, "Service control
  // policies"), and only principals of the log-archive account can disable or delete its keys.
  const keysUncovered = g.protectLogArchiveKeys && !g.targets.includes(ROOT_TARGET)
    ? [`guardrails.targets has no "${ROOT_TARGET}": org-guard-protect-log-archive-keys (and the other guardrails) bind the log-archive account ` +
        `(${cfg.accounts.logArchive.id}) and the security account only if they sit in one of ${g.targets.map((t) => `"${t}"`).join(', ')}; ` +
        'otherwise that SCP protects nothing (the key policy still guards the org-guard key): add "root" or the OU of those accounts']
    : [];
  return [...keysUncovered, ...g.exemptRoles.filter((r) => SSO_ROLE_WITHOUT_REGION.test(r)).map((r) =>
    `guardrails.exemptRoles "${r}" matches IAM Identity Center roles only while Identity Center runs in us-east-1: ` +
      'in any other region the role path holds the region (aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_...); ' +
      `write "${r.replace('sso.amazonaws.com/', 'sso.amazonaws.com/*')}" to match both`)];
}

const actionPattern = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, {
  error: (issue) => `not an IAM action: "${String(issue.input)}"; write service:Action, e.g. "chatbot:*" or "ec2:DescribeRegions"`,
});

const regionDeny = strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe('Deny every regional action outside organization.regions (global services exempt). Off by default: see the README before turning it on.'),
  extraGlobalActions: z
    .array(actionPattern)
    .max(20, { error: 'at most 20 extra actions (the SCP must stay under 5,120 characters)' })
    .default([])
    .describe('Actions exempted from the region deny on top of the AWS-documented global services (e.g. "chatbot:*").'),
});

export const guardrailsSchema = strictObject({
  enabled: z.boolean().default(true).describe('Master switch: false creates no SCP or RCP at all.'),
  targets: z
    .array(z.string())
    .default([ROOT_TARGET])
    .describe('Where the policies are attached: "root" (every account) or names from organization.organizationalUnits.'),
  exemptRoles: z
    .array(rolePattern)
    .max(10, { error: 'at most 10 exempt roles (each SCP must stay under 5,120 characters)' })
    .default([])
    .describe('Roles exempted from the guardrails besides deployment.roleName (break-glass roles), e.g. aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlass_* (the * covers the region segment Identity Center adds outside us-east-1). Root is never exempt.'),
  denyLeavingOrganization: z.boolean().default(true).describe('Members may not leave the organization.'),
  denyRootUser: z.boolean().default(true).describe('The root user of member accounts may not act.'),
  protectDeploymentRole: z
    .boolean()
    .default(true)
    .describe('Only exempt roles may change or delete deployment.roleName (creating it stays allowed, for invited accounts).'),
  protectLogArchiveKeys: z
    .boolean()
    .default(true)
    .describe('Only exempt roles may disable, delete, re-policy or re-alias KMS keys of the log-archive account.'),
  protectedServices: z
    .array(protectedService)
    .default([...PROTECTED_SERVICES])
    .describe(`Services members may not disable or reconfigure. Default: all of ${PROTECTED_SERVICES.join(', ')}.`),
  regionDeny: regionDeny.prefault({}),
  denyInsecureTransport: z
    .boolean()
    .default(true)
    .describe('Resource control policy: deny S3 and KMS requests without TLS, organization-wide.'),
}).prefault({});

export function checkGuardrails(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const g = cfg.guardrails;
  if (!g.enabled) return;
  const ouNames = cfg.organization.organizationalUnits.map((u) => u.name);
  const allowed = [...new Set([ROOT_TARGET, ...ouNames])].map((t) => `"${t}"`).join(', ');
  cfg.organization.organizationalUnits.forEach((u, i) => {
    if (u.name === ROOT_TARGET) {
      fail(ctx, ['organization', 'organizationalUnits', i, 'name'], `"${ROOT_TARGET}" is reserved for the organization root in guardrails.targets; rename this OU`);
    }
  });
  if (g.targets.length === 0) {
    fail(ctx, ['guardrails', 'targets'], `no target: the policies would apply nowhere; list "root" or OU names (allowed: ${allowed}), or set guardrails.enabled: false`);
  }
  const seenTargets = new Map<string, number>();
  g.targets.forEach((t, i) => {
    if (t !== ROOT_TARGET && !ouNames.includes(t)) {
      fail(ctx, ['guardrails', 'targets', i], `target "${t}" is neither "root" nor an OU of organization.organizationalUnits; allowed: ${allowed}`);
    }
    const first = seenTargets.get(t);
    if (first !== undefined) fail(ctx, ['guardrails', 'targets', i], `target "${t}" is already listed at index ${first}; list each target once`);
    else seenTargets.set(t, i);
  });
  const seenServices = new Map<string, number>();
  g.protectedServices.forEach((s, i) => {
    const first = seenServices.get(s);
    if (first !== undefined) fail(ctx, ['guardrails', 'protectedServices', i], `service "${s}" is already listed at index ${first}; list each service once`);
    else seenServices.set(s, i);
  });
  g.exemptRoles.forEach((r, i) => {
    if (r === cfg.deployment.roleName) {
      fail(ctx, ['guardrails', 'exemptRoles', i], `"${r}" is deployment.roleName, which is always exempt; remove it here`);
    }
    if (r === '*') {
      fail(ctx, ['guardrails', 'exemptRoles', i], '"*" would exempt every role and disable the guardrails; name the break-glass roles instead');
    }
  });
}
