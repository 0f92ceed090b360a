import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { completeRegions, fail, strictObject, type ValidAt } from '../zod-helpers';
import { automationRules, controlParameters } from './security-hub-tuning';
import { accessAnalyzerArchiveRules, internalAccessAnalyzer } from './access-analyzer-rules';

/** Regional services whose coverage can be switched off per region. */
export const REGIONAL_SERVICES = ['guardDuty', 'securityHub', 'detective', 'inspector', 'macie', 'accessAnalyzer'] as const;
export type RegionalService = (typeof REGIONAL_SERVICES)[number];

/** Security Hub standards a configuration policy may enable (region-specific ARNs: modules/security-hub.ts standardArn has the evidence). */
export const SECURITY_HUB_STANDARDS = [
  'aws-foundational-security-best-practices/v/1.0.0',
  'cis-aws-foundations-benchmark/v/3.0.0',
  'cis-aws-foundations-benchmark/v/5.0.0',
  'cis-aws-foundations-benchmark/v/1.4.0',
  'nist-800-53/v/5.0.0',
  'pci-dss/v/4.0.1',
  'aws-resource-tagging-standard/v/1.0.0',
] as const;

const excludedRegions = z
  .array(z.string())
  .default([])
  .describe('Governed regions where this service is not enabled (e.g. a region it does not support).');

const enabled = (what: string) => z.boolean().default(true).describe(`Enable ${what} organization-wide.`);

const s3Url = z
  .string()
  .regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+|https:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com\/.+)$/, {
    // Bucket part: S3 general purpose bucket naming rules (3-63 characters, lowercase letters, digits, dots and
    // hyphens, starting and ending with a letter or digit): https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    error: (i) => `must be an S3 object URL (s3://bucket/key or https://bucket.s3.amazonaws.com/key; the bucket name is 3-63 lowercase letters, digits, dots and hyphens), got "${String(i.input)}"`,
  });

const guardDutyList = strictObject({
  // CreateIPSet / CreateThreatIntelSet, Name: "alphanumeric, whitespace, dash (-), and underscores (_)", 1-300
  // (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateIPSet.html); a dot fails at apply.
  name: z.string().regex(/^[A-Za-z0-9 _-]{1,300}$/, {
    error: (i) => `list name may hold letters, digits, spaces, - and _ (1-300 characters; no dots), got "${String(i.input)}"`,
  }),
  location: s3Url.describe('S3 URL of the list, readable by the security account.'),
  format: z.enum(['TXT', 'STIX', 'OTX_CSV', 'ALIEN_VAULT', 'PROOF_POINT', 'FIRE_EYE']).default('TXT'),
});

const runtimeMonitoring = strictObject({
  enabled: z.boolean().default(true),
  eksAddonManagement: z.boolean().default(true).describe('GuardDuty manages the EKS security agent add-on.'),
  ecsFargateAgentManagement: z.boolean().default(true).describe('GuardDuty manages the ECS Fargate agent.'),
  ec2AgentManagement: z.boolean().default(true).describe('GuardDuty manages the EC2 agent (SSM).'),
});

const eksRuntimeMonitoring = strictObject({
  enabled: z.boolean().default(false).describe('Legacy EKS-only runtime monitoring; mutually exclusive with runtimeMonitoring.'),
  eksAddonManagement: z.boolean().default(true),
});

const guardDuty = strictObject({
  enabled: enabled('GuardDuty'),
  excludedRegions,
  findingPublishingFrequency: z.enum(['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS']).default('FIFTEEN_MINUTES'),
  protection: strictObject({
    s3DataEvents: z.boolean().default(true),
    eksAuditLogs: z.boolean().default(true),
    ebsMalwareProtection: z.boolean().default(true),
    rdsLoginEvents: z.boolean().default(true),
    lambdaNetworkLogs: z.boolean().default(true),
    runtimeMonitoring: runtimeMonitoring.prefault({}),
    eksRuntimeMonitoring: eksRuntimeMonitoring.prefault({}),
  }).prefault({}).describe('Protection plans, enabled on the admin detector and auto-enabled for every account.'),
  trustedIpLists: z.array(guardDutyList).default([]).describe('Trusted IP lists (no findings for these addresses); at most one active list per region.'),
  threatIntelLists: z.array(guardDutyList).default([]).describe('Threat intelligence lists (findings for these addresses).'),
});

const securityHub = strictObject({
  enabled: enabled('Security Hub (central configuration)'),
  excludedRegions: excludedRegions.describe('Governed regions not linked to the home region (the home region cannot be excluded).'),
  standards: z
    .array(z.enum(SECURITY_HUB_STANDARDS))
    .default(['aws-foundational-security-best-practices/v/1.0.0', 'cis-aws-foundations-benchmark/v/3.0.0'])
    .describe('Standards enabled by the organization configuration policy.'),
  disabledControls: z
    .array(z.string().regex(/^[A-Za-z0-9]+\.\d+$/, { error: (i) => `not a security control id like "IAM.6": "${String(i.input)}"` }))
    .default([])
    .describe('Security control ids disabled in every account (e.g. IAM.6 hardware MFA for root).'),
  alignPasswordPolicyControl: z
    .boolean()
    .default(true)
    .describe('IAM.7 control parameters follow baseline.passwordPolicy, so the control checks what the baseline sets.'),
  controlParameters,
  automationRules,
});

