import { ListAnalyzersCommand, type AnalyzerSummary } from '@aws-sdk/client-accessanalyzer';
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type GetEventSelectorsResponse,
  type GetTrailStatusResponse,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeConfigurationAggregatorSourcesStatusCommand, type AggregatedSourceStatus } from '@aws-sdk/client-config-service';
import { ListGraphsCommand, ListMembersCommand as DetectiveListMembersCommand, type MemberDetail } from '@aws-sdk/client-detective';
import { ListComplianceStatusCommand, ListPoliciesCommand as FmsListPoliciesCommand, type PolicyComplianceStatus, type PolicySummary as FmsPolicySummary } from '@aws-sdk/client-fms';
import {
  GetDetectorCommand,
  GetMemberDetectorsCommand,
  ListDetectorsCommand,
  ListMembersCommand as GuardDutyListMembersCommand,
  type GetDetectorResponse,
  type Member as GuardDutyMember,
} from '@aws-sdk/client-guardduty';
import { BatchGetAccountStatusCommand, type AccountState, type FailedAccount } from '@aws-sdk/client-inspector2';
import { GetMacieSessionCommand, ListMembersCommand as MacieListMembersCommand, type GetMacieSessionResponse, type Member as MacieMember } from '@aws-sdk/client-macie2';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type Account as OrgAccount,
  type PolicySummary,
  type PolicyTargetSummary,
  type PolicyType,
  type Root,
} from '@aws-sdk/client-organizations';
import {
  GetConfigurationPolicyCommand,
  GetFindingAggregatorCommand,
  ListConfigurationPoliciesCommand,
  ListConfigurationPolicyAssociationsCommand,
  ListFindingAggregatorsCommand,
  type ConfigurationPolicyAssociationSummary,
  type ConfigurationPolicySummary,
  type GetConfigurationPolicyResponse,
  type GetFindingAggregatorResponse,
} from '@aws-sdk/client-securityhub';
import { allPages, type Caller, type Result } from './aws';

/**
 * The live organization, read with organization-wide calls from the management account (Organizations,
 * CloudTrail) and the delegated administrator (everything else). Each piece is a Result: a call that failed
 * makes only the cells it feeds `unknown`.
 */
export interface LiveOrg {
  organization: Result<{ id: string; managementAccountId?: string }>;
  accounts: Result<OrgAccount[]>;
  roots: Result<Root[]>;
  /** Policies of each type org-guard declares, with their targets. */
  policies: Map<string, Result<{ policy: PolicySummary; targets: Result<PolicyTargetSummary[]> }[]>>;
  trail: Result<OrgTrail | undefined>;
  guardduty: Map<string, GuardDutyRegion>;
  securityhub: SecurityHubHome;
  inspector: Map<string, Map<string, Result<{ state?: AccountState; failed?: FailedAccount }>>>;
  detective: Map<string, { graphs: Result<string[]>; members: Result<Map<string, MemberDetail>> }>;
  macie: Map<string, { session: Result<GetMacieSessionResponse>; members: Result<Map<string, MacieMember>> }>;
  analyzers: Map<string, Result<AnalyzerSummary[]>>;
  /** Aggregator source status by `account/region`; undefined: no aggregator in the config to read. */
  configSources: Result<Map<string, AggregatedSourceStatus>> | undefined;
  fms: Map<string, { policies: Result<FmsPolicySummary[]>; compliance: Map<string, Result<PolicyComplianceStatus[]>> }>;
}

export interface OrgTrail {
  trail: Trail;
  status: Result<GetTrailStatusResponse>;
  selectors: Result<GetEventSelectorsResponse>;
}

export interface GuardDutyRegion {
  /** The administrator's detector id; undefined when it has none in the region. */
  detector: Result<{ id: string; detail: Result<GetDetectorResponse> } | undefined>;
  members: Result<Map<string, GuardDutyMember>>;
  /** Feature name -> status per member account; `unprocessed` holds GuardDuty's reason per account. */
  features: Result<{ byAccount: Map<string, Map<string, string>>; unprocessed: Map<string, string> }>;
}

export interface SecurityHubHome {
  policies: Result<ConfigurationPolicySummary[]>;
  /** Details of every policy some account is associated with, by id. */
  details: Map<string, Result<GetConfigurationPolicyResponse>>;
  /** Account associations (target type ACCOUNT), by account id. */
  associations: Result<Map<string, ConfigurationPolicyAssociationSummary>>;
  aggregator: Result<GetFindingAggregatorResponse | undefined>;
}

