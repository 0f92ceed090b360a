import { z } from 'zod';
import type { OrgConfig } from '../schema';
import { fail, strictObject } from '../zod-helpers';

// Security Hub tuning from the config: control parameters in the central configuration policy and
// automation rules in the delegated admin. Parameter value types are the provider's
// (internal/service/securityhub/configuration_policy.go: bool, double, enum, enum_list, int,
// int_list, string, string_list); automation rule fields follow
// internal/service/securityhub/automation_rule.go and the AWS API (AutomationRulesFindingFilters).

export const SECURITY_CONTROL_ID = /^[A-Za-z0-9]+\.\d+$/;
const INT32_MAX = 2 ** 31 - 1;

const controlId = z.string().regex(SECURITY_CONTROL_ID, { error: (i) => `not a security control id like "IAM.7": "${String(i.input)}"` });

const nonEmptyList = <T extends z.ZodType>(item: T) => z.array(item).min(1, { error: 'a list value needs at least one item' });
const int32 = z.number().int({ error: 'must be a whole number' }).max(INT32_MAX, { error: `at most ${INT32_MAX} (int32)` });

/** One parameter value: exactly one typed key, as the provider's `parameter` block. */
export const parameterValue = strictObject({
  bool: z.boolean().optional(),
  double: z.number().optional(),
  enum: z.string().min(1).optional(),
  enumList: nonEmptyList(z.string().min(1)).optional(),
  int: int32.optional(),
  intList: nonEmptyList(int32).optional(),
  string: z.string().optional(),
  stringList: nonEmptyList(z.string()).optional(),
}).superRefine((v, ctx) => {
  const keys = Object.keys(v).filter((k) => v[k as keyof typeof v] !== undefined);
  if (keys.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `give exactly one typed value (bool, double, enum, enumList, int, intList, string or stringList), got ${keys.length === 0 ? 'none' : keys.join(', ')}`,
    });
  }
});

export type ParameterValue = z.infer<typeof parameterValue>;

/** A record whose bad keys report the key schema's own message (zod's default is "Invalid key in record"). */
function keyedRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z.record(key, value, {
    error: (i) => (i.code === 'invalid_key' ? (i as { issues?: { message?: string }[] }).issues?.[0]?.message : undefined),
  });
}

export const controlParameters = keyedRecord(controlId, keyedRecord(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: (i) => `not a parameter name: "${String(i.input)}"` }), parameterValue))
  .default({})
  .describe('Custom control parameters of the configuration policy: { <control id>: { <parameter>: { int: 365 } } } (names and types from the control\'s page in the Security Hub controls reference).');

const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const WORKFLOW_STATUSES = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'] as const;
/** AWS: at most 20 values per filter (100 for account id, generator id, resource id and title). */
const MAX_FILTER_VALUES = 20;
export const MAX_RULE_ACCOUNTS = 100;

const criterionList = (what: string, item: z.ZodType<string> = z.string().min(1)) =>
  z.array(item).max(MAX_FILTER_VALUES, { error: `at most ${MAX_FILTER_VALUES} ${what} per rule (AWS limit)` }).default([]);

export const automationRule = strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/, { error: (i) => `rule name may hold letters, digits, _ . - (1-256, starting with a letter or digit), got "${String(i.input)}"` })
    .describe('Rule name (unique); renaming a rule replaces it.'),
  description: z.string().min(1).max(1024).optional().describe('Default: "org-guard: <name>".'),
  order: z.number().int().min(1).max(1000).optional().describe('Rule order 1-1000 (lower runs first). Default: position in the list.'),
  terminal: z.boolean().default(false).describe('Stop evaluating later rules for a matched finding.'),
  enabled: z.boolean().default(true),
  match: strictObject({
    controls: criterionList('control ids', controlId).describe('Security control ids (e.g. IAM.6).'),
    accounts: z.array(z.string()).default([]).describe('Account names (management, security, log-archive, a member) or ids.'),
    ous: z.array(z.string()).default([]).describe('Names from organization.organizationalUnits: the member accounts placed there (resolved at synth).'),
    severities: criterionList('severities', z.enum(SEVERITY_LABELS)),
    productNames: criterionList('product names').describe('e.g. "Security Hub", "GuardDuty", "Inspector".'),
    resourceTypes: criterionList('resource types').describe('ASFF resource types, e.g. AwsS3Bucket.'),
    workflowStatuses: criterionList('workflow statuses', z.enum(WORKFLOW_STATUSES)),
  }).describe('Criteria: values of one field are OR-ed, fields are AND-ed.'),
  actions: strictObject({
    workflowStatus: z.enum(WORKFLOW_STATUSES).optional().describe('SUPPRESSED hides known, accepted findings.'),
    severity: z.enum(SEVERITY_LABELS).optional().describe('New severity label.'),
    note: z.string().min(1).max(512).optional().describe('Note added to the finding (updated by "org-guard").'),
  }),
});

