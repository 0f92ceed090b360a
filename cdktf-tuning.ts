import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TerraformStack } from 'cdktf/lib/terraform-stack'; // not the index: test/cdktf-tuned.ts loads this file as cdktf's index loads
import type { IConstruct, IValidation } from 'constructs';

/**
 * Three cdktf costs that grow with the app and buy nothing here; ORG_GUARD_CDKTF_DEFAULTS=1 restores all.
 * - A full stack trace for every token (each nested block of each resource), kept only to decorate
 *   token error messages: at 100,000+ resources that was most of the build time.
 * - `terraform version` run once per import block to check Terraform >= 1.5: the answer cannot change
 *   within one synth, so it is asked once per command, and not at all once main.ts has checked the
 *   version itself (`knownTerraformVersion`).
 * - Token resolution walks every value of every resource three times (the preparing pass, each
 *   element, the whole stack) and allocates two closures and a context per value, token or not: 60% of a
 *   1,000-member synth (CPU profile in README "Scale and performance"). `resolvePlainData` walks plain
 *   data itself and hands only tokens (and anything that is not plain data) to cdktf's resolver.
 * - The preparing pass itself (TerraformStack.prepareStack resolves every element once more) exists only to
 *   turn cross-stack references into remote state; org-guard derives names that cross stacks from the
 *   config instead, so the pass is skipped and a cross-stack reference fails the synth by name.
 * - Every resource converts its meta-argument keys (depends_on, provider, lifecycle, ...) to snake case with
 *   three regular expressions per key, the same few keys each time: the conversion is remembered.
 * All patch modules of the pinned cdktf 0.21.0, whose callers read these members at call time.
 */
export function tuneCdktf(env: NodeJS.ProcessEnv = process.env): void {
  if (env.ORG_GUARD_CDKTF_DEFAULTS === '1') return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];

  const resolver = require('cdktf/lib/tokens/private/resolve') as { resolve: Resolve };
  if (!(resolver.resolve as { plainDataFastPath?: boolean }).plainDataFastPath) resolver.resolve = resolvePlainData(resolver.resolve);
  skipPreparingPass();
  memoizeSnakeCase();

  const { ValidateBinaryVersion } = require('cdktf/lib/validations/validate-binary-version') as {
    ValidateBinaryVersion: { prototype: { validate(this: BinaryVersionCheck): string[] } };
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const check = ValidateBinaryVersion.prototype.validate;
  const answers = new Map<string, string[]>();
  ValidateBinaryVersion.prototype.validate = function (this: BinaryVersionCheck) {
    const key = `${this.versionCommand}\0${this.versionConstraint}\0${this.hint ?? ''}`;
    if (!answers.has(key)) answers.set(key, answerFromKnown(this) ?? check.call(this));
    return answers.get(key)!;
  };
}

let terraformVersion: string | undefined;

/** The Terraform version main.ts found (terraform.ts): cdktf's own checks are answered from it. */
export function knownTerraformVersion(version: string): void {
  terraformVersion = version;
}

function answerFromKnown(v: BinaryVersionCheck): string[] | undefined {
  if (!terraformVersion || v.binary !== (process.env.TERRAFORM_BINARY_NAME || 'terraform')) return undefined;
  // cdktf's own semver, as ValidateBinaryVersion uses it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const semver = require(require.resolve('semver', { paths: [path.dirname(require.resolve('cdktf/package.json'))] })) as {
    satisfies(version: string, range: string): boolean;
  };
  return semver.satisfies(terraformVersion, v.versionConstraint)
    ? []
    : [`${v.binary} version ${terraformVersion} is lower than the required version ${v.versionConstraint} for this construct. ${v.hint ?? ''}`];
}

interface BinaryVersionCheck {
  binary: string;
  versionCommand: string;
  versionConstraint: string;
  hint?: string;
}

interface ResolveOptions {
  prefix?: string[];
  [option: string]: unknown;
}
type Resolve = (obj: unknown, options: ResolveOptions) => unknown;

// cdktf's markers (cdktf/lib/tokens/private/encoding.js and token.js, 0.21.0). Every encoded token string
// contains `TfToken[` (`${TfToken[`, `#{TfToken[`, `&{TfToken[`); an encoded token number is a double
// of magnitude ~1e289 or ~1e298, which prints with `e+2`; map tokens are these sentinel values.
const TOKEN_MARK = 'TfToken[';
const LIST_TOKEN_MARK = '#{TfToken[';
const NUMBER_TOKEN_PRINTED = 'e+2';
const PLAIN_NUMBER_LIMIT = 1e280;
const MAP_TOKEN_STRINGS = new Set(['String Map Token Value', 'Any Map Token Value']);
const MAP_TOKEN_NUMBER = -123456789;
const MAX_DEPTH = 200;

