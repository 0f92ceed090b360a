import { writeFileSync } from 'node:fs';

// Preloaded into the synth process by the benchmark: records its peak resident memory on exit.
const target = process.env.ORG_GUARD_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
}
