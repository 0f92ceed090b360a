import { Testing } from 'cdktf';
import { stringify } from 'yaml';
import { buildApp } from '../app';
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
 * tests may change it). A config already synthesized in this jest run is read back (test/synth-cache.ts).
 */
export function synthOrg(config: OrgConfig = configOf()): Record<string, TfJson> {
  const pairs = cachedSynth(config, () => {
    const stacks = buildApp(config, Testing.app());
    const all = [stacks.logArchive, stacks.management, stacks.security, ...stacks.members];
    return all.map((s): [string, TfJson] => [s.node.id, JSON.parse(Testing.synth(s)) as TfJson]);
  });
  return Object.fromEntries(pairs);
}

/** Every resource of a type in a stack's JSON, as [construct-derived name, body] pairs. */
export function resourcesOf(stack: TfJson, type: string): [string, any][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

export function countResources(stack: TfJson): number {
  return Object.values(stack.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
