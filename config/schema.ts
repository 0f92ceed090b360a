import { z } from 'zod';
import { AWS_REGIONS } from './regions';
import { accountId, crossCheck, emailAddress, fail, orRequired, stackName, strictObject, validRegions, type ValidAt } from './zod-helpers';
import { servicesSchema, checkServices } from './sections/services';
import { loggingSchema, checkLogging } from './sections/logging';
import { firewallManagerSchema, checkFirewallManager } from './sections/firewall-manager';
import { guardrailsSchema, checkGuardrails } from './sections/guardrails';
import { notificationsSchema, checkNotifications } from './sections/notifications';
import { budgetSchema, checkBudget } from './sections/budget';
import { removalSchema, checkRemoval } from './sections/removal';
import { checkDelegatedAdminsInUse, delegatedAdminInUse, KNOWN_ADMIN_PRINCIPALS } from './sections/delegated-admins-in-use';
import { KNOWN_POLICY_TYPES } from '../modules/organization-policy-types';
import { organizationPoliciesSchema, checkOrganizationPolicies } from './sections/organization-policies';
import { checkSecurityHubTuning } from './sections/security-hub-tuning';
import { checkAccessAnalyzerRules } from './sections/access-analyzer-rules';
import { checkMalwareProtection, s3MalwareProtection } from './sections/malware-protection';
import { verifySchema, checkVerify } from './sections/verify';

/** Stack names of the core accounts; a member may not take one. */
export const CORE_STACKS = ['management', 'log-archive', 'security'] as const;

const region = z.enum(AWS_REGIONS as [string, ...string[]], {
  error: orRequired((input) => `unknown region "${String(input)}"; allowed: ${AWS_REGIONS.join(', ')}`),
});

const organizationalUnit = strictObject({
  name: stackName.describe('Name used in this file to refer to the OU (members[].ou, guardrail targets).'),
  id: z
    .string()
    .regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, {
      error: (issue) => `organizational unit id must look like ou-ab12-abcdefgh, got "${String(issue.input)}"`,
    })
    .describe('The OU id in AWS Organizations.'),
});

const organization = strictObject({
  id: z
    .string({ error: orRequired((input) => `organization id must be a string like o-exampleorg1, got ${JSON.stringify(input)}`) })
    .regex(/^o-[a-z0-9]{10,32}$/, {
      error: (issue) => `organization id must match o-[a-z0-9]{10,32}, got "${String(issue.input)}"`,
    })
    .describe('AWS Organizations id (o-...). The organization is adopted (imported), never created.'),
  rootId: z
    .string()
    .regex(/^r-[0-9a-z]{4,32}$/, { error: (issue) => `root id must match r-[0-9a-z]{4,32}, got "${String(issue.input)}"` })
    .optional()
    .describe('Root id (r-...). Optional: looked up from the organization when absent.'),
  homeRegion: region.describe('Region of global resources: organization trail, Security Hub aggregator, notifications.'),
  regions: z.array(region).describe('Governed regions; regional services are enabled in each. Must include homeRegion.'),
  organizationalUnits: z.array(organizationalUnit).default([]).describe('OUs that members and guardrails may name.'),
  trustedServicesInUse: z
    .array(z.string().regex(/^[a-z0-9.-]+\.amazonaws\.com$/, { error: (i) => `not a service principal: "${String(i.input)}" (e.g. sso.amazonaws.com)` }))
    .default([])
    .describe('Service principals the organization already trusts (e.g. sso.amazonaws.com). The trusted-access list is authoritative: a principal missing here is removed.'),
  policyTypesInUse: z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]{2,63}$/, { error: (i) => `not a policy type: "${String(i.input)}"; known types: ${KNOWN_POLICY_TYPES.join(', ')}` }))
    .default([])
    .describe(`Policy types already enabled on the root (${KNOWN_POLICY_TYPES.join(', ')}). The list is authoritative: a type missing here (and not needed by org-guard) is disabled, which detaches every policy of that type.`),
  delegatedAdminsInUse: z
    .array(delegatedAdminInUse)
    .default([])
    .describe(`Delegated-administrator registrations of the security account that already exist (${KNOWN_ADMIN_PRINCIPALS.join(', ')}; regional services optionally with the regions where they exist, default every region org-guard registers them in): adopted with an import block, because registering again fails.`),
}).superRefine(...crossCheck(checkOrganization));