/**
 * cdktf's `resolve` with a fast path for plain data. For a string without token markers, a plain number,
 * a boolean, an array or a plain object, cdktf's resolve returns the same value (arrays and objects
 * rebuilt with undefined entries dropped) and creates a context per value that only a token reads; here
 * such values are walked directly. Everything else (tokens, resolvables, class instances, dates,
 * functions, values cdktf rejects) goes to cdktf's own resolve with the same path prefix and options,
 * so errors and token output are cdktf's. The context cdktf would have created for a plain value copies
 * its fields from `previousContext`, which is therefore passed through unchanged.
 */
export function resolvePlainData(cdktfResolve: Resolve): Resolve {
  const delegate = (obj: unknown, options: ResolveOptions, path: string[]) =>
    cdktfResolve(obj, path.length === 0 ? options : { ...options, prefix: [...(options.prefix ?? []), ...path] });

  const walk = (obj: unknown, options: ResolveOptions, path: string[]): unknown => {
    switch (typeof obj) {
      case 'undefined':
      case 'boolean':
        return obj;
      case 'string':
        if (obj.includes(TOKEN_MARK)) {
          const direct = (options.prefix?.length ?? 0) + path.length <= MAX_DEPTH ? resolveReferenceToken(obj, options) : undefined;
          return direct ?? delegate(obj, options, path);
        }
        return obj.includes(NUMBER_TOKEN_PRINTED) || MAP_TOKEN_STRINGS.has(obj) ? delegate(obj, options, path) : obj;
      case 'number':
        return Math.abs(obj) < PLAIN_NUMBER_LIMIT && obj !== MAP_TOKEN_NUMBER ? obj : delegate(obj, options, path);
      case 'object': {
        if (obj === null) return null;
        if ((options.prefix?.length ?? 0) + path.length > MAX_DEPTH) return delegate(obj, options, path);
        if (Array.isArray(obj)) {
          if (obj.some((x) => (typeof x === 'string' && x.includes(LIST_TOKEN_MARK)) || (typeof x === 'number' && !(Math.abs(x) < PLAIN_NUMBER_LIMIT)))) {
            return delegate(obj, options, path);
          }
          const out: unknown[] = [];
          for (let i = 0; i < obj.length; i++) {
            path.push(String(i));
            const value = walk(obj[i], options, path);
            path.pop();
            if (value !== undefined) out.push(value);
          }
          return out;
        }
        const proto = Object.getPrototypeOf(obj);
        if ((proto !== Object.prototype && proto !== null) || typeof (obj as { resolve?: unknown }).resolve === 'function') return delegate(obj, options, path);
        const keys = Object.keys(obj);
        if (keys.some((k) => k.includes(TOKEN_MARK) || k.includes(NUMBER_TOKEN_PRINTED))) return delegate(obj, options, path);
        const out: Record<string, unknown> = {};
        for (const key of keys) {
          path.push(key);
          const value = walk((obj as Record<string, unknown>)[key], options, path);
          path.pop();
          if (value !== undefined) out[key] = value;
        }
        return out;
      }
      default:
        return delegate(obj, options, path);
    }
  };
  const fast: Resolve = (obj, options) => walk(obj, options, []);
  return Object.assign(fast, { plainDataFastPath: true, cdktfResolve });
}

/** A string that is exactly one string token: `${TfToken[<key>]}` (encoding.js BEGIN_STRING_TOKEN_MARKER, VALID_KEY_CHARS). */
const SINGLE_STRING_TOKEN = /^\$\{TfToken\[([a-zA-Z0-9:._-]+)\]\}$/;

interface ReferenceTokens {
  lookup(key: string): unknown;
  reference: object;
  dependable: object;
  stackOf(scope: unknown): { toString(): string };
  /** The resolver cdktf's stacks resolve with (a DefaultTokenResolver over StringConcat), not a custom one. */
  isDefaultResolver(resolver: unknown): boolean;
}
let referenceTokens: ReferenceTokens | undefined;

