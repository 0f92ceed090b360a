import type { AggregatedSourceStatus } from '@aws-sdk/client-config-service';
import type { OrgConfig } from '../../config/schema';
import { CONTROLS } from '../report/controls';
import { computeCoverage, type Coverage } from '../report/coverage';
import { CoverageContext, isLiteral, type Account, type Cell, type StackJson, type Status } from '../report/model';
import { describeFailure, type CallFailure } from './aws';
import { SELF_MANAGED, type LiveOrg, type LiveScope } from './live';

/**
 * What AWS says about one account in one region for one control, whatever org-guard intends:
 * on (live), off (AWS has nothing), bad (AWS has it in a failed or partial state: its status),
 * unknown (the call feeding it failed), unseen (not readable from the management or delegated-admin account).
 */
export interface LiveCell {
  live: 'on' | 'off' | 'bad' | 'unknown' | 'unseen';
  /** AWS's status or reason, without account or region (the cell's position names those). */
  detail: string;
}

/**
 * ok: intended and live. missing: intended, AWS has nothing. failed: intended, AWS reports it in a bad
 * state. unmanaged: live, not intended (drift). unknown: the call failed (never counted as ok).
 * unchecked: intended, but not readable from the accounts verify reads. absent: neither intended nor live.
 */
export type State = 'ok' | 'missing' | 'failed' | 'unmanaged' | 'unknown' | 'unchecked' | 'absent';
export const STATES: readonly State[] = ['ok', 'missing', 'failed', 'unknown', 'unmanaged', 'unchecked', 'absent'];

export interface VerifyCell {
  state: State;
  /** The coverage report's status of the cell: covered or partial means intended. */
  intended: Status;
  /** The coverage report's "how" (what org-guard deploys for it). */
  how: string;
  /** What AWS returned. */
  live: string;
}

/** The subject of a judge: an account of the config, or an organization account the config does not list. */
export interface Subject {
  id: string;
  ouId?: string;
}

type Judge = (a: Subject, region: string, intended: Cell) => LiveCell;

export interface PolicyCheck {
  type: string;
  name: string;
  state: 'ok' | 'missing' | 'unknown' | 'unmanaged';
  /** Targets the synth attaches it to (root id or `root`, OU ids, account ids). */
  declared: string[];
  /** Targets AWS reports (`Type:Id (Name)`), when read. */
  live?: string[];
  detail: string;
}

export interface AccountIssue {
  id: string;
  name: string;
  state: 'missing' | 'failed' | 'unknown';
  detail: string;
}

export interface UnmanagedAccount {
  id: string;
  name: string;
  email: string;
  state: string;
  joined: string;
  /** Controls live for the account, with the number of regions. */
  live: { control: string; label: string; regions: number }[];
}

export interface VerifyResult {
  organizationId: string;
  accounts: Account[];
  regions: readonly string[];
  controls: { id: string; group: string; label: string }[];
  /** cells[control][account][region], as in the coverage report. */
  cells: VerifyCell[][][];
  /** Controls of the coverage report verify does not read, and why. */
  notVerified: { id: string; label: string; why: string }[];
  accountIssues: AccountIssue[];
  unmanagedAccounts: UnmanagedAccount[];
  /** Read failure of ListAccounts: the unmanaged-accounts section could not be built. */
  unmanagedUnknown?: string;
  policies: PolicyCheck[];
  /** Every call that failed, deduplicated. */
  failures: CallFailure[];
  warnings: string[];
}

const on = (detail: string): LiveCell => ({ live: 'on', detail });
const off = (detail: string): LiveCell => ({ live: 'off', detail });
const bad = (detail: string): LiveCell => ({ live: 'bad', detail });
const unknown = (f: CallFailure): LiveCell => ({ live: 'unknown', detail: describeFailure(f) });
const unseen = (detail: string): LiveCell => ({ live: 'unseen', detail });

export function combine(intended: Status, live: LiveCell): State {
  const wanted = intended === 'covered' || intended === 'partial';
  switch (live.live) {
    case 'on':
      return wanted ? 'ok' : 'unmanaged';
    case 'off':
      return wanted ? 'missing' : 'absent';
    case 'bad':
      return wanted ? 'failed' : 'absent';
    case 'unknown':
      return 'unknown';
    case 'unseen':
      return wanted ? 'unchecked' : 'absent';
  }
}

