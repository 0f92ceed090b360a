import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { synthOrganization } from '../synth';

describe('synthOrganization', () => {
  const outdir = () => path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');

  test('replaces earlier output only after a complete synth', async () => {
    const out = outdir();
    mkdirSync(path.join(out, 'stacks', 'stale'), { recursive: true });
    await synthOrganization((dir) => {
      const app = new App({ outdir: dir });
      new TerraformStack(app, 'fresh');
      return app;
    }, out);
    expect(readdirSync(path.join(out, 'stacks'))).toEqual(['fresh']);
    expect(readdirSync(path.dirname(out))).toEqual(['cdktf.out']);
  });

  test('a failure while building keeps the previous output and leaves no scratch directory', async () => {
    const out = outdir();
    mkdirSync(out);
    writeFileSync(path.join(out, 'manifest.json'), '{"previous":true}');
    await expect(
      synthOrganization(() => {
        throw new Error('boom');
      }, out),
    ).rejects.toThrow('boom');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual({ previous: true });
    expect(readdirSync(path.dirname(out))).toEqual(['cdktf.out']);
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false);
  });
});

test('keeps .terraform and the lock file of a stack across syntheses', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-synth-')), 'cdktf.out');
  const build = (dir: string) => {
    const app = new App({ outdir: dir });
    new TerraformStack(app, 'kept');
    return app;
  };
  await synthOrganization(build, out);
  mkdirSync(path.join(out, 'stacks', 'kept', '.terraform'));
  writeFileSync(path.join(out, 'stacks', 'kept', '.terraform.lock.hcl'), 'lock');
  await synthOrganization(build, out);
  expect(readdirSync(path.join(out, 'stacks', 'kept')).sort()).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf.json']);
});