/**
 * What cdktf's resolve makes of a string that is exactly one Reference token (`${aws_x.y.arn}`) or one
 * Dependable token (an entry of depends_on: `aws_x.y`), computed directly: cdktf resolves each through a
 * token split, three nested contexts and a post-processor, about 20 us each, 100 of them per member stack.
 * Anything else, and any case cdktf treats specially (another resolver than cdktf's default, preparing, an
 * iterator, a reference from or wired to another stack, an identifier that holds a token, anything that throws,
 * whose message cdktf words), returns undefined and goes to cdktf.
 * Reference.resolve and Dependable.resolve: cdktf/lib/tfExpression.js 0.21.0.
 */
function resolveReferenceToken(str: string, options: ResolveOptions, suppressBraces = (options.previousContext as { suppressBraces?: boolean } | undefined)?.suppressBraces): string | undefined {
  const key = SINGLE_STRING_TOKEN.exec(str)?.[1];
  if (key === undefined || options.preparing || (options.previousContext as { iteratorContext?: unknown } | undefined)?.iteratorContext) return undefined;
  const tokens = (referenceTokens ??= loadReferenceTokens());
  if (!tokens.isDefaultResolver(options.resolver)) return undefined;
  try {
    return resolveKnownToken(tokens, key, options, suppressBraces);
  } catch {
    return undefined;
  }
}

function resolveKnownToken(tokens: ReferenceTokens, key: string, options: ResolveOptions, suppressBraces: boolean | undefined): string | undefined {
  const token = tokens.lookup(key) as { dependable?: { fqn?: unknown } } & Partial<CdktfReference> | undefined;
  if (!token) return undefined;
  const proto = Object.getPrototypeOf(token);
  if (proto === tokens.dependable) {
    const fqn = token.dependable?.fqn;
    return typeof fqn === 'string' ? resolveReferenceToken(fqn, options, true) : undefined;
  }
  if (proto !== tokens.reference) return undefined;
  const { identifier, originStack, crossStackIdentifier } = token as CdktfReference;
  if (typeof identifier !== 'string' || identifier.includes(TOKEN_MARK) || identifier.includes(NUMBER_TOKEN_PRINTED)) return undefined;
  const stack = tokens.stackOf(options.scope);
  if ((originStack && originStack !== stack) || crossStackIdentifier[stack.toString()]) return undefined;
  return suppressBraces ? identifier : `\${${identifier}}`;
}

function loadReferenceTokens(): ReferenceTokens {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TokenMap } = require('cdktf/lib/tokens/private/token-map') as { TokenMap: { instance(): { stringTokenMap: Map<string, unknown> } } };
  const { ref, dependable } = require('cdktf/lib/tfExpression') as { ref(identifier: string): object; dependable(d: unknown): string };
  const { DefaultTokenResolver, StringConcat } = require('cdktf/lib/tokens/resolvable') as { DefaultTokenResolver: { prototype: object }; StringConcat: { prototype: object } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  // Neither class is exported: reach their prototypes through the functions that make them.
  const probe = SINGLE_STRING_TOKEN.exec(dependable({ fqn: 'org-guard.probe' }))![1];
  return {
    lookup: (key) => TokenMap.instance().stringTokenMap.get(key),
    reference: Object.getPrototypeOf(ref('org-guard.probe')),
    dependable: Object.getPrototypeOf(TokenMap.instance().stringTokenMap.get(probe)),
    stackOf: (scope) => TerraformStack.of(scope as IConstruct),
    isDefaultResolver: (resolver) =>
      !!resolver && Object.getPrototypeOf(resolver) === DefaultTokenResolver.prototype && Object.getPrototypeOf((resolver as { concat?: object }).concat ?? {}) === StringConcat.prototype,
  };
}

let preparingPassSkipped = false;

