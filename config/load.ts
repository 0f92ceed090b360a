import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isCollection, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { configSchema, type OrgConfig } from './schema';

export const DEFAULT_CONFIG_PATH = 'config/organization.yaml';

export interface ConfigProblem {
  /** Path in the file, e.g. `accounts.members[2].id` (empty for the whole file). */
  path: string;
  /** 1-based line of the offending node, when the file locates it. */
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the organization config:\n` +
        problems.map((p) => `  ${file}${p.line ? `:${p.line}` : ''}  ${p.path || '(file)'}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * The config file to use: `ORG_CONFIG` if set, else the bundled example. A relative ORG_CONFIG is read
 * from the folder the user typed the command in: npm runs scripts from the project root and says where
 * it was started in INIT_CWD (`cd config && ORG_CONFIG=examples/full.yaml npm run synth`).
 */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ORG_CONFIG ? path.resolve(env.INIT_CWD || process.cwd(), env.ORG_CONFIG) : path.resolve(DEFAULT_CONFIG_PATH);
}

/** The file as the user sees it: relative to the folder the command was typed in when it lies below it. */
export function displayPath(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const relative = path.relative(env.INIT_CWD || process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** One line for the synth output: which file was read, and why (the bundled example when ORG_CONFIG is unset). */
export function describeConfigSource(env: NodeJS.ProcessEnv = process.env): string {
  const shown = displayPath(configPathFromEnv(env), env);
  if (env.ORG_CONFIG) return `config: ${shown} (ORG_CONFIG)`;
  const why = env.ORG_CONFIG === '' ? 'ORG_CONFIG is empty' : 'ORG_CONFIG is not set';
  return `config: ${shown}, the bundled example (${why}; export ORG_CONFIG=path/to/org.yaml for your organization)`;
}

/**
 * An organization config is small (a member entry is about 100 bytes: 10,000 members are about 1 MB); a
 * file far larger is the wrong file, and parsing it would take minutes and gigabytes.
 */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
};

export function loadConfig(file: string = configPathFromEnv(), shown: string = displayPath(file)): OrgConfig {
  const unreadable = (why: string) => {
    // `ORG_CONFIG="~/org.yaml"`: the shell expands ~ only unquoted, at the start of a word.
    const tilde = /(^|[/\\])~([/\\]|$)/.test(shown) ? ' (a quoted ~ is not your home folder: write $HOME/... instead)' : '';
    return new ConfigError(shown, [{ path: '', message: `cannot read the file: ${why}${tilde}; set ORG_CONFIG to an existing YAML file` }]);
  };
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(shown, [{ path: '', message: `the file is ${(size / 1024 / 1024).toFixed(1)} MB; an organization config is at most ${MAX_CONFIG_BYTES / 1024 / 1024} MB (10,000 members take about 1 MB): is ORG_CONFIG the right file?` }]);
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw unreadable((code && READ_ERRORS[code]) ?? (code || String(e)));
  }
  return parseConfig(text, shown);
}

