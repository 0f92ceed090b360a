import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, MAX_CONFIG_BYTES, configPathFromEnv, describeConfigSource, formatPath, loadConfig, parseConfig } from '../../config/load';
import { configOf, minimalInput } from '../helpers';
import { expectProblem, problemsFor, problemsOf } from './section-problems';



describe('config loader', () => {
  test('the minimum config is valid and gets secure defaults', () => {
    const cfg = configOf();
    expect(cfg.deployment.roleName).toBe('OrganizationAccountAccessRole');
    expect(cfg.deployment.managementRoleName).toBeUndefined();
    expect(cfg.backend).toBeUndefined();
    expect(cfg.baseline.passwordPolicy.minimumLength).toBe(14);
    expect(cfg.baseline.ebsEncryptionByDefault).toBe(true);
  });

  // AssumeRole RoleSessionName: 2-64 of [\w+=,.@-] (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
  test('deployment.sessionName: default org-guard; a bad one says what a session name may hold', () => {
    expect(configOf().deployment.sessionName).toBe('org-guard');
    expectProblem(problemsFor((input) => (input.deployment = { sessionName: 'x' })), 'deployment.sessionName',
      /^not a valid role session name: "x"; 2-64 letters, digits and \+ = , \. @ _ -$/);
  });

  test('the bundled example loads', () => {
    const cfg = loadConfig(path.resolve('config/organization.yaml'));
    expect(cfg.accounts.members.map((m) => m.name)).toContain('workload-prod');
    expect(cfg.organization.regions).toContain(cfg.organization.homeRegion);
  });

  test('malformed YAML names the line', () => {
    const problems = problemsOf('organization:\n  id: [unclosed\naccounts: {}\n');
    expect(problems[0].message).toMatch(/malformed YAML/);
    expect(problems[0].line).toBeGreaterThan(0);
  });

  test('a missing file says which file and what to do', () => {
    expect(() => loadConfig('/nonexistent/org.yaml')).toThrow(/\/nonexistent\/org\.yaml.*cannot read the file.*ORG_CONFIG/s);
  });

  test('unknown keys are rejected with the key they misspell or the allowed keys, at the line of the key', () => {
    const problems = problemsOf(stringify({ ...minimalInput(), accountz: {} }));
    expectProblem(problems, '', /^unknown key "accountz"; did you mean "accounts"\?$/);
    const nested = problemsFor((i) => (i.accounts.members[0].colour = 'blue'));
    expectProblem(nested, 'accounts.members[0]', /unknown key "colour".*allowed keys: name, id, email, ou/);
  });

  test('account ids must be 12 quoted digits; an unquoted number says it lost its leading zeros', () => {
    expectProblem(problemsFor((i) => (i.accounts.members[0].id = '12345')), 'accounts.members[0].id', /exactly 12 digits, got "12345"/);
    const text = stringify(minimalInput()).replace(`id: "444444444444"`, 'id: 012345678901');
    const problems = problemsOf(text);
    expectProblem(problems, 'accounts.members[0].id', /YAML read the number 12345678901.*leading zeros.*"012345678901"/);
    expect(problems.find((p) => p.path === 'accounts.members[0].id')?.line).toBe(text.split('\n').findIndex((l) => l.includes('012345678901')) + 1);
  });

  test('duplicate account ids and member names', () => {
    const problems = problemsFor((i) => {
      i.accounts.members.push({ name: 'workload-prod', id: '555555555555' }, { name: 'other', id: '444444444444' });
    });
    expectProblem(problems, 'accounts.members[1].name', /"workload-prod" is already used by accounts.members\[0\]/);
    expectProblem(problems, 'accounts.members[2].id', /account 444444444444 is already used as accounts.members\[0\]/);
  });

  test.each(['management', 'log-archive', 'security'])('a member may not be named like the core stack %s', (name) => {
    expectProblem(problemsFor((i) => (i.accounts.members[0].name = name)), 'accounts.members[0].name', /name of a core stack/);
  });

  test('member names must be usable as stack names', () => {
    expectProblem(problemsFor((i) => (i.accounts.members[0].name = 'Prod Workload')), 'accounts.members[0].name', /lowercase letters, digits and hyphens/);
  });

  test('the same account in two roles', () => {
    expectProblem(problemsFor((i) => (i.accounts.logArchive.id = '222222222222')), 'accounts.logArchive.id', /already used as accounts.security/);
    expectProblem(problemsFor((i) => (i.accounts.members[0].id = '333333333333')), 'accounts.members[0].id', /already used as accounts.logArchive/);
  });

  test('the management account cannot be the security admin', () => {
    expectProblem(problemsFor((i) => (i.accounts.security.id = '111111111111')), 'accounts.security.id', /management account cannot be the delegated security administrator/);
  });

  test('unknown, duplicate and empty regions; home region must be governed', () => {
    expectProblem(problemsFor((i) => (i.organization.regions = ['us-east-1', 'mars-north-1'])), 'organization.regions[1]', /unknown region "mars-north-1"; allowed: .*eu-west-1/);
    expectProblem(problemsFor((i) => (i.organization.regions = ['us-east-1', 'eu-west-1', 'us-east-1'])), 'organization.regions[2]', /listed twice/);
    expectProblem(problemsFor((i) => (i.organization.regions = [])), 'organization.regions', /empty/);
    expectProblem(problemsFor((i) => (i.organization.regions = ['eu-west-1'])), 'organization.homeRegion', /not in organization.regions/);
    expectProblem(problemsFor((i) => (i.organization.homeRegion = 'moon-1')), 'organization.homeRegion', /unknown region "moon-1"/);
  });

  test('bad organization id', () => {
    expectProblem(problemsFor((i) => (i.organization.id = 'o-SHORT')), 'organization.id', /must match o-\[a-z0-9\]\{10,32\}, got "o-SHORT"/);
  });

  test('missing required sections say so', () => {
    const problems = problemsOf('organization:\n  id: o-exampleorg1\n');
    expectProblem(problems, 'accounts', /required/);
    expectProblem(problems, 'organization.homeRegion', /required/);
  });

  test('a member OU must be defined in the config', () => {
    const problems = problemsFor((i) => (i.accounts.members[0].ou = 'workloads'));
    expectProblem(problems, 'accounts.members[0].ou', /OU "workloads" is not defined/);
    expect(() => configOf({ ...minimalInput(), organization: { ...minimalInput().organization, organizationalUnits: [{ name: 'workloads', id: 'ou-ab12-abcdefgh' }] }, accounts: { ...minimalInput().accounts, members: [{ name: 'w', id: '444444444444', ou: 'workloads' }] } })).not.toThrow();
  });

  test('every problem is reported at once, each with its path', () => {
    const problems = problemsFor((i) => {
      i.organization.id = 'bad';
      i.organization.regions = ['us-east-1', 'us-east-1'];
      i.accounts.members[0].id = '1';
      i.accounts.members.push({ name: 'security', id: '222222222222' });
    });
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'organization.id', 'organization.regions[1]', 'accounts.members[0].id', 'accounts.members[1].name', 'accounts.members[1].id',
    ]));
  });

  test('the error message lists file, line, path and problem', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-'));
    const file = path.join(dir, 'org.yaml');
    writeFileSync(file, stringify({ ...minimalInput(), organization: { ...minimalInput().organization, id: 'nope' } }));
    expect(() => loadConfig(file)).toThrow(new RegExp(`${file}:2 +organization.id: organization id must match`));
  });

  test('formatPath renders list indexes', () => {
    expect(formatPath(['accounts', 'members', 2, 'id'])).toBe('accounts.members[2].id');
  });
});

