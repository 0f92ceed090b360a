import type { OrgConfig } from '../../config/schema';
import {
  block,
  covered,
  isLiteral,
  list,
  missing,
  partial,
  type Account,
  type Cell,
  type CoverageContext,
  type SynthResource,
} from './model';
import { fmsRequiredResourceTypes, GLOBAL_IAM_RESOURCE_TYPES } from '../../config/sections/config-recording';

/**
 * The coverage report's rules: one entry per control, saying how to recognize, in the synthesized
 * Terraform JSON, that an account is covered in a region. Add a control by adding an entry here.
 *
 * `prepare` runs once per report and returns the per-cell function, so indexes are built once and
 * a cell is a lookup (1,000 accounts x 17 regions x every control stays fast).
 */
export interface Control {
  id: string;
  group: string;
  label: string;
  prepare(ctx: CoverageContext): (account: Account, region: string) => Cell;
  /** false: org-guard has no way to deploy this control; its cells read "not provided", not as gaps. */
  provided?: false;
  /**
   * The config key that would switch the control on where the config switched it off (or excluded the
   * region); undefined when it is on. A cell left uncovered then says which key to change.
   */
  switchedOnBy?(config: OrgConfig, region: string): string | undefined;
}

/** `services.<name>.enabled` / `excludedRegions` of a regional service. */
function serviceSwitch(name: 'guardDuty' | 'securityHub' | 'detective' | 'inspector' | 'macie' | 'accessAnalyzer', extra?: (c: OrgConfig) => string | undefined) {
  return (config: OrgConfig, region: string): string | undefined => {
    const s = config.services[name];
    if (!s.enabled) return `services.${name}.enabled: true`;
    if (s.excludedRegions.includes(region)) return `remove ${region} from services.${name}.excludedRegions`;
    return extra?.(config);
  };
}

const key = (account: string, region: string) => `${account}/${region}`;

/** Account ids (literal) a resource argument names. */
const ids = (v: unknown): string[] => list(v).filter(isLiteral);

/**
 * Organization auto-enable is only half of enrolment for some services: GuardDuty's "ALL" covers
 * existing accounts, but Detective/Inspector/Macie "auto_enable" covers accounts created later.
 */
const NEW_ONLY = 'org auto-enable covers new accounts only; this account is not enrolled';

/** The delegated-admin registration that an organization configuration needs, per region. */
function adminRegions(ctx: CoverageContext, type: string): Set<string> {
  return new Set(ctx.all(type).map((r) => r.region));
}

function withAdmin(cell: Cell, admins: Set<string>, region: string, type: string): Cell {
  if (cell.status === 'missing' || admins.has(region)) return cell;
  return partial(`${cell.how}, but no delegated admin (${type}) in ${region}`);
}

// ---------------------------------------------------------------- GuardDuty

const GUARDDUTY_ADMIN = 'aws_guardduty_organization_admin_account';

function guardDutyBase(ctx: CoverageContext) {
  const admins = adminRegions(ctx, GUARDDUTY_ADMIN);
  const ownDetector = new Set(
    ctx.all('aws_guardduty_detector').filter((d) => d.body.enable !== false).map((d) => key(d.account, d.region)),
  );
  const orgMode = new Map<string, string>();
  for (const c of ctx.all('aws_guardduty_organization_configuration')) {
    orgMode.set(c.region, String(c.body.auto_enable_organization_members ?? 'NONE'));
  }
  const cell = (a: Account, region: string): Cell => {
    if (ownDetector.has(key(a.id, region))) return covered('own detector');
    const mode = orgMode.get(region);
    if (mode === 'ALL') return withAdmin(covered('org auto-enable (ALL accounts)'), admins, region, GUARDDUTY_ADMIN);
    if (mode === 'NEW') return partial(NEW_ONLY);
    return missing();
  };
  return { ownDetector, cell };
}

const GUARDDUTY_PLANS: { feature: string; label: string; legacy?: string; key: string }[] = [
  { feature: 'S3_DATA_EVENTS', label: 'S3 protection', key: 's3DataEvents' },
  { feature: 'EKS_AUDIT_LOGS', label: 'EKS audit logs', key: 'eksAuditLogs' },
  { feature: 'EBS_MALWARE_PROTECTION', label: 'Malware protection (EBS)', key: 'ebsMalwareProtection' },
  { feature: 'RDS_LOGIN_EVENTS', label: 'RDS protection', key: 'rdsLoginEvents' },
  { feature: 'LAMBDA_NETWORK_LOGS', label: 'Lambda protection', key: 'lambdaNetworkLogs' },
  { feature: 'RUNTIME_MONITORING', label: 'Runtime monitoring', legacy: 'EKS_RUNTIME_MONITORING', key: 'runtimeMonitoring' },
];

