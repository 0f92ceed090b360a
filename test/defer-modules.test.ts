import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deferredFunctionModule } from '../defer-modules';

describe('a module that exports a function, loaded on first use', () => {
  const real = () => {
    const fn = function (this: unknown, a: number, b: number) {
      return { self: this, sum: a + b };
    };
    return Object.assign(fn, { VERSION: '7' });
  };

  test('nothing loads until it is called or read; then it is the real function', () => {
    let loads = 0;
    const lazy = deferredFunctionModule(() => (loads++, real() as (...args: unknown[]) => unknown)) as any;
    expect(typeof lazy).toBe('function');
    expect(loads).toBe(0);
    const self = { name: 'caller' };
    expect(lazy.call(self, 2, 3)).toEqual({ self, sum: 5 });
    expect(lazy.VERSION).toBe('7');
    expect('VERSION' in lazy).toBe(true);
    expect(Object.keys(lazy)).toEqual(['VERSION']);
    Object.defineProperty(lazy, 'extra', { value: 1, enumerable: true });
    expect(Object.getOwnPropertyDescriptor(lazy, 'extra')).toMatchObject({ value: 1 });
    expect(delete lazy.extra).toBe(true);
    expect(Object.keys(lazy)).toEqual(['VERSION']);
    expect(() => Object.freeze(lazy)).toThrow(TypeError);
    expect(loads).toBe(1);
  });

  // cdktf's lib/private/fs.js: `const archiver = require("archiver")`, then `archiver("zip", { zlib })`, `.pipe`,
  // `.directory`, `.finalize`, run in the process the CLI or main.ts starts with the deferral installed.
  test('archiver through the deferral cdktf-unused-modules.ts installs: not loaded by cdktf, and zips when called', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'org-guard-defer-'));
    try {
      const zip = path.join(work, 'out.zip');
      const script = `
        require(${JSON.stringify(path.resolve(__dirname, '../dist/cdktf-unused-modules.js'))});
        require('cdktf');
        const fs = require('fs');
        const archiverLoaded = () => Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]archiver[\\\\/]/.test(f));
        const before = archiverLoaded();
        // required as cdktf's lib/private/fs.js requires it
        const archiver = require('module').createRequire(require.resolve('cdktf/lib/private/fs.js'))('archiver');
        const standIn = require('util').types.isProxy(archiver) && archiver === require('module').createRequire(require.resolve('cdktf/lib/private/fs.js'))('archiver');
        const archive = archiver('zip', { zlib: { level: 9 } });
        const output = fs.createWriteStream(${JSON.stringify(zip)});
        output.on('close', () => console.log(JSON.stringify({ before, standIn, after: archiverLoaded(), bytes: archive.pointer() })));
        archive.pipe(output);
        archive.directory(${JSON.stringify(path.resolve(__dirname, '..', 'config'))}, false);
        archive.finalize();
      `;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ORG_GUARD_CDKTF_DEFAULTS: '' } });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ before: false, standIn: true, after: true, bytes: expect.any(Number) });
      expect(readFileSync(zip).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'binary')); // a zip file
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('a deferred name that is not installed fails at require, with require\'s own error', () => {
    const script = `
      require(${JSON.stringify(path.resolve(__dirname, '../dist/defer-modules.js'))}).deferModules({ functionModules: ['org-guard-no-such-module'] });
      try { require('org-guard-no-such-module'); console.log('loaded'); } catch (e) { console.log(e.code); }
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('MODULE_NOT_FOUND');
  });
});
