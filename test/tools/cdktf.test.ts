import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { baseEnv, project, sh, snapshot, spyLog, tagged, terraformLog, useProjectCopy, work, writeOrg } from '../cli-fixture';

// The npm scripts around the cdktf CLI (tools/cdktf.ts): one message per problem, Terraform checked, no telemetry.
useProjectCopy();

describe('npm run synth|list|diff|deploy through the cdktf CLI', () => {
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


  test('Ctrl-C during npm run synth: exit 130, no cdktf.out.partial-* left, cdktf.out as before or complete', async () => {
    const file = writeOrg('sixty.yaml', (cfg) => {
      cfg.accounts.members = Array.from({ length: 60 }, (_, i) => ({ name: `m-${i}`, id: String(700000000000 + i), email: `m${i}@example.com`, ou: 'workloads' }));
    });
    expect(sh('npm run synth').status).toBe(0);
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