function guardDutyPlan(plan: (typeof GUARDDUTY_PLANS)[number]): Control {
  return {
    id: `guardduty-${plan.feature.toLowerCase().replace(/_/g, '-')}`,
    group: 'GuardDuty',
    label: plan.label,
    switchedOnBy: serviceSwitch('guardDuty', (c) => {
      const on = c.services.guardDuty.protection[plan.key as keyof OrgConfig['services']['guardDuty']['protection']];
      const enabled = typeof on === 'object' ? on.enabled : on;
      return enabled ? undefined : `services.guardDuty.protection.${plan.key}${typeof on === 'object' ? '.enabled' : ''}: true`;
    }),
    prepare(ctx) {
      const base = guardDutyBase(ctx);
      // The admin's own detector is configured with detector features; organization features apply to members.
      const own = new Map<string, string>();
      for (const f of ctx.all('aws_guardduty_detector_feature')) {
        if (f.body.status === 'ENABLED') own.set(key(f.account, f.region) + f.body.name, f.body.name);
      }
      const org = new Map<string, string>();
      for (const f of ctx.all('aws_guardduty_organization_configuration_feature')) {
        org.set(f.region + f.body.name, String(f.body.auto_enable ?? 'NONE'));
      }
      return (a, region) => {
        const gd = base.cell(a, region);
        if (gd.status === 'missing') return missing('GuardDuty not enabled');
        if (base.ownDetector.has(key(a.id, region))) {
          if (own.has(key(a.id, region) + plan.feature)) return covered('own detector feature');
          if (plan.legacy && own.has(key(a.id, region) + plan.legacy)) return partial(`${plan.legacy} only (legacy, EKS only)`);
          return missing('feature not enabled on the detector');
        }
        const mode = org.get(region + plan.feature);
        if (mode === 'ALL') return gd.status === 'covered' ? covered('org auto-enable (ALL accounts)') : partial(gd.how);
        if (mode === 'NEW') return partial(NEW_ONLY);
        if (plan.legacy && org.get(region + plan.legacy) === 'ALL') return partial(`${plan.legacy} only (legacy, EKS only)`);
        return missing('feature not auto-enabled');
      };
    },
  };
}

// ---------------------------------------------------------------- Security Hub

const SECURITY_HUB_STANDARD_FAMILIES: { id: string; label: string; pattern: string }[] = [
  { id: 'fsbp', label: 'AWS Foundational Security Best Practices', pattern: 'aws-foundational-security-best-practices' },
  { id: 'cis', label: 'CIS AWS Foundations Benchmark', pattern: 'cis-aws-foundations-benchmark' },
  { id: 'nist', label: 'NIST SP 800-53', pattern: 'nist-800-53' },
  { id: 'pci', label: 'PCI DSS', pattern: 'pci-dss' },
  { id: 'tagging', label: 'AWS Resource Tagging Standard', pattern: 'aws-resource-tagging-standard' },
];

/**
 * Under central configuration, the policy associated with an account (directly, through its OU,
 * or through the root) decides Security Hub in every region the finding aggregator links.
 */
function securityHubCentral(ctx: CoverageContext) {
  const central = ctx.all('aws_securityhub_organization_configuration').find(
    (c) => block(c.body.organization_configuration)?.configuration_type === 'CENTRAL',
  );
  const linked = new Set<string>();
  if (central) {
    linked.add(central.region);
    const agg = ctx.all('aws_securityhub_finding_aggregator').find((g) => g.account === central.account && g.region === central.region);
    const specified = list(agg?.body.specified_regions).map(String);
    for (const r of ctx.regions) {
      const mode = agg?.body.linking_mode;
      if (mode === 'ALL_REGIONS' || (mode === 'SPECIFIED_REGIONS' && specified.includes(r)) ||
        (mode === 'ALL_REGIONS_EXCEPT_SPECIFIED' && !specified.includes(r))) linked.add(r);
    }
  }
  const associations = central
    ? ctx.all('aws_securityhub_configuration_policy_association').filter((s) => s.account === central.account)
    : [];
  /** The most specific association wins: account, then OU, then root. */
  const policyFor = (a: Account): { policy: SynthResource; via: string } | undefined => {
    const rank = (s: SynthResource): [number, string] | undefined => {
      const t = s.body.target_id;
      if (isLiteral(t) && t === a.id) return [0, 'account'];
      if (isLiteral(t) && t.startsWith('ou-')) return a.ouId === t ? [1, 'OU'] : undefined;
      if (isLiteral(t) && /^\d{12}$/.test(t)) return undefined;
      // A root id, literal or looked up (`...roots[0].id`): every account.
      if ((isLiteral(t) && t.startsWith('r-')) || (typeof t === 'string' && t.includes('roots'))) return [2, 'root'];
      return undefined;
    };
    let best: { policy: SynthResource; via: string; r: number } | undefined;
    for (const s of associations) {
      const r = rank(s);
      const policy = r && ctx.deref(s, s.body.policy_id);
      if (r && policy && (!best || r[0] < best.r)) best = { policy, via: r[1], r: r[0] };
    }
    return best;
  };
  return { central, linked, policyFor };
}

const securityHub: Control = {
  id: 'securityhub',
  group: 'Security Hub',
  label: 'Security Hub',
  switchedOnBy: serviceSwitch('securityHub'),
  prepare(ctx) {
    const c = securityHubCentral(ctx);
    const admins = adminRegions(ctx, 'aws_securityhub_organization_admin_account');
    const own = new Set(ctx.all('aws_securityhub_account').map((h) => key(h.account, h.region)));
    return (a, region) => {
      if (c.central && c.linked.has(region)) {
        const p = c.policyFor(a);
        if (p) {
          if (block(p.policy.body.configuration_policy)?.service_enabled !== true) return missing('central policy disables Security Hub');
          return withAdmin(covered(`central configuration (policy on ${p.via})`), admins, c.central.region, 'aws_securityhub_organization_admin_account');
        }
      }
      if (own.has(key(a.id, region))) return covered('own hub');
      if (c.central && !c.linked.has(region)) return missing(`region not linked to ${c.central.region}`);
      return missing();
    };
  },
};

