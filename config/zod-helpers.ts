import { z } from 'zod';

// A missing key reads "required" instead of zod's "expected string, received undefined".
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return `required (${issue.expected}) but missing`;
    if (issue.input === undefined && issue.code !== 'custom' && issue.code !== 'unrecognized_keys') return 'required but missing';
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
  ctx.addIssue({ code: 'custom', path, message });
}

/**
 * Cross-field rules run even when some fields already failed, so one run reports every problem.
 * The value may then hold raw, unvalidated input: a rule that trips over it has nothing to add.
 */
export function crossCheck<T>(rule: (value: T, ctx: RefineCtx) => void) {
  return [
    (value: T, ctx: RefineCtx) => {
      try {
        rule(value, ctx);
      } catch {
        // the malformed field is reported by its own schema
      }
    },
    { when: () => true },
  ] as const;
}
