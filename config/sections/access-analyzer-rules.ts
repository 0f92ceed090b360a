import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { ACCOUNT_ID_PATTERN, fail, strictObject } from '../zod-helpers';

// IAM Access Analyzer additions: the organization internal-access analyzer and archive rules.
// Schema: terraform-provider-aws internal/service/accessanalyzer/analyzer.go (configuration.internal_access.
// analysis_rule.inclusion {account_ids, resource_arns, resource_types}, ForceNew) and archive_rule.go
// (filter set of {criteria, eq, neq, contains, exists}, one entry per criteria key).

/** Resource types internal access analysis supports (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html). */
export const INTERNAL_ACCESS_RESOURCE_TYPES = [
  'AWS::S3::Bucket',
  'AWS::S3Express::DirectoryBucket',
  'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBClusterSnapshot',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::Stream',
] as const;

/** resourceType values of the filter keys page (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html). */
export const ANALYZER_RESOURCE_TYPES = [
  'AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::Lambda::LayerVersion', 'AWS::KMS::Key',
  'AWS::SecretsManager::Secret', 'AWS::EFS::FileSystem', 'AWS::EC2::Snapshot', 'AWS::ECR::Repository', 'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBClusterSnapshot', 'AWS::SNS::Topic', 'AWS::S3Express::DirectoryBucket', 'AWS::DynamoDB::Table',
  'AWS::DynamoDB::Stream', 'AWS::IAM::User',
] as const;

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

const inclusion = strictObject({
  accounts: z.array(z.string()).default([]).describe('Account names (management, security, log-archive, a member) or ids whose resources are analyzed.'),
  resourceTypes: z.array(z.enum(INTERNAL_ACCESS_RESOURCE_TYPES)).default([]),
  resourceArns: z.array(z.string().regex(ARN, { error: (i) => `not an ARN: "${String(i.input)}"` })).default([]),
});

export const internalAccessAnalyzer = strictObject({
  enabled: z.boolean().default(false).describe('Organization internal-access analyzer (charged per monitored resource and month).'),
  region: z.string().optional().describe('Region of the analyzer; it monitors the resources of that Region only. Default: the home region.'),
  include: z.array(inclusion).default([]).describe('Resources to analyze (analysis rule inclusions); at least one. Every resource in scope is charged.'),
}).prefault({});

const values = z.array(z.string().min(1)).min(1).max(20, { error: 'at most 20 values per criterion (AWS limit)' });

const criterion = strictObject({
  eq: values.optional(),
  neq: values.optional(),
  contains: values.optional(),
  exists: z.boolean().optional(),
}).superRefine((c, ctx) => {
  if (c.eq === undefined && c.neq === undefined && c.contains === undefined && c.exists === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a criterion needs eq, neq, contains or exists' });
  }
});

export const ARCHIVE_RULE_ANALYZERS = ['external', 'unusedAccess', 'internalAccess'] as const;
export type ArchiveRuleAnalyzer = (typeof ARCHIVE_RULE_ANALYZERS)[number];

export const archiveRule = strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/, {
    error: (i) => `rule name must start with a letter and hold letters, digits, _ . - (at most 255), got "${String(i.input)}"`,
  }),
  analyzer: z.enum(ARCHIVE_RULE_ANALYZERS).default('external').describe('external (every analyzer region), unusedAccess or internalAccess.'),
  reason: z.string().optional().describe('Why the finding is known and accepted (kept in the config only).'),
  filter: z.record(z.string(), criterion).describe('{ <filter key>: { eq | neq | contains: [...], exists: bool } }'),
});

export type ArchiveRuleConfig = z.infer<typeof archiveRule>;

export const accessAnalyzerArchiveRules = z
  .array(archiveRule)
  .default([])
  .describe('Archive rules for known, reviewed findings: new matching findings are archived (existing ones: aws accessanalyzer apply-archive-rule).');

// Filter keys per analyzer type, from the AWS filter keys page; `status` is list-only (no archive rules).
const COMMON_KEYS = ['resource', 'resourceType', 'resourceOwnerAccount', 'error'];
const KEYS: Record<ArchiveRuleAnalyzer, string[]> = {
  external: [...COMMON_KEYS, 'isPublic', 'resourceControlPolicyRestriction', 'principal.AWS', 'principal.Federated', 'condition.<key>'],
  unusedAccess: [...COMMON_KEYS, 'findingType'],
  internalAccess: [...COMMON_KEYS],
};
const ENUM_VALUES: Record<string, readonly string[]> = {
  resourceType: ANALYZER_RESOURCE_TYPES,
  isPublic: ['true', 'false'],
  findingType: ['UnusedIAMRole', 'UnusedIAMUserAccessKey', 'UnusedIAMUserPassword', 'UnusedPermission'],
  resourceControlPolicyRestriction: ['APPLICABLE', 'FAILED_TO_EVALUATE_RCP', 'NOT_APPLICABLE'],
};

function keyAllowed(analyzer: ArchiveRuleAnalyzer, key: string): boolean {
  if (analyzer === 'external' && /^condition\.[A-Za-z0-9]+:[A-Za-z0-9]+$/.test(key)) return true;
  return KEYS[analyzer].includes(key);
}

function accountNames(cfg: OrgConfig): Map<string, string> {
  const { management, security, logArchive, members } = cfg.accounts;
  return new Map([
    ['management', management.id], ['security', security.id], ['log-archive', logArchive.id],
    ...members.map((m) => [m.name, m.id] as [string, string]),
  ]);
}

