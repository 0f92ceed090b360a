import '../../use-compile-cache'; // first: the modules below compile from the code cache
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePlan, PlanInputError } from './plan';
import { isBlocked, renderReport, reviewStack, unusedAllows, type StackReview } from './review';

/** Exit codes: the contract CI relies on. */
export const EXIT = { ok: 0, blocked: 1, badInput: 2 } as const;

const USAGE = `usage: plan-review [--allow <address>]... [--protect <type|address>]... [--output <file.md>] <[stack=]plan.json>...

Reads \`terraform show -json <planfile>\` output for one or more stacks and prints a Markdown review.
The stack name is the part before "=", else the file name without .json/.plan (for plan.json/tfplan.json:
the directory name). Exit 0: no protected resource destroyed or replaced and no entry removed from a
protected attribute (e.g. the organization's enabled_policy_types); 1: blocked; 2: bad input.
ORG_GUARD_ALLOW_DESTROY: comma-separated addresses (or stack:address) allowed to be destroyed/replaced
or to lose protected entries.`;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export interface PlanInput {
  stack: string;
  file: string;
}

/** `security=plans/security.json` or a bare path; see USAGE for how the name is derived. */
export function planInput(arg: string): PlanInput {
  const eq = arg.indexOf('=');
  if (eq > 0 && !arg.slice(0, eq).includes(path.sep)) return { stack: arg.slice(0, eq), file: arg.slice(eq + 1) };
  const base = path.basename(arg).replace(/\.json$/i, '').replace(/\.(tf)?plan$/i, '');
  const generic = /^(tf)?plan$/i.test(base);
  return { stack: generic ? path.basename(path.dirname(path.resolve(arg))) : base, file: arg };
}

interface Args {
  inputs: PlanInput[];
  allow: string[];
  protect: string[];
  output?: string;
  help: boolean;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args {
  const args: Args = { inputs: [], allow: [], protect: [], help: false };
  const fromEnv = (env.ORG_GUARD_ALLOW_DESTROY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  args.allow.push(...fromEnv);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag: string): string => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--allow' || a.startsWith('--allow=')) args.allow.push(value('--allow'));
    else if (a === '--protect' || a.startsWith('--protect=')) args.protect.push(value('--protect'));
    else if (a === '--output' || a.startsWith('--output=')) args.output = value('--output');
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else args.inputs.push(planInput(a));
  }
  return args;
}

class UsageError extends Error {}

/** Runs the review; returns the exit code instead of exiting so tests can call it. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo): number {
  let args: Args;
  try {
    args = parseArgs(argv, env);
  } catch (e) {
    io.stderr(`plan-review: ${(e as Error).message}\n\n${USAGE}\n`);
    return EXIT.badInput;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.inputs.length === 0) {
    io.stderr(`plan-review: no plan file given\n\n${USAGE}\n`);
    return EXIT.badInput;
  }
  const seen = new Map<string, string>();
  for (const input of args.inputs) {
    const other = seen.get(input.stack);
    if (other) {
      io.stderr(`plan-review: stack "${input.stack}" is given twice (${other} and ${input.file}); name them with stack=path\n`);
      return EXIT.badInput;
    }
    seen.set(input.stack, input.file);
  }

  const reviews: StackReview[] = [];
  const errors: string[] = [];
  for (const input of args.inputs) {
    try {
      let text: string;
      try {
        text = readFileSync(input.file, 'utf8');
      } catch (e) {
        throw new PlanInputError(input.file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? e})`);
      }
      reviews.push(reviewStack(input.stack, input.file, parsePlan(text, input.file), args));
    } catch (e) {
      if (!(e instanceof PlanInputError)) throw e;
      errors.push(`${e.message} (stack "${input.stack}")`);
    }
  }
  // One unreadable plan fails the whole review: a missing stack must not look like a clean one.
  if (errors.length > 0) {
    io.stderr(errors.map((m) => `plan-review: error: ${m}\n`).join(''));
    io.stderr('plan-review: no review produced; fix the plan input (exit 2)\n');
    return EXIT.badInput;
  }

  const warnings = unusedAllows(reviews, args.allow).map(
    (a) => `override \`${a}\` matches no protected change in these plans (typo, or no longer needed?)`,
  );
  const markdown = renderReport(reviews, warnings);
  io.stdout(`${markdown}\n`);
  if (args.output) writeFileSync(args.output, `${markdown}\n`);
  return isBlocked(reviews) ? EXIT.blocked : EXIT.ok;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
