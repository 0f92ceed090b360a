import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { App, TerraformStack } from 'cdktf';
import { buildApp } from '../../app';
import { parseConfig } from '../../config/load';
import { syntheticOrganization } from '../../tools/bench/generate';
import { MAX_MATRIX_JOBS, shard, stackOrder, stackOutputs, type Shard } from '../../tools/plan-review/stacks';
import { cachedSynth } from '../synth-cache';

const ROOT = path.join(__dirname, '..', '..');
const STACKS_JS = path.join(ROOT, 'dist/tools/plan-review/stacks.js');

/**
 * cdktf's own manifest of a generated organization, without synthesizing 600 stacks' Terraform: the app is
 * built as `cdktf synth` builds it and cdktf's Manifest records each stack and its dependencies. Governed in
 * its home region only: the stacks and their order do not depend on the regions, the time to build them does.
 */
function manifestDir(members: number): string {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-stacklist-')), 'cdktf.out');
  const generated = parse(syntheticOrganization(members));
  generated.organization.regions = [generated.organization.homeRegion];
  const config = parseConfig(stringify(generated), 'generated.yaml');
  // built once while the synth code is unchanged (test/synth-cache.ts); the manifest's paths are relative to outdir
  const manifest = cachedSynth({ manifestOf: config }, () => {
    const scratch = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-stacklist-')), 'cdktf.out');
    const { app } = buildApp(config, new App({ outdir: scratch }));
    for (const stack of app.node.findAll().filter(TerraformStack.isStack)) app.manifest.forStack(stack);
    app.manifest.writeToFile();
    const text = readFileSync(path.join(scratch, 'manifest.json'), 'utf8');
    rmSync(path.dirname(scratch), { recursive: true, force: true });
    return text;
  }, [__filename]);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(path.join(outdir, 'manifest.json'), manifest);
  return outdir;
}

/** Runs the workflow's stack-list step command; returns what it wrote to GITHUB_OUTPUT, parsed. */
function stackListStep(outdir: string, ...args: string[]): Record<string, unknown> {
  const output = path.join(path.dirname(outdir), 'github-output');
  writeFileSync(output, '');
  const run = spawnSync(process.execPath, [STACKS_JS, outdir, ...args], { env: { ...process.env, GITHUB_OUTPUT: output }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`stacks.js failed (${run.status}): ${run.stderr}`);
  const lines = readFileSync(output, 'utf8').split('\n').filter((l) => l !== '');
  // The contract: one `name=<JSON>` line per output.
  const outputs: Record<string, unknown> = {};
  for (const line of lines) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not a name=<JSON> line: ${line.slice(0, 80)}`);
    expect(outputs[m[1]]).toBeUndefined();
    outputs[m[1]] = JSON.parse(m[2]);
  }
  return outputs;
}

const stacksOf = (shards: Shard[]) => shards.flatMap((s) => s.stacks.split(' '));

describe('a generated 600-member organization', () => {
  let outdir: string;
  let every: string[];
  beforeAll(() => {
    outdir = manifestDir(600);
    every = Object.keys(JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks);
  }, 120_000);

  test('every matrix the stack-list step writes has at most 256 entries, and together they name every stack', () => {
    expect(every).toHaveLength(603);
    const outputs = stackListStep(outdir);
    expect(Object.keys(outputs).sort()).toEqual(['core', 'leaves', 'plan']);
    for (const [name, value] of Object.entries(outputs)) {
      expect(Array.isArray(value)).toBe(true);
      expect({ name, entries: (value as unknown[]).length <= MAX_MATRIX_JOBS }).toEqual({ name, entries: true });
    }
    const plan = stacksOf(outputs.plan as Shard[]);
    expect(plan.sort()).toEqual([...every].sort());
    expect(new Set(plan).size).toBe(plan.length);
    const deployed = [...(outputs.core as string[]), ...stacksOf(outputs.leaves as Shard[])];
    expect(deployed.sort()).toEqual([...every].sort());
    // 603 stacks over at most 256 jobs: 3 stacks per job.
    expect((outputs.plan as Shard[]).length).toBe(201);
    expect((outputs.plan as Shard[]).every((s) => s.stacks.split(' ').length === 3)).toBe(true);
    expect(outputs.core).toEqual(['log-archive', 'management', 'security']);
  });

  test('with the changed stacks of an onboarding, it selects exactly the new member', () => {
    const changed = path.join(path.dirname(outdir), 'changed.txt');
    writeFileSync(changed, 'member-0600\n');
    expect(stackListStep(outdir, '--only', changed)).toEqual({
      core: [],
      plan: [{ name: 'member-0600', stacks: 'member-0600' }],
      leaves: [{ name: 'member-0600', stacks: 'member-0600' }],
    });
    writeFileSync(changed, 'security\n');
    expect(stackListStep(outdir, '--only', changed)).toEqual({ core: ['security'], plan: [{ name: 'security', stacks: 'security' }], leaves: [] });
    writeFileSync(changed, '');
    expect(stackListStep(outdir, '--only', changed)).toEqual({ core: [], plan: [], leaves: [] });
  });

  test('a selected name that is not a stack is an error (exit 2), never silently dropped', () => {
    const changed = path.join(path.dirname(outdir), 'typo.txt');
    writeFileSync(changed, 'member-9999\n');
    const run = spawnSync(process.execPath, [STACKS_JS, outdir, '--only', changed], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not stacks of this output: member-9999');
  });
});

describe('sharding', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

  test('one stack per job up to 256 stacks, then equal contiguous shards; never more than 256 jobs', () => {
    expect(shard(names(256))).toHaveLength(256);
    expect(shard(names(256)).every((s) => !s.stacks.includes(' '))).toBe(true);
    expect(shard(names(257)).map((s) => s.stacks.split(' ').length)).toEqual([...Array(128).fill(2), 1]);
    for (const n of [1, 2, 255, 256, 257, 511, 512, 513, 1003, 5000]) {
      const shards = shard(names(n));
      expect(shards.length).toBeLessThanOrEqual(256);
      expect(stacksOf(shards)).toEqual(names(n));
    }
    expect(shard(names(1003))).toHaveLength(251);
    expect(shard([])).toEqual([]);
    expect(shard(names(5), 2).map((s) => s.name)).toEqual(['s0 … s2 (3 stacks)', 's3 … s4 (2 stacks)']);
  });

  test('1 and 1,000 members: both fit, and the GitHub outputs stay far below the 1 MB a job may write', () => {
    // The manifest shape of every org-guard app (checked on the real 600-member manifest above): three core
    // stacks in a chain, every member depending on security.
    const manifest = (members: number) => ({
      stacks: {
        'log-archive': { dependencies: [] },
        management: { dependencies: ['log-archive'] },
        security: { dependencies: ['management'] },
        ...Object.fromEntries(Array.from({ length: members }, (_, i) => [`member-${String(i + 1).padStart(4, '0')}`, { dependencies: ['security'] }])),
      },
    });
    const one = stackOutputs(stackOrder(manifest(1)));
    expect(one.plan).toHaveLength(4);
    expect(one.leaves).toEqual([{ name: 'member-0001', stacks: 'member-0001' }]);
    const big = stackOutputs(stackOrder(manifest(1000)));
    expect(big.plan).toHaveLength(251);
    expect(big.leaves).toHaveLength(250);
    expect(stacksOf(big.plan)).toHaveLength(1003);
    const bytes = Object.entries(big).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join('').length;
    expect(bytes).toBeLessThan(200_000);
  });
});
