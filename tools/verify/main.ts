import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ConfigError, loadConfig } from '../../config/load';
import { readSynthesized, SynthOutputError } from '../report/coverage';
import { synthWithCli, type Io, type Synthesize } from '../report/main';
import { readArgs } from '../report/args';
import { Caller, Clients, FatalError, Pool, type Configure } from './aws';
import { exitCodeOf, intendedOf, verify } from './compare';
import { resolveIdentity, type Identity } from './credentials';
import { readLive, readOrganization } from './live';
import { exitMeaning, renderHtml, renderTerminal, toJson, type RunInfo } from './render';

const USAGE = `usage: verify [--config <org.yaml>] [--out <cdktf output dir>] [--report-dir <dir>] [--json] [--strict] [--concurrency <n>]

Holds what org-guard intends (the coverage report's model: a fresh synth of the config, or --out) against
what AWS has, read-only, from the management and security (delegated admin) accounts. Writes
<report-dir>/verify.html (default report-dir: reports) and a summary; --json prints the result as JSON on
stdout (the summary then goes to stderr).
  --strict          also fail on live-but-not-intended cells and on organization accounts the config does not list
  --concurrency n   calls in flight at once (default 16)
Exit status: 0 every intended cell is live; 1 something intended is missing or failed; 3 nothing is
missing, but some cells are unknown (a call failed, e.g. AccessDenied); 2 could not run.`;

export interface VerifyIo extends Io {
  /** Whether stderr is a terminal: the progress line is redrawn in place there, printed every 15 s elsewhere. */
  stderrIsTTY?: boolean;
}

export interface Deps {
  synthesize?: Synthesize;
  /** Called on every new SDK client: tests and the benchmark plug a simulated AWS in here. */
  configure?: Configure;
  maxAttempts?: number;
  /** Ambient credentials instead of the SDK's default chain (tests). */
  ambient?: AwsCredentialIdentityProvider;
  /** Milliseconds between progress lines when stderr is not a terminal. */
  progressEvery?: number;
}

