import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  baseEnv, cliAsmLog, cliModulesLog, otherOrg as other, project, sh, snapshot, spyLog, stacks, tagged, terraformLog, useProjectCopy, work, writeOrg, type Run,
} from './cli-fixture';
import type { TfJson } from './helpers';

// The one suite that runs the commands a user types through the cdktf CLI (npm run synth|list|diff|deploy|report,
// npx cdktf), in one copy of the project: day 1 and day 2, the Detective day-1 check of the bundled example, and
// the npm scripts around the CLI (tools/cdktf.ts). Every other suite tests in process or runs node dist/...;
// one suite, so these commands run one after another instead of competing for the cores with each other.
useProjectCopy();

/**
 * `npx cdktf list`, the way around the npm scripts, once (after the first test's synths), of the other
 * organization without sandbox-bob: what it prints, and what the spies saw it do (host names looked up,
 * Terraform calls, the convert-only modules the CLI loaded).
 */
let bareList: { run: Run; lookups: string[]; terraformCalls: string[]; cliModules: string; cliAsm: string } | undefined;
function bareCliList() {
  if (!bareList) {
    otherSynth(); // sandbox-bob's folder is there to disappear
    const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    for (const log of [spyLog, terraformLog, cliModulesLog, cliAsmLog]) rmSync(log, { force: true });
    const fewer = writeOrg('other-org-fewer.yaml', (cfg) => {
      Object.assign(cfg, parse(readFileSync(other(), 'utf8')));
      cfg.accounts.members = cfg.accounts.members.filter((m: { name: string }) => m.name !== 'sandbox-bob');
    });
    const run = sh('npx cdktf list', { ORG_CONFIG: fewer });
    const lines = (file: string) => read(file).split('\n').filter(Boolean);
    bareList = { run, lookups: lines(spyLog), terraformCalls: lines(terraformLog), cliModules: read(cliModulesLog), cliAsm: read(cliAsmLog) };
    for (const log of [spyLog, terraformLog, cliModulesLog, cliAsmLog]) rmSync(log, { force: true });
  }
  return bareList;
}

/**
 * `npm run synth` of the other organization (workload-prod gone, no notifications: a warning), once, after the
 * bundled example's: the first test reads what it removed, the warning test what it printed.
 */
let otherRun: { file: string; run: Run } | undefined;
function otherSynth(): { file: string; run: Run } {
  if (!otherRun) {
    bundledSynth(); // workload-prod's folder is there to disappear
    const file = other();
    otherRun = { file, run: sh('npm run synth', { ORG_CONFIG: file }) };
  }
  return otherRun;
}

/** The first `npm run synth` of the fresh copy (the bundled example), and what it wrote, read at once. */
let bundled: { run: Run; stack: (name: string) => TfJson; manifest: any } | undefined;
function bundledSynth() {
  if (!bundled) {
    const run = sh('npm run synth');
    const read = (file: string) => JSON.parse(readFileSync(path.join(project, 'cdktf.out', file), 'utf8'));
    // the tests assert the exit code; a failed synth leaves nothing to read
    const written = run.status === 0 ? Object.fromEntries(stacks().map((name) => [name, read(path.join('stacks', name, 'cdk.tf.json')) as TfJson])) : {};
    bundled = { run, stack: (name) => written[name], manifest: run.status === 0 ? read('manifest.json') : undefined };
  }
  return bundled;
}

