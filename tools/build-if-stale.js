#!/usr/bin/env node
'use strict';
/**
 * `node tools/build-if-stale.js [--force]`: the build step of every npm script. Runs `tsc -p tsconfig.json` only
 * when the build is stale, because even an incremental tsc with nothing to do takes seconds.
 * Plain JavaScript: it runs before anything is compiled (a fresh clone, npm ci's `prepare`).
 *
 * Stale means: a content fingerprint of the inputs differs from the one the last successful build wrote to
 * dist/.build-inputs, or a compiled file is missing. Inputs are the files tsconfig.json includes (as tsc itself
 * resolves them, so a new or deleted source changes the list), tsconfig.json, package.json, the lockfiles
 * (node_modules/.package-lock.json changes with every install that changes a dependency) and this script.
 * Content, not mtimes: a checkout or `cp -p` can give a changed file an old time. A failed build leaves no
 * fingerprint, so the next run compiles again and shows the errors again.
 * dist/*.js whose source is gone (deleted or renamed) are removed before compiling: tsc never deletes outputs,
 * and a stale dist/tools/x.js must not keep running after tools/x.ts is gone.
 * The stamp also records tsc's file list and what decides it besides tsconfig.json (the names below the
 * directories its include patterns search), so an unchanged tree is answered without loading TypeScript,
 * which alone takes a quarter of a second of every npm script.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CONFIG = path.join(ROOT, 'tsconfig.json');
const STAMP = '.build-inputs';

function typescript() {
  try {
    return require(require.resolve('typescript', { paths: [ROOT] }));
  } catch {
    return undefined;
  }
}

/** The sources tsc compiles and where it writes them; undefined when the config does not parse (tsc says why). */
function project(ts) {
  let broken = false;
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => void (broken = true) };
  const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, undefined, host);
  if (broken || !parsed || parsed.errors.length > 0 || !parsed.options.outDir) return undefined;
  const { outDir, rootDir, tsBuildInfoFile } = parsed.options;
  const wildcardDirectories = Object.fromEntries(Object.entries(parsed.wildcardDirectories ?? {}).map(([dir, flags]) => [path.resolve(dir), flags]));
  return { sources: parsed.fileNames.map((f) => path.resolve(f)), outDir, rootDir, tsBuildInfoFile, wildcardDirectories };
}

/**
 * tsconfig.json, whether each path it names literally (include entries without wildcards, files) exists, and
 * every name below the directories tsc searches (tsc's wildcardDirectories, flag 1 = with subdirectories):
 * while this is unchanged, so is tsc's file list. Undefined when a symbolic link is met (tsc may follow it) or
 * tsconfig.json is not plain JSON: the full check runs instead.
 */