const defaultIo: VerifyIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY,
};

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: VerifyIo = defaultIo, deps: Deps = {}): Promise<number> {
  let json = false;
  let strict = false;
  let concurrency = 16;
  const args = readArgs(argv, env, (a, next) => {
    if (a === '--json') json = true;
    else if (a === '--strict') strict = true;
    else if (a === '--concurrency') {
      const v = next();
      concurrency = Number(v);
      if (!/^\d+$/.test(v) || concurrency < 1 || concurrency > 64) throw new Error(`--concurrency must be a whole number from 1 to 64, got "${v}"`);
    } else return false;
    return true;
  });
  if ('help' in args) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if ('error' in args) {
    io.stderr(`verify: ${args.error}\n\n${USAGE}\n`);
    return 2;
  }
  const { paths } = args;
  const { configFile, reportDir } = paths;
  let { outdir } = paths;
  // With --json, stdout carries only the JSON document.
  const say = json ? io.stderr : io.stdout;

  if (existsSync(reportDir) && !statSync(reportDir).isDirectory()) {
    io.stderr(`verify: --report-dir ${reportDir} is a file; the report is written into a folder (verify.html)\n`);
    return 2;
  }
  let scratch: string | undefined;
  let clients: Clients | undefined;
  let stopProgress = () => undefined as void;
  try {
    const config = loadConfig(configFile);
    if (!outdir) {
      // Never the user's cdktf.out (the coverage report's rule): it may hold another config's stacks.
      scratch = mkdtempSync(path.join(tmpdir(), 'org-guard-verify-'));
      outdir = path.join(scratch, 'cdktf.out');
      (deps.synthesize ?? synthWithCli)(configFile, outdir);
    }
    const t0 = Date.now();
    const intended = intendedOf(config, readSynthesized(outdir));
    const intendedSeconds = (Date.now() - t0) / 1000;
    const relative = path.relative(process.cwd(), outdir);
    const source = scratch
      ? `a fresh synth of \`${path.relative(process.cwd(), configFile) || configFile}\``
      : `the synthesized stacks in \`${relative && !relative.startsWith('..') ? relative : outdir}\``;

    const started = Date.now();
    let identity: Identity | undefined;
    clients = new Clients({
      credentials: (account) => identity?.providers[account],
      maxAttempts: deps.maxAttempts,
      configure: deps.configure,
      ambient: deps.ambient,
      pool: new Pool(concurrency),
    });
    const home = config.organization.homeRegion;
    const c = clients;
    identity = await resolveIdentity({
      roleName: config.verify.roleName,
      managementId: config.accounts.management.id,
      securityId: config.accounts.security.id,
      sts: (who, credentials) => c.get('sts', who, home, credentials),
    });

    const caller = new Caller(clients);
    stopProgress = progress(io, caller, started, deps.progressEvery ?? 15_000);
    const org = await readOrganization(caller, intended.scope);
    if (org.organization.ok && org.organization.value.id !== config.organization.id) {
      stopProgress();
      io.stderr(`verify: the credentials reach organization ${org.organization.value.id}, the config describes ${config.organization.id} (organization.id): wrong credentials or wrong config\n`);
      return 2;
    }
    const configIds = intended.coverage.accounts.map((a) => a.id);
    const live = await readLive(caller, {
      ...intended.scope,
      accountIds: (orgIds) => [...new Set([...configIds, ...orgIds])],
    }, org);
    stopProgress();
    const liveSeconds = (Date.now() - started) / 1000;
    const result = verify(intended, live, caller.stats.failures);
    const code = exitCodeOf(result, { strict });
    const info: RunInfo = {
      exitCode: code,
      seconds: (Date.now() - started) / 1000,
      phases: { intended: intendedSeconds, live: liveSeconds },
      stats: caller.stats,
      reached: identity.how,
      source,
      generatedAt: new Date().toISOString(),
    };
    mkdirSync(reportDir, { recursive: true });
    const htmlFile = path.join(reportDir, 'verify.html');
    writeFileSync(htmlFile, renderHtml(result, info));
    say(renderTerminal(result, info));
    say(`wrote ${htmlFile}\nresult: exit ${code}: ${exitMeaning(code)}\n`);
    if (json) io.stdout(`${JSON.stringify(toJson(result, info), null, 2)}\n`);
    return code;
  } catch (e) {
    stopProgress();
    // One line, never a stack trace: a missing credential, a config error, a folder that cannot be written.
    io.stderr(`verify: ${e instanceof Error ? e.message : String(e)}\n`);
    if (env.ORG_GUARD_DEBUG === '1' && e instanceof Error && !(e instanceof ConfigError || e instanceof SynthOutputError || e instanceof FatalError)) io.stderr(`${e.stack}\n`);
    return 2;
  } finally {
    clients?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** A progress line on stderr: redrawn in place on a terminal, otherwise one line every `every` ms. */
function progress(io: VerifyIo, caller: Caller, started: number, every: number): () => void {
  const line = () => `verify: ${caller.stats.total()} calls, ${caller.stats.retries} retries, ${((Date.now() - started) / 1000).toFixed(0)} s`;
  if (io.stderrIsTTY) {
    const timer = setInterval(() => io.stderr(`\r${line()}\u001b[K`), 250);
    timer.unref();
    return () => {
      clearInterval(timer);
      io.stderr('\r\u001b[K');
    };
  }
  const timer = setInterval(() => io.stderr(`${line()}\n`), every);
  timer.unref();
  return () => clearInterval(timer);
}

if (require.main === module) {
  // The pinned SDK clients support Node 20 (package.json engines); their notice that SDK releases after
  // January 2027 need Node 22 would otherwise print a paragraph before every result, and break the
  // one-line errors. It concerns upgrading the SDK, not this run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