export type AutomationRuleConfig = z.infer<typeof automationRule>;

export const automationRules = z
  .array(automationRule)
  .max(100, { error: 'Security Hub allows at most 100 automation rules per administrator account and region' })
  .default([])
  .describe('Automation rules created by the delegated admin in the home region (they apply to findings aggregated from linked regions).');

// ---------------------------------------------------------------- derived values

/** Account names a rule may use, with their ids. */
function accountNames(cfg: OrgConfig): Map<string, string> {
  const { management, security, logArchive, members } = cfg.accounts;
  return new Map([
    ['management', management.id],
    ['security', security.id],
    ['log-archive', logArchive.id],
    ...members.map((m) => [m.name, m.id] as [string, string]),
  ]);
}

/** The account ids a rule matches (accounts and OU members), in config order, without repeats; empty = no account filter. */
export function ruleAccountIds(cfg: OrgConfig, rule: AutomationRuleConfig): string[] {
  const names = accountNames(cfg);
  const ids = rule.match.accounts.map((a) => names.get(a) ?? a);
  for (const ou of rule.match.ous) ids.push(...cfg.accounts.members.filter((m) => m.ou === ou).map((m) => m.id));
  return [...new Set(ids)];
}

/**
 * IAM.7 ("Password policies for IAM users should have strong configurations") parameters that
 * match the baseline password policy, so the control checks what the baseline sets. IAM.7 is the AWS
 * Config rule iam-password-policy, whose parameters are these names and types
 * (https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html); the provider's
 * example and acceptance test set IAM.7's RequireUppercaseCharacters/RequireLowercaseCharacters (bool) and
 * MaxPasswordAge (int) (internal/service/securityhub/configuration_policy_test.go,
 * website/docs/r/securityhub_configuration_policy.html.markdown). IAM.7 takes MaxPasswordAge of at most 90
 * days (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-7): a longer baseline
 * expiry is not sent (the control then does not check expiry) and synth warns. Not verified against a stored
 * copy of that page: the lower bounds of MaxPasswordAge, MinimumPasswordLength and PasswordReusePrevention;
 * the baseline's own bounds (length 14-128, reuse 24) are the CIS values.
 */
export const IAM7_MAX_PASSWORD_AGE = 90;

export function iam7Parameters(cfg: OrgConfig): Record<string, ParameterValue> {
  const pw = cfg.baseline.passwordPolicy;
  const params: Record<string, ParameterValue> = {
    RequireUppercaseCharacters: { bool: true },
    RequireLowercaseCharacters: { bool: true },
    RequireSymbols: { bool: true },
    RequireNumbers: { bool: true },
    MinimumPasswordLength: { int: pw.minimumLength },
    PasswordReusePrevention: { int: pw.reusePrevention },
  };
  if (pw.maxAgeDays !== undefined && pw.maxAgeDays <= IAM7_MAX_PASSWORD_AGE) params.MaxPasswordAge = { int: pw.maxAgeDays };
  return params;
}

/** Every control parameter of the configuration policy: IAM.7 from the baseline (when aligned) plus the config's own. */
export function securityHubControlParameters(cfg: OrgConfig): Record<string, Record<string, ParameterValue>> {
  const sh = cfg.services.securityHub;
  // A disabled IAM.7 gets no parameters (they would have no effect).
  const aligned = sh.alignPasswordPolicyControl && !sh.disabledControls.includes('IAM.7');
  return {
    ...(aligned ? { 'IAM.7': iam7Parameters(cfg) } : {}),
    ...sh.controlParameters,
  };
}

// ---------------------------------------------------------------- validation