describe('a fresh clone, as the README tells a new user', () => {
  test('npm run synth, then another organization: exit 0 each time, no [ERROR], the config named, the stack it no longer has removed', () => {
    const first = bundledSynth().run;
    expect(tagged(first)).toEqual([]);
    expect(first.status).toBe(0);
    expect(first.lines).toContain('config: config/organization.yaml, the bundled example (ORG_CONFIG is not set; export ORG_CONFIG=path/to/org.yaml for your organization)');
    expect(first.lines).toContain('wrote 4 stacks to cdktf.out/stacks: log-archive, management, security, workload-prod');
    expect(stacks()).toEqual(['log-archive', 'management', 'security', 'workload-prod']);

    // workload-prod disappears: cdktf's CLI deletes the folders of stacks the app no longer has.
    const { file, run: second } = otherSynth();
    expect(tagged(second)).toEqual([]);
    expect(second.status).toBe(0);
    expect(second.lines).toContain(`config: ${file} (ORG_CONFIG)`);
    expect(second.out).toContain('removed workload-prod (no longer in the config)');
    expect(stacks()).toEqual(['data-lake', 'log-archive', 'management', 'sandbox-bob', 'security']);
    const manifest = JSON.parse(readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks());
  });


  test('npx cdktf list after a stack disappears: the CLI synthesizes too, and removes its folder', () => {
    const list = bareCliList().run;
    expect(list.lines.filter((l) => /ENOENT|encountered an error/.test(l))).toEqual([]);
    expect(list.status).toBe(0);
    expect(list.out).toMatch(/data-lake\s+cdktf\.out\/stacks\/data-lake/);
    expect(list.out).not.toMatch(/sandbox-bob\s+cdktf\.out/);
    expect(list.out).toContain('removed sandbox-bob (no longer in the config)');
    expect(stacks()).toEqual(['data-lake', 'log-archive', 'management', 'security']);
    const manifest = JSON.parse(readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks());
  });


  test('a relative ORG_CONFIG is read from the folder the command is typed in', () => {
    const run = sh('ORG_CONFIG=examples/full.yaml npm run synth', {}, path.join(project, 'config'));
    expect(tagged(run)).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.lines).toContain('config: examples/full.yaml (ORG_CONFIG)');
    expect(stacks()).toEqual(['log-archive', 'management', 'sandbox-alice', 'security', 'workload-dev', 'workload-prod']);
  });


  test('npm run report leaves cdktf.out byte-identical', () => {
    // cdktf.out holds another organization than the report's bundled example (full.yaml, from the test before)
    const stackNames = () => (existsSync(path.join(project, 'cdktf.out')) ? stacks() : []);
    if (stackNames().join() === 'log-archive,management,security,workload-prod' || stackNames().length === 0) {
      expect(sh('npm run synth', { ORG_CONFIG: other() }).status).toBe(0);
    }
    expect(stackNames()).not.toEqual(['log-archive', 'management', 'security', 'workload-prod']);
    const before = snapshot(path.join(project, 'cdktf.out'));
    // the report synthesizes the bundled example, a different organization
    const report = sh('npm run report');
    expect(report.status).toBe(0);
    // ORG_CONFIG is not set: the report's synth names the bundled example, not "(ORG_CONFIG)"
    expect(report.lines).toContain('config: config/organization.yaml, the bundled example (ORG_CONFIG is not set; export ORG_CONFIG=path/to/org.yaml for your organization)');
    expect(report.out).toMatch(/wrote reports\/coverage\.md and reports\/coverage\.html/);
    expect(snapshot(path.join(project, 'cdktf.out'))).toEqual(before);
    expect(readdirSync(project).filter((f) => f.startsWith('cdktf.out'))).toEqual(['cdktf.out']);
  });

  test('npm run report: --config and --report-dir are read from the folder the command is typed in; a file as --report-dir is one line', () => {
    const run = sh('npm run report -- --config examples/full.yaml --report-dir ../reports-full --details none', {}, path.join(project, 'config'));
    expect(run.status).toBe(0);
    expect(run.lines).toContain('wrote reports-full/coverage.md and reports-full/coverage.html');
    expect(readFileSync(path.join(project, 'reports-full', 'coverage.md'), 'utf8')).toContain('6 accounts x 4 governed regions');
    expect(run.out).toMatch(/coverage: 6 accounts x/);
    expect(existsSync(path.join(project, 'config', 'reports-full'))).toBe(false);

    const file = sh('npm run report -- --report-dir README.md');
    expect(file.status).toBe(2);
    expect(file.lines.filter((l) => l.startsWith('report:'))).toEqual([
      'report: --report-dir README.md is a file; the report is written into a folder (coverage.md, coverage.html)',
    ]);
    expect(file.out).not.toMatch(/\n\s+at |EEXIST/);
  });


});

// Issue 13 item 8, through the command the user types (`npm run synth` runs the cdktf CLI): the bundled
// example synthesizes without a Detective warning and workload-prod enrols in Detective in every region,
// with the graph ARN the security stack publishes in that region (no copied output, one deploy pass).
describe('Day 1 in one pass: Detective graph ARNs found, not copied (bundled example, npm run synth)', () => {
  // The fresh copy's first synth above: ORG_CONFIG unset, so the bundled example.
  const stack = (name: string): TfJson => bundledSynth().stack(name);
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1']; // config/organization.yaml

  test('synth succeeds and says nothing about Detective graphs', () => {
    const { run } = bundledSynth();
    expect(run.status).toBe(0);
    const text = run.out; // stdout and stderr
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
    expect(bundledSynth().manifest.stacks['workload-prod'].dependencies).toEqual(['security']);
  });
});