/** Parses and validates config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file = '<inline>'): OrgConfig {
  if (text.includes('\0')) {
    throw new ConfigError(file, [{ path: '', message: 'the file is not text (it holds NUL bytes): is ORG_CONFIG the right file?' }]);
  }
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) as people write them, although YAML 1.2 dropped them. Duplicate keys are
  // found below: yaml's own uniqueKeys check compares every key with every other one (minutes for a big map).
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    // A tab in the indentation makes the parser misread every line after it: those errors are only noise.
    const tabs = doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
    if (tabs.length > 0) {
      throw new ConfigError(file, tabs.map((e) => ({ path: '', line: e.linePos?.[0].line, message: 'malformed YAML: a tab indents this line; YAML indents with spaces only' })));
    }
    const docs = doc.errors.filter((e) => e.code === 'MULTIPLE_DOCS');
    if (docs.length > 0) {
      throw new ConfigError(file, docs.map((e) => ({ path: '', line: e.linePos?.[0].line, message: 'a second YAML document starts here (`---`); an organization config is one document: remove the `---` line or what follows it' })));
    }
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        line: e.linePos?.[0].line,
        // the line is shown already; yaml's "at line 3, column 1:" introduces a code excerpt not printed here
        message: `malformed YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const keyProblems: ConfigProblem[] = [];
  const lineAt = (node: Node) => (node.range ? lineCounter.linePos(node.range[0]).line : undefined);
  visit(doc, {
    Map(_, map, ancestors) {
      const seen = new Map<unknown, Node>();
      for (const pair of map.items) {
        // `<<` may repeat: each merges more defaults.
        if (!isScalar(pair.key) || (pair.key.value === '<<' && pair.key.type === 'PLAIN')) continue;
        const first = seen.get(pair.key.value);
        if (!first) {
          seen.set(pair.key.value, pair.key);
          continue;
        }
        const where = formatPath(nodePath([...ancestors, map]));
        keyProblems.push({
          path: where,
          line: lineAt(pair.key),
          message: `the key ${JSON.stringify(pair.key.value)} appears twice (first at line ${lineAt(first)}); each key may appear once: keep one of them`,
        });
      }
    },
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        const line = pair.key.range ? lineCounter.linePos(pair.key.range[0]).line : undefined;
        keyProblems.push({ path: '', line, message: 'a key must be a plain name, not a list or mapping (`? [a, b]: ...`)' });
      }
    },
  });
  if (keyProblems.length > 0) throw new ConfigError(file, keyProblems);
  let raw: unknown;
  try {
    // Only what JSON can hold: a `!!binary` or `!!timestamp` value reads as a string the schema rejects.
    raw = doc.toJS({
      maxAliasCount: MAX_ALIAS_EXPANSION,
      reviver: (_key, value) =>
        value instanceof Uint8Array ? '(binary data)' : value instanceof Date ? value.toISOString() : value instanceof Map || value instanceof Set ? [...value] : value,
    });
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: aliasProblem(e) }]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: '', message: 'the file must be a YAML mapping with at least the keys organization and accounts' }]);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(file, result.error.issues.map((issue) => toProblem(issue, doc, lineCounter)));
  }
  return result.data;
}

/**
 * yaml's guard against alias bombs (a few aliases that expand to billions of nodes) counts every use of
 * an anchor times what it expands to; its default of 100 refuses 150 members sharing `email: *mail`.
 * 100,000 expanded nodes per anchor admits any real organization and still stops an exponential bomb.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

function aliasProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/Excessive alias count/.test(message)) {
    return `the aliases (*name) of this file expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values, which looks like a YAML alias bomb; write the values out or use fewer nested aliases`;
  }
  return `malformed YAML: ${message.split('\n')[0]}`;
}

/** The config path of a node from its ancestors, as yaml's visit gives them. */
function nodePath(chain: readonly unknown[]): (string | number)[] {
  const out: (string | number)[] = [];
  chain.forEach((node, i) => {
    const next = chain[i + 1];
    if (isPair(node) && isScalar(node.key)) out.push(String(node.key.value));
    else if (isSeq(node) && next !== undefined) out.push(node.items.indexOf(next as never));
  });
  return out;
}

function toProblem(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): ConfigProblem {
  const issuePath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  // Point an unknown key at the key itself rather than at its parent mapping.
  const located = issue.code === 'unrecognized_keys' ? [...issuePath, issue.keys[0]] : issuePath;
  return { path: formatPath(issuePath), line: lineOf(doc, located, lines), message: issue.message };
}

export function formatPath(segments: (string | number)[]): string {
  return segments.reduce<string>(
    (acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s),
    '',
  );
}

function lineOf(doc: Document, segments: (string | number)[], lines: LineCounter): number | undefined {
  // Walk as deep as the document goes: a missing key is reported at its parent.
  for (let depth = segments.length; depth >= 0; depth--) {
    const prefix = segments.slice(0, depth);
    const last = prefix[prefix.length - 1];
    let node: unknown;
    if (depth > 0 && typeof last === 'string') {
      const parent = prefix.length === 1 ? doc.contents : doc.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isNode(p.key) && (p.key as Node & { value?: unknown }).value === last);
        node = pair?.key;
      }
    } else {
      node = depth === 0 ? doc.contents : doc.getIn(prefix, true);
    }
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