export interface LiveScope {
  managementId: string;
  securityId: string;
  homeRegion: string;
  regions: readonly string[];
  /** Accounts whose Inspector status is read (BatchGetAccountStatus takes ids): the config's and the organization's. */
  accountIds: (orgAccounts: readonly string[]) => string[];
  /** Organization policy types org-guard declares (SERVICE_CONTROL_POLICY, ...). */
  policyTypes: readonly string[];
  /** The organization trail's name in the config. */
  trailName?: string;
  /** Name of the organization Config aggregator the security stack creates, when it does. */
  aggregatorName?: string;
}

/** Largest page each API accepts (its MaxResults range in the API reference). */
export const PAGE = {
  organizations: 20,
  guarddutyMembers: 50,
  guarddutyDetectors: 50,
  guarddutyMemberDetectors: 50,
  securityhub: 100,
  inspectorBatch: 10,
  detective: 200,
  macie: 50,
  analyzers: 100,
  configSources: 100,
  fms: 100,
} as const;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

const map = <T, U>(r: Result<T>, f: (v: T) => U): Result<U> => (r.ok ? { ok: true, value: f(r.value) } : r);

export type OrganizationReads = Pick<LiveOrg, 'organization' | 'accounts' | 'roots'>;

/** Organizations is global; its endpoint is in us-east-1 whatever region the client names. Read first: main checks the organization id. */
export async function readOrganization(caller: Caller, scope: Pick<LiveScope, 'homeRegion'>): Promise<OrganizationReads> {
  const home = scope.homeRegion;
  const m = 'management' as const;
  const [organization, accounts, roots] = await Promise.all([
    caller.call<'organizations', any>('organizations', 'DescribeOrganization', m, home, new DescribeOrganizationCommand({}))
      .then((r) => map(r, (o) => ({ id: String(o.Organization?.Id), managementAccountId: o.Organization?.MasterAccountId as string | undefined }))),
    allPages<OrgAccount>(async (token) => map(
      await caller.call<'organizations', any>('organizations', 'ListAccounts', m, home, new ListAccountsCommand({ NextToken: token, MaxResults: PAGE.organizations })),
      (o) => ({ items: o.Accounts ?? [], next: o.NextToken }),
    )),
    allPages<Root>(async (token) => map(
      await caller.call<'organizations', any>('organizations', 'ListRoots', m, home, new ListRootsCommand({ NextToken: token, MaxResults: PAGE.organizations })),
      (o) => ({ items: o.Roots ?? [], next: o.NextToken }),
    )),
  ]);
  return { organization, accounts, roots };
}

export async function readLive(caller: Caller, scope: LiveScope, org?: OrganizationReads): Promise<LiveOrg> {
  const { homeRegion: home, regions } = scope;
  const m = 'management' as const;
  const s = 'security' as const;
  const { organization, accounts, roots } = org ?? await readOrganization(caller, scope);
  const orgIds = accounts.ok ? accounts.value.map((a) => String(a.Id)) : [];
  const accountIds = scope.accountIds(orgIds);

  const policies = new Map<string, Result<{ policy: PolicySummary; targets: Result<PolicyTargetSummary[]> }[]>>();
  const trail = readTrail(caller, scope);
  // Every region and service at once: the pool bounds the calls in flight, so the slowest chain of pages sets the pace.
  const perRegion = regions.map(async (region) => {
    const [guardduty, inspector, detective, macie, analyzers, fms] = await Promise.all([
      readGuardDuty(caller, region, scope.securityId),
      readInspector(caller, region, accountIds),
      readDetective(caller, region),
      readMacie(caller, region),
      allPages<AnalyzerSummary>(async (token) => map(
        await caller.call<'access-analyzer', any>('access-analyzer', 'ListAnalyzers', s, region, new ListAnalyzersCommand({ nextToken: token, maxResults: PAGE.analyzers })),
        (o) => ({ items: o.analyzers ?? [], next: o.nextToken }),
      )),
      readFms(caller, region),
    ]);
    return { region, guardduty, inspector, detective, macie, analyzers, fms };
  });
  const policyReads = scope.policyTypes.map(async (type) => {
    const list = await allPages<PolicySummary>(async (token) => map(
      await caller.call<'organizations', any>('organizations', 'ListPolicies', m, home, new ListPoliciesCommand({ Filter: type as PolicyType, NextToken: token, MaxResults: PAGE.organizations })),
      (o) => ({ items: o.Policies ?? [], next: o.NextToken }),
    ));
    if (!list.ok) {
      policies.set(type, list);
      return;
    }
    const withTargets = await Promise.all(list.value.filter((p) => !p.AwsManaged).map(async (policy) => ({
      policy,
      targets: await allPages<PolicyTargetSummary>(async (token) => map(
        await caller.call<'organizations', any>('organizations', 'ListTargetsForPolicy', m, home, new ListTargetsForPolicyCommand({ PolicyId: policy.Id, NextToken: token, MaxResults: PAGE.organizations })),
        (o) => ({ items: o.Targets ?? [], next: o.NextToken }),
      )),
    })));
    policies.set(type, { ok: true, value: withTargets });
  });
  const configSources = scope.aggregatorName ? readConfigSources(caller, home, scope.aggregatorName) : Promise.resolve(undefined);
  const [securityhub, regional, trailResult, sources] = await Promise.all([
    readSecurityHub(caller, home),
    Promise.all(perRegion),
    trail,
    configSources,
    Promise.all(policyReads),
  ]);
  return {
    organization,
    accounts,
    roots,
    policies,
    trail: trailResult,
    guardduty: new Map(regional.map((r) => [r.region, r.guardduty])),
    securityhub,
    inspector: new Map(regional.map((r) => [r.region, r.inspector])),
    detective: new Map(regional.map((r) => [r.region, r.detective])),
    macie: new Map(regional.map((r) => [r.region, r.macie])),
    analyzers: new Map(regional.map((r) => [r.region, r.analyzers])),
    configSources: sources,
    fms: new Map(regional.map((r) => [r.region, r.fms])),
  };
}

