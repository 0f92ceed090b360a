import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TfJson } from '../helpers';

// Issue 13 item 8, through the command the user types (`npm run synth` runs the cdktf CLI): the bundled
// example synthesizes without a Detective warning and workload-prod enrols in Detective in every region,
// with the graph ARN the security stack publishes in that region (no copied output, one deploy pass).
describe('Day 1 in one pass: Detective graph ARNs found, not copied (bundled example, npm run synth)', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-day1-')), 'cdktf.out');
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
  delete env.ORG_CONFIG;
  let run: ReturnType<typeof spawnSync>;
  const stack = (name: string): TfJson => JSON.parse(readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1']; // config/organization.yaml

  beforeAll(() => {
    run = spawnSync('npm', ['run', 'synth', '--', '--output', out], { cwd: path.join(__dirname, '../..'), env, encoding: 'utf8' });
  }, 180_000);

  test('synth succeeds and says nothing about Detective graphs', () => {
    expect(run.status).toBe(0);
    const text = `${run.stdout}\n${run.stderr}`;
    expect(text).not.toMatch(/graphArns|detective_graph_arns|graph ARN/i);
    expect(text.split('\n').filter((l) => /warning:.*detective/i.test(l))).toEqual([]);
  });

  test('the security stack writes the graph ARN in every region and no output to copy', () => {
    const sec = stack('security');
    expect(sec.output?.detective_graph_arns).toBeUndefined();
    const params = Object.values(sec.resource!.aws_ssm_parameter).filter((p: any) => p.name === '/org-guard/detective/graph-arn');
    expect(params.map((p: any) => p.region).sort()).toEqual([...regions].sort());
    for (const p of params as any[]) {
      expect(p.provider).toBeUndefined(); // the security account's own provider
      expect(p.insecure_value).toMatch(/^\$\{aws_detective_graph\.[^.]+\.graph_arn\}$/);
    }
  });

  test('workload-prod enrols in Detective in every region with the graph read through its security provider', () => {
    const prod = stack('workload-prod');
    const members = Object.values(prod.resource!.aws_detective_member) as any[];
    expect(members.map((m) => m.region).sort()).toEqual([...regions].sort());
    const lookups = prod.data!.aws_ssm_parameter as Record<string, any>;
    for (const m of members) {
      expect(m).toMatchObject({ account_id: '444444444444', email_address: 'aws-workload-prod@example.com', provider: 'aws.security' });
      const ref = /^\$\{data\.aws_ssm_parameter\.([^.]+)\.insecure_value\}$/.exec(m.graph_arn);
      expect(ref).not.toBeNull();
      expect(lookups[ref![1]]).toMatchObject({ name: '/org-guard/detective/graph-arn', region: m.region, provider: 'aws.security' });
    }
    const security = (prod.provider!.aws as any[]).find((p) => p.alias === 'security');
    expect(security.allowed_account_ids).toEqual(['222222222222']);
    // The member stack deploys after the one that writes the parameters.
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['workload-prod'].dependencies).toEqual(['security']);
  });
});
