import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The commands a user types, through the cdktf CLI (`npm run synth` and friends, `npx cdktf list`), in a copy
 * of the project as a fresh clone has it after the README's `npm ci` (dist/ built by `prepare`, no cdktf.out/)
 * with this project's node_modules. One copy for the one suite that runs these commands (test/cli.test.ts),
 * and its steps build on each other, as a user's day does.
 */

const repo = path.resolve(__dirname, '..');
export const work = mkdtempSync(path.join(tmpdir(), 'org-guard-cli-'));
export const project = path.join(work, 'org-guard');
export const spyLog = path.join(work, 'lookups.log');
export const terraformLog = path.join(work, 'terraform.log');
/** One line per cdktf CLI process: the convert-only modules it loaded (tools/cdktf-cli-preload.ts defers them). */
export const cliModulesLog = path.join(work, 'cli-modules.log');
/** One line per cdktf CLI process: whether its layout engine (yoga, asm.js) loaded, and whether V8 validated asm.js. */
export const cliAsmLog = path.join(work, 'cli-asm.log');

function copyProject(): void {
  const git = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' });
  if (git.status !== 0) {
    // not a git checkout: everything but what a clone would not have
    const skip = new Set(['node_modules', 'dist', 'cdktf.out', 'reports', '.git']);
    cpSync(repo, project, { recursive: true, preserveTimestamps: true, filter: (src) => !skip.has(path.relative(repo, src).split(path.sep)[0]) });
    symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'));
    copyBuild();
    return;
  }
  const files = git.stdout.split('\n');
  for (const file of files.filter(Boolean)) {
    if (!existsSync(path.join(repo, file)) || file.split('/')[0] === 'node_modules') continue; // deleted in the work tree, or a linked install
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    cpSync(path.join(repo, file), path.join(project, file), { preserveTimestamps: true });
  }
  symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'));
  copyBuild();
}

/**
 * dist/ as `npm ci` leaves it (its `prepare` runs the build), timestamps kept: a build that is up to date in
 * the checkout is up to date in the copy, one older than a source stays older. (`tsc -p` still compiles it
 * once here: its build state names the checkout's node_modules, which the copy reaches through a link.)
 */
function copyBuild(): void {
  const dist = path.join(repo, 'dist');
  if (!existsSync(path.join(dist, '.tsbuildinfo'))) return; // never built: the first npm script builds it
  cpSync(dist, path.join(project, 'dist'), { recursive: true, preserveTimestamps: true, filter: (src) => path.basename(src) !== 'test.tsbuildinfo' });
}

/**
 * Records every host name a node process looks up (telemetry would be one). HashiCorp's checkpoint host is
 * refused after it is recorded, so not even the deliberate "before" case of the test sends anything.
 */
function writeSpy(): string {
  const spy = path.join(work, 'spy.js');
  writeFileSync(spy, `
const dns = require('dns'); const fs = require('fs');
const log = (h) => { try { fs.appendFileSync(${JSON.stringify(spyLog)}, String(h) + '\\n'); } catch {} };
const refused = (h) => String(h).includes('checkpoint-api.hashicorp.com');
const fail = (h) => Object.assign(new Error('getaddrinfo ENOTFOUND ' + h), { code: 'ENOTFOUND', hostname: h });
const lookup = dns.lookup;
dns.lookup = function (h, ...rest) {
  log(h);
  if (refused(h)) { const cb = rest[rest.length - 1]; return process.nextTick(() => cb(fail(h))); }
  return lookup.call(this, h, ...rest);
};
const p = dns.promises.lookup;
dns.promises.lookup = function (h, ...rest) { log(h); return refused(h) ? Promise.reject(fail(h)) : p.call(this, h, ...rest); };
if (/(cdktf-cli[\\/]bundle[\\/]bin|node_modules[\\/]\\.bin)[\\/]cdktf$/.test(process.argv[1] || '')) process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](jsii-rosetta|@cdktf[\\/](provider-generator|hcl2cdk|hcl-tools|hcl2json))[\\/]/.test(f));
  fs.appendFileSync(${JSON.stringify(cliModulesLog)}, process.argv.slice(2).join(' ') + ': ' + loaded.length + '\\n');
  const yoga = Object.keys(require.cache).some((f) => /node_modules[\\/]yoga-layout-prebuilt[\\/]/.test(f));
  const asm = process.execArgv.includes('--no-validate-asm') ? 'asm.js as JavaScript' : 'asm.js validated';
  fs.appendFileSync(${JSON.stringify(cliAsmLog)}, process.argv.slice(2).join(' ') + ': yoga ' + (yoga ? 'loaded' : 'not loaded') + ', ' + asm + '\\n');
});
`);
  return spy;
}

