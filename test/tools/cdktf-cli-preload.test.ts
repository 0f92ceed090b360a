import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { deferredModule } from '../../defer-modules';
import { DEFERRED_MODULES, isCdktfCli } from '../../tools/cdktf-cli-preload';

// What the cdktf CLI bundle does with these modules as it loads (node_modules/cdktf-cli/bundle/bin/cmds/handlers.js,
// node_modules/@cdktf/hcl2cdk/lib/index.js): esbuild's __toESM reads `__esModule`, then copies every own property
// name with a getter; tsc's __importStar reads `__esModule` and keeps the module object.
function toESM(mod: any): any {
  const to: any = Object.create(Object.getPrototypeOf(mod));
  if (!mod.__esModule) Object.defineProperty(to, 'default', { value: mod, enumerable: true });
  for (const key of Object.getOwnPropertyNames(mod)) {
    const desc = Object.getOwnPropertyDescriptor(mod, key);
    if (!Object.prototype.hasOwnProperty.call(to, key)) Object.defineProperty(to, key, { get: () => mod[key], enumerable: !desc || desc.enumerable });
  }
  return to;
}
const importStar = (mod: any) => (mod && mod.__esModule ? mod : { default: mod });

describe('cdktf CLI preload: the modules of `cdktf convert` load on first use', () => {
  const real = () => {
    const m = { translate: (s: string) => `t:${s}`, VERSION: '1' };
    Object.defineProperty(m, '__esModule', { value: true });
    return m;
  };

  test('nothing loads while importers take the module in; every export is the real one on use', () => {
    let loads = 0;
    const lazy = deferredModule(() => (loads++, real())) as any;
    const star = importStar(lazy);
    expect(loads).toBe(0);
    expect(star.translate('x')).toBe('t:x');
    expect(loads).toBe(1);
    expect('VERSION' in lazy).toBe(true);
    expect(Object.keys(lazy).sort()).toEqual(['VERSION', 'translate']);
    expect({ ...lazy }.VERSION).toBe('1');
    expect(loads).toBe(1);
  });

  test('with its export names: esbuild\'s __toESM copies them without loading; a read loads', () => {
    let loads = 0;
    const lazy = deferredModule(() => (loads++, real()), ['__esModule', 'translate', 'VERSION']) as any;
    const esm = toESM(lazy);
    expect(loads).toBe(0);
    expect(Object.keys(esm).sort()).toEqual(['VERSION', 'translate']);
    expect(esm.__esModule).toBe(true);
    expect(loads).toBe(0);
    expect(esm.translate('y')).toBe('t:y');
    expect(esm.VERSION).toBe('1');
    expect(loads).toBe(1);
  });

  // Read from the compiled file, not loaded: loading @cdktf/hcl2cdk runs `terraform version` and may report
  // to HashiCorp's checkpoint service (@cdktf/commons). tsc declares every export of a module on one
  // `exports.a = exports.b = void 0;` line and defines re-exports with Object.defineProperty; `export *`
  // (__exportStar) would add names that neither shows, so it must not occur.
  test.each(Object.entries(DEFERRED_MODULES))('%s: compiled TypeScript (__esModule), and the export names listed are its own', (name, exportNames) => {
    const text = readFileSync(require.resolve(name), 'utf8');
    expect(text).toMatch(/Object\.defineProperty\(exports, "__esModule", \{ value: true \}\)/);
    if (exportNames) {
      expect(text).not.toContain('__exportStar(');
      const declared = /^exports\.\w+ = (?:exports\.\w+ = )*void 0;$/m.exec(text)?.[0].match(/exports\.(\w+)/g) ?? [];
      const reexported = [...text.matchAll(/Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get:/g)].map((m) => m[1]);
      const own = ['__esModule', ...declared.map((d) => d.slice('exports.'.length)), ...reexported];
      expect([...exportNames].sort()).toEqual([...new Set(own)].sort());
    }
  });

  // A module listed without export names is a stand-in that loads on any other use: its importers must take it
  // as it is (a plain `require`, or tsc's __importStar), never through esbuild's __toESM, which would load it.
  test('the CLI bundle takes the modules listed without export names by a plain require', () => {
    const bin = path.join(path.dirname(require.resolve('cdktf-cli/package.json')), 'bundle', 'bin');
    const bundle = ['cdktf.js', path.join('cmds', 'handlers.js')].map((f) => readFileSync(path.join(bin, f), 'utf8')).join('\n');
    for (const [name, exportNames] of Object.entries(DEFERRED_MODULES)) {
      if (exportNames) continue;
      const wrapped = [...bundle.matchAll(new RegExp(`[\\w$]\\(require\\("${name.replace('/', '\\/')}"\\)`, 'g'))];
      expect({ name, wrapped: wrapped.map((m) => m[0]) }).toEqual({ name, wrapped: [] });
    }
    // and the bundle does take both (renamed, this test would check nothing)
    expect(bundle).toMatch(/=require\("@cdktf\/hcl-tools"\)/);
    expect(bundle).toMatch(/=require\("@cdktf\/hcl2json"\)/);
  });

  test('the WebAssembly tools start on first use and work as themselves (synth --hcl formats with hcl-tools)', () => {
    const script = `
      require(${JSON.stringify(path.resolve(__dirname, '../../dist/tools/cdktf-cli-preload.js'))}).deferCliModules();
      const tools = require('@cdktf/hcl-tools'), hcl2json = require('@cdktf/hcl2json');
      const loaded = () => Object.keys(require.cache).filter((f) => /@cdktf[\\\\/]hcl(-tools|2json)[\\\\/]/.test(f)).length;
      const before = loaded();
      Promise.all([tools.format('a   =  1\\n'), hcl2json.parse('main.tf', 'b = "x"\\n')])
        .then(([formatted, parsed]) => console.log(JSON.stringify({ before, after: loaded(), formatted, parsed })));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ before: 0, after: expect.any(Number), formatted: 'a = 1\n', parsed: { b: 'x' } });
    expect(JSON.parse(run.stdout).after).toBeGreaterThan(0);
  });

  // tools/cdktf.ts starts the CLI with --no-validate-asm: its terminal UI (ink) lays out with yoga, compiled to
  // asm.js, which V8 otherwise validates and compiles ahead of time on every start. asm.js is JavaScript, so
  // run as such it must lay out exactly the same boxes (test/cli.test.ts checks the flag reaches the CLI).
  test('yoga, the CLI\'s layout engine, lays out as plain JavaScript exactly as validated asm.js', () => {
    const script = `
      const yoga = require('yoga-layout-prebuilt');
      const root = yoga.Node.create();
      root.setWidth(80); root.setFlexDirection(yoga.FLEX_DIRECTION_ROW); root.setPadding(yoga.EDGE_LEFT, 2);
      const kids = [10, 0, 25].map((w, i) => {
        const n = yoga.Node.create();
        if (w) n.setWidth(w); else n.setFlexGrow(1);
        n.setHeight(i + 1); n.setMargin(yoga.EDGE_RIGHT, 1); root.insertChild(n, i);
        return n;
      });
      root.calculateLayout(yoga.UNDEFINED, yoga.UNDEFINED, yoga.DIRECTION_LTR);
      console.log(JSON.stringify([root, ...kids].map((n) => n.getComputedLayout())));
    `;
    const layout = (flags: string[]) => {
      const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout);
    };
    const validated = layout([]);
    expect(validated[2]).toEqual({ left: 13, right: 1, top: 0, bottom: 0, width: 40, height: 2 }); // the flexible box takes the rest
    expect(layout(['--no-validate-asm'])).toEqual(validated);
  });

  test('installs itself only in the cdktf CLI process', () => {
    expect(isCdktfCli(['node', '/p/node_modules/cdktf-cli/bundle/bin/cdktf'])).toBe(true);
    expect(isCdktfCli(['node', 'C:\\p\\node_modules\\cdktf-cli\\bundle\\bin\\cdktf'])).toBe(true);
    expect(isCdktfCli(['node', '/p/dist/main.js'])).toBe(false);
    expect(isCdktfCli(['node', '/p/node_modules/jest/bin/jest.js'])).toBe(false);
  });
});