/** An account name or id as an id (names resolve through the config). */
export function accountIdOf(cfg: OrgConfig, nameOrId: string): string {
  return accountNames(cfg).get(nameOrId) ?? nameOrId;
}

/** The region of the internal-access analyzer. */
export function internalAccessRegion(cfg: OrgConfig): string {
  return cfg.services.accessAnalyzer.internalAccess.region ?? cfg.organization.homeRegion;
}

/** An archive rule's filter with account names in resourceOwnerAccount resolved to ids. */
export function resolvedFilter(cfg: OrgConfig, rule: ArchiveRuleConfig): ArchiveRuleConfig['filter'] {
  const owner = rule.filter.resourceOwnerAccount;
  if (!owner) return rule.filter;
  const map = (v?: string[]) => v?.map((x) => accountIdOf(cfg, x));
  return { ...rule.filter, resourceOwnerAccount: { ...owner, eq: map(owner.eq), neq: map(owner.neq), contains: map(owner.contains) } };
}

export function checkAccessAnalyzerRules(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const aa = cfg.services.accessAnalyzer;
  const base = ['services', 'accessAnalyzer'];
  const names = accountNames(cfg);
  const knownIds = new Set(names.values());
  const governed = cfg.organization.regions;
  const accountProblem = (a: string) =>
    names.has(a) || knownIds.has(a) ? undefined : `"${a}" is not an account of this config; allowed: ${[...names.keys()].join(', ')} or their ids`;

  const ia = aa.internalAccess;
  if (ia.enabled) {
    if (!aa.enabled) {
      fail(ctx, [...base, 'internalAccess', 'enabled'], 'the internal-access analyzer needs services.accessAnalyzer.enabled (the Access Analyzer delegated administrator)');
    }
    if (ia.region !== undefined && !governed.includes(ia.region)) {
      fail(ctx, [...base, 'internalAccess', 'region'], `region "${ia.region}" is not a governed region; allowed: ${governed.join(', ')}`);
    }
    if (ia.include.length === 0) {
      fail(ctx, [...base, 'internalAccess', 'include'],
        'name the resources to analyze (accounts, resourceTypes or resourceArns): internal access analysis is charged per monitored resource');
    }
  }
  ia.include.forEach((inc, i) => {
    const at = [...base, 'internalAccess', 'include', i];
    if (inc.accounts.length + inc.resourceTypes.length + inc.resourceArns.length === 0) {
      fail(ctx, at, 'an inclusion needs accounts, resourceTypes or resourceArns');
    }
    inc.accounts.forEach((a, j) => {
      const p = accountProblem(a);
      if (p) fail(ctx, [...at, 'accounts', j], p);
    });
  });

  const analyzers: Record<ArchiveRuleAnalyzer, string | undefined> = {
    external: aa.enabled ? undefined : 'services.accessAnalyzer.enabled is false, so there is no external-access analyzer',
    unusedAccess: aa.enabled && aa.unusedAccess.enabled ? undefined : 'the unused-access analyzer is off (services.accessAnalyzer.unusedAccess.enabled)',
    internalAccess: aa.enabled && ia.enabled ? undefined : 'the internal-access analyzer is off (services.accessAnalyzer.internalAccess.enabled)',
  };
  const seen = new Map<string, number>();
  aa.archiveRules.forEach((rule, i) => {
    const at = [...base, 'archiveRules', i];
    const missingAnalyzer = analyzers[rule.analyzer];
    if (missingAnalyzer) fail(ctx, [...at, 'analyzer'], `archive rule for the ${rule.analyzer} analyzer, but ${missingAnalyzer}`);
    const k = `${rule.analyzer}/${rule.name}`;
    const first = seen.get(k);
    if (first !== undefined) fail(ctx, [...at, 'name'], `rule name "${rule.name}" is already used by archiveRules[${first}] on the same analyzer`);
    else seen.set(k, i);

    const keys = Object.keys(rule.filter);
    if (keys.length === 0) fail(ctx, [...at, 'filter'], 'an empty filter would archive every finding of the analyzer; name at least one filter key');
    for (const key of keys) {
      if (key === 'status') {
        fail(ctx, [...at, 'filter', key], 'status cannot be used in archive rules (AWS: list findings only)');
        continue;
      }
      if (!keyAllowed(rule.analyzer, key)) {
        fail(ctx, [...at, 'filter', key], `"${key}" is not a filter key of ${rule.analyzer} findings; allowed: ${KEYS[rule.analyzer].join(', ')}`);
        continue;
      }
      const c = rule.filter[key];
      const allowed = ENUM_VALUES[key];
      for (const op of ['eq', 'neq', 'contains'] as const) {
        (c[op] ?? []).forEach((v, j) => {
          if (allowed && op !== 'contains' && !allowed.includes(v)) {
            fail(ctx, [...at, 'filter', key, op, j], `"${v}" is not a ${key} value; allowed: ${allowed.join(', ')}`);
          }
          if (key === 'resourceOwnerAccount' && op !== 'contains' && !ACCOUNT_ID_PATTERN.test(v)) {
            const p = accountProblem(v);
            if (p) fail(ctx, [...at, 'filter', key, op, j], p);
          }
        });
      }
    }
  });
}
