import '../use-compile-cache'; // first: the modules below compile from the code cache
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { constants } from 'node:os';
import { ConfigError, configPathFromEnv, displayPath, loadConfig } from '../config/load';
import { SynthSetupError, checkOutdir, settleInterruptedSynth, synthHeapFromEnv, synthWorkersFromEnv } from '../synth-setup';
import { TERRAFORM_VERSION_ENV, TerraformVersionError, requireTerraform } from '../terraform';

/**
 * `npm run synth|list|diff|deploy|destroy -- [args]`: the cdktf CLI with two things it cannot do itself.
 * - No telemetry: cdktf-cli reads its opt-out only from the environment (CHECKPOINT_DISABLE, no cdktf.json
 *   switch; @cdktf/commons checkpoint.js), and Terraform honours the same variable.
 * - A bad config or Terraform is reported once, as itself: the CLI prints every stderr line of the app as
 *   `[ERROR]` and on a non-zero exit repeats its whole output inside "cdktf encountered an error while
 *   synthesizing" (@cdktf/cli-core synth-stack.js). So the config and Terraform are checked here first.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...args] = argv;
  if (!command) {
    console.error('usage: node dist/tools/cdktf.js <synth|list|diff|deploy|destroy|output> [cdktf arguments]');
    return 2;
  }
  let terraformVersion: string;
  let cli: string;
  try {
    const file = configPathFromEnv(env);
    loadConfig(file, displayPath(file, env));
    synthWorkersFromEnv(env);
    synthHeapFromEnv(env);
    checkOutdir(path.resolve(env.CDKTF_OUTDIR || 'cdktf.out'));
    terraformVersion = requireTerraform(env);
    cli = path.join(path.dirname(require.resolve('cdktf-cli/package.json')), 'bundle', 'bin', 'cdktf');
  } catch (e) {
    // Known problems as themselves; anything else as one line, never a stack trace.
    console.error(e instanceof ConfigError || e instanceof TerraformVersionError || e instanceof SynthSetupError ? e.message : `org-guard: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  // --no-validate-asm: the CLI's layout engine (yoga, for its terminal UI) is asm.js, which V8 would validate and
  // compile ahead of time on every start (about 0.25 s of CPU); as plain JavaScript it compiles lazily and from
  // the code cache, and lays out the CLI's few lines as fast.
  const child = spawn(process.execPath, ['--no-validate-asm', '--require', path.join(__dirname, 'cdktf-cli-preload.js'), cli, command, ...args], {
    stdio: 'inherit',
    env: { ...env, CHECKPOINT_DISABLE: '1', [TERRAFORM_VERSION_ENV]: terraformVersion },
  });
  // Ctrl-C reaches the CLI (and Terraform) from the terminal itself: wait for them to stop cleanly
  // instead of dying first; a SIGTERM sent to this process alone is passed on.
  let interrupted = false;
  const ignore = () => void (interrupted = true);
  const forward = () => ((interrupted = true), child.kill('SIGTERM'));
  process.on('SIGINT', ignore).on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      console.error(`org-guard: cannot run the cdktf CLI: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  if (interrupted) {
    const outdir = path.resolve(env.CDKTF_OUTDIR || 'cdktf.out');
    const stuck = await settleInterruptedSynth(outdir);
    for (const folder of stuck) console.error(`org-guard: the interrupted synth still writes ${displayPath(folder, env)}; it is removed when that process ends or by the next synth`);
  }
  process.off('SIGINT', ignore).off('SIGTERM', forward);
  return code;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