// The npm scripts around the cdktf CLI (tools/cdktf.ts): one message per problem, Terraform checked, no telemetry.
describe('npm run synth|list|diff|deploy through the cdktf CLI', () => {
  test('a warning reads as a warning; a config error appears once, as the README shows it, and the output stays', () => {
    const warned = otherSynth().run; // a config without notifications
    expect(warned.status).toBe(0);
    expect(tagged(warned)).toEqual([]);
    expect(warned.lines.filter((l) => l.startsWith('warning: notifications has no subscriber'))).toHaveLength(1);

    const before = snapshot(path.join(project, 'cdktf.out'));
    const bad = writeOrg('bad.yaml', (cfg) => {
      cfg.organization.regions = ['us-east-1', 'us-east-1'];
      cfg.accounts.members[0].id = '44';
    });
    const run = sh('npm run synth', { ORG_CONFIG: bad });
    expect(run.status).not.toBe(0);
    expect(tagged(run)).toEqual([]);
    expect(run.lines.filter((l) => l.includes('2 problems in the organization config'))).toEqual([`${bad}: 2 problems in the organization config:`]);
    expect(run.lines.filter((l) => l.includes('is listed twice'))).toHaveLength(1);
    expect(run.out).toMatch(/accounts\.members\[0\]\.id: account id must be exactly 12 digits, got "44"/);
    expect(run.out).not.toMatch(/\n\s+at /); // no stack trace
    expect(snapshot(path.join(project, 'cdktf.out'))).toEqual(before);
  });


  test('Ctrl-C during npm run synth: exit 130, no cdktf.out.partial-* left, cdktf.out as before or complete', async () => {
    const file = writeOrg('sixty.yaml', (cfg) => {
      cfg.accounts.members = Array.from({ length: 60 }, (_, i) => ({ name: `m-${i}`, id: String(700000000000 + i), email: `m${i}@example.com`, ou: 'workloads' }));
    });
    // a complete output to fall back to (the test before leaves one)
    if (!existsSync(path.join(project, 'cdktf.out', 'manifest.json'))) expect(sh('npm run synth').status).toBe(0);
    const before = snapshot(path.join(project, 'cdktf.out'));
    const leftovers = () => readdirSync(project).filter((f) => /^cdktf\.out\./.test(f));
    // the terminal sends SIGINT to the whole foreground process group: npm, the cdktf CLI, the app
    const child = spawn('npm', ['run', 'synth'], { cwd: project, env: { ...baseEnv, ORG_CONFIG: file }, detached: true, stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const interrupted = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (leftovers().length === 0) return;
        clearInterval(poll);
        process.kill(-child.pid!, 'SIGINT');
        resolve(true);
      }, 10);
      void exited.then(() => (clearInterval(poll), resolve(false)));
    });
    expect(interrupted).toBe(true); // the app was writing its scratch folder when Ctrl-C came
    const { code, signal } = await exited;
    expect(code === 130 || signal === 'SIGINT').toBe(true);
    // The app handles Ctrl-C only when its synchronous build ends, after the cdktf CLI has exited: the
    // prompt must still come back with the output settled (tools/cdktf.ts waits), not a moment later.
    expect(leftovers()).toEqual([]);
    const after = snapshot(path.join(project, 'cdktf.out'));
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      const manifest = JSON.parse(readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest.stacks)).toHaveLength(63);
    }
  });


  test('cdktf.out is a file, or ORG_GUARD_SYNTH_WORKERS is not a number: one message, exit 1, nothing touched', () => {
    const out = path.join(project, 'cdktf.out');
    renameSync(out, `${work}/saved.out`);
    writeFileSync(out, 'notes\n');
    try {
      const run = sh('npm run synth');
      expect(run.status).toBe(1);
      expect(tagged(run)).toEqual([]);
      expect(run.lines.filter((l) => l.includes('cdktf.out is a file'))).toEqual([
        'cdktf.out is a file, not the output folder: move or delete it (synth writes the stacks into a folder of that name)',
      ]);
      expect(readFileSync(out, 'utf8')).toBe('notes\n');
    } finally {
      rmSync(out);
      renameSync(`${work}/saved.out`, out);
    }
    const workers = sh('npm run synth', { ORG_GUARD_SYNTH_WORKERS: 'four' });
    expect(workers.status).toBe(1);
    expect(tagged(workers)).toEqual([]);
    expect(workers.lines.filter((l) => l.includes('ORG_GUARD_SYNTH_WORKERS'))).toEqual([
      'ORG_GUARD_SYNTH_WORKERS must be a whole number of synth processes (1 or more), got "four"; unset it to let synth choose',
    ]);
    expect(readdirSync(project).filter((f) => f.startsWith('cdktf.out'))).toEqual(['cdktf.out']);
  });


  test('regions: eu-west-1 (a string for the list) is exactly one problem', () => {
    const run = sh('npm run synth', { ORG_CONFIG: writeOrg('string-region.yaml', (cfg) => (cfg.organization.regions = 'eu-west-1')) });
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('1 problem in the organization config');
    expect(run.lines.filter((l) => /^\S+\.yaml:\d+\s/.test(l))).toEqual([
      expect.stringMatching(/organization\.regions: expected a list, got string "eu-west-1"; write \[eu-west-1\]$/),
    ]);
  });


  test('YAML aliases and merge keys as people write them; an alias bomb is a message, not a stack trace', () => {
    // 110 members: the first is the template (anchors), every other one merges it (`<<: *first`).
    const members = Array.from({ length: 110 }, (_, i) =>
      i === 0
        ? '    - &first { name: m-0, id: "500000000000", email: &mail ops@example.com, ou: &ou workloads }'
        : `    - { <<: *first, name: m-${i}, id: "${500000000000 + i}"${i % 2 ? ', email: *mail, ou: *ou' : ''} }`);
    // governed in one region: 113 stacks to write, each a quarter of the bundled example's
    const text = readFileSync(path.join(project, 'config', 'organization.yaml'), 'utf8')
      .replace(/^ {2}members:\n(?: {4}- .*\n)+/m, `  members:\n${members.join('\n')}\n`)
      .replace(/^ {2}regions: \[.*\]$/m, '  regions: [us-east-1]');
    expect(text).toContain('m-109');
    expect(text).toContain('  regions: [us-east-1]\n');
    const file = path.join(work, 'aliases.yaml');
    writeFileSync(file, text);
    const run = sh('npm run synth', { ORG_CONFIG: file });
    expect(tagged(run)).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/wrote 113 stacks to cdktf\.out\/stacks: log-archive, management, security and 110 member stacks/);
    const m = JSON.parse(readFileSync(path.join(project, 'cdktf.out', 'stacks', 'm-109', 'cdk.tf.json'), 'utf8'));
    expect(JSON.stringify(m)).toContain('ops@example.com');

    const bomb = path.join(work, 'bomb.yaml');
    writeFileSync(bomb, ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((l, i) => `${l}: &${l} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n'));
    const refused = sh('npm run synth', { ORG_CONFIG: bomb });
    expect(refused.status).not.toBe(0);
    expect(refused.out).toMatch(/bomb\.yaml\s+\(file\): the aliases \(\*name\) of this file expand to more than 100,000 values/);
    expect(refused.out).not.toMatch(/ReferenceError|\n\s+at /);
  });


  test('Terraform older than 1.10, or none, is refused once, naming what was found, what is needed and where to get it', () => {
    const fake = path.join(work, 'fake-terraform');
    mkdirSync(fake);
    writeFileSync(path.join(fake, 'terraform'), '#!/bin/sh\necho "Terraform v1.7.0"\necho "on linux_amd64"\n');
    chmodSync(path.join(fake, 'terraform'), 0o755);
    const old = sh('npm run synth', { PATH: `${fake}${path.delimiter}${baseEnv.PATH}` });
    expect(old.status).not.toBe(0);
    const refusals = old.lines.filter((l) => l.includes('Terraform 1.7.0'));
    expect(refusals).toEqual([expect.stringMatching(/Terraform 1\.7\.0 found .* too old: org-guard needs Terraform >= 1\.10 .*use_lockfile.*https:\/\/developer\.hashicorp\.com\/terraform\/install/)]);
    expect(tagged(old)).toEqual([]);

    // No terraform at all: PATH keeps node, npm and sh but loses every directory with a terraform in it.
    const bin = path.join(work, 'no-terraform');
    mkdirSync(bin);
    for (const tool of ['node', 'npm', 'npx']) {
      const at = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(at, path.join(bin, tool));
    }
    const dirs = (baseEnv.PATH ?? '').split(path.delimiter).filter((d) => !existsSync(path.join(d, 'terraform')));
    const none = sh('npm run synth', { PATH: [bin, ...dirs].join(path.delimiter) });
    expect(none.status).not.toBe(0);
    expect(none.lines.filter((l) => l.startsWith('Terraform not found'))).toEqual([
      expect.stringMatching(/no "terraform" on PATH\. org-guard needs Terraform >= 1\.10 .*https:\/\/developer\.hashicorp\.com\/terraform\/install/),
    ]);
    expect(none.out).not.toMatch(/terraform: not found|\n\s+at /);
  });


  test('the README\'s cdktf commands never call HashiCorp\'s checkpoint service (cdktf or Terraform)', () => {
    const readme = readFileSync(path.join(project, 'README.md'), 'utf8');
    // every cdktf command the README gives goes through an npm script
    expect(readme).not.toMatch(/npx cdktf|^\s*cdktf (synth|list|diff|deploy|destroy)\b/m);
    for (const cmd of ['npm run synth', 'npm run list', 'npm run diff -- <stack>', 'npm run deploy -- log-archive', 'npm run destroy -- <stack>']) {
      expect(readme).toContain(cmd);
    }
    const checkpoint = () => (existsSync(spyLog) ? readFileSync(spyLog, 'utf8').split('\n').filter((h) => h.includes('checkpoint')) : []);
    const unguarded = () => (existsSync(terraformLog) ? readFileSync(terraformLog, 'utf8').split('\n').filter((l) => l && !l.startsWith('CHECKPOINT_DISABLE=1 ')) : []);

    // The way it used to be (`npx cdktf ...` outside an npm script, as the list test above ran it) does call it:
    // the spies see the CLI look up the checkpoint host and Terraform run with its update check on ...
    const bare = bareCliList();
    expect(bare.run.status).toBe(0);
    expect(bare.lookups.filter((h) => h.includes('checkpoint')).length).toBeGreaterThan(0);
    expect(bare.terraformCalls.filter((l) => !l.startsWith('CHECKPOINT_DISABLE=1 ')).length).toBeGreaterThan(0);
    // ... and the CLI loads `cdktf convert`'s compiler modules, which the npm scripts defer (tools/cdktf-cli-preload.ts)
    expect(bare.cliModules).toMatch(/^list: [1-9]\d*\n$/);
    // ... and starts the CLI without --no-validate-asm, so V8 validates and compiles its asm.js layout engine (tools/cdktf.ts)
    expect(bare.cliAsm).toBe('list: yoga loaded, asm.js validated\n');

    // what the npm scripts below do, from here on
    for (const log of [spyLog, terraformLog, cliModulesLog, cliAsmLog]) rmSync(log, { force: true });
    const list = sh('npm run list');
    expect(list.status).toBe(0);
    expect(list.out).toMatch(/workload-prod\s+cdktf\.out\/stacks\/workload-prod/);
    // diff and deploy stop at terraform init here (no provider in the empty mirror), after synth and telemetry would have run
    const diff = sh('npm run diff -- log-archive');
    expect(diff.out).toMatch(/terraform init failed|Failed to query available provider packages|provider/i);
    sh('npm run deploy -- log-archive --auto-approve');
    expect(readFileSync(cliModulesLog, 'utf8').split('\n').filter(Boolean)).toEqual(['list: 0', 'diff log-archive: 0', 'deploy log-archive --auto-approve: 0']);
    expect(readFileSync(cliAsmLog, 'utf8').split('\n').filter(Boolean)).toEqual(
      ['list', 'diff log-archive', 'deploy log-archive --auto-approve'].map((cmd) => `${cmd}: yoga loaded, asm.js as JavaScript`));
    expect(existsSync(terraformLog)).toBe(true);
    expect(checkpoint()).toEqual([]);
    expect(unguarded()).toEqual([]);
  });
});