function securityHubStandard(std: (typeof SECURITY_HUB_STANDARD_FAMILIES)[number]): Control {
  return {
    id: `securityhub-${std.id}`,
    group: 'Security Hub',
    label: std.label,
    switchedOnBy: serviceSwitch('securityHub', (c) =>
      c.services.securityHub.standards.some((arn) => arn.includes(std.pattern)) ? undefined : `add ${std.pattern}/v/<version> to services.securityHub.standards`),
    prepare(ctx) {
      const hub = securityHub.prepare(ctx);
      const c = securityHubCentral(ctx);
      const version = (arn: string) => /\/v\/([\d.]+)$/.exec(arn)?.[1];
      const subscriptions = new Map<string, string>();
      for (const s of ctx.all('aws_securityhub_standards_subscription')) {
        if (isLiteral(s.body.standards_arn) && s.body.standards_arn.includes(std.pattern)) {
          subscriptions.set(key(s.account, s.region), s.body.standards_arn);
        }
      }
      return (a, region) => {
        const h = hub(a, region);
        if (h.status === 'missing') return missing('Security Hub not enabled');
        const p = c.central && c.linked.has(region) ? c.policyFor(a) : undefined;
        if (p) {
          const arns = list(block(p.policy.body.configuration_policy)?.enabled_standard_arns).map(String);
          const versions = arns.filter((x) => x.includes(std.pattern)).map((x) => `v${version(x)}`);
          if (versions.length === 0) return missing('not in the central policy');
          return h.status === 'covered' ? covered(`central policy (${versions.join(', ')})`) : partial(h.how);
        }
        const sub = subscriptions.get(key(a.id, region));
        return sub ? covered(`own subscription (v${version(sub)})`) : missing('not subscribed');
      };
    },
  };
}

/** The custom parameters of a configuration policy: control id -> parameter name -> value. */
function customParameters(policy: SynthResource): Map<string, Map<string, unknown>> {
  const controls = block(block(policy.body.configuration_policy)?.security_controls_configuration);
  const out = new Map<string, Map<string, unknown>>();
  for (const c of list(controls?.security_control_custom_parameter) as Record<string, any>[]) {
    const params = new Map<string, unknown>();
    for (const p of list(c.parameter) as Record<string, any>[]) {
      const typed = ['bool', 'double', 'enum', 'enum_list', 'int', 'int_list', 'string', 'string_list'].map((t) => block(p[t])?.value).find((v) => v !== undefined);
      params.set(String(p.name), typed);
    }
    out.set(String(c.security_control_id), params);
  }
  return out;
}

/** IAM.7 evaluated with the CIS password settings the baseline applies (control parameters of the central policy). */
const securityHubPasswordParameters: Control = {
  id: 'securityhub-iam7-parameters',
  group: 'Security Hub',
  label: 'IAM.7 checks the baseline password policy',
  switchedOnBy: serviceSwitch('securityHub', (c) => {
    if (c.services.securityHub.disabledControls.includes('IAM.7')) return 'remove IAM.7 from services.securityHub.disabledControls';
    return c.services.securityHub.alignPasswordPolicyControl ? undefined : 'services.securityHub.alignPasswordPolicyControl: true';
  }),
  prepare(ctx) {
    const hub = securityHub.prepare(ctx);
    const c = securityHubCentral(ctx);
    return (a, region) => {
      const h = hub(a, region);
      if (h.status === 'missing') return missing('Security Hub not enabled');
      const p = c.central && c.linked.has(region) ? c.policyFor(a) : undefined;
      if (!p) return missing('no central configuration policy');
      const disabled = list(block(block(p.policy.body.configuration_policy)?.security_controls_configuration)?.disabled_control_identifiers);
      if (disabled.includes('IAM.7')) return missing('IAM.7 disabled in the central policy');
      const iam7 = customParameters(p.policy).get('IAM.7');
      if (!iam7) return missing('IAM.7 uses Security Hub default parameters');
      const weak = [
        Number(iam7.get('MinimumPasswordLength') ?? 0) < 14 ? 'MinimumPasswordLength < 14' : undefined,
        Number(iam7.get('PasswordReusePrevention') ?? 0) < 24 ? 'PasswordReusePrevention < 24' : undefined,
      ].filter(Boolean);
      if (weak.length > 0) return partial(`IAM.7 parameters weaker than CIS: ${weak.join(', ')}`);
      return h.status === 'covered' ? covered(`central policy parameters (length ${String(iam7.get('MinimumPasswordLength'))}, reuse ${String(iam7.get('PasswordReusePrevention'))})`) : partial(h.how);
    };
  },
};

/** Automation rules of the administrator: rules in the aggregation region also update findings from linked regions. */
const securityHubAutomationRules: Control = {
  id: 'securityhub-automation-rules',
  group: 'Security Hub',
  label: 'Automation rules',
  switchedOnBy: serviceSwitch('securityHub', (c) => (c.services.securityHub.automationRules.length > 0 ? undefined : 'add a rule to services.securityHub.automationRules')),
  prepare(ctx) {
    const c = securityHubCentral(ctx);
    const rules = c.central
      ? ctx.all('aws_securityhub_automation_rule').filter((r) => r.account === c.central!.account && r.region === c.central!.region && r.body.rule_status !== 'DISABLED')
      : [];
    const accountsOf = (r: SynthResource) => list(block(r.body.criteria)?.aws_account_id).map((f: any) => String(f.value));
    return (a, region) => {
      if (!c.central || !c.linked.has(region)) return missing(c.central ? `region not linked to ${c.central.region}` : 'no central configuration');
      const matching = rules.filter((r) => {
        const ids = accountsOf(r);
        return ids.length === 0 || ids.includes(a.id);
      });
      if (matching.length === 0) return missing('no automation rule matches this account');
      return covered(`${matching.length} rule${matching.length > 1 ? 's' : ''}: ${matching.map((r) => String(r.body.rule_name)).join(', ')}`);
    };
  },
};

// ---------------------------------------------------------------- Detective, Inspector, Macie