/** prepareStack without its resolve pass; a cross-stack reference, which that pass would have wired, throws. */
function skipPreparingPass(): void {
  if (preparingPassSkipped) return;
  preparingPassSkipped = true;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TerraformStack } = require('cdktf/lib/terraform-stack') as {
    TerraformStack: { prototype: { prepareStack(): void; ensureBackendExists(): unknown }; of(c: unknown): { toString(): string; node: { path: string } } };
  };
  const { ref } = require('cdktf/lib/tfExpression') as { ref(identifier: string, stack?: unknown): object };
  /* eslint-enable @typescript-eslint/no-require-imports */
  TerraformStack.prototype.prepareStack = function () {
    this.ensureBackendExists();
  };
  // Reference is not exported: reach its prototype through ref().
  const reference = Object.getPrototypeOf(ref('org-guard.probe')) as {
    resolve(this: CdktfReference, context: { preparing: boolean; scope: unknown }): unknown;
  };
  const resolveReference = reference.resolve;
  reference.resolve = function (this: CdktfReference, context) {
    if (this.originStack) {
      const here = TerraformStack.of(context.scope);
      if (this.originStack !== here && !this.crossStackIdentifier[here.toString()]) {
        throw new Error(
          `${here.node.path} refers to ${this.identifier} of stack ${this.originStack.node.path}: org-guard stacks do not reference each other's resources; derive the value from the config instead`,
        );
      }
    }
    return resolveReference.call(this, context);
  };
}

interface CdktfReference {
  identifier: string;
  originStack?: { node: { path: string } };
  crossStackIdentifier: Record<string, string>;
}

interface SynthSession {
  outdir: string;
  skipValidation: boolean;
  manifest: { forStack(stack: unknown): { workingDirectory: string; synthesizedStackPath: string; annotations: unknown[] } };
}

/**
 * StackSynthesizer.synthesize of cdktf 0.21.0 (lib/synthesize/synthesizer.js) for JSON output, with two costs
 * removed: the stack's JSON comes from `stackToTerraform` (no third resolve pass) and is written by
 * `stableStringify` (the same bytes as json-stable-stringify, several times faster). With
 * ORG_GUARD_CDKTF_DEFAULTS=1, or HCL output, cdktf's own synthesizer runs.
 */
export function synthesizeStack(stack: TerraformStack, session: SynthSession): void {
  const synthesizer = stack.synthesizer as unknown as { hclOutput?: boolean; continueOnErrorAnnotations?: boolean; synthesize(s: unknown): void };
  if (process.env.ORG_GUARD_CDKTF_DEFAULTS === '1' || synthesizer.hclOutput) {
    synthesizer.synthesize(session);
    return;
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { invokeAspects } = require('cdktf/lib/synthesize/synthesizer') as { invokeAspects(c: unknown): void };
  const { ValidateTerraformVersion } = require('cdktf/lib/validations/validate-terraform-version') as {
    ValidateTerraformVersion: new (constraint: string, hint: string) => IValidation;
  };
  const { ConstructOrder } = require('constructs') as typeof import('constructs');
  /* eslint-enable @typescript-eslint/no-require-imports */
  invokeAspects(stack);
  if (stack.hasResourceMove()) {
    stack.node.addValidation(new ValidateTerraformVersion('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'));
  }
  if (!session.skipValidation) stack.runAllValidations();
  const stackManifest = session.manifest.forStack(stack);
  mkdirSync(path.join(session.outdir, stackManifest.workingDirectory), { recursive: true });
  for (const node of stack.node.findAll(ConstructOrder.POSTORDER)) {
    (node as unknown as Record<symbol, { onSynthesize(s: unknown): void } | undefined>)[CUSTOM_SYNTHESIS]?.onSynthesize(session);
  }
  const annotations = stack.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((m) => ANNOTATION_TYPES.has(m.type))
      .map((m) => ({ constructPath: node.node.path, level: m.type, message: m.data, stacktrace: m.trace })),
  );
  stackManifest.annotations = annotations;
  const errors = annotations.filter((a) => a.level === '@cdktf/error');
  if (!synthesizer.continueOnErrorAnnotations && errors.length > 0) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { encounteredAnnotationWithLevelError } = require('cdktf/lib/errors') as { encounteredAnnotationWithLevelError(m: string): Error };
    throw encounteredAnnotationWithLevelError(errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n'));
  }
  writeFileSync(path.join(session.outdir, stackManifest.synthesizedStackPath), stableStringify(stackToTerraform(stack)));
}

// cdktf/lib/synthesize/synthesizer.js: the symbol of custom synthesis, and the annotation levels it collects.
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');
const ANNOTATION_TYPES = new Set(['@cdktf/info', '@cdktf/warn', '@cdktf/error']);

/**
 * TerraformStack.toTerraform of cdktf 0.21.0 without its last step, a resolve of the whole merged stack:
 * every fragment and metadata entry is already resolved, so that pass only copies. A stack with raw
 * overrides (which may hold tokens or delete keys) still gets cdktf's own.
 */
