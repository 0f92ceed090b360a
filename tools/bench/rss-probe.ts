import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

// Preloaded into every synth process by the benchmark: records its peak resident memory and the CPU time it
// used on exit. CPU time is the steadier figure on a shared machine, whose wall times drift with its neighbours.
const dir = process.env.ORG_GUARD_BENCH_RSS_DIR;
if (dir) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(path.join(dir, String(process.pid)), JSON.stringify({ rssBytes: usage.maxRSS * 1024, cpuMicros: usage.userCPUTime + usage.systemCPUTime }));
  });
}
