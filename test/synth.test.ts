import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serialize } from 'node:v8';
import { App, Fn, Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { codeFingerprint, inputsHash, synthOrganization, workerPayload, type StackSource } from '../synth';

/** Empty stacks named `ids`, each built from its own name. */
function sources(...ids: string[]): StackSource[] {
  return ids.map((id) => ({ name: id, dependsOn: [], inputs: id, build: (app: App) => new TerraformStack(app, id) }));
}

describe('synthOrganization', () => {
  const outdir = () => path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');

  test('replaces earlier output only after a complete synth', async () => {
    const out = outdir();
    mkdirSync(path.join(out, 'stacks', 'stale'), { recursive: true });
    await synthOrganization(sources('fresh'), out);
    expect(readdirSync(path.join(out, 'stacks'))).toEqual(['fresh']);
    expect(readdirSync(path.dirname(out))).toEqual(['cdktf.out']);
  });

  test('a failure while building keeps the previous output and leaves no scratch directory', async () => {
    const out = outdir();
    mkdirSync(out);
    writeFileSync(path.join(out, 'manifest.json'), '{"previous":true}');
    await expect(
      synthOrganization(
        [{ name: 'boom', dependsOn: [], inputs: 'boom', build: () => { throw new Error('boom'); } }],
        out,
      ),
    ).rejects.toThrow('boom');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual({ previous: true });
    expect(readdirSync(path.dirname(out))).toEqual(['cdktf.out']);
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
  });
});

test('workers build from the payload the parent passed (the config it validated), not from what they read themselves', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-synth-'));
  const out = path.join(dir, 'cdktf.out');
  // Stacks named and filled from the payload; a worker without it would build nothing or other values.
  const script = path.join(dir, 'worker.js');
  writeFileSync(script, `
const { App, TerraformOutput, TerraformStack } = require(${JSON.stringify(path.join(path.dirname(require.resolve('cdktf/package.json')), 'lib', 'index.js'))});
const { synthOrganization, workerPayload } = require(${JSON.stringify(path.resolve(__dirname, '..', 'dist', 'synth.js'))});
const payload = workerPayload();
const sources = Object.entries(payload).map(([name, value]) => ({ name, dependsOn: [], inputs: value, build: (app) => {
  const stack = new TerraformStack(app, name);
  new TerraformOutput(stack, 'value', { value });
  return stack;
} }));
synthOrganization(sources).catch((e) => { console.error(e.message); process.exit(1); });
`);
  const payload = { a: 'from the parent a', b: 'from the parent b', c: 'from the parent c' };
  const parentSources: StackSource[] = Object.entries(payload).map(([name, value]) => ({ name, dependsOn: [], inputs: value, build: () => { throw new Error('the parent builds nothing'); } }));
  // The compiled synth in both processes: workers refuse to build when their code is not the parent's.
  const compiled: typeof import('../synth') = require('../dist/synth');
  const result = await compiled.synthOrganization(parentSources, out, { workers: 2, workerScript: script, payload });
  expect(result.built).toEqual(['a', 'b', 'c']);
  for (const [name, value] of Object.entries(payload)) {
    expect(JSON.parse(readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')).output.value.value).toBe(value);
  }
});

test('keeps .terraform and the lock file of a stack across syntheses', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');
  const build = sources('kept');
  await synthOrganization(build, out);
  mkdirSync(path.join(out, 'stacks', 'kept', '.terraform'));
  writeFileSync(path.join(out, 'stacks', 'kept', '.terraform.lock.hcl'), 'lock');
  await synthOrganization(build, out);
  expect(readdirSync(path.join(out, 'stacks', 'kept')).sort()).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf.json']);
});

describe('nothing half-written when the swap itself fails or a synth was killed', () => {
  const build = sources;

  test('the new output cannot be moved in: the previous output is back as it was (with .terraform), no scratch folder', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');
    await synthOrganization(build('kept'), out);
    mkdirSync(path.join(out, 'stacks', 'kept', '.terraform'));
    writeFileSync(path.join(out, 'stacks', 'kept', '.terraform.lock.hcl'), 'lock');
    const before = readdirSync(path.join(out, 'stacks', 'kept')).sort();
    // what EPERM/EXDEV/ENOTEMPTY look like to synth: the rename of the scratch folder onto cdktf.out fails
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    const real = fs.renameSync;
    const spy = jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.partial-') && to === out) throw Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' });
      return real(from, to);
    });
    try {
      await expect(synthOrganization(build('kept', 'new'), out)).rejects.toThrow(
        /^cannot put the new stacks in place of .*cdktf\.out: EPERM: operation not permitted; .*cdktf\.out is unchanged$/,
      );
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(path.dirname(out))).toEqual(['cdktf.out']);
    expect(readdirSync(path.join(out, 'stacks'))).toEqual(['kept']);
    expect(readdirSync(path.join(out, 'stacks', 'kept')).sort()).toEqual(before);
  });

  test('scratch folders of a synth that no longer runs are removed; a running synth\'s are left alone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-synth-'));
    const out = path.join(dir, 'cdktf.out');
    for (const d of [`cdktf.out.partial-${dead}`, `cdktf.out.previous-${dead}`, `cdktf.out.partial-${process.ppid}`]) mkdirSync(path.join(dir, d, 'stacks', 'old'), { recursive: true });
    mkdirSync(out);
    await synthOrganization(build('fresh'), out);
    expect(readdirSync(dir).sort()).toEqual(['cdktf.out', `cdktf.out.partial-${process.ppid}`]);
  });

  test('killed between its two renames: only cdktf.out.previous-<pid> is left, and the next synth starts from it', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-synth-'));
    const out = path.join(dir, 'cdktf.out');
    mkdirSync(path.join(dir, `cdktf.out.previous-${dead}`, 'stacks', 'gone'), { recursive: true });
    const result = await synthOrganization(build('fresh'), out);
    expect(result.removed).toEqual(['gone']);
    expect(readdirSync(dir)).toEqual(['cdktf.out']);
  });
});