describe('one mistake, one problem', () => {
  const only = (mutate: (input: Record<string, any>) => void) => problemsFor(mutate).map((p) => `${p.path}: ${p.message}`);

  test('a region written as a string instead of a list is one problem, not one per letter', () => {
    // with the example's DNS Firewall defaults, which check every governed region
    expect(only((i) => (i.organization.regions = 'eu-west-1'))).toEqual([
      'organization.regions: expected a list, got string "eu-west-1"; write [eu-west-1]',
    ]);
    expect(only((i) => (i.organization.regions = 'eu-central-1'))).toHaveLength(1);
  });

  test('an unknown region gets no advice about its DNS Firewall lists or its home region', () => {
    expect(only((i) => (i.organization.regions = ['us-east-1', 'xx-fake-1']))).toEqual([
      expect.stringMatching(/^organization\.regions\[1\]: unknown region "xx-fake-1"/),
    ]);
    expect(only((i) => (i.organization.regions = ['us-east-1x', 'eu-west-1']))).toHaveLength(1);
  });

  test('an unknown excluded region is reported once', () => {
    expect(only((i) => (i.services = { macie: { excludedRegions: ['mars-1'] } }))).toEqual([
      expect.stringMatching(/^services\.macie\.excludedRegions\[0\]: region "mars-1" is not a governed region/),
    ]);
  });

  test('checks between valid values still run next to a malformed one', () => {
    const problems = only((i) => {
      i.organization.regions = ['us-east-1', 'us-east-1', 'bad-1'];
      i.services = { macie: { excludedRegions: ['eu-west-1'] } };
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/regions\[1\]: region "us-east-1" is listed twice/)]));
    expect(problems).toHaveLength(2);
  });
});

