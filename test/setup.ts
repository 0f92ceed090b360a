import { tuneCdktf } from '../synth';

// Tests synthesize with the same cdktf tuning as `cdktf synth` does.
tuneCdktf();