/** The organization trail lives in the management account's home region (stacks/management.ts). */
async function readTrail(caller: Caller, scope: LiveScope): Promise<Result<OrgTrail | undefined>> {
  const home = scope.homeRegion;
  const trails = await caller.call<'cloudtrail', any>('cloudtrail', 'DescribeTrails', 'management', home, new DescribeTrailsCommand({ includeShadowTrails: false }));
  if (!trails.ok) return trails;
  const list: Trail[] = trails.value.trailList ?? [];
  const org = list.filter((t) => t.IsOrganizationTrail);
  const trail = org.find((t) => t.Name === scope.trailName) ?? org[0];
  if (!trail) return { ok: true, value: undefined };
  const [status, selectors] = await Promise.all([
    caller.call<'cloudtrail', GetTrailStatusResponse>('cloudtrail', 'GetTrailStatus', 'management', home, new GetTrailStatusCommand({ Name: trail.TrailARN })),
    caller.call<'cloudtrail', GetEventSelectorsResponse>('cloudtrail', 'GetEventSelectors', 'management', home, new GetEventSelectorsCommand({ TrailName: trail.TrailARN })),
  ]);
  return { ok: true, value: { trail, status, selectors } };
}

async function readGuardDuty(caller: Caller, region: string, securityId: string): Promise<GuardDutyRegion> {
  const s = 'security' as const;
  const ids = await allPages<string>(async (token) => map(
    await caller.call<'guardduty', any>('guardduty', 'ListDetectors', s, region, new ListDetectorsCommand({ NextToken: token, MaxResults: PAGE.guarddutyDetectors })),
    (o) => ({ items: o.DetectorIds ?? [], next: o.NextToken }),
  ));
  if (!ids.ok) return { detector: ids, members: ids, features: ids };
  const id = ids.value[0];
  if (!id) {
    const none = { ok: true as const, value: undefined };
    return { detector: none, members: { ok: true, value: new Map() }, features: { ok: true, value: { byAccount: new Map(), unprocessed: new Map() } } };
  }
  const [detail, members] = await Promise.all([
    caller.call<'guardduty', GetDetectorResponse>('guardduty', 'GetDetector', s, region, new GetDetectorCommand({ DetectorId: id })),
    // OnlyAssociated=false: members in every relationship status, not only Enabled ones
    // (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListMembers.html).
    allPages<GuardDutyMember>(async (token) => map(
      await caller.call<'guardduty', any>('guardduty', 'ListMembers', s, region, new GuardDutyListMembersCommand({ DetectorId: id, OnlyAssociated: 'false', NextToken: token, MaxResults: PAGE.guarddutyMembers })),
      (o) => ({ items: o.Members ?? [], next: o.NextToken }),
    )),
  ]);
  const memberMap = map(members, (list) => new Map(list.filter((x) => x.AccountId !== securityId).map((x) => [String(x.AccountId), x])));
  let features: GuardDutyRegion['features'] = memberMap.ok ? { ok: true, value: { byAccount: new Map(), unprocessed: new Map() } } : memberMap;
  if (memberMap.ok && features.ok) {
    const byAccount = features.value.byAccount;
    const unprocessed = features.value.unprocessed;
    // Only accounts whose detector GuardDuty can read: associated (Enabled) members.
    const enabled = [...memberMap.value.values()].filter((x) => x.RelationshipStatus === 'Enabled').map((x) => String(x.AccountId));
    const batches = await Promise.all(chunks(enabled, PAGE.guarddutyMemberDetectors).map((batch) =>
      caller.call<'guardduty', any>('guardduty', 'GetMemberDetectors', s, region, new GetMemberDetectorsCommand({ DetectorId: id, AccountIds: batch }))));
    const failed = batches.find((b) => !b.ok);
    if (failed && !failed.ok) features = failed;
    else {
      for (const b of batches) {
        if (!b.ok) continue;
        for (const c of b.value.MemberDataSourceConfigurations ?? []) {
          byAccount.set(String(c.AccountId), new Map((c.Features ?? []).map((f: any) => [String(f.Name), String(f.Status)])));
        }
        for (const u of b.value.UnprocessedAccounts ?? []) unprocessed.set(String(u.AccountId), String(u.Result));
      }
    }
  }
  return { detector: { ok: true, value: { id, detail } }, members: memberMap, features };
}

