import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { syntheticOrganization } from './generate';

// `npm run bench`: synthesizes the bundled example and generated organizations of growing size, each
// in a fresh process (as `cdktf synth` runs it), and prints wall time, peak memory and output size.
// Needs no AWS and no network. Sizes: BENCH_SIZES=10,100,1000 (default).

interface Figures {
  label: string;
  wallSeconds: number;
  /** Seconds to serialize and write the same Terraform JSON (the floor of any synth). */
  writeSeconds: number;
  /** Stack folders whose files this synth wrote (an incremental synth leaves unchanged stacks alone). */
  rewritten: number;
  peakRssBytes: number;
  /** User and system CPU seconds of every synth process. */
  cpuSeconds: number;
  stacks: number;
  perStack: { min: number; median: number; max: number };
  coreCounts: Record<string, number>;
  jsonBytes: number;
}

const root = path.resolve(__dirname, '..', '..', '..');
// The command `cdktf synth` runs (cdktf.json's app, with its node flags), with this node binary.
const appCommand = (JSON.parse(readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app as string).split(/\s+/);
const probeJs = path.join(__dirname, 'rss-probe.js');

function synth(label: string, configFile: string, workDir: string): Figures {
  const outdir = path.join(workDir, 'cdktf.out');
  const before = stackFiles(outdir);
  const rssDir = mkdtempSync(path.join(workDir, 'rss-'));
  const started = process.hrtime.bigint();
  // NODE_OPTIONS carries the probe into synth worker processes too; their peaks are added up.
  const run = spawnSync(process.execPath, appCommand.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      ORG_CONFIG: configFile,
      CDKTF_OUTDIR: outdir,
      ORG_GUARD_BENCH_RSS_DIR: rssDir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probeJs}`.trim(),
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`synth of ${label} failed (exit ${run.status}):\n${run.stderr}`);

  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const after = stackFiles(outdir);
  const counts: number[] = [];
  const coreCounts: Record<string, number> = {};
  let jsonBytes = 0;
  let writeNs = 0n;
  const rewriteDir = mkdtempSync(path.join(workDir, 'write-'));
  for (const stack of Object.values<any>(manifest.stacks)) {
    const file = path.join(outdir, stack.synthesizedStackPath);
    jsonBytes += statSync(file).size;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const t = process.hrtime.bigint();
    writeFileSync(path.join(rewriteDir, `${stack.name}.json`), JSON.stringify(json, null, 2));
    writeNs += process.hrtime.bigint() - t;
    const n = Object.values<Record<string, unknown>>(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
    counts.push(n);
    if (['management', 'security', 'log-archive'].includes(stack.name)) coreCounts[stack.name] = n;
  }
  counts.sort((a, b) => a - b);
  rmSync(rewriteDir, { recursive: true, force: true });
  const probes = readdirSync(rssDir).map((f) => JSON.parse(readFileSync(path.join(rssDir, f), 'utf8')) as { rssBytes: number; cpuMicros: number });
  return {
    label,
    wallSeconds,
    writeSeconds: Number(writeNs) / 1e9,
    rewritten: Object.keys(after).filter((stack) => after[stack] !== before[stack]).length,
    peakRssBytes: probes.reduce((sum, p) => sum + p.rssBytes, 0),
    cpuSeconds: probes.reduce((sum, p) => sum + p.cpuMicros, 0) / 1e6,
    stacks: counts.length,
    perStack: { min: counts[0], median: counts[Math.floor((counts.length - 1) / 2)], max: counts[counts.length - 1] },
    coreCounts,
    jsonBytes,
  };
}

/** Each stack's cdk.tf.json identity (device and inode): a stack whose file was rewritten gets a new one. */
function stackFiles(outdir: string): Record<string, string> {
  const dir = path.join(outdir, 'stacks');
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir).flatMap((stack) => {
      const file = path.join(dir, stack, 'cdk.tf.json');
      return existsSync(file) ? [[stack, `${statSync(file).dev}:${statSync(file).ino}`]] : [];
    }),
  );
}

function row(f: Figures): string {
  const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
  return `| ${f.label} | ${f.wallSeconds.toFixed(2)} | ${f.cpuSeconds.toFixed(1)} | ${(f.wallSeconds / f.writeSeconds).toFixed(1)} | ${mib(f.peakRssBytes)} | ${f.stacks} | ${f.rewritten} | ${f.perStack.min} / ${f.perStack.median} / ${f.perStack.max} | ${f.coreCounts.management} | ${f.coreCounts.security} | ${(f.jsonBytes / 1024 / 1024).toFixed(1)} |`;
}

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const work = mkdtempSync(path.join(tmpdir(), 'org-guard-bench-'));
  console.log(`org-guard synth benchmark (node ${process.version}, ${require('node:os').cpus().length} cores)`);
  console.log('| organization | wall s | CPU s (all synth processes) | wall / JSON write | peak RSS MiB (all synth processes) | stacks | stacks rewritten | resources per stack min / median / max | management | security | Terraform JSON MiB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  try {
    const exampleDir = mkdtempSync(path.join(work, 'example-'));
    console.log(row(synth('bundled example', path.join(root, 'config', 'organization.yaml'), exampleDir)));
    for (const members of sizes) {
      const dir = mkdtempSync(path.join(work, `m${members}-`));
      const file = path.join(dir, 'organization.yaml');
      writeFileSync(file, syntheticOrganization(members));
      console.log(row(synth(`${members} members x 17 regions`, file, dir)));
      // The same output folder again: nothing changed, then one account onboarded (incremental synth).
      console.log(row(synth(`${members} members, nothing changed`, file, dir)));
      writeFileSync(file, syntheticOrganization(members, 1));
      console.log(row(synth(`${members} members, onboard one member`, file, dir)));
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