const detective: Control = {
  id: 'detective',
  group: 'Detective',
  label: 'Detective',
  switchedOnBy: serviceSwitch('detective'),
  prepare(ctx) {
    const admins = adminRegions(ctx, 'aws_detective_organization_admin_account');
    const graphs = new Set(ctx.all('aws_detective_graph').map((g) => key(g.account, g.region)));
    const graphRegions = new Set(ctx.all('aws_detective_graph').map((g) => g.region));
    const members = new Set(ctx.all('aws_detective_member').flatMap((m) => ids(m.body.account_id).map((id) => key(id, m.region))));
    const auto = new Set(ctx.all('aws_detective_organization_configuration').filter((c) => c.body.auto_enable === true).map((c) => c.region));
    return (a, region) => {
      if (graphs.has(key(a.id, region))) return covered('behavior graph (admin)');
      if (members.has(key(a.id, region)) && graphRegions.has(region)) {
        return withAdmin(covered('enrolled (aws_detective_member)'), admins, region, 'aws_detective_organization_admin_account');
      }
      if (auto.has(region)) return partial(NEW_ONLY);
      return missing();
    };
  },
};

const INSPECTOR_SCANS = [
  { type: 'EC2', field: 'ec2', label: 'EC2 scanning' },
  { type: 'ECR', field: 'ecr', label: 'ECR scanning' },
  { type: 'LAMBDA', field: 'lambda', label: 'Lambda scanning' },
  { type: 'LAMBDA_CODE', field: 'lambda_code', label: 'Lambda code scanning' },
] as const;

function inspectorScan(scan: (typeof INSPECTOR_SCANS)[number]): Control {
  return {
    id: `inspector-${scan.type.toLowerCase().replace(/_/g, '-')}`,
    group: 'Inspector',
    label: scan.label,
    switchedOnBy: serviceSwitch('inspector', (c) => {
      const field = ({ EC2: 'ec2', ECR: 'ecr', LAMBDA: 'lambda', LAMBDA_CODE: 'lambdaCode' } as const)[scan.type];
      return c.services.inspector.scanTypes[field] ? undefined : `services.inspector.scanTypes.${field}: true`;
    }),
    prepare(ctx) {
      const admins = adminRegions(ctx, 'aws_inspector2_delegated_admin_account');
      // Enabler account ids -> how: the admin enables itself; members need an association as well.
      const enabled = new Map<string, SynthResource>();
      for (const e of ctx.all('aws_inspector2_enabler')) {
        if (!list(e.body.resource_types).includes(scan.type)) continue;
        for (const id of ids(e.body.account_ids)) enabled.set(key(id, e.region), e);
      }
      const associated = new Set(
        ctx.all('aws_inspector2_member_association').flatMap((m) => ids(m.body.account_id).map((id) => key(id, m.region))),
      );
      const auto = new Set(
        ctx.all('aws_inspector2_organization_configuration').filter((c) => block(c.body.auto_enable)?.[scan.field] === true).map((c) => c.region),
      );
      return (a, region) => {
        const e = enabled.get(key(a.id, region));
        if (e && e.account === a.id) return covered('own enabler');
        if (e) {
          if (!associated.has(key(a.id, region))) return partial('enabler without member association');
          return withAdmin(covered('enrolled (member association + enabler)'), admins, region, 'aws_inspector2_delegated_admin_account');
        }
        if (auto.has(region)) return partial(NEW_ONLY);
        return missing();
      };
    },
  };
}

/** Inspector code security: org auto-enable only; the source-provider integration is made outside Terraform. */
const inspectorCodeRepository: Control = {
  id: 'inspector-code-repository',
  group: 'Inspector',
  label: 'Code security (repositories)',
  switchedOnBy: serviceSwitch('inspector', (c) => (c.services.inspector.codeSecurity.autoEnable ? undefined : 'services.inspector.codeSecurity.autoEnable: true')),
  prepare(ctx) {
    const auto = new Set(
      ctx.all('aws_inspector2_organization_configuration').filter((c) => block(c.body.auto_enable)?.code_repository === true).map((c) => c.region),
    );
    return (_a, region) => auto.has(region)
      ? partial('org auto-enable (new accounts only); scans need a GitHub/GitLab integration created outside Terraform')
      : missing();
  },
};

const macie: Control = {
  id: 'macie',
  group: 'Macie',
  label: 'Macie',
  switchedOnBy: serviceSwitch('macie'),
  prepare(ctx) {
    const admins = adminRegions(ctx, 'aws_macie2_organization_admin_account');
    const own = new Set(ctx.all('aws_macie2_account').filter((m) => (m.body.status ?? 'ENABLED') === 'ENABLED').map((m) => key(m.account, m.region)));
    const members = new Set(
      ctx.all('aws_macie2_member').filter((m) => (m.body.status ?? 'ENABLED') === 'ENABLED').flatMap((m) => ids(m.body.account_id).map((id) => key(id, m.region))),
    );
    const auto = new Set(ctx.all('aws_macie2_organization_configuration').filter((c) => c.body.auto_enable === true).map((c) => c.region));
    return (a, region) => {
      if (own.has(key(a.id, region))) return covered('own Macie account');
      if (members.has(key(a.id, region))) return withAdmin(covered('enrolled (aws_macie2_member)'), admins, region, 'aws_macie2_organization_admin_account');
      if (auto.has(region)) return partial(NEW_ONLY);
      return missing();
    };
  },
};

const accessAnalyzer: Control = {
  id: 'access-analyzer',
  group: 'IAM Access Analyzer',
  label: 'External access analyzer',
  switchedOnBy: serviceSwitch('accessAnalyzer'),
  prepare(ctx) {
    const analyzers = ctx.all('aws_accessanalyzer_analyzer');
    const org = new Set(analyzers.filter((x) => x.body.type === 'ORGANIZATION').map((x) => x.region));
    const own = new Set(analyzers.filter((x) => (x.body.type ?? 'ACCOUNT') === 'ACCOUNT').map((x) => key(x.account, x.region)));
    return (a, region) => (org.has(region) ? covered('organization analyzer') : own.has(key(a.id, region)) ? covered('own analyzer') : missing());
  },
};