/** Security Hub standards families by control id (tools/report/controls.ts SECURITY_HUB_STANDARD_FAMILIES). */
const STANDARD_PATTERN: Record<string, string> = {
  'securityhub-fsbp': 'aws-foundational-security-best-practices',
  'securityhub-cis': 'cis-aws-foundations-benchmark',
  'securityhub-nist': 'nist-800-53',
  'securityhub-pci': 'pci-dss',
  'securityhub-tagging': 'aws-resource-tagging-standard',
};

const INSPECTOR_FIELD: Record<string, 'ec2' | 'ecr' | 'lambda' | 'lambdaCode'> = {
  'inspector-ec2': 'ec2',
  'inspector-ecr': 'ecr',
  'inspector-lambda': 'lambda',
  'inspector-lambda-code': 'lambdaCode',
};

/** Organization policy type that a policy control reads. */
const POLICY_CONTROL: Record<string, string> = {
  'ai-services-opt-out': 'AISERVICES_OPT_OUT_POLICY',
  'ec2-serial-console': 'DECLARATIVE_POLICY_EC2',
  'ec2-imdsv2-default': 'DECLARATIVE_POLICY_EC2',
  'vpc-block-public-access': 'DECLARATIVE_POLICY_EC2',
};

/** Why the other controls are not verified: their state lives in each account, with no organization-wide read. */
const NOT_VERIFIED: Record<string, string> = {
  'guardduty-malware-protection-s3': 'protection plans live in each member account (no organization-wide list)',
  'securityhub-iam7-parameters': 'control parameters are not compared (the association status is verified)',
  'securityhub-automation-rules': 'automation rules are not compared',
  'inspector-code-repository': 'code security needs a source-provider integration made outside org-guard',
  'ebs-encryption': 'an account setting, readable only in each account',
  's3-block-public-access': 'an account setting, readable only in each account',
  'password-policy': 'an account setting, readable only in each account',
  'ebs-snapshot-block-public-access': 'an account setting, readable only in each account',
  'ami-block-public-access': 'an account setting, readable only in each account',
  'config-fms-continuous': "a recorder's recording group, readable only in each account",
  'centralized-root-access': 'not compared (organization features are read by the IAM API of the management account)',
};

const guardDutyFeature = (id: string): string | undefined =>
  id.startsWith('guardduty-') && id !== 'guardduty-malware-protection-s3' ? id.slice('guardduty-'.length).toUpperCase().replace(/-/g, '_') : undefined;
const fmsType = (id: string): string | undefined => (id.startsWith('fms-') ? id.slice(4).toUpperCase().replace(/-/g, '_') : undefined);

/** The intended side of verify: the coverage report's model, with what verify needs to read the live side. */
export interface Intended {
  coverage: Coverage;
  ctx: CoverageContext;
  scope: Omit<LiveScope, 'accountIds'>;
  /** Declared organization policies and the targets the synth attaches them to. */
  policies: { type: string; name: string; targets: string[] }[];
}

export function intendedOf(config: OrgConfig, stacks: Readonly<Record<string, StackJson>>): Intended {
  const coverage = computeCoverage(config, stacks);
  const ctx = new CoverageContext(config, stacks);
  const rootRef = /\.roots(\[0\]|\.0)\.id\}$/;
  const policies = ctx.all('aws_organizations_policy').map((p) => ({
    type: String(p.body.type ?? 'SERVICE_CONTROL_POLICY'),
    name: String(p.body.name),
    targets: ctx.all('aws_organizations_policy_attachment')
      .filter((x) => x.stack === p.stack && ctx.deref(x, x.body.policy_id)?.name === p.name)
      .map((x) => (isLiteral(x.body.target_id) ? x.body.target_id : rootRef.test(String(x.body.target_id)) ? 'root' : String(x.body.target_id))),
  }));
  const trail = ctx.all('aws_cloudtrail').find((t) => t.body.is_organization_trail === true);
  const aggregator = ctx.all('aws_config_configuration_aggregator').find((a) => a.body.organization_aggregation_source);
  const types = new Set([...policies.map((p) => p.type), ...Object.values(POLICY_CONTROL)]);
  return {
    coverage,
    ctx,
    policies,
    scope: {
      managementId: config.accounts.management.id,
      securityId: config.accounts.security.id,
      homeRegion: config.organization.homeRegion,
      regions: config.organization.regions,
      policyTypes: [...types].sort(),
      trailName: trail && isLiteral(trail.body.name) ? trail.body.name : undefined,
      aggregatorName: aggregator && isLiteral(aggregator.body.name) ? aggregator.body.name : undefined,
    },
  };
}

