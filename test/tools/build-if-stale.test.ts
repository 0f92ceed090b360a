import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// tools/build-if-stale.js, the build step of the npm scripts: tsc only when an input changed, in a small project
// whose `typescript` is the real one behind a wrapper that records each tsc run: a call of tsc's entry point
// (executeCommandLine, which build-if-stale calls in its own process) or a run of bin/tsc.

const ROOT = path.join(__dirname, '..', '..');
const realTypescript = path.dirname(require.resolve('typescript/package.json'));
let dir: string;
let tscLog: string;
let loadLog: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'org-guard-build-'));
  tscLog = path.join(dir, 'tsc.log');
  loadLog = path.join(dir, 'typescript-loads.log');
  mkdirSync(path.join(dir, 'tools'));
  cpSync(path.join(ROOT, 'tools', 'build-if-stale.js'), path.join(dir, 'tools', 'build-if-stale.js'));
  const ts = path.join(dir, 'node_modules', 'typescript');
  mkdirSync(path.join(ts, 'bin'), { recursive: true });
  writeFileSync(path.join(ts, 'package.json'), JSON.stringify({ name: 'typescript', main: 'index.js' }));
  // ADD_DURING_TSC=<file>: a source that appears while tsc runs (after the build step listed the sources).
  // NO_TSC_ENTRY=1: a TypeScript without tsc's entry point in its API.
  // TSC_EXIT_THEN_FAIL=1: tsc reports a problem it cannot recover from and exits, as it does for a tsconfig.json it
  // cannot read (parseConfigFileWithSystem), with code after the exit that fails when it runs.
  const addDuringTsc = `if (process.env.ADD_DURING_TSC) require('fs').writeFileSync(process.env.ADD_DURING_TSC, 'console.log("late");\\n');`;
  // The real TypeScript (9 MB of JavaScript, about 0.3 s to compile in each of the 30-odd runs) comes from the
  // project's code cache when the build has one: what is under test is the build step, not how TypeScript loads
  // (without a build, or with a broken one, TypeScript loads as usual).
  const codeCache = `try { require(${JSON.stringify(path.join(ROOT, 'dist', 'compile-cache.js'))}).enableCompileCache(); } catch {}`;
  writeFileSync(path.join(ts, 'index.js'), [
    `const fs = require('fs');`,
    `fs.appendFileSync(${JSON.stringify(loadLog)}, 'load\\n');`,
    codeCache,
    `const real = require(${JSON.stringify(realTypescript)});`,
    // typescript's exports are getters: the wrapper defines its own in front of them
    `const executeCommandLine = process.env.NO_TSC_ENTRY === '1' ? undefined : (system, cb, args) => {`,
    `  fs.appendFileSync(${JSON.stringify(tscLog)}, args.join(' ') + '\\n');`,
    `  if (process.env.TSC_EXIT_THEN_FAIL === '1') {`,
    `    system.write('error TS5083: Cannot read file tsconfig.json.' + system.newLine);`,
    `    system.exit(1);`,
    `    return undefined.options;`,
    `  }`,
    `  try { return real.executeCommandLine(system, cb, args); } finally { ${addDuringTsc} }`,
    `};`,
    `module.exports = Object.create(real, { executeCommandLine: { value: executeCommandLine, enumerable: true } });`,
  ].join('\n'));
  writeFileSync(path.join(ts, 'bin', 'tsc'), [
    `require('fs').appendFileSync(${JSON.stringify(tscLog)}, 'bin/tsc ' + process.argv.slice(2).join(' ') + '\\n');`,
    `process.on('exit', () => { ${addDuringTsc} });`,
    codeCache,
    `require(${JSON.stringify(path.join(realTypescript, 'bin', 'tsc'))});`,
  ].join('\n'));
  // noLib and the few global types tsc requires: each tsc run checks two lines, not the 2 MB of lib.es2022 (0.3 s, not 1-2 s).
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noLib: true, module: 'commonjs', target: 'ES2022', types: [], incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo', outDir: 'dist', rootDir: '.' },
    include: ['src/**/*.ts'],
  }));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"x","private":true}\n');
  writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'lib.d.ts'), [
    ...['Array<T>', 'Boolean', 'CallableFunction', 'Function', 'IArguments', 'NewableFunction', 'Number', 'Object', 'RegExp', 'String'].map((t) => `interface ${t} {}`),
    'declare var console: { log(...args: unknown[]): void };',
  ].join('\n'));
  writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a: number = 1;\n');
  writeFileSync(path.join(dir, 'src', 'b.ts'), "import { a } from './a';\nconsole.log(a + 1);\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
const tscRuns = () => lines(tscLog);

/** Runs the script; how many times it ran tsc, its exit code and output. */
function build(...args: string[]): { ran: number; status: number | null; out: string } {
  return buildWith({}, ...args);
}
function buildWith(env: NodeJS.ProcessEnv, ...args: string[]): { ran: number; status: number | null; out: string } {
  const before = tscRuns();
  const r = spawnSync(process.execPath, [path.join(dir, 'tools', 'build-if-stale.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { ran: tscRuns() - before, status: r.status, out: r.stdout + r.stderr };
}
const run = (file: string) => spawnSync(process.execPath, [path.join(dir, file)], { encoding: 'utf8' }).stdout.trim();

describe('build-if-stale: tsc only when an input changed', () => {
  test('no dist: builds; an unchanged tree: no tsc, not even TypeScript loaded; a newer mtime with the same content: no tsc', () => {
    expect(build()).toEqual({ ran: 1, status: 0, out: '' });
    expect(run('dist/src/b.js')).toBe('2');
    const loads = lines(loadLog);
    expect(build()).toEqual({ ran: 0, status: 0, out: '' });
    expect(lines(loadLog)).toBe(loads);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, 'src', 'a.ts'), later, later);
    expect(build().ran).toBe(0);
  });

  test('a changed source, a new source, tsconfig.json, the lockfile: each builds once', () => {
    writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a: number = 41;\n');
    expect(build().ran).toBe(1);
    expect(run('dist/src/b.js')).toBe('42');
    expect(build().ran).toBe(0);

    writeFileSync(path.join(dir, 'src', 'c.ts'), 'console.log("c");\n');
    expect(build().ran).toBe(1);
    expect(run('dist/src/c.js')).toBe('c');

    // a new folder of sources (the stamp's tree of names changes, so tsc's file list is asked again)
    mkdirSync(path.join(dir, 'src', 'deep', 'er'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'deep', 'er', 'e.ts'), 'console.log("e");\n');
    expect(build().ran).toBe(1);
    expect(run('dist/src/deep/er/e.js')).toBe('e');
    expect(build().ran).toBe(0);

    for (const file of ['tsconfig.json', 'package-lock.json']) {
      writeFileSync(path.join(dir, file), readFileSync(path.join(dir, file), 'utf8') + '\n');
      expect(build().ran).toBe(1);
      expect(build().ran).toBe(0);
    }
  });

  test('what the TypeScript-free check must not miss: a source added while tsc ran, a named file that appears later', () => {
    const late = path.join(dir, 'src', 'late.ts');
    expect(buildWith({ ADD_DURING_TSC: late }, '--force').ran).toBe(1);
    expect(existsSync(late)).toBe(true);
    expect(build().ran).toBe(1);
    expect(run('dist/src/late.js')).toBe('late');
    rmSync(late);
    expect(build().ran).toBe(1);

    // a file tsconfig.json names without a wildcard, missing when it was last built
    const config = JSON.parse(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...config, include: [...config.include, 'extra.ts'] }));
    expect(build().ran).toBe(1);
    writeFileSync(path.join(dir, 'extra.ts'), 'console.log("extra");\n');
    expect(build().ran).toBe(1);
    expect(run('dist/extra.js')).toBe('extra');
    rmSync(path.join(dir, 'extra.ts'));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    expect(build().ran).toBe(1);

    // a name that is no source (notes beside the code): no tsc, and after one full check no TypeScript again
    writeFileSync(path.join(dir, 'src', 'NOTES.md'), 'notes\n');
    expect(build().ran).toBe(0);
    const loads = lines(loadLog);
    expect(build().ran).toBe(0);
    expect(lines(loadLog)).toBe(loads);
    rmSync(path.join(dir, 'src', 'NOTES.md'));
  });

  test('a compiled file deleted from dist: builds again', () => {
    rmSync(path.join(dir, 'dist', 'src', 'b.js'));
    expect(build().ran).toBe(1);
    expect(run('dist/src/b.js')).toBe('42');
  });

  test('a deleted or renamed source: its old dist/*.js is removed, not left to run', () => {
    renameSync(path.join(dir, 'src', 'c.ts'), path.join(dir, 'src', 'd.ts'));
    expect(build().ran).toBe(1);
    expect(existsSync(path.join(dir, 'dist', 'src', 'c.js'))).toBe(false);
    expect(run('dist/src/d.js')).toBe('c');
    rmSync(path.join(dir, 'src', 'd.ts'));
    expect(build().ran).toBe(1);
    expect(existsSync(path.join(dir, 'dist', 'src', 'd.js'))).toBe(false);
    expect(existsSync(path.join(dir, 'dist', 'src', 'b.js'))).toBe(true);
  });

  test("a type error: tsc's message and a non-zero exit, again on the next run until fixed", () => {
    writeFileSync(path.join(dir, 'src', 'a.ts'), "export const a: number = 'one';\n");
    for (let i = 0; i < 2; i++) {
      const failed = build();
      expect(failed.ran).toBe(1);
      expect(failed.status).not.toBe(0);
      expect(failed.out).toMatch(/src\/a\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
    }
    writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a: number = 2;\n');
    expect(build()).toEqual({ ran: 1, status: 0, out: '' });
    expect(run('dist/src/b.js')).toBe('3');
  });

  test('--force (npm run build, prepare) always runs tsc', () => {
    expect(build('--force').ran).toBe(1);
    expect(build().ran).toBe(0);
  });

  test("tsc runs in the build step's own process; a TypeScript without tsc's entry point in its API gets bin/tsc", () => {
    const runs = () => (existsSync(tscLog) ? readFileSync(tscLog, 'utf8').split('\n').filter(Boolean) : []);
    writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a: number = 2;\n');
    const before = runs().length;
    expect(build('--force').ran).toBe(1);
    expect(runs().slice(before)).toEqual([`-p ${path.join(dir, 'tsconfig.json')}`]);
    expect(buildWith({ NO_TSC_ENTRY: '1' }, '--force')).toEqual({ ran: 1, status: 0, out: '' });
    expect(runs().slice(before + 1)).toEqual([`bin/tsc -p ${path.join(dir, 'tsconfig.json')}`]);
    expect(run('dist/src/b.js')).toBe('3');
    // a type error through bin/tsc: its message and exit code
    writeFileSync(path.join(dir, 'src', 'a.ts'), "export const a: number = 'one';\n");
    const failed = buildWith({ NO_TSC_ENTRY: '1' });
    expect(failed.status).not.toBe(0);
    expect(failed.out).toMatch(/src\/a\.ts\(1,14\): error TS2322/);
    writeFileSync(path.join(dir, 'src', 'a.ts'), 'export const a: number = 2;\n');
    expect(build().ran).toBe(1);

    // tsc's exit ends tsc: what follows it in tsc does not run, and its code is the build step's
    const unreadable = buildWith({ TSC_EXIT_THEN_FAIL: '1' }, '--force');
    expect(unreadable).toEqual({ ran: 1, status: 1, out: 'error TS5083: Cannot read file tsconfig.json.\n' });
  });
});

describe("the project's npm scripts", () => {
  const scripts: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;

  test('every script that runs dist/ builds first through build-if-stale; build and prepare always compile', () => {
    const runsDist = Object.entries(scripts).filter(([, cmd]) => /node dist\//.test(cmd));
    expect(runsDist.map(([name]) => name)).toEqual(expect.arrayContaining(['synth', 'list', 'diff', 'deploy', 'destroy', 'schema', 'plan-review', 'changed-stacks', 'report', 'bench', 'addresses']));
    for (const [, cmd] of runsDist) expect(cmd).toMatch(/^node tools\/build-if-stale\.js && node dist\//);
    expect(scripts.build).toBe('node tools/build-if-stale.js --force');
    expect(scripts.prepare).toBe('node tools/build-if-stale.js --force');
  });

  test("the inputs are tsc's own file list (every script's source, no tests), tsconfig.json, package.json and the lockfiles", () => {
    const { inputs, project, typescript } = require(path.join(ROOT, 'tools', 'build-if-stale.js'));
    const files: string[] = inputs(project(typescript()).sources).map((f: string) => path.relative(ROOT, f));
    for (const [, cmd] of Object.entries(scripts)) {
      const m = /node dist\/(\S+)\.js/.exec(cmd);
      if (m) expect(files).toContain(`${m[1]}.ts`);
    }
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'config/load.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json']));
    expect(files.filter((f) => f.startsWith('test/'))).toEqual([]);
    // every source tsc compiles into dist/, also one that is only imported and not named by tsconfig.json
    const compiled: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(path.join(ROOT, 'dist', dir), { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name.endsWith('.js')) compiled.push(path.join(dir, e.name.replace(/\.js$/, '.ts')));
      }
    };
    walk('');
    expect(compiled.length).toBeGreaterThan(100);
    expect(compiled.filter((f) => existsSync(path.join(ROOT, f)) && !files.includes(f))).toEqual([]);
  });
});
