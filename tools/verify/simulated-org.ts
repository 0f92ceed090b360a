import { block, list, type SynthResource } from '../report/model';
import type { ClientMeta, Configure, Service } from './aws';
import type { Intended } from './compare';

/**
 * A small simulated AWS organization for the tests and the benchmark: it answers each read call verify
 * makes with the response shape of the AWS API reference (the page is cited next to each handler and in
 * the tests), honours NextToken / MaxResults (and rejects a MaxResults above the API's limit), and can
 * inject per-call errors, throttling and latency.
 *
 * Plugged in below the SDK's retry middleware (`middleware`): the SDK serializes the command, signs it,
 * and retries a ThrottlingException with its adaptive strategy exactly as against AWS; only the HTTP
 * exchange and the protocol parsing are replaced by `handle`.
 */

export interface SimAccount {
  id: string;
  name: string;
  email: string;
  /** Organizations AccountState: ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED | PENDING_ACTIVATION. */
  state: string;
  joinedMethod?: 'INVITED' | 'CREATED';
}

export interface SimCall {
  service: Service;
  /** API operation, e.g. ListMembers. */
  operation: string;
  account: ClientMeta['account'];
  region: string;
  input: any;
}

export interface FaultRule {
  service?: Service;
  operation?: string;
  account?: ClientMeta['account'];
  region?: string;
  /** SDK error name, e.g. AccessDeniedException. */
  name: string;
  message?: string;
  status?: number;
  /** Fail this many times, then answer (undefined: always). */
  times?: number;
}

export interface GuardDutyState {
  detectorId: string;
  /** Status of the administrator's detector. */
  adminStatus: 'ENABLED' | 'DISABLED';
  adminFeatures: Record<string, 'ENABLED' | 'DISABLED'>;
  members: Map<string, { status: string; features: Record<string, 'ENABLED' | 'DISABLED'> }>;
}

type InspectorStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED' | 'SUSPENDING' | 'SUSPENDED';
export type InspectorAccount =
  | { ec2: InspectorStatus; ecr: InspectorStatus; lambda: InspectorStatus; lambdaCode: InspectorStatus }
  | { failed: { errorCode: string; errorMessage: string } };

export interface FmsPolicyState {
  id: string;
  name: string;
  type: string;
  compliance: Map<string, 'COMPLIANT' | 'NON_COMPLIANT'>;
}

export interface SimStats {
  /** Requests answered or failed, retries included, by `service:Operation`. */
  requests: Map<string, number>;
  throttled: number;
}

export interface SimFaults {
  /** Share of requests answered with ThrottlingException (0..1). */
  throttleRate?: number;
  /** Milliseconds each request takes. */
  latencyMs?: number;
  /** Deterministic randomness (seeded) for the throttling. */
  seed?: number;
}

/** Largest MaxResults each listing accepts (the API reference's "Valid Range"). */
const MAX: Record<string, number> = {
  'organizations:ListAccounts': 20,
  'organizations:ListRoots': 20,
  'organizations:ListPolicies': 20,
  'organizations:ListTargetsForPolicy': 20,
  'guardduty:ListDetectors': 50,
  'guardduty:ListMembers': 50,
  'securityhub:ListConfigurationPolicies': 100,
  'securityhub:ListConfigurationPolicyAssociations': 100,
  'securityhub:ListFindingAggregators': 100,
  'detective:ListGraphs': 200,
  'detective:ListMembers': 200,
  'macie2:ListMembers': 50,
  'access-analyzer:ListAnalyzers': 1000,
  'config:DescribeConfigurationAggregatorSourcesStatus': 100,
  'fms:ListPolicies': 100,
  'fms:ListComplianceStatus': 100,
};

