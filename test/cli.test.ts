import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { otherOrg as other, project, sh, snapshot, stacks, tagged, useProjectCopy, writeOrg } from './cli-fixture';

// Day 1 and day 2 through the commands a user types: synth, another organization, a member removed.
useProjectCopy();

describe('a fresh clone, as the README tells a new user', () => {
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


  test('npm run report leaves cdktf.out byte-identical', () => {
    const synth = sh('npm run synth', { ORG_CONFIG: other() });
    expect(synth.status).toBe(0);
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
