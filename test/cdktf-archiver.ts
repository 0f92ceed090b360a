import * as path from 'node:path';
import { deferredFunctionModule } from '../defer-modules';

/**
 * `archiver` in tests (jest.config.js moduleNameMapper): cdktf's copy, loading on first use, as in `cdktf synth`
 * (cdktf-unused-modules.ts). Jest's module registry does not go through Node's loader, where main.ts defers it.
 */
const real = require.resolve('archiver', { paths: [path.dirname(require.resolve('cdktf/package.json'))] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = deferredFunctionModule(() => require(real));
