import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../../config/load';
import { synthToDir } from '../../helpers';
import type { OrgConfig } from '../../../config/schema';
import { readSynthesized } from '../../../tools/report/coverage';
import { intendedOf, type Intended } from '../../../tools/verify/compare';
import { main, type Deps } from '../../../tools/verify/main';
import { simulateIntended, type SimulatedOrg } from '../../../tools/verify/simulated-org';

export const FULL = path.resolve(__dirname, '../../../config/examples/full.yaml');

/** Static keys: the SDK signs every request before it reaches the simulated organization. */
export const FAKE_KEYS = async () => ({ accessKeyId: 'AKIASIMULATEDKEY000', secretAccessKey: 'simulated-secret' });

export interface Synthesized {
  config: OrgConfig;
  configFile: string;
  outdir: string;
  intended: () => Intended;
}

/** A real cdktf output directory (manifest + stacks) for a config file, as `npm run synth` writes it. */
export function synthesize(configFile = FULL): Synthesized {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'org-guard-verify-test-')), 'cdktf.out');
  const config = loadConfig(configFile);
  synthToDir(config, outdir);
  return { config, configFile, outdir, intended: () => intendedOf(config, readSynthesized(outdir)) };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The --json document. */
  json: any;
  sim: SimulatedOrg;
  reportDir: string;
}

/**
 * `main` end to end (argument parsing, intended model, credentials, live reads through the real SDK
 * clients, comparison, outputs) against a simulated organization that is exactly what org-guard intends,
 * after `mutate` broke something.
 */
export async function runVerify(s: Synthesized, mutate: (sim: SimulatedOrg) => void = () => undefined, argv: string[] = [], deps: Deps = {}): Promise<Run> {
  const sim = simulateIntended(s.intended());
  mutate(sim);
  const reportDir = mkdtempSync(path.join(tmpdir(), 'org-guard-verify-report-'));
  let stdout = '';
  let stderr = '';
  const code = await main(['--config', s.configFile, '--out', s.outdir, '--report-dir', reportDir, '--json', ...argv], {}, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  }, { configure: sim.configure, ambient: FAKE_KEYS, maxAttempts: 4, ...deps });
  let json: any;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json, sim, reportDir };
}

/** The problem cells of a run for one control. */
export const problemsOf = (run: Run, control: string) => (run.json.problems as any[]).filter((p) => p.control === control);
export const countsOf = (run: Run, control: string) => (run.json.controls as any[]).find((c) => c.id === control).counts;
