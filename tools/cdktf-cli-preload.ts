import { enableCompileCache } from '../compile-cache';
import { CDKTF_UNUSED_MODULES, deferModules } from '../defer-modules';

/**
 * Loaded into the cdktf CLI process (`node --require`, tools/cdktf.ts). cdktf-cli 0.21 loads the code of
 * `cdktf convert` for every command: @cdktf/hcl2cdk (which runs `terraform version` twice as it loads), with
 * jsii-rosetta (the TypeScript compiler) and @cdktf/provider-generator, about 1 s of every
 * `npm run synth|list|diff|deploy`. Here they load on first use instead: synth and list never use them; diff
 * and deploy only for an import block with generated configuration, and `convert` always, both of which still
 * get the real module on first use.
 * The same for two Go programs compiled to WebAssembly that start as they load (about 0.3 s of the main thread
 * and more of compiler threads): @cdktf/hcl-tools, used only by `synth --hcl` (its `format`), and
 * @cdktf/hcl2json, used only to read the schema of Terraform modules (cdktf.json `terraformModules`, `cdktf get`).
 *
 * And `archiver`, which cdktf loads for assets org-guard does not have (defer-modules.ts).
 *
 * Each entry: the module's export names when importers list them as they load (the CLI bundle's esbuild
 * `__toESM` copies every export name of @cdktf/hcl2cdk), or null when importers only read `__esModule`
 * (tsc's `__importStar`). Both are checked against the pinned modules by test/tools/cdktf-cli-preload.test.ts.
 */
export const DEFERRED_MODULES: Readonly<Record<string, readonly string[] | null>> = {
  'jsii-rosetta': null,
  '@cdktf/provider-generator': null,
  '@cdktf/hcl-tools': null,
  '@cdktf/hcl2json': null,
  '@cdktf/hcl2cdk': [
    '__esModule', 'CODE_MARKER', 'getParsedHcl', 'parseProviderRequirements', 'convertToTypescript', 'convert',
    'getTerraformConfigFromDir', 'convertProject', 'isRegistryModule', 'attributeNameToCdktfName',
  ],
};

/** Installs the deferrals in this process's module loader: the `convert` modules, and what cdktf loads unused. */
export function deferCliModules(): void {
  deferModules({ esModules: DEFERRED_MODULES, functionModules: CDKTF_UNUSED_MODULES.functionModules });
}

/** The process is the cdktf CLI itself (not a test or a tool importing this file). */
export const isCdktfCli = (argv: readonly string[] = process.argv) => /[\\/]cdktf-cli[\\/]bundle[\\/]bin[\\/]cdktf(\.js)?$/.test(argv[1] ?? '');

if (isCdktfCli()) {
  // The CLI bundle is 4 MB of JavaScript compiled again by every command: from the code cache instead.
  enableCompileCache();
  if (process.env.ORG_GUARD_CDKTF_DEFAULTS !== '1') deferCliModules();
}