const accessAnalyzerInternal: Control = {
  id: 'access-analyzer-internal',
  group: 'IAM Access Analyzer',
  label: 'Internal access analyzer',
  switchedOnBy: serviceSwitch('accessAnalyzer', (c) => (c.services.accessAnalyzer.internalAccess.enabled ? undefined : 'services.accessAnalyzer.internalAccess.enabled: true')),
  prepare(ctx) {
    const analyzers = ctx.all('aws_accessanalyzer_analyzer').filter((x) => x.body.type === 'ORGANIZATION_INTERNAL_ACCESS');
    return (a, region) => {
      const here = analyzers.filter((x) => x.region === region);
      // Regional: "You must create an internal access analyzer in each Region in which you want to monitor
      // access to your resources" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-internal.html).
      // org-guard creates one; the other regions' resources are unmonitored, and the cell says which key moves it.
      if (here.length === 0) {
        const elsewhere = [...new Set(analyzers.map((x) => x.region))];
        return elsewhere.length === 0
          ? missing()
          : missing(`the analyzer runs in ${elsewhere.join(', ')} and monitors that Region's resources only (services.accessAnalyzer.internalAccess.region)`);
      }
      for (const analyzer of here) {
        const rule = block(block(block(analyzer.body.configuration)?.internal_access)?.analysis_rule);
        for (const inc of list(rule?.inclusion) as Record<string, any>[]) {
          const accounts = ids(inc.account_ids);
          const arns = list(inc.resource_arns).map(String);
          const types = list(inc.resource_types).map(String);
          const all = accounts.length === 0 && arns.length === 0;
          if (all || accounts.includes(a.id) || arns.some((arn) => arn.split(':')[4] === a.id)) {
            return covered(`organization internal-access analyzer (${types.length > 0 ? types.join(', ') : arns.length > 0 ? `${arns.length} resources` : 'all supported types'})`);
          }
        }
      }
      return missing('account not in the analysis rule');
    };
  },
};

const malwareProtectionS3: Control = {
  id: 'guardduty-malware-protection-s3',
  group: 'GuardDuty',
  label: 'Malware protection (S3 uploads)',
  switchedOnBy: serviceSwitch('guardDuty', (c) => (c.accounts.members.some((m) => m.s3MalwareProtection.length > 0) ? undefined : 'add the upload buckets to accounts.members[].s3MalwareProtection')),
  prepare(ctx) {
    const plans = new Map<string, string[]>();
    for (const p of ctx.all('aws_guardduty_malware_protection_plan')) {
      const bucket = block(block(p.body.protected_resource)?.s3_bucket)?.bucket_name;
      const k = key(p.account, p.region);
      plans.set(k, [...(plans.get(k) ?? []), String(bucket)]);
    }
    return (a, region) => {
      const buckets = plans.get(key(a.id, region));
      return buckets ? covered(`plan for ${buckets.join(', ')}`) : missing('no bucket protected');
    };
  },
};

// ---------------------------------------------------------------- Firewall Manager

type FmsConfig = OrgConfig['firewallManager'];

/** `on`: the config switch of the policy type (path below firewallManager); none: org-guard has no such policy. */
const FMS_POLICY_TYPES: { type: string; label: string; on?: [keyof FmsConfig, string] }[] = [
  { type: 'WAFV2', label: 'WAF (web ACLs)', on: ['waf', 'enabled'] },
  { type: 'SHIELD_ADVANCED', label: 'Shield Advanced', on: ['shieldAdvanced', 'enabled'] },
  { type: 'SECURITY_GROUPS_CONTENT_AUDIT', label: 'Security group content audit', on: ['securityGroupAudit', 'contentAudit'] },
  { type: 'SECURITY_GROUPS_USAGE_AUDIT', label: 'Security group usage audit', on: ['securityGroupAudit', 'usageAudit'] },
  { type: 'SECURITY_GROUPS_COMMON', label: 'Common security groups' },
  { type: 'NETWORK_FIREWALL', label: 'Network Firewall', on: ['networkFirewall', 'enabled'] },
  { type: 'DNS_FIREWALL', label: 'Route 53 DNS Firewall', on: ['dnsFirewall', 'enabled'] },
  { type: 'NETWORK_ACL_COMMON', label: 'Network ACLs' },
];

/** Whether a policy's include/exclude maps put an account in scope. */
export function fmsInScope(policy: Record<string, any>, a: Account): boolean {
  const inc = block(policy.include_map);
  const exc = block(policy.exclude_map);
  const hit = (m: Record<string, any> | undefined) =>
    !!m && (ids(m.account).includes(a.id) || (a.ouId !== undefined && ids(m.orgunit).includes(a.ouId)));
  if (inc && (list(inc.account).length > 0 || list(inc.orgunit).length > 0)) return hit(inc);
  return !hit(exc);
}

function fmsPolicy(t: (typeof FMS_POLICY_TYPES)[number]): Control {
  const on = t.on;
  return {
    id: `fms-${t.type.toLowerCase().replace(/_/g, '-')}`,
    group: 'Firewall Manager',
    label: t.label,
    ...(on
      ? {
          switchedOnBy: (c: OrgConfig) => {
            if (!c.firewallManager.enabled) return 'firewallManager.enabled: true';
            const section = c.firewallManager[on[0]] as unknown as Record<string, unknown>;
            return section[on[1]] === false ? `firewallManager.${on[0]}.${on[1]}: true` : undefined;
          },
        }
      : { provided: false as const }),
    prepare(ctx) {
      const hasAdmin = ctx.all('aws_fms_admin_account').length > 0;
      const recording = configRecording(ctx);
      const policies = ctx.all('aws_fms_policy').filter((p) => block(p.body.security_service_policy_data)?.type === t.type);
      return (a, region) => {
        const inScope = policies.filter((p) => p.region === region && fmsInScope(p.body, a));
        if (inScope.length === 0) {
          if (!policies.some((p) => p.region === region)) return missing();
          // The key that scopes this policy type: its own scope, else the section default.
          const own = on && (ctx.config.firewallManager[on[0]] as { scope?: unknown }).scope !== undefined;
          return missing(`account out of policy scope (${own ? `firewallManager.${on![0]}.scope` : 'firewallManager.scope'})`);
        }
        const names = inScope.map((p) => String(p.body.name ?? p.name)).join(', ');
        const audit = inScope.every((p) => p.body.remediation_enabled !== true) ? ' (audit only)' : '';
        if (!hasAdmin) return partial(`${names}, but no aws_fms_admin_account`);
        if (recording(a, region).status !== 'covered') return partial(`${names}, but no AWS Config recording here (FMS needs it)`);
        return covered(`policy ${names}${audit}`);
      };
    },
  };
}

