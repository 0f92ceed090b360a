import { App } from 'cdktf';
import { ConfigError, loadConfig } from './config/load';
import { configWarnings } from './config/warnings';
import { buildApp } from './app';
import { SHARD_ENV, tuneCdktf, synthOrganization } from './synth';

// Everything is validated and built before anything is written, so a bad config leaves no stacks behind.
async function main(): Promise<void> {
  tuneCdktf();
  // cdktf runs `terraform version` to validate import blocks; no update check over the network.
  process.env.CHECKPOINT_DISABLE ??= '1';
  const config = loadConfig();
  // Parallel-synth workers load the same config: only the parent speaks.
  if (!process.env[SHARD_ENV]) for (const w of configWarnings(config)) console.error(`warning: ${w}`);
  await synthOrganization((outdir) => buildApp(config, new App({ outdir })).app, undefined, {
    stackCount: config.accounts.members.length + 3,
    workers: process.env.ORG_GUARD_SYNTH_WORKERS ? Number(process.env.ORG_GUARD_SYNTH_WORKERS) : undefined,
  });
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
