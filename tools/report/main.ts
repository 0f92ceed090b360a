import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readArgs } from './args';
import { ConfigError, configPathFromEnv, loadConfig } from '../../config/load';
import { computeCoverage, readSynthesized, SynthOutputError } from './coverage';
import { renderHtml, renderMarkdown, type MarkdownOptions } from './render';

const USAGE = `usage: report [--config <org.yaml>] [--out <cdktf output dir>] [--report-dir <dir>] [--details all|gaps|none]

Coverage of the organization (accounts x governed regions x controls), computed from the synthesized
stacks. Without --out it synthesizes the config first into a temporary directory (your cdktf.out is left
alone), so the report always matches the config; with --out it reads that directory as is (e.g. what CI
just planned).
Writes <report-dir>/coverage.md and <report-dir>/coverage.html (default report-dir: reports).`;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Synthesizes `configFile` into `outdir`; throws on failure. */
export type Synthesize = (configFile: string, outdir: string) => void;

/** The real synth entry point (dist/main.js), so the report sees exactly what `npm run synth` writes. */
export const synthWithCli: Synthesize = (configFile, outdir) => {
  const entry = path.join(__dirname, '..', '..', 'main.js');
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  // Left unset for the bundled example, so synth's "config:" line says that instead of "(ORG_CONFIG)".
  if (process.env.ORG_CONFIG || configFile !== configPathFromEnv(process.env)) env.ORG_CONFIG = configFile;
  const r = spawnSync(process.execPath, [entry], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new SynthOutputError(`synth failed (exit ${r.status ?? r.signal}); fix the errors above`);
};

export function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
  synthesize: Synthesize = synthWithCli,
): number {
  let details: MarkdownOptions['details'] = 'all';
  const args = readArgs(argv, env, (a, next) => {
    if (a !== '--details') return false;
    const d = next();
    if (d !== 'all' && d !== 'gaps' && d !== 'none') throw new Error(`--details must be all, gaps or none, got "${d}"`);
    details = d;
    return true;
  });
  if ('help' in args) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if ('error' in args) {
    io.stderr(`report: ${args.error}\n\n${USAGE}\n`);
    return 2;
  }
  const { paths } = args;

  const { configFile, reportDir } = paths;
  let { outdir } = paths;
  // Checked before the synth, which takes a while.
  if (existsSync(reportDir) && !statSync(reportDir).isDirectory()) {
    io.stderr(`report: --report-dir ${reportDir} is a file; the report is written into a folder (coverage.md, coverage.html)\n`);
    return 2;
  }
  let scratch: string | undefined;
  try {
    const config = loadConfig(configFile);
    if (!outdir) {
      // Never the user's cdktf.out: it may hold what they are about to deploy, from another config.
      scratch = mkdtempSync(path.join(tmpdir(), 'org-guard-report-'));
      outdir = path.join(scratch, 'cdktf.out');
      synthesize(configFile, outdir);
    }
    const coverage = computeCoverage(config, readSynthesized(outdir));
    const relative = path.relative(process.cwd(), outdir);
    const source = scratch
      ? `a fresh synth of \`${path.relative(process.cwd(), configFile) || configFile}\``
      : `the synthesized stacks in \`${relative && !relative.startsWith('..') ? relative : outdir}\``;
    mkdirSync(reportDir, { recursive: true });
    const mdFile = path.join(reportDir, 'coverage.md');
    const htmlFile = path.join(reportDir, 'coverage.html');
    writeFileSync(mdFile, `${renderMarkdown(coverage, { details, source })}\n`);
    writeFileSync(htmlFile, renderHtml(coverage, { source, generatedAt: new Date().toISOString() }));
    const cells = coverage.cells.flat(2);
    const n = (s: string) => cells.filter((c) => c.status === s).length;
    io.stdout(
      `coverage: ${coverage.accounts.length} accounts x ${coverage.regions.length} regions x ${coverage.controls.length} controls: ` +
        `${n('covered')} covered, ${n('partial')} partial, ${n('missing')} not covered, ${n('na')} not provided by org-guard\n` +
        `wrote ${mdFile} and ${htmlFile}\n`,
    );
    for (const w of coverage.warnings) io.stderr(`warning: ${w}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SynthOutputError) {
      io.stderr(`report: ${e.message}\n`);
      return 1;
    }
    // anything else (a folder that cannot be written, ...) as one line, never a stack trace
    io.stderr(`report: ${e instanceof Error ? e.message : String(e)}\n`);
    if (env.ORG_GUARD_DEBUG === '1' && e instanceof Error) io.stderr(`${e.stack}\n`);
    return 1;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