export function checkSecurityHubTuning(cfg: OrgConfig, ctx: z.RefinementCtx): void {
  const sh = cfg.services.securityHub;
  const base = ['services', 'securityHub'];
  const disabled = new Set(sh.disabledControls);

  for (const [control, params] of Object.entries(sh.controlParameters)) {
    if (control === 'IAM.7' && sh.alignPasswordPolicyControl) {
      fail(ctx, [...base, 'controlParameters', control],
        'IAM.7 parameters come from baseline.passwordPolicy while services.securityHub.alignPasswordPolicyControl is true; set it to false to write IAM.7 parameters yourself');
    }
    if (disabled.has(control)) {
      fail(ctx, [...base, 'controlParameters', control], `control "${control}" is in disabledControls; its parameters would have no effect: remove one of the two`);
    }
    if (Object.keys(params).length === 0) {
      fail(ctx, [...base, 'controlParameters', control], 'no parameters given; remove the control or name at least one parameter');
    }
  }

  const names = accountNames(cfg);
  const ids = new Set(names.values());
  const ouNames = new Set(cfg.organization.organizationalUnits.map((u) => u.name));
  const seenNames = new Map<string, number>();
  const seenOrders = new Map<number, number>();
  sh.automationRules.forEach((rule, i) => {
    const at = [...base, 'automationRules', i];
    const first = seenNames.get(rule.name);
    if (first !== undefined) fail(ctx, [...at, 'name'], `rule name "${rule.name}" is already used by automationRules[${first}]; names must be unique`);
    else seenNames.set(rule.name, i);
    const order = rule.order ?? i + 1;
    const sameOrder = seenOrders.get(order);
    if (sameOrder !== undefined) fail(ctx, [...at, 'order'], `rule order ${order} is already used by automationRules[${sameOrder}]; give each rule its own order`);
    else seenOrders.set(order, i);

    rule.match.accounts.forEach((a, j) => {
      if (!names.has(a) && !ids.has(a)) {
        fail(ctx, [...at, 'match', 'accounts', j], `"${a}" is not an account of this config; allowed: ${[...names.keys()].join(', ')} or their ids`);
      }
    });
    rule.match.ous.forEach((ou, j) => {
      if (!ouNames.has(ou)) {
        fail(ctx, [...at, 'match', 'ous', j], `OU "${ou}" is not defined; allowed: ${[...ouNames].join(', ') || '(none: add it to organization.organizationalUnits)'}`);
      } else if (!cfg.accounts.members.some((m) => m.ou === ou) && rule.match.accounts.length === 0) {
        // Without any account the rule would have no account filter and match every account.
        fail(ctx, [...at, 'match', 'ous', j], `no member account is placed in OU "${ou}" (accounts.members[].ou), so the rule would match findings of every account; add the accounts or remove the rule`);
      }
    });
    const accountIds = ruleAccountIds(cfg, rule);
    if (accountIds.length > MAX_RULE_ACCOUNTS) {
      fail(ctx, [...at, 'match'], `the rule matches ${accountIds.length} accounts; Security Hub allows at most ${MAX_RULE_ACCOUNTS} account ids per rule: split it`);
    }
    const m = rule.match;
    const criteria = m.controls.length + m.accounts.length + m.ous.length + m.severities.length + m.productNames.length + m.resourceTypes.length + m.workflowStatuses.length;
    if (criteria === 0) {
      fail(ctx, [...at, 'match'], 'a rule without criteria changes every finding of every account; name controls, accounts, ous, severities, productNames, resourceTypes or workflowStatuses');
    }
    const a = rule.actions;
    if (a.workflowStatus === undefined && a.severity === undefined && a.note === undefined) {
      fail(ctx, [...at, 'actions'], 'no action: set workflowStatus, severity or note');
    }
  });
}

/** Problems that do not stop synth; printed with the other config warnings. */
export function securityHubTuningWarnings(cfg: OrgConfig): string[] {
  const sh = cfg.services.securityHub;
  const age = cfg.baseline.passwordPolicy.maxAgeDays;
  if (sh.enabled && sh.alignPasswordPolicyControl && age !== undefined && age > IAM7_MAX_PASSWORD_AGE) {
    return [
      `baseline.passwordPolicy.maxAgeDays is ${age}: Security Hub IAM.7 accepts MaxPasswordAge up to ${IAM7_MAX_PASSWORD_AGE} days, ` +
        'so IAM.7 does not check password expiry (every other IAM.7 parameter follows the baseline)',
    ];
  }
  return [];
}
