import * as path from 'node:path';

/**
 * `cdktf` in tests (jest.config.js moduleNameMapper): the real cdktf, tuned as `cdktf synth` runs it (main.ts),
 * when a test file first loads it into a module registry. A suite that never loads cdktf (the config checks)
 * does not pay for it, and every registry (jest.isolateModules, jest.resetModules) loads and tunes its own.
 * cdktf's own modules require each other by relative path, so only `require('cdktf')` comes here.
 */
const lib = path.join(path.dirname(require.resolve('cdktf/package.json')), 'lib');
// Off before the index loads, as tuneCdktf turns it off: the references cdktf creates as it loads would each
// format a full stack trace, which under jest means reading source maps, about 30 ms of every suite.
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (process.env.ORG_GUARD_CDKTF_DEFAULTS !== '1') require(path.join(lib, 'tokens', 'private', 'stack-trace.js')).captureStackTrace = () => [];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktf = require(path.join(lib, 'index.js'));
module.exports = cdktf;
// cdktf-tuning.ts requires cdktf's modules by path, not `cdktf`: it loads here whichever file a test required first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('../cdktf-tuning') as typeof import('../cdktf-tuning')).tuneCdktf();