const detective = strictObject({
  enabled: enabled('Detective'),
  excludedRegions,
  graphArns: z
    .record(z.string(), z.string())
    .default({})
    .describe('Optional override of the behavior graph ARN per region. Without it, member stacks read the graph ARN from the SSM parameter /org-guard/detective/graph-arn that the security stack writes in each region of the security account.'),
});

const inspector = strictObject({
  enabled: enabled('Inspector'),
  excludedRegions,
  scanTypes: strictObject({
    ec2: z.boolean().default(true),
    ecr: z.boolean().default(true),
    lambda: z.boolean().default(true),
    lambdaCode: z.boolean().default(true).describe('Lambda code scanning; needs lambda.'),
  }).prefault({}),
  codeSecurity: strictObject({
    autoEnable: z
      .boolean()
      .default(false)
      .describe('Organization auto-enable of Inspector code security (code_repository; charged). Scans nothing until a GitHub/GitLab integration is created outside Terraform.'),
  }).prefault({}),
});

const macie = strictObject({
  enabled: enabled('Macie'),
  excludedRegions,
  findingPublishingFrequency: z.enum(['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS']).default('FIFTEEN_MINUTES'),
});

const accessAnalyzer = strictObject({
  enabled: enabled('the IAM Access Analyzer organization analyzer'),
  excludedRegions,
  unusedAccess: strictObject({
    enabled: z.boolean().default(false).describe('Organization unused-access analyzer in the home region (charged per IAM role/user).'),
    unusedAccessAgeDays: z.number().int().min(1).max(365).default(90),
  }).prefault({}),
  internalAccess: internalAccessAnalyzer,
  archiveRules: accessAnalyzerArchiveRules,
});

const configAggregator = strictObject({
  enabled: z.boolean().default(true).describe('AWS Config organization aggregator (all regions) in the security account.'),
});

const memberEnrolment = strictObject({
  enabled: z.boolean().default(true).describe('Enrol existing accounts (Inspector, Macie, Detective) from their own stacks.'),
  skipAccounts: z
    .array(z.string())
    .default([])
    .describe('Stack names (management, log-archive or a member name) already enrolled, e.g. accounts created after organization auto-enable.'),
});

export const servicesSchema = strictObject({
  guardDuty: guardDuty.prefault({}),
  securityHub: securityHub.prefault({}),
  detective: detective.prefault({}),
  inspector: inspector.prefault({}),
  macie: macie.prefault({}),
  accessAnalyzer: accessAnalyzer.prefault({}),
  configAggregator: configAggregator.prefault({}),
  memberEnrolment: memberEnrolment.prefault({}),
}).prefault({});

export type ServicesConfig = z.infer<typeof servicesSchema>;

/** Governed regions where a regional service runs (governed minus its exclusions, in config order). */
export function serviceRegions(cfg: OrgConfig, service: RegionalService): string[] {
  const s = cfg.services[service];
  if (!s.enabled) return [];
  const excluded = new Set(s.excludedRegions);
  return cfg.organization.regions.filter((r) => !excluded.has(r));
}

const GRAPH_ARN = /^arn:aws[a-z-]*:detective:([a-z0-9-]+):(\d{12}):graph:[0-9a-f]+$/;