const coreAccount = strictObject({
  id: accountId,
  email: emailAddress.optional().describe('Root email of the account: Detective and Macie need it to enrol an existing account.'),
});

const memberAccount = strictObject({
  name: stackName.describe('Stack name of this account.'),
  id: accountId,
  email: emailAddress.optional().describe('Root email of the account: Detective and Macie need it to enrol an existing account.'),
  ou: z.string().optional().describe('Name of an entry of organization.organizationalUnits.'),
  s3MalwareProtection,
});

const accounts = strictObject({
  management: coreAccount,
  security: coreAccount.describe('Delegated administrator of the security services.'),
  logArchive: coreAccount.describe('Holds the organization trail bucket and its KMS key.'),
  members: z.array(memberAccount).default([]),
}).superRefine(...crossCheck(checkAccounts));

const roleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, { error: (i) => `not a valid IAM role name: "${String(i.input)}"` });

const deployment = strictObject({
  roleName: roleName
    .default('OrganizationAccountAccessRole')
    .describe('Role assumed in every account but management to deploy its stack.'),
  managementRoleName: roleName
    .optional()
    .describe('Role assumed in the management account. Absent: ambient credentials (OrganizationAccountAccessRole does not exist there).'),
  // AssumeRole RoleSessionName: 2-64 characters of [\w+=,.@-] (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, { error: (i) => `not a valid role session name: "${String(i.input)}"; 2-64 letters, digits and + = , . @ _ -` })
    .default('org-guard')
    .describe('Role session name of the deployment role sessions (visible in CloudTrail).'),
});

const roleArn = z
  .string()
  .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: (i) => `not an IAM role ARN: "${String(i.input)}"` });

const s3Backend = strictObject({
  type: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: (i) => `not a valid S3 bucket name: "${String(i.input)}"` }),
  region,
  keyPrefix: z.string().regex(/^[\w!.*'()/-]*$/).default('org-guard'),
  roleArn: roleArn.optional().describe('Role assumed to read and write state.'),
  kmsKeyId: z.string().optional().describe('KMS key for state encryption; default SSE-S3.'),
});

// HCP Terraform: "Workspace names need to be 90 characters or less and can only include letters, numbers,
// -, and _" (https://developer.hashicorp.com/terraform/cloud-docs/workspaces/create). The longest stack name
// is 63 characters, so a prefix of up to 27 keeps every stack's workspace name valid.
const hcpName = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_-]+$/, {
    error: (i) => `not a valid HCP Terraform ${what} name: "${String(i.input)}" (letters, digits, "-" and "_")`,
  });

const cloudBackend = strictObject({
  type: z.literal('cloud'),
  organization: hcpName('organization').describe('HCP Terraform (or Terraform Enterprise) organization.'),
  workspacePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,27}$/, { error: (i) => `not a valid workspace name prefix: "${String(i.input)}" (letters, digits, "-" and "_", at most 27 characters)` })
    .default('org-guard-')
    .describe('Each stack gets the workspace <workspacePrefix><stack name>.'),
  hostname: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?$/, { error: (i) => `not a hostname: "${String(i.input)}"` })
    .default('app.terraform.io')
    .describe('Terraform Enterprise hostname; default HCP Terraform.'),
  project: z.string().min(1).max(40).optional().describe('Project of the core stacks\' workspaces (and of the members\' without memberProject); default the organization\'s default project.'),
  memberProject: z.string().min(1).max(40).optional().describe('Project of the member stacks\' workspaces, so access and variable sets can differ from the core stacks\'.'),
});

const backend = z.discriminatedUnion('type', [s3Backend, cloudBackend]);

const passwordPolicy = strictObject({
  minimumLength: z.number().int().min(14, { error: 'CIS requires at least 14 characters' }).max(128).default(14),
  reusePrevention: z.number().int().min(24, { error: 'CIS requires remembering at least 24 passwords' }).max(24).default(24),
  maxAgeDays: z.number().int().min(1).max(1095).optional().describe('Optional: CIS v3 no longer requires expiry.'),
});