export function simError(name: string, message: string, status = 400): Error {
  // The fields the SDK's deserializer sets on a service error and its retry strategy reads.
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimulatedOrg {
  organizationId = 'o-simulated01';
  rootId = 'r-sim1';
  managementId = '';
  securityId = '';
  homeRegion = 'us-east-1';
  regions: string[] = [];
  /** Account of the ambient credentials (sts:GetCallerIdentity). */
  ambientAccount = '';
  /** Role ARNs AssumeRole refuses, by the caller ('ambient' or 'management'). */
  denyAssume: { from: 'ambient' | 'management'; roleArn: string }[] = [];
  accounts: SimAccount[] = [];
  policies: { id: string; name: string; type: string; awsManaged: boolean; targets: { id: string; type: string; name: string }[] }[] = [];
  trail?: { name: string; arn: string; multiRegion: boolean; logging: boolean; deliveryError?: string; advanced: { Name?: string; FieldSelectors: Record<string, unknown>[] }[] };
  guardduty = new Map<string, GuardDutyState>();
  securityhub = {
    policies: [] as { id: string; arn: string; name: string; serviceEnabled: boolean; standards: string[] }[],
    associations: new Map<string, { policyId: string; status: 'SUCCESS' | 'PENDING' | 'FAILED'; message?: string; type: 'APPLIED' | 'INHERITED' }>(),
    aggregator: undefined as undefined | { mode: string; regions: string[] },
  };
  inspector = new Map<string, Map<string, InspectorAccount>>();
  detective = new Map<string, { graphArn?: string; members: Map<string, { status: string; disabledReason?: string }> }>();
  macie = new Map<string, { admin?: 'ENABLED' | 'PAUSED'; members: Map<string, string> }>();
  analyzers = new Map<string, { name: string; type: string; status: string; statusReason?: string; inclusions?: { accountIds?: string[] }[] }[]>();
  configAggregator?: { name: string; sources: Map<string, { status: 'SUCCEEDED' | 'FAILED' | 'OUTDATED'; errorCode?: string; errorMessage?: string }> };
  fms = new Map<string, FmsPolicyState[]>();

  faults: FaultRule[] = [];
  readonly stats: SimStats = { requests: new Map(), throttled: 0 };
  private random: () => number = mulberry32(1);
  private throttleRate = 0;
  private latencyMs = 0;

  setFaults(f: SimFaults): this {
    this.throttleRate = f.throttleRate ?? 0;
    this.latencyMs = f.latencyMs ?? 0;
    this.random = mulberry32(f.seed ?? 1);
    return this;
  }

  fail(rule: FaultRule): this {
    this.faults.push(rule);
    return this;
  }

  /** The `configure` hook for verify's clients: every call of every client goes to this organization. */
  readonly configure: Configure = (client, meta) => {
    // The stacks of the eleven clients differ in their input/output types only.
    (client.middlewareStack as { add: (mw: unknown, options: unknown) => void }).add(
      (_next: unknown, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        const output = await this.request({ ...meta, operation, input: args.input });
        return {
          output: { ...output, $metadata: { httpStatusCode: 200, requestId: `sim-${this.total()}` } },
          response: { statusCode: 200, headers: {}, body: undefined },
        };
      },
      // Below the retry middleware (finalizeRequest step) and above the deserializer: a thrown
      // ThrottlingException takes the SDK's real retry path.
      { step: 'deserialize', priority: 'high', name: 'orgGuardSimulatedAws' },
    );
  };

  total(): number {
    let n = 0;
    for (const v of this.stats.requests.values()) n += v;
    return n;
  }

  /** One request as it reaches AWS: latency, throttling, injected faults, then the answer. */
  async request(call: SimCall): Promise<any> {
    const k = `${call.service}:${call.operation}`;
    this.stats.requests.set(k, (this.stats.requests.get(k) ?? 0) + 1);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.throttleRate > 0 && call.service !== 'sts' && this.random() < this.throttleRate) {
      this.stats.throttled++;
      throw simError('ThrottlingException', 'Rate exceeded', 400);
    }
    return this.handle(call);
  }

  /** The answer to one call, or the error AWS would return. */
  handle(call: SimCall): any {
    for (const f of this.faults) {
      if ((f.service && f.service !== call.service) || (f.operation && f.operation !== call.operation) ||
        (f.account && f.account !== call.account) || (f.region && f.region !== call.region)) continue;
      if (f.times !== undefined) {
        if (f.times <= 0) continue;
        f.times--;
      }
      throw simError(f.name, f.message ?? `${f.name} (simulated)`, f.status ?? 400);
    }
    const handler = (this as any)[`${call.service.replace('-', '_')}_${call.operation}`] as ((c: SimCall) => any) | undefined;
    if (!handler) throw simError('UnknownOperationException', `the simulated organization does not answer ${call.service}:${call.operation}`);
    return handler.call(this, call);
  }

  /** One page of `items`; the token is the offset. */
  private page<T>(call: SimCall, items: T[], tokenField: string, maxField: string, defaultSize: number) {
    const max = call.input?.[maxField];
    const limit = MAX[`${call.service}:${call.operation}`];
    if (max !== undefined && (max < 1 || (limit !== undefined && max > limit))) {
      throw simError('ValidationException', `${maxField} ${max} is outside 1..${limit}`);
    }
    const size = max ?? defaultSize;
    const token = call.input?.[tokenField];
    const start = token ? Number(Buffer.from(String(token), 'base64').toString()) : 0;
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw simError('InvalidInputException', `bad ${tokenField}`);
    const end = start + size;
    return { items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
  }

  // ------------------------------------------------------------ STS
  // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
  sts_GetCallerIdentity(call: SimCall) {
    const account = call.account === 'ambient' ? this.ambientAccount : this.managementId;
    const arn = call.account === 'ambient' ? `arn:aws:sts::${account}:assumed-role/ci/session` : `arn:aws:sts::${account}:assumed-role/org-guard-verify/org-guard-verify`;
    return { Account: account, Arn: arn, UserId: 'AROASIMULATED:session' };
  }

  // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
  sts_AssumeRole(call: SimCall) {
    const roleArn = String(call.input.RoleArn);
    if (this.denyAssume.some((d) => d.from === call.account && d.roleArn === roleArn)) {
      throw simError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    return {
      Credentials: { AccessKeyId: 'ASIASIMULATED', SecretAccessKey: 'simulated', SessionToken: 'simulated', Expiration: new Date(Date.now() + 3600_000) },
      AssumedRoleUser: { Arn: roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/org-guard-verify', AssumedRoleId: 'AROASIMULATED:org-guard-verify' },
    };
  }

  // ------------------------------------------------------------ Organizations
  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
  organizations_DescribeOrganization() {
    return {
      Organization: {
        Id: this.organizationId,
        Arn: `arn:aws:organizations::${this.managementId}:organization/${this.organizationId}`,
        FeatureSet: 'ALL',
        MasterAccountId: this.managementId,
      },
    };
  }

  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
  organizations_ListAccounts(call: SimCall) {
    const p = this.page(call, this.accounts, 'NextToken', 'MaxResults', 20);
    return {
      Accounts: p.items.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${this.managementId}:account/${this.organizationId}/${a.id}`,
        Email: a.email,
        Name: a.name,
        // Status is the older field (retired 2026-09-09); both are returned until then.
        Status: a.state === 'ACTIVE' || a.state === 'SUSPENDED' || a.state === 'PENDING_CLOSURE' ? a.state : undefined,
        State: a.state,
        JoinedMethod: a.joinedMethod ?? 'CREATED',
        JoinedTimestamp: new Date('2024-01-02T03:04:05Z'),
      })),
      NextToken: p.next,
    };
  }

  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
  organizations_ListRoots(call: SimCall) {
    const p = this.page(call, [{ Id: this.rootId, Arn: `arn:aws:organizations::${this.managementId}:root/${this.organizationId}/${this.rootId}`, Name: 'Root', PolicyTypes: [] }], 'NextToken', 'MaxResults', 20);
    return { Roots: p.items, NextToken: p.next };
  }

  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html
  organizations_ListPolicies(call: SimCall) {
    const p = this.page(call, this.policies.filter((x) => x.type === call.input.Filter), 'NextToken', 'MaxResults', 20);
    return {
      Policies: p.items.map((x) => ({ Id: x.id, Arn: `arn:aws:organizations::aws:policy/${x.type.toLowerCase()}/${x.id}`, Name: x.name, Type: x.type, AwsManaged: x.awsManaged })),
      NextToken: p.next,
    };
  }

  // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html
  organizations_ListTargetsForPolicy(call: SimCall) {
    const policy = this.policies.find((x) => x.id === call.input.PolicyId);
    if (!policy) throw simError('PolicyNotFoundException', 'We can\'t find a policy with the PolicyId that you specified.');
    const p = this.page(call, policy.targets, 'NextToken', 'MaxResults', 20);
    return { Targets: p.items.map((t) => ({ TargetId: t.id, Arn: `arn:aws:organizations::${this.managementId}:${t.type.toLowerCase()}/${t.id}`, Name: t.name, Type: t.type })), NextToken: p.next };
  }

  // ------------------------------------------------------------ CloudTrail (management account, home region)
  // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html
  cloudtrail_DescribeTrails(call: SimCall) {
    const t = this.trail;
    if (!t || call.region !== this.homeRegion) return { trailList: [] };
    return {
      trailList: [{
        Name: t.name, S3BucketName: 'org-guard-trail', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: t.multiRegion,
        HomeRegion: this.homeRegion, TrailARN: t.arn, LogFileValidationEnabled: true, HasCustomEventSelectors: true,
        HasInsightSelectors: false, IsOrganizationTrail: true,
      }],
    };
  }

  // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html
  cloudtrail_GetTrailStatus(call: SimCall) {
    const t = this.trail;
    if (!t || (call.input.Name !== t.arn && call.input.Name !== t.name)) throw simError('TrailNotFoundException', 'Unknown trail');
    return { IsLogging: t.logging, LatestDeliveryError: t.deliveryError, LatestDeliveryTime: new Date(), StartLoggingTime: new Date('2024-01-02T00:00:00Z') };
  }

  // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html
  cloudtrail_GetEventSelectors(call: SimCall) {
    const t = this.trail;
    if (!t || (call.input.TrailName !== t.arn && call.input.TrailName !== t.name)) throw simError('TrailNotFoundException', 'Unknown trail');
    return { TrailARN: t.arn, AdvancedEventSelectors: t.advanced };
  }

  // ------------------------------------------------------------ GuardDuty (delegated admin, per region)
  private gd(call: SimCall): GuardDutyState | undefined {
    return this.guardduty.get(call.region);
  }

  // https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListDetectors.html
  guardduty_ListDetectors(call: SimCall) {
    const g = this.gd(call);
    const p = this.page(call, g ? [g.detectorId] : [], 'NextToken', 'MaxResults', 50);
    return { DetectorIds: p.items, NextToken: p.next };
  }

  // https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html
  guardduty_GetDetector(call: SimCall) {
    const g = this.gd(call);
    if (!g || g.detectorId !== call.input.DetectorId) throw simError('BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.');
    return {
      CreatedAt: '2024-01-02T03:04:05.000Z', ServiceRole: `arn:aws:iam::${this.securityId}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
      Status: g.adminStatus, UpdatedAt: '2024-01-02T03:04:05.000Z',
      Features: Object.entries(g.adminFeatures).map(([Name, Status]) => ({ Name, Status, UpdatedAt: new Date('2024-01-02T03:04:05Z') })),
    };
  }

  // https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListMembers.html
  guardduty_ListMembers(call: SimCall) {
    const g = this.gd(call);
    if (!g || g.detectorId !== call.input.DetectorId) throw simError('BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.');
    // OnlyAssociated defaults to "true": only members whose relationship is Enabled.
    const all = [...g.members.entries()].filter(([, m]) => call.input.OnlyAssociated === 'false' || m.status === 'Enabled');
    const p = this.page(call, all, 'NextToken', 'MaxResults', 50);
    return {
      Members: p.items.map(([id, m]) => ({
        AccountId: id, DetectorId: m.status === 'Enabled' ? `member-${id}` : undefined, MasterId: this.securityId, AdministratorId: this.securityId,
        Email: `${id}@example.com`, RelationshipStatus: m.status, UpdatedAt: '2024-01-02T03:04:05.000Z',
      })),
      NextToken: p.next,
    };
  }

  // https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetMemberDetectors.html
  guardduty_GetMemberDetectors(call: SimCall) {
    const g = this.gd(call);
    if (!g || g.detectorId !== call.input.DetectorId) throw simError('BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.');
    const ids: string[] = call.input.AccountIds ?? [];
    if (ids.length < 1 || ids.length > 50) throw simError('BadRequestException', 'AccountIds must have 1 to 50 members');
    const configs = [];
    const unprocessed = [];
    for (const id of ids) {
      const m = g.members.get(id);
      if (!m || m.status !== 'Enabled') unprocessed.push({ AccountId: id, Result: 'The request is rejected because the given account ID is not an associated member of account the current account.' });
      else configs.push({ AccountId: id, DataSources: {}, Features: Object.entries(m.features).map(([Name, Status]) => ({ Name, Status, UpdatedAt: new Date('2024-01-02T03:04:05Z') })) });
    }
    return { MemberDataSourceConfigurations: configs, UnprocessedAccounts: unprocessed };
  }

  // ------------------------------------------------------------ Security Hub (delegated admin, home region)
  private homeOnly(call: SimCall) {
    // "Only the Security Hub delegated administrator can invoke this operation from the home Region."
    if (call.region !== this.homeRegion) throw simError('AccessDeniedException', 'You can invoke this operation only from the home Region.', 403);
  }

  // https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListConfigurationPolicies.html
  securityhub_ListConfigurationPolicies(call: SimCall) {
    this.homeOnly(call);
    const p = this.page(call, this.securityhub.policies, 'NextToken', 'MaxResults', 100);
    return {
      ConfigurationPolicySummaries: p.items.map((x) => ({ Arn: x.arn, Id: x.id, Name: x.name, UpdatedAt: new Date('2024-01-02T03:04:05Z'), ServiceEnabled: x.serviceEnabled })),
      NextToken: p.next,
    };
  }

  // https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetConfigurationPolicy.html
  securityhub_GetConfigurationPolicy(call: SimCall) {
    this.homeOnly(call);
    const x = this.securityhub.policies.find((p) => p.id === call.input.Identifier || p.arn === call.input.Identifier);
    if (!x) throw simError('ResourceNotFoundException', 'Configuration policy not found', 404);
    return {
      Arn: x.arn, Id: x.id, Name: x.name, UpdatedAt: new Date('2024-01-02T03:04:05Z'), CreatedAt: new Date('2024-01-02T03:04:05Z'),
      ConfigurationPolicy: { SecurityHub: { ServiceEnabled: x.serviceEnabled, EnabledStandardIdentifiers: x.standards, SecurityControlsConfiguration: { DisabledSecurityControlIdentifiers: [] } } },
    };
  }

  // https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListConfigurationPolicyAssociations.html
  securityhub_ListConfigurationPolicyAssociations(call: SimCall) {
    this.homeOnly(call);
    const rootPolicy = this.securityhub.policies[0];
    const all = [
      ...(rootPolicy ? [{ ConfigurationPolicyId: rootPolicy.id, TargetId: this.rootId, TargetType: 'ROOT', AssociationType: 'APPLIED', AssociationStatus: 'SUCCESS' }] : []),
      ...[...this.securityhub.associations.entries()].map(([id, a]) => ({
        ConfigurationPolicyId: a.policyId, TargetId: id, TargetType: 'ACCOUNT', AssociationType: a.type,
        UpdatedAt: new Date('2024-01-02T03:04:05Z'), AssociationStatus: a.status, AssociationStatusMessage: a.message,
      })),
    ];
    const p = this.page(call, all, 'NextToken', 'MaxResults', 100);
    return { ConfigurationPolicyAssociationSummaries: p.items, NextToken: p.next };
  }

  // https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListFindingAggregators.html
  securityhub_ListFindingAggregators(call: SimCall) {
    const agg = this.securityhub.aggregator;
    const p = this.page(call, agg ? [{ FindingAggregatorArn: `arn:aws:securityhub:${this.homeRegion}:${this.securityId}:finding-aggregator/sim` }] : [], 'NextToken', 'MaxResults', 100);
    return { FindingAggregators: p.items, NextToken: p.next };
  }

  // https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetFindingAggregator.html
  securityhub_GetFindingAggregator(call: SimCall) {
    const agg = this.securityhub.aggregator;
    if (!agg) throw simError('ResourceNotFoundException', 'Finding aggregator not found', 404);
    return { FindingAggregatorArn: call.input.FindingAggregatorArn, FindingAggregationRegion: this.homeRegion, RegionLinkingMode: agg.mode, Regions: agg.regions };
  }

  // ------------------------------------------------------------ Inspector (delegated admin, per region)
  // https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html
  inspector2_BatchGetAccountStatus(call: SimCall) {
    const ids: string[] = call.input.accountIds ?? [];
    if (ids.length > 10) throw simError('ValidationException', 'accountIds: Member must have length less than or equal to 10');
    const region = this.inspector.get(call.region) ?? new Map();
    const accounts = [];
    const failedAccounts = [];
    const state = (s: InspectorStatus) => ({ status: s });
    for (const id of ids) {
      const a = region.get(id);
      if (!a) {
        failedAccounts.push({ accountId: id, errorCode: 'ACCESS_DENIED', errorMessage: 'Caller is not the delegated administrator of this account' });
      } else if ('failed' in a) {
        failedAccounts.push({ accountId: id, ...a.failed });
      } else {
        const all = [a.ec2, a.ecr, a.lambda, a.lambdaCode];
        accounts.push({
          accountId: id,
          state: { status: all.includes('ENABLED') ? 'ENABLED' : 'DISABLED' },
          resourceState: { ec2: state(a.ec2), ecr: state(a.ecr), lambda: state(a.lambda), lambdaCode: state(a.lambdaCode), codeRepository: state('DISABLED') },
        });
      }
    }
    return { accounts, failedAccounts };
  }

  // ------------------------------------------------------------ Detective (delegated admin, per region)
  // https://docs.aws.amazon.com/detective/latest/APIReference/API_ListGraphs.html
  detective_ListGraphs(call: SimCall) {
    const d = this.detective.get(call.region);
    const p = this.page(call, d?.graphArn ? [{ Arn: d.graphArn, CreatedTime: new Date('2024-01-02T03:04:05Z') }] : [], 'NextToken', 'MaxResults', 200);
    return { GraphList: p.items, NextToken: p.next };
  }

  // https://docs.aws.amazon.com/detective/latest/APIReference/API_ListMembers.html
  detective_ListMembers(call: SimCall) {
    const d = this.detective.get(call.region);
    if (!d?.graphArn || d.graphArn !== call.input.GraphArn) throw simError('ResourceNotFoundException', 'The request refers to a nonexistent resource.', 404);
    const p = this.page(call, [...d.members.entries()], 'NextToken', 'MaxResults', 200);
    return {
      MemberDetails: p.items.map(([id, m]) => ({
        AccountId: id, EmailAddress: `${id}@example.com`, GraphArn: d.graphArn, AdministratorId: this.securityId, MasterId: this.securityId,
        Status: m.status, DisabledReason: m.disabledReason, InvitationType: 'ORGANIZATION', UpdatedTime: new Date('2024-01-02T03:04:05Z'),
      })),
      NextToken: p.next,
    };
  }

  // ------------------------------------------------------------ Macie (delegated admin, per region)
  // https://docs.aws.amazon.com/macie/latest/APIReference/macie.html (GET /macie). Without Macie, its APIs answer
  // AccessDeniedException "Macie is not enabled." with HTTP 401 (as reported in mondoohq/mql#5988, prowler#1279).
  macie2_GetMacieSession(call: SimCall) {
    const m = this.macie.get(call.region);
    if (!m?.admin) throw simError('AccessDeniedException', 'Macie is not enabled.', 401);
    return { createdAt: new Date('2024-01-02T03:04:05Z'), findingPublishingFrequency: 'FIFTEEN_MINUTES', serviceRole: `arn:aws:iam::${this.securityId}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`, status: m.admin, updatedAt: new Date('2024-01-02T03:04:05Z') };
  }

  // https://docs.aws.amazon.com/macie/latest/APIReference/members.html (GET /members)
  macie2_ListMembers(call: SimCall) {
    const m = this.macie.get(call.region);
    if (!m?.admin) throw simError('AccessDeniedException', 'Macie is not enabled.', 401);
    const all = [...m.members.entries()].filter(([, s]) => call.input.onlyAssociated === 'false' || s === 'Enabled');
    const p = this.page(call, all, 'nextToken', 'maxResults', 50);
    return {
      members: p.items.map(([id, s]) => ({
        accountId: id, administratorAccountId: this.securityId, arn: `arn:aws:macie2:${call.region}:${this.securityId}:member/${id}`,
        email: `${id}@example.com`, relationshipStatus: s, updatedAt: new Date('2024-01-02T03:04:05Z'),
      })),
      nextToken: p.next,
    };
  }

  // ------------------------------------------------------------ IAM Access Analyzer (delegated admin, per region)
  // https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListAnalyzers.html
  'access_analyzer_ListAnalyzers'(call: SimCall) {
    const all = (this.analyzers.get(call.region) ?? []).filter((a) => !call.input.type || a.type === call.input.type);
    const p = this.page(call, all, 'nextToken', 'maxResults', 100);
    return {
      analyzers: p.items.map((a) => ({
        arn: `arn:aws:access-analyzer:${call.region}:${this.securityId}:analyzer/${a.name}`, name: a.name, type: a.type, createdAt: new Date('2024-01-02T03:04:05Z'),
        status: a.status, statusReason: a.statusReason ? { code: a.statusReason } : undefined,
        configuration: a.inclusions ? { internalAccess: { analysisRule: { inclusions: a.inclusions } } } : undefined,
      })),
      nextToken: p.next,
    };
  }

  // ------------------------------------------------------------ AWS Config (delegated admin, home region)
  // https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregatorSourcesStatus.html
  config_DescribeConfigurationAggregatorSourcesStatus(call: SimCall) {
    const agg = this.configAggregator;
    if (!agg || agg.name !== call.input.ConfigurationAggregatorName || call.region !== this.homeRegion) {
      throw simError('NoSuchConfigurationAggregatorException', 'You have specified a configuration aggregator that does not exist.');
    }
    const all = [...agg.sources.entries()].map(([k, s]) => {
      const [id, region] = k.split('/');
      return { SourceId: id, SourceType: 'ORGANIZATION', AwsRegion: region, LastUpdateStatus: s.status, LastUpdateTime: new Date('2024-01-02T03:04:05Z'), LastErrorCode: s.errorCode, LastErrorMessage: s.errorMessage };
    });
    const p = this.page(call, all, 'NextToken', 'Limit', 100);
    return { AggregatedSourceStatusList: p.items, NextToken: p.next };
  }

  // ------------------------------------------------------------ Firewall Manager (administrator, per region)
  // https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_ListPolicies.html
  fms_ListPolicies(call: SimCall) {
    const p = this.page(call, this.fms.get(call.region) ?? [], 'NextToken', 'MaxResults', 100);
    return {
      PolicyList: p.items.map((x) => ({
        PolicyArn: `arn:aws:fms:${call.region}:${this.securityId}:policy/${x.id}`, PolicyId: x.id, PolicyName: x.name, ResourceType: 'AWS::EC2::VPC',
        SecurityServiceType: x.type, RemediationEnabled: false, DeleteUnusedFMManagedResources: false, PolicyStatus: 'ACTIVE',
      })),
      NextToken: p.next,
    };
  }

  // https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_ListComplianceStatus.html
  fms_ListComplianceStatus(call: SimCall) {
    const policy = (this.fms.get(call.region) ?? []).find((x) => x.id === call.input.PolicyId);
    if (!policy) throw simError('ResourceNotFoundException', 'The specified resource was not found.');
    const p = this.page(call, [...policy.compliance.entries()], 'NextToken', 'MaxResults', 100);
    return {
      PolicyComplianceStatusList: p.items.map(([id, s]) => ({
        PolicyOwner: this.securityId, PolicyId: policy.id, PolicyName: policy.name, MemberAccount: id,
        EvaluationResults: [{ ComplianceStatus: s, ViolatorCount: s === 'COMPLIANT' ? 0 : 2, EvaluationLimitExceeded: false }],
        LastUpdated: new Date('2024-01-02T03:04:05Z'), IssueInfoMap: {},
      })),
      NextToken: p.next,
    };
  }
}

// ---------------------------------------------------------------- an organization that is exactly what org-guard intends

const FEATURE_OF: Record<string, string> = {};
for (const f of ['S3_DATA_EVENTS', 'EKS_AUDIT_LOGS', 'EBS_MALWARE_PROTECTION', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS', 'RUNTIME_MONITORING']) {
  FEATURE_OF[`guardduty-${f.toLowerCase().replace(/_/g, '-')}`] = f;
}

/**
 * A simulated organization in which every cell the coverage report calls covered or partial is live, and
 * nothing else: the fixture where verify must exit 0. Tests then break one thing at a time.
 */
export function simulateIntended(intended: Intended, options: { ambientAccount?: string } = {}): SimulatedOrg {
  const { coverage, ctx, scope } = intended;
  const sim = new SimulatedOrg();
  sim.organizationId = coverage.organizationId;
  sim.rootId = ctx.config.organization.rootId ?? 'r-sim1';
  sim.managementId = scope.managementId;
  sim.securityId = scope.securityId;
  sim.homeRegion = scope.homeRegion;
  sim.regions = [...scope.regions];
  sim.ambientAccount = options.ambientAccount ?? scope.managementId;
  sim.accounts = coverage.accounts.map((a) => ({ id: a.id, name: a.name, email: `${a.name}@example.com`, state: 'ACTIVE' }));

  const ci = (id: string) => coverage.controls.findIndex((c) => c.id === id);
  const wanted = (control: string, ai: number, ri: number) => {
    const i = ci(control);
    const s = i >= 0 ? coverage.cells[i][ai][ri].status : 'missing';
    return s === 'covered' || s === 'partial';
  };
  const accountsWanted = (control: string, ri: number) => coverage.accounts.filter((_, ai) => wanted(control, ai, ri));

  // Organization policies, attached where the synth attaches them; FullAWSAccess as AWS creates it.
  sim.policies.push({ id: 'p-FullAWSAccess', name: 'FullAWSAccess', type: 'SERVICE_CONTROL_POLICY', awsManaged: true, targets: [{ id: sim.rootId, type: 'ROOT', name: 'Root' }] });
  intended.policies.forEach((p, i) => sim.policies.push({
    id: `p-sim${String(i).padStart(8, '0')}`,
    name: p.name,
    type: p.type,
    awsManaged: false,
    targets: p.targets.map((t) => (t === 'root' ? { id: sim.rootId, type: 'ROOT', name: 'Root' } : { id: t, type: t.startsWith('ou-') ? 'ORGANIZATIONAL_UNIT' : 'ACCOUNT', name: t })),
  }));

  // Organization trail, with the advanced event selectors of the synth in the API's shape.
  const trail = ctx.all('aws_cloudtrail').find((t) => t.body.is_organization_trail === true);
  if (trail) {
    const name = String(trail.body.name);
    sim.trail = {
      name,
      arn: `arn:aws:cloudtrail:${scope.homeRegion}:${scope.managementId}:trail/${name}`,
      multiRegion: trail.body.is_multi_region_trail === true,
      logging: trail.body.enable_logging !== false,
      advanced: list(trail.body.advanced_event_selector).map((s: any) => ({
        Name: s.name,
        FieldSelectors: list(s.field_selector).map((f: any) => ({
          Field: f.field,
          ...(f.equals ? { Equals: f.equals } : {}),
          ...(f.not_equals ? { NotEquals: f.not_equals } : {}),
          ...(f.starts_with ? { StartsWith: f.starts_with } : {}),
          ...(f.not_starts_with ? { NotStartsWith: f.not_starts_with } : {}),
        })),
      })),
    };
  }

  // Security Hub central configuration.
  const shPolicy = ctx.all('aws_securityhub_configuration_policy')[0];
  if (shPolicy) {
    const body = block(shPolicy.body.configuration_policy) ?? {};
    sim.securityhub.policies.push({
      id: '11111111-2222-3333-4444-555555555555',
      arn: `arn:aws:securityhub:${scope.homeRegion}:${scope.securityId}:configuration-policy/11111111-2222-3333-4444-555555555555`,
      name: String(shPolicy.body.name),
      serviceEnabled: body.service_enabled === true,
      standards: list(body.enabled_standard_arns).map(String),
    });
  }
  const agg: SynthResource | undefined = ctx.all('aws_securityhub_finding_aggregator')[0];
  if (agg) sim.securityhub.aggregator = { mode: String(agg.body.linking_mode), regions: list(agg.body.specified_regions).map(String) };
  coverage.accounts.forEach((a, ai) => {
    if (sim.securityhub.policies[0] && coverage.regions.some((_, ri) => wanted('securityhub', ai, ri))) {
      sim.securityhub.associations.set(a.id, { policyId: sim.securityhub.policies[0].id, status: 'SUCCESS', type: 'INHERITED' });
    }
  });

  const aggregator = ctx.all('aws_config_configuration_aggregator')[0];
  if (aggregator) sim.configAggregator = { name: String(aggregator.body.name), sources: new Map() };

  coverage.regions.forEach((region, ri) => {
    // GuardDuty: the administrator's detector and its members, with the intended protection plans.
    if (coverage.accounts.some((_, ai) => wanted('guardduty', ai, ri))) {
      const g: GuardDutyState = { detectorId: `det${ri}0000000000000000000000000000`.slice(0, 32), adminStatus: 'ENABLED', adminFeatures: {}, members: new Map() };
      coverage.accounts.forEach((a, ai) => {
        const features: Record<string, 'ENABLED' | 'DISABLED'> = {};
        for (const [control, f] of Object.entries(FEATURE_OF)) features[f] = wanted(control, ai, ri) ? 'ENABLED' : 'DISABLED';
        if (a.id === scope.securityId) {
          g.adminStatus = wanted('guardduty', ai, ri) ? 'ENABLED' : 'DISABLED';
          g.adminFeatures = features;
        } else if (wanted('guardduty', ai, ri)) g.members.set(a.id, { status: 'Enabled', features });
      });
      sim.guardduty.set(region, g);
    }
    // Inspector: the resource types org-guard enables, per account.
    const ins = new Map<string, InspectorAccount>();
    coverage.accounts.forEach((a, ai) => {
      const s = (c: string): InspectorStatus => (wanted(c, ai, ri) ? 'ENABLED' : 'DISABLED');
      ins.set(a.id, { ec2: s('inspector-ec2'), ecr: s('inspector-ecr'), lambda: s('inspector-lambda'), lambdaCode: s('inspector-lambda-code') });
    });
    sim.inspector.set(region, ins);
    // Detective and Macie.
    const det = accountsWanted('detective', ri);
    sim.detective.set(region, {
      graphArn: det.length ? `arn:aws:detective:${region}:${scope.securityId}:graph:0123456789abcdef0123456789abcdef` : undefined,
      members: new Map(det.filter((a) => a.id !== scope.securityId).map((a) => [a.id, { status: 'ENABLED' }])),
    });
    const mac = accountsWanted('macie', ri);
    sim.macie.set(region, {
      admin: mac.length ? 'ENABLED' : undefined,
      members: new Map(mac.filter((a) => a.id !== scope.securityId).map((a) => [a.id, 'Enabled'])),
    });
    // Access Analyzer: the organization analyzers of the region.
    const analyzers: NonNullable<ReturnType<SimulatedOrg['analyzers']['get']>> = [];
    if (accountsWanted('access-analyzer', ri).length) analyzers.push({ name: 'org-guard-organization', type: 'ORGANIZATION', status: 'ACTIVE' });
    const internal = accountsWanted('access-analyzer-internal', ri);
    if (internal.length) {
      analyzers.push({
        name: 'org-guard-organization-internal-access', type: 'ORGANIZATION_INTERNAL_ACCESS', status: 'ACTIVE',
        inclusions: internal.length === coverage.accounts.length ? [] : [{ accountIds: internal.map((a) => a.id) }],
      });
    }
    sim.analyzers.set(region, analyzers);
    // Config recorders as the organization aggregator sees them.
    if (sim.configAggregator) {
      for (const a of accountsWanted('config-recorder', ri)) sim.configAggregator.sources.set(`${a.id}/${region}`, { status: 'SUCCEEDED' });
    }
    // Firewall Manager: one policy per type and region, compliant for the accounts in scope.
    const policies: FmsPolicyState[] = [];
    for (const c of coverage.controls) {
      if (!c.id.startsWith('fms-') || c.provided === false) continue;
      const type = c.id.slice(4).toUpperCase().replace(/_/g, '-').replace(/-/g, '_');
      const inScope = accountsWanted(c.id, ri);
      if (inScope.length === 0) continue;
      const names = ctx.all('aws_fms_policy').filter((p) => p.region === region && block(p.body.security_service_policy_data)?.type === type).map((p) => String(p.body.name));
      policies.push({
        id: `${type.toLowerCase().slice(0, 8)}-${ri}`.padEnd(36, '0'),
        name: names[0] ?? `org-guard-${type.toLowerCase()}-${region}`,
        type,
        compliance: new Map(inScope.map((a) => [a.id, 'COMPLIANT' as const])),
      });
    }
    sim.fms.set(region, policies);
  });
  return sim;
}