export function checkServices(cfg: OrgConfig, ctx: z.RefinementCtx, valid: ValidAt): void {
  const s = cfg.services;
  // Not compared with a governed list that is itself malformed (its own problem is reported).
  const governed = completeRegions(cfg.organization.regions, valid, 'organization', 'regions');
  const base = ['services'];

  for (const name of REGIONAL_SERVICES) {
    s[name].excludedRegions.forEach((r, i) => {
      if (governed && valid(...base, name, 'excludedRegions', i) && !governed.includes(r)) {
        fail(ctx, [...base, name, 'excludedRegions', i], `region "${r}" is not a governed region; allowed: ${governed.join(', ')}`);
      }
    });
  }
  if (valid('organization', 'homeRegion') && s.securityHub.excludedRegions.includes(cfg.organization.homeRegion)) {
    fail(ctx, [...base, 'securityHub', 'excludedRegions', s.securityHub.excludedRegions.indexOf(cfg.organization.homeRegion)],
      `the home region "${cfg.organization.homeRegion}" holds the Security Hub finding aggregator and central configuration; it cannot be excluded`);
  }

  const p = s.guardDuty.protection;
  if (p.runtimeMonitoring.enabled && p.eksRuntimeMonitoring.enabled) {
    fail(ctx, [...base, 'guardDuty', 'protection', 'eksRuntimeMonitoring', 'enabled'],
      'runtimeMonitoring and eksRuntimeMonitoring are mutually exclusive (GuardDuty rejects both); keep runtimeMonitoring (it covers EKS) or disable it');
  }
  if (s.guardDuty.trustedIpLists.length > 1) {
    fail(ctx, [...base, 'guardDuty', 'trustedIpLists'], `GuardDuty allows one active trusted IP list per region; ${s.guardDuty.trustedIpLists.length} given, merge them into one`);
  }
  if (s.guardDuty.threatIntelLists.length > 6) {
    fail(ctx, [...base, 'guardDuty', 'threatIntelLists'], `GuardDuty allows at most 6 active threat intel lists per region; ${s.guardDuty.threatIntelLists.length} given`);
  }
  for (const list of ['trustedIpLists', 'threatIntelLists'] as const) {
    const seen = new Set<string>();
    s.guardDuty[list].forEach((l, i) => {
      if (seen.has(l.name)) fail(ctx, [...base, 'guardDuty', list, i, 'name'], `list name "${l.name}" is used twice; names must be unique`);
      seen.add(l.name);
    });
  }

  const scans = s.inspector.scanTypes;
  if (scans.lambdaCode && !scans.lambda) {
    fail(ctx, [...base, 'inspector', 'scanTypes', 'lambdaCode'], 'Lambda code scanning needs Lambda standard scanning: set scanTypes.lambda to true or lambdaCode to false');
  }
  if (s.inspector.enabled && !scans.ec2 && !scans.ecr && !scans.lambda) {
    fail(ctx, [...base, 'inspector', 'scanTypes'], 'no scan type enabled; enable at least one of ec2, ecr, lambda or set inspector.enabled to false');
  }

  if (s.securityHub.enabled && s.securityHub.standards.length === 0) {
    fail(ctx, [...base, 'securityHub', 'standards'], `a Security Hub policy with the service enabled needs at least one standard; allowed: ${SECURITY_HUB_STANDARDS.join(', ')}`);
  }
  const controls = new Set<string>();
  s.securityHub.disabledControls.forEach((c, i) => {
    if (controls.has(c)) fail(ctx, [...base, 'securityHub', 'disabledControls', i], `control "${c}" is listed twice`);
    controls.add(c);
  });

  for (const [region, arn] of Object.entries(s.detective.graphArns)) {
    const m = GRAPH_ARN.exec(arn);
    if (governed && !governed.includes(region)) {
      fail(ctx, [...base, 'detective', 'graphArns', region], `"${region}" is not a governed region; allowed: ${governed.join(', ')}`);
    } else if (!m) {
      fail(ctx, [...base, 'detective', 'graphArns', region], `not a Detective graph ARN (arn:aws:detective:<region>:<security account>:graph:<hex id>): "${arn}"`);
    } else if (m[1] !== region || m[2] !== cfg.accounts.security.id) {
      fail(ctx, [...base, 'detective', 'graphArns', region],
        `the graph must be in ${region} and owned by the security account ${cfg.accounts.security.id}; got region ${m[1]}, account ${m[2]}`);
    }
  }

  const stackNames = new Set(['management', 'log-archive', 'security', ...cfg.accounts.members.map((m) => m.name)]);
  s.memberEnrolment.skipAccounts.forEach((n, i) => {
    if (!stackNames.has(n)) {
      fail(ctx, [...base, 'memberEnrolment', 'skipAccounts', i], `"${n}" is not an account stack; allowed: ${[...stackNames].join(', ')}`);
    }
  });
}

/** An account that enrols itself with the security services from its own stack. */
export interface EnrollingAccount {
  stack: string;
  path: string;
  id: string;
  email?: string;
}

/** Every account but the security admin itself: core accounts and members (existing accounts all need enrolment). */
export function enrollingAccounts(cfg: OrgConfig): EnrollingAccount[] {
  const { management, logArchive, members } = cfg.accounts;
  return [
    { stack: 'management', path: 'accounts.management', id: management.id, email: management.email },
    { stack: 'log-archive', path: 'accounts.logArchive', id: logArchive.id, email: logArchive.email },
    ...members.map((m, i) => ({ stack: m.name, path: `accounts.members[${i}]`, id: m.id, email: m.email })),
  ];
}

/** Whether a stack's account enrols itself (Inspector/Macie/Detective memberships). */
export function enrolsFromOwnStack(cfg: OrgConfig, stack: string): boolean {
  return cfg.services.memberEnrolment.enabled && stack !== 'security' && !cfg.services.memberEnrolment.skipAccounts.includes(stack);
}

/** Problems that do not stop synth but lose coverage; printed by main.ts. */
export function servicesWarnings(cfg: OrgConfig): string[] {
  const warnings: string[] = [];
  const needsEmail = [
    serviceRegions(cfg, 'detective').length > 0 ? 'Detective' : undefined,
    serviceRegions(cfg, 'macie').length > 0 ? 'Macie' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (needsEmail.length > 0) {
    for (const a of enrollingAccounts(cfg)) {
      if (a.email || !enrolsFromOwnStack(cfg, a.stack)) continue;
      warnings.push(
        `${a.path} (${a.stack}, ${a.id}) has no email: ${needsEmail.join(' and ')} cannot enrol this existing account ` +
          `(organization auto-enable covers only accounts created later); add the account's root email as ${a.path}.email`,
      );
    }
  }
  return warnings;
}
