import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, type Document, type Node } from 'yaml';
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

/** The config file to use: `ORG_CONFIG` if set, else the bundled example. */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.ORG_CONFIG || DEFAULT_CONFIG_PATH);
}

export function loadConfig(file: string = configPathFromEnv()): OrgConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? e}); set ORG_CONFIG to an existing YAML file` }]);
  }
  return parseConfig(text, file);
}

/** Parses and validates config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file = '<inline>'): OrgConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        line: e.linePos?.[0].line,
        message: `malformed YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: '', message: 'the file must be a YAML mapping with at least the keys organization and accounts' }]);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(file, result.error.issues.map((issue) => toProblem(issue, doc, lineCounter)));
  }
  return result.data;
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