const baseline = strictObject({
  passwordPolicy: passwordPolicy.prefault({}),
  ebsEncryptionByDefault: z.boolean().default(true),
  blockPublicSnapshotSharing: z.boolean().default(true).describe('EBS snapshot and AMI block public access in every governed region.'),
});

const tagKey = z.string().regex(/^[\w .:/=+\-@]{1,128}$/);

/** Tag keys org-guard sets on every resource itself (stacks/account-stack.ts defaultTags). */
export const ORG_GUARD_TAG_KEYS = ['ManagedBy', 'OrgGuardStack'] as const;

// AWS reserves the aws: prefix in any case: such keys are rejected at apply. Default tags land on every
// resource, so the strictest service rule applies, which reserves it for values too (ECS Tag: "Do not use
// aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values",
// https://docs.aws.amazon.com/sdkfornet/v3/apidocs/items/ECS/TTag.html).
function checkTags(tags: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const [key, value] of Object.entries(tags)) {
    if (/^aws:/i.test(key)) {
      fail(ctx, [key], `tag key "${key}" starts with "${key.slice(0, 4)}", a prefix AWS reserves for its own tags (rejected at apply); choose a key without it`);
    } else if ((ORG_GUARD_TAG_KEYS as readonly string[]).includes(key)) {
      fail(ctx, [key], `tag key "${key}" is set by org-guard on every resource (${ORG_GUARD_TAG_KEYS.join(', ')}) and would be overwritten; choose another key`);
    } else if (typeof value === 'string' && /^aws:/i.test(value)) {
      fail(ctx, [key], `tag value "${value}" starts with "${value.slice(0, 4)}", a prefix AWS reserves (some services reject it in values too); choose a value without it`);
    }
  }
}

const configShape = strictObject({
  $schema: z.string().optional(),
  organization,
  accounts,
  deployment: deployment.prefault({}),
  backend: backend.optional().describe('Remote state: S3, or HCP Terraform workspaces (type: cloud). Absent: local state files per stack.'),
  tags: z.record(tagKey, z.string().max(256)).default({}).superRefine(...crossCheck(checkTags)).describe(`Default tags on every resource (org-guard adds ${ORG_GUARD_TAG_KEYS.join(' and ')}; keys may not start with aws:).`),
  baseline: baseline.prefault({}),
  services: servicesSchema,
  logging: loggingSchema,
  firewallManager: firewallManagerSchema,
  guardrails: guardrailsSchema,
  notifications: notificationsSchema,
  budget: budgetSchema,
  removal: removalSchema.describe('Taking a service or a region away safely: what the management stack keeps for one more deploy.'),
  organizationPolicies: organizationPoliciesSchema,
  verify: verifySchema.describe('`npm run verify`: the read-only role it assumes, and who may assume it.'),
});

export type OrgConfig = z.infer<typeof configShape>;

export const configSchema = configShape
  .superRefine(...crossCheck(checkMemberOus))
  .superRefine(...crossCheck(checkServices))
  .superRefine(...crossCheck(checkLogging))
  .superRefine(...crossCheck(checkFirewallManager))
  .superRefine(...crossCheck(checkGuardrails))
  .superRefine(...crossCheck(checkNotifications))
  .superRefine(...crossCheck(checkBudget))
  .superRefine(...crossCheck(checkRemoval))
  .superRefine(...crossCheck(checkDelegatedAdminsInUse))
  .superRefine(...crossCheck(checkOrganizationPolicies))
  .superRefine(...crossCheck(checkSecurityHubTuning))
  .superRefine(...crossCheck(checkAccessAnalyzerRules))
  .superRefine(...crossCheck(checkMalwareProtection))
  .superRefine(...crossCheck(checkVerify));

export type OrgConfigInput = z.input<typeof configSchema>;
export type MemberAccount = OrgConfig['accounts']['members'][number];

