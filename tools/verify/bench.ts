import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config/load';
import { syntheticOrganization } from '../bench/generate';
import { readSynthesized } from '../report/coverage';
import { intendedOf } from './compare';
import { main } from './main';
import { simulateIntended } from './simulated-org';

/**
 * `npm run bench:verify`: verify against a simulated organization of N member accounts in the 17
 * default-enabled regions, every request taking 50 ms and 5% of them throttled (retried by the SDK's
 * adaptive retry, through its real middleware). Prints the calls per service, retries and wall time.
 * BENCH_VERIFY_SIZES=100,1000 (default) picks the sizes; BENCH_VERIFY_LATENCY_MS, BENCH_VERIFY_THROTTLE
 * and BENCH_VERIFY_CONCURRENCY change the simulation.
 */

const sizes = (process.env.BENCH_VERIFY_SIZES ?? '100,1000').split(',').map(Number).filter((n) => n > 0);
const latencyMs = Number(process.env.BENCH_VERIFY_LATENCY_MS ?? 50);
const throttleRate = Number(process.env.BENCH_VERIFY_THROTTLE ?? 0.05);
const concurrency = process.env.BENCH_VERIFY_CONCURRENCY ?? '16';

interface Row {
  members: number;
  accounts: number;
  synthSeconds: number;
  seconds: number;
  liveSeconds: number;
  intendedSeconds: number;
  code: number;
  calls: number;
  byService: Record<string, number>;
  retries: number;
  requests: number;
  throttled: number;
  htmlKiB: number;
  jsonKiB: number;
  rssMiB: number;
}

async function measure(members: number): Promise<Row> {
  const work = mkdtempSync(path.join(tmpdir(), 'org-guard-bench-verify-'));
  try {
    const configFile = path.join(work, 'org.yaml');
    writeFileSync(configFile, syntheticOrganization(members));
    const outdir = path.join(work, 'cdktf.out');
    // The synth as `npm run synth` runs it, in its own process (the verify run below reads its output, like --out).
    const s0 = Date.now();
    const synth = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'main.js')], {
      env: { ...process.env, ORG_CONFIG: configFile, CDKTF_OUTDIR: outdir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (synth.status !== 0) throw new Error(`synth of ${members} members failed`);
    const synthSeconds = (Date.now() - s0) / 1000;

    const config = loadConfig(configFile);
    const sim = simulateIntended(intendedOf(config, readSynthesized(outdir)));
    sim.setFaults({ latencyMs, throttleRate, seed: 42 });
    let json = '';
    let said = '';
    const reportDir = path.join(work, 'reports');
    const t0 = Date.now();
    const code = await main(['--config', configFile, '--out', outdir, '--report-dir', reportDir, '--json', '--concurrency', concurrency], {}, {
      stdout: (t) => (json += t),
      stderr: (t) => (said += t),
      stderrIsTTY: false,
    }, {
      configure: sim.configure,
      ambient: async () => ({ accessKeyId: 'AKIABENCHMARK0000000', secretAccessKey: 'benchmark' }),
      progressEvery: 10_000,
    });
    const seconds = (Date.now() - t0) / 1000;
    if (code === 2) throw new Error(said.trim());
    const doc = JSON.parse(json);
    return {
      members,
      accounts: config.accounts.members.length + 3,
      synthSeconds,
      seconds,
      liveSeconds: doc.calls.liveSeconds,
      intendedSeconds: doc.calls.intendedSeconds,
      code,
      calls: doc.calls.total,
      byService: doc.calls.byService,
      retries: doc.calls.retries,
      requests: sim.total(),
      throttled: sim.stats.throttled,
      htmlKiB: statSync(path.join(reportDir, 'verify.html')).size / 1024,
      jsonKiB: Buffer.byteLength(json) / 1024,
      rssMiB: process.memoryUsage().rss / 1024 / 1024,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const regions = 17;
  console.log(`verify benchmark: ${regions} regions, ${latencyMs} ms per request, ${(throttleRate * 100).toFixed(1)}% of requests throttled, ${concurrency} calls in flight; node ${process.version}`);
  const rows: Row[] = [];
  for (const members of sizes) {
    const row = await measure(members);
    rows.push(row);
    console.log(`\n${row.accounts} accounts x ${regions} regions: exit ${row.code}, ${row.seconds.toFixed(1)} s wall for npm run verify --out ` +
      `(intended model ${row.intendedSeconds.toFixed(1)} s, AWS reads ${row.liveSeconds.toFixed(1)} s, compare and write the rest; the synth before it took ${row.synthSeconds.toFixed(1)} s)`);
    console.log(`  calls ${row.calls} (${(row.calls / regions).toFixed(0)} per region), retries ${row.retries}; requests seen by the simulated AWS ${row.requests}, throttled ${row.throttled}`);
    console.log(`  per service: ${Object.entries(row.byService).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ')}`);
    console.log(`  HTML ${row.htmlKiB.toFixed(0)} KiB, JSON ${row.jsonKiB.toFixed(0)} KiB, RSS ${row.rssMiB.toFixed(0)} MiB`);
  }
  if (rows.length > 1) {
    const [a, b] = [rows[0], rows[rows.length - 1]];
    console.log(`\n${a.accounts} -> ${b.accounts} accounts (x${(b.accounts / a.accounts).toFixed(1)}): calls x${(b.calls / a.calls).toFixed(2)}, wall time x${(b.seconds / a.seconds).toFixed(2)}`);
    console.log('| accounts | calls | ' + Object.keys(b.byService).sort().join(' | ') + ' | retries | wall s |');
    console.log('|---|---|' + Object.keys(b.byService).map(() => '---').join('|') + '|---|---|');
    for (const r of rows) {
      console.log(`| ${r.accounts} | ${r.calls} | ${Object.keys(b.byService).sort().map((s) => r.byService[s] ?? 0).join(' | ')} | ${r.retries} | ${r.seconds.toFixed(1)} |`);
    }
  }
}

run().catch((e) => {
  console.error(`bench:verify: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
