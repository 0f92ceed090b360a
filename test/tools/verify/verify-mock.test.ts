import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as accessanalyzer from '@aws-sdk/client-accessanalyzer';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as configService from '@aws-sdk/client-config-service';
import * as detective from '@aws-sdk/client-detective';
import * as fms from '@aws-sdk/client-fms';
import * as guardduty from '@aws-sdk/client-guardduty';
import * as inspector2 from '@aws-sdk/client-inspector2';
import * as macie2 from '@aws-sdk/client-macie2';
import * as organizations from '@aws-sdk/client-organizations';
import * as securityhub from '@aws-sdk/client-securityhub';
import * as sts from '@aws-sdk/client-sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ClientMeta, Service } from '../../../tools/verify/aws';
import { VERIFY_CALLS } from '../../../tools/verify/calls';
import { main } from '../../../tools/verify/main';
import { simulateIntended, type SimulatedOrg } from '../../../tools/verify/simulated-org';
import { FAKE_KEYS, synthesize, type Synthesized } from './verify-helpers';

// The same simulated organization, served through aws-sdk-client-mock: `client.send` is stubbed, so these
// tests see the commands verify sends (their input, page by page) with aws-sdk-client-mock-jest's matchers.
// The stub bypasses the SDK middleware (retries included): throttling is tested in verify.test.ts, where
// the simulated AWS sits below the real retry middleware.

jest.setTimeout(60_000);

const MODULES: Record<Service, Record<string, any>> = {
  sts, organizations, cloudtrail, guardduty, securityhub, inspector2, detective, macie2, config: configService, fms, 'access-analyzer': accessanalyzer,
};
const CLIENT: Record<Service, string> = {
  sts: 'STSClient', organizations: 'OrganizationsClient', cloudtrail: 'CloudTrailClient', guardduty: 'GuardDutyClient', securityhub: 'SecurityHubClient',
  inspector2: 'Inspector2Client', detective: 'DetectiveClient', macie2: 'Macie2Client', config: 'ConfigServiceClient', fms: 'FMSClient', 'access-analyzer': 'AccessAnalyzerClient',
};

/** Every client class stubbed; each command answered by the simulated organization for the client's account and region. */
function serve(sim: SimulatedOrg) {
  const metas = new WeakMap<object, ClientMeta>();
  const stubs = new Map<Service, AwsStub<any, any, any>>();
  const calls: [Service, string][] = [...VERIFY_CALLS.map((c): [Service, string] => [c.service as Service, c.action]), ['sts', 'AssumeRole']];
  for (const [service, action] of calls) {
    let stub = stubs.get(service);
    if (!stub) {
      stub = mockClient(MODULES[service][CLIENT[service]]);
      stubs.set(service, stub);
    }
    stub.on(MODULES[service][`${action}Command`]).callsFake(async (input: unknown, getClient: () => any) => {
      const client = getClient();
      const meta = metas.get(client)!;
      return sim.handle({ service, operation: action, account: meta.account, region: await client.config.region(), input });
    });
  }
  return { stubs, configure: (client: object, meta: ClientMeta) => metas.set(client, meta), restore: () => stubs.forEach((s) => s.restore()) };
}

let full: Synthesized;
beforeAll(() => {
  full = synthesize();
});

async function run(configure: (client: object, meta: ClientMeta) => void) {
  let stdout = '';
  const code = await main(['--config', full.configFile, '--out', full.outdir, '--report-dir', mkdtempSync(path.join(tmpdir(), 'org-guard-verify-mock-')), '--json'], {}, {
    stdout: (t) => (stdout += t),
    stderr: () => undefined,
  }, { configure: configure as any, ambient: FAKE_KEYS });
  return { code, json: JSON.parse(stdout) };
}

