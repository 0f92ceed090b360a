import { z } from 'zod';

// A missing key reads "required" instead of zod's "expected string, received undefined".
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return `required (${issue.expected}) but missing`;
    if (issue.input === undefined && issue.code !== 'custom' && issue.code !== 'unrecognized_keys') return 'required but missing';
    if (issue.code === 'invalid_type' && issue.expected === 'array' && typeof issue.input === 'string') {
      return `expected a list, got string ${JSON.stringify(issue.input)}; write [${issue.input}]`;
    }
    if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    return undefined;
  },
});

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Wraps a schema-level message so a missing value still reads as "required". */
export function orRequired(message: (input: unknown) => string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message(issue.input));
}

/**
 * A strict object whose unknown keys are one problem each, at the key's line. A key close to an allowed one
 * (a typo) suggests it; when that key is required and missing, the typo and the missing key are one problem
 * (`homeRegoin` is not also "homeRegion: required"). A far-off key lists the keys that are allowed.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape);
  const allowed = keys.join(', ');
  return z
    .strictObject(shape, {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed keys: ${allowed}`
          : undefined,
    })
    .superRefine((_, ctx) => explainUnknownKeys(ctx.issues, keys), { when: () => true });
}

/**
 * Rewrites zod's one unrecognized_keys issue of an object (all its unknown keys) into one per key, with a
 * suggestion where a key is close to an allowed one. Runs as the object's first check, when the issues of
 * its fields are in the payload with paths relative to the object, and before any cross-field check reads them.
 */
function explainUnknownKeys(issues: z.core.$ZodRawIssue[], keys: string[]): void {
  const at = issues.findIndex((i) => i.code === 'unrecognized_keys' && !i.path?.length);
  if (at < 0) return;
  const unknown = issues[at] as z.core.$ZodRawIssue<z.core.$ZodIssueUnrecognizedKeys>;
  // A required key that is absent failed on its undefined value, at its own one-segment path.
  const absent = (i: z.core.$ZodRawIssue, key: string) => i.path?.length === 1 && i.path[0] === key && i.input === undefined;
  const missing = keys.filter((k) => issues.some((i) => absent(i, k)));
  const claimed: string[] = [];
  const perKey = unknown.keys.map((key) => {
    const required = closestKey(key, missing.filter((k) => !claimed.includes(k)));
    const close = required ?? closestKey(key, keys);
    if (required) claimed.push(required);
    const message = required
      ? `unknown key "${key}"; did you mean "${required}"? (${required} is required)`
      : close && `unknown key "${key}"; did you mean "${close}"?`;
    // no message: the schema's error lists the allowed keys
    // each its own path array: enclosing objects prefix paths in place
    return { ...unknown, path: [...(unknown.path ?? [])], keys: [key], ...(message ? { message } : {}) };
  });
  issues.splice(at, 1, ...perKey);
  for (let i = issues.length - 1; i >= 0; i--) {
    if (claimed.some((k) => absent(issues[i], k))) issues.splice(i, 1);
  }
}

/**
 * The candidate a key most likely misspells: the fewest edits (Damerau-Levenshtein with adjacent swaps,
 * ignoring case) and at most one edit per three letters of the shorter name (at least one). Ties go to the
 * first candidate.
 */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d <= Math.max(1, Math.floor(Math.min(key.length, candidate.length) / 3)) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent letters. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** 12-digit account id; a bare YAML number is rejected with the quoted form to write instead. */
export const accountId = z
  .string({
    error: (issue) => {
      if (issue.input === undefined) return 'required: the account id, a quoted string of 12 digits';
      if (typeof issue.input === 'number') {
        const digits = String(issue.input);
        const hint = digits.length < 12 && /^\d+$/.test(digits) ? digits.padStart(12, '0') : digits;
        return `account id must be a quoted string of 12 digits; YAML read the number ${digits} (unquoted ids lose leading zeros): write "${hint}"`;
      }
      return 'account id must be a quoted string of 12 digits, e.g. "123456789012"';
    },
  })
  .regex(ACCOUNT_ID_PATTERN, { error: (issue) => `account id must be exactly 12 digits, got "${String(issue.input)}"` });

export const emailAddress = z.email({ error: (issue) => `must be an email address, got "${String(issue.input)}"` });

/** A name usable as a cdktf stack id and Terraform workspace directory. */
export const stackName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, {
    error: (issue) =>
      `"${String(issue.input)}" is not a valid name: use lowercase letters, digits and hyphens, starting with a letter, at most 63 characters`,
  });

export type RefineCtx = z.RefinementCtx;

/** Adds an issue at a path of the config file. */
export function fail(ctx: RefineCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message, params: { crossCheck: true } });
}

/**
 * Whether the value at a path (relative to the object the rule checks) passed its own schema: no type,
 * enum or format problem at the path, inside it or at a parent. Problems found by other cross-field
 * rules do not count: they say two valid values disagree, not that a value is malformed.
 */
export type ValidAt = (...path: (string | number)[]) => boolean;

type Issue = { path?: PropertyKey[]; params?: { crossCheck?: boolean } };

function validAt(issues: readonly Issue[]): ValidAt {
  const failed = issues.filter((i) => !i.params?.crossCheck).map((i) => i.path ?? []);
  return (...path) =>
    !failed.some((f) => {
      const n = Math.min(f.length, path.length);
      for (let k = 0; k < n; k++) if (f[k] !== path[k]) return false;
      return true;
    });
}

/**
 * Cross-field rules run even when some fields already failed, so one run reports every problem.
 * The value may then hold raw, unvalidated input: a rule asks `valid(path)` before it reasons about a
 * value (one mistake, one problem), and a rule that still trips over raw input has nothing to add.
 */
export function crossCheck<T>(rule: (value: T, ctx: RefineCtx, valid: ValidAt) => void) {
  return [
    (value: T, ctx: RefineCtx) => {
      try {
        rule(value, ctx, validAt((ctx as unknown as { issues?: Issue[] }).issues ?? []));
      } catch {
        // the malformed field is reported by its own schema
      }
    },
    { when: () => true },
  ] as const;
}

/** The entries of a region list that are real region names; undefined when the value is not a list at all. */
export function validRegions(regions: unknown, valid: ValidAt, ...at: (string | number)[]): string[] | undefined {
  if (!Array.isArray(regions)) return undefined;
  return regions.filter((r, i): r is string => typeof r === 'string' && valid(...at, i));
}

/** The whole list when every entry is a real region: a list with a bad entry cannot say what is "not governed". */
export function completeRegions(regions: unknown, valid: ValidAt, ...at: (string | number)[]): string[] | undefined {
  const good = validRegions(regions, valid, ...at);
  return good && good.length === (regions as unknown[]).length ? good : undefined;
}
