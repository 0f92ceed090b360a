import * as path from 'node:path';

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