async function readInspector(caller: Caller, region: string, accountIds: string[]) {
  const out = new Map<string, Result<{ state?: AccountState; failed?: FailedAccount }>>();
  await Promise.all(chunks(accountIds, PAGE.inspectorBatch).map(async (batch) => {
    const r = await caller.call<'inspector2', any>('inspector2', 'BatchGetAccountStatus', 'security', region, new BatchGetAccountStatusCommand({ accountIds: batch }));
    if (!r.ok) {
      for (const id of batch) out.set(id, r);
      return;
    }
    for (const a of (r.value.accounts ?? []) as AccountState[]) out.set(String(a.accountId), { ok: true, value: { state: a } });
    for (const f of (r.value.failedAccounts ?? []) as FailedAccount[]) out.set(String(f.accountId), { ok: true, value: { failed: f } });
  }));
  return out;
}

async function readDetective(caller: Caller, region: string) {
  const graphs = await allPages<string>(async (token) => map(
    await caller.call<'detective', any>('detective', 'ListGraphs', 'security', region, new ListGraphsCommand({ NextToken: token, MaxResults: PAGE.detective })),
    (o) => ({ items: (o.GraphList ?? []).map((g: { Arn?: string }) => String(g.Arn)), next: o.NextToken }),
  ));
  if (!graphs.ok) return { graphs, members: graphs };
  const members = new Map<string, MemberDetail>();
  for (const graph of graphs.value) {
    const r = await allPages<MemberDetail>(async (token) => map(
      await caller.call<'detective', any>('detective', 'ListMembers', 'security', region, new DetectiveListMembersCommand({ GraphArn: graph, NextToken: token, MaxResults: PAGE.detective })),
      (o) => ({ items: o.MemberDetails ?? [], next: o.NextToken }),
    ));
    if (!r.ok) return { graphs, members: r };
    for (const d of r.value) members.set(String(d.AccountId), d);
  }
  return { graphs, members: { ok: true as const, value: members } };
}

async function readMacie(caller: Caller, region: string) {
  const [session, members] = await Promise.all([
    caller.call<'macie2', GetMacieSessionResponse>('macie2', 'GetMacieSession', 'security', region, new GetMacieSessionCommand({})),
    // onlyAssociated=false: every member whatever its relationship status (https://docs.aws.amazon.com/macie/latest/APIReference/members.html).
    allPages<MacieMember>(async (token) => map(
      await caller.call<'macie2', any>('macie2', 'ListMembers', 'security', region, new MacieListMembersCommand({ onlyAssociated: 'false', nextToken: token, maxResults: PAGE.macie })),
      (o) => ({ items: o.members ?? [], next: o.nextToken }),
    )),
  ]);
  return { session, members: map(members, (list) => new Map(list.map((x) => [String(x.accountId), x]))) };
}