describe('incremental synth: a stack whose inputs and code did not change is neither built nor rewritten', () => {
  const outdir = () => path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');
  const inode = (out: string, stack: string) => statSync(path.join(out, 'stacks', stack, 'cdk.tf.json')).ino;
  /** Stacks with one resource-free output each, whose value is the stack's input; `built` counts builds. */
  const counted = (built: string[], inputs: Record<string, string>): StackSource[] =>
    Object.entries(inputs).map(([name, value]) => ({
      name,
      dependsOn: name === 'a' ? [] : ['a'],
      inputs: value,
      build: (app: App) => {
        built.push(name);
        const stack = new TerraformStack(app, name);
        new TerraformOutput(stack, 'value', { value });
        return stack;
      },
    }));

  test('unchanged inputs: nothing is built, every file stays (same inode), the manifest keeps each stack and its dependencies', async () => {
    const out = outdir();
    const first: string[] = [];
    await synthOrganization(counted(first, { a: '1', b: '2', c: '3' }), out);
    expect(first).toEqual(['a', 'b', 'c']);
    const before = ['a', 'b', 'c'].map((s) => inode(out, s));
    const again: string[] = [];
    const result = await synthOrganization(counted(again, { a: '1', b: '2', c: '3' }), out);
    expect(again).toEqual([]);
    expect(result).toMatchObject({ stacks: ['a', 'b', 'c'], built: [], rewritten: [] });
    expect(['a', 'b', 'c'].map((s) => inode(out, s))).toEqual(before);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['a', 'b', 'c']);
    expect(manifest.stacks.c.dependencies).toEqual(['a']);
    expect(manifest.stacks.c.synthesizedStackPath).toBe('stacks/c/cdk.tf.json');
  });

  test('one changed input rebuilds and rewrites that stack only; a new stack is built, a removed one is gone', async () => {
    const out = outdir();
    await synthOrganization(counted([], { a: '1', b: '2', c: '3' }), out);
    const kept = inode(out, 'a');
    const built: string[] = [];
    const result = await synthOrganization(counted(built, { a: '1', b: 'two', d: '4' }), out);
    expect(built).toEqual(['b', 'd']);
    expect(result).toMatchObject({ built: ['b', 'd'], rewritten: ['b', 'd'], removed: ['c'] });
    expect(inode(out, 'a')).toBe(kept);
    expect(JSON.parse(readFileSync(path.join(out, 'stacks', 'b', 'cdk.tf.json'), 'utf8')).output.value.value).toBe('two');
    expect(readdirSync(path.join(out, 'stacks')).sort()).toEqual(['a', 'b', 'd']);
  });

  test('a rebuilt stack that comes out byte-identical keeps its old file', async () => {
    const out = outdir();
    const stack = (inputs: unknown): StackSource[] => [
      { name: 'same', dependsOn: [], inputs, build: (app: App) => new TerraformStack(app, 'same') },
    ];
    await synthOrganization(stack('v1'), out);
    const before = inode(out, 'same');
    const result = await synthOrganization(stack('v2'), out);
    expect(result).toMatchObject({ built: ['same'], rewritten: [] });
    expect(inode(out, 'same')).toBe(before);
  });

  test('output recorded by other code is not reused: every stack is rebuilt', async () => {
    const out = outdir();
    await synthOrganization(counted([], { a: '1' }), out);
    const record = path.join(out, 'org-guard-inputs.json');
    writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, 'utf8')), code: 'other code' }));
    const built: string[] = [];
    await synthOrganization(counted(built, { a: '1' }), out);
    expect(built).toEqual(['a']);
  });
});

