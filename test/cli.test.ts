import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The commands a user types, through the cdktf CLI (`npm run synth` and friends, `npx cdktf list`), in a copy
 * of the project as a fresh clone has it (no dist/, no cdktf.out/) with this project's node_modules.
 * One copy for the whole suite, and the steps build on each other, as a user's day does.
 */
jest.setTimeout(240_000);

const repo = path.resolve(__dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'org-guard-cli-'));
const project = path.join(work, 'org-guard');
const spyLog = path.join(work, 'lookups.log');
const terraformLog = path.join(work, 'terraform.log');

function copyProject(): void {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' });
  if (git.status !== 0) {
    // not a git checkout: everything but what a clone would not have
    const skip = new Set(['node_modules', 'dist', 'cdktf.out', 'reports', '.git']);
    cpSync(repo, project, { recursive: true, filter: (src) => !skip.has(path.relative(repo, src).split(path.sep)[0]) });
    symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'));
    return;
  }
  const files = git.stdout.split('\n');
  for (const file of files.filter(Boolean)) {
    if (!existsSync(path.join(repo, file)) || file.split('/')[0] === 'node_modules') continue; // deleted in the work tree, or a linked install
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    cpSync(path.join(repo, file), path.join(project, file));
  }
  symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'));
}

/** Records every host name a node process looks up (telemetry would be one) and lets the lookup go on. */
function writeSpy(): string {
  const spy = path.join(work, 'spy.js');
  writeFileSync(spy, `
const dns = require('dns'); const fs = require('fs');
const log = (h) => { try { fs.appendFileSync(${JSON.stringify(spyLog)}, String(h) + '\\n'); } catch {} };
const lookup = dns.lookup; dns.lookup = function (h, ...rest) { log(h); return lookup.call(this, h, ...rest); };
const p = dns.promises.lookup; dns.promises.lookup = function (h, ...rest) { log(h); return p.call(this, h, ...rest); };
`);
  return spy;
}

/** A `terraform` in front of the real one that records whether its update check was off. */
function writeTerraformShim(): string {
  const real = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).stdout.trim();
  const dir = path.join(work, 'shim');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'terraform'), `#!/bin/sh\necho "CHECKPOINT_DISABLE=\${CHECKPOINT_DISABLE:-unset} $*" >> ${terraformLog}\nexec ${real} "$@"\n`);
  chmodSync(path.join(dir, 'terraform'), 0o755);
  return dir;
}

let baseEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  copyProject();
  const spy = writeSpy();
  // terraform init must fail at once instead of downloading the AWS provider: a mirror with nothing in it.
  const mirror = path.join(work, 'empty-mirror');
  mkdirSync(mirror);
  const terraformrc = path.join(work, 'terraformrc');
  writeFileSync(terraformrc, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  baseEnv = { ...process.env, PATH: `${writeTerraformShim()}${path.delimiter}${process.env.PATH}`, TF_CLI_CONFIG_FILE: terraformrc, NODE_OPTIONS: `--max-old-space-size=4096 --require ${spy}` };
  // What a user's shell has: none of the variables npm test, CI or an earlier run may have set.
  for (const k of ['ORG_CONFIG', 'CHECKPOINT_DISABLE', 'CDKTF_OUTDIR', 'INIT_CWD', 'ORG_GUARD_TERRAFORM_VERSION', 'JEST_WORKER_ID']) delete baseEnv[k];
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  out: string;
  lines: string[];
}