function stackToTerraform(stack: TerraformStack): Record<string, unknown> {
  const internals = stack as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
  if (Object.keys(internals.rawOverrides).length > 0) return stack.toTerraform();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { resolve } = require('cdktf/lib/_tokens') as { resolve(scope: unknown, obj: unknown): Record<string, unknown> };
  const { deepMerge } = require('cdktf/lib/util') as { deepMerge(target: unknown, ...sources: unknown[]): unknown };
  const { TerraformElement } = require('cdktf/lib/terraform-element') as { TerraformElement: { isTerraformElement(x: unknown): boolean } };
  const { TerraformOutput } = require('cdktf/lib/terraform-output') as { TerraformOutput: { isTerraformOutput(x: unknown): boolean } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const elements = stackElements(stack, TerraformElement.isTerraformElement) as unknown as {
    toTerraform(): unknown;
    toMetadata(): unknown;
    friendlyUniqueId: string;
    node: { path: string };
  }[];
  const metadata: Record<string, unknown> = { version: internals.cdktfVersion, stackName: stack.node.id, backend: 'local', cloud: undefined };
  for (const element of elements) deepMerge(metadata, resolve(stack, element.toMetadata()));
  const outputs = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(outputs, item.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {}));
  }
  const tf: Record<string, unknown> = { '//': { metadata, outputs } };
  for (const element of elements) deepMerge(tf, resolve(stack, element.toTerraform()));
  return tf;
}

/** terraformElements() of cdktf/lib/terraform-stack.js: elements of this stack, not of nested stacks. */
function stackElements(stack: TerraformStack, isElement: (x: unknown) => boolean): IConstruct[] {
  const items: IConstruct[] = [];
  const visit = (node: IConstruct) => {
    if (isElement(node)) items.push(node);
    for (const child of node.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return items;
}

/**
 * json-stable-stringify 1.3.0 (what cdktf writes stacks and the manifest with) for its options here
 * (`space`, no replacer, no cmp, cycles refused): keys sorted by code unit, toJSON honoured, undefined
 * members skipped and undefined array items written as null, empty containers with their closing indent.
 * Fast path: a key-sorted copy written by the native JSON.stringify, whose only difference (empty containers
 * as `{}`/`[]`) is marked and rewritten; documents it cannot order (integer-like keys, which JS objects put
 * first) or mark take the slow path, a direct port.
 */
export function stableStringify(value: unknown, space = '  '): string {
  if (space === '  ') {
    const sorted = sortedCopy(value, new Set());
    if (sorted !== UNORDERABLE) {
      const text = JSON.stringify(sorted, null, 2);
      return text === undefined ? (text as unknown as string) : unmarkEmpty(text);
    }
  }
  return portedStableStringify(value, space);
}

const UNORDERABLE = Symbol('unorderable');
const EMPTY_OBJECT = '\u0000org-guard-empty-O\u0000';
const EMPTY_ARRAY = '\u0000org-guard-empty-A\u0000';
// How JSON.stringify writes a marker.
const MARKED = '"\\u0000org-guard-empty-';
const MARKED_LENGTH = MARKED.length + '?\\u0000"'.length;

/** Each marked empty container becomes `{`/`[`, a newline, its line's indent (its closing indent) and `}`/`]`. */
function unmarkEmpty(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(MARKED); at !== -1; at = text.indexOf(MARKED, from)) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let indent = lineStart;
    while (text.charCodeAt(indent) === 32) indent++;
    const object = text[at + MARKED.length] === 'O';
    out += `${text.slice(from, at)}${object ? '{' : '['}\n${text.slice(lineStart, indent)}${object ? '}' : ']'}`;
    from = at + MARKED_LENGTH;
  }
  return from === 0 ? text : out + text.slice(from);
}
const INTEGER_LIKE = /^(0|[1-9]\d*)$/;

