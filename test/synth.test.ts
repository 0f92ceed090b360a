import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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

describe('nothing half-written when the swap itself fails or a synth was killed', () => {
  const build = (...ids: string[]) => (dir: string) => {
    const app = new App({ outdir: dir });
    for (const id of ids) new TerraformStack(app, id);
    return app;
  };

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
