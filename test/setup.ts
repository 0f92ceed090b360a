import * as path from 'node:path';
import { deferredFunctionModule } from '../defer-modules';

// cdktf's archiver loads on first use, as in `cdktf synth` (cdktf-unused-modules.ts). Jest's module registry
// does not go through Node's loader, so the same deferral is a mock here, of the copy cdktf requires.
const archiver = require.resolve('archiver', { paths: [path.dirname(require.resolve('cdktf'))] });
jest.doMock(archiver, () => deferredFunctionModule(() => jest.requireActual(archiver)));

// Tests synthesize with the same cdktf tuning as `cdktf synth` does, applied when a test file first loads cdktf
// (a suite that never does, such as the config checks, does not load it at all). Requires of cdktf while it
// loads (its own modules require their index) and while the tuning loads get cdktf as it is at that moment.
let cdktf: unknown;
let loading = false;
jest.doMock('cdktf', () => {
  if (cdktf || loading) return cdktf ?? jest.requireActual('cdktf');
  loading = true;
  const real = jest.requireActual('cdktf');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../synth') as typeof import('../synth')).tuneCdktf();
  return (cdktf = real);
});
