import { App } from 'cdktf';
import { ConfigError, loadConfig } from './config/load';
import { buildApp } from './app';
import { synthAtomically } from './synth';

// Everything is validated and built before anything is written, so a bad config leaves no stacks behind.
try {
  const config = loadConfig();
  synthAtomically((outdir) => buildApp(config, new App({ outdir })).app);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