/** The live judge of every control verify reads, keyed by control id. */
export function judges(live: LiveOrg, scope: Omit<LiveScope, 'accountIds'>): Map<string, Judge> {
  const out = new Map<string, Judge>();
  const home = scope.homeRegion;
  const admin = scope.securityId;

  // ------------------------------------------------------------ GuardDuty
  const guardduty: Judge = (a, region) => {
    const r = live.guardduty.get(region)!;
    if (!r.detector.ok) return unknown(r.detector.failure);
    if (!r.detector.value) return off(a.id === admin ? 'no detector' : 'the administrator has no detector here');
    if (a.id === admin) {
      const d = r.detector.value.detail;
      if (!d.ok) return unknown(d.failure);
      return d.value.Status === 'ENABLED' ? on('administrator detector ENABLED') : bad(`detector Status ${d.value.Status}`);
    }
    if (!r.members.ok) return unknown(r.members.failure);
    const m = r.members.value.get(a.id);
    if (!m) return off("not a member of the administrator's detector");
    return m.RelationshipStatus === 'Enabled' ? on('member, RelationshipStatus Enabled') : bad(`RelationshipStatus ${m.RelationshipStatus}`);
  };
  out.set('guardduty', guardduty);
  for (const c of CONTROLS) {
    const feature = guardDutyFeature(c.id);
    if (!feature || c.id === 'guardduty') continue;
    out.set(c.id, (a, region, intended) => {
      const base = guardduty(a, region, intended);
      if (base.live !== 'on') return base;
      const r = live.guardduty.get(region)!;
      let status: string | undefined;
      if (a.id === admin) {
        const d = r.detector.ok && r.detector.value ? r.detector.value.detail : undefined;
        if (d && !d.ok) return unknown(d.failure);
        status = d?.ok ? d.value.Features?.find((f) => f.Name === feature)?.Status : undefined;
      } else {
        if (!r.features.ok) return unknown(r.features.failure);
        const why = r.features.value.unprocessed.get(a.id);
        if (why) return bad(`GetMemberDetectors could not read the member: ${why}`);
        status = r.features.value.byAccount.get(a.id)?.get(feature);
      }
      return status === 'ENABLED' ? on(`${feature} ENABLED`) : off(`${feature} ${status ?? 'not reported'}`);
    });
  }

  // ------------------------------------------------------------ Security Hub (central configuration)
  const sh = live.securityhub;
  const policyName = (id: string) => (sh.policies.ok ? sh.policies.value.find((p) => p.Id === id || p.Arn === id)?.Name : undefined) ?? id;
  const linked = (region: string): LiveCell | undefined => {
    if (region === home) return undefined;
    if (!sh.aggregator.ok) return unknown(sh.aggregator.failure);
    const agg = sh.aggregator.value;
    const regions = agg?.Regions ?? [];
    const mode = agg?.RegionLinkingMode;
    const yes = mode === 'ALL_REGIONS' || (mode === 'SPECIFIED_REGIONS' && regions.includes(region)) ||
      (mode === 'ALL_REGIONS_EXCEPT_SPECIFIED' && !regions.includes(region));
    return yes ? undefined : off(agg ? `region not linked to the finding aggregator in ${home} (${mode})` : `no finding aggregator in ${home}: the central policy applies to ${home} only`);
  };
  const securityHub: Judge = (a, region) => {
    if (!sh.associations.ok) return unknown(sh.associations.failure);
    const notLinked = linked(region);
    if (notLinked) return notLinked;
    const assoc = sh.associations.value.get(a.id);
    if (!assoc) return off('no configuration policy association');
    if (assoc.ConfigurationPolicyId === SELF_MANAGED) return bad('self-managed (associated with SELF_MANAGED_SECURITY_HUB)');
    if (assoc.AssociationStatus !== 'SUCCESS') {
      return bad(`association ${assoc.AssociationStatus}${assoc.AssociationStatusMessage ? `: ${assoc.AssociationStatusMessage}` : ''} (policy ${policyName(String(assoc.ConfigurationPolicyId))})`);
    }
    const detail = sh.details.get(String(assoc.ConfigurationPolicyId));
    if (detail && !detail.ok) return unknown(detail.failure);
    const policy = detail?.value.ConfigurationPolicy?.SecurityHub;
    if (policy && policy.ServiceEnabled !== true) return bad(`policy ${detail!.value.Name} disables Security Hub`);
    return on(`policy ${policyName(String(assoc.ConfigurationPolicyId))}, association SUCCESS (${String(assoc.AssociationType).toLowerCase()})`);
  };
  out.set('securityhub', securityHub);
  for (const [id, pattern] of Object.entries(STANDARD_PATTERN)) {
    out.set(id, (a, region, intended) => {
      const base = securityHub(a, region, intended);
      if (base.live !== 'on') return base;
      const assoc = sh.associations.ok ? sh.associations.value.get(a.id) : undefined;
      const detail = sh.details.get(String(assoc?.ConfigurationPolicyId));
      if (!detail?.ok) return detail ? unknown(detail.failure) : unseen('policy details not read');
      const arns = detail.value.ConfigurationPolicy?.SecurityHub?.EnabledStandardIdentifiers ?? [];
      const versions = arns.filter((x) => x.includes(pattern)).map((x) => `v${/\/v\/([\d.]+)$/.exec(x)?.[1] ?? '?'}`);
      return versions.length ? on(`policy ${detail.value.Name}: ${versions.join(', ')}`) : off(`not enabled in policy ${detail.value.Name}`);
    });
  }

  // ------------------------------------------------------------ Detective
  out.set('detective', (a, region) => {
    const r = live.detective.get(region)!;
    if (!r.graphs.ok) return unknown(r.graphs.failure);
    if (r.graphs.value.length === 0) return off('no behavior graph');
    if (a.id === admin) return on('behavior graph (administrator)');
    if (!r.members.ok) return unknown(r.members.failure);
    const m = r.members.value.get(a.id);
    if (!m) return off('not a member of the behavior graph');
    if (m.Status === 'ENABLED') return on('member, Status ENABLED');
    return bad(`Status ${m.Status}${m.DisabledReason ? ` (${m.DisabledReason})` : ''}`);
  });

  // ------------------------------------------------------------ Inspector
  for (const [id, field] of Object.entries(INSPECTOR_FIELD)) {
    out.set(id, (a, region) => {
      const r = live.inspector.get(region)?.get(a.id);
      if (!r) return off('not reported by BatchGetAccountStatus');
      if (!r.ok) return unknown(r.failure);
      if (r.value.failed) {
        const f = r.value.failed;
        return bad(`${f.errorCode}: ${f.errorMessage}${f.status ? ` (status ${f.status})` : ''}`);
      }
      const s = r.value.state?.resourceState?.[field];
      const status = s?.status;
      if (status === 'ENABLED') return on(`${field} ENABLED`);
      if (status === 'DISABLED' || status === undefined) return off(`${field} ${status ?? 'not reported'}`);
      return bad(`${field} ${status}${s?.errorCode ? ` (${s.errorCode}: ${s.errorMessage})` : ''}`);
    });
  }

  // ------------------------------------------------------------ Macie
  out.set('macie', (a, region) => {
    const r = live.macie.get(region)!;
    if (a.id === admin) {
      if (!r.session.ok) return r.session.failure.kind === 'service-not-enabled' ? off(`Macie not enabled (${r.session.failure.code})`) : unknown(r.session.failure);
      return r.session.value.status === 'ENABLED' ? on('Macie ENABLED (administrator)') : bad(`Macie ${r.session.value.status}`);
    }
    if (!r.members.ok) return unknown(r.members.failure);
    const m = r.members.value.get(a.id);
    if (!m) return off('not a Macie member');
    return m.relationshipStatus === 'Enabled' ? on('member, relationshipStatus Enabled') : bad(`relationshipStatus ${m.relationshipStatus}`);
  });

  // ------------------------------------------------------------ IAM Access Analyzer
  out.set('access-analyzer', (a, region, intended) => {
    const r = live.analyzers.get(region)!;
    if (!r.ok) return unknown(r.failure);
    const org = r.value.filter((x) => x.type === 'ORGANIZATION');
    const active = org.find((x) => x.status === 'ACTIVE');
    if (active) return on(`organization analyzer ${active.name}`);
    if (org.length) return bad(`organization analyzer ${org[0].name} ${org[0].status}${org[0].statusReason?.code ? ` (${org[0].statusReason.code})` : ''}`);
    if (a.id === admin) {
      const own = r.value.find((x) => x.type === 'ACCOUNT' && x.status === 'ACTIVE');
      if (own) return on(`own analyzer ${own.name}`);
    } else if (intended.how.startsWith('own analyzer')) {
      return unseen("an account's own analyzer is listed only in that account");
    }
    return off('no organization analyzer');
  });
  out.set('access-analyzer-internal', (a, region) => {
    const r = live.analyzers.get(region)!;
    if (!r.ok) return unknown(r.failure);
    const internal = r.value.filter((x) => x.type === 'ORGANIZATION_INTERNAL_ACCESS');
    if (internal.length === 0) return off('no organization internal-access analyzer');
    const active = internal.filter((x) => x.status === 'ACTIVE');
    if (active.length === 0) return bad(`analyzer ${internal[0].name} ${internal[0].status}${internal[0].statusReason?.code ? ` (${internal[0].statusReason.code})` : ''}`);
    for (const x of active) {
      const inclusions = x.configuration && 'internalAccess' in x.configuration ? x.configuration.internalAccess?.analysisRule?.inclusions : undefined;
      if (!inclusions || inclusions.length === 0) return on(`analyzer ${x.name}`);
      for (const inc of inclusions) {
        const ids = inc.accountIds ?? [];
        const arns = inc.resourceArns ?? [];
        if ((ids.length === 0 && arns.length === 0) || ids.includes(a.id) || arns.some((arn) => arn.split(':')[4] === a.id)) return on(`analyzer ${x.name}`);
      }
    }
    return off('account not in the analysis rule');
  });

  // ------------------------------------------------------------ Firewall Manager
  for (const c of CONTROLS) {
    const type = fmsType(c.id);
    if (!type || c.provided === false) continue;
    out.set(c.id, (a, region) => {
      const r = live.fms.get(region)!;
      if (!r.policies.ok) return unknown(r.policies.failure);
      const policies = r.policies.value.filter((p) => p.SecurityServiceType === type);
      if (policies.length === 0) return off(`no ${type} policy`);
      let compliant: string[] = [];
      let failure: CallFailure | undefined;
      for (const p of policies) {
        const list = r.compliance.get(String(p.PolicyId));
        if (!list) continue;
        if (!list.ok) {
          failure = list.failure;
          continue;
        }
        const mine = list.value.filter((s) => s.MemberAccount === a.id);
        const results = mine.flatMap((s) => s.EvaluationResults ?? []);
        const non = results.find((e) => e.ComplianceStatus === 'NON_COMPLIANT');
        if (non) return bad(`NON_COMPLIANT in ${p.PolicyName} (${non.ViolatorCount ?? '?'} violators)`);
        if (mine.length) compliant = [...compliant, String(p.PolicyName)];
      }
      if (compliant.length) return on(`COMPLIANT in ${compliant.join(', ')}`);
      if (failure) return unknown(failure);
      return off(`not in the compliance status of ${policies.map((p) => p.PolicyName).join(', ')}`);
    });
  }

  // ------------------------------------------------------------ CloudTrail organization trail
  const trail: Judge = (_a, region) => {
    if (!live.trail.ok) return unknown(live.trail.failure);
    const t = live.trail.value;
    if (!t) return off('no organization trail');
    if (!t.trail.IsMultiRegionTrail && t.trail.HomeRegion !== region) return off(`trail ${t.trail.Name} is not multi-region`);
    if (!t.status.ok) return unknown(t.status.failure);
    if (!t.status.value.IsLogging) return bad(`trail ${t.trail.Name} IsLogging false`);
    if (t.status.value.LatestDeliveryError) return bad(`trail ${t.trail.Name} LatestDeliveryError ${t.status.value.LatestDeliveryError}`);
    return on(`organization trail ${t.trail.Name} logging`);
  };
  out.set('cloudtrail', trail);
  const selectorJudge = (matches: (fields: { Field?: string; Equals?: string[] }[]) => string | undefined, what: string, basicType?: string): Judge => (a, region, intended) => {
    const base = trail(a, region, intended);
    if (base.live !== 'on') return base;
    const t = live.trail.ok && live.trail.value ? live.trail.value : undefined;
    if (!t) return off('no organization trail');
    if (!t.selectors.ok) return unknown(t.selectors.failure);
    for (const s of t.selectors.value.AdvancedEventSelectors ?? []) {
      const hit = matches(s.FieldSelectors ?? []);
      if (hit) return on(`trail ${t.trail.Name}: ${hit}`);
    }
    if (basicType && (t.selectors.value.EventSelectors ?? []).some((s) => (s.DataResources ?? []).some((d) => d.Type === basicType))) {
      return on(`trail ${t.trail.Name}: event selector ${basicType}`);
    }
    return off(`trail ${t.trail.Name} has no ${what} selector`);
  };
  const field = (fields: { Field?: string; Equals?: string[] }[], name: string) => fields.find((f) => f.Field === name)?.Equals ?? [];
  out.set('cloudtrail-s3-data-events', selectorJudge((f) => (field(f, 'eventCategory').includes('Data') && field(f, 'resources.type').includes('AWS::S3::Object') ? 'S3 data events' : undefined), 'S3 data event', 'AWS::S3::Object'));
  out.set('cloudtrail-lambda-data-events', selectorJudge((f) => (field(f, 'eventCategory').includes('Data') && field(f, 'resources.type').includes('AWS::Lambda::Function') ? 'Lambda data events' : undefined), 'Lambda data event', 'AWS::Lambda::Function'));
  out.set('cloudtrail-network-activity', selectorJudge((f) => (field(f, 'eventCategory').includes('NetworkActivity') ? `network activity (${field(f, 'eventSource').join(', ')})` : undefined), 'network activity'));

  // ------------------------------------------------------------ AWS Config recorders, through the organization aggregator
  out.set('config-recorder', (a, region) => {
    const sources = live.configSources;
    if (!sources) return unseen('no organization Config aggregator in the config (services.configAggregator): verify reads recorders through it');
    if (!sources.ok) return unknown(sources.failure);
    // AggregatedSourceStatus.SourceId is "the source account ID or an organization"
    // (https://docs.aws.amazon.com/config/latest/APIReference/API_AggregatedSourceStatus.html): an entry for the
    // organization as a whole says nothing about one account's recorder unless it failed.
    let s: AggregatedSourceStatus | undefined = sources.value.get(`${a.id}/${region}`);
    if (!s) {
      const org = live.organization.ok ? sources.value.get(`${live.organization.value.id}/${region}`) : undefined;
      if (org?.LastUpdateStatus === 'SUCCEEDED') return unseen(`aggregator ${scope.aggregatorName} reports the organization source SUCCEEDED here, not each account`);
      if (!org) return off(`aggregator ${scope.aggregatorName} has no source status for the account here`);
      s = org;
    }
    if (s.LastUpdateStatus === 'SUCCEEDED') return on('aggregator source SUCCEEDED');
    if (s.LastUpdateStatus === 'OUTDATED') return bad(`aggregator source OUTDATED${s.LastUpdateTime ? ` since ${new Date(s.LastUpdateTime).toISOString()}` : ''}`);
    return bad(`aggregator source ${s.LastUpdateStatus}${s.LastErrorCode ? `: ${s.LastErrorCode}` : ''}${s.LastErrorMessage ? ` ${s.LastErrorMessage}` : ''}`);
  });

  // ------------------------------------------------------------ Organization policies reaching the account
  for (const [id, type] of Object.entries(POLICY_CONTROL)) {
    out.set(id, (a) => {
      const r = live.policies.get(type);
      if (!r) return unseen(`${type} policies not read`);
      if (!r.ok) return unknown(r.failure);
      if (r.value.length === 0) return off(`no ${type} policy`);
      for (const p of r.value) {
        if (!p.targets.ok) return unknown(p.targets.failure);
        const t = p.targets.value.find((x) => x.Type === 'ROOT' || (x.Type === 'ORGANIZATIONAL_UNIT' && x.TargetId === a.ouId) || (x.Type === 'ACCOUNT' && x.TargetId === a.id));
        if (t) return on(`policy ${p.policy.Name} attached to ${String(t.Type).toLowerCase().replace(/_/g, ' ')} ${t.TargetId}`);
      }
      return off(`policy ${r.value.map((p) => p.policy.Name).join(', ')} not attached to the root, the account's OU or the account`);
    });
  }
  return out;
}