describe('codeFingerprint and inputsHash', () => {
  test('the fingerprint changes with app code, not with tests, tools or output', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'org-guard-code-'));
    mkdirSync(path.join(root, 'modules'));
    mkdirSync(path.join(root, 'tools'));
    mkdirSync(path.join(root, 'cdktf.out'));
    writeFileSync(path.join(root, 'modules', 'x.js'), 'one');
    const first = codeFingerprint(root);
    writeFileSync(path.join(root, 'tools', 'report.js'), 'tool');
    writeFileSync(path.join(root, 'cdktf.out', 'manifest.js'), 'output');
    expect(codeFingerprint(root)).toBe(first);
    writeFileSync(path.join(root, 'modules', 'x.js'), 'two');
    expect(codeFingerprint(root)).not.toBe(first);
  });

  test('inputs hash by content, not by key order or identity; what has no content to hash is refused', () => {
    expect(inputsHash({ a: 1, b: [true, 'x'] }, new WeakMap())).toBe(inputsHash({ b: [true, 'x'], a: 1 }, new WeakMap()));
    expect(inputsHash({ a: 1 }, new WeakMap())).not.toBe(inputsHash({ a: 2 }, new WeakMap()));
    expect(inputsHash({ a: [1, 2] }, new WeakMap())).not.toBe(inputsHash({ a: [2, 1] }, new WeakMap()));
    expect(inputsHash({ a: '1' }, new WeakMap())).not.toBe(inputsHash({ a: 1 }, new WeakMap()));
    expect(inputsHash({ ids: new Set(['1']) }, new WeakMap())).not.toBe(inputsHash({ ids: new Set(['2']) }, new WeakMap()));
    expect(inputsHash({ ids: new Set(['1']) }, new WeakMap())).not.toBe(inputsHash({ ids: ['1'] }, new WeakMap()));
    expect(() => inputsHash({ build: () => 1 }, new WeakMap())).toThrow('cannot hash a function among the stack inputs');
    class Opaque {}
    expect(() => inputsHash({ thing: new Opaque() }, new WeakMap())).toThrow('cannot hash a Opaque among the stack inputs: use plain data');
  });
});

describe('incremental synth carries over only what synth wrote', () => {
  const outdir = () => path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');
  const counted = (built: string[], names: string[]): StackSource[] =>
    names.map((name) => ({
      name,
      dependsOn: [],
      inputs: name,
      build: (app: App) => {
        built.push(name);
        const stack = new TerraformStack(app, name);
        new TerraformOutput(stack, 'value', { value: name });
        return stack;
      },
    }));

  test('a hand-edited cdk.tf.json is rebuilt; files synth did not write (plans, generated_resources.tf) are gone, as after a full synth', async () => {
    const out = outdir();
    await synthOrganization(counted([], ['a', 'b']), out);
    writeFileSync(path.join(out, 'stacks', 'a', 'cdk.tf.json'), '{"tampered":true}');
    writeFileSync(path.join(out, 'stacks', 'b', 'generated_resources.tf'), 'resource "x" "y" {}');
    writeFileSync(path.join(out, 'stacks', 'b', 'plan.out'), 'plan');
    mkdirSync(path.join(out, 'stacks', 'b', '.terraform'));
    const built: string[] = [];
    const result = await synthOrganization(counted(built, ['a', 'b']), out);
    expect(built).toEqual(['a']);
    expect(result.rewritten).toEqual(['a']);
    expect(JSON.parse(readFileSync(path.join(out, 'stacks', 'a', 'cdk.tf.json'), 'utf8')).output.value.value).toBe('a');
    expect(readdirSync(path.join(out, 'stacks', 'b')).sort()).toEqual(['.terraform', 'cdk.tf.json']);
  });

  test('a worker whose code is not the parent\'s stops before it reads the config from the job', () => {
    const out = outdir();
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'org-guard-synth-job.bin'), serialize({ code: 'the code before dist/ was rebuilt', stacks: {}, payload: { accounts: {} } }));
    expect(() => workerPayload(out)).toThrow('the code changed while synth ran; run synth again');
  });

  test('a worker whose stacks have other inputs than the parent hashed refuses to build', async () => {
    const out = outdir();
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'org-guard-synth-job.bin'), serialize({ code: codeFingerprint(), stacks: { a: inputsHash('what the parent read') }, payload: undefined }));
    process.env.ORG_GUARD_SYNTH_SHARD = '0/1';
    try {
      await expect(synthOrganization(counted([], ['a']), out)).rejects.toThrow('the inputs of stack a differ between the synth processes (the code changed while synth ran?); run synth again');
    } finally {
      delete process.env.ORG_GUARD_SYNTH_SHARD;
    }
  });

  test('stacks that share a cdktf token across batches of 50 fail by name, not with a bare token error', async () => {
    let shared: string | undefined;
    const sharedExpression = () => (shared ??= Fn.upper(Lazy.stringValue({ produce: () => 'org-guard' })));
    const names = Array.from({ length: 51 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const sources = names.map((name) => ({
      name,
      dependsOn: [],
      inputs: name,
      build: (app: App) => {
        const stack = new TerraformStack(app, name);
        new TerraformOutput(stack, 'x', { value: sharedExpression() });
        return stack;
      },
    }));
    await expect(synthOrganization(sources, outdir())).rejects.toThrow(/^stacks s50\.\.s50 use a token created while building an earlier batch of stacks .*stacks must not share cdktf tokens/);
  });
});