// ---------------------------------------------------------------- CloudTrail

const orgTrail: Control = {
  id: 'cloudtrail',
  group: 'CloudTrail',
  label: 'Organization trail',
  prepare(ctx) {
    const trails = ctx.all('aws_cloudtrail').filter((t) => t.body.enable_logging !== false);
    return (a, region) => {
      const covers = (t: SynthResource) => t.body.is_multi_region_trail === true || t.region === region;
      const org = trails.find((t) => t.body.is_organization_trail === true && covers(t));
      if (org) {
        const validated = org.body.enable_log_file_validation === true ? '' : ', no log file validation';
        return covered(`organization trail ${String(org.body.name ?? org.name)}${validated}`);
      }
      const own = trails.find((t) => t.account === a.id && covers(t));
      return own ? covered(`own trail ${String(own.body.name ?? own.name)}`) : missing('no trail logs this account here');
    };
  },
};

// ---------------------------------------------------------------- Account baseline

function configRecording(ctx: CoverageContext): (a: Account, region: string) => Cell {
  const recorders = new Set(ctx.all('aws_config_configuration_recorder').map((r) => key(r.account, r.region)));
  const started = new Set(
    ctx.all('aws_config_configuration_recorder_status').filter((s) => s.body.is_enabled === true).map((s) => key(s.account, s.region)),
  );
  return (a, region) => {
    const k = key(a.id, region);
    if (recorders.has(k) && started.has(k)) return covered('own recorder');
    if (recorders.has(k)) return partial('recorder never started (no enabled recorder status)');
    return missing();
  };
}

const baseline: Control[] = [
  {
    id: 'ebs-encryption',
    group: 'Baseline',
    label: 'EBS encryption by default',
    switchedOnBy: (c) => (c.baseline.ebsEncryptionByDefault ? undefined : 'baseline.ebsEncryptionByDefault: true'),
    prepare(ctx) {
      const on = new Set(ctx.all('aws_ebs_encryption_by_default').filter((r) => r.body.enabled !== false).map((r) => key(r.account, r.region)));
      return (a, region) => (on.has(key(a.id, region)) ? covered('own setting') : missing());
    },
  },
  {
    id: 's3-block-public-access',
    group: 'Baseline',
    label: 'S3 account Block Public Access',
    prepare(ctx) {
      const flags = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
      return (a) => {
        const bpa = ctx.all('aws_s3_account_public_access_block').find((r) => (isLiteral(r.body.account_id) ? r.body.account_id : r.account) === a.id);
        if (!bpa) return missing();
        const off = flags.filter((f) => bpa.body[f] !== true);
        return off.length === 0 ? covered('own setting (account-wide)') : partial(`not set: ${off.join(', ')}`);
      };
    },
  },
  {
    id: 'password-policy',
    group: 'Baseline',
    label: 'IAM password policy (CIS)',
    prepare(ctx) {
      return (a) => {
        const p = ctx.own('aws_iam_account_password_policy', a)[0];
        if (!p) return missing();
        const weak = [
          Number(p.body.minimum_password_length ?? 0) < 14 ? 'length < 14' : undefined,
          Number(p.body.password_reuse_prevention ?? 0) < 24 ? 'reuse prevention < 24' : undefined,
        ].filter(Boolean);
        return weak.length === 0 ? covered('own policy (account-wide)') : partial(`weaker than CIS: ${weak.join(', ')}`);
      };
    },
  },
  {
    id: 'ebs-snapshot-block-public-access',
    group: 'Baseline',
    label: 'EBS snapshot public sharing blocked',
    switchedOnBy: (c) => (c.baseline.blockPublicSnapshotSharing ? undefined : 'baseline.blockPublicSnapshotSharing: true'),
    prepare(ctx) {
      const state = new Map(ctx.all('aws_ebs_snapshot_block_public_access').map((r) => [key(r.account, r.region), String(r.body.state)]));
      const policy = ec2Policy(ctx);
      return (a, region) => {
        const byPolicy = policy.covers(a) ? policy.attribute('snapshot_block_public_access', 'state') : undefined;
        if (byPolicy === 'block_all_sharing') return covered(`organization declarative policy ${policy.name}`);
        if (byPolicy === 'block_new_sharing') return partial(`organization declarative policy ${policy.name}: new sharing only`);
        const s = state.get(key(a.id, region));
        return s === 'block-all-sharing' ? covered('own setting') : s === 'block-new-sharing' ? partial('new sharing only') : missing();
      };
    },
  },
  {
    id: 'ami-block-public-access',
    group: 'Baseline',
    label: 'AMI public sharing blocked',
    switchedOnBy: (c) => (c.baseline.blockPublicSnapshotSharing ? undefined : 'baseline.blockPublicSnapshotSharing: true'),
    prepare(ctx) {
      const on = new Set(ctx.all('aws_ec2_image_block_public_access').filter((r) => r.body.state === 'block-new-sharing').map((r) => key(r.account, r.region)));
      const policy = ec2Policy(ctx);
      return (a, region) => {
        if (policy.covers(a) && policy.attribute('image_block_public_access', 'state') === 'block_new_sharing') {
          return covered(`organization declarative policy ${policy.name}`);
        }
        return on.has(key(a.id, region)) ? covered('own setting') : missing();
      };
    },
  },
  {
    id: 'config-recorder',
    group: 'Baseline',
    label: 'AWS Config recorder',
    switchedOnBy: (c) => (c.firewallManager.configRecording.enabled ? undefined : 'firewallManager.configRecording.enabled: true'),
    prepare: configRecording,
  },
];