/** Judges whose cells are per account (memberships): the ones the unmanaged-accounts section lists. */
const MEMBERSHIP = (id: string): boolean =>
  ['guardduty', 'securityhub', 'detective', 'macie', 'config-recorder'].includes(id) || id in INSPECTOR_FIELD || id.startsWith('fms-');

export function verify(intended: Intended, live: LiveOrg, failures: readonly CallFailure[]): VerifyResult {
  const { coverage, scope } = intended;
  const j = judges(live, scope);
  const controls = coverage.controls.map((c, ci) => ({ c, ci })).filter(({ c }) => j.has(c.id));
  const notVerified = coverage.controls
    .filter((c) => !j.has(c.id) && c.provided !== false)
    .map((c) => ({ id: c.id, label: c.group === c.label ? c.label : `${c.group}: ${c.label}`, why: NOT_VERIFIED[c.id] ?? 'not read by verify' }));
  const cells = controls.map(({ c, ci }) => {
    const judge = j.get(c.id)!;
    return coverage.accounts.map((a, ai) => coverage.regions.map((r, ri) => {
      const want = coverage.cells[ci][ai][ri];
      const l = judge(a, r, want);
      return { state: combine(want.status, l), intended: want.status, how: want.how, live: l.detail };
    }));
  });

  const warnings: string[] = [...coverage.warnings];
  if (live.organization.ok && live.organization.value.id !== coverage.organizationId) {
    warnings.push(`the credentials read organization ${live.organization.value.id}, the config describes ${coverage.organizationId}`);
  }

  // ------------------------------------------------------------ accounts
  const accountIssues: AccountIssue[] = [];
  const unmanagedAccounts: UnmanagedAccount[] = [];
  let unmanagedUnknown: string | undefined;
  if (!live.accounts.ok) {
    unmanagedUnknown = describeFailure(live.accounts.failure, true);
    for (const a of coverage.accounts) accountIssues.push({ id: a.id, name: a.name, state: 'unknown', detail: unmanagedUnknown });
  } else {
    const byId = new Map(live.accounts.value.map((a) => [String(a.Id), a]));
    for (const a of coverage.accounts) {
      const o = byId.get(a.id);
      const state = o?.State ?? o?.Status;
      if (!o) accountIssues.push({ id: a.id, name: a.name, state: 'missing', detail: `not an account of organization ${live.organization.ok ? live.organization.value.id : coverage.organizationId}` });
      else if (state !== 'ACTIVE') accountIssues.push({ id: a.id, name: a.name, state: 'failed', detail: `account State ${state}` });
    }
    const configured = new Set(coverage.accounts.map((a) => a.id));
    const membership = controls.filter(({ c }) => MEMBERSHIP(c.id));
    const none: Cell = { status: 'missing', how: 'not in the config' };
    for (const o of live.accounts.value) {
      if (configured.has(String(o.Id))) continue;
      const subject: Subject = { id: String(o.Id) };
      const liveFor = membership.map(({ c }) => ({
        control: c.id,
        label: c.group === c.label ? c.label : `${c.group}: ${c.label}`,
        regions: coverage.regions.filter((r) => j.get(c.id)!(subject, r, none).live === 'on').length,
      })).filter((x) => x.regions > 0);
      unmanagedAccounts.push({
        id: String(o.Id),
        name: String(o.Name ?? ''),
        email: String(o.Email ?? ''),
        state: String(o.State ?? o.Status ?? ''),
        joined: `${o.JoinedMethod ?? ''}${o.JoinedTimestamp ? ` ${new Date(o.JoinedTimestamp).toISOString().slice(0, 10)}` : ''}`.trim(),
        live: liveFor,
      });
    }
  }

  // ------------------------------------------------------------ organization policies
  const rootId = live.roots.ok ? live.roots.value[0]?.Id : undefined;
  const policies: PolicyCheck[] = [];
  for (const p of intended.policies) {
    const declared = p.targets;
    const r = live.policies.get(p.type);
    if (!r || !r.ok) {
      policies.push({ ...p, declared, state: 'unknown', detail: r && !r.ok ? describeFailure(r.failure, true) : 'not read' });
      continue;
    }
    const found = r.value.find((x) => x.policy.Name === p.name);
    if (!found) {
      policies.push({ ...p, declared, state: 'missing', detail: `no ${p.type} named ${p.name}` });
      continue;
    }
    if (!found.targets.ok) {
      policies.push({ ...p, declared, state: 'unknown', detail: describeFailure(found.targets.failure, true) });
      continue;
    }
    const liveTargets = found.targets.value;
    const resolve = (t: string) => (t === 'root' ? rootId : t);
    const notAttached = declared.filter((t) => !liveTargets.some((x) => x.TargetId === resolve(t)));
    const extra = liveTargets.filter((x) => !declared.some((t) => resolve(t) === x.TargetId));
    const shown = liveTargets.map((x) => `${x.Type}:${x.TargetId}${x.Name ? ` (${x.Name})` : ''}`);
    if (!rootId && declared.includes('root')) {
      policies.push({ ...p, declared, live: shown, state: 'unknown', detail: live.roots.ok ? 'no root listed' : describeFailure(live.roots.failure, true) });
    } else if (notAttached.length) {
      policies.push({ ...p, declared, live: shown, state: 'missing', detail: `not attached to ${notAttached.map((t) => (t === 'root' ? `the root (${rootId})` : t)).join(', ')}` });
    } else if (extra.length) {
      policies.push({ ...p, declared, live: shown, state: 'unmanaged', detail: `also attached to ${extra.map((x) => `${x.Type}:${x.TargetId}`).join(', ')}` });
    } else {
      policies.push({ ...p, declared, live: shown, state: 'ok', detail: `attached to ${shown.join(', ')}` });
    }
  }

  const seen = new Set<string>();
  const uniqueFailures = failures.filter((f) => {
    const k = `${f.action}/${f.account}/${f.region}/${f.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return {
    organizationId: coverage.organizationId,
    accounts: coverage.accounts,
    regions: coverage.regions,
    controls: controls.map(({ c }) => ({ id: c.id, group: c.group, label: c.label })),
    cells,
    notVerified,
    accountIssues,
    unmanagedAccounts,
    unmanagedUnknown,
    policies,
    failures: uniqueFailures,
    warnings,
  };
}

export type Counts = Record<State, number>;

export function countStates(cells: Iterable<VerifyCell>): Counts {
  const n: Counts = { ok: 0, missing: 0, failed: 0, unmanaged: 0, unknown: 0, unchecked: 0, absent: 0 };
  for (const c of cells) n[c.state]++;
  return n;
}

export function* allCells(result: VerifyResult): Iterable<VerifyCell> {
  for (const byAccount of result.cells) for (const byRegion of byAccount) yield* byRegion;
}

/**
 * Exit status: 1 when anything intended is missing or failed (cells, config accounts not active in the
 * organization, declared policies not attached); 3 when nothing is but some intended cell or check is
 * unknown (a call failed: verify cannot say it is fine); 0 otherwise. 2 is "could not run" (main.ts).
 * `strict` also fails (1) on unmanaged cells and accounts of the organization that the config does not list.
 */
export function exitCodeOf(result: VerifyResult, options: { strict?: boolean } = {}): 0 | 1 | 3 {
  let unknownIntended = false;
  for (const c of allCells(result)) {
    if (c.state === 'missing' || c.state === 'failed') return 1;
    if (c.state === 'unmanaged' && options.strict) return 1;
    if (c.state === 'unknown' && (c.intended === 'covered' || c.intended === 'partial')) unknownIntended = true;
  }
  if (result.accountIssues.some((a) => a.state !== 'unknown')) return 1;
  if (result.policies.some((p) => p.state === 'missing')) return 1;
  if (options.strict && (result.unmanagedAccounts.length > 0 || result.policies.some((p) => p.state === 'unmanaged'))) return 1;
  if (unknownIntended || result.accountIssues.length > 0 || result.policies.some((p) => p.state === 'unknown') || result.unmanagedUnknown) return 3;
  return 0;
}

