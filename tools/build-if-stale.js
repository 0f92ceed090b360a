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
  return { sources: parsed.fileNames.map((f) => path.resolve(f)), outDir, rootDir, tsBuildInfoFile };
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
  const ts = typescript();
  if (!ts) {
    console.error('org-guard: cannot build: TypeScript is not installed (run npm ci)');
    return 1;
  }
  const proj = project(ts);
  const stamp = proj && path.join(proj.outDir, STAMP);
  const compiled = proj ? proj.sources.filter((f) => !f.endsWith('.d.ts')) : [];
  const print = proj && fingerprint(inputs(proj.sources));
  const complete = !proj || !proj.rootDir || compiled.every((f) => fs.existsSync(outputOf(f, proj)));
  if (proj && !force) {
    let previous;
    try {
      previous = fs.readFileSync(stamp, 'utf8').trim();
    } catch {
      previous = undefined;
    }
    if (previous === print && complete) return 0;
  }
  // tsc --incremental trusts its build info and does not emit a file again that was deleted from dist.
  if (!complete && proj.tsBuildInfoFile) fs.rmSync(proj.tsBuildInfoFile, { force: true });
  if (stamp) fs.rmSync(stamp, { force: true });
  if (proj && proj.rootDir) pruneOrphans(proj);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const run = spawnSync(process.execPath, [tsc, '-p', CONFIG], { cwd: ROOT, stdio: 'inherit' });
  if (run.error) {
    console.error(`org-guard: cannot run tsc: ${run.error.message}`);
    return 1;
  }
  if (run.status !== 0) return run.status ?? 1;
  if (proj) {
    fs.mkdirSync(proj.outDir, { recursive: true });
    fs.writeFileSync(stamp, `${print}\n`);
  }
  return 0;
}

module.exports = { inputs, project, pruneOrphans, typescript, CONFIG, ROOT };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