describe('YAML as people write it', () => {
  const text = (members: string) => stringify({ ...minimalInput(), accounts: { ...minimalInput().accounts, members: [] } })
    .replace('members: []', `members:\n${members}`);

  test('150 members sharing one email and OU through aliases', () => {
    const input = minimalInput();
    input.organization.organizationalUnits = [{ name: 'workloads', id: 'ou-ab12-workload1' }];
    const members = Array.from({ length: 150 }, (_, i) =>
      `    - { name: m-${i}, id: "${500000000000 + i}", email: ${i === 0 ? '&mail ops@example.com' : '*mail'}, ou: ${i === 0 ? '&p workloads' : '*p'} }`).join('\n');
    const yamlText = stringify({ ...input, accounts: { ...input.accounts, members: [] } }).replace('members: []', `members:\n${members}`);
    const cfg = parseConfig(yamlText);
    expect(cfg.accounts.members).toHaveLength(150);
    expect(new Set(cfg.accounts.members.map((m) => m.email))).toEqual(new Set(['ops@example.com']));
  });

  test('merge keys (<<: *defaults)', () => {
    const cfg = parseConfig(text('    - &base { name: a, id: "500000000001", email: a@example.com }\n    - { <<: *base, name: b, id: "500000000002" }'));
    expect(cfg.accounts.members[1]).toMatchObject({ name: 'b', id: '500000000002', email: 'a@example.com' });
    expect(cfg.accounts.members[1]).not.toHaveProperty('ou');
  });

  test('an alias bomb is refused with a message, not a crash', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
      .concat('bcdefg'.split('').map((l, i) => `${l}: &${l} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`))
      .join('\n');
    expect(problemsOf(bomb)).toEqual([{ path: '', message: expect.stringMatching(/expand to more than 100,000 values/) }]);
    expect(problemsOf('a: *nowhere\n')[0].message).toMatch(/malformed YAML|alias/i);
  });
});