async function readFms(caller: Caller, region: string) {
  const policies = await allPages<FmsPolicySummary>(async (token) => map(
    await caller.call<'fms', any>('fms', 'ListPolicies', 'security', region, new FmsListPoliciesCommand({ NextToken: token, MaxResults: PAGE.fms })),
    (o) => ({ items: o.PolicyList ?? [], next: o.NextToken }),
  ));
  const compliance = new Map<string, Result<PolicyComplianceStatus[]>>();
  if (policies.ok) {
    await Promise.all(policies.value.map(async (p) => {
      compliance.set(String(p.PolicyId), await allPages<PolicyComplianceStatus>(async (token) => map(
        await caller.call<'fms', any>('fms', 'ListComplianceStatus', 'security', region, new ListComplianceStatusCommand({ PolicyId: p.PolicyId, NextToken: token, MaxResults: PAGE.fms })),
        (o) => ({ items: o.PolicyComplianceStatusList ?? [], next: o.NextToken }),
      )));
    }));
  }
  return { policies, compliance };
}

async function readConfigSources(caller: Caller, home: string, name: string): Promise<Result<Map<string, AggregatedSourceStatus>>> {
  const list = await allPages<AggregatedSourceStatus>(async (token) => map(
    await caller.call<'config', any>('config', 'DescribeConfigurationAggregatorSourcesStatus', 'security', home,
      new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: name, NextToken: token, Limit: PAGE.configSources })),
    (o) => ({ items: o.AggregatedSourceStatusList ?? [], next: o.NextToken }),
  ));
  return map(list, (l) => new Map(l.map((x) => [`${x.SourceId}/${x.AwsRegion}`, x])));
}

/** Central configuration is read in the home region only: "Only the Security Hub delegated administrator can invoke this operation from the home Region". */
async function readSecurityHub(caller: Caller, home: string): Promise<SecurityHubHome> {
  const s = 'security' as const;
  const [policies, associations, aggregators] = await Promise.all([
    allPages<ConfigurationPolicySummary>(async (token) => map(
      await caller.call<'securityhub', any>('securityhub', 'ListConfigurationPolicies', s, home, new ListConfigurationPoliciesCommand({ NextToken: token, MaxResults: PAGE.securityhub })),
      (o) => ({ items: o.ConfigurationPolicySummaries ?? [], next: o.NextToken }),
    )),
    allPages<ConfigurationPolicyAssociationSummary>(async (token) => map(
      await caller.call<'securityhub', any>('securityhub', 'ListConfigurationPolicyAssociations', s, home, new ListConfigurationPolicyAssociationsCommand({ NextToken: token, MaxResults: PAGE.securityhub })),
      (o) => ({ items: o.ConfigurationPolicyAssociationSummaries ?? [], next: o.NextToken }),
    )),
    allPages<{ FindingAggregatorArn?: string }>(async (token) => map(
      await caller.call<'securityhub', any>('securityhub', 'ListFindingAggregators', s, home, new ListFindingAggregatorsCommand({ NextToken: token, MaxResults: PAGE.securityhub })),
      (o) => ({ items: o.FindingAggregators ?? [], next: o.NextToken }),
    )),
  ]);
  const byAccount = map(associations, (list) => new Map(list.filter((a) => a.TargetType === 'ACCOUNT').map((a) => [String(a.TargetId), a])));
  const details = new Map<string, Result<GetConfigurationPolicyResponse>>();
  if (byAccount.ok) {
    const ids = [...new Set([...byAccount.value.values()].map((a) => String(a.ConfigurationPolicyId)))].filter((id) => id !== SELF_MANAGED);
    await Promise.all(ids.map(async (id) => {
      details.set(id, await caller.call<'securityhub', GetConfigurationPolicyResponse>('securityhub', 'GetConfigurationPolicy', s, home, new GetConfigurationPolicyCommand({ Identifier: id })));
    }));
  }
  let aggregator: SecurityHubHome['aggregator'] = aggregators.ok ? { ok: true, value: undefined } : aggregators;
  const arn = aggregators.ok ? aggregators.value[0]?.FindingAggregatorArn : undefined;
  if (arn) aggregator = await caller.call<'securityhub', GetFindingAggregatorResponse>('securityhub', 'GetFindingAggregator', s, home, new GetFindingAggregatorCommand({ FindingAggregatorArn: arn }));
  return { policies, details, associations: byAccount, aggregator };
}

/** ConfigurationPolicyId of an account that manages Security Hub itself (API_ConfigurationPolicyAssociationSummary). */
export const SELF_MANAGED = 'SELF_MANAGED_SECURITY_HUB';
