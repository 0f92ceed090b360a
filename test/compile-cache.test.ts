import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMPILE_CACHE_ENV, MAX_CACHE_ENTRIES, compileCacheDir, flagsKey, mayImportDynamically } from '../compile-cache';

// The code cache in processes as org-guard starts them: compiled dist/ (`npm test` builds it first).
const repo = path.resolve(__dirname, '..');
const compiled = path.join(repo, 'dist', 'compile-cache.js');

// Node 22.8 and later cache with their own module.enableCompileCache; these tests are about the Node 20 hook.
const hooked = !('enableCompileCache' in Module);
const describeHook = hooked ? describe : describe.skip;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};

/** A folder of CommonJS modules, and a script that turns the cache on, loads one of them and prints what it saw. */
function fixture(modules: Record<string, string>): { dir: string; cache: string; run(entry: string, env?: NodeJS.ProcessEnv): { status: number | null; out: any; stderr: string } } {
  const dir = tempDir('org-guard-cc-');
  const cache = path.join(dir, 'cache');
  for (const [name, text] of Object.entries(modules)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'start.js'), `
const cc = require(${JSON.stringify(compiled)});
const on = cc.enableCompileCache(process.env, Number(process.env.MAX_ENTRIES || cc.MAX_CACHE_ENTRIES));
Promise.resolve(require(process.argv[2])).then((value) => console.log(JSON.stringify({ on: Boolean(on), value, stats: cc.compileCacheStats() })));
`);
  return {
    dir,
    cache,
    run(entry, env = {}) {
      const r = spawnSync(process.execPath, [path.join(dir, 'start.js'), path.join(dir, entry)], { encoding: 'utf8', env: { ...process.env, [COMPILE_CACHE_ENV]: cache, ...env } });
      return { status: r.status, out: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
    },
  };
}

/** The entries in the cache folder a fixture names (ORG_GUARD_COMPILE_CACHE=<folder> keeps them in a subfolder of it). */
const entries = (cache: string) => (existsSync(compileCacheDir(cache)) ? readdirSync(compileCacheDir(cache)).sort() : []);

