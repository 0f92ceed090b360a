import './use-compile-cache'; // first: the modules below compile from the code cache
import './cdktf-unused-modules'; // before anything loads cdktf
import * as path from 'node:path';
import { ConfigError, configPathFromEnv, describeConfigSource, displayPath, loadConfig } from './config/load';
import { configWarnings } from './config/warnings';
import { SHARD_ENV, SynthSetupError, outdirFromEnv, synthHeapFromEnv, synthWorkersFromEnv } from './synth-setup';
import type { SynthResult } from './synth';
import type { OrgConfig } from './config/schema';
import { TERRAFORM_VERSION_ENV, TerraformVersionError, requireTerraform } from './terraform';

// Everything is validated and built before anything is written, so a bad config leaves no stacks behind.
// Messages go to stdout: the cdktf CLI prints each line the app writes to stderr as `[ERROR]`.
async function main(): Promise<void> {
  // cdktf runs `terraform version` to validate import blocks; no update check over the network.
  process.env.CHECKPOINT_DISABLE ??= '1';
  const worker = Boolean(process.env[SHARD_ENV]);
  // Parallel-synth workers build from the parent's config: only the parent speaks.
  if (!worker) console.log(describeConfigSource());
  // cdktf and the stacks load once the config and settings are good: a mistake is told without loading them.
  const synth = () => require('./synth') as typeof import('./synth');
  // A worker builds from the config its parent validated (passed in the job), not from the file again.
  const config = worker ? synth().workerPayload<OrgConfig>() : loadConfig();
  const workers = synthWorkersFromEnv();
  synthHeapFromEnv();
  const terraformVersion = (process.env[TERRAFORM_VERSION_ENV] = requireTerraform()); // checked once: workers inherit it
  const { knownTerraformVersion, synthOrganization, tuneCdktf } = synth();
  tuneCdktf();
  knownTerraformVersion(terraformVersion);
  const { organizationStacks } = require('./app') as typeof import('./app');
  if (!worker) for (const w of configWarnings(config)) console.log(`warning: ${w}`);
  const result = await synthOrganization(organizationStacks(config), undefined, { workers, payload: config });
  if (!worker) console.log(wroteLine(result));
}

/** Names every stack of a small organization; a large one is summarized. */
function wroteLine({ stacks, removed, rewritten }: SynthResult): string {
  const relative = path.relative(process.cwd(), outdirFromEnv());
  const where = path.join(relative && !relative.startsWith('..') ? relative : outdirFromEnv(), 'stacks');
  const names = stacks.length <= 12 ? stacks.join(', ') : `${stacks.slice(0, 3).join(', ')} and ${stacks.length - 3} member stacks`;
  const gone = removed.length === 0 ? '' : `; removed ${removed.length <= 12 ? removed.join(', ') : `${removed.length} stacks`} (no longer in the config)`;
  const kept = stacks.length - rewritten.length;
  const unchanged = kept === 0 ? '' : ` (${kept === stacks.length ? 'all' : kept} unchanged since the last synth)`;
  return `wrote ${stacks.length} stack${stacks.length === 1 ? '' : 's'} to ${where}: ${names}${unchanged}${gone}`;
}

main().catch((e: unknown) => {
  // Known problems print as themselves; anything else still names the config and never a stack trace.
  if (e instanceof ConfigError || e instanceof TerraformVersionError || e instanceof SynthSetupError) console.error(e.message);
  else {
    const detail = e instanceof Error ? e.message : String(e);
    console.error(`synth failed with ${displayPath(configPathFromEnv())}: ${detail}`);
    if (process.env.ORG_GUARD_DEBUG === '1' && e instanceof Error) console.error(e.stack);
    else console.error('(set ORG_GUARD_DEBUG=1 for the stack trace)');
  }
  process.exit(1);
});
