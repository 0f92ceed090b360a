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

/** A strict object whose unknown-key error lists the keys that are allowed. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed keys: ${allowed}`
        : undefined,
  });
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