/** A shell command as the user types it, in the project (or a folder of it); stdout and stderr as one text. */
function sh(command: string, env: NodeJS.ProcessEnv = {}, cwd = project): Run {
  const r = spawnSync('sh', ['-c', `${command} 2>&1`], { cwd, env: { ...baseEnv, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // The CLI's spinner redraws lines with escape codes; what the user reads is the text.
  // eslint-disable-next-line no-control-regex
  const out = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  return { status: r.status, out, lines: out.split('\n').map((l) => l.trim()).filter(Boolean) };
}

const stacks = () => readdirSync(path.join(project, 'cdktf.out', 'stacks')).sort();
const tagged = (run: Run) => run.lines.filter((l) => /\[ERROR\]|ENOENT|encountered an error/.test(l));

function writeOrg(name: string, mutate: (cfg: Record<string, any>) => void): string {
  const cfg = parse(readFileSync(path.join(project, 'config', 'organization.yaml'), 'utf8'));
  mutate(cfg);
  const file = path.join(work, name);
  writeFileSync(file, stringify(cfg));
  return file;
}

/** Every file below a directory with a hash of its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('a fresh clone, as the README tells a new user', () => {
  const other = () => writeOrg('other-org.yaml', (cfg) => {
    cfg.organization.id = 'o-anotherorg1';
    cfg.accounts.members = [
      { name: 'data-lake', id: '555555555555', email: 'data@example.com', ou: 'workloads' },
      { name: 'sandbox-bob', id: '666666666666', email: 'bob@example.com', ou: 'sandbox' },
    ];
  });

  test('npm run synth, then another organization, then a member removed: exit 0 each time, no [ERROR], the config named', () => {
    const first = sh('npm run synth');
    expect(tagged(first)).toEqual([]);
    expect(first.status).toBe(0);
    expect(first.lines).toContain('config: config/organization.yaml, the bundled example (ORG_CONFIG is not set; export ORG_CONFIG=path/to/org.yaml for your organization)');
    expect(first.lines).toContain('wrote 4 stacks to cdktf.out/stacks: log-archive, management, security, workload-prod');
    expect(stacks()).toEqual(['log-archive', 'management', 'security', 'workload-prod']);

    // workload-prod disappears: cdktf's CLI deletes the folders of stacks the app no longer has.
    const file = other();
    const second = sh('npm run synth', { ORG_CONFIG: file });
    expect(tagged(second)).toEqual([]);
    expect(second.status).toBe(0);
    expect(second.lines).toContain(`config: ${file} (ORG_CONFIG)`);
    expect(second.out).toContain('removed workload-prod (no longer in the config)');
    expect(stacks()).toEqual(['data-lake', 'log-archive', 'management', 'sandbox-bob', 'security']);

    const fewer = writeOrg('other-org-fewer.yaml', (cfg) => {
      Object.assign(cfg, parse(readFileSync(file, 'utf8')));
      cfg.accounts.members = cfg.accounts.members.filter((m: { name: string }) => m.name !== 'sandbox-bob');
    });
    const third = sh('npm run synth', { ORG_CONFIG: fewer });
    expect(tagged(third)).toEqual([]);
    expect(third.status).toBe(0);
    expect(third.out).toContain('removed sandbox-bob');
    expect(stacks()).toEqual(['data-lake', 'log-archive', 'management', 'security']);
    const manifest = JSON.parse(readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks());
  });

  test('npx cdktf list after a stack disappears (the CLI synthesizes too)', () => {
    const list = sh('npx cdktf list', { ORG_CONFIG: other(), CHECKPOINT_DISABLE: '1' });
    expect(list.lines.filter((l) => /ENOENT|encountered an error/.test(l))).toEqual([]);
    expect(list.status).toBe(0);
    expect(list.out).toMatch(/sandbox-bob\s+cdktf\.out\/stacks\/sandbox-bob/);
    expect(stacks()).toEqual(['data-lake', 'log-archive', 'management', 'sandbox-bob', 'security']);
  });

  test('a relative ORG_CONFIG is read from the folder the command is typed in', () => {
    const run = sh('ORG_CONFIG=examples/full.yaml npm run synth', {}, path.join(project, 'config'));
    expect(tagged(run)).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.lines).toContain('config: examples/full.yaml (ORG_CONFIG)');
    expect(stacks()).toEqual(['log-archive', 'management', 'sandbox-alice', 'security', 'workload-dev', 'workload-prod']);
  });

  test('a warning reads as a warning; a config error appears once, as the README shows it, and the output stays', () => {
    const warned = sh('npm run synth', { ORG_CONFIG: writeOrg('no-subscribers.yaml', (cfg) => delete cfg.notifications) });
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
    const text = readFileSync(path.join(project, 'config', 'organization.yaml'), 'utf8')
      .replace(/^ {2}members:\n(?: {4}- .*\n)+/m, `  members:\n${members.join('\n')}\n`);
    expect(text).toContain('m-109');
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

  test('npm run report leaves cdktf.out byte-identical', () => {
    const synth = sh('npm run synth', { ORG_CONFIG: other() });
    expect(synth.status).toBe(0);
    const before = snapshot(path.join(project, 'cdktf.out'));
    // the report synthesizes the bundled example, a different organization
    const report = sh('npm run report');
    expect(report.status).toBe(0);
    expect(report.out).toMatch(/wrote reports\/coverage\.md and reports\/coverage\.html/);
    expect(snapshot(path.join(project, 'cdktf.out'))).toEqual(before);
    expect(readdirSync(project).filter((f) => f.startsWith('cdktf.out'))).toEqual(['cdktf.out']);
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
    rmSync(spyLog, { force: true });
    rmSync(terraformLog, { force: true });

    // The way it used to be (`npx cdktf ...` outside an npm script) does call it: the spy sees it.
    sh('npx cdktf diff log-archive');
    expect(checkpoint().length).toBeGreaterThan(0);
    expect(unguarded().length).toBeGreaterThan(0);
    rmSync(spyLog, { force: true });
    rmSync(terraformLog, { force: true });

    const list = sh('npm run list');
    expect(list.status).toBe(0);
    expect(list.out).toMatch(/workload-prod\s+cdktf\.out\/stacks\/workload-prod/);
    // diff and deploy stop at terraform init here (no provider in the empty mirror), after synth and telemetry would have run
    const diff = sh('npm run diff -- log-archive');
    expect(diff.out).toMatch(/terraform init failed|Failed to query available provider packages|provider/i);
    sh('npm run deploy -- log-archive --auto-approve');
    expect(existsSync(terraformLog)).toBe(true);
    expect(checkpoint()).toEqual([]);
    expect(unguarded()).toEqual([]);
  });
});