/** A `terraform` in front of the real one that records whether its update check was off (and then turns it off). */
function writeTerraformShim(): string {
  const real = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).stdout.trim();
  const dir = path.join(work, 'shim');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'terraform'), `#!/bin/sh\necho "CHECKPOINT_DISABLE=\${CHECKPOINT_DISABLE:-unset} $*" >> ${terraformLog}\nCHECKPOINT_DISABLE=1 exec ${real} "$@"\n`);
  chmodSync(path.join(dir, 'terraform'), 0o755);
  return dir;
}

export let baseEnv: NodeJS.ProcessEnv;

/** Call at the top of a suite. */
export function useProjectCopy(): void {
  jest.setTimeout(240_000);
  beforeAll(setUp);
  afterAll(() => rmSync(work, { recursive: true, force: true }));
}

function setUp(): void {
  copyProject();
  const spy = writeSpy();
  // terraform init must fail at once instead of downloading the AWS provider: a mirror with nothing in it.
  const mirror = path.join(work, 'empty-mirror');
  mkdirSync(mirror);
  const terraformrc = path.join(work, 'terraformrc');
  writeFileSync(terraformrc, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  baseEnv = { ...process.env, PATH: `${writeTerraformShim()}${path.delimiter}${process.env.PATH}`, TF_CLI_CONFIG_FILE: terraformrc, NODE_OPTIONS: `--max-old-space-size=4096 --require ${spy}` };
  // What a user's shell has: none of the variables npm test, CI or an earlier run may have set.
  for (const k of ['ORG_CONFIG', 'CHECKPOINT_DISABLE', 'CDKTF_OUTDIR', 'INIT_CWD', 'ORG_GUARD_TERRAFORM_VERSION', 'JEST_WORKER_ID']) delete baseEnv[k];
}

export interface Run {
  status: number | null;
  out: string;
  lines: string[];
}


/** A shell command as the user types it, in the project (or a folder of it); stdout and stderr as one text. */
export function sh(command: string, env: NodeJS.ProcessEnv = {}, cwd = project): Run {
  const r = spawnSync('sh', ['-c', `${command} 2>&1`], { cwd, env: { ...baseEnv, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // The CLI's spinner redraws lines with escape codes; what the user reads is the text.
  // eslint-disable-next-line no-control-regex
  const out = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  return { status: r.status, out, lines: out.split('\n').map((l) => l.trim()).filter(Boolean) };
}

export const stacks = () => readdirSync(path.join(project, 'cdktf.out', 'stacks')).sort();
export const tagged = (run: Run) => run.lines.filter((l) => /\[ERROR\]|ENOENT|encountered an error/.test(l));

export function writeOrg(name: string, mutate: (cfg: Record<string, any>) => void): string {
  const cfg = parse(readFileSync(path.join(project, 'config', 'organization.yaml'), 'utf8'));
  mutate(cfg);
  const file = path.join(work, name);
  writeFileSync(file, stringify(cfg));
  return file;
}

/** Every file below a directory with a hash of its content. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** The bundled example with two other members (workload-prod is gone from it) and no notifications (a warning). */
export const otherOrg = () => writeOrg('other-org.yaml', (cfg) => {
  cfg.organization.id = 'o-anotherorg1';
  delete cfg.notifications;
  cfg.accounts.members = [
    { name: 'data-lake', id: '555555555555', email: 'data@example.com', ou: 'workloads' },
    { name: 'sandbox-bob', id: '666666666666', email: 'bob@example.com', ou: 'sandbox' },
  ];
});
