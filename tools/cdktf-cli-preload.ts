import Module = require('node:module');

/**
 * Loaded into the cdktf CLI process (`node --require`, tools/cdktf.ts). cdktf-cli 0.21 loads `cdktf convert`'s
 * code for every command: @cdktf/hcl2cdk requires jsii-rosetta (with the TypeScript compiler) and
 * @cdktf/provider-generator at load, about 0.5 s of every `npm run synth|list|diff|deploy`. Here they load
 * on first use instead: synth, list, diff and deploy never use them, `convert` and `get` still do.
 */
export const DEFERRED_MODULES: readonly string[] = ['jsii-rosetta', '@cdktf/provider-generator'];

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * A stand-in for a module that loads it on first use. Only for modules compiled from TypeScript to CommonJS
 * (`exports.__esModule = true`, checked by test/tools/cdktf-cli-preload.test.ts): importers ask for
 * `__esModule` as they load (tsc's __importStar), and the answer must not load the module.
 */
export function deferredModule(load: () => object): object {
  let real: object | undefined;
  const target = () => (real ??= load());
  return new Proxy(Object.create(null), {
    get: (_, key) => (key === '__esModule' ? true : Reflect.get(target(), key)),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), key);
      return d && { ...d, configurable: true }; // a proxy may not report a property non-configurable that its target lacks
    },
  });
}

/** Installs the deferral in this process's module loader. */
export function deferModules(modules: readonly string[] = DEFERRED_MODULES): void {
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  const deferred = new Set(modules);
  loader._load = function (this: unknown, request, parent, isMain) {
    if (!deferred.has(request)) return load.call(this, request, parent, isMain);
    return deferredModule(() => load.call(this, request, parent, isMain) as object);
  };
}

/** The process is the cdktf CLI itself (not a test or a tool importing this file). */
export const isCdktfCli = (argv: readonly string[] = process.argv) => /[\\/]cdktf-cli[\\/]bundle[\\/]bin[\\/]cdktf(\.js)?$/.test(argv[1] ?? '');

if (isCdktfCli() && process.env.ORG_GUARD_CDKTF_DEFAULTS !== '1') deferModules();
