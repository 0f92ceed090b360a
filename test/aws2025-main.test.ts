import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// config/examples/full.yaml through the entry point `cdktf synth` runs (npm run synth), in parallel workers as
// large organizations do: every 2025 security feature of issue 15 (items 3-6) reaches the written stacks.
test('the full example synthesizes through dist/main.js with the 2025 security features', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-aws2025-')), 'cdktf.out');
  const run = spawnSync(process.execPath, ['dist/main.js'], {
    env: { ...process.env, CDKTF_OUTDIR: out, ORG_CONFIG: 'config/examples/full.yaml', ORG_GUARD_SYNTH_WORKERS: '2' },
    encoding: 'utf8',
  });
  expect(run.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))).toEqual([]);
  expect(run.status).toBe(0);
  const stack = (name: string) => JSON.parse(readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  const sec = stack('security').resource;
  const policy = Object.values(sec.aws_securityhub_configuration_policy)[0] as any;
  expect(policy.configuration_policy.enabled_standard_arns).toContain('arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0');
  expect(policy.configuration_policy.security_controls_configuration.security_control_custom_parameter.length).toBeGreaterThan(0);
  expect(Object.keys(sec.aws_securityhub_automation_rule)).toHaveLength(2);
  expect(Object.values(sec.aws_accessanalyzer_analyzer).map((a: any) => a.type)).toContain('ORGANIZATION_INTERNAL_ACCESS');
  expect(Object.values(sec.aws_inspector2_organization_configuration).every((c: any) => c.auto_enable.code_repository === true)).toBe(true);
  expect(Object.keys(stack('workload-prod').resource.aws_guardduty_malware_protection_plan)).toHaveLength(1);
});
