import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module = require('node:module');
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * A V8 code cache for the CommonJS modules a process loads. Every org-guard command is a few short processes
 * (npm, the cdktf CLI, the app), and each compiled the same JavaScript again: about a quarter of the CPU of a
 * small synth and of the CLI. Node 22.8 and later have this built in (`module.enableCompileCache`), used there;
 * Node 20 has only the V8 calls, so the loader's compile step is replaced as the v8-compile-cache package
 * (yarn, eslint) does.
 *
 * One entry per file, source text and set of V8 flags (a SHA-1 of the three): a changed file never gets old
 * code; V8 keeps the file name in its data (stack traces name it); and V8 rejects data made under other flags,
 * while the cdktf CLI starts the app with --max-old-space-size, which a plain `node dist/main.js` does not.
 * Entries are written when the process exits, after it ran, so they also hold the functions compiled on first
 * call. V8 checks its version and flags itself and rejects data that does not fit; the module is then compiled
 * from source and marked (an empty entry), as are sources Node must compile itself (below).
 *
 * Node's own compile is kept, with no cache, where the replacement would behave differently: while source maps
 * are on (--enable-source-maps), under a policy manifest or --inspect-brk (all checked by Node's compile step),
 * for ES module syntax, and for a source that calls import() (see mayImportDynamically).
 *
 * ORG_GUARD_COMPILE_CACHE=0 (or Node's NODE_DISABLE_COMPILE_CACHE=1) turns it off; a folder as its value keeps
 * the cache in a subfolder of it (the default is next to the installed packages).
 */
export const COMPILE_CACHE_ENV = 'ORG_GUARD_COMPILE_CACHE';
/** More entries than this: they are all removed before new ones are written (old sources pile up as code changes). */
export const MAX_CACHE_ENTRIES = 5000;

interface LoaderInternals {
  wrap(script: string): string;
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeJS.Module>;
  prototype: { _compile(this: Module, content: string, filename: string, format?: string): unknown };
}

export interface CompileCacheStats {
  /** modules compiled from the cache */
  hits: number;
  /** modules compiled from source (no entry, or V8 rejected it) */
  misses: number;
  /** modules left to Node's own compile (e.g. ES module syntax) */
  skipped: number;
}

const stats: CompileCacheStats = { hits: 0, misses: 0, skipped: 0 };
let enabledIn: string | undefined;

/** What the cache did in this process so far. */
export const compileCacheStats = (): CompileCacheStats => ({ ...stats });

/** The folder of this Node inside `base`; by default next to the installed packages, as build tools keep theirs (node_modules/.cache). */
export function compileCacheDir(base?: string): string {
  const root = base ?? path.join(path.dirname(path.dirname(require.resolve('cdktf/package.json'))), '.cache', 'org-guard');
  return path.join(root, `v8-${process.version}-${process.arch}`);
}

/** An entry's name, or a half-written one's: the only files the cache ever removes. */
const ENTRY_NAME = /^[0-9a-f]{40}(\.\d+\.partial)?$/;

/**
 * Turns the cache on for every CommonJS module this process loads from now on; returns the folder, or
 * undefined when it is off (ORG_GUARD_COMPILE_CACHE=0, or a Node without the V8 calls it needs).
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env, maxEntries = MAX_CACHE_ENTRIES): string | undefined {
  const setting = env[COMPILE_CACHE_ENV];
  if (setting === '0' || env.NODE_DISABLE_COMPILE_CACHE === '1') return undefined;
  if (enabledIn) return enabledIn;
  let dir: string;
  try {
    dir = compileCacheDir(setting && setting !== '1' ? path.resolve(setting) : undefined);
  } catch {
    return undefined; // no cdktf to place it next to: nothing this cache would speed up
  }
  const builtIn = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (builtIn) {
    builtIn(dir);
    return (enabledIn = dir);
  }
  // import() for a module compiled here from source that calls it all the same (where mayImportDynamically is
  // wrong): it works, with Node's experimental warning, instead of failing. Node 20 has it since 20.12.
  const dynamicImport = (vm.constants as Partial<typeof vm.constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (dynamicImport === undefined) return undefined;
  // Node checks a policy manifest and pauses for --inspect-brk in the compile step this replaces.
  const options = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (options.some((o) => /^--(experimental-policy|policy-integrity|inspect-brk|inspect-wait)\b/.test(o))) return undefined;
  installCompileHook(dir, dynamicImport, maxEntries);
  return (enabledIn = dir);
}

function installCompileHook(dir: string, importModuleDynamically: vm.ScriptOptions['importModuleDynamically'], maxEntries: number): void {
  const loader = Module as unknown as LoaderInternals;
  const compile = loader.prototype._compile;
  const pending = new Map<string, vm.Script | undefined>(); // undefined: an empty entry (a mark)
  const flags = flagsKey();
  // The wrapper puts its parameter list before line 1: columns on line 1 count from after it, as Node's do.
  const columnOffset = -loader.wrap('\0').indexOf('\0');

  loader.prototype._compile = function compileFromCache(this: Module, content: string, filename: string, format?: string) {
    const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true; // Node maps only what it compiled
    if (format === 'module' || typeof content !== 'string' || sourceMaps) return compile.call(this, content, filename, format);
    const key = createHash('sha1').update(flags).update(filename).update('\0').update(content).digest('hex');
    const entry = path.join(dir, key);
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(entry);
    } catch {
      // no entry yet
    }
    // Node 20 cannot give code compiled from cached data an import() (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING):
    // a source that calls it is compiled as Node does, and marked with an empty entry, as is one whose data V8
    // rejected before (asm.js code has none). Checked once, when the source has no entry yet.
    const marked = cachedData?.length === 0 || (!cachedData && mayImportDynamically(content));
    if (marked) {
      stats.skipped++;
      if (!cachedData) pending.set(entry, undefined);
      return compile.call(this, content, filename, format);
    }
    let script: vm.Script;
    try {
      // A #! line is only valid at the very start of a script; the wrapper comes before it.
      const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
      script = new vm.Script(loader.wrap(source), { filename, cachedData, importModuleDynamically, columnOffset });
    } catch {
      // ES module syntax and real syntax errors: Node's own compile handles (or reports) them as usual, now and
      // next time (a fixed file is another source)
      stats.skipped++;
      pending.set(entry, undefined);
      return compile.call(this, content, filename, format);
    }
    if (cachedData && !script.cachedDataRejected) stats.hits++;
    else {
      stats.misses++;
      // data V8 rejects under the same version and flags it made it with would be rejected every time
      pending.set(entry, cachedData ? undefined : script);
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, loader), this, filename, path.dirname(filename));
  };

  process.once('exit', () => {
    if (pending.size === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
      const entries = fs.readdirSync(dir).filter((name) => ENTRY_NAME.test(name));
      if (entries.length + pending.size > maxEntries) for (const name of entries) fs.rmSync(path.join(dir, name), { force: true });
      for (const [entry, compiled] of pending) {
        // another process may write the same entry: each writes its own file and renames it into place
        const partial = `${entry}.${process.pid}.partial`;
        fs.writeFileSync(partial, compiled ? compiled.createCachedData() : Buffer.alloc(0));
        fs.renameSync(partial, entry);
      }
    } catch {
      // a read-only install or a full disk: the next process compiles from source, as without the cache
    }
  });
}

const AFTER_KEYWORD_A_SLASH_STARTS_A_REGEX = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * Whether the source may call import(): `import` followed by `(` as code, outside comments, strings, template
 * text and regular expressions (the CLI bundle quotes React's "dynamic import()" messages; packages write
 * `@type {import('x')}` in comments); or a string that starts with such a call (after `return` or `await`) in a
 * source that calls eval or Function: `new Function('s', 'return import(s)')` keeps a real import() in
 * TypeScript compiled to CommonJS. Where the scan is unsure it answers yes, which costs only the cache: a slash
 * after `}` read as the start of a regular expression whose text holds `import`, one that does not end on its
 * line, an unterminated comment. Not parsed: a regular expression right after `)` (`if (x) /re/`) is read as a division,
 * so a quote inside it could hide a call after it; none of the 5,000 installed files that mention `import` is
 * written so (checked against TypeScript's parser).
 */
export function mayImportDynamically(source: string): boolean {
  if (!source.includes('import')) return false;
  // code in a string: what eval or Function would run, starting with the call
  const mentionsImport = (text: string) => /^\s*(return\s+)?(await\s+)?import\s*\(/.test(text);
  let quotedImport = false;
  let evaluates = false;
  const n = source.length;
  const templates: number[] = []; // for each open `${`, the brace depth it opened at
  let braces = 0;
  let regexAllowed = true;
  let afterBrace = false; // the last character of code was `}`
  let i = 0;
  const isIdentifierChar = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '$' || c > '\u007f';
  const isBlank = (c: string) => c <= ' ' || (c > '\u007f' && /\s/.test(c));
  const skipBlanksAndComments = (from: number): number => {
    let j = from;
    for (;;) {
      while (j < n && isBlank(source[j])) j++;
      if (source.startsWith('//', j)) j = source.indexOf('\n', j) < 0 ? n : source.indexOf('\n', j);
      else if (source.startsWith('/*', j)) j = source.indexOf('*/', j + 2) < 0 ? n : source.indexOf('*/', j + 2) + 2;
      else return j;
    }
  };
  /** From inside template text: to the closing backtick (returns after it) or a `${` (returns after it, code follows). */
  const templateText = (from: number): { end: number; code: boolean } => {
    const text = (end: number) => {
      if (mentionsImport(source.slice(from, end))) quotedImport = true;
      return end;
    };
    for (let j = from; j < n; j++) {
      if (source[j] === '\\') j++;
      else if (source[j] === '`') return { end: text(j + 1), code: false };
      else if (source[j] === '$' && source[j + 1] === '{') return { end: text(j + 2), code: true };
    }
    return { end: text(n), code: false };
  };
  while (i < n) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return true;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] !== '\\' ? 1 : source.startsWith('\r\n', j + 1) ? 3 : 2;
      if (mentionsImport(source.slice(i + 1, j))) quotedImport = true;
      i = j + 1;
      regexAllowed = false;
      afterBrace = false;
    } else if (c === '`' || (c === '}' && templates.length > 0 && templates[templates.length - 1] === braces)) {
      if (c === '}') {
        templates.pop();
        braces--;
      }
      const { end, code } = templateText(i + 1);
      if (code) templates.push(++braces);
      i = end;
      regexAllowed = code;
      afterBrace = false;
    } else if (c === '/' && regexAllowed) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n' && (inClass || source[j] !== '/')) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j++;
      }
      if (j < n && source[j] === '/') {
        // after `}` (a block, or an object divided by something?) it may be a division around code after all
        if (afterBrace && source.slice(i, j).includes('import')) return true;
        i = j + 1;
        regexAllowed = false;
        afterBrace = false;
      } else {
        i++; // not a regular expression after all: read on as code
        regexAllowed = true;
      }
    } else if (isIdentifierChar(c)) {
      let j = i + 1;
      while (j < n && isIdentifierChar(source[j])) j++;
      const word = source.slice(i, j);
      const called = source[skipBlanksAndComments(j)] === '(';
      if (word === 'import' && called && source[i - 1] !== '.') return true;
      if ((word === 'eval' || word === 'Function') && called) evaluates = true;
      regexAllowed = AFTER_KEYWORD_A_SLASH_STARTS_A_REGEX.has(word);
      afterBrace = false;
      i = j;
    } else if ((c === '+' || c === '-') && source[i + 1] === c) {
      regexAllowed = false; // after x++ or x--, a slash divides
      afterBrace = false;
      i += 2;
    } else {
      if (c === '{') braces++;
      else if (c === '}') braces--;
      if (!isBlank(c)) {
        regexAllowed = c !== ')' && c !== ']';
        afterBrace = c === '}';
      }
      i++;
    }
    if (quotedImport && evaluates) return true;
  }
  return false;
}