describe('verify through aws-sdk-client-mock', () => {
  let served: ReturnType<typeof serve> | undefined;
  afterEach(() => served?.restore());

  test('lists are read page by page with the NextToken of the previous page and the largest MaxResults each API allows', async () => {
    const sim = simulateIntended(full.intended());
    // 250 Detective members: MaxResults 1-200 (https://docs.aws.amazon.com/detective/latest/APIReference/API_ListMembers.html)
    const extra = Array.from({ length: 250 }, (_, i) => String(800000000000 + i));
    for (const id of extra) {
      sim.accounts.push({ id, name: `x-${id}`, email: `${id}@example.com`, state: 'ACTIVE' });
      sim.detective.get('eu-west-1')!.members.set(id, { status: 'ENABLED' });
      // Macie: onlyAssociated "false" lists every relationship status; maxResults 1-50 (https://docs.aws.amazon.com/macie/latest/APIReference/members.html)
      sim.macie.get('eu-west-1')!.members.set(id, 'Removed');
    }
    served = serve(sim);
    const { code, json } = await run(served.configure);
    expect(code).toBe(0);
    const graph = sim.detective.get('eu-west-1')!.graphArn;
    expect(served.stubs.get('detective')).toHaveReceivedCommandWith(detective.ListMembersCommand, { GraphArn: graph, MaxResults: 200 });
    expect(served.stubs.get('detective')).toHaveReceivedCommandWith(detective.ListMembersCommand, { GraphArn: graph, MaxResults: 200, NextToken: expect.any(String) });
    // 255 members in eu-west-1: 2 pages; the other three regions: 1 page each
    expect(served.stubs.get('detective')).toHaveReceivedCommandTimes(detective.ListMembersCommand, 2 + 3);
    expect(served.stubs.get('macie2')).toHaveReceivedCommandWith(macie2.ListMembersCommand, { onlyAssociated: 'false', maxResults: 50, nextToken: expect.any(String) });
    expect(served.stubs.get('guardduty')).toHaveReceivedCommandWith(guardduty.ListMembersCommand, { OnlyAssociated: 'false', MaxResults: 50 });
    // every one of the 250 is seen live in Detective (the last page included), none as a Macie member (Removed is not live)
    const unmanaged = json.unmanagedAccounts as any[];
    expect(unmanaged).toHaveLength(250);
    expect(unmanaged.every((a) => a.live.some((l: any) => l.control === 'detective' && l.regions === 1))).toBe(true);
    expect(unmanaged.some((a) => a.live.some((l: any) => l.control === 'macie'))).toBe(false);
  });

  test('AccessDenied from one API (a rejected command): only its cells are unknown, with the action named', async () => {
    const sim = simulateIntended(full.intended());
    served = serve(sim);
    // AccessDeniedException, HTTP 403 (https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html#API_BatchGetAccountStatus_Errors)
    served.stubs.get('inspector2')!.on(inspector2.BatchGetAccountStatusCommand).rejects(new inspector2.AccessDeniedException({
      message: 'User is not authorized to perform: inspector2:BatchGetAccountStatus',
      $metadata: { httpStatusCode: 403 },
    }));
    const { code, json } = await run(served.configure);
    expect(code).toBe(3);
    const controls = new Set((json.problems as any[]).map((p) => p.control));
    expect(controls).toEqual(new Set(['inspector-ec2', 'inspector-ecr', 'inspector-lambda', 'inspector-lambda-code']));
    for (const p of json.problems) {
      expect(p.state).toBe('unknown');
      expect(p.live).toBe('AccessDeniedException on inspector2:BatchGetAccountStatus (security account): the verify role needs inspector2:BatchGetAccountStatus');
    }
    for (const c of json.controls.filter((x: any) => x.id.startsWith('inspector-'))) expect(c.counts.ok).toBe(0);
    expect(served.stubs.get('inspector2')).toHaveReceivedCommandWith(inspector2.BatchGetAccountStatusCommand, { accountIds: expect.arrayContaining(['444444444444']) });
  });
});
