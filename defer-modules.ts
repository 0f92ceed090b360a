import Module = require('node:module');

/**
 * Modules that load on first use instead of when they are required: a stand-in is returned to the importer,
 * and the real module loads the first time the stand-in is used. For code we do not own that loads modules
 * its callers never use (the cdktf CLI's `convert` compilers, cdktf's asset archiver).
 */

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
      return configurable(Reflect.getOwnPropertyDescriptor(target(), key));
    },
  });
}

/**
 * A stand-in for a CommonJS module that exports a function (`module.exports = function`): calling it, or any
 * other use, loads the real module; requiring it does not. Nothing is answered without loading. It cannot be
 * called with `new` or frozen (the stand-in's own target is an empty arrow function).
 */
export function deferredFunctionModule(load: () => (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  let real: ((...args: unknown[]) => unknown) | undefined;
  const target = () => (real ??= load());
  // an arrow function: callable, not constructible, and no own property a proxy would have to report as is
  return new Proxy(() => undefined, {
    apply: (_, thisArg, args) => Reflect.apply(target(), thisArg, args),
    get: (_, key) => Reflect.get(target(), key),
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => configurable(Reflect.getOwnPropertyDescriptor(target(), key)),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
    defineProperty: (_, key, d) => Reflect.defineProperty(target(), key, { ...d, configurable: true }),
    deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
    preventExtensions: () => false,
  });
}

// A proxy may not report a property as non-configurable when its target lacks it.
const configurable = (d: PropertyDescriptor | undefined) => d && { ...d, configurable: true };

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

export interface Deferrals {
  /** Modules compiled from TypeScript: their export names when importers list them as they load, else null. */
  esModules?: Readonly<Record<string, readonly string[] | null>>;
  /** Modules that export a function. */
  functionModules?: readonly string[];
}

/**
 * Installs the deferrals in this process's module loader (by the name importers require). As with require
 * itself, every importer of the same file gets the same stand-in.
 */
export function deferModules({ esModules = {}, functionModules = [] }: Deferrals): void {
  const loader = Module as unknown as { _load: Load; _resolveFilename(request: string, parent: unknown, isMain: boolean): string };
  const load = loader._load;
  const functions = new Set(functionModules);
  const standIns = new Map<string, unknown>();
  loader._load = function (this: unknown, request, parent, isMain) {
    const real = () => load.call(this, request, parent, isMain);
    const es = Object.prototype.hasOwnProperty.call(esModules, request);
    if (!es && !functions.has(request)) return real();
    let file: string;
    try {
      file = loader._resolveFilename(request, parent, isMain);
    } catch {
      return real(); // not installed: the importer gets require's own error
    }
    if (!standIns.has(file)) {
      standIns.set(file, es ? deferredModule(real as () => object, esModules[request]) : deferredFunctionModule(real as () => (...args: unknown[]) => unknown));
    }
    return standIns.get(file);
  };
}

/**
 * cdktf loads `archiver` (zip and tar writers, about 60 ms and 80 modules) as it loads, for TerraformAsset,
 * which org-guard does not use: a third of the time `require('cdktf')` takes, in every synth process and
 * in the cdktf CLI. cdktf's lib/private/fs.js calls it (`archiver("zip", ...)`) only to archive an asset.
 */
export const CDKTF_UNUSED_MODULES: Deferrals = { functionModules: ['archiver'] };