/**
 * The options this process started with that may be V8 flags (the command line and NODE_OPTIONS), without the
 * ones that only name modules to preload: a test's spy in NODE_OPTIONS does not change the compiled code.
 */
export function flagsKey(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string {
  const preload = /^(--require|-r|--import|--loader|--experimental-loader)$/;
  const kept: string[] = [];
  const args = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  for (let i = 0; i < args.length; i++) {
    if (preload.test(args[i])) i++; // and its module
    else if (!preload.test(args[i].split('=')[0])) kept.push(args[i]);
  }
  return `${kept.join(' ')}\0`;
}

/** The `require` Node gives a module (lib/internal/modules/helpers.js makeRequireFunction), for one compiled here. */
function requireFor(mod: Module, loader: LoaderInternals): NodeJS.Require {
  const request = (value: unknown): string => {
    if (typeof value === 'string') return value;
    throw Object.assign(new TypeError(`The "request" argument must be of type string. Received ${typeof value}`), { code: 'ERR_INVALID_ARG_TYPE' });
  };
  // eslint-disable-next-line @typescript-eslint/no-shadow
  const moduleRequire = function require(id: string) {
    return mod.require(id);
  } as NodeJS.Require;
  const resolve = ((id: string, options?: { paths?: string[] }) => loader._resolveFilename(request(id), mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (id: string) => loader._resolveLookupPaths(request(id), mod);
  moduleRequire.resolve = resolve;
  // the main module when this module loads, as Node's makeRequireFunction reads it (none yet under --require)
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  moduleRequire.main = process.mainModule;
  moduleRequire.extensions = loader._extensions;
  moduleRequire.cache = loader._cache;
  return moduleRequire;
}