// ---------------------------------------------------------------- Organization policies and root access

/** Whether an organization policy attachment's target reaches the account (root, or the account's OU). */
function attachedTo(ctx: CoverageContext, type: string) {
  const policies = ctx.all('aws_organizations_policy').filter((p) => p.body.type === type);
  const attachments = ctx.all('aws_organizations_policy_attachment');
  const rootId = ctx.config.organization.rootId;
  const targetsOf = (p: SynthResource) => attachments
    .filter((x) => ctx.deref(x, x.body.policy_id)?.name === p.name && x.stack === p.stack)
    .map((x) => String(x.body.target_id));
  const isRoot = (t: string) => (rootId !== undefined && t === rootId) || /\.roots\[0\]\.id\}$/.test(t) || /\.roots\.0\.id\}$/.test(t);
  const policy = policies[0];
  const targets = policy ? targetsOf(policy) : [];
  return {
    policy,
    name: policy ? String(policy.body.name ?? policy.name) : '',
    /** The rule of ec2PolicyCovers: the root reaches every account, the management account included. */
    reaches: (a: Account) => targets.some((t) => isRoot(t) || (a.ouId !== undefined && t === a.ouId)),
  };
}

function ec2Policy(ctx: CoverageContext) {
  const p = attachedTo(ctx, 'DECLARATIVE_POLICY_EC2');
  let doc: Record<string, any> = {};
  try {
    doc = p.policy ? JSON.parse(String(p.policy.body.content)).ec2_attributes ?? {} : {};
  } catch {
    doc = {};
  }
  return {
    name: p.name,
    covers: (a: Account) => p.reaches(a),
    attribute: (attr: string, field: string): string | undefined => doc[attr]?.[field]?.['@@assign'],
    doc,
  };
}

function ec2PolicyControl(id: string, label: string, judge: (doc: Record<string, any>) => Cell | undefined, key?: (ec2: OrgConfig['organizationPolicies']['ec2']) => string | undefined): Control {
  return {
    id,
    group: 'Organization policies',
    label,
    switchedOnBy: (c) => (c.organizationPolicies.ec2.enabled ? key?.(c.organizationPolicies.ec2) : 'organizationPolicies.ec2.enabled: true'),
    prepare(ctx) {
      const policy = ec2Policy(ctx);
      return (a) => {
        const cell = judge(policy.doc);
        if (!policy.name || !cell) return missing();
        if (!policy.covers(a)) return missing('account outside the declarative policy targets');
        return cell.status === 'covered' ? covered(`declarative policy ${policy.name}: ${cell.how}`) : cell;
      };
    },
  };
}

const organizationControls: Control[] = [
  {
    id: 'centralized-root-access',
    group: 'Organization policies',
    label: 'Centralized root access',
    switchedOnBy: (c) => (c.organizationPolicies.rootAccess.enabled ? undefined : 'organizationPolicies.rootAccess.enabled: true'),
    prepare(ctx) {
      const features = ctx.all('aws_iam_organizations_features').flatMap((f) => list(f.body.enabled_features).map(String));
      const trusted = ctx.all('aws_organizations_organization')
        .some((o) => list(o.body.aws_service_access_principals).includes('iam.amazonaws.com'));
      return (a) => {
        if (!features.includes('RootCredentialsManagement')) return missing();
        if (!trusted) return partial('RootCredentialsManagement without trusted access for iam.amazonaws.com');
        if (a.role === 'management') return partial('the management account root user is not centrally managed (member accounts only): MFA on it');
        return features.includes('RootSessions')
          ? covered('root credentials managed and root sessions (sts:AssumeRoot) from the management account')
          : partial('root credentials managed, no RootSessions');
      };
    },
  },
  ec2PolicyControl('ec2-serial-console', 'EC2 serial console access off', (d) =>
    d.serial_console_access?.status?.['@@assign'] === 'disabled' ? covered('serial console disabled') : undefined,
  (e) => (e.serialConsoleAccess === 'disabled' ? undefined : 'organizationPolicies.ec2.serialConsoleAccess: disabled')),
  ec2PolicyControl('ec2-imdsv2-default', 'IMDSv2 required by default', (d) =>
    d.instance_metadata_defaults?.http_tokens?.['@@assign'] === 'required' ? covered('IMDSv2 default for new instances') : undefined,
  (e) => (e.instanceMetadataDefaults.enabled && e.instanceMetadataDefaults.httpTokens === 'required' ? undefined : 'organizationPolicies.ec2.instanceMetadataDefaults: { enabled: true, httpTokens: required }')),
  ec2PolicyControl('vpc-block-public-access', 'VPC Block Public Access', (d) => {
    const mode = d.vpc_block_public_access?.internet_gateway_block?.mode?.['@@assign'];
    return mode === 'block_bidirectional' || mode === 'block_ingress' ? covered(mode) : undefined;
  }, (e) => (e.vpcBlockPublicAccess.enabled ? undefined : 'organizationPolicies.ec2.vpcBlockPublicAccess.enabled: true')),
  {
    id: 'ai-services-opt-out',
    group: 'Organization policies',
    label: 'AI services opt-out',
    switchedOnBy: (c) => (c.organizationPolicies.aiServicesOptOut.enabled ? undefined : 'organizationPolicies.aiServicesOptOut.enabled: true'),
    prepare(ctx) {
      const p = attachedTo(ctx, 'AISERVICES_OPT_OUT_POLICY');
      // Counted for every account under the target, the management account included (a management
      // policy, not an SCP; not verified against AWS for the management account).
      return (a) => (p.policy && p.reaches(a) ? covered(`policy ${p.name}`) : missing());
    },
  },
];