function sortedCopy(input: unknown, seen: Set<object>): unknown {
  let node = input;
  if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON(): unknown }).toJSON();
  if (typeof node === 'string') return node.includes('\u0000org-guard-empty-') ? UNORDERABLE : node;
  if (typeof node !== 'object' || node === null) return node;
  if (seen.has(node)) throw new TypeError('Converting circular structure to JSON');
  seen.add(node);
  try {
    if (Array.isArray(node)) {
      if (node.length === 0) return EMPTY_ARRAY;
      const out: unknown[] = new Array(node.length);
      for (let i = 0; i < node.length; i++) {
        const item = sortedCopy(node[i], seen);
        if (item === UNORDERABLE) return UNORDERABLE;
        out[i] = item;
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    let members = 0;
    for (const key of Object.keys(node).sort()) {
      if (INTEGER_LIKE.test(key) || key.includes('\u0000org-guard-empty-')) return UNORDERABLE;
      const item = sortedCopy((node as Record<string, unknown>)[key], seen);
      if (item === UNORDERABLE) return UNORDERABLE;
      // what JSON.stringify would drop: json-stable-stringify drops it too
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out[key] = item;
      members++;
    }
    return members === 0 ? EMPTY_OBJECT : out;
  } finally {
    seen.delete(node);
  }
}

function portedStableStringify(value: unknown, space: string): string {
  const seen = new Set<object>();
  const indents: string[] = [];
  const indentOf = (level: number) => (indents[level] ??= `\n${space.repeat(level)}`);
  const walk = (input: unknown, level: number): string | undefined => {
    let node = input;
    if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON(): unknown }).toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const indent = indentOf(level);
    const inner = indentOf(level + 1);
    if (Array.isArray(node)) {
      let out = '';
      for (let i = 0; i < node.length; i++) out += `${i === 0 ? '' : ','}${inner}${walk(node[i], level + 1) || 'null'}`;
      return `[${out}${indent}]`;
    }
    if (seen.has(node)) throw new TypeError('Converting circular structure to JSON');
    seen.add(node);
    let out = '';
    for (const key of Object.keys(node).sort()) {
      const item = walk((node as Record<string, unknown>)[key], level + 1);
      if (!item) continue;
      out += `${out === '' ? '' : ','}${inner}${JSON.stringify(key)}: ${item}`;
    }
    seen.delete(node);
    return `{${out}${indent}}`;
  };
  return walk(value, 0) as string;
}

/** util.keysToSnakeCase of cdktf 0.21.0 with snakeCase remembered per key (callers read the export at call time). */
function memoizeSnakeCase(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const util = require('cdktf/lib/util') as { snakeCase(s: string): string; keysToSnakeCase: ((o: unknown) => unknown) & { memoized?: boolean } };
  const { Tokenization } = require('cdktf/lib/tokens/token') as { Tokenization: { isResolvable(o: unknown): boolean } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (util.keysToSnakeCase.memoized) return;
  const snake = new Map<string, string>();
  const snakeCase = (key: string) => {
    let converted = snake.get(key);
    if (converted === undefined) snake.set(key, (converted = util.snakeCase(key)));
    return converted;
  };
  const convert = (object: any): any => {
    if (Tokenization.isResolvable(object)) return object;
    if (Array.isArray(object)) return object.map((e) => (typeof e === 'object' ? convert(e) : e));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      if (key === 'tags' || key === 'environment') {
        out[key] = object[key];
        continue;
      }
      let value = object[key];
      if (typeof value === 'object') value = convert(value);
      if (Array.isArray(value)) value = value.map((e) => (typeof e === 'object' ? convert(e) : e));
      out[snakeCase(key)] = value;
    }
    return out;
  };
  util.keysToSnakeCase = Object.assign(convert, { memoized: true });
}

/**
 * Runs one batch of independent stacks and then drops the tokens it registered from cdktf's process-wide
 * token map (cdktf/lib/tokens/private/token-map.js), which otherwise keeps every construct of every stack
 * alive until the process ends. Tokens registered before the batch stay. With ORG_GUARD_CDKTF_DEFAULTS=1
 * nothing is dropped.
 */
export function withBatchTokens<T>(run: () => T): T {
  if (process.env.ORG_GUARD_CDKTF_DEFAULTS === '1') return run();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TokenMap } = require('cdktf/lib/tokens/private/token-map') as { TokenMap: { instance(): { stringTokenMap: Map<string, unknown>; numberTokenMap: Map<number, unknown> } } };
  const tokens = TokenMap.instance();
  const before = { strings: tokens.stringTokenMap.size, numbers: tokens.numberTokenMap.size };
  try {
    return run();
  } finally {
    dropAfter(tokens.stringTokenMap, before.strings);
    dropAfter(tokens.numberTokenMap, before.numbers);
  }
}

/** Maps iterate in insertion order: everything after the first `keep` entries was added since. */
function dropAfter<K>(map: Map<K, unknown>, keep: number): void {
  let index = 0;
  for (const key of map.keys()) if (index++ >= keep) map.delete(key);
}
