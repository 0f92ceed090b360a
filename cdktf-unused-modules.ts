import { CDKTF_UNUSED_MODULES, deferModules } from './defer-modules';

// Imported first by main.ts, before cdktf loads: the modules cdktf loads but a synth never uses load on first
// use instead (defer-modules.ts). ORG_GUARD_CDKTF_DEFAULTS=1 loads everything as cdktf does.
if (process.env.ORG_GUARD_CDKTF_DEFAULTS !== '1') deferModules(CDKTF_UNUSED_MODULES);
