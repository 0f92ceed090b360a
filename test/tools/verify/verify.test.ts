import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { VERIFY_CALLS } from '../../../tools/verify/calls';
import { countsOf, problemsOf, runVerify, synthesize, type Synthesized } from './verify-helpers';

// The simulated organization answers in the shapes of the AWS API reference; each test cites the page
// whose field or value it relies on.

jest.setTimeout(60_000);

let full: Synthesized;
beforeAll(() => {
  full = synthesize();
});

const PROD = '444444444444';
const DEV = '555555555555';
const SECURITY = '222222222222';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'];

describe('npm run verify against a simulated organization (real SDK clients, simulated AWS below the retry middleware)', () => {
  test('every intended cell live: exit 0, every verified control ok for every intended cell', async () => {
    const run = await runVerify(full);
    expect(run.stderr).toContain('result: exit 0: every intended cell is live');
    expect(run.code).toBe(0);
    const cov = full.intended().coverage;
    for (const c of run.json.controls) {
      const ci = cov.controls.findIndex((x) => x.id === c.id);
      const intended = cov.cells[ci].flat().filter((x) => x.status === 'covered' || x.status === 'partial').length;
      expect({ id: c.id, ok: c.counts.ok, missing: c.counts.missing, failed: c.counts.failed, unknown: c.counts.unknown, unmanaged: c.counts.unmanaged })
        .toEqual({ id: c.id, ok: intended, missing: 0, failed: 0, unknown: 0, unmanaged: 0 });
    }
    expect(run.json.problems).toEqual([]);
    expect(run.json.policies.map((p: any) => p.state)).toEqual(run.json.policies.map(() => 'ok'));
    // the HTML report is one self-contained page
    const html = readFileSync(path.join(run.reportDir, 'verify.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
  });

  test('a member whose GuardDuty relationship is Removed in one region is red in that cell (and its plans), and verify exits 1', async () => {
    // Member.RelationshipStatus: Created | Invited | Disabled | Enabled | Removed | Resigned | ...
    // (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Member.html); ListMembers with
    // OnlyAssociated=false returns every member whatever its status (API_ListMembers.html).
    const run = await runVerify(full, (sim) => {
      sim.guardduty.get('eu-west-1')!.members.get(PROD)!.status = 'Removed';
    });
    expect(run.code).toBe(1);
    expect(problemsOf(run, 'guardduty')).toEqual([
      expect.objectContaining({ account: PROD, accountName: 'workload-prod', region: 'eu-west-1', state: 'failed', live: 'RelationshipStatus Removed', intended: 'covered' }),
    ]);
    // its protection plans cannot be on either, for the same reason; the other regions stay ok
    expect(problemsOf(run, 'guardduty-runtime-monitoring')).toEqual([expect.objectContaining({ account: PROD, region: 'eu-west-1', state: 'failed', live: 'RelationshipStatus Removed' })]);
    expect(countsOf(run, 'guardduty').ok).toBe(6 * 4 - 1);
    expect(run.stderr).toMatch(/✗ failed +GuardDuty, S3 protection, .*Runtime monitoring · workload-prod \(444444444444\) · eu-west-1: RelationshipStatus Removed/);
    expect(run.stderr).toContain('result: exit 1: something intended is missing or failed');
  });

  test('an account of the organization that the config does not list is reported as unmanaged, with what runs in it; --strict fails on it', async () => {
    const rogue = (sim: any) => {
      sim.accounts.push({ id: '999999999999', name: 'shadow-it', email: 'shadow@example.com', state: 'ACTIVE', joinedMethod: 'INVITED' });
      for (const r of REGIONS) sim.guardduty.get(r).members.set('999999999999', { status: 'Enabled', features: {} });
      sim.macie.get('us-east-1').members.set('999999999999', 'Enabled');
    };
    const run = await runVerify(full, rogue);
    expect(run.json.unmanagedAccounts).toEqual([{
      id: '999999999999', name: 'shadow-it', email: 'shadow@example.com', state: 'ACTIVE', joined: 'INVITED 2024-01-02',
      live: [{ control: 'guardduty', label: 'GuardDuty', regions: 4 }, { control: 'macie', label: 'Macie', regions: 1 }],
    }]);
    expect(run.stderr).toContain('organization accounts not in the config (1):');
    expect(run.stderr).toContain('! 999999999999 shadow-it <shadow@example.com> (ACTIVE, INVITED 2024-01-02): live GuardDuty 4/4, Macie 1/4');
    // drift is reported, not a failure of what is intended...
    expect(run.code).toBe(0);
    // ...unless asked
    expect((await runVerify(full, rogue, ['--strict'])).code).toBe(1);
  });

  test('AccessDenied on one API makes only its cells unknown, with the IAM action named; never ok; the rest completes (exit 3)', async () => {
    const run = await runVerify(full, (sim) => {
      sim.fail({ service: 'macie2', operation: 'ListMembers', name: 'AccessDeniedException', status: 403,
        message: `User: arn:aws:sts::${SECURITY}:assumed-role/org-guard-verify/org-guard-verify is not authorized to perform: macie2:ListMembers` });
    });
    expect(run.code).toBe(3);
    const macie = problemsOf(run, 'macie');
    // every member cell of every region, and nothing else
    expect(macie).toHaveLength(5 * 4);
    expect(new Set(macie.map((p: any) => p.state))).toEqual(new Set(['unknown']));
    expect(macie.some((p: any) => p.account === SECURITY)).toBe(false);
    expect(macie[0].live).toBe('AccessDeniedException on macie2:ListMembers (security account): the verify role needs macie2:ListMembers');
    // the administrator's own Macie comes from GetMacieSession, which still answers
    expect(countsOf(run, 'macie')).toMatchObject({ ok: 4, unknown: 20 });
    expect(run.json.problems.filter((p: any) => p.control !== 'macie')).toEqual([]);
    expect(run.json.failedCalls).toEqual(REGIONS.map((region) => expect.objectContaining({ action: 'macie2:ListMembers', account: 'security', region, code: 'AccessDeniedException', kind: 'access-denied' })));
    expect(run.stderr).toContain('result: exit 3: nothing intended is missing, but some cells are unknown (a call failed)');
  });

  test('pagination: every page of ListAccounts (20 per page) and GuardDuty ListMembers (50 per page) is followed', async () => {
    // MaxResults: organizations ListAccounts 1-20 (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html),
    // GuardDuty ListMembers 1-50 (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListMembers.html).
    // The simulated organization rejects a larger MaxResults with ValidationException, as AWS does.
    const extra = Array.from({ length: 130 }, (_, i) => String(900000000000 + i));
    const run = await runVerify(full, (sim) => {
      for (const id of extra) {
        sim.accounts.push({ id, name: `unlisted-${id}`, email: `${id}@example.com`, state: 'ACTIVE' });
        for (const r of REGIONS) sim.guardduty.get(r)!.members.set(id, { status: 'Enabled', features: {} });
      }
    });
    expect(run.code).toBe(0);
    // the last accounts are on the last pages
    expect(run.json.unmanagedAccounts.map((a: any) => a.id)).toEqual(extra);
    for (const a of run.json.unmanagedAccounts) expect(a.live).toContainEqual({ control: 'guardduty', label: 'GuardDuty', regions: 4 });
    // 136 accounts: 7 pages; 135 members per region (the administrator is not its own member): 3 pages x 4 regions
    expect(run.sim.stats.requests.get('organizations:ListAccounts')).toBe(7);
    expect(run.sim.stats.requests.get('guardduty:ListMembers')).toBe(3 * 4);
    // GetMemberDetectors takes 1-50 account ids (API_GetMemberDetectors.html): 5 intended + 130 enabled members = 3 calls per region
    expect(run.sim.stats.requests.get('guardduty:GetMemberDetectors')).toBe(3 * 4);
    // BatchGetAccountStatus takes at most 10 ids (https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html): 136 ids = 14 calls per region
    expect(run.sim.stats.requests.get('inspector2:BatchGetAccountStatus')).toBe(14 * 4);
  });

  // The SDK's own backoff (a throttle waits up to 500 ms x 2^attempt, randomized) and its adaptive rate limiter
  // read the global clock: on a fake clock moved on whenever the run is idle, every retry still happens, in
  // the SDK's order, without the test sleeping through the seconds of backoff.
  async function onFastClock<T>(start: () => Promise<T>): Promise<T> {
    const realNow = performance.now.bind(performance); // taken before the clock is faked
    const deadline = realNow() + 30_000; // a run that never settles fails here, not at jest's timeout
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'] });
    try {
      let settled = false;
      const run = start().then((value) => ({ value }), (error: unknown) => ({ error })).finally(() => (settled = true));
      while (!settled) {
        if (realNow() > deadline) throw new Error('verify did not finish within 30 s of real time on the fast clock');
        await new Promise((resolve) => setImmediate(resolve)); // real I/O (the report files) goes on
        await jest.advanceTimersByTimeAsync(50);
      }
      const outcome = await run;
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    } finally {
      jest.useRealTimers();
    }
  }

  test('throttling goes through the SDK retry: throttled requests are retried until they answer, and counted', async () => {
    const run = await onFastClock(() => runVerify(full, (sim) => sim.setFaults({ throttleRate: 0.1, seed: 7 }), [], { maxAttempts: 10 }));
    expect(run.code).toBe(0);
    expect(run.json.problems).toEqual([]);
    // every throttled request was sent again by the SDK (its $metadata.attempts), none was lost
    expect(run.sim.stats.throttled).toBeGreaterThan(3);
    expect(run.json.calls.retries).toBe(run.sim.stats.throttled);
    expect(run.sim.total()).toBe(run.json.calls.total + run.sim.stats.throttled + run.sim.stats.requests.get('sts:GetCallerIdentity')! + run.sim.stats.requests.get('sts:AssumeRole')!);
  });

  test('a call still throttled after maxAttempts is unknown in its cells only, and the SDK made exactly maxAttempts requests', async () => {
    const run = await onFastClock(() => runVerify(full, (sim) => {
      sim.fail({ service: 'guardduty', operation: 'ListDetectors', region: 'us-west-2', name: 'ThrottlingException', message: 'Rate exceeded' });
    }, [], { maxAttempts: 3 }));
    expect(run.code).toBe(3);
    expect(run.sim.stats.requests.get('guardduty:ListDetectors')).toBe(3 + 3);
    const gd = run.json.problems.filter((p: any) => p.control.startsWith('guardduty'));
    expect(new Set(gd.map((p: any) => `${p.region} ${p.state}`))).toEqual(new Set(['us-west-2 unknown']));
    expect(gd[0].live).toBe('ThrottlingException on guardduty:ListDetectors (security account): still throttled after every retry');
  });

  test('an opt-in region that is not enabled: its cells are unknown with the reason, every other region completes', async () => {
    // A request to a region the account has not enabled fails authentication like an unknown key:
    // UnrecognizedClientException (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
    const run = await runVerify(full, (sim) => {
      sim.fail({ account: 'security', region: 'ap-northeast-1', name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', status: 403 });
    });
    expect(run.code).toBe(3);
    const regions = new Set(run.json.problems.map((p: any) => p.region));
    expect(regions).toEqual(new Set(['ap-northeast-1']));
    expect(run.json.problems.find((p: any) => p.control === 'detective').live)
      .toBe('UnrecognizedClientException on detective:ListGraphs (security account): the region is not enabled for the account (opt-in region) or the credentials are not valid there');
    expect(countsOf(run, 'detective').ok).toBe(6 * 3);
  });

  test('a service not enabled for the administrator: Security Hub cells are unknown with AWS\'s message, the others ok', async () => {
    // InvalidAccessException, HTTP 401 (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ListConfigurationPolicyAssociations.html#API_ListConfigurationPolicyAssociations_Errors),
    // with the message "Account <id> is not subscribed to AWS Security Hub" when Security Hub is off (as reported in joshlarsen/aws-recon#65).
    const run = await runVerify(full, (sim) => {
      sim.fail({ service: 'securityhub', name: 'InvalidAccessException', status: 401, message: `Account ${SECURITY} is not subscribed to AWS Security Hub` });
    });
    expect(run.code).toBe(3);
    // the standards the config does not use are unknown too: verify cannot tell whether they run unmanaged
    expect(new Set(run.json.problems.map((p: any) => p.control))).toEqual(new Set(['securityhub', 'securityhub-fsbp', 'securityhub-cis', 'securityhub-nist', 'securityhub-pci', 'securityhub-tagging']));
    expect(new Set(run.json.problems.map((p: any) => p.state))).toEqual(new Set(['unknown']));
    expect(countsOf(run, 'securityhub')).toMatchObject({ ok: 0, unknown: 24 });
    expect(run.json.problems[0].live).toContain(`InvalidAccessException on securityhub:ListConfigurationPolicyAssociations (security account): Account ${SECURITY} is not subscribed to AWS Security Hub (the service or its delegated administration is not set up there)`);
  });

  test('Macie not enabled for the administrator in one region: its own cell is missing, the members\' unknown', async () => {
    // AccessDeniedException "Macie is not enabled." (HTTP 401) from every Macie API of an account without Macie
    // (https://docs.aws.amazon.com/macie/latest/APIReference/macie.html; message as reported in prowler-cloud/prowler#1279).
    const run = await runVerify(full, (sim) => {
      sim.macie.get('us-west-2')!.admin = undefined;
    });
    expect(run.code).toBe(1);
    const macie = problemsOf(run, 'macie');
    expect(macie.filter((p: any) => p.state === 'missing')).toEqual([expect.objectContaining({ account: SECURITY, region: 'us-west-2', live: 'Macie not enabled (AccessDeniedException)' })]);
    expect(macie.filter((p: any) => p.state === 'unknown')).toHaveLength(5);
    expect(new Set(macie.map((p: any) => p.region))).toEqual(new Set(['us-west-2']));
  });

  test('failed states carry AWS\'s own status and reason', async () => {
    let waf = '';
    const run = await runVerify(full, (sim) => {
      // ConfigurationPolicyAssociationSummary.AssociationStatus SUCCESS | PENDING | FAILED, AssociationStatusMessage
      // (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_ConfigurationPolicyAssociationSummary.html)
      sim.securityhub.associations.set(DEV, { policyId: sim.securityhub.policies[0].id, status: 'FAILED', type: 'INHERITED', message: 'Configuration failed: the account is not a member of the organization' });
      sim.securityhub.associations.get(PROD)!.status = 'PENDING';
      // MemberDetail.Status ACCEPTED_BUT_DISABLED with DisabledReason VOLUME_TOO_HIGH
      // (https://docs.aws.amazon.com/detective/latest/APIReference/API_MemberDetail.html)
      sim.detective.get('us-east-1')!.members.set(DEV, { status: 'ACCEPTED_BUT_DISABLED', disabledReason: 'VOLUME_TOO_HIGH' });
      // BatchGetAccountStatus failedAccounts[] errorCode/errorMessage (https://docs.aws.amazon.com/inspector/v2/APIReference/API_FailedAccount.html)
      sim.inspector.get('us-west-2')!.set(DEV, { failed: { errorCode: 'ACCOUNT_IS_ISOLATED', errorMessage: 'The account is isolated' } });
      // ResourceState ec2 status SUSPENDED (https://docs.aws.amazon.com/inspector/v2/APIReference/API_State.html)
      sim.inspector.get('eu-west-1')!.set(PROD, { ec2: 'SUSPENDED', ecr: 'ENABLED', lambda: 'ENABLED', lambdaCode: 'ENABLED' });
      // EvaluationResult.ComplianceStatus NON_COMPLIANT, ViolatorCount (https://docs.aws.amazon.com/fms/2018-01-01/APIReference/API_EvaluationResult.html)
      const policy = sim.fms.get('us-east-1')!.find((p) => p.type === 'WAFV2')!;
      policy.compliance.set(PROD, 'NON_COMPLIANT');
      waf = policy.name;
      // GetTrailStatus.IsLogging (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html)
      sim.trail!.logging = false;
      // AggregatedSourceStatus.LastUpdateStatus FAILED, LastErrorCode, LastErrorMessage
      // (https://docs.aws.amazon.com/config/latest/APIReference/API_AggregatedSourceStatus.html)
      sim.configAggregator!.sources.set(`${DEV}/us-east-1`, { status: 'FAILED', errorCode: 'AccessDeniedException', errorMessage: 'The aggregator role cannot read the account' });
    });
    expect(run.code).toBe(1);
    const live = (control: string, account: string, region: string) =>
      run.json.problems.find((p: any) => p.control === control && p.account === account && p.region === region)?.live;
    expect(live('securityhub', DEV, 'us-east-1')).toBe('association FAILED: Configuration failed: the account is not a member of the organization (policy org-guard)');
    expect(live('securityhub', PROD, 'ap-northeast-1')).toBe('association PENDING (policy org-guard)');
    expect(live('detective', DEV, 'us-east-1')).toBe('Status ACCEPTED_BUT_DISABLED (VOLUME_TOO_HIGH)');
    expect(live('inspector-ec2', DEV, 'us-west-2')).toBe('ACCOUNT_IS_ISOLATED: The account is isolated');
    expect(live('inspector-ec2', PROD, 'eu-west-1')).toBe('ec2 SUSPENDED');
    expect(live('inspector-ecr', PROD, 'eu-west-1')).toBeUndefined();
    expect(live('fms-wafv2', PROD, 'us-east-1')).toBe(`NON_COMPLIANT in ${waf} (2 violators)`);
    expect(live('cloudtrail', SECURITY, 'us-west-2')).toBe('trail org-guard-organization-trail IsLogging false');
    expect(live('config-recorder', DEV, 'us-east-1')).toBe('aggregator source FAILED: AccessDeniedException The aggregator role cannot read the account');
    for (const p of run.json.problems) expect(p.state).toBe('failed');
  });

  test('Config: an aggregator source for the whole organization (SourceId the organization id) fails every account of the region, or leaves them unchecked', async () => {
    // AggregatedSourceStatus.SourceId: "The source account ID or an organization"
    // (https://docs.aws.amazon.com/config/latest/APIReference/API_AggregatedSourceStatus.html)
    const run = await runVerify(full, (sim) => {
      sim.configAggregator!.sources.clear();
      sim.configAggregator!.sources.set('o-exampleorg1/us-east-1', { status: 'SUCCEEDED' });
      sim.configAggregator!.sources.set('o-exampleorg1/us-west-2', { status: 'OUTDATED' });
    });
    const cells = problemsOf(run, 'config-recorder');
    expect(new Set(cells.map((p: any) => `${p.region} ${p.state}`))).toEqual(new Set(['us-west-2 failed', 'eu-west-1 missing', 'ap-northeast-1 missing']));
    expect(countsOf(run, 'config-recorder')).toMatchObject({ ok: 0, unchecked: 6, failed: 6, missing: 12 });
    expect(run.code).toBe(1);
  });

  test('accounts of the config not active in the organization, and declared policies not attached, fail', async () => {
    const run = await runVerify(full, (sim) => {
      // Account.State ACTIVE | SUSPENDED | ... (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html)
      sim.accounts.find((a) => a.id === DEV)!.state = 'SUSPENDED';
      sim.accounts = sim.accounts.filter((a) => a.id !== '666666666666');
      sim.policies.find((p) => p.name === 'org-guard-protect-detection')!.targets = [];
    });
    expect(run.code).toBe(1);
    expect(run.json.accountIssues).toEqual([
      { id: DEV, name: 'workload-dev', state: 'failed', detail: 'account State SUSPENDED' },
      { id: '666666666666', name: 'sandbox-alice', state: 'missing', detail: 'not an account of organization o-exampleorg1' },
    ]);
    expect(run.json.policies.find((p: any) => p.name === 'org-guard-protect-detection'))
      .toMatchObject({ state: 'missing', type: 'SERVICE_CONTROL_POLICY', declared: ['root'], live: [], detail: 'not attached to the root (r-sim1)' });
  });

  test('credentials: the security role is assumed from the management role when the ambient identity cannot; a refused role is one line, exit 2', async () => {
    const chained = await runVerify(full, (sim) => {
      sim.ambientAccount = '777777777777';
      sim.denyAssume.push({ from: 'ambient', roleArn: `arn:aws:iam::${SECURITY}:role/org-guard-verify` });
    });
    expect(chained.code).toBe(0);
    expect(chained.json.reached).toEqual({
      management: 'assumed arn:aws:iam::111111111111:role/org-guard-verify',
      security: `assumed arn:aws:iam::${SECURITY}:role/org-guard-verify from arn:aws:iam::111111111111:role/org-guard-verify`,
    });
    const refused = await runVerify(full, (sim) => {
      sim.ambientAccount = '777777777777';
      sim.denyAssume.push({ from: 'ambient', roleArn: 'arn:aws:iam::111111111111:role/org-guard-verify' });
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'verify: cannot assume arn:aws:iam::111111111111:role/org-guard-verify from arn:aws:sts::777777777777:assumed-role/ci/session: AccessDenied: User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/org-guard-verify (verify.roleName, verify.trustedPrincipalArns, verify.githubOidc)',
    ]);
  });

  test('credentials of another organization: one line, exit 2, nothing compared', async () => {
    const run = await runVerify(full, (sim) => {
      sim.organizationId = 'o-someoneelse';
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('verify: the credentials reach organization o-someoneelse, the config describes o-exampleorg1 (organization.id): wrong credentials or wrong config');
    expect(existsSync(path.join(run.reportDir, 'verify.html'))).toBe(false);
  });

  test('verify makes exactly the calls of VERIFY_CALLS, the list the read-only role is built from', async () => {
    const run = await runVerify(full);
    const made = new Set([...run.sim.stats.requests.keys()]);
    made.delete('sts:AssumeRole'); // with the ambient identity (or the management role: ROLE_CHAIN_ACTION), not the verify role's policy
    expect([...made].sort()).toEqual(VERIFY_CALLS.map((c) => `${c.service}:${c.action}`).sort());
  });
});
