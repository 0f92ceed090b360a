import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../config/load';
import type { OrgConfig } from '../config/schema';
import { cachedSynth } from './synth-cache';

/** The minimum config from the README: the foundation for tests that change one thing. */
export function minimalInput(): Record<string, any> {
  return {
    organization: {
      id: 'o-exampleorg1',
      homeRegion: 'us-east-1',
      regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'],
    },
    accounts: {
      management: { id: '111111111111' },
      security: { id: '222222222222' },
      logArchive: { id: '333333333333' },
      members: [{ name: 'workload-prod', id: '444444444444' }],
    },
  };
}

/** Parses a config object exactly as the loader parses a file. */
export function configOf(input: Record<string, any> = minimalInput()): OrgConfig {
  return parseConfig(stringify(input), 'test.yaml');
}

export interface TfJson {
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  terraform?: Record<string, any>;
  import?: any[];
  output?: Record<string, any>;
  [key: string]: unknown;
}

/**
 * Synthesizes every stack of the organization; returns each stack's Terraform JSON by name (a fresh copy:
 * tests may change it). A config already synthesized by this code is read back (test/synth-cache.ts).
 */
export function synthOrg(config: OrgConfig = configOf()): Record<string, TfJson> {
  // (the working directory is part of every entry's key: the local backend's state path is below it)
  const pairs = cachedSynth({ stacksOf: config }, () => {
    // Loaded on a miss only: a suite that reads cached results, or only parses configs, skips cdktf and the app.
    const { Testing } = require('cdktf') as typeof import('cdktf');
    const { buildApp } = require('../app') as typeof import('../app');
    const stacks = buildApp(config, Testing.app());
    const all = [stacks.logArchive, stacks.management, stacks.security, ...stacks.members];
    return all.map((s): [string, TfJson] => [s.node.id, JSON.parse(Testing.synth(s)) as TfJson]);
  });
  return Object.fromEntries(pairs);
}

/**
 * Writes a real cdktf output directory (manifest and stacks, as the cdktf App writes them) for a config. A config
 * already synthesized to a directory by this code is written from the cache (test/synth-cache.ts): the files do
 * not depend on the directory (the manifest's paths are relative to it).
 */
export function synthToDir(config: OrgConfig, outdir: string): void {
  const files = cachedSynth({ outdirOf: config }, () => {
    const { App } = require('cdktf') as typeof import('cdktf');
    const { buildApp } = require('../app') as typeof import('../app');
    // into a folder of its own: what is recorded is exactly what the App wrote
    const scratch = mkdtempSync(path.join(tmpdir(), 'org-guard-synth-dir-'));
    try {
      buildApp(config, new App({ outdir: scratch })).app.synth();
      return filesBelow(scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
    writeFileSync(path.join(outdir, file), text);
  }
}

/** Every file below a folder, by its path relative to the folder, with its text. */
export function filesBelow(dir: string): Record<string, string> {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/** Every resource of a type in a stack's JSON, as [construct-derived name, body] pairs. */
export function resourcesOf(stack: TfJson, type: string): [string, any][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

export function countResources(stack: TfJson): number {
  return Object.values(stack.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
