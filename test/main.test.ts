import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { AWS_REGIONS } from '../config/regions';
import { syntheticOrganization } from '../tools/bench/generate';
import { minimalInput } from './helpers';

// End to end through the compiled entry point that `cdktf synth` runs (`npm test` builds dist/ first).
function runMain(configText: string | null, outdir: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, ...extraEnv };
  if (configText !== null) {
    const file = path.join(path.dirname(outdir), 'org.yaml');
    writeFileSync(file, configText);
    env.ORG_CONFIG = file;
  } else {
    delete env.ORG_CONFIG;
  }
  return spawnSync(process.execPath, ['dist/main.js'], { env, encoding: 'utf8' });
}

// Warnings go to stdout: the cdktf CLI prints every stderr line of the app as [ERROR].
const warnings = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('warning: '));

const scratch = () => path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-main-')), 'cdktf.out');

/** Writes a terraform on PATH in front of the real one that logs its arguments; returns the PATH and the log. */
function terraformSpy(): { PATH: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-tf-'));
  const log = path.join(dir, 'calls.log');
  const real = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(path.join(dir, 'terraform'), `#!/bin/sh\necho "$*" >> ${log}\nexec ${real} "$@"\n`);
  chmodSync(path.join(dir, 'terraform'), 0o755);
  return { PATH: `${dir}${path.delimiter}${process.env.PATH}`, log };
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** One run of the bundled example (ORG_CONFIG unset), with what it did: the modules loaded, the Terraform calls. */
let bundled: { out: string; run: ReturnType<typeof runMain>; modules: string[]; terraformCalls: string[] } | undefined;
function bundledRun() {
  if (!bundled) {
    const out = scratch();
    const loaded = path.join(path.dirname(out), 'loaded.log');
    const spy = path.join(path.dirname(out), 'spy.js');
    writeFileSync(spy, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, Object.keys(require.cache).join('\\n')));`);
    const terraform = terraformSpy();
    const run = runMain(null, out, { NODE_OPTIONS: `--require ${spy}`, PATH: terraform.PATH });
    bundled = { out, run, modules: lines(loaded), terraformCalls: lines(terraform.log) };
  }
  return bundled;
}

/** One run of an organization with the members keep and drop, and the stack folders it wrote. */
const keepAndDrop = () => {
  const input = minimalInput();
  input.accounts.members = [{ name: 'keep', id: '555555555555' }, { name: 'drop', id: '666666666666' }];
  return input;
};
let keepDrop: { out: string; run: ReturnType<typeof runMain>; stacks: string[] } | undefined;
function keepDropRun() {
  if (!keepDrop) {
    const out = scratch();
    const run = runMain(stringify(keepAndDrop()), out);
    keepDrop = { out, run, stacks: existsSync(path.join(out, 'stacks')) ? readdirSync(path.join(out, 'stacks')).sort() : [] };
  }
  return keepDrop;
}

const FULL = 'config/examples/full.yaml';
/** One run of config/examples/full.yaml in parallel workers, as large organizations synthesize. */
let full: { out: string; run: ReturnType<typeof runMain> } | undefined;
function fullRun() {
  if (!full) {
    const out = scratch();
    full = { out, run: runMain(readFileSync(FULL, 'utf8'), out, { ORG_GUARD_SYNTH_WORKERS: '2' }) };
  }
  return full;
}

describe('main', () => {
  test('synthesizes the bundled example by default, without loading what cdktf loads for assets', () => {
    const { out, run, modules } = bundledRun();
    expect(run.stderr).toBe('');
    expect(modules.filter((f) => f.includes(`${path.sep}cdktf${path.sep}lib${path.sep}`)).length).toBeGreaterThan(0);
    expect(modules.filter((f) => /[\\/]node_modules[\\/]archiver[\\/]/.test(f))).toEqual([]); // cdktf-unused-modules.ts
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('config: config/organization.yaml, the bundled example (ORG_CONFIG is not set');
    expect(run.stdout).toMatch(/wrote 4 stacks to .*stacks: log-archive, management, security, workload-prod\n/);
    expect(readdirSync(path.join(out, 'stacks')).sort()).toEqual(['log-archive', 'management', 'security', 'workload-prod']);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stacks.management.dependencies).toEqual(['log-archive']);
    expect(manifest.stacks.security.dependencies).toEqual(['management']);
    expect(manifest.stacks['workload-prod'].dependencies).toEqual(['security']);
  });

  test('ORG_CONFIG switches the organization', () => {
    const { run, stacks } = keepDropRun();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^config: .*org\.yaml \(ORG_CONFIG\)$/m);
    expect(stacks).toEqual(['drop', 'keep', 'log-archive', 'management', 'security']);
  });

  test('a stack no longer in the config: gone; under the cdktf CLI an empty folder is left for the CLI to delete', () => {
    // cdktf-cli 0.21 (@cdktf/cli-core synth-stack.js) lists stacks/* before the app runs and rmSync()s the
    // ones the app no longer has, without `force`: a folder already gone fails the command with ENOENT.
    for (const cli of [true, false]) {
      const env = cli ? { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' } : {};
      expect(keepDropRun().run.status).toBe(0);
      let out = keepDropRun().out;
      if (cli) {
        // the same first synth, as the CLI would have left it (the run without the CLI below removes drop from the original)
        out = scratch();
        cpSync(keepDropRun().out, out, { recursive: true });
      }
      const fewer = minimalInput();
      fewer.accounts.members = [{ name: 'keep', id: '555555555555' }];
      const run = runMain(stringify(fewer), out, env);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('removed drop (no longer in the config)');
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.stacks)).not.toContain('drop');
      if (cli) expect(readdirSync(path.join(out, 'stacks', 'drop'))).toEqual([]);
      else expect(existsSync(path.join(out, 'stacks', 'drop'))).toBe(false);
    }
  });

  test('Terraform is asked for its version once per synth', () => {
    // the bundled example has import blocks (organization, detectors): cdktf checks Terraform >= 1.5 for them
    expect(bundledRun().run.status).toBe(0);
    expect(bundledRun().terraformCalls).toEqual(['version -json']);
  });

  test('a bad config exits non-zero, lists every problem with its path, and writes nothing', () => {
    const input = minimalInput();
    input.organization.regions = ['us-east-1', 'us-east-1'];
    input.accounts.members[0].id = '44';
    const out = scratch();
    const run = runMain(stringify(input), out);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/2 problems/);
    expect(run.stderr).toMatch(/organization\.regions\[1\]: region "us-east-1" is listed twice/);
    expect(run.stderr).toMatch(/accounts\.members\[0\]\.id: account id must be exactly 12 digits/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.dirname(out)).filter((f) => f.startsWith('cdktf.out'))).toEqual([]);
  });

  test('no config prints a stack trace or a Node warning: odd YAML is a config problem like any other', () => {
    const odd = [
      'organization: !!binary aGVsbG8=\n',
      '? [a, b]\n: c\n',
      'a: *nowhere\n',
      '<<: 5\n',
      ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((l, i) => `${l}: &${l} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n'),
      stringify({ ...minimalInput(), accounts: { ...minimalInput().accounts, members: [7, null, { name: 'x', id: '555555555555', ou: 5 }] } }),
      '\u0000\u0001binary',
    ];
    for (const text of odd) {
      const out = scratch();
      const run = runMain(text, out);
      expect([text, run.status]).toEqual([text, 1]);
      expect(run.stderr).toMatch(/problems? in the organization config/);
      expect(run.stderr).not.toMatch(/\n\s+at |Warning:|Error:/);
      expect(existsSync(out)).toBe(false);
    }
  });

  test('malformed YAML exits non-zero and writes nothing', () => {
    const out = scratch();
    const run = runMain('organization: [\n', out);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/malformed YAML/);
    expect(existsSync(out)).toBe(false);
  });

  test('a parallel synth writes exactly what a single process writes', () => {
    const input = minimalInput();
    input.accounts.members = Array.from({ length: 4 }, (_, i) => ({ name: `member-${i}`, id: String(500000000000 + i) }));
    const single = scratch();
    const parallel = scratch();
    expect(runMain(stringify(input), single, { ORG_GUARD_SYNTH_WORKERS: '1' }).status).toBe(0);
    const run = runMain(stringify(input), parallel, { ORG_GUARD_SYNTH_WORKERS: '2' });
    expect(run.stderr).toBe('');
    // Members without an email are warned about once, by the parent, not once per worker.
    expect(warnings(run.stdout).filter((w) => w.includes('member-0'))).toHaveLength(1);
    expect(run.status).toBe(0);
    const stacks = readdirSync(path.join(single, 'stacks')).sort();
    expect(readdirSync(path.join(parallel, 'stacks')).sort()).toEqual(stacks);
    for (const stack of stacks) {
      const file = path.join('stacks', stack, 'cdk.tf.json');
      expect(readFileSync(path.join(parallel, file), 'utf8')).toBe(readFileSync(path.join(single, file), 'utf8'));
    }
    const manifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest(parallel)).toEqual(manifest(single));
    expect(Object.keys(manifest(parallel).stacks)).toEqual(Object.keys(manifest(single).stacks));
    expect(readdirSync(parallel).filter((f) => f.startsWith('manifest'))).toEqual(['manifest.json']);
  });

  test('onboarding a member re-synthesizes into exactly one new stack folder; the other stacks keep their files; no Terraform call when the npm script checked it', () => {
    const input = minimalInput();
    input.accounts.members = [{ name: 'alpha', id: '555555555555' }, { name: 'beta', id: '666666666666' }];
    const out = scratch();
    expect(runMain(stringify(input), out).status).toBe(0);
    const files = (dir: string) =>
      Object.fromEntries(readdirSync(path.join(dir, 'stacks')).map((s) => [s, statSync(path.join(dir, 'stacks', s, 'cdk.tf.json')).ino]));
    const before = files(out);
    const same = runMain(stringify(input), out);
    expect(same.stdout).toMatch(/wrote 5 stacks to .*: log-archive, management, security, alpha, beta \(all unchanged since the last synth\)\n/);
    expect(files(out)).toEqual(before);
    input.accounts.members.push({ name: 'gamma', id: '777777777777' });
    // as the npm scripts run it, which checked Terraform already: the rebuilt core stacks have import blocks
    // (organization, detectors), and still no Terraform call
    const terraform = terraformSpy();
    const onboard = runMain(stringify(input), out, { PATH: terraform.PATH, ORG_GUARD_TERRAFORM_VERSION: '1.11.4' });
    expect(onboard.status).toBe(0);
    expect(existsSync(terraform.log)).toBe(false);
    expect(onboard.stdout).toMatch(/wrote 6 stacks to .*: log-archive, management, security, alpha, beta, gamma \(5 unchanged since the last synth\)\n/);
    const after = files(out);
    expect(Object.keys(after).filter((s) => after[s] !== before[s])).toEqual(['gamma']);
  });

  test('the cdktf fast paths, in parallel workers, write byte for byte what cdktf itself writes (ORG_GUARD_CDKTF_DEFAULTS=1), for the full example', () => {
    const tuned = fullRun().out;
    expect(fullRun().run.status).toBe(0);
    const plain = scratch();
    expect(runMain(readFileSync(FULL, 'utf8'), plain, { ORG_GUARD_CDKTF_DEFAULTS: '1', ORG_GUARD_SYNTH_WORKERS: '1' }).status).toBe(0);
    const stacks = readdirSync(path.join(plain, 'stacks')).sort();
    expect(readdirSync(path.join(tuned, 'stacks')).sort()).toEqual(stacks);
    for (const file of ['manifest.json', ...stacks.map((s) => path.join('stacks', s, 'cdk.tf.json'))]) {
      expect(readFileSync(path.join(tuned, file), 'utf8')).toBe(readFileSync(path.join(plain, file), 'utf8'));
    }
  });

  // Issue 15 items 3-6: every 2025 security feature reaches the written stacks of the full example.
  test('the full example synthesizes through dist/main.js with the 2025 security features', () => {
    const { out, run } = fullRun();
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

  test('a synth worker that runs out of memory says which setting to raise', () => {
    // 50 members in every region: one batch needs more than a 64 MB heap (about 100 MB live).
    const input = parse(syntheticOrganization(50));
    input.organization.regions = AWS_REGIONS;
    input.firewallManager = { dnsFirewall: { enabled: false } }; // its managed lists have no built-in ids in opt-in regions
    const run = runMain(stringify(input), scratch(), { ORG_GUARD_SYNTH_WORKERS: '2', ORG_GUARD_SYNTH_HEAP_MB: '64' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^synth worker [12] of 2 ran out of memory with its 64 MB heap: set ORG_GUARD_SYNTH_HEAP_MB=128 and run synth again\n/);
  });
});
