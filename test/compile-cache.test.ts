import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMPILE_CACHE_ENV, MAX_CACHE_ENTRIES, flagsKey, mayImportDynamically } from '../compile-cache';

// The code cache in processes as org-guard starts them: compiled dist/ (`npm test` builds it first).
const repo = path.resolve(__dirname, '..');
const compiled = path.join(repo, 'dist', 'compile-cache.js');

/** A folder of CommonJS modules, and a script that turns the cache on, loads one of them and prints what it saw. */
function fixture(modules: Record<string, string>): { dir: string; cache: string; run(entry: string, env?: NodeJS.ProcessEnv): { status: number | null; out: any; stderr: string } } {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-guard-cc-'));
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

const entries = (cache: string) => (existsSync(cache) ? readdirSync(cache).sort() : []);

describe('the compile cache', () => {
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
    writeFileSync(path.join(f.cache, entry), Buffer.from('not V8 code cache data, as a different V8 would see its data'));
    expect(f.run('a.js').out).toEqual({ on: true, value: 7, stats: { hits: 0, misses: 1, skipped: 0 } });
    expect(statSync(path.join(f.cache, entry)).size).toBe(0);
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

  test(`more than ${MAX_CACHE_ENTRIES} entries (old sources pile up as code changes): the folder is emptied before new ones are written`, () => {
    const f = fixture({ 'a.js': 'module.exports = require("./b.js");', 'b.js': 'module.exports = 7;' });
    mkdirSync(f.cache);
    for (let i = 0; i < 9; i++) writeFileSync(path.join(f.cache, `old-${i}`), '');
    f.run('a.js', { MAX_ENTRIES: '11' });
    expect(entries(f.cache)).toHaveLength(11); // 9 + 2: still within the limit
    writeFileSync(path.join(f.dir, 'b.js'), 'module.exports = 8;');
    f.run('a.js', { MAX_ENTRIES: '11' });
    expect(entries(f.cache)).toHaveLength(1); // 11 + 1 > 11: emptied, then b.js's new entry
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

describe('org-guard processes use it', () => {
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
    // the CLI preload (tools/cdktf-cli-preload.ts) turns it on in the CLI's process
    expect(readFileSync(path.join(repo, 'dist', 'tools', 'cdktf-cli-preload.js'), 'utf8')).toMatch(/if \(\(0, exports\.isCdktfCli\)\(\)\) \{\s*\/\/[^\n]*\n\s*\(0, compile_cache_1\.enableCompileCache\)\(\);/);
    const compile = (Module as unknown as { prototype: { _compile: unknown } }).prototype._compile;
    jest.isolateModules(() => require('../tools/cdktf'));
    expect((Module as unknown as { prototype: { _compile: unknown } }).prototype._compile).toBe(compile);
  });
});
