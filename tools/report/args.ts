import * as path from 'node:path';
import { configPathFromEnv } from '../../config/load';

/** The paths both `npm run report` and `npm run verify` take, as typed by the user. */
export interface PathOptions {
  configFile: string;
  outdir?: string;
  reportDir: string;
}

/**
 * Reads `--config`, `--out` or `--report-dir` at `a` into `into`; false for any other argument. Paths are the
 * user's, typed in the folder npm reports as INIT_CWD (`typedIn`; npm runs the script from the project root);
 * a report folder below the project is kept relative so messages show it as typed.
 */
export function pathOption(a: string, next: () => string, typedIn: string, into: PathOptions): boolean {
  if (a === '--config') into.configFile = path.resolve(typedIn, next());
  else if (a === '--out') into.outdir = path.resolve(typedIn, next());
  else if (a === '--report-dir') {
    const dir = path.resolve(typedIn, next());
    const below = path.relative(process.cwd(), dir);
    into.reportDir = below && !below.startsWith('..') && !path.isAbsolute(below) ? below : dir;
  } else return false;
  return true;
}

/**
 * The argument loop of `npm run report` and `npm run verify`: the path options, `--help`, and each tool's own
 * options through `own` (false for an argument it does not know; it throws for a bad value).
 */
export function readArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  own: (a: string, next: () => string) => boolean,
): { paths: PathOptions } | { help: true } | { error: string } {
  const paths: PathOptions = { configFile: configPathFromEnv(env), reportDir: 'reports' };
  const typedIn = env.INIT_CWD || process.cwd();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '-h' || a === '--help') return { help: true };
      if (!pathOption(a, next, typedIn, paths) && !own(a, next)) throw new Error(`unknown argument ${a}`);
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  return { paths };
}
