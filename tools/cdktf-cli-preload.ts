import Module = require('node:module');

/**
 * Loaded into the cdktf CLI process (`node --require`, tools/cdktf.ts). cdktf-cli 0.21 loads the code of
 * `cdktf convert` for every command: @cdktf/hcl2cdk (which runs `terraform version` twice as it loads), with
 * jsii-rosetta (the TypeScript compiler) and @cdktf/provider-generator, about 1 s of every
 * `npm run synth|list|diff|deploy`. Here they load on first use instead: synth and list never use them; diff
 * and deploy only for an import block with generated configuration, and `convert` always, both of which still
 * get the real module on first use.
 *
 * Each entry: the module's export names when importers list them as they load (the CLI bundle's esbuild
 * `__toESM` copies every export name of @cdktf/hcl2cdk), or null when importers only read `__esModule`
 * (tsc's `__importStar`). Both are checked against the pinned modules by test/tools/cdktf-cli-preload.test.ts.
 */
export const DEFERRED_MODULES: Readonly<Record<string, readonly string[] | null>> = {
  'jsii-rosetta': null,
  '@cdktf/provider-generator': null,
  '@cdktf/hcl2cdk': [
    '__esModule', 'CODE_MARKER', 'getParsedHcl', 'parseProviderRequirements', 'convertToTypescript', 'convert',
    'getTerraformConfigFromDir', 'convertProject', 'isRegistryModule', 'attributeNameToCdktfName',
  ],
};

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * A stand-in for a module compiled from TypeScript to CommonJS (`exports.__esModule = true`) that loads it on
 * first use of an export. `__esModule`, and with `exportNames` the list of exports, are answered without loading.
 */
export function deferredModule(load: () => object, exportNames: readonly string[] | null = null): object {
  let real: object | undefined;
  const target = () => (real ??= load());
  const listed = exportNames && new Set<string | symbol>(exportNames);
  return new Proxy(Object.create(null), {
    get: (_, key) => (key === '__esModule' ? true : Reflect.get(target(), key)),
    has: (_, key) => (listed ? listed.has(key) : Reflect.has(target(), key)),
    ownKeys: () => (exportNames ? [...exportNames] : Reflect.ownKeys(target())),
    getOwnPropertyDescriptor: (_, key) => {
      if (listed) {
        if (!listed.has(key)) return undefined;
        if (key === '__esModule') return { value: true, writable: false, enumerable: false, configurable: true };
        return { get: () => Reflect.get(target(), key), enumerable: true, configurable: true };
      }
      const d = Reflect.getOwnPropertyDescriptor(target(), key);
      return d && { ...d, configurable: true }; // a proxy may not call a property non-configurable that its target lacks
    },
  });
}

/** Installs the deferral in this process's module loader. */
export function deferModules(modules: Readonly<Record<string, readonly string[] | null>> = DEFERRED_MODULES): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  loader._load = function (this: unknown, request, parent, isMain) {
    if (!Object.prototype.hasOwnProperty.call(modules, request)) return load.call(this, request, parent, isMain);
    return deferredModule(() => load.call(this, request, parent, isMain) as object, modules[request]);
  };
}

/** The process is the cdktf CLI itself (not a test or a tool importing this file). */
export const isCdktfCli = (argv: readonly string[] = process.argv) => /[\\/]cdktf-cli[\\/]bundle[\\/]bin[\\/]cdktf(\.js)?$/.test(argv[1] ?? '');

if (isCdktfCli() && process.env.ORG_GUARD_CDKTF_DEFAULTS !== '1') deferModules();
