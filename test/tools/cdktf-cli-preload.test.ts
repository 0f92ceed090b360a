import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFERRED_MODULES, deferredModule, isCdktfCli } from '../../tools/cdktf-cli-preload';

describe('cdktf CLI preload: convert-only modules load on first use', () => {
  test('nothing loads until a property is used; then every export is the real one', () => {
    let loads = 0;
    const real = { __esModule: true, translate: (s: string) => `t:${s}`, VERSION: '1' };
    const lazy = deferredModule(() => (loads++, real)) as typeof real;
    // what tsc's __importStar and esbuild's __toESM ask first
    expect(lazy.__esModule).toBe(true);
    expect(loads).toBe(0);
    expect(lazy.translate('x')).toBe('t:x');
    expect(loads).toBe(1);
    expect('VERSION' in lazy).toBe(true);
    expect(Object.keys(lazy).sort()).toEqual(['VERSION', '__esModule', 'translate']);
    expect({ ...lazy }.VERSION).toBe('1');
    expect(loads).toBe(1);
  });

  test.each(DEFERRED_MODULES)('%s is compiled TypeScript: its exports say __esModule, as the stand-in answers without loading it', (name) => {
    const pkgJson = require.resolve(`${name}/package.json`);
    const main = require.resolve(name);
    expect(path.dirname(main).startsWith(path.dirname(pkgJson))).toBe(true);
    expect(readFileSync(main, 'utf8')).toMatch(/Object\.defineProperty\(exports, "__esModule", \{ value: true \}\)/);
  });

  test('installs itself only in the cdktf CLI process', () => {
    expect(isCdktfCli(['node', '/p/node_modules/cdktf-cli/bundle/bin/cdktf'])).toBe(true);
    expect(isCdktfCli(['node', 'C:\\p\\node_modules\\cdktf-cli\\bundle\\bin\\cdktf'])).toBe(true);
    expect(isCdktfCli(['node', '/p/dist/main.js'])).toBe(false);
    expect(isCdktfCli(['node', '/p/node_modules/jest/bin/jest.js'])).toBe(false);
  });
});