// Refinements sit on the smallest object that holds their data, so one bad section does not hide
// the cross-field problems of another (zod skips a refinement when its object already has issues).
function checkOrganization(org: OrgConfig['organization'], ctx: z.RefinementCtx, valid: ValidAt): void {
  const { homeRegion, organizationalUnits } = org;
  // Only values that passed their own schema are compared: a string for the list is one problem, not one per letter.
  const regions = validRegions(org.regions, valid, 'regions');
  if (regions === undefined) return checkOus(organizationalUnits, ctx, valid);
  if (org.regions.length === 0) {
    fail(ctx, ['regions'], 'the list of governed regions is empty; list at least the home region');
  }
  const seen = new Set<string>();
  org.regions.forEach((r, i) => {
    if (!valid('regions', i)) return;
    if (seen.has(r)) fail(ctx, ['regions', i], `region "${r}" is listed twice; each governed region once`);
    seen.add(r);
  });
  if (regions.length > 0 && regions.length === org.regions.length && valid('homeRegion') && !regions.includes(homeRegion)) {
    fail(ctx, ['homeRegion'], `home region "${homeRegion}" is not in organization.regions; add it there`);
  }
  checkOus(organizationalUnits, ctx, valid);
}

function checkOus(organizationalUnits: OrgConfig['organization']['organizationalUnits'], ctx: z.RefinementCtx, valid: ValidAt): void {
  if (!valid('organizationalUnits')) return;
  checkUnique(ctx, organizationalUnits.map((u) => u.name), ['organizationalUnits'], 'name', 'OU name');
  checkUnique(ctx, organizationalUnits.map((u) => u.id), ['organizationalUnits'], 'id', 'OU id');
}

function checkAccounts(accs: OrgConfig['accounts'], ctx: z.RefinementCtx): void {
  const { management, security, logArchive, members } = accs;
  const owners = new Map<string, string>();
  const claim = (id: string, path: (string | number)[], role: string) => {
    const previous = owners.get(id);
    if (previous) {
      fail(ctx, path, `account ${id} is already used as ${previous}; each account has exactly one role`);
    } else {
      owners.set(id, role);
    }
  };
  if (security.id === management.id) {
    fail(ctx, ['security', 'id'],
      'the management account cannot be the delegated security administrator (Security Hub, GuardDuty and Firewall Manager refuse it); use a dedicated security account');
  }
  claim(management.id, ['management', 'id'], 'accounts.management');
  if (security.id !== management.id) claim(security.id, ['security', 'id'], 'accounts.security');
  claim(logArchive.id, ['logArchive', 'id'], 'accounts.logArchive');
  const names = new Map<string, number>();
  members.forEach((m, i) => {
    claim(m.id, ['members', i, 'id'], `accounts.members[${i}] (${m.name})`);
    if ((CORE_STACKS as readonly string[]).includes(m.name)) {
      fail(ctx, ['members', i, 'name'], `"${m.name}" is the name of a core stack; choose another name (reserved: ${CORE_STACKS.join(', ')})`);
    }
    const first = names.get(m.name);
    if (first !== undefined) {
      fail(ctx, ['members', i, 'name'], `member name "${m.name}" is already used by accounts.members[${first}]; names must be unique`);
    } else {
      names.set(m.name, i);
    }
  });
}

function checkMemberOus(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const ouNames = new Set(cfg.organization.organizationalUnits.map((u) => u.name));
  cfg.accounts.members.forEach((m, i) => {
    if (m.ou !== undefined && !ouNames.has(m.ou)) {
      fail(ctx, ['accounts', 'members', i, 'ou'],
        `OU "${m.ou}" is not defined; allowed: ${[...ouNames].join(', ') || '(none: add it to organization.organizationalUnits)'}`);
    }
  });
}

/** Reports every repeat of a value after its first occurrence. */
export function checkUnique(
  ctx: z.RefinementCtx,
  values: string[],
  listPath: (string | number)[],
  field: string,
  what: string,
): void {
  const first = new Map<string, number>();
  values.forEach((v, i) => {
    const j = first.get(v);
    if (j !== undefined) fail(ctx, [...listPath, i, field], `${what} "${v}" is already used at index ${j}; must be unique`);
    else first.set(v, i);
  });
}
