import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { fail, strictObject } from '../zod-helpers';
import { ROOT_TARGET } from './guardrails';

// Organization-level features of the management account that replace per-account settings:
// centralized root access (IAM) and management policies (EC2 declarative policy, AI services opt-out).
// None of them is charged.

const rootAccess = strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Centralized root access for member accounts (aws_iam_organizations_features RootCredentialsManagement, iam.amazonaws.com trusted). Free.'),
  rootSessions: z
    .boolean()
    .default(true)
    .describe('Also RootSessions: the management account can run short privileged root tasks (sts:AssumeRoot) in a member account.'),
});

const instanceMetadataDefaults = strictObject({
  enabled: z.boolean().default(false).describe('Set IMDS defaults for new instance launches (defaults only: an instance may still choose otherwise at launch).'),
  httpTokens: z.enum(['required', 'optional', 'no_preference']).default('required').describe('required = IMDSv2 only. Check that no workload still calls IMDSv1 first.'),
  httpPutResponseHopLimit: z
    .number()
    .int()
    .min(-1, { error: 'hop limit must be -1 (no preference) to 64' })
    .max(64, { error: 'hop limit must be -1 (no preference) to 64' })
    // 0 is not a hop limit: EC2 takes 1 to 64, or -1 for no preference (EC2 API reference,
    // ModifyInstanceMetadataDefaults, HttpPutResponseHopLimit:
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html).
    .refine((n) => n !== 0, { error: 'hop limit 0 is not allowed: use 1 to 64, or -1 for no preference' })
    .default(2)
    .describe('AWS recommends at least 2 with IMDSv2 required (containers on the instance).'),
  httpEndpoint: z.enum(['enabled', 'disabled', 'no_preference']).default('no_preference'),
  instanceMetadataTags: z.enum(['enabled', 'disabled', 'no_preference']).default('no_preference'),
});

const vpcBlockPublicAccess = strictObject({
  enabled: z.boolean().default(false).describe('VPC Block Public Access: blocks internet gateway traffic in every VPC (except excluded VPCs/subnets). Breaks public workloads: opt-in.'),
  mode: z.enum(['block_ingress', 'block_bidirectional']).default('block_ingress').describe('block_ingress keeps NAT/egress-only gateways working; block_bidirectional blocks all internet gateway traffic.'),
  exclusionsAllowed: z.boolean().default(true).describe('Accounts may exclude single VPCs or subnets.'),
});

const ec2 = strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe('EC2 declarative policy (DECLARATIVE_POLICY_EC2) on organizationPolicies.targets: every region, future ones included. Replaces the baseline snapshot/AMI settings of the accounts it covers.'),
  snapshotBlockPublicAccess: z.enum(['block_all_sharing', 'block_new_sharing', 'unblocked']).default('block_all_sharing'),
  imageBlockPublicAccess: z.enum(['block_new_sharing', 'unblocked']).default('block_new_sharing'),
  serialConsoleAccess: z.enum(['disabled', 'enabled']).default('disabled'),
  instanceMetadataDefaults: instanceMetadataDefaults.prefault({}),
  vpcBlockPublicAccess: vpcBlockPublicAccess.prefault({}),
  exceptionMessage: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Custom error message for actions the policy refuses (e.g. a link to your wiki).'),
});

const aiServicesOptOut = strictObject({
  enabled: z.boolean().default(false).describe('AI services opt-out policy (AISERVICES_OPT_OUT_POLICY): AWS AI services may not store or use content for service improvement.'),
});

export const organizationPoliciesSchema = strictObject({
  rootAccess: rootAccess.prefault({}),
  targets: z
    .array(z.string())
    .default([ROOT_TARGET])
    .describe('Where the EC2 and AI opt-out policies are attached: "root" or names from organization.organizationalUnits.'),
  ec2: ec2.prefault({}),
  aiServicesOptOut: aiServicesOptOut.prefault({}),
}).prefault({});

export type OrganizationPoliciesConfig = z.output<typeof organizationPoliciesSchema>;

/** Root policy types org-guard's organization policies need (feeds enabled_policy_types). */
export function organizationPolicyTypes(cfg: OrgConfig): string[] {
  const p = cfg.organizationPolicies;
  return [
    ...(p.ec2.enabled ? ['DECLARATIVE_POLICY_EC2'] : []),
    ...(p.aiServicesOptOut.enabled ? ['AISERVICES_OPT_OUT_POLICY'] : []),
  ];
}

/**
 * Whether the EC2 declarative policy applies to an account, so its per-account snapshot/AMI
 * settings must go (AWS refuses EnableSnapshotBlockPublicAccess/EnableImageBlockPublicAccess for
 * accounts in scope: "Account administrators will not be able to modify the value of the service
 * attribute at the individual account level",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html).
 * Attached to the root it reaches the management account too: unlike the SCP pages, the declarative
 * pages make no exception ("When you attach a declarative policy to the organization's root, it applies
 * to all accounts in your organization", orgs_manage_policies_effective.html). The management account
 * is in no OU of the config, so only a root target covers it.
 */
export function ec2PolicyCovers(cfg: OrgConfig, account: { role: 'management' | 'log-archive' | 'security' | 'member'; ou?: string }): boolean {
  const p = cfg.organizationPolicies;
  if (!p.ec2.enabled) return false;
  if (p.targets.includes(ROOT_TARGET)) return true;
  if (account.role === 'management') return false;
  return account.ou !== undefined && p.targets.includes(account.ou);
}

export function checkOrganizationPolicies(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const p = cfg.organizationPolicies;
  const base = ['organizationPolicies'];
  if (p.rootAccess.rootSessions && !p.rootAccess.enabled) {
    fail(ctx, [...base, 'rootAccess', 'rootSessions'],
      'RootSessions needs centralized root access: set rootAccess.enabled: true, or rootSessions: false');
  }
  if (!p.ec2.enabled && !p.aiServicesOptOut.enabled) return;
  const ouNames = cfg.organization.organizationalUnits.map((u) => u.name);
  const allowed = [ROOT_TARGET, ...ouNames].map((t) => `"${t}"`).join(', ');
  if (p.targets.length === 0) {
    fail(ctx, [...base, 'targets'], `no target: the policies would apply nowhere; list "root" or OU names (allowed: ${allowed})`);
  }
  const seen = new Map<string, number>();
  p.targets.forEach((t, i) => {
    if (t !== ROOT_TARGET && !ouNames.includes(t)) {
      fail(ctx, [...base, 'targets', i], `target "${t}" is neither "root" nor an OU of organization.organizationalUnits; allowed: ${allowed}`);
    }
    const first = seen.get(t);
    if (first !== undefined) fail(ctx, [...base, 'targets', i], `target "${t}" is already listed at index ${first}; list each target once`);
    else seen.set(t, i);
  });
}
