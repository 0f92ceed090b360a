import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { configOf, filesBelow, minimalInput, synthOrg, synthToDir } from './helpers';
import {
  PRUNE_AFTER_MS, SYNTH_CACHE_ENV, SYNTH_RECORD_ENV, SYNTH_REUSE_ENV, cachedSynth, codeKey, createSynthCache, removeSynthCache, synthCacheRoot, synthCodeFiles,
} from './synth-cache';

const ROOT = path.join(__dirname, '..');

// The synth cache of the test runs (test/synth-cache.ts) must never let one test see another's changes or a
// result of other code.
describe('synth cache of the test run', () => {
  const runDir = process.env[SYNTH_CACHE_ENV]!;
  // The entries below are counted in a folder of this suite's own (with the run's record): the run's folder
  // gets entries from the other workers at the same time.
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-synth-cache-test-'));
  beforeAll(() => (process.env[SYNTH_CACHE_ENV] = dir));
  afterAll(() => {
    process.env[SYNTH_CACHE_ENV] = runDir;
    rmSync(dir, { recursive: true, force: true });
  });

  test('the workers get the cache folder of the current code from jest globalSetup', () => {
    expect(runDir).toBeTruthy();
    expect(existsSync(runDir)).toBe(true);
    if (process.env[SYNTH_REUSE_ENV] !== '0') expect(runDir).toBe(path.join(synthCacheRoot(), codeKey()));
    expect(existsSync(process.env[SYNTH_RECORD_ENV]!)).toBe(true); // this run's record of its code files
  });

  test('a config is synthesized once; every read is a fresh copy, so a test may change what it got', () => {
    const input = minimalInput();
    input.accounts.members = [{ name: 'cache-probe', id: '999999999999' }];
    const first = synthOrg(configOf(input));
    const files = readdirSync(dir).length;
    first.security.resource = {};
    const second = synthOrg(configOf(input));
    expect(readdirSync(dir)).toHaveLength(files); // read back, not synthesized again
    expect(second.security.resource!.aws_guardduty_detector).toBeDefined();
    expect(Object.keys(second)).toEqual(['log-archive', 'management', 'security', 'cache-probe']);
    // a different config is a different entry
    input.accounts.members[0].id = '999999999998';
    expect(synthOrg(configOf(input))['cache-probe']).not.toEqual(second['cache-probe']);
  });

  test('an output directory is written once by cdktf; the next one is the same files, from the cache', () => {
    const input = minimalInput();
    input.accounts.members = [{ name: 'dir-probe', id: '999999999997' }];
    const files = filesBelow;
    const first = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-dir-')), 'cdktf.out');
    synthToDir(configOf(input), first);
    const entries = readdirSync(dir).length;
    const second = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-dir-')), 'cdktf.out');
    synthToDir(configOf(input), second);
    expect(readdirSync(dir)).toHaveLength(entries);
    expect(Object.keys(files(first)).sort()).toEqual(['manifest.json', ...['dir-probe', 'log-archive', 'management', 'security'].map((s) => path.join('stacks', s, 'cdk.tf.json'))]);
    expect(files(second)).toEqual(files(first));
    // the stacks synthOrg gives for the config, with the construct metadata ("//") the App writes and Testing leaves out
    const withoutMetadata = (text: string) => JSON.parse(text, (k, v) => (k === '//' ? undefined : v));
    expect(withoutMetadata(files(second)[path.join('stacks', 'dir-probe', 'cdk.tf.json')])).toEqual(synthOrg(configOf(input))['dir-probe']);
    for (const d of [first, second]) rmSync(path.dirname(d), { recursive: true, force: true });
  });

  // Probes no earlier run can have kept: each run's own.
  const unique = `${process.pid}-${Date.now()}`;
  const uniqueOrg = () => {
    const input = minimalInput();
    input.organization.id = `o-${createHash('sha256').update(unique).digest('hex').slice(0, 10)}`;
    return input;
  };

  test('a result is computed once and kept in an entry of the run\'s folder; a caller\'s own code is part of its key', () => {
    let calls = 0;
    const count = () => ++calls;
    const entries = () => readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
    const before = new Set(entries());
    expect(cachedSynth({ probe: unique }, count)).toBe(1);
    expect(cachedSynth({ probe: unique }, count)).toBe(1);
    expect(calls).toBe(1);
    expect(entries().filter((f) => !before.has(f))).toHaveLength(1);

    const builder = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-builder-')), 'fixture.ts');
    writeFileSync(builder, 'export const v = 1;\n');
    expect(cachedSynth({ probe: unique }, count, [builder])).toBe(2);
    expect(cachedSynth({ probe: unique }, count, [builder])).toBe(2);
    writeFileSync(builder, 'export const v = 2;\n');
    expect(cachedSynth({ probe: unique }, count, [builder])).toBe(3);
    rmSync(path.dirname(builder), { recursive: true, force: true });
  });

  test('the working directory is part of a result\'s key: the local state paths are below it', () => {
    const config = configOf(uniqueOrg());
    const statePath = (stacks: Record<string, any>) => stacks.security.terraform.backend.local.path as string;
    const cwd = process.cwd();
    const dirs = [0, 1].map(() => realpathSync(mkdtempSync(path.join(tmpdir(), 'org-guard-cwd-'))));
    try {
      const paths = dirs.map((d) => {
        process.chdir(d);
        return statePath(synthOrg(config));
      });
      expect(paths).toEqual(dirs.map((d) => path.join(d, 'terraform.security.tfstate')));
    } finally {
      process.chdir(cwd);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  test('an output directory records only what the App wrote, not what was in the directory before', () => {
    const config = configOf(uniqueOrg());
    const first = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-dir-')), 'cdktf.out');
    mkdirSync(path.join(first, 'stacks', 'old-member'), { recursive: true });
    writeFileSync(path.join(first, 'stacks', 'old-member', 'cdk.tf.json'), '{}');
    synthToDir(config, first);
    const second = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-dir-')), 'cdktf.out');
    synthToDir(config, second);
    expect(readdirSync(path.join(second, 'stacks')).sort()).toEqual(['log-archive', 'management', 'security', 'workload-prod']);
    for (const d of [first, second]) rmSync(path.dirname(d), { recursive: true, force: true });
  });

  test('a synth that throws is not cached: it runs (and throws) every time', () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      throw new Error('synth failed');
    };
    expect(() => cachedSynth({ probe: 'throws' }, failing)).toThrow('synth failed');
    expect(() => cachedSynth({ probe: 'throws' }, failing)).toThrow('synth failed');
    expect(calls).toBe(2);
  });

  test('a synth that changes its config is not cached (its result is not a function of the config as given)', () => {
    const config = { probe: 'mutated', n: 0 };
    let calls = 0;
    const mutating = () => {
      calls += 1;
      config.n += 1;
      return calls;
    };
    cachedSynth(config, mutating);
    config.n = 0;
    expect(cachedSynth(config, mutating)).toBe(2);
  });

  test('a synth whose folder went away (another run with other code pruned it) still returns its result', () => {
    const gone = mkdtempSync(path.join(tmpdir(), 'org-guard-synth-gone-'));
    rmSync(gone, { recursive: true });
    const saved = process.env[SYNTH_CACHE_ENV];
    process.env[SYNTH_CACHE_ENV] = gone;
    try {
      expect(cachedSynth({ probe: 'gone' }, () => 42)).toBe(42);
    } finally {
      process.env[SYNTH_CACHE_ENV] = saved;
    }
  });
});

describe('the code key: results are reused only by the synth code that wrote them', () => {
  // A small project: the helpers that synthesize reach the app, a stack, a module and a side-effect import;
  // a tool, a test file, a config example, notes, an install, a build and an output are beside them.
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'org-guard-codekey-'));
    for (const [file, text] of Object.entries({
      'test/helpers.ts': "import { buildApp } from '../app';\nexport const synth = () => buildApp();\n",
      'test/cdktf-tuned.ts': 'module.exports = {};\n',
      'app.ts': "import './side-effect';\nimport type { X } from './config/schema';\nexport const buildApp = () => (require('./stacks/member') as any).MemberStack;\n",
      'side-effect.ts': 'export {};\n',
      'config/schema.ts': 'export type X = 1;\n',
      'stacks/member.ts': "import { g } from '../modules/guardduty';\nexport const MemberStack = g;\n",
      'modules/guardduty.ts': 'export const g = 1;\n',
      'tools/report.ts': "import { g } from '../modules/guardduty';\nexport const r = g;\n",
      'config/examples/full.yaml': 'organization: {}\n',
      'test/app.test.ts': "test('x', () => {});\n",
      'README.md': '# notes\n',
      'jest.config.js': "module.exports = { moduleNameMapper: { '^cdktf$': '<rootDir>/test/cdktf-tuned.ts' } };\n",
      'package-lock.json': '{"lockfileVersion":3}\n',
      'node_modules/.package-lock.json': '{"packages":{"node_modules/cdktf":{"version":"0.21.0"}}}\n',
      'node_modules/cdktf/index.js': 'module.exports = 1;\n',
      'dist/app.js': 'exports.a = 1;\n',
      'cdktf.out/manifest.json': '{}\n',
    })) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The key after `file` got one more line, and the key once it is back as it was. */
  const keyWithEdit = (file: string, env: NodeJS.ProcessEnv = {}) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    writeFileSync(path.join(root, file), `${text}// changed\n`);
    const edited = codeKey(root, undefined, env);
    writeFileSync(path.join(root, file), text);
    return edited;
  };

  test('reaches the helpers\' imports, their imports, side-effect and type-only imports, and jest\'s mapped modules', () => {
    expect(synthCodeFiles(root)).toEqual([
      'app.ts', 'config/schema.ts', 'jest.config.js', 'modules/guardduty.ts', 'node_modules/.package-lock.json', 'package-lock.json',
      'side-effect.ts', 'stacks/member.ts', 'test/cdktf-tuned.ts', 'test/helpers.ts',
    ]);
  });

  test('changes with every file a synth reaches and with the installed packages; back as it was, back to the same key', () => {
    const before = codeKey(root, undefined, {});
    for (const file of synthCodeFiles(root)) expect([file, keyWithEdit(file)]).not.toEqual([file, before]);
    expect(codeKey(root, undefined, {})).toBe(before);
    // a new file the app starts to import counts too
    writeFileSync(path.join(root, 'stacks', 'extra.ts'), 'export {};\n');
    expect(codeKey(root, undefined, {})).toBe(before);
    writeFileSync(path.join(root, 'app.ts'), `${readFileSync(path.join(root, 'app.ts'), 'utf8')}export * from './stacks/extra';\n`);
    const withImport = codeKey(root, undefined, {});
    expect(withImport).not.toBe(before);
    expect(keyWithEdit('stacks/extra.ts')).not.toBe(withImport);
  });

  test('does not change with a tool the synth does not import, a test file, a config example, notes, the build or the output', () => {
    const before = codeKey(root, undefined, {});
    for (const file of ['tools/report.ts', 'test/app.test.ts', 'config/examples/full.yaml', 'README.md', 'dist/app.js', 'cdktf.out/manifest.json', 'node_modules/cdktf/index.js']) {
      writeFileSync(path.join(root, file), `${file} changed\n`);
    }
    expect(codeKey(root, undefined, {})).toBe(before);
  });

  test('changes with the settings that change what synth writes; not with the cache\'s own', () => {
    const key = (env: NodeJS.ProcessEnv) => codeKey(root, undefined, env);
    const plain = key({ HOME: '/root' });
    expect(key({ HOME: '/elsewhere' })).toBe(plain);
    expect(key({ [SYNTH_CACHE_ENV]: '/tmp/x', [SYNTH_REUSE_ENV]: '1' })).toBe(plain);
    for (const setting of ['ORG_GUARD_CDKTF_DEFAULTS', 'SYNTH_HCL_OUTPUT', 'CDKTF_CONTEXT_JSON', 'TERRAFORM_BINARY_NAME', 'TF_CLI_CONFIG_FILE', 'CHECKPOINT_DISABLE', 'PATH']) {
      expect([setting, key({ [setting]: '1' })]).not.toEqual([setting, plain]);
    }
  });

  test('the real project: the helpers reach the app, every stack, module and config section; tools only where the app imports them', () => {
    const files = synthCodeFiles();
    const under = (dir: string) => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join(dir, f));
    expect(files).toEqual(expect.arrayContaining([
      'app.ts', 'cdktf-tuning.ts', 'test/helpers.ts', 'test/cdktf-tuned.ts', 'test/cdktf-archiver.ts', 'package-lock.json', 'config/schema.ts',
      ...under('stacks'), ...under('modules'), ...under('config/sections'),
      'tools/verify/calls.ts', // modules/verify-role.ts imports it
    ]));
    expect(files.filter((f) => f.endsWith('.test.ts') || /^tools\/(report|plan-review|addresses|bench)\//.test(f) || f === 'main.ts')).toEqual([]);
  });

  test('code edited while the tests run: results from then on are not kept under the key of the code before', () => {
    const env: NodeJS.ProcessEnv = {};
    const dir = createSynthCache(env, root);
    const saved = [process.env[SYNTH_CACHE_ENV], process.env[SYNTH_RECORD_ENV]];
    process.env[SYNTH_CACHE_ENV] = dir;
    process.env[SYNTH_RECORD_ENV] = env[SYNTH_RECORD_ENV];
    try {
      expect(cachedSynth({ probe: 'before the edit' }, () => 1)).toBe(1);
      const entries = readdirSync(dir).length;
      writeFileSync(path.join(root, 'modules', 'guardduty.ts'), 'export const g = 2;\n');
      expect(cachedSynth({ probe: 'after the edit' }, () => 2)).toBe(2);
      expect(readdirSync(dir)).toHaveLength(entries); // not kept
      expect(cachedSynth({ probe: 'after the edit' }, () => 3)).toBe(3); // synthesized again
    } finally {
      [process.env[SYNTH_CACHE_ENV], process.env[SYNTH_RECORD_ENV]] = saved;
    }
  });

  test('globalSetup takes the folder of the current code; folders of other code go once no run used them for a while', () => {
    const env: NodeJS.ProcessEnv = {};
    const t0 = Date.now();
    const first = createSynthCache(env, root, t0);
    expect(first).toBe(path.join(synthCacheRoot(root), codeKey(root, undefined, env)));
    expect(env[SYNTH_CACHE_ENV]).toBe(first);
    writeFileSync(path.join(first, 'result.json'), '[]');
    removeSynthCache(env);
    expect(existsSync(path.join(first, 'result.json'))).toBe(true); // kept for the next run of the same code
    expect(createSynthCache({}, root, t0 + 5000)).toBe(first);
    expect(Math.abs(statSync(first).mtimeMs - (t0 + 5000))).toBeLessThan(1); // marked as in use by the run that took it (the filesystem keeps microseconds)

    writeFileSync(path.join(root, 'app.ts'), 'export const a = 2;\n');
    const second = createSynthCache({}, root, t0 + 6000);
    expect(second).not.toBe(first);
    // a run of the other code may still be reading its folder
    expect(readdirSync(synthCacheRoot(root)).sort()).toEqual([path.basename(first), path.basename(second)].sort());
    createSynthCache({}, root, t0 + PRUNE_AFTER_MS + 7000);
    expect(readdirSync(synthCacheRoot(root))).toEqual([path.basename(second)]);
  });

  test('a cache folder that cannot be written: the run keeps its results for itself, in a folder of its own', () => {
    writeFileSync(path.join(root, 'node_modules', '.cache'), 'a file where the folder would be');
    const env: NodeJS.ProcessEnv = {};
    const dir = createSynthCache(env, root);
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(env[SYNTH_RECORD_ENV]!)).toBe(true);
    removeSynthCache(env);
  });

  test('ORG_GUARD_TEST_SYNTH_REUSE=0: a folder for the run only, removed at its end', () => {
    const env: NodeJS.ProcessEnv = { [SYNTH_REUSE_ENV]: '0' };
    const dir = createSynthCache(env, root);
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^run-\d+-\d+\.record$/)]);
    expect(existsSync(synthCacheRoot(root))).toBe(false);
    removeSynthCache(env);
    expect(existsSync(dir)).toBe(false);
  });
});