const trailNetworkActivity: Control = {
  id: 'cloudtrail-network-activity',
  group: 'CloudTrail',
  label: 'Network activity events (VPC endpoints)',
  switchedOnBy: (c) => (c.logging.networkActivity.enabled ? undefined : 'logging.networkActivity.enabled: true'),
  prepare(ctx) {
    const trail = ctx.all('aws_cloudtrail').find((t) => t.body.is_organization_trail === true && t.body.enable_logging !== false);
    const selectors = list(trail?.body.advanced_event_selector).map((s) => list(block(s) ? (s as any).field_selector : []));
    const sources: string[] = [];
    let deniedOnly = true;
    for (const fields of selectors) {
      const f = (name: string) => fields.map(block).find((x) => x?.field === name);
      if (!list(f('eventCategory')?.equals).includes('NetworkActivity')) continue;
      sources.push(...list(f('eventSource')?.equals).map(String));
      if (!list(f('errorCode')?.equals).includes('VpceAccessDenied')) deniedOnly = false;
    }
    return () => (sources.length === 0
      ? missing()
      : covered(`organization trail: ${sources.join(', ')}${deniedOnly ? ' (VpceAccessDenied only)' : ''}`));
  },
};

/**
 * S3 object / Lambda invoke data events on the organization trail (logging.dataEvents): advanced event
 * selectors with eventCategory Data and the resource type (CloudTrail AdvancedFieldSelector,
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
 */
function trailDataEvents(kind: 's3' | 'lambda', resourceType: string, label: string): Control {
  return {
    id: `cloudtrail-${kind}-data-events`,
    group: 'CloudTrail',
    label,
    switchedOnBy: (c) => (c.logging.dataEvents[kind] ? undefined : `logging.dataEvents.${kind}: true`),
    prepare(ctx) {
      const trail = ctx.all('aws_cloudtrail').find((t) => t.body.is_organization_trail === true && t.body.enable_logging !== false);
      const matching = list(trail?.body.advanced_event_selector).map((s) => list(block(s) ? (s as any).field_selector : []).map(block))
        .filter((fields) => {
          const f = (name: string) => fields.find((x) => x?.field === name);
          return list(f('eventCategory')?.equals).includes('Data') && list(f('resources.type')?.equals).includes(resourceType);
        });
      const writeOnly = matching.length > 0 && matching.every((fields) => list(fields.find((x) => x?.field === 'readOnly')?.equals).includes('false'));
      return () => (matching.length === 0 ? missing() : covered(`organization trail${writeOnly ? ' (write events only)' : ''}`));
    },
  };
}

const configFmsContinuous: Control = {
  id: 'config-fms-continuous',
  group: 'Baseline',
  label: 'Config: Firewall Manager types recorded continuously',
  prepare(ctx) {
    const needed = [...fmsRequiredResourceTypes(ctx.config).keys()];
    const recording = configRecording(ctx);
    const recorders = new Map(ctx.all('aws_config_configuration_recorder').map((r) => [key(r.account, r.region), r]));
    return (a, region) => {
      const base = recording(a, region);
      if (base.status !== 'covered') return base;
      const r = recorders.get(key(a.id, region))!;
      const group = block(r.body.recording_group) ?? {};
      const excluded = list(block(group.exclusion_by_resource_types)?.resource_types).map(String);
      const mode = block(r.body.recording_mode);
      const frequency = String(mode?.recording_frequency ?? 'CONTINUOUS');
      const override = block(mode?.recording_mode_override);
      const overridden = list(override?.resource_types).map(String);
      const continuous = (t: string) => !excluded.includes(t) &&
        (frequency === 'CONTINUOUS' ? !(override?.recording_frequency === 'DAILY' && overridden.includes(t)) : overridden.includes(t));
      // IAM types are global: recorded once, in the home region.
      const gaps = needed.filter((t) => !continuous(t) && !(GLOBAL_IAM_RESOURCE_TYPES as readonly string[]).includes(t));
      const how = `${frequency.toLowerCase()} by default${overridden.length ? `, ${overridden.length} types ${String(override?.recording_frequency).toLowerCase()}` : ''}${excluded.length ? `, ${excluded.length} excluded` : ''}`;
      return gaps.length === 0 ? covered(how) : partial(`${how}; not continuous: ${gaps.join(', ')}`);
    };
  },
};

/** Every control of the report, in display order. */
export const CONTROLS: readonly Control[] = [
  {
    id: 'guardduty',
    group: 'GuardDuty',
    label: 'GuardDuty',
    switchedOnBy: serviceSwitch('guardDuty'),
    prepare: (ctx) => guardDutyBase(ctx).cell,
  },
  ...GUARDDUTY_PLANS.map(guardDutyPlan),
  malwareProtectionS3,
  securityHub,
  ...SECURITY_HUB_STANDARD_FAMILIES.map(securityHubStandard),
  securityHubPasswordParameters,
  securityHubAutomationRules,
  detective,
  ...INSPECTOR_SCANS.map(inspectorScan),
  inspectorCodeRepository,
  macie,
  accessAnalyzer,
  accessAnalyzerInternal,
  ...FMS_POLICY_TYPES.map(fmsPolicy),
  orgTrail,
  trailDataEvents('s3', 'AWS::S3::Object', 'S3 data events (object-level)'),
  trailDataEvents('lambda', 'AWS::Lambda::Function', 'Lambda data events (invokes)'),
  trailNetworkActivity,
  ...baseline,
  configFmsContinuous,
  ...organizationControls,
];