describeHook('the compile cache', () => {
  test('the second process compiles every module from the cache; a changed source is compiled again, never served old code', () => {
    const f = fixture({ 'a.js': 'module.exports = require("./b.js") + 1;', 'b.js': 'module.exports = 41;' });
    const first = f.run('a.js');
    expect(first.out).toEqual({ on: true, value: 42, stats: { hits: 0, misses: 2, skipped: 0 } });
    expect(entries(f.cache)).toHaveLength(2); // written as the process exits
    const second = f.run('a.js');
    expect(second.out).toEqual({ on: true, value: 42, stats: { hits: 2, misses: 0, skipped: 0 } });
    writeFileSync(path.join(f.dir, 'b.js'), 'module.exports = 51;'); // same length, same path
    expect(f.run('a.js').out).toEqual({ on: true, value: 52, stats: { hits: 1, misses: 1, skipped: 0 } });
  });

  test('a module compiled from the cache sees what Node gives every module', () => {
    const f = fixture({
      'probe.js': `#!/usr/bin/env node
const thisIsExports = this === module.exports;
require('./b.js');
const thrown = (() => { try { require('./fails.js'); } catch (e) { return e.stack.split('\\n').find((l) => l.includes('fails.js')); } })();
module.exports = import('./esm.mjs').then((esm) => ({
  thisIsExports,
  filename: __filename,
  dirname: __dirname,
  resolved: require.resolve('./b.js'),
  lookup: Array.isArray(require.resolve.paths('some-package')),
  main: require.main === process.mainModule,
  cached: Object.keys(require.cache).includes(require.resolve('./b.js')),
  extensions: Object.keys(require.extensions).includes('.js'),
  esm: esm.value,
  thrown,
}));`,
      'b.js': 'module.exports = 1;',
      'esm.mjs': 'export const value = "dynamic import works";',
      'fails.js': '\n\nthrow new Error("line 3");',
    });
    const probe = (run: ReturnType<typeof f.run>) => run.out.value;
    const plain = f.run('probe.js', { [COMPILE_CACHE_ENV]: '0' });
    expect(plain.out.on).toBe(false);
    const expected = {
      thisIsExports: true,
      filename: path.join(f.dir, 'probe.js'),
      dirname: f.dir,
      resolved: path.join(f.dir, 'b.js'),
      lookup: true,
      main: true,
      cached: true,
      extensions: true,
      esm: 'dynamic import works',
      thrown: expect.stringContaining(`${path.join(f.dir, 'fails.js')}:3:`),
    };
    expect(probe(plain)).toEqual(expected);
    const first = f.run('probe.js');
    expect(probe(first)).toEqual(expected);
    const second = f.run('probe.js');
    // probe.js calls import(): compiled by Node (below)
    expect(first.out.stats).toEqual({ hits: 0, misses: 2, skipped: 1 });
    expect(second.out.stats).toEqual({ hits: 2, misses: 0, skipped: 1 });
    expect(probe(second)).toEqual(expected);
  });

  test('a module that calls import() is compiled by Node, which Node 20 requires for import() to work; one that only mentions it is cached', () => {
    // Node 20.20: code compiled from cached data has no import() (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING)
    const f = fixture({
      'calls.js': 'module.exports = import(/* the value */ "./esm.mjs").then((m) => m.value);',
      'mentions.js': `// React's message, as the CLI bundle quotes it: "Expected the result of a dynamic import() call"
/** @type {import('./esm.mjs')} */
module.exports = ['lazy(() => import("./x"))', \`import(\${1})\`, /import\\(/.source].length;`,
      'esm.mjs': 'export const value = "imported";',
    });
    for (let run = 0; run < 3; run++) {
      const calls = f.run('calls.js');
      expect(calls.out).toEqual({ on: true, value: 'imported', stats: { hits: 0, misses: 0, skipped: 1 } });
      expect(calls.stderr).toBe(''); // no ExperimentalWarning about vm.USE_MAIN_CONTEXT_DEFAULT_LOADER
      expect(f.run('mentions.js').out).toMatchObject({ value: 3, stats: run === 0 ? { misses: 1 } : { hits: 1, misses: 0, skipped: 0 } });
    }
  });

  test.each([
    ['import("x")', true],
    ['const m = await import (name);', true],
    ['import /* which */ (name)', true],
    ['a = b / 2; import(c)', true],
    ['`${import(x)}`', true],
    ['`${ { a: 1 }.a } and ${import(y)}`', true],
    ['x = {} / import(y)', true],
    ['// import(x)', false],
    ['/* import(x) */', false],
    ['"import(x)" + \'import(y)\'', false],
    ['`dynamic import() ${a}`', false],
    ['loader.import(y)', false],
    ['/import\\(/.test(s)', false],
    ['const r = /[/]import(/;', false],
    ['w = (await read(v)).replace(/from \\. import .*\\n/g, "")', false], // the CLI bundle's code generator
    ['const load = new Function("specifier", "return import(specifier)");', true],
    ['eval("import(\'./x.mjs\')")', true],
    ['Function("return this")(); const m = "lazy(() => import(\'./C\'))";', false], // React's message, as the CLI bundle has it
    ['let i = 0; const h = i++ / 2, m = import("./e.mjs"), t = h / 3;', true],
    ["'a\\\r\nb', import('x')", true],
    ['function f() {} /import(x)/.test(s)', true],
  ])('import() as code: %s -> %s', (source, expected) => {
    expect(mayImportDynamically(source)).toBe(expected);
  });

  test('a syntax error is reported by Node as without the cache, naming the file and line', () => {
    const f = fixture({ 'bad.js': 'const a = 1;\nconst = 2;\n' });
    const plain = f.run('bad.js', { [COMPILE_CACHE_ENV]: '0' });
    const cached = f.run('bad.js');
    expect(cached.status).not.toBe(0);
    const where = (stderr: string) => stderr.split('\n').slice(0, 3).join('\n');
    expect(where(cached.stderr)).toBe(where(plain.stderr));
    expect(cached.stderr).toContain(`${path.join(f.dir, 'bad.js')}:2`);
    expect(cached.stderr).toContain('SyntaxError');
  });

  test('data V8 rejects is compiled from source and marked, not rewritten by every process', () => {
    const f = fixture({ 'a.js': 'module.exports = 7;' });
    f.run('a.js');
    const [entry] = entries(f.cache);
    writeFileSync(path.join(compileCacheDir(f.cache), entry), Buffer.from('not V8 code cache data, as a different V8 would see its data'));
    expect(f.run('a.js').out).toEqual({ on: true, value: 7, stats: { hits: 0, misses: 1, skipped: 0 } });
    expect(statSync(path.join(compileCacheDir(f.cache), entry)).size).toBe(0);
    expect(f.run('a.js').out).toEqual({ on: true, value: 7, stats: { hits: 0, misses: 0, skipped: 1 } });
  });

  test('ORG_GUARD_COMPILE_CACHE=0 turns it off; a cache folder that cannot be written costs nothing but the cache', () => {
    const f = fixture({ 'a.js': 'module.exports = 7;' });
    expect(f.run('a.js', { [COMPILE_CACHE_ENV]: '0' }).out).toEqual({ on: false, value: 7, stats: { hits: 0, misses: 0, skipped: 0 } });
    expect(existsSync(f.cache)).toBe(false);
    writeFileSync(f.cache, 'a file where the folder would be');
    const run = f.run('a.js');
    expect([run.status, run.stderr, run.out.value]).toEqual([0, '', 7]);
    expect(readFileSync(f.cache, 'utf8')).toBe('a file where the folder would be');
  });

  test(`more than ${MAX_CACHE_ENTRIES} entries (old sources pile up as code changes): the entries are removed before new ones are written, and nothing else`, () => {
    const f = fixture({ 'a.js': 'module.exports = require("./b.js");', 'b.js': 'module.exports = 7;' });
    const dir = compileCacheDir(f.cache);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 9; i++) writeFileSync(path.join(dir, String(i).repeat(40)), '');
    writeFileSync(path.join(f.cache, 'notes.txt'), 'the folder ORG_GUARD_COMPILE_CACHE names is the user\'s');
    writeFileSync(path.join(dir, 'notes.txt'), 'not an entry');
    f.run('a.js', { MAX_ENTRIES: '11' });
    expect(entries(f.cache)).toHaveLength(12); // 9 + 2 entries, still within the limit, and notes.txt
    writeFileSync(path.join(f.dir, 'b.js'), 'module.exports = 8;');
    f.run('a.js', { MAX_ENTRIES: '11' });
    expect(entries(f.cache)).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), 'notes.txt']); // 11 + 1 > 11: b.js's new entry
    expect(readdirSync(f.cache)).toEqual(['notes.txt', path.basename(dir)]);
  });

  test('ORG_GUARD_COMPILE_CACHE=1 is the default folder; NODE_DISABLE_COMPILE_CACHE=1, Node\'s own switch, turns it off', () => {
    const f = fixture({ 'a.js': 'module.exports = 7;' });
    expect(f.run('a.js', { NODE_DISABLE_COMPILE_CACHE: '1' }).out.on).toBe(false);
    const probe = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(compiled)}).enableCompileCache())`], { cwd: f.dir, encoding: 'utf8', env: { ...process.env, [COMPILE_CACHE_ENV]: '1' } });
    expect(probe.stdout.trim()).toBe(compileCacheDir());
    expect(existsSync(path.join(f.dir, '1'))).toBe(false);
  });

  test('two files with the same text each keep their own name in stack traces', () => {
    const text = 'module.exports = () => new Error("where").stack.split("\\n")[1];';
    const f = fixture({ 'one.js': text, 'two.js': text, 'both.js': 'module.exports = [require("./one.js")(), require("./two.js")()];' });
    f.run('both.js');
    const [one, two] = f.run('both.js').out.value;
    expect(one).toContain(path.join(f.dir, 'one.js'));
    expect(two).toContain(path.join(f.dir, 'two.js'));
  });

  test('an error on line 1 has the column Node gives (the wrapper is not counted)', () => {
    const f = fixture({ 'line1.js': 'const x = 1; module.exports = new Error("here").stack.split("\\n")[1];' });
    const plain = f.run('line1.js', { [COMPILE_CACHE_ENV]: '0' }).out.value;
    expect(plain).toContain('line1.js:1:31');
    f.run('line1.js');
    expect(f.run('line1.js').out).toMatchObject({ value: plain, stats: { hits: 1 } });
  });

  test('with source maps on (--enable-source-maps), Node compiles: its stack traces point into the original source', () => {
    // tsc output of `export function f(): string {\n  return new Error('x').stack!.split('\n')[1];\n}` with an inline map
    const map = { version: 3, file: 'f.js', sources: ['f.ts'], names: [], mappings: ';;AAAA,SAAgB,CAAC;IACf,OAAO,IAAI,KAAK,CAAC,GAAG,CAAC,CAAC,KAAM,CAAC,KAAK,CAAC,IAAI,CAAC,CAAC,CAAC,CAAC,CAAC;AAC/C,CAAC' };
    const f = fixture({
      'f.js': `"use strict";\nexports.f = f;\nfunction f() {\n    return new Error('x').stack.split('\\n')[1];\n}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`,
      'go.js': 'module.exports = require("./f.js").f();',
    });
    for (let run = 0; run < 2; run++) {
      const mapped = f.run('go.js', { NODE_OPTIONS: '--enable-source-maps' });
      expect(mapped.out.value).toContain(`${path.join(f.dir, 'f.ts')}:2:`);
      expect(mapped.out.stats.hits).toBe(0);
    }
  });

  test('modules loaded after a --require that turns it on see the main module as require.main', () => {
    const f = fixture({
      'enable.js': `require(${JSON.stringify(compiled)}).enableCompileCache();`,
      'main.js': 'require("./b.js"); console.log(JSON.stringify([require.main === module, require("./b.js")]));',
      'b.js': 'module.exports = require.main && require.main.filename;',
    });
    for (let run = 0; run < 2; run++) {
      const r = spawnSync(process.execPath, ['--require', path.join(f.dir, 'enable.js'), path.join(f.dir, 'main.js')], { encoding: 'utf8', env: { ...process.env, [COMPILE_CACHE_ENV]: f.cache } });
      expect(JSON.parse(r.stdout)).toEqual([true, path.join(f.dir, 'main.js')]);
    }
    expect(entries(f.cache)).toHaveLength(2); // main.js and b.js
  });

  test('entries are kept per set of V8 flags; modules to preload are not flags', () => {
    // the cdktf CLI starts the app with NODE_OPTIONS=--max-old-space-size=4096 (cdktf-cli bundle, handlers.js)
    expect(flagsKey([], '--max-old-space-size=4096')).not.toBe(flagsKey([], ''));
    expect(flagsKey(['--require', '/tmp/spy.js'], '-r other.js --import=./x.mjs --max-old-space-size=4096')).toBe(flagsKey([], '--max-old-space-size=4096'));
    const f = fixture({ 'a.js': 'module.exports = 7;' });
    f.run('a.js');
    expect(f.run('a.js', { NODE_OPTIONS: '--max-old-space-size=200' }).out.stats).toEqual({ hits: 0, misses: 1, skipped: 0 });
    expect(f.run('a.js').out.stats).toEqual({ hits: 1, misses: 0, skipped: 0 });
    expect(f.run('a.js', { NODE_OPTIONS: '--max-old-space-size=200' }).out.stats).toEqual({ hits: 1, misses: 0, skipped: 0 });
  });
});

describeHook('org-guard processes use it', () => {
  test('a second `node dist/main.js` compiles the app, cdktf and the provider from the cache and writes the same stacks', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-cc-main-'));
    const statsLog = path.join(dir, 'stats.log');
    const spy = path.join(dir, 'stats.js');
    writeFileSync(spy, `process.on('exit', () => require('fs').appendFileSync(${JSON.stringify(statsLog)}, JSON.stringify(require(${JSON.stringify(compiled)}).compileCacheStats()) + '\\n'));`);
    const run = (out: string) => spawnSync(process.execPath, ['dist/main.js'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ORG_CONFIG: '', [COMPILE_CACHE_ENV]: path.join(dir, 'cache'), CDKTF_OUTDIR: path.join(dir, out), NODE_OPTIONS: `--require ${spy}` },
    });
    expect(run('first').status).toBe(0);
    expect(run('second').status).toBe(0);
    const [first, second] = readFileSync(statsLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(first.misses).toBeGreaterThan(300); // the app, cdktf, the provider resources, zod, yaml
    expect(second).toEqual({ hits: first.misses, misses: 0, skipped: 0 });
    const stack = (out: string) => readFileSync(path.join(dir, out, 'stacks', 'security', 'cdk.tf.json'), 'utf8');
    expect(stack('second')).toBe(stack('first'));
  });

  test('every npm script that runs dist/ starts with it, and so does the cdktf CLI; a test that imports an entry point does not', () => {
    const scripts = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const entryPoints = new Set(Object.values(scripts).flatMap((cmd) => [...cmd.matchAll(/node (dist\/\S+\.js)/g)].map((m) => m[1])));
    entryPoints.add('dist/main.js'); // cdktf.json's app
    expect(entryPoints.size).toBeGreaterThan(5);
    for (const entry of entryPoints) {
      const firstRequire = /require\("([^"]+)"\)/.exec(readFileSync(path.join(repo, entry), 'utf8'))?.[1];
      expect([entry, firstRequire && path.basename(firstRequire)]).toEqual([entry, 'use-compile-cache']);
    }
    expect(readFileSync(path.join(repo, 'cdktf.json'), 'utf8')).toContain('"app": "node dist/main.js"');
    const compile = (Module as unknown as { prototype: { _compile: unknown } }).prototype._compile;
    jest.isolateModules(() => require('../tools/cdktf'));
    expect((Module as unknown as { prototype: { _compile: unknown } }).prototype._compile).toBe(compile);
  });

  test('the CLI preload turns it on in the cdktf CLI, whose modules see the CLI as require.main', () => {
    // a stand-in at the path tools/cdktf.ts starts (node --require dist/tools/cdktf-cli-preload.js .../cdktf-cli/bundle/bin/cdktf)
    const f = fixture({});
    const bin = path.join(f.dir, 'node_modules', 'cdktf-cli', 'bundle', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'cdktf'), `#!/usr/bin/env node
const main = require('./handlers.js');
process.on('exit', () => console.log(JSON.stringify({ main, stats: require(${JSON.stringify(compiled)}).compileCacheStats() })));`);
    writeFileSync(path.join(bin, 'handlers.js'), 'module.exports = require.main && require.main.filename;');
    const cli = () => JSON.parse(spawnSync(process.execPath, ['--require', path.join(repo, 'dist', 'tools', 'cdktf-cli-preload.js'), path.join(bin, 'cdktf')], {
      encoding: 'utf8', env: { ...process.env, [COMPILE_CACHE_ENV]: f.cache },
    }).stdout);
    expect(cli()).toEqual({ main: path.join(bin, 'cdktf'), stats: { hits: 0, misses: 2, skipped: 0 } }); // the CLI's main module too
    expect(cli()).toEqual({ main: path.join(bin, 'cdktf'), stats: { hits: 2, misses: 0, skipped: 0 } });
  });
});