describe('files people actually have', () => {
  const bundled = () => readFileSync(path.resolve('config/organization.yaml'), 'utf8');
  const problemsOfFile = (file: string, shown = file) => {
    try {
      loadConfig(file, shown);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };

  test('a duplicate key names the key, where it is and the line of the first one, for every duplicate', () => {
    const text = bundled()
      .replace('  homeRegion: us-east-1\n', '  homeRegion: us-east-1\n  homeRegion: eu-west-1\n')
      .replace('{ name: workload-prod,', '{ name: workload-prod, name: other,');
    const problems = problemsOf(`${text}\norganization: {}\n`);
    const line = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
    expect(problems).toEqual([
      { path: '', line: text.split('\n').length + 1, message: `the key "organization" appears twice (first at line ${line('organization:')}); each key may appear once: keep one of them` },
      { path: 'organization', line: line('homeRegion: eu-west-1'), message: `the key "homeRegion" appears twice (first at line ${line('homeRegion: us-east-1')}); each key may appear once: keep one of them` },
      { path: 'accounts.members[0]', line: line('name: other'), message: `the key "name" appears twice (first at line ${line('name: other')}); each key may appear once: keep one of them` },
    ]);
    // repeated merge keys are not duplicates: each one merges more defaults
    expect(() => parseConfig(bundled().replace('{ name: workload-prod,', '{ <<: {ou: workloads}, <<: {email: a@example.com}, name: workload-prod,'))).not.toThrow();
  });

  // yaml's own duplicate check compares every key with every other (minutes for a map this size);
  // the loader's own check is linear. Speed is not asserted here (no timed tests): only the result.
  test('one big mapping is read, and gives its one real problem', () => {
    const extra = Array.from({ length: 40_000 }, (_, i) => `  k${i}: [a, b]`).join('\n');
    expect(problemsOf(`${bundled()}\nextra:\n${extra}\n`)).toEqual([expect.objectContaining({ message: expect.stringMatching(/^unknown key "extra"/) })]);
  });

  test('a file far larger than any organization is refused before it is parsed', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-load-')), 'huge.yaml');
    writeFileSync(file, `${bundled()}\n${'# padding\n'.repeat(MAX_CONFIG_BYTES / 10 + 1)}`);
    expect(problemsOfFile(file, 'huge.yaml')).toEqual([
      { path: '', message: 'the file is 10.0 MB; an organization config is at most 10 MB (10,000 members take about 1 MB): is ORG_CONFIG the right file?' },
    ]);
  });

  test('a folder, a missing file and a quoted ~ say what is wrong in words', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-load-'));
    mkdirSync(path.join(dir, 'org.yaml'));
    expect(problemsOfFile(path.join(dir, 'org.yaml'), 'org.yaml')).toEqual([
      { path: '', message: 'cannot read the file: it is a folder, not a file; set ORG_CONFIG to an existing YAML file' },
    ]);
    // ORG_CONFIG="~/org.yaml": the shell leaves a quoted ~ alone, so it is a folder named ~ below the project
    expect(problemsOfFile(path.join(dir, '~', 'org.yaml'), '~/org.yaml')).toEqual([
      { path: '', message: 'cannot read the file: there is no such file (a quoted ~ is not your home folder: write $HOME/... instead); set ORG_CONFIG to an existing YAML file' },
    ]);
  });

  test('a tab in the indentation is one problem per tab, not a cascade', () => {
    const text = bundled().replace('  homeRegion:', '\thomeRegion:');
    expect(problemsOf(text)).toEqual([
      { path: '', line: text.split('\n').findIndex((l) => l.startsWith('\t')) + 1, message: 'malformed YAML: a tab indents this line; YAML indents with spaces only' },
    ]);
  });

  test('a UTF-8 byte order mark and CRLF line endings (files saved on Windows) load as the same config', () => {
    const cfg = parseConfig(bundled());
    expect(parseConfig(`\ufeff${bundled().replace(/\n/g, '\r\n')}`)).toEqual(cfg);
  });

  test('a second YAML document or a binary file is one problem saying so', () => {
    const text = `${bundled()}---\nfoo: 1\n`;
    expect(problemsOf(text)).toEqual([
      { path: '', line: text.split('\n').indexOf('---') + 1, message: 'a second YAML document starts here (`---`); an organization config is one document: remove the `---` line or what follows it' },
    ]);
    expect(problemsOf('\x7fELF\x02\x01\x01\0\0\0: x\n')).toEqual([{ path: '', message: 'the file is not text (it holds NUL bytes): is ORG_CONFIG the right file?' }]);
  });

  test('an empty file and a top-level list say what the file must be', () => {
    for (const text of ['', '- a\n- b\n']) {
      expect(problemsOf(text)).toEqual([{ path: '', message: 'the file must be a YAML mapping with at least the keys organization and accounts' }]);
    }
  });
});

describe('which config file', () => {
  test('a relative ORG_CONFIG is read from the folder the command was typed in (npm sets INIT_CWD)', () => {
    expect(configPathFromEnv({ ORG_CONFIG: 'examples/full.yaml', INIT_CWD: '/repo/config' })).toBe('/repo/config/examples/full.yaml');
    expect(configPathFromEnv({ ORG_CONFIG: '/abs/org.yaml', INIT_CWD: '/repo/config' })).toBe('/abs/org.yaml');
    expect(configPathFromEnv({ INIT_CWD: '/repo/config' })).toBe(path.resolve('config/organization.yaml'));
  });

  test('synth says when it uses the bundled example', () => {
    expect(describeConfigSource({})).toMatch(/the bundled example \(ORG_CONFIG is not set/);
    expect(describeConfigSource({ ORG_CONFIG: '' })).toMatch(/the bundled example \(ORG_CONFIG is empty/);
    expect(describeConfigSource({ ORG_CONFIG: '/abs/org.yaml' })).toBe('config: /abs/org.yaml (ORG_CONFIG)');
  });
});

describe('the config check the npm scripts run before the cdktf CLI starts (tools/cdktf.ts)', () => {
  test('loads neither cdktf nor the provider bindings: a bad config is answered in a fraction of a second', () => {
    // The compiled code, as `npm run synth` runs it: what the process has loaded once the check is done.
    const script = `
      const { loadConfig } = require('./dist/config/load');
      require('./dist/synth-setup');
      require('./dist/terraform');
      loadConfig(${JSON.stringify(path.join(__dirname, '..', '..', 'config', 'examples', 'full.yaml'))});
      const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](cdktf|@cdktf[\\\\/]provider-aws|constructs)[\\\\/]/.test(f));
      console.log(JSON.stringify(loaded));`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});