function treeSignature(wildcardDirectories) {
  const hash = createHash('sha256');
  let config;
  try {
    const text = fs.readFileSync(CONFIG);
    config = JSON.parse(text.toString('utf8'));
    hash.update(text);
  } catch {
    return undefined;
  }
  const literals = [...(Array.isArray(config.include) ? config.include : []), ...(Array.isArray(config.files) ? config.files : [])]
    .filter((entry) => typeof entry === 'string' && !/[*?]/.test(entry));
  for (const entry of literals) hash.update(`${entry}\0${fs.existsSync(path.resolve(ROOT, entry))}\0`);
  let linked = false;
  const walk = (dir, recursive) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      hash.update(`${dir}\0<missing>\0`);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const entry = path.join(dir, e.name);
      if (e.isSymbolicLink()) linked = true;
      hash.update(`${path.relative(ROOT, entry)}${e.isDirectory() ? '/' : ''}\0`);
      if (e.isDirectory() && recursive) walk(entry, true);
    }
  };
  for (const [dir, flags] of Object.entries(wildcardDirectories).sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${path.relative(ROOT, dir)}\0${flags}\0`);
    walk(dir, (flags & 1) === 1);
  }
  return linked ? undefined : hash.digest('hex');
}

/** The stamp of the last successful build, when it was written by this version of the script. */
function readStamp(outDir) {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(outDir, STAMP), 'utf8'));
    return stamp && typeof stamp.fingerprint === 'string' && Array.isArray(stamp.sources) ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Up to date, decided without TypeScript: same tree as the stamp's, same input content, every output there. */
function upToDateByStamp() {
  try {
    return upToDateByValidStamp();
  } catch {
    return false; // a stamp this script cannot read: the full check decides
  }
}

function upToDateByValidStamp() {
  let outDir;
  try {
    const config = JSON.parse(fs.readFileSync(CONFIG, 'utf8'));
    if (config.extends || !config.compilerOptions || typeof config.compilerOptions.outDir !== 'string') return false;
    outDir = path.resolve(ROOT, config.compilerOptions.outDir);
  } catch {
    return false; // comments, or no such file: TypeScript reads it
  }
  const stamp = readStamp(outDir);
  if (!stamp || !stamp.tree || stamp.outDir !== path.relative(ROOT, outDir) || typeof stamp.wildcardDirectories !== 'object') return false;
  const wildcardDirectories = Object.fromEntries(Object.entries(stamp.wildcardDirectories).map(([dir, flags]) => [path.resolve(ROOT, dir), flags]));
  if (treeSignature(wildcardDirectories) !== stamp.tree) return false;
  const sources = stamp.sources.map((f) => path.resolve(ROOT, f));
  const proj = { sources, outDir, rootDir: stamp.rootDir && path.resolve(ROOT, stamp.rootDir) };
  return fingerprint(inputs(sources)) === stamp.fingerprint && complete(proj);
}

function complete(proj) {
  return !proj.rootDir || proj.sources.filter((f) => !f.endsWith('.d.ts')).every((f) => fs.existsSync(outputOf(f, proj)));
}

/** `tree`: the tree signature taken before tsc ran, with the file list (a file added meanwhile is not in either). */
function writeStamp(proj, print, tree) {
  const rel = (f) => path.relative(ROOT, f) || '.';
  const stamp = {
    fingerprint: print,
    outDir: rel(proj.outDir),
    rootDir: proj.rootDir && rel(proj.rootDir),
    sources: proj.sources.map(rel),
    wildcardDirectories: Object.fromEntries(Object.entries(proj.wildcardDirectories).map(([dir, flags]) => [rel(dir), flags])),
    tree,
  };
  fs.mkdirSync(proj.outDir, { recursive: true });
  fs.writeFileSync(path.join(proj.outDir, STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
}

/** Every file whose change needs a build, sorted. */
function inputs(sources) {
  const extra = [CONFIG, 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', __filename];
  return [...new Set([...sources, ...extra.map((f) => path.resolve(ROOT, f))])].sort();
}

function fingerprint(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(ROOT, file)).update('\0');
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update('<missing>');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** dist/a/b.js for a/b.ts (rootDir-relative, as tsc lays out outDir). */
function outputOf(source, { rootDir, outDir }) {
  return path.join(outDir, path.relative(rootDir, source)).replace(/\.tsx?$/, '.js');
}

/** Removes outDir's .js files whose .ts/.tsx is gone from rootDir; returns what it removed. */
function pruneOrphans({ rootDir, outDir }) {
  const removed = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (e.name.endsWith('.js')) {
        const source = path.join(rootDir, path.relative(outDir, file)).slice(0, -'.js'.length);
        if (!fs.existsSync(`${source}.ts`) && !fs.existsSync(`${source}.tsx`)) {
          fs.rmSync(file);
          removed.push(file);
        }
      }
    }
  };
  walk(outDir);
  return removed;
}

function main(argv) {
  const force = argv.includes('--force');
  if (!force && upToDateByStamp()) return 0;
  const ts = typescript();
  if (!ts) {
    console.error('org-guard: cannot build: TypeScript is not installed (run npm ci)');
    return 1;
  }
  const proj = project(ts);
  const stamp = proj && path.join(proj.outDir, STAMP);
  const tree = proj && treeSignature(proj.wildcardDirectories);
  const print = proj && fingerprint(inputs(proj.sources));
  const built = !proj || complete(proj);
  if (proj && !force) {
    const previous = readStamp(proj.outDir);
    if (previous && previous.fingerprint === print && built) {
      // same sources, other names around them (a note, a new folder without sources): the fast check learns them
      if (previous.tree !== tree) writeStamp(proj, print, tree);
      return 0;
    }
  }
  // tsc --incremental trusts its build info and does not emit a file again that was deleted from dist.
  if (!built && proj.tsBuildInfoFile) fs.rmSync(proj.tsBuildInfoFile, { force: true });
  if (stamp) fs.rmSync(stamp, { force: true });
  if (proj && proj.rootDir) pruneOrphans(proj);
  const status = tsc(ts);
  if (status !== 0) return status;
  if (proj) writeStamp(proj, print, tree);
  return 0;
}

/** tsc's exit, thrown so that nothing of tsc runs after it, as nothing does after a real process exit. */
class TscExit {
  constructor(code) {
    this.code = code;
  }
}

/**
 * `tsc -p tsconfig.json` from the project folder, with the TypeScript this script has loaded already: tsc's own
 * entry point (what bin/tsc calls), given tsc's system with an exit that ends tsc instead of the process.
 * Loading TypeScript again in a tsc process costs about a third of a second. Without that entry point (another
 * TypeScript), bin/tsc runs.
 */
function tsc(ts) {
  if (typeof ts.executeCommandLine !== 'function') {
    const bin = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    const run = spawnSync(process.execPath, [bin, '-p', CONFIG], { cwd: ROOT, stdio: 'inherit' });
    if (run.error) console.error(`org-guard: cannot run tsc: ${run.error.message}`);
    return run.error ? 1 : run.status ?? 1;
  }
  process.chdir(ROOT); // tsc names files relative to where it runs
  const system = {
    ...ts.sys,
    exit: (code) => {
      throw new TscExit(code ?? 0);
    },
  };
  try {
    ts.executeCommandLine(system, () => undefined, ['-p', CONFIG]);
    return 0; // tsc always exits; a return is an exit without a code
  } catch (e) {
    if (e instanceof TscExit) return e.code;
    console.error(`org-guard: tsc failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

module.exports = { inputs, project, pruneOrphans, typescript, CONFIG, ROOT };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
